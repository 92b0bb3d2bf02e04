"""thematica export / import-project / import-comments, through cli.main()."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from thematica import Project, open_project

from .conftest import Result

Run = Callable[..., Result]


def files_of(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_tables(study: Path, ok: Run, workdir: Path) -> None:
    assert ok("export", "csv").out.strip() == "Wrote study-segments.csv"
    rows = list(csv.DictReader(io.StringIO((workdir / "study-segments.csv").read_text(encoding="utf-8"))))
    assert len(rows) == 4
    hands = next(r for r in rows if r["text"] == "sit on my hands")
    assert (hands["participant"], hands["gender"], hands["age"], hands["code"], hands["coder"]) == (
        "P01", "female", "42", "Power/Letting go of power", "Tester")
    text = (workdir / "P01.txt").read_text(encoding="utf-8")
    assert text[int(hands["start"]) : int(hands["end"])] == "sit on my hands"
    ok("export", "xlsx", "--table", "presence", "--out", "presence.xlsx")
    sheet = load_workbook(workdir / "presence.xlsx").worksheets[0]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("code", "P01", "P02"), ("Hope", 0, 1), ("Power", 0, 1), ("Power/Letting go of power", 1, 0)]
    ok("export", "csv", "--table", "counts", "--coder", "Researcher B", "--out", "b.csv")
    assert (workdir / "b.csv").read_text(encoding="utf-8").splitlines()[1:] == [
        "Hope,0,0", "Power,0,1", "Power/Letting go of power,0,0"]
    result = ok("export", "xlsx", "--table", "codebook", "--json")
    assert result.json() == {"format": "xlsx", "path": "study-codebook.xlsx"}


def test_export_codebook_document(study: Path, ok: Run, workdir: Path) -> None:
    ok("export", "codebook-docx", "--out", "codebook.docx")
    document = docx.Document(str(workdir / "codebook.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Hope", "Power", "Letting go of power"]
    assert any(p.text == "Definition: Who holds power in the room." for p in document.paragraphs)


def test_folder_round_trip_through_the_command_line(study: Path, ok: Run, workdir: Path) -> None:
    ok("export", "jsonl", "--out", "folder")
    first = files_of(workdir / "folder")
    ok("export", "jsonl", "--out", "folder")
    assert files_of(workdir / "folder") == first  # byte-identical
    ok("init", "other")
    result = ok("-p", "other.thematica", "import-project", "folder")
    assert result.out.splitlines() == [
        "Imported folder: 2 sources, 2 participants, 3 codes, 4 segments, 2 coders"]
    with open_project(workdir / "other.thematica") as other:
        assert len(other.segments()) == 4 and {s.name for s in other.sources()} == {"P01", "P02"}
        assert other.participant("P01").attributes["gender"] == "female"


def test_import_project_json_and_refusals(study: Path, ok: Run, fails: Run, workdir: Path) -> None:
    ok("export", "jsonl", "--out", "folder")
    ok("init", "other")
    result = ok("-p", "other.thematica", "import-project", "folder", "--json")
    assert result.json()["added"]["segments"] == 4 and result.json()["notes"] == []
    assert "already a source named" in fails("-p", "other.thematica", "import-project", "folder").err
    (workdir / "folder" / "segments.jsonl").write_text("{oops\n", encoding="utf-8")
    assert "segments.jsonl line 1 is not JSON" in fails("-p", "other.thematica", "import-project", "folder").err
    assert "no such file or folder" in fails("import-project", "missing.qdpx").err
    (workdir / "notes.txt").write_text("x", encoding="utf-8")
    assert "reads .qdpx, .qde, .qdc or a folder" in fails("-p", "study.thematica", "import-project", "notes.txt").err
    (workdir / "empty").mkdir()
    assert "has no project.json" in fails("-p", "study.thematica", "import-project", "empty").err


@pytest.mark.parametrize("args, message", [
    (("export", "pdf"), "export formats are"),
    (("export", "qdpx", "--table", "segments"), "--table goes with csv or xlsx"),
    (("export", "csv", "--table", "themes"), "--table is one of"),
    (("export", "csv", "--out", "x.xlsx"), "needs a .csv file name"),
    (("export", "jsonl", "--coder", "Tester"), "--coder goes with"),
    (("export", "csv", "--coder", "Nobody"), "no coder named"),
    (("export", "xlsx", "--out", "missing/x.xlsx"), "cannot write"),
])
def test_export_errors_are_one_line(study: Path, fails: Run, args: tuple[str, ...], message: str) -> None:
    assert message in fails(*args).err


def test_export_into_a_folder_that_is_not_an_export(study: Path, fails: Run, workdir: Path) -> None:
    (workdir / "busy").mkdir()
    (workdir / "busy" / "thesis.docx").write_bytes(b"x")
    assert "not empty" in fails("export", "jsonl", "--out", "busy").err


# -- Word comments ---------------------------------------------------------------------------------
def _commented(path: Path) -> Path:
    document = docx.Document()
    para = document.add_paragraph()
    para.add_run("P09: I was nervous 😀 and ")
    run = para.add_run("I sat on my hands")
    para.add_run(" the whole time.")
    document.add_comment(run, text="Power / Letting go", author="Ann")
    document.add_comment(para.runs[0], text="Anxiety\nFirst session.", author="Bob")
    document.save(str(path))
    return path


needs_comments = pytest.mark.skipif(not hasattr(docx.document.Document, "add_comment"),
                                    reason="python-docx < 1.2 cannot add comments")


@needs_comments
def test_import_comments(study: Path, ok: Run, workdir: Path) -> None:
    path = _commented(workdir / "P09 coded.docx")
    result = ok("import-comments", path.name)
    assert result.out.splitlines() == [
        "Imported P09 coded.docx: 1 source, 1 participant, 2 codes, 2 segments"]
    with open_project(workdir / "study.thematica") as proj:
        segments = proj.segments(source="P09 coded")
        assert {s.text for s in segments} == {"I sat on my hands", "P09: I was nervous 😀 and"}
        assert {proj.code_path(s.code_id) for s in segments} == {"Power/Letting go", "Anxiety"}
        assert {s.coder_id for s in segments} == {proj._coder_by_name("Tester")}
    json_result = ok("import-comments", path.name, "--name", "P09 again", "--author-as-coder", "--json")
    assert json_result.json()["added"] == {"coders": 2, "sources": 1, "segments": 2}


def test_import_comments_errors(study: Path, fails: Run, write: Callable[..., Path], workdir: Path) -> None:
    plain = docx.Document()
    plain.add_paragraph("No comments.")
    plain.save(str(workdir / "plain.docx"))
    assert "has no comments" in fails("import-comments", "plain.docx").err
    write("notes.txt", "x")
    assert ".docx files only" in fails("import-comments", "notes.txt").err
    assert "missing.docx" in fails("import-comments", "missing.docx").err
    if hasattr(docx.document.Document, "add_comment"):
        _commented(workdir / "P01.docx")
        assert "already a source named 'P01'" in fails("import-comments", "P01.docx").err


# -- REFI-QDA (the methods come from project/refi.py) ----------------------------------------------------
needs_refi = pytest.mark.skipif(not all(hasattr(Project, m) for m in ("export_qdpx", "import_qdpx")),
                                reason="the REFI-QDA project methods are not there yet")
needs_qdc = pytest.mark.skipif(not all(hasattr(Project, m) for m in ("export_qdc", "import_qdc")),
                               reason="the REFI-QDA codebook methods are not there yet")


@needs_refi
def test_qdpx_round_trip(study: Path, ok: Run, workdir: Path) -> None:
    assert ok("export", "qdpx").out.strip() == "Wrote study.qdpx"
    assert zipfile.is_zipfile(workdir / "study.qdpx")
    ok("init", "other")
    result = ok("-p", "other.thematica", "import-project", "study.qdpx")
    assert result.out.splitlines() == [
        "Imported study.qdpx (written by thematica 0.1.0): 2 sources, 2 participants, 3 codes, 4 segments, 2 coders"]
    with open_project(workdir / "other.thematica") as other:
        assert {s.text for s in other.segments()} == {
            "sit on my hands", "How did the first session go?", "Power is something I notice now.",
            "I carry hope back to the ward"}


@needs_qdc
def test_qdc_round_trip(study: Path, ok: Run, workdir: Path) -> None:
    ok("export", "qdc", "--out", "codes.qdc")
    ok("init", "other")
    result = ok("-p", "other.thematica", "import-project", "codes.qdc", "--json")
    assert result.json()["added"]["codes"] == 3
    with open_project(workdir / "other.thematica") as other:
        assert {other.code_path(c.id) for c in other.codes()} == {"Power", "Power/Letting go of power", "Hope"}


@needs_refi
def test_import_project_prints_what_was_not_carried_over(project: Path, ok: Run) -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "refi" / "nvivo12-win_oltas0517.qdpx"
    if not fixture.exists():
        pytest.skip("the NVivo fixture is not in tests/fixtures/refi")
    lines = ok("import-project", fixture).out.splitlines()
    assert lines[0].startswith("Imported nvivo12-win_oltas0517.qdpx (written by NVivo") and "segments" in lines[0]
    assert lines[1] == "Not carried over, or changed on the way:"
    assert len(lines) > 2 and all(line.startswith("  - ") for line in lines[2:])
