"""Every output format yields the planted identifier, at a place a person can find."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pytest

from thematica.deid import outputparts, outputs
from thematica.deid.outputs import Chunk, extract_all, extract_chunks, scan_chunks
from thematica.errors import InvalidInput

NAME = "Siobhán O'Neill"


def find(text: str) -> Iterator[tuple[int, int, object]]:
    for match in re.finditer(re.escape(NAME), text, re.IGNORECASE):
        yield match.start(), match.end(), "P01"


def locations(path: Path) -> list[str]:
    return [hit.location for hit in scan_chunks(extract_chunks(path, []), find)]


def test_docx_table_cell_nested_table_footer_and_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("An introduction.")
    document.add_paragraph("Another paragraph.")
    table = document.add_table(rows=2, cols=3)
    table.cell(1, 2).text = f"Quote from {NAME} here"
    inner = table.cell(0, 0).add_table(rows=1, cols=2)
    inner.cell(0, 1).text = NAME.upper()
    document.sections[0].footer.paragraphs[0].text = f"Prepared with {NAME}"
    document.core_properties.author = NAME
    path = tmp_path / "report.docx"
    document.save(path)

    found = locations(path)
    assert "report.docx: table 1, row 2, cell 3" in found
    assert "report.docx: table 1, row 1, cell 1, table 1, row 1, cell 2" in found
    assert "report.docx: footer 1, paragraph 1" in found
    assert "report.docx: properties, author" in found
    chunks = list(extract_chunks(path))
    assert Chunk("report.docx: paragraph 2", "Another paragraph.") in chunks


def test_docx_text_split_across_runs_is_joined(tmp_path: Path) -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Said ")
    paragraph.add_run("Siobhán").bold = True
    paragraph.add_run(" O'Neill.")
    path = tmp_path / "r.docx"
    document.save(path)
    assert locations(path) == ["r.docx: paragraph 1"]


def test_html_visible_text_and_attributes(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    path.write_text(
        "<!doctype html>\n<html><head><title>Report</title>\n"
        "<style>p { color: red }</style></head>\n<body>\n"
        "<p>First line</p>\n"
        f'<img src="x.png" alt="Photo of {NAME}">\n'
        "<p>Said <b>Siobhán</b>\n   O&#39;Neill today</p>\n"
        "<script>var who = 'Siobhán O\\'Neill';</script>\n"
        "</body></html>\n",
        encoding="utf-8",
    )
    hits = scan_chunks(extract_chunks(path), find)
    assert [h.location for h in hits] == ["report.html: line 6, <img alt>", "report.html: line 7"]
    assert hits[1].context == "Said Siobhán O'Neill today"


def test_markdown_and_text_per_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(f"# Notes\n\nMet {NAME}.\n", encoding="utf-8")
    assert locations(path) == ["notes.md: line 3"]


def test_csv_cell_with_column_name(tmp_path: Path) -> None:
    path = tmp_path / "segments.csv"
    path.write_text(f'id,quote\n1,plain\n2,"Hello, {NAME}"\n', encoding="utf-8")
    assert locations(path) == ["segments.csv: row 3, column quote"]


def test_tsv_cell(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    path.write_text(f"id\tquote\n1\t{NAME}\n", encoding="utf-8")
    assert locations(path) == ["s.tsv: row 2, column quote"]


def test_xlsx_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Segments"
    ws.append(["id", "quote"])
    ws.append([1, "nothing"])
    ws.append([2, f"said {NAME}"])
    path = tmp_path / "export.xlsx"
    wb.save(path)
    assert locations(path) == ["export.xlsx: Segments!B3 (column quote)"]


def test_json_and_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps({"segments": [{"quote": "x"}, {"quote": NAME}], NAME: 1}), encoding="utf-8")
    assert locations(path) == ["data.json: $, key 2", "data.json: $.segments[1].quote"]
    lines = tmp_path / "segments.jsonl"
    lines.write_text(
        json.dumps({"quote": "no"}) + "\n\n" + json.dumps({"quote": f"a\u2028{NAME}"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    assert locations(lines) == ["segments.jsonl: line 3, $.quote"]


def test_svg_text_comment_and_title(tmp_path: Path) -> None:
    path = tmp_path / "map.svg"
    path.write_text(
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg"><title>A map</title>\n'
        "<text x='1'>Theme A</text>\n"
        f"<text x='2'>Said <tspan>Siobhán</tspan> <tspan>O'Neill</tspan></text>\n"
        f"<!-- {NAME} --><path d='M0 0'/></svg>\n",
        encoding="utf-8",
    )
    assert locations(path) == ["map.svg: text 2", "map.svg: comment 1"]


def test_qdpx_project_and_sources(tmp_path: Path) -> None:
    path = tmp_path / "study.qdpx"
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Study">\n'
        "<CodeBook><Codes><Code guid='a' name='Theme'/>"
        f"<Code guid='b' name=\"About {NAME}\"><Description>d</Description></Code></Codes></CodeBook>\n"
        f"<Sources><TextSource guid='c' name='s'><Description>Interview with {NAME}</Description></TextSource>"
        "</Sources></Project>\n"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/x.txt", f"Line one\nLine two\nI am {NAME}.\n")
        zf.writestr("sources/y.pdf", b"%PDF-1.4 nothing")
    unchecked: list[str] = []
    found = [h.location for h in scan_chunks(extract_chunks(path, unchecked), find)]
    assert found == [
        "study.qdpx: project.qde, /Project/CodeBook/Codes/Code[2]/@name",
        "study.qdpx: project.qde, /Project/Sources/TextSource/Description",
        "study.qdpx: sources/x.txt, line 3",
    ]
    assert unchecked == ["study.qdpx: sources/y.pdf (PDF)"]


def test_folder_walk_reports_unchecked_images(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "figures").mkdir(parents=True)
    (folder / "figures" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    (folder / "segments.jsonl").write_text(json.dumps({"quote": NAME}) + "\n", encoding="utf-8")
    chunks, unchecked = extract_all([folder])
    assert unchecked == ["export/figures/map.png (image)"]
    assert [h.location for h in scan_chunks(chunks, find)] == ["export/segments.jsonl: line 1, $.quote"]


def test_unchecked_without_a_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "figure.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(InvalidInput, match="figure.png cannot be checked"):
        list(extract_chunks(path))
    assert extract_all([path]).unchecked == ["figure.png (image)"]


def test_hit_fields_and_context() -> None:
    text = "x" * 50 + NAME + "y" * 50
    (hit,) = scan_chunks([Chunk("a.txt: line 1", text)], find)
    assert (hit.start, hit.end, hit.matched, hit.key) == (50, 50 + len(NAME), NAME, "P01")
    assert hit.context == "\u2026" + "x" * 30 + NAME + "y" * 30 + "\u2026"
    assert str(hit).startswith("a.txt: line 1: ")


@pytest.mark.parametrize("suffix", [".docx", ".xlsx", ".qdpx"])
def test_corrupt_zip_is_invalid_input(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"broken{suffix}"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(InvalidInput) as info:
        list(extract_chunks(path, []))
    assert "\n" not in str(info.value) and f"broken{suffix}" in str(info.value)


def test_docx_without_document_part_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InvalidInput, match="not a Word document"):
        list(extract_chunks(path, []))


def test_malformed_xml_inside_docx_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document><unclosed>")
    with pytest.raises(InvalidInput, match="not well-formed XML"):
        list(extract_chunks(path, []))


def test_zip_over_size_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outputparts, "MAX_ZIP_BYTES", 1000)  # where the zip reader looks it up
    path = tmp_path / "big.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", "<Project/>")
        zf.writestr("sources/a.txt", "a" * 5000)
    with pytest.raises(InvalidInput, match="over the 0 MB limit|over the .* limit"):
        list(extract_chunks(path, []))


def test_xml_entities_are_not_expanded_but_checked(tmp_path: Path) -> None:
    path = tmp_path / "codes.qdc"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE CodeBook [<!ENTITY who "{NAME}">]>\n<CodeBook><Code name="x">&who;</Code></CodeBook>\n',
        encoding="utf-8",
    )
    assert locations(path) == ["codes.qdc: entity who"]
