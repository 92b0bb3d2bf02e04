"""Text of Office documents for the output check: DOCX (body, tables, notes, comments, properties) and XLSX cells."""

from __future__ import annotations

import io
import posixpath
import re
import warnings
from collections.abc import Iterator

from lxml import etree

from ..errors import InvalidInput
from .outputparts import Chunk, _attr, _chunk, _ln, _one_line, _parse_xml, _Sink, _skip, _Where, _Zip

# --------------------------------------------------------------------------- DOCX


def _para_text(el: etree._Element, out: list[str]) -> None:
    for child in el:
        name = _ln(child)
        if name in ("Fallback", "instrText", "") or child.tag is etree.Comment:
            continue
        if name in ("t", "delText"):
            out.append(child.text or "")
        elif name == "tab":
            out.append("\t")
        elif name in ("br", "cr"):
            out.append("\n")
        elif name == "noBreakHyphen":
            out.append("-")
        elif name == "p":
            out.append("\n")
            _para_text(child, out)
        else:
            _para_text(child, out)


def _paragraph(p: etree._Element) -> str:
    out: list[str] = []
    _para_text(p, out)
    return "".join(out)


def _kids(el: etree._Element, *names: str) -> Iterator[etree._Element]:
    """Children named ``names``, looking through content controls and custom XML wrappers."""
    for child in el:
        name = _ln(child)
        if name in names:
            yield child
        elif name in ("sdt", "sdtContent", "customXml", "smartTag"):
            yield from _kids(child, *names)


def _blocks(where: _Where, container: etree._Element, prefix: str) -> Iterator[Chunk]:
    paragraphs = tables = 0
    for block in _kids(container, "p", "tbl"):
        if _ln(block) == "p":
            paragraphs += 1
            yield from _chunk(where.at(f"{prefix}paragraph {paragraphs}"), _paragraph(block))
        else:
            tables += 1
            yield from _table(where, block, f"{prefix}table {tables}")


def _table(where: _Where, tbl: etree._Element, name: str) -> Iterator[Chunk]:
    for r, row in enumerate(_kids(tbl, "tr"), 1):
        for c, cell in enumerate(_kids(row, "tc"), 1):
            place = f"{name}, row {r}, cell {c}"
            texts: list[str] = []
            nested: list[Chunk] = []
            tables = 0
            for block in _kids(cell, "p", "tbl"):
                if _ln(block) == "p":
                    texts.append(_paragraph(block))
                else:
                    tables += 1
                    nested.extend(_table(where, block, f"{place}, table {tables}"))
            yield from _chunk(where.at(place), "\n".join(texts))
            yield from nested


def _part_extras(where: _Where, root: etree._Element, part: str) -> Iterator[Chunk]:
    """Tracked-change authors and picture alt text of one part."""
    authors: dict[str, None] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = _ln(el)
        if name == "docPr" or name == "cNvPr":
            for field in ("descr", "title"):
                yield from _chunk(where.at(f"{part}, picture {el.get('id', '?')} {field}"), el.get(field))
        elif name != "comment":
            author = _attr(el, "author")
            if author:
                authors.setdefault(author)
    for author in authors:
        yield from _chunk(where.at(f"{part}, tracked-change author"), author)


_PROPERTY_NAMES = {"creator": "author", "description": "comments", "lastModifiedBy": "last modified by"}


def _properties(where: _Where, z: _Zip) -> Iterator[Chunk]:
    for name in ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml"):
        if name not in z.infos:
            continue
        root = _parse_xml(f"{where.label} ({name})", z.read(name))
        for el in root.iter():
            if not isinstance(el.tag, str) or len(el):
                continue
            local = _ln(el)
            parent = el.getparent()
            if name.endswith("custom.xml") and parent is not None and parent.get("name"):
                label = f"custom {parent.get('name')}"
            else:
                label = _PROPERTY_NAMES.get(local, local)
            yield from _chunk(where.at(f"properties, {label}"), el.text)


def _drawing_text(where: _Where, z: _Zip, name: str) -> Iterator[Chunk]:
    root = _parse_xml(f"{where.label} ({name})", z.read(name))
    number = 0
    for el in root.iter():
        if isinstance(el.tag, str) and not len(el) and el.text and el.text.strip():
            number += 1
            yield from _chunk(where.at(f"{name}, text {number}"), el.text)


def _main_part(z: _Zip) -> str:
    if "_rels/.rels" in z.infos:
        root = _parse_xml(f"{z.label} (_rels/.rels)", z.read("_rels/.rels"))
        for rel in root:
            if (rel.get("Type") or "").endswith("/officeDocument") and rel.get("Target"):
                return posixpath.normpath(rel.get("Target", "").lstrip("/"))
    return "word/document.xml"


_NOTE_PART = re.compile(r"(header|footer|footnotes|endnotes|comments)(\d*)\.xml\Z")


def _docx(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    z = _Zip(where, data, "Word (.docx)")
    main = _main_part(z)
    if main not in z.infos:
        raise InvalidInput(f"{where.label} is not a Word document (it has no {main})")
    folder = posixpath.dirname(main)
    root = _parse_xml(f"{where.label} ({main})", z.read(main))
    body = next(_kids(root, "body"), None)
    if body is not None:
        yield from _blocks(where, body, "")
    yield from _part_extras(where, root, "body")
    rels = posixpath.join(folder, "_rels", posixpath.basename(main) + ".rels")
    if rels in z.infos:
        for rel in _parse_xml(f"{where.label} ({rels})", z.read(rels)):
            if rel.get("TargetMode") == "External":
                yield from _chunk(where.at(f"link {rel.get('Id', '?')}"), rel.get("Target"))
    for name in z.names:
        if name == main or posixpath.dirname(name) != folder:
            continue
        match = _NOTE_PART.match(posixpath.basename(name))
        if not match:
            continue
        kind, number = match.groups()
        part = _parse_xml(f"{where.label} ({name})", z.read(name))
        if kind in ("header", "footer"):
            label = f"{kind} {number or 1}"
            yield from _blocks(where, part, f"{label}, ")
        else:
            label = kind
            for note in part:
                if _ln(note) not in ("footnote", "endnote", "comment") or (_attr(note, "type") or "normal") != "normal":
                    continue
                place = f"{_ln(note)} {_attr(note, 'id')}"
                if _ln(note) == "comment":
                    yield from _chunk(where.at(f"{place}, author"), _attr(note, "author"))
                    yield from _chunk(where.at(f"{place}, initials"), _attr(note, "initials"))
                yield from _blocks(where, note, f"{place}, ")
        yield from _part_extras(where, part, label)
    if "word/people.xml" in z.infos:
        people = _parse_xml(f"{where.label} (word/people.xml)", z.read("word/people.xml"))
        for el in people.iter():
            if isinstance(el.tag, str):
                yield from _chunk(where.at("people, author"), _attr(el, "author"))
    yield from _properties(where, z)
    yield from _office_extras(where, z, sink, folder)


def _office_extras(where: _Where, z: _Zip, sink: _Sink, folder: str) -> Iterator[Chunk]:
    """Chart, diagram and drawing text; pictures and embedded objects go to ``unchecked``."""
    for name in z.names:
        parts = name.split("/")
        if len(parts) < 3 or parts[0] != folder:
            continue
        if parts[1] in ("charts", "diagrams", "drawings") and len(parts) == 3 and name.endswith(".xml"):
            yield from _drawing_text(where, z, name)
        elif parts[1] == "media":
            _skip(sink, where.at(name), "image")
        elif parts[1] == "embeddings":
            _skip(sink, where.at(name), "embedded object")


# --------------------------------------------------------------------------- XLSX


def _xlsx(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    import openpyxl  # heavy; only when a workbook is checked

    z = _Zip(where, data, "Excel (.xlsx)")
    for name in z.names:  # inflate everything once under the bounds before openpyxl does
        if not name.startswith("xl/media/"):
            z.read(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise InvalidInput(f"{where.label} is not a readable Excel workbook ({type(exc).__name__}: {_one_line(exc)})") from None
    props = wb.properties
    for field in ("title", "subject", "creator", "keywords", "description", "lastModifiedBy", "category"):
        value = getattr(props, field, None)
        if isinstance(value, str):
            yield from _chunk(where.at(f"properties, {_PROPERTY_NAMES.get(field, field)}"), value)
    for index, ws in enumerate(wb.worksheets, 1):
        yield from _chunk(where.at(f"sheet {index} name"), ws.title)
        header: dict[str, str] = {}
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                coordinate = getattr(cell, "coordinate", None)
                if coordinate is None:
                    continue
                if cell.row == 1 and isinstance(value, str) and value.strip():
                    header[cell.column_letter] = value.strip()
                place = f"{ws.title}!{coordinate}"
                if cell.row > 1 and cell.column_letter in header:
                    place += f" (column {header[cell.column_letter]})"
                if isinstance(value, str):
                    yield from _chunk(where.at(place), value)
                if getattr(cell, "comment", None) is not None:
                    yield from _chunk(where.at(f"{ws.title}!{coordinate} comment"), cell.comment.text)
                    yield from _chunk(where.at(f"{ws.title}!{coordinate} comment author"), cell.comment.author)
        for hf_name in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
            hf = getattr(ws, hf_name, None)
            for side in ("left", "center", "right"):
                item = getattr(hf, side, None)
                yield from _chunk(where.at(f"{ws.title} {hf_name} {side}"), getattr(item, "text", None))
    wb.close()
    yield from _office_extras(where, z, sink, "xl")
