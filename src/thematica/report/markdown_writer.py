"""Write the report blocks as GitHub-flavoured Markdown.

Text is escaped so that a participant's words never turn into markup (no
stray emphasis, headings, links or HTML). Figures are linked relatively:
where they are when already under the .md file's folder, else to a copy
beside it.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote as url_quote

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

_INLINE = re.compile(r"([\\`*_\[\]<|~])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def escape_inline(text: str) -> str:
    """Escape what Markdown would read as inline markup (emphasis, links, HTML, pipes, entities)."""
    return _ENTITY.sub(r"\\&", _INLINE.sub(r"\\\1", _NOT_TEXT.sub("", text)))


def escape_line(line: str) -> str:
    """Escape one line of block text, including what would start a heading, list or quote."""
    escaped = escape_inline(line)
    match = _LINE_START.match(escaped)
    if match:
        lead, marker = match.group(1), match.group(2)
        if marker.isdigit():  # "1." would start an ordered list: escape the dot
            rest = escaped[match.end():]
            return f"{lead}{marker}\\{rest}"
        return f"{lead}\\{escaped[len(lead):]}"
    return escaped


def escape_block(text: str) -> str:
    """Multi-line text as one Markdown paragraph, lines joined by hard breaks."""
    return "\\\n".join(escape_line(line) for line in text.split("\n"))


def _cell(value: str, strong: bool = False) -> str:
    text = escape_inline(str(value)).replace("\r", "").replace("\n", "<br>")
    return f"**{text}**" if strong and text.strip() else text


def _table(block: TableBlock) -> str:
    width = len(block.columns)
    lines = []
    if block.caption:
        lines += [f"**{escape_inline(block.caption)}**", ""]
    lines.append("| " + " | ".join(_cell(c) for c in block.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in block.columns) + "|")
    marked = set(block.marked)
    for i, row in enumerate(block.rows):
        cells = [*row[:width], *([""] * (width - len(row)))]
        strong = [i in marked and c == width - 1 for c in range(width)]  # the answer cell
        lines.append("| " + " | ".join(_cell(v, s) for v, s in zip(cells, strong, strict=True)) + " |")
    for note in block.notes:
        lines += ["", f"*{escape_inline(note).strip()}*"]
    return "\n".join(lines)


def _quote(block: QuoteBlock) -> str:
    lines = block.text.split("\n")
    out = []
    for i, line in enumerate(lines):
        body = escape_line(line.strip())
        body = f"*{body}*" if body else ""
        if i == len(lines) - 1 and block.attribution:
            body += f" {escape_inline(block.attribution)}"
        elif i < len(lines) - 1 and body:
            body += "\\"
        out.append(f"> {body}".rstrip())
    return "\n".join(out)


def _copy_beside(source: Path, folder: Path) -> str:
    """The relative link to ``source``: as it is when inside ``folder``, else to a copy beside it."""
    try:
        return Path(source.resolve().relative_to(folder.resolve())).as_posix()
    except ValueError:
        pass
    target = folder / source.name
    stem, n = source.stem, 2
    while target.exists() and target.read_bytes() != source.read_bytes():
        target, n = folder / f"{stem}-{n}{source.suffix}", n + 1
    if not target.exists():
        shutil.copyfile(source, target)
    return target.name


def _figure(block: FigureBlock, folder: Path) -> str:
    caption = f"{block.label}. {block.figure.caption}" if block.label else block.figure.caption
    source = Path(block.figure.path)
    if not source.is_file():
        return f"**{escape_inline(f'[Figure file not found: {source.name}]')}** {escape_inline(caption)}"
    link = _copy_beside(source, folder)
    return f"![{escape_inline(caption)}]({url_quote(link)})\n\n*{escape_inline(caption).strip()}*"


def render_markdown(blocks: Sequence[Block], folder: Path) -> str:
    """The Markdown text; figures are copied into ``folder`` (where the .md goes)."""
    parts: list[str] = []
    for block in blocks:
        if isinstance(block, Meta):
            continue
        if isinstance(block, Heading):
            level = max(1, min(block.level, 5)) + 1
            parts.append("#" * level + " " + escape_inline(" ".join(block.text.split())))
        elif isinstance(block, Paragraph):
            text = escape_block(block.text)
            if block.style == "title":
                parts.append("# " + escape_inline(" ".join(block.text.split())))
            elif block.style in ("notice", "scaffold"):
                parts.append(f"**{text.strip()}**" if text.strip() else "")
            elif block.style in ("subtitle", "note") and text.strip():
                parts.append(f"*{text.strip()}*")
            else:
                parts.append(text)
        elif isinstance(block, QuoteBlock):
            parts.append(_quote(block))
        elif isinstance(block, TableBlock):
            parts.append(_table(block))
        elif isinstance(block, FigureBlock):
            parts.append(_figure(block, folder))
        elif isinstance(block, PageBreak):
            parts.append("---")
    return "\n\n".join(p for p in parts if p) + "\n"


def write_markdown(blocks: Sequence[Block], path: Path) -> Path:
    """Render ``blocks`` to a .md file at ``path`` (figures linked relatively) and return it."""
    path = Path(path)
    path.write_text(render_markdown(blocks, path.parent), encoding="utf-8")
    return path


__all__ = ["write_markdown", "render_markdown", "escape_inline", "escape_line"]
