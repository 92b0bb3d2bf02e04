"""DOCX and ODT: paragraph order, tables, what is left out, broken files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from odf import teletype
from odf.office import Annotation
from odf.opendocument import OpenDocumentSpreadsheet, OpenDocumentText
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from thematica.errors import ImportError_
from thematica.ingest import read_file
from thematica.model import Role


def said(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[t.start : t.end] for t in doc.turns]


def make_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_heading("Interview 5", level=1)
    document.add_paragraph("Interviewer: Where do you work?")
    paragraph = document.add_paragraph("P05: In a ")
    paragraph.add_run("café").bold = True
    paragraph.add_run(" in Leeds.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Interviewer: And before?"
    table.cell(0, 1).text = "P05: A school."
    document.add_paragraph("")
    tracked = document.add_paragraph("Interviewer: Thanks")
    tracked._p.append(
        parse_xml(
            f'<w:ins {nsdecls("w")} w:id="1" w:author="A">'
            '<w:r><w:t xml:space="preserve"> a lot</w:t></w:r></w:ins>'
        )
    )
    tracked._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="A">'
            "<w:r><w:delText> deleted</w:delText></w:r></w:del>"
        )
    )
    document.add_comment(tracked.runs, text="a comment", author="Coder")
    document.save(path)
    return path


def test_docx_paragraphs_tables_and_turns(tmp_path: Path) -> None:
    doc = read_file(make_docx(tmp_path / "p05.docx"))
    assert doc.kind == "docx" and doc.name == "p05" and doc.encoding is None
    assert doc.text == (
        "Interview 5\nInterviewer: Where do you work?\nP05: In a café in Leeds.\n"
        "Interviewer: And before?\nP05: A school.\n\nInterviewer: Thanks a lot"
    )
    assert said(doc) == [
        "Where do you work?",
        "In a café in Leeds.",
        "And before?",
        "A school.",
        "Thanks a lot",
    ]
    assert [t.role for t in doc.turns][:2] == [Role.INTERVIEWER, Role.PARTICIPANT]
    assert doc.original == (tmp_path / "p05.docx").read_bytes()


def test_docx_text_is_canonical(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Interviewer: cafe\u0301 😀")
    document.add_paragraph("P1: fine")
    document.save(tmp_path / "n.docx")
    doc = read_file(tmp_path / "n.docx")
    assert said(doc) == ["café 😀", "fine"]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        b"\xd0\xcf\x11\xe0 not a zip" * 20,
        _zip({"a.txt": b"x"}),
        _xlsx_bytes(),
        b"PK\x03\x04" + b"\x00" * 40,
    ],
    ids=["garbage", "zip-without-document", "xlsx-renamed", "truncated-zip"],
)
def test_invalid_docx(write, content: bytes) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportError_, match=r"^bad\.docx is not a valid DOCX file \(.+\)$"):
        read_file(write("bad.docx", content))


def test_truncated_docx(tmp_path: Path, write) -> None:  # type: ignore[no-untyped-def]
    data = make_docx(tmp_path / "full.docx").read_bytes()
    with pytest.raises(ImportError_, match="not a valid DOCX file"):
        read_file(write("cut.docx", data[: len(data) // 2]))


def make_odt(path: Path) -> Path:
    document = OpenDocumentText()
    document.text.addElement(H(outlinelevel=1, text="Interview 9"))
    document.text.addElement(P(text="Interviewer: How  are you?"))
    answer = P(text="P09: Well, ")
    note = Annotation()
    note.addElement(P(text="coder comment"))
    answer.addElement(note)
    teletype.addTextToElement(answer, "thanks.")
    document.text.addElement(answer)
    table = Table(name="T")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    row = TableRow()
    for text in ("Interviewer: Next?", "P09: Née à Paris."):
        cell = TableCell()
        cell.addElement(P(text=text))
        row.addElement(cell)
    table.addElement(row)
    document.text.addElement(table)
    document.save(str(path))
    return path


def test_odt_paragraphs_headings_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = read_file(make_odt(tmp_path / "p09.odt"))
    assert doc.kind == "odt"
    assert (
        doc.text == "Interview 9\nInterviewer: How  are you?\nP09: Well, thanks.\n"
        "Interviewer: Next?\nP09: Née à Paris."
    )
    assert said(doc) == ["How  are you?", "Well, thanks.", "Next?", "Née à Paris."]
    assert capsys.readouterr().out == ""


def test_invalid_odt(tmp_path: Path, write, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportError_, match=r"^g\.odt is not a valid ODT file"):
        read_file(write("g.odt", b"garbage bytes" * 10))
    good = zipfile.ZipFile(make_odt(tmp_path / "ok.odt"))
    parts = {name: good.read(name) for name in good.namelist()}
    parts["content.xml"] = parts["content.xml"][:200]
    with pytest.raises(ImportError_, match=r"not a valid ODT file \(its XML is malformed"):
        read_file(write("broken.odt", _zip(parts)))
    assert capsys.readouterr().out == ""  # odfpy's dump of the broken XML is swallowed
    sheet = tmp_path / "sheet.ods"
    OpenDocumentSpreadsheet().save(str(sheet))
    with pytest.raises(ImportError_, match="spreadsheet"):
        read_file(write("sheet.odt", sheet.read_bytes()))
