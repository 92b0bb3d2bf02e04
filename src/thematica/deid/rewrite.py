"""Rewriting a text with replacements, and carrying spans across by an offset map.

De-identification never re-finds a segment in the new text: every span is
moved by the map of what was replaced where. A span boundary that falls
inside a replaced stretch snaps outwards, so the span keeps the whole
pseudonym ("[Person 2]") rather than half of it.

    >>> new, omap = rewrite("I met Sarah Jones.", [Replacement(6, 17, "[Person 1]")])
    >>> new
    'I met [Person 1].'
    >>> omap.span(0, 11)                           # "I met Sarah"
    MappedSpan(start=0, end=16, replaced=5, original_length=11)
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Sequence

from ..errors import InvalidInput

#: A span whose characters were replaced at least this much is flagged for a look.
LOST_MEANING_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace ``text[start:end]`` with ``new``."""

    start: int
    end: int
    new: str


@dataclass(frozen=True, slots=True)
class MappedSpan:
    """A span carried into the new text; ``replaced`` counts its original characters that were replaced."""

    start: int
    end: int
    replaced: int
    original_length: int

    @property
    def lost_meaning(self) -> bool:
        """True when the span was (mostly) identifiers: after replacement it may say nothing."""
        if self.original_length == 0:
            return False
        return self.replaced / self.original_length >= LOST_MEANING_SHARE


class OffsetMap:
    """Maps offsets of the old text to the new one, given the replacements made (sorted, disjoint)."""

    def __init__(self, replacements: Sequence[Replacement]) -> None:
        self._reps = list(replacements)
        self._starts = [r.start for r in self._reps]
        self._ends = [r.end for r in self._reps]
        # shift after replacement i: sum of (len(new) - (end - start)) over 0..i
        self._shift: list[int] = []
        total = 0
        for r in self._reps:
            total += len(r.new) - (r.end - r.start)
            self._shift.append(total)

    def _before(self, offset: int) -> int:
        """Index of the last replacement starting at or before ``offset`` (-1 if none)."""
        return bisect.bisect_right(self._starts, offset) - 1

    def point(self, offset: int, *, side: str) -> int:
        """The new offset of an old one; inside a replacement it goes to its ``"left"`` or ``"right"`` edge."""
        i = self._before(offset)
        if i < 0:
            return offset
        rep = self._reps[i]
        shift_before = self._shift[i - 1] if i > 0 else 0
        new_start = rep.start + shift_before
        if offset == rep.start:
            return new_start
        if offset < rep.end:
            return new_start if side == "left" else new_start + len(rep.new)
        return offset + self._shift[i]

    def span(self, start: int, end: int) -> MappedSpan:
        """Carry the span [start, end) over; boundaries inside a replacement snap outwards."""
        new_start = self.point(start, side="left")
        new_end = self.point(end, side="right") if end > start else new_start
        lo = bisect.bisect_right(self._ends, start)
        replaced = 0
        for rep in self._reps[lo:]:
            if rep.start >= end:
                break
            replaced += min(end, rep.end) - max(start, rep.start)
        return MappedSpan(new_start, max(new_end, new_start), replaced, end - start)


def rewrite(text: str, replacements: Sequence[Replacement]) -> tuple[str, OffsetMap]:
    """Apply disjoint replacements to ``text``; return the new text and the map of offsets."""
    reps = sorted(replacements, key=lambda r: (r.start, r.end))
    parts: list[str] = []
    pos = 0
    for rep in reps:
        if not 0 <= rep.start < rep.end <= len(text):
            raise InvalidInput(f"replacement {rep.start}-{rep.end} is outside the text (length {len(text)})")
        if rep.start < pos:
            raise InvalidInput(f"replacements overlap at offset {rep.start}")
        parts.append(text[pos : rep.start])
        parts.append(rep.new)
        pos = rep.end
    parts.append(text[pos:])
    return "".join(parts), OffsetMap(reps)
