"""The ``thematica:data`` note: what REFI-QDA has no element for, as JSON, so thematica re-imports its own files exactly.

The note is a normal ``Note`` (named :data:`~.names.DATA_NOTE_NAME`) whose
``PlainTextContent`` is one JSON object, keyed by the GUIDs the XML uses. Its
layout is described field by field in ``docs/refi.md``. A reader trusts it only
when ``Project@origin`` starts with "thematica": any other tool that re-exports
the project writes its own origin, and the note may then be stale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..snapshot import Snapshot
from .names import DATA_FORMAT


@dataclass(slots=True)
class NoteLinks:
    """How the writer placed what it wrote: which notes are which, where originals went, what it had to alter."""

    offsets: str = "codepoints"
    memo_notes: list[str] = field(default_factory=list)  # one note GUID per snapshot memo, in order
    segment_memos: dict[str, str] = field(default_factory=dict)  # segment GUID -> note GUID
    narratives: dict[str, str] = field(default_factory=dict)  # theme GUID -> note GUID
    originals: dict[str, str] = field(default_factory=dict)  # source GUID -> internal:// path of the original file
    raw: dict[str, dict[str, str]] = field(default_factory=dict)  # GUID -> {field: exact value the XML could not hold}


def data_document(snapshot: Snapshot, links: NoteLinks) -> dict[str, Any]:
    """The JSON object of the data note (plain values only; key order fixed)."""
    return {
        "format": DATA_FORMAT,
        "origin": snapshot.origin,
        "offsets": links.offsets,
        "settings": [list(pair) for pair in snapshot.settings],
        "coders": {c.guid: {"role": c.role, "kind": c.kind} for c in snapshot.coders},
        "attributes": [{"name": a.name, "type": a.type, "categories": list(a.categories)} for a in snapshot.attributes],
        "participants": {p.guid: [list(pair) for pair in p.attributes] for p in snapshot.participants},
        "sources": {
            s.guid: {
                "kind": s.kind,
                "file_name": s.file_name,
                "original": links.originals.get(s.guid),
                "participant": s.participant_guid,
                "turns": [list(turn) for turn in s.turns],
            }
            for s in snapshot.sources
        },
        "codes": {
            c.guid: {
                "parent": c.parent_guid, "colour": c.colour, "definition": c.definition, "inclusion": c.inclusion,
                "exclusion": c.exclusion, "example": c.example, "origin": c.origin, "status": c.status,
            }
            for c in snapshot.codes
        },
        "segments": {s.guid: {"created_at": s.created_at, **({"provenance": s.provenance} if s.provenance else {})}
                     for s in snapshot.segments},
        "segment_memos": dict(links.segment_memos),
        "memos": [
            {"note": note, "target": m.target, "target_guid": m.target_guid, "phase": m.phase, "author": m.author,
             "created_at": m.created_at}
            for note, m in zip(links.memo_notes, snapshot.memos)
        ],
        "themes": [
            {"guid": t.guid, "parent": t.parent_guid, "definition": t.definition, "concept": t.concept,
             "status": t.status, "narrative": t.narrative, "narrative_note": links.narratives.get(t.guid),
             "codes": list(t.code_guids), "quotes": list(t.quote_guids)}
            for t in snapshot.themes
        ],
        "raw": {guid: dict(fields) for guid, fields in links.raw.items()},
    }


def dumps(document: dict[str, Any]) -> str:
    """The note's text: compact JSON, ASCII only (so no character can be illegal in XML), stable order."""
    return json.dumps(document, ensure_ascii=True, separators=(",", ":"))


def loads(text: str) -> dict[str, Any] | None:
    """The data note's JSON object, or None when ``text`` is not a thematica data note of a known format."""
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or document.get("format") != DATA_FORMAT:
        return None
    return document
