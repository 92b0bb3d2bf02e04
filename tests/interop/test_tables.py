"""Tables of the coding: segments, code x participant presence and counts, the codebook (CSV, XLSX, DOCX, pandas)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas
import pytest
from docx import Document
from openpyxl import load_workbook

import thematica
from thematica import Project
from thematica.errors import InvalidInput, NotFound
from thematica.interop import tables
from thematica.interop.snapshot import Snapshot

TRANSCRIPT = """SYNTHETIC test transcript.

Interviewer: What does co-production mean to you?

{key}: It means we build the course together. Letting go of power was hard at first.

Interviewer: Can you say more?

{key}: I had to sit on my hands and let Sam lead. Café chats helped 😀.
"""
P10_TEXT = (
    "Interviewer: What did you type?\n\n"
    'P10: =HYPERLINK("http://example.org") is what I typed. Letting go of power, again.\n'
)


def build_study(project: Project, folder: Path) -> Project:
    """Three interviews (P01, P02, P10), typed attributes, four codes, two coders, one interviewer segment."""
    folder.mkdir(exist_ok=True)
    for key, text in (("P01", TRANSCRIPT.format(key="P01")), ("P02", TRANSCRIPT.format(key="P02")), ("P10", P10_TEXT)):
        (folder / f"{key}.txt").write_text(text, encoding="utf-8")
    project.import_files([folder / "P01.txt", folder / "P02.txt", folder / "P10.txt"])
    people = folder / "people.csv"
    people.write_text("id,gender,age,band\nP01,female,42,7\nP02,male,38,8a\nP10,female,51.5,7\n", encoding="utf-8")
    project.import_participants(people, types={"band": "category"})
    project.create_code("Power", origin="deductive", definition="Who holds power in the room.")
    project.create_code("Letting go", parent="Power", inclusion="Giving up control.", exclusion="Delegating tasks.",
                        example="I had to sit on my hands.")
    project.create_code("Hope")
    project.create_code("Unused", status="draft")
    project.code_quote("P01", "Letting go of power was hard at first.", "Letting go", memo="first, \"quoted\"")
    project.code_quote("P01", "What does co-production mean to you?", "Power")  # interviewer speech
    project.code_quote("P01", "Café chats helped 😀", "Hope", coder="Researcher B")
    project.code_quote("P02", "sit on my hands", "Letting go")
    project.code_quote("P02", "sit on my hands", "Letting go", coder="Researcher B")
    project.code_quote("P10", '=HYPERLINK("http://example.org") is what I typed.', "Hope")
    project.code_quote("P10", "Letting go of power, again.", "Power")
    return project


@pytest.fixture
def study(project: Project, tmp_path: Path) -> Project:
    return build_study(project, tmp_path / "files")


def test_segments_frame_has_one_row_per_segment_with_attributes(study: Project) -> None:
    frame = study.segments_frame()
    assert list(frame.columns) == ["source", "participant", "age", "band", "gender", "code", "coder", "text",
                                   "start", "end", "memo"]
    assert len(frame) == len(study.segments()) == 7
    assert list(frame["source"]) == ["P01", "P01", "P01", "P02", "P02", "P10", "P10"]  # natural order, then offsets
    for row in frame.itertuples():
        assert study.source_text(row.source)[row.start : row.end] == row.text
    by_text = {(r.text, r.coder): r for r in frame.itertuples()}
    letting = by_text[("Letting go of power was hard at first.", "tester")]
    assert (letting.participant, letting.gender, letting.age, letting.band) == ("P01", "female", 42, "7")
    assert (letting.code, letting.memo) == ("Power/Letting go", 'first, "quoted"')
    question = by_text[("What does co-production mean to you?", "tester")]
    assert question.participant == "" and pandas.isna(question.age)  # interviewer speech belongs to nobody
    emoji = by_text[("Café chats helped 😀", "Researcher B")]
    text = study.source_text("P01")
    assert emoji.start == text.index("Café") and emoji.end - emoji.start == len("Café chats helped 😀")  # code points
    assert by_text[('=HYPERLINK("http://example.org") is what I typed.', "tester")].age == 51.5


def test_segments_frame_for_one_coder(study: Project) -> None:
    frame = study.segments_frame(coder="researcher b")
    assert set(frame["coder"]) == {"Researcher B"} and len(frame) == 2
    with pytest.raises(NotFound):
        study.segments_frame(coder="Nobody")


def test_counts_and_presence_match_matrix_coding(study: Project) -> None:
    counts = study.counts_frame()
    presence = study.presence_frame()
    assert list(counts.columns) == ["P01", "P02", "P10"]
    assert list(counts.index) == ["Hope", "Power", "Power/Letting go", "Unused"]  # every code, tree order
    matrix = study.matrix("codes", "participants")
    for row in matrix.rows:
        for key, value in zip(matrix.columns[1:], row[1:], strict=True):
            assert counts.loc[row[0], key] == value
    assert counts.loc["Power/Letting go", "P02"] == 2  # both coders
    assert counts.loc["Power", "P01"] == 0  # the interviewer's question is nobody's
    assert counts.loc["Unused"].sum() == 0
    assert ((counts > 0).astype(int) == presence).all().all()
    assert set(presence.to_numpy().ravel()) <= {0, 1}


def test_counts_follow_the_analysis_coder(study: Project) -> None:
    study.set_setting("analysis_coder", "Researcher B")
    counts = study.counts_frame()
    assert counts.loc["Hope", "P01"] == 1 and counts.loc["Hope", "P10"] == 0
    assert counts.loc["Power/Letting go", "P02"] == 1
    assert study.counts_frame(coder="tester").loc["Hope", "P10"] == 1


def test_codebook_frame(study: Project) -> None:
    book = study.codebook_frame()
    assert list(book.index) == ["Hope", "Power", "Power/Letting go", "Unused"]
    letting = book.loc["Power/Letting go"]
    assert (letting["name"], letting["parent"], letting["level"]) == ("Letting go", "Power", 2)
    assert (letting["inclusion"], letting["exclusion"], letting["example"]) == (
        "Giving up control.", "Delegating tasks.", "I had to sit on my hands.")
    assert (letting["segments"], letting["participants"]) == (3, 2)
    assert book.loc["Power", "definition"] == "Who holds power in the room."
    assert (book.loc["Power", "segments"], book.loc["Power", "participants"]) == (2, 1)  # P01's is the interviewer's
    assert book.loc["Unused", "status"] == "draft"


def test_codebook_csv_imports_back_into_a_new_project(study: Project, tmp_path: Path) -> None:
    path = study.export_table("codebook", tmp_path / "codebook.csv")
    other = thematica.init_project(tmp_path / "other")
    try:
        assert other.import_codebook_csv(path) == (4, 0)
        assert other.export_codebook_csv() == study.export_codebook_csv()
    finally:
        other.close()


def test_csv_reads_back_with_pandas_and_csv(study: Project, tmp_path: Path) -> None:
    path = study.export_table("segments", tmp_path / "segments.csv")
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw.replace(b'"\r\n', b"")
    back = pandas.read_csv(path, keep_default_na=False, dtype=str)
    frame = study.segments_frame()
    assert list(back["text"]) == list(frame["text"])
    assert [int(x) for x in back["start"]] == list(frame["start"])
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0][:2] == ["source", "participant"] and len(rows) == 8
    counts = pandas.read_csv(study.export_table("counts", tmp_path / "counts.csv"), index_col="code")
    assert counts.equals(study.counts_frame())


def test_xlsx_keeps_text_as_text(study: Project, tmp_path: Path) -> None:
    path = study.export_table("segments", tmp_path / "segments.xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["source", "participant", "age"] and sheet.freeze_panes == "A2"
    texts = [row[header.index("text")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    formula = '=HYPERLINK("http://example.org") is what I typed.'
    assert formula in texts and "Café chats helped 😀" in texts
    cell = next(c for c in sheet.iter_rows(min_row=2) for c in c if c.value == formula)
    assert cell.data_type == "s"  # a string, never a formula
    ages = [row[header.index("age")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert 42 in ages and 51.5 in ages
    presence = load_workbook(study.export_table("presence", tmp_path / "presence.xlsx")).worksheets[0]
    rows = list(presence.iter_rows(values_only=True))
    assert rows[0] == ("code", "P01", "P02", "P10") and rows[1] == ("Hope", 1, 0, 1)


def test_codebook_docx_is_readable(study: Project, tmp_path: Path) -> None:
    path = study.export_table("codebook", tmp_path / "codebook.docx")
    doc = Document(str(path))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 2", "Hope"), ("Heading 2", "Power"), ("Heading 3", "Letting go"),
                        ("Heading 2", "Unused")]
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Definition: Who holds power in the room." in text
    assert "Include when: Giving up control." in text and "Exclude when: Delegating tasks." in text
    assert "Example: I had to sit on my hands." in text
    assert "3 segments from 2 participants" in text and "[No definition yet.]" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["Code", "Origin", "Segments", "Participants"]
    assert len(table.rows) == 5


def test_an_empty_project_gives_empty_tables(project: Project, tmp_path: Path) -> None:
    assert project.segments_frame().empty and list(project.segments_frame().columns)[:2] == ["source", "participant"]
    assert project.counts_frame().empty and project.codebook_frame().empty
    path = project.export_table("codebook", tmp_path / "empty.docx")
    assert "[The codebook is empty.]" in "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert project.export_table("segments", tmp_path / "empty.csv").read_text(encoding="utf-8").startswith("source,")


def test_a_blind_coder_sees_only_their_own_segments(study: Project) -> None:
    study.set_coder("Researcher B", blind=True)
    study.actor = "Researcher B"
    assert set(study.segments_frame()["coder"]) == {"Researcher B"}
    assert study.counts_frame().to_numpy().sum() == 2


@pytest.mark.parametrize("kind, name", [("nonsense", "x.csv"), ("segments", "x.docx"), ("counts", "x.txt"),
                                        ("presence", "x")])
def test_bad_requests_are_refused(study: Project, tmp_path: Path, kind: str, name: str) -> None:
    with pytest.raises(InvalidInput):
        study.export_table(kind, tmp_path / name)


def test_an_unwritable_path_is_a_clear_error(study: Project, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="cannot write"):
        study.export_table("segments", tmp_path / "missing-folder" / "x.csv")
    with pytest.raises(InvalidInput, match="cannot write"):
        study.export_table("codebook", tmp_path / "missing-folder" / "x.docx")


def test_tables_from_a_bare_snapshot() -> None:
    empty = Snapshot(name="nothing")
    assert tables.counts_table(empty).rows == () and tables.segments_table(empty).columns == tables.SEGMENT_COLUMNS
    with pytest.raises(InvalidInput):
        tables.table(empty, "matrix")
