"""Utf16Map: the browser's UTF-16 offsets and the project's code points, both ways, checked by brute force."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.errors import InvalidInput
from thematica.web.offsets import Utf16Map, utf16_map

# Text that stresses the conversion: ASCII, accents, combining marks, CJK, emoji (astral), flags, ZWJ sequences.
_PIECES = ["a", "Z", " ", "\n", "é", "e\u0301", "ß", "中", "文", "😀", "👩\u200d💻", "🇬🇧", "𝔘", "\u0301", "—"]
texts = st.lists(st.one_of(st.sampled_from(_PIECES), st.characters(codec="utf-8", exclude_categories=["Cs"])), max_size=60).map("".join)


def _units(text: str, index: int) -> int:
    """Brute force: how many UTF-16 code units the first ``index`` code points take."""
    return len(text[:index].encode("utf-16-le")) // 2


@settings(max_examples=300, deadline=None)
@given(texts)
def test_to_utf16_matches_brute_force(text: str) -> None:
    mapping = Utf16Map(text)
    assert mapping.units == len(text.encode("utf-16-le")) // 2
    for index in range(len(text) + 1):
        assert mapping.to_utf16(index) == _units(text, index)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_round_trips_and_surrogate_halves(text: str) -> None:
    mapping = Utf16Map(text)
    boundaries = {_units(text, i): i for i in range(len(text) + 1)}
    for units in range(mapping.units + 1):
        if units in boundaries:
            assert mapping.to_index(units) == boundaries[units]
            assert mapping.to_utf16(mapping.to_index(units)) == units
        else:  # the second half of a surrogate pair
            with pytest.raises(InvalidInput):
                mapping.to_index(units)


@given(texts, st.integers(min_value=1, max_value=5))
def test_offsets_outside_the_text_are_refused(text: str, beyond: int) -> None:
    mapping = Utf16Map(text)
    with pytest.raises(InvalidInput):
        mapping.to_index(mapping.units + beyond)
    with pytest.raises(InvalidInput):
        mapping.to_index(-beyond)
    with pytest.raises(InvalidInput):
        mapping.to_utf16(len(text) + beyond)


def test_an_offset_inside_an_emoji_is_an_error() -> None:
    text = "ok 😀 done"
    mapping = utf16_map(text)
    assert mapping.to_utf16(4) == 5 and mapping.to_index(5) == 4 and mapping.to_index(6) == 5
    with pytest.raises(InvalidInput, match="surrogate"):
        mapping.to_index(4)


def test_the_slice_the_browser_means_is_the_slice_python_cuts() -> None:
    text = "Café 🇬🇧 中文 — he said “I 👩\u200d💻 it”"
    js = text.encode("utf-16-le")
    start, end = 14, 26  # UTF-16 offsets as a browser would send them
    mapping = utf16_map(text)
    assert text[mapping.to_index(start) : mapping.to_index(end)] == js[2 * start : 2 * end].decode("utf-16-le")
