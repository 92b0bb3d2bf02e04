"""Helpers shared by the report tests (imported as ``report_helpers``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from thematica.report.data import ReportInput, ThemeSection
from thematica.report.document import Block, Heading

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def walk(sections: tuple[ThemeSection, ...]) -> list[ThemeSection]:
    """Themes and subthemes in reading order."""
    out: list[ThemeSection] = []
    for section in sections:
        out.append(section)
        out.extend(walk(section.children))
    return out


def all_quotes(input: ReportInput) -> list[str]:
    """Every quote's text, in the order the report gives them."""
    return [q.text for section in walk(input.themes) for q in section.quotes]


def heading_texts(blocks: list[Block]) -> list[str]:
    """The text of every heading block."""
    return [b.text for b in blocks if isinstance(b, Heading)]


class StrictHTML(HTMLParser):
    """Checks that every element is closed in order; collects tags, attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: dict[str, list[str]] = {}
        self._current: list[list[str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)
            self._current.append([])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()
        text = "".join(self._current.pop())
        self.text.setdefault(tag, []).append(text)
        if self._current:
            self._current[-1].append(text)

    def handle_data(self, data: str) -> None:
        if self._current:
            self._current[-1].append(data)


def parse_html(text: str) -> StrictHTML:
    """Parse ``text`` strictly; ``<br>`` inside text becomes a newline."""
    parser = StrictHTML()
    parser.feed(re.sub(r"<br>\n?", "\n", text))
    parser.close()
    return parser
