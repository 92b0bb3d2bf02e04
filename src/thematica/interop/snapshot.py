"""A project as plain values: what every exchange format writes and every importer returns.

``Project.snapshot()`` gathers one; ``Project.load_snapshot()`` adds one to a
project in a single transaction. Formats (REFI-QDA, JSON Lines, tables) only
translate between a snapshot and their files: they never touch a project.
Objects that travel carry GUIDs; offsets are code points into ``SourceData.text``.
"""

from __future__ import annotations

import json

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CoderData:
    """A coder (REFI ``User``)."""

    guid: str
    name: str
    role: str = ""
    kind: str = "person"


@dataclass(frozen=True, slots=True)
class AttributeData:
    """A participant attribute definition (REFI ``Variable``): name, type, categories."""

    name: str
    type: str  # text, number, date, category
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ParticipantData:
    """A participant (REFI ``Case``) and its attribute values as text."""

    guid: str
    key: str
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SourceData:
    """A text source: canonical text, the original file's bytes, who it belongs to."""

    guid: str
    name: str
    kind: str
    text: str
    original: bytes = b""
    file_name: str = ""
    participant_guid: str | None = None
    #: (start, end, speaker, role, participant guid, begin seconds, end seconds)
    turns: tuple[tuple[int, int, str, str, str | None, float | None, float | None], ...] = ()


@dataclass(frozen=True, slots=True)
class CodeData:
    """A code (REFI ``Code``)."""

    guid: str
    name: str
    parent_guid: str | None = None
    colour: str = ""
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    origin: str = "inductive"
    status: str = "active"


@dataclass(frozen=True, slots=True)
class SegmentData:
    """A coded span (REFI ``PlainTextSelection`` with one ``Coding``)."""

    guid: str
    source_guid: str
    code_guid: str
    coder_guid: str
    start: int
    end: int
    text: str
    memo: str = ""
    created_at: str = ""
    #: JSON of who proposed the coding (the local assistant: model, method, time) and who accepted it; "" if nobody
    provenance: str = ""


@dataclass(frozen=True, slots=True)
class MemoData:
    """A memo (REFI ``Note``) on the project, a source, a code, a segment, or the journal."""

    target: str  # project, source, code, segment, journal
    target_guid: str | None
    text: str
    phase: int
    author: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ThemeData:
    """A theme (carried in REFI as a ``Set`` of its codes plus a note)."""

    guid: str
    name: str
    parent_guid: str | None = None
    definition: str = ""
    concept: str = ""
    status: str = "candidate"
    narrative: str = ""
    code_guids: tuple[str, ...] = ()
    quote_guids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything a project holds that travels between tools."""

    name: str
    origin: str = ""
    settings: tuple[tuple[str, str], ...] = ()
    coders: tuple[CoderData, ...] = ()
    attributes: tuple[AttributeData, ...] = ()
    participants: tuple[ParticipantData, ...] = ()
    sources: tuple[SourceData, ...] = ()
    codes: tuple[CodeData, ...] = ()
    segments: tuple[SegmentData, ...] = ()
    memos: tuple[MemoData, ...] = ()
    themes: tuple[ThemeData, ...] = ()
    notes: tuple[str, ...] = field(default=())  # what an importer could not carry over, said plainly


def describe_provenance(provenance: str) -> str:
    """One sentence on who proposed a coding (model, method, when) and who accepted it, from its provenance JSON."""
    try:
        data = json.loads(provenance)
    except ValueError:
        return provenance
    if not isinstance(data, dict):
        return provenance
    model = data.get("model") if isinstance(data.get("model"), dict) else {}
    what = model.get("model", "a local model")
    sha = str(model.get("model_sha256", ""))[:12]
    sentence = (f"Proposed by the local assistant {data.get('proposed_by', '')} ({what}"
                f"{', sha256 ' + sha if sha else ''}; method {data.get('method', '?')}) on {str(data.get('at', ''))[:10]}")
    if data.get("confidence") is not None:
        sentence += f", confidence {float(data['confidence']):.2f}"
    if data.get("accepted_by"):
        sentence += f"; accepted by {data['accepted_by']} on {str(data.get('accepted_at', ''))[:10]}"
    return sentence + "."
