"""The bundled example study: complete, synthetic, and built through the public API."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import thematica
from thematica.demo import build_demo, data_dir, read_coding, transcript_files
from thematica.model import AttributeType, Role


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> thematica.Project:
    project = build_demo(tmp_path_factory.mktemp("demo"))
    yield project
    project.close()


def test_files_are_marked_synthetic():
    files = transcript_files()
    assert [f.stem for f in files] == [f"P0{i}" for i in range(1, 9)]
    assert {f.suffix for f in files} == {".docx", ".txt", ".vtt"}
    assert sum(f.suffix == ".vtt" for f in files) == 1
    for path in files:
        if path.suffix != ".docx":
            assert "SYNTHETIC" in path.read_text(encoding="utf-8")[:400]


def test_sources_turns_and_participants(demo):
    sources = demo.sources()
    assert len(sources) == 8 and all(s.participant_id for s in sources)
    for source in sources:
        text = demo.source_text(source.name)
        assert "SYNTHETIC" in text[:400]
        turns = demo.turns(source.name)
        assert {t.role for t in turns} == {Role.INTERVIEWER, Role.PARTICIPANT}
        spoken = sum(len(text[t.start : t.end].split()) for t in turns)
        assert 2500 <= spoken <= 4000, (source.name, spoken)
        assert all(t.participant_id == source.participant_id for t in turns if t.role is Role.PARTICIPANT)
    vtt = next(s for s in sources if s.kind == "vtt")
    assert all(t.begin is not None and t.end_time >= t.begin for t in demo.turns(vtt.name))


def test_participants_match_the_brief(demo):
    people = demo.participants()
    assert len(people) == 8
    ages = [p.attributes["age"] for p in people]
    assert min(ages) >= 30 and max(ages) <= 55
    genders = [p.attributes["gender"] for p in people]
    assert genders.count("male") == 3 and genders.count("female") == 5
    assert all(2 <= p.attributes["years_as_trainer"] <= 4 for p in people)
    types = {a.name: a.type for a in demo.attributes()}
    assert types["age"] is AttributeType.NUMBER and types["interview_date"] is AttributeType.DATE
    assert types["band"] is AttributeType.CATEGORY and types["gender"] is AttributeType.CATEGORY


def test_codebook_and_every_coding_row_lands(demo):
    with (data_dir() / "codebook.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(demo.codes()) == len(rows) == 24
    assert {c.origin.value for c in demo.codes()} == {"deductive", "inductive", "in-vivo"}
    coding = read_coding()
    expected = sum(len(v) for v in coding.values())
    assert len(demo.segments()) == expected
    summary = demo.summary()
    assert set(summary.segments_by_coder) == {"Researcher A", "Researcher B"}
    sources_a = {s for s, c in coding if c == "Researcher A"}
    sources_b = {s for s, c in coding if c == "Researcher B"}
    assert len(sources_a) == 8 and len(sources_b) >= 3
    for seg in demo.segments()[:50]:
        assert demo.source_text(seg.source_id)[seg.start : seg.end] == seg.text
    assert demo.check() == []


def test_demo_rebuilds_cleanly(tmp_path: Path):
    first = build_demo(tmp_path)
    n = len(first.segments())
    first.close()
    second = build_demo(tmp_path)
    assert len(second.segments()) == n and len(second.sources()) == 8
    second.close()


def test_the_scripted_review_decides_every_candidate(tmp_path: Path):
    """deid_review.csv knows every candidate the scan finds in the demo (update it when detection changes)."""
    from thematica.demo import deidentify_demo

    project = build_demo(tmp_path / "d", deidentify=False)
    before = {s.name: project.source_text(s.name) for s in project.sources()}
    segments = {s.id: (s.source_id, s.text) for s in project.segments()}
    assert deidentify_demo(project) == []
    after = {s.name: project.source_text(s.name) for s in project.sources()}
    assert all("[Peer Trainer" in after[name] or before[name] == after[name] for name in before)
    assert project.check() == [] and len(project.segments()) == len(segments)
    assert project.deid_status()["deidentified_sources"] == 8
    project.close()
