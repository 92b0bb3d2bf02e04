"""The inside of a .qdpx: which entry is the project XML, where a path attribute points, how a text file decodes.

Producers differ (see the fixtures' SPEC): the XML may be ``<project name>.qde``,
the folder ``sources/`` or ``Sources/``, a path ``internal://x``, ``internal:/x``,
``internal:///x`` or ``x``. Entries were checked by :class:`.safety.SafeArchive`.
"""

from __future__ import annotations

import codecs
from pathlib import PurePosixPath

from ...errors import ImportError_
from .safety import SafeArchive


def find_qde(archive: SafeArchive) -> str:
    """The one project XML in an archive: ``project.qde`` or the only ``*.qde`` (at the root, else anywhere)."""
    qdes = [n for n in archive.names() if n.lower().endswith(".qde") and not PurePosixPath(n).name.startswith(".")]
    top = [n for n in qdes if "/" not in n.replace("\\", "/")]
    for group in (top, qdes):
        named = [n for n in group if PurePosixPath(n).name.lower() == "project.qde"]
        if len(named) == 1:
            return named[0]
        if len(group) == 1:
            return group[0]
        if len(group) > 1:
            raise ImportError_(f"{archive.label} holds {len(group)} .qde files ({', '.join(sorted(group)[:5])}); expected one")
    raise ImportError_(f"{archive.label} holds no .qde project file; it is not a REFI-QDA project (.qdpx)")


class Files:
    """The files inside an archive, found the way producers name them (internal://, sources/ or Sources/, no scheme)."""

    def __init__(self, archive: SafeArchive, qde: str) -> None:
        self.archive = archive
        folder = str(PurePosixPath(qde.replace("\\", "/")).parent)
        self.base = "" if folder == "." else folder + "/"
        self.lookup = {n.replace("\\", "/").casefold(): n for n in archive.names()}

    def resolve(self, reference: str) -> tuple[str | None, str]:
        """The entry a path attribute means, or (None, why not)."""
        ref = reference.strip().replace("\\", "/")
        if not ref:
            return None, "no path"
        scheme, sep, rest = ref.partition(":")
        if sep and scheme.casefold() == "internal":
            ref = rest.lstrip("/")
        elif sep and (len(scheme) > 1 and rest.startswith("/")):
            return None, f"it is an external file ({reference}), which thematica does not read"
        ref = ref.lstrip("./") if ref.startswith("./") else ref
        for candidate in (f"{self.base}sources/{ref}", f"{self.base}{ref}", ref):
            found = self.lookup.get(candidate.casefold())
            if found is not None:
                return found, ""
        return None, f"the archive has no file {reference}"

    def read(self, reference: str) -> tuple[bytes | None, str, str]:
        """(bytes, entry name, why not)."""
        entry, why = self.resolve(reference)
        if entry is None:
            return None, "", why
        return self.archive.read(entry), entry, ""


def decode_raw(data: bytes) -> tuple[str, bool, str]:
    """Bytes as the text a producer counted over: (text, had a BOM, note). Newlines and NFC untouched."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), True, ""
            except UnicodeDecodeError:
                return data[len(bom) :].decode(codec, errors="replace"), True, f"not valid {codec}; bad bytes replaced"
    try:
        return data.decode("utf-8"), False, ""
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), False, "not UTF-8 as REFI-QDA requires; read as Windows-1252"
