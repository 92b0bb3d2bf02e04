"""Write REFI-QDA files: a project (``.qdpx``) or a codebook (``.qdc``) from a Snapshot; check them against the schemas.

* :func:`write_qdpx`: a zip holding ``project.qde`` at its root and the plain
  text of every source (UTF-8, no BOM, ``\\n`` newlines) as
  ``sources/<source guid>.txt``, plus original files that are more than that
  text. Selections count Unicode code points (REFI-QDA §10.2) unless
  ``offsets="utf16"`` is asked for (what NVivo reads).
* :func:`write_qdc`: the codebook alone; themes become ``Set``s.
* :func:`validate`: schema errors of a document (an empty list means valid).

Output is deterministic: the same snapshot gives byte-identical files (fixed
zip timestamps, sorted entries, stable element order). ``docs/refi.md`` maps
every thematica concept to REFI-QDA.
"""

from __future__ import annotations

import functools
import os
import zipfile
from pathlib import Path
from typing import Literal

from lxml import etree

from ...errors import InvalidInput, ThematicaError
from ..snapshot import CodeData, Snapshot
from .names import (
    CODEBOOK_NS,
    CODEBOOK_SCHEMA_LOCATION,
    CODEBOOK_XSD,
    ORIGIN_PREFIX,
    PROJECT_ENTRY,
    PROJECT_XSD,
    SOURCES_DIR,
    XSI_NS,
    code_description,
    theme_description,
)
from .project_xml import build_project, rgb, xml_text

_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def project_bytes(snapshot: Snapshot, offsets: Literal["codepoints", "utf16"] = "codepoints") -> tuple[bytes, dict[str, bytes]]:
    """The ``project.qde`` document and the internal files (name in ``sources/`` -> bytes), without writing anything."""
    root, files = build_project(snapshot, offsets)
    return _serialise(root), files


def write_qdpx(snapshot: Snapshot, path: Path, *, offsets: Literal["codepoints", "utf16"] = "codepoints") -> Path:
    """Write ``snapshot`` as a REFI-QDA project exchange file; returns ``path``.

    ``offsets`` is the unit of ``startPosition``/``endPosition``: Unicode code
    points (the standard's, and the default) or UTF-16 code units (NVivo's).
    The file is written to a temporary name and moved into place, so a failed
    export never leaves half a file.
    """
    qde, files = project_bytes(snapshot, offsets)
    problems = validate(qde, "project")
    if problems:  # a bug in this writer, never the user's doing; refuse rather than write a bad file
        raise ThematicaError(f"the REFI-QDA export does not validate against Project.xsd: {problems[0]}")
    entries = [(PROJECT_ENTRY, qde)] + [(f"{SOURCES_DIR}/{name}", files[name]) for name in sorted(files)]
    return _atomic_write(Path(path), lambda handle: _write_zip(handle, entries))


def codebook_bytes(snapshot: Snapshot) -> bytes:
    """The ``.qdc`` document for ``snapshot``'s codebook (codes, and themes as sets)."""
    if not snapshot.codes:
        raise InvalidInput("the codebook has no codes; a REFI-QDA codebook needs at least one")
    q = f"{{{CODEBOOK_NS}}}"
    origin = snapshot.origin if snapshot.origin.startswith(ORIGIN_PREFIX) else ORIGIN_PREFIX
    root = etree.Element(q + "CodeBook", origin=xml_text(origin), nsmap={None: CODEBOOK_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", CODEBOOK_SCHEMA_LOCATION)
    known = {c.guid for c in snapshot.codes}
    children: dict[str | None, list[CodeData]] = {}
    for c in snapshot.codes:
        children.setdefault(c.parent_guid if c.parent_guid in known else None, []).append(c)
    seen: set[str] = set()

    def add(parent: etree._Element, code: CodeData) -> None:
        seen.add(code.guid)
        node = etree.SubElement(parent, q + "Code", guid=code.guid, name=xml_text(code.name), isCodable="true")
        if colour := rgb(code.colour):
            node.set("color", colour)
        if description := code_description(code.definition, code.inclusion, code.exclusion, code.example):
            etree.SubElement(node, q + "Description").text = xml_text(description)
        for child in children.get(code.guid, ()):
            add(node, child)

    codes = etree.SubElement(root, q + "Codes")
    for code in children.get(None, ()):
        add(codes, code)
    if len(seen) != len(snapshot.codes):
        raise InvalidInput("the codes' parents form a cycle; cannot export the codebook")
    if snapshot.themes:
        names = {t.guid: t.name for t in snapshot.themes}
        sets = etree.SubElement(root, q + "Sets")
        for theme in snapshot.themes:
            node = etree.SubElement(sets, q + "Set", guid=theme.guid, name=xml_text(theme.name))
            description = theme_description(theme.definition, theme.concept, theme.status,
                                            names.get(theme.parent_guid or "", ""), theme.narrative)
            if description:
                etree.SubElement(node, q + "Description").text = xml_text(description)
            for guid in dict.fromkeys(theme.code_guids):
                if guid in known:
                    etree.SubElement(node, q + "MemberCode", guid=guid)
    return _serialise(root)


def write_qdc(snapshot: Snapshot, path: Path) -> Path:
    """Write ``snapshot``'s codebook as a REFI-QDA codebook exchange file (``.qdc``); returns ``path``."""
    data = codebook_bytes(snapshot)
    problems = validate(data, "codebook")
    if problems:
        raise ThematicaError(f"the REFI-QDA codebook does not validate against Codebook.xsd: {problems[0]}")
    return _atomic_write(Path(path), lambda handle: handle.write(data))


def validate(xml_bytes: bytes, kind: Literal["project", "codebook"] = "project") -> list[str]:
    """Problems found validating ``xml_bytes`` against the packaged Project.xsd or Codebook.xsd; [] when valid."""
    if kind not in ("project", "codebook"):
        raise InvalidInput(f"unknown REFI-QDA document kind {kind!r}; use 'project' or 'codebook'")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)
    try:
        document = etree.fromstring(xml_bytes, parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    schema = _schema(kind)
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


@functools.lru_cache(maxsize=2)
def _schema(kind: str) -> etree.XMLSchema:
    path = PROJECT_XSD if kind == "project" else CODEBOOK_XSD
    return etree.XMLSchema(etree.parse(str(path)))


def _serialise(root: etree._Element) -> bytes:
    return _DECLARATION + etree.tostring(root, encoding="utf-8", xml_declaration=False, pretty_print=True)


def _write_zip(handle: object, entries: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(handle, "w") as archive:  # type: ignore[call-overload]
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            archive.writestr(info, data, compresslevel=6)


def _atomic_write(path: Path, write: object) -> Path:
    """Run ``write(handle)`` on a temporary file beside ``path``, then move it into place."""
    if not path.parent.is_dir():
        raise InvalidInput(f"folder {path.parent} does not exist")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder; give a file name")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            write(handle)  # type: ignore[operator]
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path
