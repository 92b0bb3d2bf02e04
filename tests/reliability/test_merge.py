"""A coder's work exported to a package and merged into another copy of the project:
GUIDs kept, codes matched or created, idempotence, conflicts, and refusals that write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import thematica
from thematica.errors import Conflict, InvalidInput
from thematica.project import MergeReport

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
B_CODING = [
    ("P01", "The course was good.", "Power", "first"),
    ("P01", "I felt hope.", "Letting go", ""),
    ("P02", "Hope came back.", "Hope", "a memo"),
]


@pytest.fixture
def files(write_transcript) -> list[Path]:
    return [write_transcript("P01", P01), write_transcript("P02", P02)]


@pytest.fixture
def package(project, files, tmp_path: Path) -> Path:
    """Project 1: A and B coded; B's work exported."""
    project.import_files(files)
    project.create_code("Power", definition="Who holds power.")
    project.create_code("Letting go", parent="Power")
    project.create_code("Hope")
    project.create_code("Unused")
    project.add_coder("A")
    project.add_coder("B", role="peer researcher")
    for source, quote, code, memo in B_CODING:
        project.code_quote(source, quote, code, coder="B", memo=memo)
    project.code_quote("P02", "Sam led the room.", "Power", coder="A")
    return project.export_coder("B", tmp_path / "b.thematica-coder.json")


@pytest.fixture
def other(files, tmp_path: Path):
    """Project 2: the same transcripts, a code named Hope of its own, no coder B."""
    proj = thematica.init_project(tmp_path / "two", name="Copy")
    proj.import_files(files)
    proj.create_code("Hope")
    yield proj
    proj.close()


def state(proj) -> tuple:
    """Everything a merge could touch."""
    codes = {c.id: c for c in proj.codes(include_deleted=True)}
    return (
        [(c.name, c.role, c.kind.value) for c in proj.coders()],
        [(c.name, codes[c.parent_id].name if c.parent_id else None, c.definition) for c in codes.values()],
        [(s.id, s.source_id, s.start, s.end, s.text, codes[s.code_id].name, s.coder_id, s.memo) for s in proj.segments()],
    )


def packed(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_package_holds_b_only(package: Path, project) -> None:
    data = packed(package)
    assert data["format"] == "thematica-coder/1" and data["coder_name"] == "B" and data["coder_role"] == "peer researcher"
    assert sorted(s["text"] for s in data["segments"]) == sorted(q for _, q, _, _ in B_CODING)
    assert sorted(c["name"] for c in data["codes"]) == ["Hope", "Letting go", "Power"]  # Unused and A's codes stay home
    assert sorted(s["name"] for s in data["sources"]) == ["P01", "P02"]
    # merging into the project it came from: everything is already there
    before = state(project)
    report = project.merge_coder(package)
    assert (report.segments_added, report.segments_already_there, report.conflicts) == (0, 3, ())
    assert state(project) == before


def test_merge_into_another_copy(package: Path, other, tmp_path: Path) -> None:
    report = other.merge_coder(package)
    assert report == MergeReport(
        coder="B", segments_added=3, segments_already_there=0,
        codes_created=("Power", "Letting go"), codes_matched_by_name=("Hope",), conflicts=(),
    )
    b = next(c for c in other.coders() if c.name == "B")
    assert b.role == "peer researcher"
    segments = other.segments(coder="B")
    names = {c.id: c for c in other.codes()}
    assert sorted((s.text, names[s.code_id].name, s.memo) for s in segments) == sorted(
        (q, code, memo) for _, q, code, memo in B_CODING
    )
    for s in segments:  # texts verified against this project's sources
        assert other.source_text(s.source_id)[s.start : s.end] == s.text
    power = other.code_by("Power")
    assert other.code_by("Letting go").parent_id == power.id and power.definition == "Who holds power."
    assert [s.code_id for s in segments if s.text == "Hope came back."] == [other.code_by("Hope").id]
    # the same GUIDs: exporting B again from here gives the same segments and coder
    again = packed(other.export_coder("B", tmp_path / "again.json"))
    original = packed(package)
    assert again["coder_guid"] == original["coder_guid"]
    key = lambda s: (s["guid"], s["start"], s["end"], s["text"], s["memo"], s["source_sha256"])  # noqa: E731
    assert sorted(map(key, again["segments"])) == sorted(map(key, original["segments"]))
    event = other.log(1)[0]
    assert event.operation == "coder.merge" and event.summary == "merged 3 segments of B"


def test_merging_twice_changes_nothing(package: Path, other) -> None:
    other.merge_coder(package)
    before = state(other)
    events = len(other.log(None))
    report = other.merge_coder(package)
    assert (report.segments_added, report.segments_already_there, report.codes_created, report.conflicts) == (0, 3, (), ())
    assert state(other) == before
    log = other.log(None)
    assert len(log) == events + 1
    assert log[0].operation == "coder.merge" and log[0].summary == "merged 0 segments of B"


def test_a_changed_segment_is_a_conflict_and_the_project_version_is_kept(package: Path, other) -> None:
    other.merge_coder(package)
    changed = next(s for s in other.segments(coder="B") if s.text == "The course was good.")
    other.recode([changed.id], "Hope")
    before = state(other)
    original = package.read_bytes()
    guid = next(s["guid"] for s in packed(package)["segments"] if s["text"] == "The course was good.")
    report = other.merge_coder(package)
    assert report.segments_added == 0 and report.segments_already_there == 2
    assert report.conflicts == (f"segment {guid} differs here; the project's version was kept",)
    assert state(other) == before
    assert other.code_by(other.segments(coder="B")[0].code_id).name == "Hope"
    assert package.read_bytes() == original
    assert other.log(1)[0].details["conflicts"] == list(report.conflicts)


def test_a_source_missing_from_the_project_stops_the_merge(package: Path, files, tmp_path: Path) -> None:
    proj = thematica.init_project(tmp_path / "three")
    try:
        proj.import_files(files[:1])  # P01 only
        before, events = state(proj), len(proj.log(None))
        with pytest.raises(Conflict, match="source 'P02' is not in this project"):
            proj.merge_coder(package)
        assert state(proj) == before and len(proj.log(None)) == events
    finally:
        proj.close()


def test_a_source_whose_text_differs_stops_the_merge(package: Path, write_transcript, tmp_path: Path) -> None:
    proj = thematica.init_project(tmp_path / "four")
    try:
        proj.import_files([write_transcript("P01", P01), write_transcript("P02", P02.replace("Sam", "Kim"))])
        before = state(proj)
        with pytest.raises(Conflict, match="nothing was changed"):
            proj.merge_coder(package)
        assert state(proj) == before
    finally:
        proj.close()


def test_not_a_package(other, tmp_path: Path) -> None:
    before = state(other)
    cases = {
        "text.json": "not json at all {",
        "list.json": "[1, 2]",
        "other.json": json.dumps({"format": "something-else/1"}),
        "no-coder.json": json.dumps({"format": "thematica-coder/1", "coder_name": "B"}),
        "bad-segments.json": json.dumps({"format": "thematica-coder/1", "coder_guid": "g", "coder_name": "B", "segments": None}),
        "bad-segment.json": json.dumps({"format": "thematica-coder/1", "coder_guid": "g", "coder_name": "B", "segments": [{"guid": "x"}]}),
    }
    for name, content in cases.items():
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        with pytest.raises(InvalidInput):
            other.merge_coder(path)
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InvalidInput):
        other.merge_coder(tmp_path / "binary.json")
    with pytest.raises(InvalidInput):
        other.merge_coder(tmp_path / "missing.json")
    assert state(other) == before


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: d["segments"][0].update(code_guid="no-such-code"), id="unknown-code"),
        pytest.param(lambda d: d["segments"][0].update(start=str(d["segments"][0]["start"])), id="text-offsets"),
        pytest.param(lambda d: d["segments"][0].update(start=d["segments"][0]["end"], end=d["segments"][0]["start"], text=""),
                     id="reversed-span"),
        pytest.param(lambda d: d["codes"][0].update(name=None), id="null-code-name"),
        pytest.param(lambda d: d["segments"][0].update(surprise=1), id="unknown-field"),
        pytest.param(lambda d: d["segments"][0].pop("text"), id="missing-field"),
    ],
)
def test_a_damaged_package_is_invalid_input_and_writes_nothing(package: Path, other, tmp_path: Path, damage) -> None:
    data = packed(package)
    damage(data)
    path = tmp_path / "damaged.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before, events = state(other), len(other.log(None))
    try:
        with pytest.raises(InvalidInput):
            other.merge_coder(path)
    finally:
        assert state(other) == before and len(other.log(None)) == events
