"""The disagreement queue: places and their classification, resolving them into the consensus layer,
progress, undo, accepting agreements, and the consensus layer becoming the analysis coding."""

from __future__ import annotations

import pytest

from thematica.errors import InvalidInput, NotFound
from thematica.model import CoderKind
from thematica.project import QueueProgress
from thematica.reliability.disagreements import Coding, Difference, counts, places

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
TEXTS = {"P01": P01, "P02": P02}
CODING = [
    # place 1, missing: only A
    ("P01", "The course was good.", "Power", "A"),
    # place 2, codes: A {Hope, Power}, B {Hope, Together} on the same span
    ("P01", "I felt hope.", "Hope", "A"),
    ("P01", "I felt hope.", "Power", "A"),
    ("P01", "I felt hope.", "Hope", "B"),
    ("P01", "I felt hope.", "Together", "B"),
    # place 3, boundaries: the same code on different spans
    ("P02", "Sam led the room.", "Power", "A"),
    ("P02", "It was hard. Sam led the room.", "Power", "B"),
    # place 4, agree
    ("P02", "Hope came back.", "Hope", "A"),
    ("P02", "Hope came back.", "Hope", "B"),
    # place 5, boundaries: a chain of overlapping segments is one place
    ("P02", "We kept going.", "Together", "A"),
    ("P02", "It mattered.", "Together", "A"),
    ("P02", "going. It", "Together", "B"),
]


def span(source: str, quote: str) -> tuple[int, int]:
    start = TEXTS[source].index(quote)
    return start, start + len(quote)


def key(source: str, first: str, last: str | None = None) -> str:
    return f"{source}:{span(source, first)[0]}-{span(source, last or first)[1]}"


MISSING = key("P01", "The course was good.")
CODES_KEY = key("P01", "I felt hope.")
BOUNDARIES = key("P02", "It was hard. Sam led the room.")
AGREED = key("P02", "Hope came back.")
CHAIN = key("P02", "We kept going.", "It mattered.")


@pytest.fixture
def study(project, write_transcript):
    project.import_files([write_transcript("P01", P01), write_transcript("P02", P02)])
    for name in ("Power", "Hope", "Together"):
        project.create_code(name)
    for name in ("A", "B"):
        project.add_coder(name)
    for source, quote, code, coder in CODING:
        project.code_quote(source, quote, code, coder=coder)
    return project


def consensus(project) -> list[tuple[str, str, int, int, str]]:
    """(source, code, start, end, memo) of every consensus segment."""
    names = {c.id: c.name for c in project.codes()}
    sources = {s.id: s.name for s in project.sources()}
    if not any(c.kind is CoderKind.CONSENSUS for c in project.coders()):
        return []
    return [(sources[s.source_id], names[s.code_id], s.start, s.end, s.memo) for s in project.segments(coder="consensus")]


def seg(source: str, quote: str, code: str, memo: str) -> tuple[str, str, int, int, str]:
    return (source, code, *span(source, quote), memo)


# ------------------------------------------------------------------ places


def test_places_are_classified_as_constructed(study) -> None:
    items = study.disagreements(["A", "B"])
    assert [(i.key, i.difference) for i in items] == [
        (MISSING, Difference.MISSING),
        (CODES_KEY, Difference.CODES),
        (BOUNDARIES, Difference.BOUNDARIES),
        (CHAIN, Difference.BOUNDARIES),
    ]
    assert study.queue_progress(["A", "B"]) == QueueProgress(places=5, agreed=1, disagreements=4, resolved=0)
    for item in items:
        text = TEXTS[item.source]
        assert item.key == f"{item.source}:{item.start}-{item.end}"
        assert item.text == text[item.start : item.end]
        assert text[: item.start].endswith(item.before) and text[item.end :].startswith(item.after)
        assert item.resolved is None
    first, second, third, chain = items
    assert first.text == "The course was good."
    assert {n: [c[:3] for c in v] for n, v in first.coding.items()} == {"A": [("Power", *span("P01", "The course was good."))], "B": []}
    assert sorted(c[0] for c in second.coding["A"]) == ["Hope", "Power"]
    assert sorted(c[0] for c in second.coding["B"]) == ["Hope", "Together"]
    assert third.text == "It was hard. Sam led the room."
    assert chain.text == "We kept going. It mattered."
    assert len(chain.coding["A"]) == 2 and len(chain.coding["B"]) == 1
    # segment ids in the queue are the coders' segments
    ids = {s.id: (s.start, s.end) for s in study.segments()}
    for item in items:
        for coding in item.coding.values():
            for _, start, end, seg_id in coding:
                assert ids[seg_id] == (start, end)


def test_keys_are_stable(study) -> None:
    before = [i.key for i in study.disagreements(["A", "B"])]
    assert [i.key for i in study.disagreements(["A", "B"])] == before
    study.code_quote("P01", "Power moved.", "Power", coder="B")  # a new place elsewhere
    after = [i.key for i in study.disagreements(["A", "B"])]
    assert set(before) < set(after) and set(after) - set(before) == {key("P01", "Power moved.")}
    study.resolve(MISSING, "neither")
    assert [i.key for i in study.disagreements(["A", "B"], include_resolved=True)] == after


def test_places_function_by_hand() -> None:
    A, B = 1, 2
    c = [
        Coding(1, 7, 0, 5, 10, A), Coding(2, 7, 5, 9, 10, B),  # touching, not overlapping: two places
        Coding(3, 7, 20, 30, 10, A), Coding(4, 7, 20, 30, 11, B), Coding(5, 7, 25, 40, 10, B),  # codes
        Coding(6, 8, 0, 4, 10, A), Coding(7, 8, 0, 4, 10, B),  # agree
        Coding(8, 9, 0, 4, 10, A),  # source 9: B never coded it
        Coding(9, 7, 50, 60, 10, 3),  # another coder: ignored
    ]
    found = places(c, [A, B], sources=[7, 8])
    assert [(p.source_id, p.start, p.end, p.difference) for p in found] == [
        (7, 0, 5, Difference.MISSING), (7, 5, 9, Difference.MISSING), (7, 20, 40, Difference.CODES), (8, 0, 4, Difference.AGREE),
    ]
    assert found[0].coders_without([A, B]) == (B,) and found[2].by_coder(B) == (c[3], c[4])
    assert counts(found)[Difference.MISSING] == 2
    assert [(p.source_id, p.difference) for p in places(c, [A, B])][-1] == (9, Difference.MISSING)


# ------------------------------------------------------------------ resolving


def test_accept_each_coder_both_neither_spans(study) -> None:
    assert study.resolve(MISSING, "accept", coder="A", rationale="fits the definition ") == 1
    assert consensus(study) == [seg("P01", "The course was good.", "Power", "fits the definition")]
    cons = next(c for c in study.coders() if c.name == "consensus")
    assert cons.kind is CoderKind.CONSENSUS
    assert all(s.text == TEXTS["P01"][s.start : s.end] for s in study.segments(coder="consensus"))

    # B coded nothing here: accepting B's coding writes none, and replaces the earlier decision
    assert study.resolve(MISSING, "accept", coder="b") == 0
    assert consensus(study) == []

    assert study.resolve(CODES_KEY, "both", rationale="both apply") == 3  # Hope once, Power, Together
    assert sorted(consensus(study)) == sorted(
        seg("P01", "I felt hope.", code, "both apply") for code in ("Hope", "Power", "Together")
    )
    assert study.resolve(CODES_KEY, "accept", coder="B") == 2
    assert sorted(x[1] for x in consensus(study)) == ["Hope", "Together"]

    start, end = span("P02", "Sam led the room.")
    assert study.resolve(BOUNDARIES, "spans", spans=[("Power", start, end - 1), ("Hope", start, start + 3)], rationale="r") == 2
    assert sorted(x for x in consensus(study) if x[0] == "P02") == [("P02", "Hope", start, start + 3, "r"), ("P02", "Power", start, end - 1, "r")]

    assert study.resolve(CHAIN, "neither", rationale="not this") == 0
    progress = study.queue_progress(["A", "B"])
    assert (progress.disagreements, progress.resolved) == (4, 4)
    assert study.disagreements(["A", "B"]) == []
    decided = {i.key: i.resolved for i in study.disagreements(["A", "B"], include_resolved=True)}
    assert decided == {MISSING: "accept", CODES_KEY: "accept", BOUNDARIES: "spans", CHAIN: "neither"}
    events = [e for e in study.log(20) if e.operation == "disagreement.resolve"]
    assert len(events) == 6 and events[0].summary == f"resolved {CHAIN}: neither"
    assert events[-1].details["segments"] == 1 and events[-1].details["coders"] == "A, B"


def test_progress_counts_resolutions(study) -> None:
    assert study.queue_progress(["A", "B"]).resolved == 0
    study.resolve(CODES_KEY, "both")
    assert study.queue_progress(["A", "B"]).resolved == 1
    study.resolve(CODES_KEY, "neither")  # re-resolving the same place still counts once
    assert study.queue_progress(["A", "B"]).resolved == 1
    assert [i.key for i in study.disagreements(["A", "B"])] == [MISSING, BOUNDARIES, CHAIN]
    assert [i.resolved for i in study.disagreements(["A", "B"], include_resolved=True)] == [None, "neither", None, None]


def test_resolve_errors_change_nothing(study) -> None:
    before = (len(study.log(None)), consensus(study))
    start, end = span("P02", "It was hard. Sam led the room.")
    with pytest.raises(InvalidInput, match="outside the place"):
        study.resolve(BOUNDARIES, "spans", spans=[("Power", start - 1, end)])
    with pytest.raises(InvalidInput, match="outside the place"):
        study.resolve(BOUNDARIES, "spans", spans=[("Power", start, start + 4), ("Power", start, end + 1)])
    with pytest.raises(InvalidInput):
        study.resolve(BOUNDARIES, "spans", spans=[("Power", start + 5, start + 5)])
    with pytest.raises(InvalidInput):
        study.resolve(BOUNDARIES, "spans")
    with pytest.raises(NotFound):
        study.resolve(BOUNDARIES, "spans", spans=[("Nope", start, end)])
    with pytest.raises(InvalidInput):
        study.resolve(MISSING, "accept")  # whose?
    with pytest.raises(InvalidInput):
        study.resolve(MISSING, "accept", coder="Nobody")
    with pytest.raises(InvalidInput):
        study.resolve(MISSING, "maybe")
    with pytest.raises(NotFound):
        study.resolve("P01:0-3", "neither")
    with pytest.raises(NotFound):
        study.resolve("P09:1-2", "neither")
    assert (len(study.log(None)), consensus(study)) == before
    assert study.queue_progress(["A", "B"]).resolved == 0


def test_undo_reverts_a_resolution_completely(study) -> None:
    study.resolve(CODES_KEY, "accept", coder="A", rationale="first")
    first = consensus(study)
    study.resolve(CODES_KEY, "both", rationale="second")
    assert len(consensus(study)) == 3
    event = study.undo()
    assert event.operation == "disagreement.resolve"
    assert consensus(study) == first
    assert [i.resolved for i in study.disagreements(["A", "B"], include_resolved=True) if i.key == CODES_KEY] == ["accept"]
    study.undo()
    assert consensus(study) == []
    assert study.queue_progress(["A", "B"]).resolved == 0
    assert all(i.resolved is None for i in study.disagreements(["A", "B"], include_resolved=True))
    assert study.analysis_coders() is None


def test_accept_agreements_copies_only_agreed_places(study) -> None:
    assert study.accept_agreements(["A", "B"]) == 1
    assert consensus(study) == [seg("P02", "Hope came back.", "Hope", "coders agreed")]
    event = study.log(1)[0]
    assert event.operation == "disagreement.accept_agreed" and "1 agreed places (1 segments)" in event.summary
    assert study.accept_agreements(["A", "B"]) == 1  # again: replaced, not doubled
    assert len(consensus(study)) == 1
    assert study.queue_progress(["A", "B"]).resolved == 0  # agreements are not resolutions


def test_the_consensus_layer_becomes_the_analysis_coding(study) -> None:
    assert study.analysis_coders() is None
    everyone = study.matrix()
    assert everyone.records() == [
        {"code": "Power", "P01": 2, "P02": 2},
        {"code": "Hope", "P01": 2, "P02": 2},
        {"code": "Together", "P01": 1, "P02": 3},
    ]
    study.resolve(CODES_KEY, "both")
    study.resolve(BOUNDARIES, "accept", coder="A")
    study.accept_agreements(["A", "B"])
    cons = next(c for c in study.coders() if c.kind is CoderKind.CONSENSUS)
    assert study.analysis_coders() == [cons.id]
    assert study.matrix().records() == [
        {"code": "Power", "P01": 1, "P02": 1},
        {"code": "Hope", "P01": 1, "P02": 1},
        {"code": "Together", "P01": 1, "P02": 0},
    ]
    assert study.analysis_coders("A") == [next(c.id for c in study.coders() if c.name == "A")]
    # the consensus layer is not a coder to compare
    assert study.compare(ci=False).coders == ("A", "B")
