"""Rewriting with replacements and carrying spans over by the offset map."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thematica.deid.rewrite import Replacement, rewrite
from thematica.errors import InvalidInput

TEXT = "Then Sarah Jones said 😀 that Rowan Ward was full, and Sarah laughed."


def _rep(text: str, word: str, new: str, nth: int = 0) -> Replacement:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Replacement(start, start + len(word), new)


def test_segment_around_a_name_keeps_the_same_words() -> None:
    reps = [_rep(TEXT, "Sarah Jones", "[Person 1]"), _rep(TEXT, "Rowan Ward", "[Ward 1]")]
    new, omap = rewrite(TEXT, reps)
    assert new == "Then [Person 1] said 😀 that [Ward 1] was full, and Sarah laughed."
    start = TEXT.index("said")
    end = TEXT.index(", and")
    moved = omap.span(start, end)
    assert new[moved.start : moved.end] == "said 😀 that [Ward 1] was full"
    assert moved.replaced == len("Rowan Ward") and not moved.lost_meaning


def test_boundaries_inside_a_name_snap_outwards() -> None:
    rep = _rep(TEXT, "Sarah Jones", "[Person 1]")
    new, omap = rewrite(TEXT, [rep])
    moved = omap.span(rep.start + 3, rep.end - 2)  # "ah Jon"
    assert new[moved.start : moved.end] == "[Person 1]"
    assert moved.lost_meaning
    across = omap.span(0, rep.start + 5)  # "Then Sarah"
    assert new[across.start : across.end] == "Then [Person 1]"


def test_span_ending_where_a_name_starts_does_not_take_it() -> None:
    rep = _rep(TEXT, "Sarah Jones", "[P]")
    new, omap = rewrite(TEXT, [rep])
    moved = omap.span(0, rep.start)
    assert new[moved.start : moved.end] == "Then "
    after = omap.span(rep.end, rep.end + 5)
    assert new[after.start : after.end] == " said"


def test_overlapping_or_outside_replacements_are_refused() -> None:
    with pytest.raises(InvalidInput):
        rewrite("abcdef", [Replacement(0, 3, "x"), Replacement(2, 4, "y")])
    with pytest.raises(InvalidInput):
        rewrite("abc", [Replacement(1, 9, "x")])


@st.composite
def _case(draw: st.DrawFn) -> tuple[str, list[Replacement], int, int]:
    text = draw(st.text(alphabet=st.sampled_from("ab é😀\n"), min_size=1, max_size=60))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    reps = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < b:
            reps.append(Replacement(a, b, draw(st.text(alphabet="[XY]", min_size=0, max_size=5))))
    s = draw(st.integers(0, len(text)))
    e = draw(st.integers(s, len(text)))
    return text, reps, s, e


@given(_case())
def test_untouched_text_around_a_span_is_carried_exactly(case: tuple[str, list[Replacement], int, int]) -> None:
    text, reps, s, e = case
    new, omap = rewrite(text, reps)
    moved = omap.span(s, e)
    assert 0 <= moved.start <= moved.end <= len(new)
    # reconstruct what the moved span should read: the old span with each touching replacement made whole
    lo, hi = s, e
    for r in reps:
        if r.start < e and r.end > s:
            lo, hi = min(lo, r.start), max(hi, r.end)
    expected, _ = rewrite(text[lo:hi], [Replacement(r.start - lo, r.end - lo, r.new) for r in reps if r.start >= lo and r.end <= hi])
    if s == e:
        assert moved.start == moved.end
    else:
        assert new[moved.start : moved.end] == expected
