"""Prevalence in words, as papers phrase it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thematica.analysis.prevalence import count_noun, in_words, number_word, plural_of
from thematica.errors import InvalidInput

EXACT = [
    (8, 8, "all eight participants"),
    (7, 8, "seven of the eight participants"),
    (4, 8, "four of the eight participants"),
    (3, 8, "three of the eight participants"),
    (1, 8, "one participant"),
    (0, 8, "no participant"),
    (2, 2, "both participants"),
    (1, 2, "one participant"),
    (1, 1, "the only participant"),
    (20, 20, "all twenty participants"),
    (7, 21, "seven of the 21 participants"),
    (23, 120, "23 of the 120 participants"),
    (60, 120, "half of the participants"),
    (11, 22, "half of the participants"),
    (10, 20, "ten of the twenty participants"),
    (120, 120, "all 120 participants"),
    (1204, 2000, "1,204 of the 2,000 participants"),
]

VAGUE = [
    (8, 8, "all participants"),
    (7, 8, "most participants"),
    (5, 8, "most participants"),
    (4, 8, "about half of the participants"),
    (2, 5, "about half of the participants"),
    (3, 8, "some participants"),
    (2, 8, "a few participants"),
    (5, 20, "a few participants"),
    (6, 20, "some participants"),
    (1, 8, "one participant"),
    (0, 8, "none of the participants"),
    (1, 1, "the only participant"),
]


@pytest.mark.parametrize(("count", "total", "expected"), EXACT)
def test_exact_phrasing(count: int, total: int, expected: str) -> None:
    assert in_words(count, total) == expected


@pytest.mark.parametrize(("count", "total", "expected"), VAGUE)
def test_vague_phrasing(count: int, total: int, expected: str) -> None:
    assert in_words(count, total, style="vague") == expected


@pytest.mark.parametrize(
    ("count", "total", "kwargs", "expected"),
    [
        (4, 8, {"capitalise": True}, "Four of the eight participants"),
        (8, 8, {"capitalise": True}, "All eight participants"),
        (0, 8, {"capitalise": True}, "No participant"),
        (5, 8, {"capitalise": True, "style": "vague"}, "Most participants"),
        (3, 5, {"noun": "person", "plural": "people"}, "three of the five people"),
        (1, 5, {"noun": "person", "plural": "people"}, "one person"),
        (2, 6, {"noun": "transcript"}, "two of the six transcripts"),
        (3, 4, {"noun": "family"}, "three of the four families"),
        (23, 120, {"capitalise": True}, "23 of the 120 participants"),
    ],
)
def test_nouns_and_capitals(count: int, total: int, kwargs: dict, expected: str) -> None:
    assert in_words(count, total, **kwargs) == expected


@pytest.mark.parametrize(("count", "total"), [(1, 0), (0, 0), (9, 8), (-1, 8), (True, 8)])
def test_impossible_counts_are_invalid_input(count: int, total: int) -> None:
    with pytest.raises(InvalidInput):
        in_words(count, total)


def test_unknown_style_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        in_words(1, 2, style="loud")  # type: ignore[arg-type]


def test_number_words_and_plurals() -> None:
    assert [number_word(n) for n in (0, 1, 12, 20, 21, 1500)] == [
        "zero", "one", "twelve", "twenty", "21", "1,500"]
    assert plural_of("box") == "boxes" and plural_of("day") == "days"
    assert count_noun(1, "memo") == "one memo" and count_noun(23, "memo") == "23 memos"


@given(st.integers(1, 500).flatmap(lambda t: st.tuples(st.integers(0, t), st.just(t))),
       st.sampled_from(["exact", "vague"]))
def test_every_valid_count_has_a_phrase(pair: tuple[int, int], style: str) -> None:
    count, total = pair
    phrase = in_words(count, total, style=style)  # type: ignore[arg-type]
    assert phrase.endswith(("participant", "participants"))
    assert in_words(count, total, style=style, capitalise=True)[0] == phrase[0].upper()  # type: ignore[arg-type]
