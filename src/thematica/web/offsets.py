"""The one place where the browser's offsets meet the project's.

Browsers count UTF-16 code units (an emoji is two); thematica stores code
points (an emoji is one). ``Utf16Map`` converts both ways for one text in
O(log n) after an O(n) build; everything the web layer sends or receives
goes through it.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from ..errors import InvalidInput


class Utf16Map:
    """Offset conversion for one canonical text."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        #: code-point indices of the characters outside the Basic Multilingual Plane (two UTF-16 units each)
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self.units = self.length + len(self._astral)

    def to_utf16(self, index: int) -> int:
        """Code-point index -> UTF-16 offset."""
        if not 0 <= index <= self.length:
            raise InvalidInput(f"offset {index} is outside the text")
        return index + bisect_right(self._astral, index - 1)

    def to_index(self, units: int) -> int:
        """UTF-16 offset -> code-point index; an offset inside a surrogate pair is an error."""
        if not 0 <= units <= self.units:
            raise InvalidInput(f"offset {units} is outside the text")
        low, high = 0, self.length
        while low < high:  # smallest index whose UTF-16 offset >= units
            middle = (low + high) // 2
            if self.to_utf16(middle) < units:
                low = middle + 1
            else:
                high = middle
        if self.to_utf16(low) != units:
            raise InvalidInput(f"offset {units} falls inside a character (a surrogate pair)")
        return low


@lru_cache(maxsize=64)
def utf16_map(text: str) -> Utf16Map:
    """The (cached) map for a text; texts never change once imported."""
    return Utf16Map(text)
