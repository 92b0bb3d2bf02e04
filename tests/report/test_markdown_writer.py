"""The Markdown writer: GitHub-flavoured tables, escaped text, figures linked relatively."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_helpers import all_quotes, heading_texts

from thematica.report.coreq import COREQ_ITEMS
from thematica.report.data import Figure, ReportInput
from thematica.report.document import MISSING_MARK, FigureBlock, build_document
from thematica.report.markdown_writer import escape_inline, escape_line, write_markdown

PIPE = re.compile(r"(?<!\\)\|")


def unescape(text: str) -> str:
    """What CommonMark shows for backslash-escaped punctuation."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


@pytest.fixture
def markdown(report_input: ReportInput, tmp_path: Path) -> tuple[str, Path]:
    out = tmp_path / "out"
    out.mkdir()
    path = write_markdown(build_document(report_input), out / "report.md")
    return path.read_text(encoding="utf-8"), out


def _tables(text: str) -> list[list[str]]:
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    return tables


def test_tables_have_consistent_columns(markdown: tuple[str, Path]) -> None:
    tables = _tables(markdown[0])
    assert len(tables) == 5  # participants, themes, codebook, COREQ, extra table
    for table in tables:
        widths = {len(PIPE.split(line)) for line in table}
        assert len(widths) == 1, table
        assert re.fullmatch(r"\|( --- \|)+", table[1])
    coreq = next(t for t in tables if t[0].startswith("| No. |"))
    assert len(coreq) == 2 + 32
    for item, line in zip(COREQ_ITEMS, coreq[2:], strict=True):
        cells = [c.strip() for c in PIPE.split(line)[1:-1]]
        assert cells[0] == str(item.number) and unescape(cells[2]) == item.topic
    assert f"| **{escape_inline(MISSING_MARK)}** |" not in coreq[3]  # item 2 is answered
    assert coreq[4].endswith(f"| **{escape_inline(MISSING_MARK)}** |")  # item 3 is not
    codebook = next(t for t in tables if t[0].startswith("| Code |"))
    assert "Equals \\| sharing." in codebook[3]


def test_headings_and_quotes(markdown: tuple[str, Path], report_input: ReportInput) -> None:
    text = markdown[0]
    headings = [unescape(line.lstrip("#").strip()) for line in text.splitlines()
                if re.match(r"#{2,6} ", line)]
    assert headings == heading_texts(build_document(report_input))
    assert text.startswith("# Co-production in practice: clinicians & Peer Trainers\n")
    quoted = [line for line in text.splitlines() if line.startswith(">")]
    shown = unescape("\n".join(quoted))
    for quote in all_quotes(report_input):
        for line in quote.split("\n"):
            assert line in shown
    assert "> *We built it together from a blank page 😀 & it was \\<b>ours\\</b>.* (P01)" in text
    assert "> *Letting go of power was hard at first.*\\\n> *I had to sit on my hands.* (P02)" in text


def test_nothing_turns_into_markup(markdown: tuple[str, Path]) -> None:
    text = markdown[0]
    assert "<b>" not in text.replace("\\<b>", "")
    assert "\\# not a heading" in text and "\\*our\\*" in text and "mine\\_ever" in text
    assert "**\\[Write the narrative of this theme here" in text


def test_figure_copied_beside_and_linked_relatively(
    markdown: tuple[str, Path], report_input: ReportInput
) -> None:
    text, folder = markdown
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == ["thematic%20map.png"]
    copy = folder / "thematic map.png"
    assert copy.read_bytes() == report_input.figures[0].path.read_bytes()
    assert "http" not in text


def test_figure_name_clash_gets_a_new_name(report_input: ReportInput, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "thematic map.png").write_bytes(b"another picture")
    write_markdown(build_document(report_input), out / "r.md")
    assert "](thematic%20map-2.png)" in (out / "r.md").read_text(encoding="utf-8")
    assert (out / "thematic map.png").read_bytes() == b"another picture"
    assert (out / "thematic map-2.png").read_bytes() == report_input.figures[0].path.read_bytes()


def test_figure_already_beside_is_not_copied(tmp_path: Path, figure: Figure) -> None:
    blocks = [FigureBlock(figure, "Figure 1")]
    write_markdown(blocks, figure.path.parent / "r.md")
    assert sorted(p.name for p in figure.path.parent.iterdir()) == [
        "r.md", "thematic map.png", "thematic map.svg"]


@pytest.mark.parametrize(
    ("line", "escaped"),
    [("# hash", "\\# hash"), ("- dash", "\\- dash"), ("+ plus", "\\+ plus"), ("> gt", "\\> gt"),
     ("1. one", "1\\. one"), ("12) twelve", "12\\) twelve"), ("=====", "\\====="),
     ("a_b*c`d[e]f<g|h~i", "a\\_b\\*c\\`d\\[e\\]f\\<g\\|h\\~i"), ("&amp; & x", "\\&amp; & x"),
     ("back\\slash", "back\\\\slash"), ("plain text 50%.", "plain text 50%.")],
)
def test_escaping(line: str, escaped: str) -> None:
    assert escape_line(line) == escaped
    assert unescape(escaped) == line


def test_figure_under_the_folder_is_linked_where_it_is(report_input: ReportInput, tmp_path: Path) -> None:
    folder = report_input.figures[0].path.parent  # tmp_path / "figures"
    write_markdown(build_document(report_input), folder.parent / "r.md")
    text = (folder.parent / "r.md").read_text(encoding="utf-8")
    assert "](figures/thematic%20map.png)" in text
    assert not (folder.parent / "thematic map.png").exists()
