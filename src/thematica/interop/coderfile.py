"""A coder package: one coder's work, to send away blind and merge back.

A JSON file (``*.thematica-coder.json``) holding the coder, the sources
they coded (identified by the SHA-256 of their canonical text, so the file
finds them in any copy of the project), the codes they used (GUID, name and
definition) and their segments (GUID, offsets and text, so every segment is
verified on merge).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InvalidInput

FORMAT = "thematica-coder/1"


@dataclass(frozen=True, slots=True)
class PackedSource:
    """A source as the package names it."""

    name: str
    text_sha256: str
    length: int


@dataclass(frozen=True, slots=True)
class PackedCode:
    """A code the coder used (with its parent's GUID, so the tree can be rebuilt)."""

    guid: str
    name: str
    parent_guid: str | None = None
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    origin: str = "inductive"
    colour: str = ""


@dataclass(frozen=True, slots=True)
class PackedSegment:
    """One segment: where (by text hash and offsets), which code, the text it must match."""

    guid: str
    source_sha256: str
    code_guid: str
    start: int
    end: int
    text: str
    memo: str = ""
    created_at: str = ""


@dataclass(frozen=True, slots=True)
class CoderPackage:
    """Everything one coder did, as exported."""

    coder_guid: str
    coder_name: str
    coder_role: str
    exported_at: str
    software: str
    sources: tuple[PackedSource, ...] = ()
    codes: tuple[PackedCode, ...] = ()
    segments: tuple[PackedSegment, ...] = ()
    format: str = field(default=FORMAT)


def write(package: CoderPackage, path: Path) -> Path:
    """Write a package as JSON (UTF-8, stable key order)."""
    Path(path).write_text(json.dumps(asdict(package), ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    return Path(path)


def read(path: Path) -> CoderPackage:
    """Read and check a package; any problem is one clear InvalidInput."""
    try:
        raw: Any = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"{Path(path).name} is not a thematica coder package (not JSON)") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise InvalidInput(f"{Path(path).name} is not a thematica coder package ({FORMAT})")
    try:
        package = CoderPackage(
            coder_guid=str(raw["coder_guid"]),
            coder_name=str(raw["coder_name"]),
            coder_role=str(raw.get("coder_role", "")),
            exported_at=str(raw.get("exported_at", "")),
            software=str(raw.get("software", "")),
            sources=tuple(PackedSource(**s) for s in raw.get("sources", [])),
            codes=tuple(PackedCode(**c) for c in raw.get("codes", [])),
            segments=tuple(PackedSegment(**s) for s in raw.get("segments", [])),
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"{Path(path).name} is a damaged coder package ({exc})") from exc
    problem = _check(package)
    if problem:
        raise InvalidInput(f"{Path(path).name} is a damaged coder package ({problem})")
    return package


def _check(package: CoderPackage) -> str | None:
    """What is wrong with a package's fields, or None: types, spans, and every reference resolved."""
    if not package.coder_name.strip() or not package.coder_guid.strip():
        return "the coder has no name or GUID"
    guids = set()
    for code in package.codes:
        if not all(isinstance(v, str) for v in (code.guid, code.name, code.origin)) or not code.name.strip():
            return f"code {code.guid!r} has no proper name"
        if code.parent_guid is not None and not isinstance(code.parent_guid, str):
            return f"code {code.name!r} has a malformed parent"
        guids.add(code.guid)
    for seg in package.segments:
        if not all(isinstance(v, str) for v in (seg.guid, seg.source_sha256, seg.code_guid, seg.text, seg.memo)):
            return f"segment {seg.guid!r} has malformed fields"
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (seg.start, seg.end)):
            return f"segment {seg.guid!r} has offsets that are not whole numbers"
        if not 0 <= seg.start < seg.end or len(seg.text) != seg.end - seg.start:
            return f"segment {seg.guid!r} spans {seg.start}..{seg.end}, which does not fit its text"
        if seg.code_guid not in guids:
            return f"segment {seg.guid!r} uses a code the package does not describe"
    return None
