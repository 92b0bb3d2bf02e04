"""The DOCX writer: parse the file back with python-docx and check what a reader would see."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from report_helpers import all_quotes, heading_texts

from thematica.report.coreq import COREQ_ITEMS
from thematica.report.data import Quote, ReportInput
from thematica.report.document import MISSING_MARK, build_document
from thematica.report.docx_writer import QUOTE_STYLE, write_docx


@pytest.fixture
def parsed(report_input: ReportInput, tmp_path: Path) -> docx.document.Document:
    path = write_docx(build_document(report_input), tmp_path / "report.docx")
    return docx.Document(str(path))


def _table(document: docx.document.Document, header: tuple[str, ...]):  # type: ignore[no-untyped-def]
    for table in document.tables:
        if tuple(c.text for c in table.rows[0].cells) == header:
            return table
    raise AssertionError(f"no table with header {header}")


def test_headings_use_real_heading_styles(parsed, report_input: ReportInput) -> None:  # type: ignore[no-untyped-def]
    blocks = build_document(report_input)
    found = [(p.style.name, p.text) for p in parsed.paragraphs if p.style.name.startswith("Heading")]
    assert [text for _, text in found] == heading_texts(blocks)
    assert found[0] == ("Heading 1", "Method")
    assert ("Heading 2", "Theme 1: Sharing power <in practice>") in found
    assert ("Heading 3", "1.1 Letting go") in found
    assert parsed.paragraphs[0].style.name == "Title"
    assert parsed.paragraphs[0].text == report_input.title


def test_every_quote_verbatim_in_the_quote_style(parsed, report_input: ReportInput) -> None:  # type: ignore[no-untyped-def]
    quotes = [p for p in parsed.paragraphs if p.style.name == QUOTE_STYLE]
    expected = all_quotes(report_input)
    assert len(quotes) == len(expected)
    for paragraph, text in zip(quotes, expected, strict=True):
        assert paragraph.text.startswith(text)  # verbatim, emoji, "<b>" and "&" included
        assert paragraph.runs[0].text == text
        assert paragraph.runs[-1].text.strip() in {"(P01)", "(P02)", "(P03)", "(P04)", "(P05)",
                                                    "(P06)", "(unattributed)"}
    style = parsed.styles[QUOTE_STYLE]
    assert style.font.italic and style.paragraph_format.left_indent > 0
    assert quotes[0].runs[-1].italic is False  # the attribution is upright


def test_coreq_table_has_all_32_items(parsed) -> None:  # type: ignore[no-untyped-def]
    table = _table(parsed, ("No.", "Domain", "Topic", "Answer"))
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == [str(item.number) for item in COREQ_ITEMS]
    assert [r[2] for r in rows] == [item.topic for item in COREQ_ITEMS]
    assert rows[2][3] == MISSING_MARK and rows[1][3] == "PhD; registered mental health nurse"
    assert table.style.name == "Table Grid"
    shaded = table.rows[3].cells[3]._tc.tcPr.find(qn("w:shd"))  # item 3 is missing: marked
    assert shaded is not None and shaded.get(qn("w:fill")) == "FFF2CC"


def test_codebook_table_row_per_code(parsed, report_input: ReportInput) -> None:  # type: ignore[no-untyped-def]
    table = _table(parsed, ("Code", "Origin", "Definition", "Inclusion", "Exclusion", "Example",
                            "Segments", "Participants"))
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert [r[0] for r in rows] == [e.path for e in report_input.codebook]
    assert rows[1][2] == "Equals | sharing." and rows[1][4] == "Fixed hierarchy."
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None  # repeats on every page
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)


def test_figure_embedded_at_page_width(parsed) -> None:  # type: ignore[no-untyped-def]
    assert len(parsed.inline_shapes) == 1
    shape = parsed.inline_shapes[0]
    section = parsed.sections[0]
    assert shape.width == section.page_width - section.left_margin - section.right_margin
    captions = [p.text for p in parsed.paragraphs if p.style.name == "Caption"]
    assert "Figure 1. Thematic map: themes, subthemes & their codes" in captions


def test_pages_properties_and_landscape_appendix(parsed, report_input: ReportInput) -> None:  # type: ignore[no-untyped-def]
    assert parsed.core_properties.title == report_input.title
    assert parsed.core_properties.author == "thematica 0.1.0"
    orientations = [s.orientation for s in parsed.sections]
    # portrait body; landscape codebook; portrait map and COREQ; landscape extra tables
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT,
                            WD_ORIENT.LANDSCAPE]
    for s in parsed.sections:
        assert (s.page_width > s.page_height) == (s.orientation == WD_ORIENT.LANDSCAPE)
    breaks = {p.text for p in parsed.paragraphs if p.paragraph_format.page_break_before}
    assert breaks == {"Method", "Appendix C. COREQ checklist"}  # the others start sections
    scaffold = next(p for p in parsed.paragraphs if p.text.startswith("[Write the narrative"))
    assert scaffold.runs[0].font.highlight_color is not None
    assert parsed.sections[0].footer.paragraphs[0]._p.find(qn("w:fldSimple")) is not None


def test_control_characters_and_missing_figure(report_input: ReportInput, tmp_path: Path) -> None:
    theme = report_input.themes[0]
    odd = Quote("Form\x0cfeed and bell\x07 gone", "P07", "P07", 1, 0, 20)
    figure = replace(report_input.figures[0], path=tmp_path / "nowhere.png")
    changed = replace(report_input, themes=(replace(theme, quotes=(odd,)),), figures=(figure,))
    parsed = docx.Document(str(write_docx(build_document(changed), tmp_path / "odd.docx")))
    texts = [p.text for p in parsed.paragraphs]
    assert any(t.startswith("Formfeed and bell gone") for t in texts)
    assert any("[Figure file not found: nowhere.png]" in t for t in texts)


def test_empty_project_still_writes(bare_input: ReportInput, tmp_path: Path) -> None:
    parsed = docx.Document(str(write_docx(build_document(bare_input), tmp_path / "bare.docx")))
    assert "Appendix C. COREQ checklist" in [p.text for p in parsed.paragraphs]
    assert len(parsed.tables) == 1
