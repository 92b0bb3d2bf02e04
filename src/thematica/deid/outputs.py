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

import csv
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import lxml.html
from lxml import etree

from ..errors import InvalidInput
from .office import _docx, _xlsx
from .outputparts import (
    _IMAGES,
    _MEDIA,
    CONTEXT_WIDTH,
    MAX_FILE_BYTES,
    MAX_ZIP_BYTES,
    MAX_ZIP_ENTRIES,
    Chunk,
    _chunk,
    _decode,
    _entities,
    _Handler,
    _lines_of,
    _ln,
    _one_line,
    _parse_xml,
    _Sink,
    _skip,
    _Where,
    _Zip,
)


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


def _reason(suffix: str) -> str:
    if suffix == ".pdf":
        return "PDF"
    if suffix in _IMAGES:
        return "image"
    if suffix in _MEDIA:
        return "audio or video"
    return f"{suffix} files are not read" if suffix else "unknown format"


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
