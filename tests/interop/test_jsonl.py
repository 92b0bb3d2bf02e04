"""The JSON Lines folder: lossless round trips, byte-identical exports, and clear refusals of bad folders."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import thematica
from thematica import Project
from thematica.errors import Conflict, InvalidInput
from thematica.interop import jsonl
from thematica.interop.snapshot import (
    AttributeData,
    CodeData,
    CoderData,
    MemoData,
    ParticipantData,
    SegmentData,
    Snapshot,
    SourceData,
    ThemeData,
)

from .test_tables import build_study


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    """The tables' study, plus memos, themes with a subtheme and a quote, and a source with CRLF bytes."""
    build_study(project, tmp_path / "files")
    crlf = tmp_path / "files" / "P03.txt"
    crlf.write_bytes("\ufeffInterviewer: Hi?\r\n\r\nP03: Nai\u0308ve \u2028 hope.\r\n".encode("utf-8"))
    project.import_file(crlf)
    seg = project.segments(code="Hope")[0]
    project.add_memo("A memo on a segment\u2028with a line separator", on="segment", target=seg.id)
    project.add_memo("On the code", on="code", target="Hope")
    project.add_memo("On the source", on="source", target="P01")
    project.add_memo("On the project")
    project.add_journal_entry("Journal: I noticed my own assumptions.")
    project.create_theme("Sharing power", codes=["Power", "Letting go"], definition="Power moves.")
    project.create_theme("Small hopes", parent="Sharing power", codes=["Hope"])
    project.choose_quote("Sharing power", project.segments(code="Letting go")[0].id)
    project.set_setting("research_question", "How is power shared?")
    return project


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_write_then_read_gives_the_same_snapshot(study: Project, tmp_path: Path) -> None:
    snapshot = study.snapshot()
    folder = jsonl.write_folder(snapshot, tmp_path / "out")
    back = jsonl.read_folder(folder)
    assert back == jsonl.normalise(snapshot)
    assert jsonl.normalise(back) == back  # already in the folder's order
    p03 = next(s for s in back.sources if s.name == "P03")
    assert p03.text == "Interviewer: Hi?\n\nP03: Naïve \n hope.\n" and p03.original.startswith(b"\xef\xbb\xbf")
    assert {p.name for p in (folder / "sources").iterdir()} == (
        {f"{s.guid}.txt" for s in back.sources} | {f"{p03.guid}.orig"})  # .orig only where bytes differ
    assert (folder / "sources" / f"{p03.guid}.txt").read_bytes() == p03.text.encode("utf-8")


def test_the_layout_is_one_sorted_object_per_line(study: Project, tmp_path: Path) -> None:
    folder = study.export_folder(tmp_path / "out")
    names = {p.name for p in folder.iterdir()}
    assert names == {"project.json", "sources", ".gitattributes", *(f"{n}.jsonl" for n in jsonl.FILES)}
    for name in jsonl.FILES:
        text = (folder / f"{name}.jsonl").read_text(encoding="utf-8")
        lines = text.split("\n")
        assert lines[-1] == ""
        for line in lines[:-1]:
            record = json.loads(line)
            assert list(record) == sorted(record)
    segments = [json.loads(x) for x in (folder / "segments.jsonl").read_text(encoding="utf-8").splitlines()]
    keys = [(s["source_guid"], s["start"], s["end"], s["guid"]) for s in segments]
    assert keys == sorted(keys) and len(segments) == len(study.segments())
    codes = [json.loads(x)["guid"] for x in (folder / "codes.jsonl").read_text(encoding="utf-8").splitlines()]
    assert codes == sorted(codes)
    meta = json.loads((folder / "project.json").read_text(encoding="utf-8"))
    assert meta["format"] == jsonl.FORMAT and meta["settings"]["research_question"] == "How is power shared?"
    assert "Café chats helped 😀" in (folder / "segments.jsonl").read_text(encoding="utf-8")  # readable, not \\u-escaped


def test_two_exports_are_byte_identical(study: Project, tmp_path: Path) -> None:
    first = files_of(study.export_folder(tmp_path / "a"))
    assert files_of(study.export_folder(tmp_path / "b")) == first
    assert files_of(study.export_folder(tmp_path / "a")) == first  # exporting over an earlier export


def test_a_project_survives_the_trip_through_a_folder(study: Project, tmp_path: Path) -> None:
    folder = study.export_folder(tmp_path / "out")
    other = thematica.init_project(tmp_path / "other", name="Other")
    try:
        summary = other.import_folder(folder)
        assert summary["added"] == {"coders": 2, "participants": 4, "sources": 4, "codes": 4, "segments": 7,
                                 "memos": 5, "themes": 2}
        mine, theirs = study.snapshot(), other.snapshot()
        same = dataclasses.replace(theirs, name=mine.name, settings=mine.settings)
        assert jsonl.normalise(same) == jsonl.normalise(mine)
        assert dict(theirs.settings)["research_question"] == "How is power shared?"
        again = files_of(other.export_folder(tmp_path / "again"))
        first = files_of(folder)
        assert {k: v for k, v in again.items() if k != "project.json"} == {
            k: v for k, v in first.items() if k != "project.json"}
        assert [t.name for t in other.themes()] == ["Sharing power", "Small hopes"]
        assert other.theme("Small hopes").parent_id == other.theme("Sharing power").id
        with pytest.raises(Conflict):  # the sources are there already: nothing is imported twice
            other.import_folder(folder)
        assert len(other.segments()) == 7
    finally:
        other.close()


def test_exporting_again_removes_sources_that_are_gone(study: Project, tmp_path: Path) -> None:
    folder = study.export_folder(tmp_path / "out")
    stale = folder / "sources" / "0000-old.txt"
    stale.write_text("old", encoding="utf-8")
    (folder / "notes.md").write_text("mine", encoding="utf-8")
    study.export_folder(folder)
    assert not stale.exists() and (folder / "notes.md").read_text(encoding="utf-8") == "mine"


def test_a_folder_that_is_not_an_export_is_never_written_into(study: Project, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.docx").write_bytes(b"x")
    with pytest.raises(InvalidInput, match="not empty"):
        study.export_folder(busy)
    assert [p.name for p in busy.iterdir()] == ["thesis.docx"]
    with pytest.raises(InvalidInput, match="is a file"):
        study.export_folder(busy / "thesis.docx")
    (tmp_path / "git").mkdir()
    (tmp_path / "git" / ".git").mkdir()
    study.export_folder(tmp_path / "git")  # a fresh git repository is fine


def test_git_line_endings_are_tolerated(study: Project, tmp_path: Path) -> None:
    folder = study.export_folder(tmp_path / "out")
    for path in (folder / "sources").glob("*.txt"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))  # what core.autocrlf does on Windows
    assert jsonl.read_folder(folder) == jsonl.normalise(study.snapshot())


def test_a_source_without_original_bytes(tmp_path: Path) -> None:
    snap = Snapshot(name="x", sources=(SourceData("s1", "one", "txt", "text\n"),))
    jsonl.write_folder(snap, tmp_path / "out")
    assert jsonl.read_folder(tmp_path / "out") == snap


# -- bad folders --------------------------------------------------------------------------
@pytest.fixture
def exported(study: Project, tmp_path: Path) -> Path:
    return study.export_folder(tmp_path / "out")


def _edit_line(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[0] = change(lines[0])
    path.write_text("\n".join(lines), encoding="utf-8")


def _edit_record(path: Path, **changes: object) -> None:
    _edit_line(path, lambda line: json.dumps({**json.loads(line), **changes}))


@pytest.mark.parametrize("damage, message", [
    (lambda f: (f / "project.json").unlink(), "has no project.json"),
    (lambda f: (f / "project.json").write_text("{", encoding="utf-8"), "cannot be read as JSON"),
    (lambda f: (f / "project.json").write_text('{"format": "other/1"}', encoding="utf-8"), "not a thematica folder"),
    (lambda f: (f / "project.json").write_text(json.dumps({"format": jsonl.FORMAT, "settings": [1]}), encoding="utf-8"),
     "settings must map"),
    (lambda f: (f / "codes.jsonl").unlink(), "has no codes.jsonl"),
    (lambda f: _edit_line(f / "codes.jsonl", lambda line: line[:-3]), r"codes.jsonl line 1 is not JSON"),
    (lambda f: _edit_line(f / "codes.jsonl", lambda line: "[1, 2]"), "line 1 is not a JSON object"),
    (lambda f: _edit_record(f / "codes.jsonl", nmae="typo"), "unknown field nmae"),
    (lambda f: _edit_line(f / "coders.jsonl", lambda line: json.dumps({"guid": "x"})), "coders.jsonl line 1: missing name"),
    (lambda f: _edit_record(f / "segments.jsonl", start="3"), "start must be a whole number"),
    (lambda f: _edit_record(f / "segments.jsonl", start=True), "start must be a whole number"),
    (lambda f: _edit_record(f / "codes.jsonl", name=3), "name must be text"),
    (lambda f: _edit_record(f / "themes.jsonl", code_guids="abc"), "code_guids must be a list of text"),
    (lambda f: _edit_record(f / "participants.jsonl", attributes=[["age"]]), r"\[name, value\] pairs"),
    (lambda f: _edit_record(f / "segments.jsonl", text="not the text"), "does not match its source's text"),
    (lambda f: _edit_record(f / "segments.jsonl", code_guid="nope"), "refers to a source, code or coder"),
    (lambda f: _edit_record(f / "codes.jsonl", parent_guid="nope"), "has a parent that codes.jsonl does not have"),
    (lambda f: _edit_record(f / "sources.jsonl", guid="../../etc/passwd"), "guid must be a GUID"),
    (lambda f: _edit_record(f / "sources.jsonl", original="maybe"), "original must be none, text or file"),
    (lambda f: _edit_record(f / "sources.jsonl", turns=[[0, 10**9, "x", "participant", None, None, None]]),
     "outside the text"),
    (lambda f: _edit_record(f / "sources.jsonl", turns="x"), "turns must be lists of 7 values"),
    (lambda f: [p.unlink() for p in (f / "sources").glob("*.txt")], r"\.txt is missing"),
    (lambda f: [p.write_text("changed", encoding="utf-8") for p in (f / "sources").glob("*.txt")], "was changed"),
    (lambda f: [p.write_bytes(b"\xff\xfe") for p in (f / "sources").glob("*.txt")], "cannot be read as UTF-8"),
    (lambda f: [p.unlink() for p in (f / "sources").glob("*.orig")], r"\.orig is missing"),
    (lambda f: (f / "coders.jsonl").write_text((f / "coders.jsonl").read_text(encoding="utf-8") * 2, encoding="utf-8"),
     "two coders share the GUID"),
])
def test_bad_folders_are_refused_clearly(exported: Path, damage, message: str) -> None:  # type: ignore[no-untyped-def]
    damage(exported)
    with pytest.raises(InvalidInput, match=message):
        jsonl.read_folder(exported)


def test_import_of_a_bad_folder_changes_nothing(study: Project, exported: Path, tmp_path: Path) -> None:
    _edit_record(exported / "segments.jsonl", text="not the text")
    other = thematica.init_project(tmp_path / "other")
    try:
        before = other.snapshot()
        with pytest.raises(InvalidInput):
            other.import_folder(exported)
        assert other.snapshot() == before
        with pytest.raises(InvalidInput, match="does not exist"):
            other.import_folder(tmp_path / "nowhere")
        with pytest.raises(InvalidInput, match="not a folder"):
            other.import_folder(exported / "project.json")
    finally:
        other.close()


# -- any snapshot survives ------------------------------------------------------------------
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
_guid = st.uuids().map(str)


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    """Random snapshots: odd Unicode everywhere (U+2028, emoji, quotes, backslashes), consistent references."""
    coders = tuple(CoderData(g, draw(_text), draw(_text)) for g in draw(st.lists(_guid, min_size=1, max_size=3, unique=True)))
    people = tuple(ParticipantData(g, draw(_text), tuple(draw(st.lists(st.tuples(_text, _text), max_size=2))))
                   for g in draw(st.lists(_guid, max_size=3, unique=True)))
    sources = []
    for g in draw(st.lists(_guid, min_size=1, max_size=3, unique=True)):
        text = draw(st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), min_size=2, max_size=60))
        original = draw(st.sampled_from([b"", text.encode("utf-8"), b"\x00\xffbinary"]))
        turns = ((0, 1, draw(_text), "participant", people[0].guid if people else None, draw(st.none() | st.floats(0, 1e6)),
                  None),) if draw(st.booleans()) else ()
        sources.append(SourceData(g, draw(_text), "txt", text, original, draw(_text),
                                  draw(st.sampled_from([None, *[p.guid for p in people]])), turns))
    codes = []
    for g in draw(st.lists(_guid, min_size=1, max_size=4, unique=True)):
        parent = draw(st.sampled_from([None, *[c.guid for c in codes]]))
        codes.append(CodeData(g, draw(_text), parent, definition=draw(_text), example=draw(_text)))
    segments = []
    for g in draw(st.lists(_guid, max_size=6, unique=True)):
        src = draw(st.sampled_from(sources))
        start = draw(st.integers(0, len(src.text) - 1))
        end = draw(st.integers(start + 1, len(src.text)))
        segments.append(SegmentData(g, src.guid, draw(st.sampled_from(codes)).guid, draw(st.sampled_from(coders)).guid,
                                    start, end, src.text[start:end], draw(_text), draw(_text)))
    memos = tuple(MemoData("project", None, draw(_text), draw(st.integers(1, 6)), draw(_text), draw(_text))
                  for _ in range(draw(st.integers(0, 2))))
    themes = tuple(ThemeData(g, draw(_text), code_guids=(codes[0].guid,)) for g in draw(st.lists(_guid, max_size=2, unique=True)))
    return Snapshot(draw(_text), draw(_text), tuple(draw(st.dictionaries(_text, _text, max_size=3)).items()), coders,
                    (AttributeData(draw(_text), "text"),), people, tuple(sources), tuple(codes), tuple(segments),
                    memos, themes, tuple(draw(st.lists(_text, max_size=2))))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot=snapshots())
def test_any_snapshot_round_trips(snapshot: Snapshot, tmp_path: Path) -> None:
    folder = tmp_path / "prop"
    shutil.rmtree(folder, ignore_errors=True)
    jsonl.write_folder(snapshot, folder)
    first = files_of(folder)
    assert jsonl.read_folder(folder) == jsonl.normalise(snapshot)
    jsonl.write_folder(jsonl.read_folder(folder), folder)
    assert files_of(folder) == first
