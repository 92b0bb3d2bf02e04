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
        return CoderPackage(
            coder_guid=str(raw["coder_guid"]),
            coder_name=str(raw["coder_name"]),
            coder_role=str(raw.get("coder_role", "")),
            exported_at=str(raw.get("exported_at", "")),
            software=str(raw.get("software", "")),
            sources=tuple(PackedSource(**s) for s in raw.get("sources", [])),
            codes=tuple(PackedCode(**c) for c in raw.get("codes", [])),
            segments=tuple(PackedSegment(**s) for s in raw.get("segments", [])),
        )
    except (KeyError, TypeError) as exc:
        raise InvalidInput(f"{Path(path).name} is a damaged coder package ({exc})") from exc
