"""Units of analysis: where sentences, paragraphs, turns, characters and predefined units are cut,
and which units a coder's segments cover (any overlap, or a minimum share)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.errors import InvalidInput
from thematica.reliability.units import (
    UnitKind,
    Units,
    character_units,
    coded,
    coverage,
    predefined_units,
    scopes,
    text_units,
    unit_kind,
)

P01 = (
    "Interviewer: Tell me about the course.\n\n"
    "P01: The course was good. We built it together. Power moved.\n\n"
    "Interviewer: And after?\n\n"
    "P01: I felt hope. Then I left.\n"
)
NOTES = "Field note one. Field note two.\nStill two.\n\nSecond paragraph here.\n"

PROPS = settings(max_examples=150, deadline=None)


def texts_of(units: Units, texts: dict[int, str]) -> list[tuple[int, str]]:
    return [(int(s), texts[int(s)][a:b]) for s, a, b in zip(units.source, units.start, units.end, strict=True)]


@pytest.fixture
def study(project, write_transcript):
    """P01 (interviewer and participant turns) and Notes (no turns), as imported."""
    project.import_files([write_transcript("P01", P01), write_transcript("Notes", NOTES)])
    ids = {s.name: s.id for s in project.sources()}
    texts = {ids[n]: project.source_text(n) for n in ids}
    turns = [(t.source_id, t.start, t.end, t.role.value) for t in project.turns()]
    return ids, texts, turns


# ------------------------------------------------------------------ scope


def test_scope_is_participants_turns_by_default_and_whole_text_without_turns(study) -> None:
    ids, texts, turns = study
    p01, notes = ids["P01"], ids["Notes"]
    scope = scopes(texts, turns)
    text = texts[p01]
    first = text.index("The course")
    second = text.index("I felt hope")
    assert scope[p01] == [(first, text.index("Power moved.") + len("Power moved.")), (second, text.index("I left.") + 7)]
    assert scope[notes] == [(0, len(NOTES))]
    # every turn, interviewer's too, when asked
    everything = scopes(texts, turns, participants_only=False)
    assert [text[a:b] for a, b in everything[p01]] == [
        "Tell me about the course.",
        "The course was good. We built it together. Power moved.",
        "And after?",
        "I felt hope. Then I left.",
    ]


def test_scope_of_a_source_with_only_interviewer_turns_is_empty() -> None:
    texts = {1: "Q: hello there\n", 2: "no turns at all"}
    turns = [(1, 3, 14, "interviewer"), (9, 0, 5, "participant")]  # source 9 is not compared
    assert scopes(texts, turns) == {1: [], 2: [(0, 15)]}
    assert scopes(texts, turns, participants_only=False) == {1: [(3, 14)], 2: [(0, 15)]}


# ------------------------------------------------------------------ text units


def test_turn_units_are_the_participants_turns(study) -> None:
    ids, texts, turns = study
    units = text_units(UnitKind.TURN, texts, scopes(texts, turns))
    assert units.kind is UnitKind.TURN
    assert ids["P01"] < ids["Notes"]  # imported first; units come in source order
    assert texts_of(units, texts) == [
        (ids["P01"], "The course was good. We built it together. Power moved."),
        (ids["P01"], "I felt hope. Then I left."),
        (ids["Notes"], NOTES.strip()),  # a source without turns is one whole unit
    ]
    assert units.weight.tolist() == [1.0, 1.0, 1.0]


def test_sentence_units_stay_inside_turns(study) -> None:
    ids, texts, turns = study
    units = text_units(UnitKind.SENTENCE, texts, scopes(texts, turns))
    got = texts_of(units, texts)
    assert [t for s, t in got if s == ids["P01"]] == [
        "The course was good.", "We built it together.", "Power moved.", "I felt hope.", "Then I left.",
    ]
    assert [t for s, t in got if s == ids["Notes"]] == [
        "Field note one.", "Field note two.", "Still two.", "Second paragraph here.",
    ]
    # with interviewer turns: their sentences come in, and no sentence runs from one turn into the next
    everything = texts_of(text_units(UnitKind.SENTENCE, texts, scopes(texts, turns, False)), texts)
    assert [t for s, t in everything if s == ids["P01"]] == [
        "Tell me about the course.", "The course was good.", "We built it together.", "Power moved.",
        "And after?", "I felt hope.", "Then I left.",
    ]


def test_paragraph_units_are_lines(study) -> None:
    ids, texts, turns = study
    got = texts_of(text_units(UnitKind.PARAGRAPH, texts, scopes(texts, turns)), texts)
    assert [t for s, t in got if s == ids["Notes"]] == ["Field note one. Field note two.", "Still two.", "Second paragraph here."]
    assert [t for s, t in got if s == ids["P01"]] == [
        "The course was good. We built it together. Power moved.", "I felt hope. Then I left.",
    ]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two! Three? Four… five", ["One.", "Two!", "Three?", "Four…", "five"]),
        ("Really?! Yes.", ["Really?!", "Yes."]),
        ("no end mark at all", ["no end mark at all"]),
        ("Line one\nline two.\n\n\nThree", ["Line one", "line two.", "Three"]),
        ("3.5 million.  Then   more.", ["3.5 million.", "Then   more."]),
        ("  padded.   ", ["padded."]),
        ("Café chats helped 😀. Next one.", ["Café chats helped 😀.", "Next one."]),
    ],
)
def test_sentence_cuts(text: str, sentences: list[str]) -> None:
    units = text_units(UnitKind.SENTENCE, {1: text}, {1: [(0, len(text))]})
    assert [t for _, t in texts_of(units, {1: text})] == sentences
    assert (units.end > units.start).all()


def test_a_sentence_keeps_its_closing_quote_or_bracket() -> None:
    text = 'He said "Hi." Then (he left.) Done.'
    units = text_units(UnitKind.SENTENCE, {1: text}, {1: [(0, len(text))]})
    assert [t for _, t in texts_of(units, {1: text})] == ['He said "Hi."', "Then (he left.)", "Done."]


def test_sentences_are_clipped_to_a_scope_that_starts_mid_sentence() -> None:
    text = "Alpha beta. Gamma delta. Epsilon."
    start = text.index("beta")
    units = text_units(UnitKind.SENTENCE, {1: text}, {1: [(start, text.index("delta") + 6)]})
    assert [t for _, t in texts_of(units, {1: text})] == ["beta.", "Gamma delta."]


def test_empty_scope_gives_no_units_and_character_is_not_a_text_unit() -> None:
    assert len(text_units(UnitKind.SENTENCE, {1: "Hi."}, {1: []})) == 0
    with pytest.raises(InvalidInput):
        text_units(UnitKind.CHARACTER, {1: "Hi."}, {1: [(0, 3)]})


def test_unit_kind_parses_names_and_rejects_others() -> None:
    assert unit_kind(" Sentence ") is UnitKind.SENTENCE
    assert unit_kind(UnitKind.TURN) is UnitKind.TURN
    with pytest.raises(InvalidInput, match="character, sentence, paragraph, turn, predefined"):
        unit_kind("word")


def test_predefined_units_are_sorted_and_deduplicated() -> None:
    units = predefined_units([(2, 5, 9), (1, 10, 20), (2, 5, 9), (1, 0, 4)])
    assert list(zip(units.source.tolist(), units.start.tolist(), units.end.tolist(), strict=True)) == [
        (1, 0, 4), (1, 10, 20), (2, 5, 9),
    ]
    assert units.kind is UnitKind.PREDEFINED and units.weight.tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(InvalidInput):
        predefined_units([])


# ------------------------------------------------------------------ character runs


def test_character_runs_cut_at_every_boundary_inside_the_scope() -> None:
    scope = {1: [(10, 30), (40, 50)], 2: [(0, 8)]}
    cuts = {1: np.array([0, 12, 12, 20, 35, 45, 50, 99]), 2: np.array([], dtype=np.int64)}
    units = character_units(scope, cuts)
    assert list(zip(units.source.tolist(), units.start.tolist(), units.end.tolist(), strict=True)) == [
        (1, 10, 12), (1, 12, 20), (1, 20, 30), (1, 40, 45), (1, 45, 50), (2, 0, 8),
    ]
    assert units.weight.tolist() == [2, 8, 10, 5, 5, 8]
    assert units.weight.sum() == 20 + 10 + 8
    assert len(character_units({1: []}, {})) == 0


@st.composite
def scope_and_cuts(draw: st.DrawFn) -> tuple[dict[int, list[tuple[int, int]]], dict[int, np.ndarray]]:
    scope: dict[int, list[tuple[int, int]]] = {}
    cuts: dict[int, np.ndarray] = {}
    for source in range(1, draw(st.integers(1, 3)) + 1):
        edges = sorted(set(draw(st.lists(st.integers(0, 80), max_size=8))))
        scope[source] = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=False) if b > a]
        cuts[source] = np.array(sorted(draw(st.lists(st.integers(0, 80), max_size=12))), dtype=np.int64)
    return scope, cuts


@PROPS
@given(scope_and_cuts())
def test_character_runs_tile_the_scope_and_weigh_its_characters(data) -> None:
    scope, cuts = data
    units = character_units(scope, cuts)
    assert units.weight.sum() == sum(b - a for spans in scope.values() for a, b in spans)
    assert (units.weight == units.end - units.start).all() and (units.weight > 0).all()
    for source, spans in scope.items():
        mine = units.source == source
        covered = [i for a, b in zip(units.start[mine], units.end[mine], strict=True) for i in range(a, b)]
        assert covered == [i for a, b in spans for i in range(a, b)]  # every character once, in order
        inner = set(cuts[source].tolist())
        for a, b in zip(units.start[mine], units.end[mine], strict=True):
            assert not inner & set(range(a + 1, b))  # no boundary falls inside a run


# ------------------------------------------------------------------ coverage and coded


def test_coverage_and_coded_by_hand() -> None:
    # units: 1:[0,10) 1:[10,20) 1:[20,30) 2:[0,10)
    units = Units(UnitKind.SENTENCE, np.array([1, 1, 1, 2]), np.array([0, 10, 20, 0]), np.array([10, 20, 30, 10]), np.ones(4))
    segments = [(1, 2, 6), (1, 4, 8), (1, 19, 21), (3, 0, 10)]  # overlapping pair counted once; source 3 has no units
    assert coverage(units, segments).tolist() == [6, 1, 1, 0]
    assert coded(units, segments).tolist() == [1, 1, 1, 0]
    assert coded(units, segments, 0.6).tolist() == [1, 0, 0, 0]
    assert coded(units, segments, 0.61).tolist() == [0, 0, 0, 0]
    assert coded(units, [(1, 0, 10)], 1.0).tolist() == [1, 0, 0, 0]
    assert coded(units, [], 0.5).tolist() == [0, 0, 0, 0]
    for bad in (-0.1, 1.01):
        with pytest.raises(InvalidInput):
            coded(units, segments, bad)


@st.composite
def units_and_segments(draw: st.DrawFn) -> tuple[Units, list[tuple[int, int, int]]]:
    def interval(source_max: int) -> st.SearchStrategy[tuple[int, int, int]]:
        return st.tuples(st.integers(1, source_max), st.integers(0, 59), st.integers(1, 20)).map(
            lambda t: (t[0], t[1], min(60, t[1] + t[2]))
        )

    rows = draw(st.lists(interval(2), min_size=1, max_size=15))
    units = Units(
        UnitKind.PREDEFINED,
        np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), np.array([r[2] for r in rows]), np.ones(len(rows)),
    )
    segments = draw(st.lists(interval(3), max_size=12))
    return units, segments


def brute_cover(units: Units, segments: list[tuple[int, int, int]]) -> list[int]:
    result = []
    for s, a, b in zip(units.source, units.start, units.end, strict=True):
        marked = {i for src, lo, hi in segments if src == s for i in range(lo, hi)}
        result.append(len(marked & set(range(a, b))))
    return result


@PROPS
@given(units_and_segments(), st.sampled_from([0.0, 0.1, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 0.9, 1.0]))
def test_coverage_and_coded_agree_with_brute_force(data, share: float) -> None:
    units, segments = data
    cover = brute_cover(units, segments)
    assert coverage(units, segments).tolist() == cover
    threshold = Fraction(share).limit_denominator(100)
    lengths = (units.end - units.start).tolist()
    expected = [
        float(n > 0 and (share == 0 or Fraction(n, length) >= threshold)) for n, length in zip(cover, lengths, strict=True)
    ]
    assert coded(units, segments, share).tolist() == expected
