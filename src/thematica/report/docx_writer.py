"""Write the report blocks as a Word document (python-docx).

Real Heading styles, an indented italic "Participant Quote" style, tables in
'Table Grid' with a repeated bold header row, figures at page width, page
numbers in the footer, and landscape pages for wide appendix tables.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph

from .document import (
    Block,
    FigureBlock,
    Heading,
    Meta,
    PageBreak,
    Paragraph,
    QuoteBlock,
    TableBlock,
)

QUOTE_STYLE = "Participant Quote"
NOTE_STYLE = "Table Note"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MARK_FILL = "FFF2CC"


def clean(text: str) -> str:
    """``text`` without the control characters XML cannot hold."""
    return _NOT_XML.sub("", text)


def _setup(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for level in range(1, 7):
        style = doc.styles[f"Heading {level}"]
        style.font.color.rgb = RGBColor(0x1F, 0x2A, 0x44)
        style.paragraph_format.keep_with_next = True
    quote = doc.styles.add_style(QUOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = normal
    quote.font.italic = True
    quote.paragraph_format.left_indent = Cm(1.25)
    quote.paragraph_format.right_indent = Cm(1.25)
    quote.paragraph_format.space_before = Pt(4)
    quote.paragraph_format.space_after = Pt(8)
    note = doc.styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9)
    note.paragraph_format.space_after = Pt(10)
    caption = doc.styles["Caption"]
    caption.font.size = Pt(10)
    caption.font.italic = False
    caption.font.bold = True
    caption.font.color.rgb = RGBColor(0, 0, 0)
    caption.paragraph_format.keep_with_next = True
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    _page_numbers(section.footer.paragraphs[0])


def _page_numbers(paragraph: DocxParagraph) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


class _Writer:
    """Adds blocks to one document, remembering a pending page break and the orientation."""

    def __init__(self) -> None:
        self.doc = Document()
        _setup(self.doc)
        self.break_pending = False
        self.landscape = False

    # -- paragraphs ---------------------------------------------------------------------------
    def paragraph(self, text: str = "", style: str | None = None) -> DocxParagraph:
        para = self.doc.add_paragraph(style=style)
        if text:
            para.add_run(clean(text))
        if self.break_pending:
            para.paragraph_format.page_break_before = True
            self.break_pending = False
        return para

    def page_break(self, block: PageBreak) -> None:
        if block.landscape == self.landscape:
            self.break_pending = True
            return
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE if block.landscape else WD_ORIENT.PORTRAIT
        if (width > height) != block.landscape:
            section.page_width, section.page_height = height, width
        self.landscape = block.landscape
        self.break_pending = False

    def text_block(self, block: Paragraph) -> None:
        if block.style == "title":
            self.paragraph(block.text, "Title")
            return
        if block.style == "subtitle":
            self.paragraph(block.text, "Subtitle")
            return
        para = self.paragraph(block.text)
        run = para.runs[0] if para.runs else None
        if run is None:
            return
        if block.style == "meta":
            run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif block.style in ("notice", "scaffold"):
            run.italic = True
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif block.style == "note":
            run.font.size = Pt(9)

    def quote(self, block: QuoteBlock) -> None:
        para = self.paragraph(block.text, QUOTE_STYLE)
        if block.attribution:
            para.add_run(" " + clean(block.attribution)).italic = False

    # -- tables and figures -------------------------------------------------------------------
    def usable_width(self) -> int:
        section = self.doc.sections[-1]
        return int((section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0))

    def usable_height(self) -> int:
        section = self.doc.sections[-1]
        return int((section.page_height or 0) - (section.top_margin or 0) - (section.bottom_margin or 0))

    def table(self, block: TableBlock) -> None:
        if block.caption:
            self.paragraph(block.caption, "Caption")
        ncols = len(block.columns)
        table = self.doc.add_table(rows=1 + len(block.rows), cols=ncols)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        size = Pt(8.5) if ncols >= 6 else Pt(10)
        widths = _column_widths(block, self.usable_width(), int(size * 0.6))
        marked = set(block.marked)
        keep = len(block.rows) <= 15  # keep a short table on one page
        body = [(*row[:ncols], *[""] * (ncols - len(row))) for row in block.rows]  # pad short rows
        for r, (row, values) in enumerate(zip(table.rows, (block.columns, *body), strict=True)):
            for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                cell.width = Emu(widths[c])
                para = cell.paragraphs[0]
                para.paragraph_format.space_after = Pt(0)
                para.paragraph_format.line_spacing = 1.0
                para.paragraph_format.keep_with_next = keep and r < len(block.rows)
                run = para.add_run(clean(str(value)))
                run.font.size = size
                run.bold = r == 0
                if r - 1 in marked:
                    _shade(cell, _MARK_FILL)
                    run.italic = c == ncols - 1
            _row_flag(row, "w:cantSplit")  # a row never breaks across pages
            if r == 0:
                _row_flag(row, "w:tblHeader")  # the header row repeats on every page
                for cell in row.cells:
                    _shade(cell, "E7EAF0")
        for c, column in enumerate(table.columns):
            column.width = Emu(widths[c])
        for note in block.notes:
            self.paragraph(note, NOTE_STYLE)
        if not block.notes:
            self.paragraph("", NOTE_STYLE)

    def figure(self, block: FigureBlock) -> None:
        path = Path(block.figure.path)
        caption = f"{block.label}. {block.figure.caption}" if block.label else block.figure.caption
        if not path.is_file():
            self.text_block(Paragraph(f"[Figure file not found: {path.name}] {caption}", "scaffold"))
            return
        para = self.paragraph()
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.paragraph_format.keep_with_next = True
        width = self.usable_width()
        picture = para.add_run().add_picture(str(path), width=Emu(width))
        limit = int(self.usable_height() * 0.8)
        if picture.height > limit:
            picture.width = Emu(int(width * limit / picture.height))
            picture.height = Emu(limit)
        self.paragraph(caption, "Caption").paragraph_format.keep_with_next = False

    def add(self, block: Block) -> None:
        if isinstance(block, Meta):
            props = self.doc.core_properties
            props.title, props.author, props.last_modified_by = block.title, block.author, block.author
            if block.created:
                try:
                    props.created = dt.datetime.fromisoformat(block.created)
                except ValueError:
                    pass
        elif isinstance(block, Heading):
            para = self.doc.add_heading(clean(block.text), level=max(1, min(block.level, 9)))
            if self.break_pending:
                para.paragraph_format.page_break_before = True
                self.break_pending = False
        elif isinstance(block, Paragraph):
            self.text_block(block)
        elif isinstance(block, QuoteBlock):
            self.quote(block)
        elif isinstance(block, TableBlock):
            self.table(block)
        elif isinstance(block, FigureBlock):
            self.figure(block)
        elif isinstance(block, PageBreak):
            self.page_break(block)


def _column_widths(block: TableBlock, total: int, char: int) -> list[int]:
    """Column widths in EMU: room for each column's longest word, the rest shared by text length.

    ``char`` is the width of an average character in EMU at the table's font size.
    """
    floors, shares = [], []
    for c, header in enumerate(block.columns):
        values = [str(row[c]) for row in block.rows if c < len(row)]
        longest = max((len(w) for text in values for w in text.split()), default=1)
        bold = 1.2 * max((len(w) for w in header.split()), default=1)  # header words are bold
        floors.append((min(max(longest, bold), 14) + 2.5) * char)  # + cell margins
        shares.append(sum(map(len, values)) / len(values) if values else len(header))
    spare = total - sum(floors)
    if spare <= 0:
        return [int(f * total / sum(floors)) for f in floors]
    return [int(f + spare * s / (sum(shares) or 1)) for f, s in zip(floors, shares, strict=True)]


def _shade(cell, fill: str) -> None:  # type: ignore[no-untyped-def]
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_flag(row, flag: str) -> None:  # type: ignore[no-untyped-def]
    element = OxmlElement(flag)
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def write_docx(blocks: Sequence[Block], path: Path) -> Path:
    """Render ``blocks`` to a .docx file at ``path`` and return it."""
    writer = _Writer()
    for block in blocks:
        writer.add(block)
    path = Path(path)
    writer.doc.save(str(path))
    return path


__all__ = ["write_docx", "QUOTE_STYLE"]
