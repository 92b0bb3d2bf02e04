"""Blind coding: a blind coder sees, counts and compares only their own segments."""

from __future__ import annotations

import pytest

import thematica
from thematica.errors import InvalidInput

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
CODING = [
    ("P01", "The course was good.", "Power", "A"),
    ("P01", "I felt hope.", "Hope", "A"),
    ("P02", "Sam led the room.", "Power", "A"),
    ("P01", "The course was good.", "Hope", "B"),
    ("P02", "Hope came back.", "Hope", "B"),
]


@pytest.fixture
def study(project, write_transcript):
    project.import_files([write_transcript("P01", P01), write_transcript("P02", P02)])
    for name in ("Power", "Hope"):
        project.create_code(name)
    project.add_coder("A")
    b = project.add_coder("B", blind=True)
    assert b.blind
    for source, quote, code, coder in CODING:
        project.code_quote(source, quote, code, coder=coder)
    return project


@pytest.fixture
def as_b(study):
    proj = thematica.open_project(study.path, actor="B")
    yield proj
    proj.close()


def texts(segments) -> list[str]:
    return sorted(s.text for s in segments)


def test_a_blind_coder_sees_only_their_own_segments(study, as_b) -> None:
    assert as_b.blind and not study.blind
    mine = ["Hope came back.", "The course was good."]
    assert texts(as_b.segments()) == mine
    assert texts(as_b.segments(coder="B")) == mine
    assert texts(as_b.segments(code="Power")) == []
    assert texts(as_b.segments(source="P01")) == ["The course was good."]
    assert sorted(x.segment.text for x in as_b.extracts()) == mine
    assert {x.coder for x in as_b.extracts("Hope")} == {"B"}
    assert as_b.matrix().records() == [{"code": "Hope", "P01": 1, "P02": 1}]
    with thematica.open_project(study.path, actor="b") as lower:  # names are matched without case
        assert texts(lower.segments()) == mine


def test_asking_for_another_coder_is_refused(as_b) -> None:
    with pytest.raises(InvalidInput, match="codes blind"):
        as_b.segments(coder="A")
    with pytest.raises(InvalidInput, match="codes blind"):
        as_b.extracts(coder="A")
    with pytest.raises(InvalidInput, match="codes blind"):
        as_b.matrix(coder="A")


def test_a_blind_coder_cannot_compare(as_b) -> None:
    for call in (
        lambda: as_b.compare(["A", "B"], ci=False),
        lambda: as_b.compare(ci=False),
        lambda: as_b.disagreements(["A", "B"]),
        lambda: as_b.queue_progress(["A", "B"]),
        lambda: as_b.accept_agreements(["A", "B"]),
        lambda: as_b.resolve("P01:0-1", "neither", coders=["A", "B"]),
    ):
        with pytest.raises(InvalidInput, match="blind coder"):
            call()


def test_a_blind_coder_codes_as_themselves(study, as_b) -> None:
    seg = as_b.code_quote("P02", "It mattered.", "Power")
    assert seg.coder_id == next(c.id for c in study.coders() if c.name == "B")
    assert texts(as_b.segments(code="Power")) == ["It mattered."]


def test_others_see_everything(study) -> None:
    everyone = sorted(q for _, q, _, _ in CODING)
    assert texts(study.segments()) == everyone  # the lead ("tester"), not a coder
    with thematica.open_project(study.path, actor="A") as as_a:
        assert not as_a.blind
        assert texts(as_a.segments()) == everyone
        assert texts(as_a.segments(coder="B")) == ["Hope came back.", "The course was good."]
        assert as_a.compare(["A", "B"], ci=False).units == 4
        assert as_a.queue_progress(["A", "B"]).places == 4


def test_lifting_blindness(study, as_b) -> None:
    coder = study.set_coder("B", blind=False)
    assert not coder.blind and not as_b.blind
    assert len(as_b.segments()) == len(CODING)
    assert texts(as_b.segments(coder="A")) == ["I felt hope.", "Sam led the room.", "The course was good."]
    assert as_b.compare(["A", "B"], ci=False).coders == ("A", "B")
    study.set_coder("B", blind=True)
    assert as_b.blind and len(as_b.segments()) == 2
    assert study.log(1)[0].operation == "coder.set"


def test_a_blind_coder_cannot_export_another_coders_work(as_b, tmp_path) -> None:
    path = tmp_path / "a.json"
    with pytest.raises(InvalidInput):
        as_b.export_coder("A", path)
    assert not path.exists()


def test_a_blind_coder_still_counts_their_own_once_a_consensus_layer_exists(study, as_b) -> None:
    place = study.disagreements(["A", "B"])[0]
    study.resolve(place.key, "accept", coder="A")
    assert study.analysis_coders() == [next(c.id for c in study.coders() if c.name == "consensus")]
    assert texts(as_b.segments()) == ["Hope came back.", "The course was good."]  # these still work
    assert as_b.matrix().records() == [{"code": "Hope", "P01": 1, "P02": 1}]
