"""Project.compare on a small study counted by hand: per-code matrices, coefficients, missing data,
character runs, pooling, the table and sentence, intra-coder consistency and errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from thematica.errors import InvalidInput, NotFound
from thematica.reliability import stats
from thematica.reliability.reading import reading
from thematica.reliability.units import UnitKind

nan = np.nan

P01 = (
    "Interviewer: Tell me about the course.\n\n"
    "P01: The course was good. We built it together. Power moved.\n\n"
    "Interviewer: And after?\n\n"
    "P01: I felt hope. Then I left.\n"
)
P02 = (
    "Interviewer: How was it?\n\n"
    "P02: It was hard. Sam led the room.\n\n"
    "Interviewer: Anything else?\n\n"
    "P02: Hope came back. We kept going. It mattered.\n"
)
NOTES = "Field note one. Field note two.\n"

#: (source, quote, code, coder): the whole study's coding.
CODING = [
    ("P01", "Tell me about the course.", "Power", "A"),  # interviewer speech: outside the default units
    ("P01", "The course was good.", "Power", "A"),
    ("P01", "Power moved.", "Power", "A"),
    ("P01", "We built it together.", "Together", "A"),
    ("P01", "I felt hope.", "Hope", "A"),
    ("P02", "Sam led the room.", "Power", "A"),
    ("P02", "Hope came back. We kept going.", "Hope", "A"),
    ("P01", "The course was good. We built", "Power", "B"),
    ("P01", "Power moved.", "Power", "B"),
    ("P01", "I felt hope. Then I left.", "Hope", "B"),
    ("P02", "It mattered.", "Hope", "B"),
    ("P02", "We kept going.", "Together", "B"),
]
CODES = ("Power", "Hope", "Together")

# Participants' turns: T1 T2 (P01), T3 T4 (P02); columns A, B.
TURNS = {
    "Power": [[1, 1], [0, 0], [1, 0], [0, 0]],
    "Hope": [[0, 0], [1, 1], [0, 0], [1, 1]],
    "Together": [[1, 0], [0, 0], [0, 0], [0, 1]],
}
# Sentences: s1..s5 in P01 (course, built, power, hope, left), s6..s10 in P02 (hard, Sam, Hope, kept, mattered).
SENTENCES = {
    "Power": [[1, 1], [0, 1], [1, 1], [0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [0, 0]],
    "Hope": [[0, 0], [0, 0], [0, 0], [1, 1], [0, 1], [0, 0], [0, 0], [1, 0], [1, 0], [0, 1]],
    "Together": [[0, 0], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 1], [0, 0]],
}
FIGURES = ("percent", "cohen", "fleiss", "alpha", "ac1", "bp", "prevalence", "bias")


@pytest.fixture
def study(project, write_transcript):
    project.import_files([write_transcript("P01", P01), write_transcript("P02", P02), write_transcript("Notes", NOTES)])
    for name in CODES:
        project.create_code(name)
    for name in ("A", "B"):
        project.add_coder(name)
    for source, quote, code, coder in CODING:
        project.code_quote(source, quote, code, coder=coder)
    return project


def expected(data, **options) -> stats.Agreement:
    return stats.agreement(np.array(data, dtype=float), ci=False, categories=(0.0, 1.0), **options)


def same(got: stats.Agreement, want: stats.Agreement) -> None:
    for name in FIGURES:
        a, b = getattr(got, name), getattr(want, name)
        assert (a is None) == (b is None), name
        if a is not None:
            assert a == pytest.approx(b, abs=1e-12), name
    assert (got.units, got.rated_units, got.coders) == (want.units, want.rated_units, want.coders)
    if want.table is not None:
        assert got.table.tolist() == want.table.tolist()


def check_matrices(result, matrices: dict[str, list[list[int]]]) -> None:
    assert [c.code for c in result.per_code] == list(matrices)
    for c in result.per_code:
        hand = np.array(matrices[c.code], dtype=float)
        same(c.agreement, expected(hand))
        assert c.coded == tuple(int(n) for n in np.nansum(hand, axis=0))
        assert c.units == len(hand)
        if hand.shape[1] == 2:  # Cohen's kappa as scikit-learn computes it, on the units both coded
            both = ~np.isnan(hand).any(axis=1)
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kappa = cohen_kappa_score(hand[both, 0], hand[both, 1], labels=[0, 1])
            if math.isnan(kappa):
                assert c.agreement.cohen is None
            else:
                assert c.agreement.cohen == pytest.approx(kappa)
    stacked = np.vstack([np.array(m, dtype=float) for m in matrices.values()])
    same(result.pooled.agreement, expected(stacked))
    assert result.pooled.units == len(stacked)


# ------------------------------------------------------------------ per-code data, by hand


def test_turn_units_match_the_hand_matrices(study) -> None:
    result = study.compare(["A", "B"], ci=False)
    assert result.unit is UnitKind.TURN and result.coders == ("A", "B")
    assert result.units == 4 and result.sources == ("P01", "P02")  # Notes: nobody coded it
    check_matrices(result, TURNS)
    assert result.per_code[0].agreement.cohen == pytest.approx(0.5)  # Power: 3 of 4 agree, hand-checked
    assert result.per_code[1].agreement.percent == 1.0


def test_sentence_units_match_the_hand_matrices(study) -> None:
    result = study.compare(["A", "B"], unit="sentence", ci=False)
    assert result.units == 10
    check_matrices(result, SENTENCES)


def test_min_share_needs_that_much_of_the_unit_covered(study) -> None:
    # B's "The course was good. We built" covers 8 of the 21 characters of "We built it together."
    result = study.compare(["A", "B"], unit="sentence", min_share=0.5, ci=False)
    wanted = {code: [row[:] for row in rows] for code, rows in SENTENCES.items()}
    wanted["Power"][1] = [0, 0]
    check_matrices(result, wanted)
    assert result.rule == "the coder's segments cover at least 50% of it"
    assert study.compare(["A", "B"], unit="sentence", min_share=0.38, ci=False).per_code[0].coded == (3, 3)
    assert study.compare(["A", "B"], unit="sentence", min_share=0.39, ci=False).per_code[0].coded == (3, 2)


def test_only_the_codes_asked_for_are_compared_and_pooled(study) -> None:
    result = study.compare(["A", "B"], codes=["Hope"], ci=False)
    check_matrices(result, {"Hope": TURNS["Hope"]})


def test_interviewer_turns_come_in_when_asked(study) -> None:
    result = study.compare(["A", "B"], participants_only=False, ci=False)
    assert result.units == 8
    power = [[1, 0], [1, 1], [0, 0], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0]]  # Q1 T1 Q2 T2 | Q3 T3 Q4 T4
    hope = [[0, 0], [0, 0], [0, 0], [1, 1], [0, 0], [0, 0], [0, 0], [1, 1]]
    together = [[0, 0], [1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 1]]
    check_matrices(result, {"Power": power, "Hope": hope, "Together": together})


def test_predefined_units_from_a_coder_who_marked_them(study) -> None:
    study.add_coder("Units")
    for quote in ("The course was good.", "I felt hope. Then I left.", "Hope came back."):
        study.code_quote("P01" if quote[0] in "TI" else "P02", quote, "Power", coder="Units")
    result = study.compare(["A", "B"], unit="predefined", units_from="Units", ci=False)
    assert result.units == 3
    check_matrices(result, {
        "Power": [[1, 1], [0, 0], [0, 0]],
        "Hope": [[0, 0], [1, 1], [1, 0]],
        "Together": [[0, 0], [0, 0], [0, 0]],
    })


# ------------------------------------------------------------------ missing data


def test_a_source_one_coder_never_coded_is_missing_for_that_coder(study) -> None:
    study.add_coder("C")
    study.code_quote("P01", "The course was good.", "Power", coder="C")
    study.code_quote("Notes", "Field note one.", "Hope", coder="A")  # Notes: only A, so compared by nobody

    three = study.compare(["A", "B", "C"], ci=False)
    assert three.units == 4 and three.sources == ("P01", "P02")
    power = [[1, 1, 1], [0, 0, 0], [1, 0, nan], [0, 0, nan]]  # C never coded P02
    hope = [[0, 0, 0], [1, 1, 0], [0, 0, nan], [1, 1, nan]]
    together = [[1, 0, 0], [0, 0, 0], [0, 0, nan], [0, 1, nan]]
    check_matrices(three, {"Power": power, "Hope": hope, "Together": together})
    assert three.per_code[0].agreement.cohen is None and three.per_code[0].coded == (2, 1, 1)

    # two coders: only the sources both coded are units
    pair = study.compare(["A", "C"], ci=False)
    assert pair.units == 2 and pair.sources == ("P01",)
    check_matrices(pair, {"Power": [[1, 1], [0, 0]], "Hope": [[0, 0], [1, 0]], "Together": [[1, 0], [0, 0]]})

    # when Notes is coded by B too, it comes in, missing for C
    study.code_quote("Notes", "Field note two.", "Hope", coder="B")
    three = study.compare(["A", "B", "C"], ci=False)
    assert three.units == 5 and three.sources == ("Notes", "P01", "P02")
    hope = [[0, 0, 0], [1, 1, 0], [0, 0, nan], [1, 1, nan], [1, 1, nan]]  # units in import order: Notes last
    assert three.per_code[1].code == "Hope"
    same(three.per_code[1].agreement, expected(hope))
    assert three.per_code[1].agreement.rated_units == 5


# ------------------------------------------------------------------ characters


def per_character(study, coders, codes) -> dict[str, np.ndarray]:
    """Brute force: one row per character of the participants' turns of the compared sources."""
    rows: dict[str, list[list[int]]] = {code: [] for code in codes}
    segments = [s for c in coders for s in study.segments(coder=c)]
    coder_ids = {c.name: c.id for c in study.coders()}
    for source in ("P01", "P02"):
        sid = study.source(source).id
        for turn in study.turns(source):
            if turn.role.value != "participant":
                continue
            for i in range(turn.start, turn.end):
                for code in codes:
                    cid = study.code_by(code).id
                    rows[code].append([
                        int(any(s.source_id == sid and s.code_id == cid and s.coder_id == coder_ids[c] and s.start <= i < s.end
                                for s in segments))
                        for c in coders
                    ])
    return {code: np.array(r, dtype=float) for code, r in rows.items()}


def test_character_figures_equal_the_per_character_expansion(study) -> None:
    result = study.compare(["A", "B"], unit="character", ci=False)
    chars = per_character(study, ("A", "B"), CODES)
    total = sum(t.end - t.start for s in ("P01", "P02") for t in study.turns(s) if t.role.value == "participant")
    assert result.units == total == len(chars["Power"])
    for c in result.per_code:
        same(c.agreement, expected(chars[c.code]))
        assert c.coded == tuple(int(n) for n in chars[c.code].sum(axis=0))
    same(result.pooled.agreement, expected(np.vstack(list(chars.values()))))
    assert result.per_code[0].agreement.units == total  # runs weigh their length: units are characters


def test_character_reading_is_that_of_the_per_character_expansion(project, write_transcript) -> None:
    project.import_files([write_transcript("N", "x" * 100)])
    assert len(project.source_text("N")) == 100
    project.create_code("X")
    project.create_code("Y")
    project.code("N", 0, 30, "X", coder="A")
    project.code("N", 0, 15, "X", coder="B")
    for i in range(30, 100, 3):  # short identical Y segments: they only cut X's uncoded stretch into runs
        project.code("N", i, i + 1, "Y", coder="A")
        project.code("N", i, i + 1, "Y", coder="B")
    x = project.compare(["A", "B"], unit="character", codes=["X"], ci=False).per_code[0]
    chars = np.array([[1, 1]] * 15 + [[1, 0]] * 15 + [[0, 0]] * 70, dtype=float)
    want = expected(chars)
    same(x.agreement, want)
    # the reading weighs runs by their length: X is on 30% of the text, not rare, however many runs the rest is cut into
    assert x.reading == reading(want, 0.3)
    assert "rare" not in x.reading


def test_pooled_is_the_per_code_matrices_stacked_and_cis_match_stats(study) -> None:
    result = study.compare(["A", "B"], unit="sentence", reps=200)
    for c in result.per_code:
        want = stats.agreement(np.array(SENTENCES[c.code], dtype=float), reps=200, categories=(0.0, 1.0))
        assert dict(c.agreement.ci) == dict(want.ci) and len(want.ci) == 6
    stacked = np.vstack([np.array(m, dtype=float) for m in SENTENCES.values()])
    want = stats.agreement(stacked, reps=200, categories=(0.0, 1.0))
    assert dict(result.pooled.agreement.ci) == dict(want.ci)
    assert result.pooled.agreement.reps == 200


def test_statistics_can_be_chosen(study) -> None:
    result = study.compare(["A", "B"], statistics=("percent", "ac1"), ci=False)
    a = result.pooled.agreement
    assert a.percent is not None and a.ac1 is not None
    assert a.cohen is None and a.alpha is None and a.reasons["cohen"] == "not requested"


# ------------------------------------------------------------------ table and sentence


def test_table_has_a_row_per_code_then_the_pooled_row(study) -> None:
    result = study.compare(["A", "B"], unit="sentence", ci=False)
    table = result.table()
    assert table.title == "Inter-coder agreement (A, B, by sentence)"
    assert table.column("code") == ["Power", "Hope", "Together", "(all codes pooled)"]
    assert table.column("units") == [10, 10, 10, 30]
    assert table.column("coded by A") == [3, 3, 1, 7]
    assert table.column("coded by B") == [3, 3, 1, 7]
    for row, c in zip(table.records(), (*result.per_code, result.pooled), strict=True):
        assert row["% agreement"] == round(100 * c.agreement.percent, 1)
        assert row["Cohen's kappa"] == round(c.agreement.cohen, 3)
        assert row["Krippendorff's alpha"] == round(c.agreement.alpha, 3)
        assert row["reading"] == c.reading
    assert "10 sentences in 2 sources coded by A and B" in table.notes[0]
    assert "overlap" in table.notes[0]


def test_sentence_names_coders_unit_and_figures(study) -> None:
    result = study.compare(["A", "B"], unit="sentence", ci=False)
    a = result.pooled.agreement
    text = result.sentence()
    assert text.startswith("Agreement between A and B was assessed on 2 transcripts (10 sentences, 3 codes)")
    assert f"observed agreement {a.percent:.0%}" in text
    assert f"Cohen's kappa = {a.cohen:.2f}" in text
    assert f"Gwet's AC1 = {a.ac1:.2f}" in text and f"Krippendorff's alpha = {a.alpha:.2f}" in text
    three = study
    three.add_coder("C")
    three.code_quote("P01", "The course was good.", "Power", coder="C")
    three.code_quote("P02", "It was hard.", "Power", coder="C")
    text = three.compare(["A", "B", "C"], ci=False).sentence()
    assert "A and B and C" in text and "Fleiss' kappa = " in text and "Cohen" not in text


# ------------------------------------------------------------------ intra-coder consistency


def test_a_recoding_identity_gives_intra_coder_consistency(study) -> None:
    again = study.add_coder("A later", recode_of="A")
    assert again.recode_of == next(c.id for c in study.coders() if c.name == "A")
    for source, quote, code, coder in CODING:
        if coder == "A" and quote != "Power moved.":  # the re-coding misses one sentence
            study.code_quote(source, quote, code, coder="A later")
    for order in (["A", "A later"], ["A later", "A"]):
        result = study.compare(order, unit="sentence", ci=False)
        assert result.intra is True
        assert result.table().title.startswith("Intra-coder consistency")
        assert result.sentence().startswith("Intra-coder consistency was assessed")
    result = study.compare(["A", "A later"], unit="sentence", ci=False)
    assert result.per_code[0].coded == (3, 2) and result.per_code[0].agreement.percent == pytest.approx(0.9)
    assert study.compare(["A", "B"], ci=False).intra is False
    assert study.compare(["A", "B", "A later"], ci=False).intra is False


# ------------------------------------------------------------------ errors


def test_errors(study) -> None:
    with pytest.raises(InvalidInput):
        study.compare(["A"])
    with pytest.raises(InvalidInput):
        study.compare(["A", "a"])  # the same coder twice
    with pytest.raises(NotFound):
        study.compare(["A", "Nobody"])
    study.add_coder("D")
    study.code_quote("Notes", "Field note one.", "Hope", coder="D")
    with pytest.raises(InvalidInput, match="in common"):
        study.compare(["A", "D"])
    with pytest.raises(InvalidInput, match="unit of analysis"):
        study.compare(["A", "B"], unit="word")
    for share in (-0.1, 1.5):
        with pytest.raises(InvalidInput):
            study.compare(["A", "B"], min_share=share, ci=False)
    with pytest.raises(NotFound):
        study.compare(["A", "B"], codes=["Nope"], ci=False)
    with pytest.raises(InvalidInput):
        study.compare(["A", "B"], statistics=("kappa",), ci=False)


def test_by_default_everyone_who_coded_is_compared(study) -> None:
    study.add_coder("Idle")  # registered, never coded: not compared
    result = study.compare(ci=False)
    assert result.coders == ("A", "B")
    assert not math.isnan(result.pooled.agreement.percent)
