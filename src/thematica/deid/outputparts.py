"""The pieces every output reader shares: where text was found, safe zip and XML reading."""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

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


def _skip(sink: _Sink, label: str, reason: str) -> None:
    if sink is None:
        raise InvalidInput(f"{label} cannot be checked for identifiers ({reason})")
    sink.append(f"{label} ({reason})")


def _chunk(location: str, text: str | None) -> Iterator[Chunk]:
    if text and text.strip():
        yield Chunk(location, unicodedata.normalize("NFC", text))


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
