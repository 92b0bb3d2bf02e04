"""Untrusted REFI-QDA input, opened safely: the zip container and the XML inside it.

A ``.qdpx`` comes from someone else's machine, so before anything is read:

* the zip is refused when it is not a zip (or is truncated), is encrypted, has
  more than :data:`MAX_ENTRIES` entries, an entry whose name is absolute or
  climbs out with ``..``, a symbolic link, more than :data:`MAX_TOTAL_BYTES`
  uncompressed in all, or an entry that inflates more than :data:`MAX_RATIO`
  times (a zip bomb); sizes are checked again while inflating, because a zip
  header can lie;
* XML is refused when it has a DOCTYPE at all (no DTD, so no entities: neither
  XXE nor "billion laughs"), and is parsed by lxml with entity resolution,
  DTD loading and network access off and the huge-tree limits on.

Every refusal is an :class:`~thematica.errors.ImportError_` that says what was
wrong in one line.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lxml import etree

from ...errors import ImportError_
from ...xmlsafe import untrusted_parser

#: Most entries a .qdpx may hold.
MAX_ENTRIES = 10_000
#: Most bytes all entries of a .qdpx may inflate to, together.
MAX_TOTAL_BYTES = 512 * 1024 * 1024
#: Largest uncompressed/compressed ratio of one entry (checked for entries over :data:`RATIO_FLOOR`).
MAX_RATIO = 200
#: Entries smaller than this are never refused for their ratio (tiny files compress oddly).
RATIO_FLOOR = 1024 * 1024
#: Largest bare XML file (.qde or .qdc) read from disk.
MAX_XML_BYTES = 256 * 1024 * 1024

_CHUNK = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, slots=True)
class Entry:
    """One file in a checked archive: its name as stored and its declared size."""

    name: str
    size: int


class SafeArchive:
    """A zip whose entries have all been checked (see the module docstring); read them with :meth:`read`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.label = self.path.name
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as exc:
            raise ImportError_(f"{self.label} is not a valid .qdpx (zip) file, or it is truncated ({exc})") from None
        except (OSError, EOFError, ValueError) as exc:
            raise ImportError_(f"cannot read {self.label}: {exc}") from None
        try:
            self.entries = self._check(self._zip.infolist())
        except BaseException:
            self._zip.close()
            raise
        self._read_total = 0

    def __enter__(self) -> "SafeArchive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying zip file."""
        self._zip.close()

    def _check(self, infos: list[zipfile.ZipInfo]) -> dict[str, Entry]:
        if len(infos) > MAX_ENTRIES:
            raise ImportError_(f"{self.label} holds {len(infos)} entries, more than the limit of {MAX_ENTRIES}")
        entries: dict[str, Entry] = {}
        total = 0
        for info in infos:
            name = info.filename
            check_entry_name(name, self.label)
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_ISLNK(mode):
                raise ImportError_(f"{self.label}: entry {name!r} is a symbolic link; refused")
            if info.flag_bits & 0x1:
                raise ImportError_(f"{self.label}: entry {name!r} is encrypted; thematica reads only unencrypted .qdpx files")
            if info.is_dir():
                continue
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ImportError_(
                    f"{self.label} would inflate to more than {MAX_TOTAL_BYTES // 2**20} MiB; refused as a possible zip bomb"
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise ImportError_(
                    f"{self.label}: entry {name!r} inflates {info.file_size // max(info.compress_size, 1)} times "
                    f"(limit {MAX_RATIO}); refused as a possible zip bomb"
                )
            if name in entries:
                raise ImportError_(f"{self.label}: entry {name!r} occurs twice; refused")
            entries[name] = Entry(name, info.file_size)
        return entries

    def names(self) -> list[str]:
        """Names of the file entries (no directories), as stored."""
        return list(self.entries)

    def read(self, name: str) -> bytes:
        """The bytes of one entry, inflated under the size and ratio limits."""
        entry = self.entries.get(name)
        if entry is None:
            raise ImportError_(f"{self.label} has no entry {name!r}")
        info = self._zip.getinfo(name)
        limit = min(entry.size, MAX_TOTAL_BYTES - self._read_total)
        parts: list[bytes] = []
        got = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(_CHUNK)
                    if not chunk:
                        break
                    got += len(chunk)
                    if got > limit:
                        raise ImportError_(f"{self.label}: entry {name!r} inflates past its declared size; refused")
                    parts.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise ImportError_(f"{self.label}: entry {name!r} cannot be read; the file is damaged or truncated ({exc})") from None
        if got > RATIO_FLOOR and got > MAX_RATIO * max(info.compress_size, 1):
            raise ImportError_(f"{self.label}: entry {name!r} inflates more than {MAX_RATIO} times; "
                               "refused as a possible zip bomb")
        self._read_total += got
        return b"".join(parts)


def check_entry_name(name: str, label: str) -> None:
    """Refuse an entry name that is absolute, names a drive, or climbs out with ``..`` (zip slip)."""
    if not name or "\x00" in name:
        raise ImportError_(f"{label}: an entry has an empty or invalid name; refused")
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        raise ImportError_(f"{label}: entry {name!r} has an absolute path; refused (zip slip)")
    if ".." in PurePosixPath(unified).parts:
        raise ImportError_(f"{label}: entry {name!r} climbs out of the archive with '..'; refused (zip slip)")


def is_zip(path: Path) -> bool:
    """Whether the file starts like a zip archive (local header, or an empty archive)."""
    try:
        with Path(path).open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror or exc}") from None
    return head in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def read_xml_file(path: Path) -> bytes:
    """A bare XML file's bytes (a .qdc or .qde), refused when missing, empty or over :data:`MAX_XML_BYTES`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_XML_BYTES:
            raise ImportError_(f"{path.name} is {size // 2**20} MiB, over the limit of {MAX_XML_BYTES // 2**20} MiB")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise ImportError_(f"{path.name} is empty")
    return data


def _parser() -> etree.XMLParser:
    return untrusted_parser(collect_ids=False)


_PROLOG_SKIP = re.compile(r"\s+|<\?.*?\?>|<!--.*?-->", re.DOTALL)


def _prolog_text(data: bytes) -> str:
    """The start of the document as text, whatever its encoding, for the DOCTYPE check."""
    head = data[:65536]
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


def looks_like_xml(data: bytes) -> bool:
    """Whether the bytes start like an XML document (in UTF-8 or UTF-16, BOM or not)."""
    return _prolog_text(data[:1024]).lstrip().startswith("<")


def refuse_doctype(data: bytes, label: str) -> None:
    """Refuse a document whose prolog holds a DOCTYPE (or any other markup declaration)."""
    text = _prolog_text(data)
    position = 0
    while True:
        match = _PROLOG_SKIP.match(text, position)
        if not match:
            break
        position = match.end()
    if text.startswith("<!", position):
        raise ImportError_(
            f"{label} has a DOCTYPE declaration; REFI-QDA files never need one, and it is refused "
            "(it could define entities that read local files or expand without end)"
        )


def parse_xml(data: bytes, label: str) -> etree._Element:
    """Parse untrusted XML into its root element (no DOCTYPE, no entities, no network)."""
    refuse_doctype(data, label)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ImportError_(f"{label} is not well-formed XML ({exc})") from None
    except (ValueError, etree.LxmlError) as exc:
        raise ImportError_(f"{label} cannot be parsed as XML ({exc})") from None
    if root is None:
        raise ImportError_(f"{label} holds no XML element")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ImportError_(f"{label} has a DOCTYPE declaration; refused")
    return root
