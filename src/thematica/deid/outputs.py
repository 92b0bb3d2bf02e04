"""Every human-readable string in a written output, and where it is: for the identifier check.

Before a report, export or quote list leaves the project, thematica checks the
*file as written* (whatever produced it) for real identifiers. This module
only reads: :func:`extract_chunks` turns a file or folder into
:class:`Chunk` s (a place a person can find, and its text), and
:func:`scan_chunks` runs a caller-supplied matcher over them. How identifiers
are matched is not decided here.

Formats, by suffix: ``.docx`` (body, tables incl. nested, headers, footers,
footnotes, endnotes, comments, tracked-change authors, picture alt text,
external links, chart/diagram text, document properties), ``.html``/``.htm``/
``.xhtml`` (visible text per block, attribute values, comments, JSON
``<script>`` data; scripts and styles otherwise ignored), ``.md``/``.txt`` (per
line), ``.csv``/``.tsv`` (per cell), ``.xlsx`` (per cell, comments,
headers/footers, properties, chart/drawing text), ``.json``/``.jsonl`` (every
string and object key), ``.svg`` (text elements, titles, comments, attribute
values), ``.qdpx`` (``project.qde`` and every entry by its own suffix),
``.qde``/``.qdc``/``.xml`` (every text node and attribute). A folder is walked
recursively.

What cannot be checked (images, PDFs, audio, unknown formats, pictures and
embedded objects inside a document) is never silently passed over: it is
appended to the caller's ``unchecked`` list, or, without one, refused with
:class:`~thematica.errors.InvalidInput`.

Chunk text is NFC-normalised (offsets in a :class:`Hit` index that text).
HTML text is whitespace-collapsed, as a browser shows it. Damaged files raise
:class:`~thematica.errors.InvalidInput` in one line; zip containers are
bounded (:data:`MAX_ZIP_BYTES`, :data:`MAX_ZIP_ENTRIES`, sizes re-checked while
inflating) and XML is parsed without entity resolution, DTD loading or network.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import posixpath
import re
import unicodedata
import warnings
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import lxml.html
from lxml import etree

from ..errors import InvalidInput
from ..xmlsafe import untrusted_parser

#: Most bytes all entries of one zip container (.docx, .xlsx, .qdpx) may inflate to.
MAX_ZIP_BYTES = 200 * 1024 * 1024
#: Most entries one zip container may hold.
MAX_ZIP_ENTRIES = 10_000
#: Largest single file read from disk.
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Characters of context either side of a hit.
CONTEXT_WIDTH = 30


@dataclass(frozen=True)
class Chunk:
    """A piece of human-readable text in an output and where it is (``"report.docx: table 3, row 2, cell 4"``)."""

    location: str
    text: str


@dataclass(frozen=True)
class Hit:
    """A match in a chunk: ``matched == text[start:end]``, ``key`` as the matcher gave it, a one-line ``context``."""

    location: str
    start: int
    end: int
    matched: str
    key: object
    context: str

    def __str__(self) -> str:
        return f"{self.location}: \u201c{self.context}\u201d"


class Extraction(NamedTuple):
    """Everything read from some outputs: the chunks, and what could not be checked (``"map.png (image)"``)."""

    chunks: list[Chunk]
    unchecked: list[str]


FindFn = Callable[[str], Iterable[tuple[int, int, object]]]


# --------------------------------------------------------------------------- public API


def extract_chunks(path: Path, unchecked: list[str] | None = None) -> Iterator[Chunk]:
    """Yield every chunk of text in the file or folder ``path``.

    Anything that cannot be checked is appended to ``unchecked`` as
    ``"label (reason)"``; when ``unchecked`` is None it raises
    :class:`InvalidInput` instead, so nothing is skipped silently.
    """
    path = Path(path)
    if path.is_dir():
        yield from _walk(path, unchecked)
    elif path.is_file():
        yield from _file(path, path.name, unchecked)
    else:
        raise InvalidInput(f"cannot check {path}: it does not exist")


def extract_all(paths: Iterable[Path]) -> Extraction:
    """All chunks of all ``paths`` (files or folders), and the list of what was not checked."""
    chunks: list[Chunk] = []
    unchecked: list[str] = []
    for path in paths:
        chunks.extend(extract_chunks(Path(path), unchecked))
    return Extraction(chunks, unchecked)


def scan_chunks(chunks: Iterable[Chunk], find: FindFn, *, width: int = CONTEXT_WIDTH) -> list[Hit]:
    """Run ``find`` (text -> ``(start, end, key)`` triples) over every chunk; one :class:`Hit` per match."""
    hits: list[Hit] = []
    for chunk in chunks:
        text = chunk.text
        for start, end, key in find(text):
            if not 0 <= start < end <= len(text):
                raise ValueError(f"find returned span {start}..{end} outside a text of length {len(text)}")
            hits.append(Hit(chunk.location, start, end, text[start:end], key, _context(text, start, end, width)))
    return hits


def _context(text: str, start: int, end: int, width: int) -> str:
    lo, hi = max(0, start - width), min(len(text), end + width)
    snippet = ("\u2026" if lo else "") + text[lo:hi] + ("\u2026" if hi < len(text) else "")
    return re.sub(r"\s+", " ", snippet).strip()


# --------------------------------------------------------------------------- dispatch


@dataclass(frozen=True)
class _Where:
    """The file being read: ``label`` names it; nested ones (inside a zip) take ``", place"``."""

    label: str
    suffix: str
    nested: bool = False

    def at(self, place: str) -> str:
        return f"{self.label}, {place}" if self.nested else f"{self.label}: {place}"

    def inner(self, name: str) -> _Where:
        return _Where(self.at(name), PurePosixPath(name).suffix.lower(), True)


_Sink = list[str] | None
_Handler = Callable[[_Where, bytes, _Sink], Iterator[Chunk]]

_IMAGES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".emf", ".wmf", ".ico", ".heic"}
_MEDIA = {".mp3", ".wav", ".m4a", ".ogg", ".flac", ".aac", ".mp4", ".mov", ".avi", ".mkv", ".webm", ".wmv"}


def _reason(suffix: str) -> str:
    if suffix == ".pdf":
        return "PDF"
    if suffix in _IMAGES:
        return "image"
    if suffix in _MEDIA:
        return "audio or video"
    return f"{suffix} files are not read" if suffix else "unknown format"


def _skip(sink: _Sink, label: str, reason: str) -> None:
    if sink is None:
        raise InvalidInput(f"{label} cannot be checked for identifiers ({reason})")
    sink.append(f"{label} ({reason})")


def _chunk(location: str, text: str | None) -> Iterator[Chunk]:
    if text and text.strip():
        yield Chunk(location, unicodedata.normalize("NFC", text))


def _walk(root: Path, sink: _Sink) -> Iterator[Chunk]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            label = PurePosixPath(root.name, *path.relative_to(root).parts).as_posix()
            yield from _file(path, label, sink)


def _file(path: Path, label: str, sink: _Sink) -> Iterator[Chunk]:
    where = _Where(label, path.suffix.lower())
    handler = _HANDLERS.get(where.suffix)
    if handler is None:
        _skip(sink, label, _reason(where.suffix))
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(f"{label} is {size // 2**20} MB, over the {MAX_FILE_BYTES // 2**20} MB limit for checking")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {label}: {exc.strerror or exc}") from None
    yield from handler(where, data, sink)


# --------------------------------------------------------------------------- safe containers


def _decode(data: bytes) -> str:
    """Bytes as text: a BOM decides, else UTF-8, else cp1252, else Latin-1 (never fails; newlines kept)."""
    for bom, name in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
                      (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(name, errors="replace")
    for name in ("utf-8", "cp1252"):
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _lines_of(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


class _Zip:
    """A zip whose declared sizes were checked; :meth:`read` re-checks while inflating."""

    def __init__(self, where: _Where, data: bytes, kind: str) -> None:
        self.label = where.label
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            raise InvalidInput(f"{where.label} is not a valid {kind} file (its zip container is damaged)") from None
        if len(infos) > MAX_ZIP_ENTRIES:
            raise InvalidInput(f"{where.label} holds {len(infos)} entries, over the limit of {MAX_ZIP_ENTRIES}")
        total = sum(info.file_size for info in infos)
        if total > MAX_ZIP_BYTES:
            raise InvalidInput(
                f"{where.label} would inflate to {total // 2**20} MB, over the {MAX_ZIP_BYTES // 2**20} MB limit"
            )
        if any(info.flag_bits & 0x1 for info in infos):
            raise InvalidInput(f"{where.label} is encrypted and cannot be checked")
        self.infos = {info.filename: info for info in infos if not info.is_dir()}
        self.names = sorted(self.infos)
        self.budget = MAX_ZIP_BYTES

    def read(self, name: str) -> bytes:
        info = self.infos[name]
        limit = min(info.file_size, self.budget)
        try:
            with self.zf.open(info) as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise InvalidInput(f"{self.label}: entry {name} is damaged ({_one_line(exc)})") from None
        if len(data) > limit:
            raise InvalidInput(f"{self.label}: entry {name} inflates beyond its declared size or the size limit")
        self.budget -= len(data)
        return data


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _xml_parser() -> etree.XMLParser:
    return untrusted_parser(keep_comments=True)


def _parse_xml(label: str, data: bytes) -> etree._Element:
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidInput(f"{label} is not well-formed XML ({_one_line(exc)})") from None
    if root is None:
        raise InvalidInput(f"{label} holds no XML")
    return root


def _ln(el: etree._Element) -> str:
    """Local name of an element ('' for comments, entities, PIs)."""
    tag = el.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _attr(el: etree._Element, local: str) -> str | None:
    for key, value in el.attrib.items():
        if key.rpartition("}")[2] == local:
            return value
    return None


def _entities(where: _Where, root: etree._Element) -> Iterator[Chunk]:
    """Internal DTD entities are not expanded, so their text is checked where it is declared."""
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None:
        for entity in dtd.iterentities():
            yield from _chunk(where.at(f"entity {entity.name}"), entity.content)


# --------------------------------------------------------------------------- plain text, tables, JSON


def _text(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    for number, line in enumerate(_lines_of(_decode(data)), 1):
        yield from _chunk(where.at(f"line {number}"), line)


def _csv(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    text = _decode(data).lstrip("\ufeff")
    delimiter = "\t"
    if where.suffix != ".tsv":
        try:
            delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(max(csv.field_size_limit(), 2**28))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    header: list[str] = []
    try:
        for number, row in enumerate(reader, 1):
            if number == 1:
                header = row
            for col, cell in enumerate(row):
                if number == 1:
                    place = f"row 1 (header), column {col + 1}"
                else:
                    name = header[col].strip() if col < len(header) and header[col].strip() else str(col + 1)
                    place = f"row {number}, column {name}"
                yield from _chunk(where.at(place), cell)
    except csv.Error as exc:
        raise InvalidInput(f"{where.label} is not readable as a table ({_one_line(exc)})") from None


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _json_chunks(where: _Where, value: object, path: str, prefix: str = "") -> Iterator[Chunk]:
    stack: list[tuple[str, object]] = [(path, value)]
    while stack:
        here, item = stack.pop()
        if isinstance(item, str):
            yield from _chunk(where.at(prefix + here), item)
        elif isinstance(item, dict):
            children = []
            for index, (key, sub) in enumerate(item.items(), 1):
                yield from _chunk(where.at(f"{prefix}{here}, key {index}"), key)
                step = f".{key}" if _IDENT.match(key) else f"[{json.dumps(key, ensure_ascii=False)}]"
                children.append((here + step, sub))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(f"{here}[{i}]", sub) for i, sub in enumerate(item)]))


def _json(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    try:
        value = json.loads(_decode(data).lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{where.label} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise InvalidInput(f"{where.label} is nested too deeply to check") from None
    yield from _json_chunks(where, value, "$")


def _jsonl(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    for number, line in enumerate(_lines_of(_decode(data).lstrip("\ufeff")), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{where.label}: line {number} is not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise InvalidInput(f"{where.label}: line {number} is nested too deeply to check") from None
        yield from _json_chunks(where, value, "$", f"line {number}, ")


# --------------------------------------------------------------------------- HTML

_BLOCK = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html legend li main menu nav ol optgroup option "
    "p pre section summary table tbody td tfoot th thead title tr ul".split()
)
_HTML_SKIP_ATTRS = frozenset({"style"})


def _html(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    if not data.strip():
        return
    try:
        data.decode("utf-8")
        encoding: str | None = "utf-8"
    except UnicodeDecodeError:
        encoding = None  # let the document's own charset declaration decide
    parser = lxml.html.HTMLParser(encoding=encoding, remove_comments=False, remove_pis=True, no_network=True)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise InvalidInput(f"{where.label} is not readable as HTML ({_one_line(exc)})") from None
    out: list[Chunk] = []
    parts: list[str] = []
    start: list[int] = []

    def add(text: str | None, line: int) -> None:
        if not text:
            return
        if not start and text.strip():
            start.append(line + text[: len(text) - len(text.lstrip())].count("\n"))
        parts.append(text)

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text:
            out.extend(_chunk(where.at(f"line {start[0]}"), text))
        parts.clear()
        start.clear()

    def walk(el: etree._Element, line: int) -> int:
        if el.sourceline:
            line = el.sourceline
        if el.tag is etree.Comment:
            out.extend(_chunk(where.at(f"line {line}, comment"), el.text))
        elif isinstance(el.tag, str):
            name = el.tag.lower()
            block = name in _BLOCK
            if block:
                flush()
            for key, value in el.attrib.items():
                lowered = key.lower()
                if lowered in _HTML_SKIP_ATTRS or lowered.startswith("on") or value.strip().lower().startswith("data:"):
                    continue
                out.extend(_chunk(where.at(f"line {line}, <{name} {key}>"), value))
            if name in ("script", "style"):
                if name == "script" and "json" in (el.get("type") or "").lower():
                    out.extend(_chunk(where.at(f"line {line}, <script> data"), el.text))
            else:
                add(el.text, line)
                line += (el.text or "").count("\n")
                for child in el:
                    line = walk(child, line)
            if block:
                flush()
            elif name == "br":
                add(" ", line)
        if el.tail:
            following = el.getnext()
            if following is not None and following.sourceline:
                line = max(line, following.sourceline - el.tail.count("\n"))
            add(el.tail, line)
            line += el.tail.count("\n")
        return line

    for before in reversed(list(root.itersiblings(preceding=True))):
        if before.tag is etree.Comment:
            out.extend(_chunk(where.at(f"line {before.sourceline}, comment"), before.text))
    walk(root, 1)
    flush()
    yield from out


# --------------------------------------------------------------------------- XML, SVG

#: Geometry and styling attributes: never prose.
_SVG_SKIP_ATTRS = frozenset(
    "d points transform style viewBox x y x1 y1 x2 y2 cx cy r rx ry dx dy width height version clip-path fill "
    "stroke stroke-width opacity fill-opacity stroke-opacity font-size font-family font-weight text-anchor "
    "preserveAspectRatio".split()
)


def _xml(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    root = _parse_xml(where.label, data)
    yield from _entities(where, root)
    yield from _xml_nodes(where, root, "/" + _ln(root))


def _xml_nodes(where: _Where, el: etree._Element, path: str) -> Iterator[Chunk]:
    for key, value in el.attrib.items():
        yield from _chunk(where.at(f"{path}/@{key.rpartition('}')[2]}"), value)
    yield from _chunk(where.at(path), el.text)
    totals = Counter(_ln(child) for child in el if isinstance(child.tag, str))
    seen: Counter[str] = Counter()
    for child in el:
        if child.tag is etree.Comment:
            yield from _chunk(where.at(f"{path}/comment()"), child.text)
        elif isinstance(child.tag, str):
            name = _ln(child)
            seen[name] += 1
            yield from _xml_nodes(where, child, f"{path}/{name}" + (f"[{seen[name]}]" if totals[name] > 1 else ""))
        yield from _chunk(where.at(path), child.tail)


def _svg(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    root = _parse_xml(where.label, data)
    yield from _entities(where, root)
    counts: Counter[str] = Counter()

    def walk(el: etree._Element, in_text: bool) -> Iterator[Chunk]:
        outer = in_text
        if el.tag is etree.Comment:
            counts["comment"] += 1
            yield from _chunk(where.at(f"comment {counts['comment']}"), el.text)
        elif isinstance(el.tag, str):
            name = _ln(el)
            for key, value in el.attrib.items():
                local = key.rpartition("}")[2]
                if local in _SVG_SKIP_ATTRS or value.strip().lower().startswith(("data:", "#")):
                    continue
                yield from _chunk(where.at(f"<{name} {local}>, line {el.sourceline}"), value)
            if name == "text" and not in_text:
                counts["text"] += 1
                yield from _chunk(where.at(f"text {counts['text']}"), "".join(el.itertext()))
                in_text = True
            elif name not in ("style", "script") and not in_text and el.text and el.text.strip():
                counts[name] += 1
                yield from _chunk(where.at(f"{name} {counts[name]}"), el.text)
            if name not in ("style", "script"):
                for child in el:
                    yield from walk(child, in_text)
        if not outer:
            yield from _chunk(where.at(f"line {el.sourceline}"), el.tail)

    yield from walk(root, False)


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


# --------------------------------------------------------------------------- QDPX


def _qdpx(where: _Where, data: bytes, sink: _Sink) -> Iterator[Chunk]:
    z = _Zip(where, data, "REFI-QDA project (.qdpx)")
    if "project.qde" not in z.infos:
        raise InvalidInput(f"{where.label} is not a REFI-QDA project (it has no project.qde)")
    for name in sorted(z.names, key=lambda n: (n != "project.qde", n)):
        inner = where.inner(name)
        handler = _HANDLERS.get(inner.suffix) if inner.suffix != ".qdpx" else None
        if handler is None:
            _skip(sink, inner.label, _reason(inner.suffix) if inner.suffix != ".qdpx" else "nested project")
            continue
        yield from handler(inner, z.read(name), sink)


_HANDLERS: dict[str, _Handler] = {
    ".docx": _docx,
    ".html": _html,
    ".htm": _html,
    ".xhtml": _html,
    ".md": _text,
    ".markdown": _text,
    ".txt": _text,
    ".csv": _csv,
    ".tsv": _csv,
    ".xlsx": _xlsx,
    ".json": _json,
    ".jsonl": _jsonl,
    ".ndjson": _jsonl,
    ".svg": _svg,
    ".qdpx": _qdpx,
    ".qde": _xml,
    ".qdc": _xml,
    ".xml": _xml,
}

__all__ = [
    "CONTEXT_WIDTH",
    "Chunk",
    "Extraction",
    "Hit",
    "MAX_FILE_BYTES",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_ENTRIES",
    "extract_all",
    "extract_chunks",
    "scan_chunks",
]
