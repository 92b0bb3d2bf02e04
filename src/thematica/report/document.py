"""The findings report as a neutral list of blocks, which each writer renders its own way.

:func:`build_document` lays out the report (Braun & Clarke phase 6): title
page, Method, Participants (aggregates only), Findings (themes, prevalence,
narrative or a marked scaffold, quotes) and appendices (codebook, thematic
map, COREQ checklist, extra tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..analysis.prevalence import capitalised, count_noun, in_words
from ..analysis.tables import Table
from ..errors import InvalidInput
from .coreq import answer_items
from .data import Figure, ReportInput, ThemeSection
from .describe import method_paragraph, participants_sentence, participants_table

SCAFFOLD = ("[Write the narrative of this theme here: what is the story, how does it answer "
            "the research question, and what do the extracts below show?]")
DRAFT_NOTICE = ("Draft: the structure, counts and extracts below were assembled by software. "
                "The interpretation, the narrative of each theme and the discussion are the "
                "researcher's to write; passages in [square brackets] need completing.")
MISSING_MARK = "[To be completed by the researcher]"


@dataclass(frozen=True, slots=True)
class Meta:
    """Document properties (not rendered as text): title, author, creation date (ISO)."""

    title: str
    author: str
    created: str = ""


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading; level 1 is a top-level section (Method, Findings, an appendix)."""

    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text. ``style``: body, title, subtitle, meta, notice, scaffold, note."""

    text: str
    style: str = "body"


@dataclass(frozen=True, slots=True)
class QuoteBlock:
    """A verbatim extract and its attribution, e.g. "(P03)"."""

    text: str
    attribution: str = ""


@dataclass(frozen=True, slots=True)
class TableBlock:
    """A table with a caption, a header row and body rows (strings); ``marked`` rows need attention."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    marked: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class FigureBlock:
    """A figure and its label ("Figure 1")."""

    figure: Figure
    label: str = ""


@dataclass(frozen=True, slots=True)
class PageBreak:
    """Start a new page; ``landscape`` turns the following pages sideways (where a format can)."""

    landscape: bool = False


Block = Meta | Heading | Paragraph | QuoteBlock | TableBlock | FigureBlock | PageBreak


def cell_text(value: Any) -> str:
    """A table value as text ("" for None, 1,204 for ints, 0.85 for floats)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if not value.is_integer() else str(int(value))
    return str(value)


def table_block(table: Table, caption: str) -> TableBlock:
    """A :class:`Table` as a block (values as text)."""
    return TableBlock(caption, tuple(map(str, table.columns)),
                      tuple(tuple(cell_text(v) for v in row) for row in table.rows), table.notes)


def prevalence_sentence(section: ThemeSection, kind: str = "theme") -> str:
    """"Four of the eight participants described experiences within this theme (12 segments ...)."."""
    try:
        who = in_words(section.participants, section.participants_total, capitalise=True)
    except InvalidInput:
        return ""
    text = f"{who} described experiences within this {kind}"
    counts = []
    if section.segments:
        counts.append(count_noun(section.segments, "coded segment"))
    if section.sources:
        counts.append(f"from {count_noun(section.sources, 'source')}")
    return text + (f" ({' '.join(counts)})." if counts else ".")


def _theme_blocks(section: ThemeSection, depth: int, number: str) -> list[Block]:
    kind = "theme" if depth == 0 else "subtheme"
    title = f"Theme {number}: {section.name}" if depth == 0 else f"{number} {section.name}"
    blocks: list[Block] = [Heading(min(2 + depth, 6), title)]
    if section.definition:
        blocks.append(Paragraph(f"Definition: {section.definition}"))
    if section.concept:
        blocks.append(Paragraph(f"Central organising concept: {section.concept}"))
    if prevalence := prevalence_sentence(section, kind):
        blocks.append(Paragraph(prevalence))
    if section.narrative.strip():
        blocks.extend(Paragraph(p.strip()) for p in section.narrative.split("\n\n") if p.strip())
    else:
        blocks.append(Paragraph(SCAFFOLD.replace("this theme", f"this {kind}"), "scaffold"))
    for quote in section.quotes:
        who = f"({quote.participant})" if quote.participant else "(unattributed)"
        blocks.append(QuoteBlock(quote.text, who))
    for index, child in enumerate(section.children, start=1):
        blocks.extend(_theme_blocks(child, depth + 1, f"{number}.{index}"))
    return blocks


def _themes_table(input: ReportInput) -> TableBlock:
    rows = []
    for number, theme in enumerate(input.themes, start=1):
        rows.append((f"{number}. {theme.name}", "", _fraction(theme)))
        for index, child in enumerate(theme.children, start=1):
            rows.append(("", f"{number}.{index} {child.name}", _fraction(child)))
    return TableBlock("Table 2. Themes and subthemes", ("Theme", "Subtheme", "Participants"),
                      tuple(rows))


def _fraction(section: ThemeSection) -> str:
    return f"{section.participants}/{section.participants_total}" if section.participants_total else ""


def _findings(input: ReportInput) -> list[Block]:
    blocks: list[Block] = [Heading(1, "Findings")]
    if not input.themes:
        return blocks + [Paragraph("[No themes have been defined yet.]", "scaffold")]
    themes = count_noun(len(input.themes), "theme")
    subthemes = sum(len(t.children) for t in input.themes)
    if subthemes:
        themes += f" with {count_noun(subthemes, 'subtheme')}"
    blocks.append(Paragraph(f"The analysis generated {themes} (Table 2; Appendix B).", "body"))
    blocks.append(_themes_table(input))
    for number, theme in enumerate(input.themes, start=1):
        blocks.extend(_theme_blocks(theme, 0, str(number)))
    return blocks


def _codebook_table(input: ReportInput) -> TableBlock:
    columns = ("Code", "Origin", "Definition", "Inclusion", "Exclusion", "Example",
               "Segments", "Participants")
    rows = tuple(
        (e.path or e.name, e.origin, e.definition, e.inclusion, e.exclusion, e.example,
         str(e.segments), str(e.participants))
        for e in input.codebook
    )
    return TableBlock("Table A1. Codebook", columns, rows,
                      ("Code paths list parent codes first, separated as in the project.",))


def _coreq_table(input: ReportInput) -> TableBlock:
    answers = answer_items(input)
    rows = tuple(  # each domain named once, on its first row
        (str(a.number), a.domain if i == 0 or answers[i - 1].domain != a.domain else "", a.topic,
         MISSING_MARK if a.origin == "missing" else a.answer)
        for i, a in enumerate(answers)
    )
    marked = tuple(i for i, a in enumerate(answers) if a.origin == "missing")
    missing = len(marked)
    notes = ["Items are from Tong, Sainsbury and Craig (2007), Int J Qual Health Care 19(6):349-357."]
    if missing:
        notes.append(f"{capitalised(count_noun(missing, 'item'))} still to be completed by the researcher.")
    return TableBlock("Table C1. COREQ checklist", ("No.", "Domain", "Topic", "Answer"), rows,
                      tuple(notes), marked)


def build_document(input: ReportInput) -> list[Block]:
    """The whole report as blocks, in reading order."""
    when = input.generated_at
    method = method_paragraph(input)
    blocks: list[Block] = [
        Meta(input.title, input.software, input.generated_at.isoformat()),
        Paragraph(input.title, "title"),
    ]
    if input.research_question:
        blocks.append(Paragraph(f"Research question: {input.research_question}", "subtitle"))
    blocks += [
        Paragraph(f"Generated by {input.software} on {when.day} {when:%B %Y}", "meta"),
        Paragraph(DRAFT_NOTICE, "notice"),
        PageBreak(),
        Heading(1, "Method"),
        Paragraph(method or "[Describe the method here.]", "body" if method else "scaffold"),
        Heading(1, "Participants"),
    ]
    sentence = participants_sentence(input.participants)
    total = input.facts.participants
    intro = f"{capitalised(count_noun(total, 'participant'))} took part." if total else ""
    if intro or sentence:
        blocks.append(Paragraph(" ".join(s for s in (intro, sentence) if s)))
    else:
        blocks.append(Paragraph("[Describe the participants here.]", "scaffold"))
    table = participants_table(input.participants)
    if table.rows:
        caption = "Table 1. Participant characteristics" + (f" (n = {total})" if total else "")
        blocks.append(table_block(table, caption))
    blocks += _findings(input)
    blocks += [PageBreak(landscape=True), Heading(1, "Appendix A. Codebook")]
    blocks.append(_codebook_table(input) if input.codebook
                  else Paragraph("[The codebook is empty.]", "scaffold"))
    appendix_b = "Thematic map" if len(input.figures) <= 1 else "Thematic map and figures"
    blocks += [PageBreak(), Heading(1, f"Appendix B. {appendix_b}")]
    for number, figure in enumerate(input.figures, start=1):
        blocks.append(FigureBlock(figure, f"Figure {number}"))
    if not input.figures:
        blocks.append(Paragraph("[No figures were generated.]", "scaffold"))
    blocks += [PageBreak(), Heading(1, "Appendix C. COREQ checklist"),
               _coreq_table(input)]
    if input.tables:
        blocks += [PageBreak(landscape=True), Heading(1, "Appendix D. Additional tables")]
        blocks += [table_block(t, f"Table D{i}. {t.title}") for i, t in enumerate(input.tables, 1)]
    return blocks


__all__ = [
    "Block", "Meta", "Heading", "Paragraph", "QuoteBlock", "TableBlock", "FigureBlock",
    "PageBreak", "build_document", "prevalence_sentence", "table_block", "cell_text",
    "SCAFFOLD", "MISSING_MARK",
]
