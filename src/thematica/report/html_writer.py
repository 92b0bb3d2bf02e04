"""Write the report blocks as one self-contained HTML file.

Inline CSS, no script, no external resource: figures are inlined as SVG
(sanitised: no script, no event handlers, no external links, ids prefixed
per figure) or, without an SVG, as a base64 PNG data URI. All text is escaped.
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

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

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_EXTERNAL_URL = re.compile(r"url\(\s*(?!['\"]?#)[^)]*\)", re.IGNORECASE)
_DROPPED = {"script", "foreignObject", "iframe", "object", "embed", "audio", "video", "metadata"}

CSS = """
body { margin: 0; background: #f6f6f4; color: #1d1d1f;
  font: 16px/1.55 Georgia, "Times New Roman", "DejaVu Serif", serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2.5rem 2rem 4rem; background: #fff; }
h1, h2, h3, h4, h5, h6 { font-family: "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  color: #1f2a44; line-height: 1.25; margin: 1.8em 0 0.5em; }
h1.title { font-size: 2rem; margin-top: 0.5em; }
h2 { font-size: 1.5rem; border-bottom: 1px solid #d8dbe2; padding-bottom: 0.2em; }
h3 { font-size: 1.2rem; } h4 { font-size: 1.05rem; }
p.subtitle { font-size: 1.15rem; font-style: italic; }
p.meta { color: #555; }
p.notice, p.scaffold { background: #fff2cc; border-left: 4px solid #e0b000;
  padding: 0.5em 0.8em; font-style: italic; }
blockquote.extract { margin: 0.8em 2.2rem; font-style: italic; }
blockquote.extract .attribution { font-style: normal; white-space: nowrap; }
.table-wrap { overflow-x: auto; margin: 1.2em 0; }
table { border-collapse: collapse; width: 100%; font: 0.85rem/1.4 "Helvetica Neue", Arial,
  "DejaVu Sans", sans-serif; }
caption { caption-side: top; text-align: left; font-weight: bold; padding-bottom: 0.4em; }
th, td { border: 1px solid #b9bec9; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
thead th { background: #e7eaf0; }
tr.missing td { background: #fff2cc; font-style: italic; }
p.note { font-size: 0.85rem; color: #444; margin-top: 0.3em; }
figure.figure { margin: 1.5em 0; text-align: center; }
figure.figure svg, figure.figure img { max-width: 100%; height: auto; }
figcaption { font-weight: bold; font-size: 0.9rem; margin-top: 0.4em; }
nav.contents { border: 1px solid #d8dbe2; padding: 0.5em 1.2em; margin: 1.5em 0; }
nav.contents ul { margin: 0.2em 0; padding-left: 1.2em; }
@media print {
  body { background: #fff; } main { max-width: none; padding: 0; }
  div.page-break { break-after: page; } nav.contents { display: none; }
}
"""


def esc(text: str) -> str:
    """``text`` escaped for HTML, control characters dropped, newlines as <br>."""
    return html.escape(_NOT_TEXT.sub("", text), quote=True).replace("\n", "<br>\n")


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def sanitise_svg(text: str, prefix: str, label: str = "") -> str | None:
    """The SVG as inline markup, made safe and given unique ids; None if it is not SVG."""
    try:
        root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", text, count=1).encode("utf-8"))
    except ET.ParseError:
        return None
    if root.tag != f"{{{SVG_NS}}}svg":
        return None
    for parent in list(root.iter()):
        for child in list(parent):
            if _local(str(child.tag)) in _DROPPED:
                parent.remove(child)
    ids = {el.get("id"): f"{prefix}-{el.get('id')}" for el in root.iter() if el.get("id")}
    for el in root.iter():
        for name, value in list(el.attrib.items()):
            local = _local(name)
            if local.lower().startswith("on"):
                del el.attrib[name]
            elif local == "href":
                if value.startswith("#") and value[1:] in ids:
                    el.set(name, "#" + ids[value[1:]])
                elif not value.startswith(("#", "data:image/")):
                    del el.attrib[name]
            elif local == "id" and value in ids:
                el.set(name, ids[value])
            elif "url(" in value:
                value = _EXTERNAL_URL.sub("none", value)
                el.set(name, re.sub(r"url\(\s*#([^)\s]+)\s*\)",
                                    lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", value))
        if _local(str(el.tag)) == "style" and el.text:
            el.text = _EXTERNAL_URL.sub("none", re.sub(r"@import[^;]*;", "", el.text))
    root.set("role", "img")
    if label:
        root.set("aria-label", label)
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    return ET.tostring(root, encoding="unicode")


def _figure(block: FigureBlock, index: int) -> str:
    figure = block.figure
    caption = f"{block.label}. {figure.caption}" if block.label else figure.caption
    body = None
    if figure.svg is not None and Path(figure.svg).is_file():
        svg = Path(figure.svg).read_text(encoding="utf-8", errors="replace")
        body = sanitise_svg(svg, f"fig{index}", caption)
    if body is None and Path(figure.path).is_file():
        data = base64.b64encode(Path(figure.path).read_bytes()).decode("ascii")
        body = f'<img src="data:image/png;base64,{data}" alt="{esc(caption)}">'
    if body is None:
        return f'<p class="scaffold">{esc(f"[Figure file not found: {Path(figure.path).name}]")}</p>'
    return f'<figure class="figure">\n{body}\n<figcaption>{esc(caption)}</figcaption>\n</figure>'


def _table(block: TableBlock) -> str:
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in block.columns)
    marked = set(block.marked)
    body = []
    for i, row in enumerate(block.rows):
        cells = "".join(f"<td>{esc(str(v))}</td>" for v in row)
        body.append(f'<tr class="missing">{cells}</tr>' if i in marked else f"<tr>{cells}</tr>")
    caption = f"<caption>{esc(block.caption)}</caption>" if block.caption else ""
    notes = "".join(f'\n<p class="note">{esc(n)}</p>' for n in block.notes)
    return (f'<div class="table-wrap"><table>{caption}\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + f"\n</tbody></table></div>{notes}")


def _contents(entries: list[tuple[int, str, str]]) -> str:
    groups: list[tuple[str, list[str]]] = []
    for level, text, anchor in entries:
        link = f'<a href="#{anchor}">{esc(text)}</a>'
        if level == 1 or not groups:
            groups.append((link, []))
        else:
            groups[-1][1].append(link)
    items = []
    for link, subs in groups:
        sub = "<ul>" + "".join(f"<li>{s}</li>" for s in subs) + "</ul>" if subs else ""
        items.append(f"<li>{link}{sub}</li>")
    return '<nav class="contents"><strong>Contents</strong>\n<ul>' + "\n".join(items) + "</ul></nav>"


def render_html(blocks: Sequence[Block]) -> str:
    """The whole HTML document as text."""
    title, author = "Report", ""
    parts: list[str] = []
    contents: list[tuple[int, str, str]] = []
    anchors: set[str] = set()
    nav_at: int | None = None
    figures = 0
    for block in blocks:
        if isinstance(block, Meta):
            title, author = block.title or title, block.author
        elif isinstance(block, Heading):
            level = max(1, min(block.level, 5))
            anchor = _slug(block.text, anchors)
            if level <= 2:
                contents.append((level, block.text, anchor))
            parts.append(f'<h{level + 1} id="{anchor}">{esc(block.text)}</h{level + 1}>')
        elif isinstance(block, Paragraph):
            if block.style == "title":
                parts.append(f'<h1 class="title">{esc(block.text)}</h1>')
            else:
                parts.append(f'<p class="{esc(block.style)}">{esc(block.text)}</p>')
        elif isinstance(block, QuoteBlock):
            who = f' <span class="attribution">{esc(block.attribution)}</span>' if block.attribution else ""
            parts.append(f'<blockquote class="extract"><p>{esc(block.text)}{who}</p></blockquote>')
        elif isinstance(block, TableBlock):
            parts.append(_table(block))
        elif isinstance(block, FigureBlock):
            figures += 1
            parts.append(_figure(block, figures))
        elif isinstance(block, PageBreak):
            parts.append('<div class="page-break"></div>')
            if nav_at is None:
                nav_at = len(parts)
                parts.append("")
    if nav_at is not None and contents:
        parts[nav_at] = _contents(contents)
    generator = f'\n<meta name="generator" content="{esc(author)}">' if author else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{generator}\n<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(p for p in parts if p) + "\n</main>\n</body>\n</html>\n"
    )


def write_html(blocks: Sequence[Block], path: Path) -> Path:
    """Render ``blocks`` to one self-contained .html file at ``path`` and return it."""
    path = Path(path)
    path.write_text(render_html(blocks), encoding="utf-8")
    return path


__all__ = ["write_html", "render_html", "sanitise_svg"]
