"""Domain values: what a thematic-analysis project is made of.

All are frozen dataclasses or enums. They carry no behaviour that touches
storage; ``store/`` builds them, ``Project`` hands them out.
Offsets are code-point indices into a source's canonical text (see ``text``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any


class Phase(IntEnum):
    """Braun & Clarke's six phases of reflexive thematic analysis."""

    FAMILIARISE = 1
    GENERATE_CODES = 2
    SEARCH_THEMES = 3
    REVIEW_THEMES = 4
    DEFINE_THEMES = 5
    REPORT = 6

    @property
    def label(self) -> str:
        """Human name of the phase, as papers write it."""
        return _PHASE_LABELS[self]


_PHASE_LABELS = {
    Phase.FAMILIARISE: "familiarisation with the data",
    Phase.GENERATE_CODES: "generating initial codes",
    Phase.SEARCH_THEMES: "searching for themes",
    Phase.REVIEW_THEMES: "reviewing themes",
    Phase.DEFINE_THEMES: "defining and naming themes",
    Phase.REPORT: "producing the report",
}


class Role(str, Enum):
    """Who is speaking in a turn."""

    INTERVIEWER = "interviewer"
    PARTICIPANT = "participant"
    OTHER = "other"


class CodeOrigin(str, Enum):
    """Where a code came from."""

    DEDUCTIVE = "deductive"
    INDUCTIVE = "inductive"
    IN_VIVO = "in-vivo"


class CodeStatus(str, Enum):
    """How settled a code is."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class ThemeStatus(str, Enum):
    """How far a theme has come: candidate (phase 3) -> reviewed (4) -> defined (5) -> final (6)."""

    CANDIDATE = "candidate"
    REVIEWED = "reviewed"
    DEFINED = "defined"
    FINAL = "final"


class AttributeType(str, Enum):
    """The type of a participant attribute."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    CATEGORY = "category"


class MemoTarget(str, Enum):
    """What a memo is attached to; ``JOURNAL`` is the reflexive journal."""

    PROJECT = "project"
    SOURCE = "source"
    CODE = "code"
    SEGMENT = "segment"
    JOURNAL = "journal"


AttributeValue = str | float | dt.date


class CoderKind(str, Enum):
    """A coder is a person, the consensus layer that resolving disagreements writes, or the local assistant."""

    PERSON = "person"
    CONSENSUS = "consensus"
    ASSISTANT = "assistant"


@dataclass(frozen=True, slots=True)
class Coder:
    """A person (or the consensus layer) who codes.

    Fields: ``id``; ``name`` (unique); ``role`` (free text, e.g. "peer
    researcher"); ``kind``; ``blind`` (sees only their own segments);
    ``recode_of`` (the coder whose earlier work this identity re-codes, for
    intra-coder consistency).
    """

    id: int
    name: str
    role: str = ""
    kind: CoderKind = CoderKind.PERSON
    blind: bool = False
    recode_of: int | None = None


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """A participant attribute: its ``name``, ``type`` and, for categories, the ``categories``."""

    name: str
    type: AttributeType
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Participant:
    """A case: one interviewee or respondent.

    Fields: ``id``; ``key`` (the study's id, e.g. "P03"); ``attributes``
    (attribute name -> typed value).
    """

    id: int
    key: str
    attributes: dict[str, AttributeValue] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Source:
    """One transcript or set of survey answers.

    Fields: ``id``; ``name`` (unique in the project); ``kind`` (the reader:
    "txt", "docx", "vtt" ...); ``length`` (code points of canonical text);
    ``participant_id`` (the interviewee, if one); ``sha256`` of the original
    bytes; ``encoding`` the bytes were decoded with; ``file_name`` as imported;
    ``imported_at``; ``turn_count``.
    """

    id: int
    name: str
    kind: str
    length: int
    participant_id: int | None
    sha256: str
    encoding: str | None
    file_name: str
    imported_at: dt.datetime
    turn_count: int = 0


@dataclass(frozen=True, slots=True)
class Turn:
    """A speaker turn: the span ``start..end`` of a source's text (label excluded).

    ``speaker`` is the label as written; ``role`` interviewer or participant;
    ``participant_id`` who it is, when known; ``begin``/``end_time`` in
    seconds for timed transcripts (VTT, SRT).
    """

    id: int
    source_id: int
    index: int
    start: int
    end: int
    speaker: str
    role: Role
    participant_id: int | None = None
    begin: float | None = None
    end_time: float | None = None


@dataclass(frozen=True, slots=True)
class Code:
    """A code in the codebook (a tree through ``parent_id``).

    ``definition``, ``inclusion``, ``exclusion``, ``example`` document when
    to apply it; ``origin`` deductive, inductive or in vivo; ``deleted``
    codes keep their segments and can be restored.
    """

    id: int
    name: str
    parent_id: int | None = None
    colour: str = ""
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    origin: CodeOrigin = CodeOrigin.INDUCTIVE
    status: CodeStatus = CodeStatus.ACTIVE
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Theme:
    """A theme or subtheme (a tree through ``parent_id``), built from codes.

    ``concept`` is the central organising concept; ``narrative`` the
    researcher's write-up for the report; ``code_ids`` the codes it is built
    from; ``quote_ids`` the key extracts the researcher chose (segment ids,
    in order); ``position`` orders siblings.
    """

    id: int
    name: str
    parent_id: int | None = None
    definition: str = ""
    concept: str = ""
    status: ThemeStatus = ThemeStatus.CANDIDATE
    narrative: str = ""
    position: int = 0
    code_ids: tuple[int, ...] = ()
    quote_ids: tuple[int, ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class ThemeName:
    """One entry of a theme's naming history: the name it took, when, by whom, in which phase."""

    theme_id: int
    name: str
    at: dt.datetime
    actor: str
    phase: Phase


@dataclass(frozen=True, slots=True)
class Segment:
    """A coded span: ``code_id`` applied by ``coder_id`` to ``source_id[start:end]``.

    ``text`` is the coded text, stored and checked against the source.
    """

    id: int
    source_id: int
    start: int
    end: int
    text: str
    code_id: int
    coder_id: int
    memo: str = ""
    created_at: dt.datetime | None = None
    #: JSON: who proposed this coding (the local assistant) and who accepted it; None for a researcher's own
    provenance: str | None = None


@dataclass(frozen=True, slots=True)
class Memo:
    """A memo on ``target`` (``target_id`` None for project and journal), stamped with the phase."""

    id: int
    target: MemoTarget
    target_id: int | None
    text: str
    phase: Phase
    author: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One committed change: who, when, in which phase, what.

    ``undone`` is true once a later ``undo`` reverted it; ``undo_of`` names
    the event an undo event reverted.
    """

    id: int
    at: dt.datetime
    actor: str
    phase: Phase
    operation: str
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    undone: bool = False
    undo_of: int | None = None


@dataclass(frozen=True, slots=True)
class Extract:
    """A segment as a reader sees it: with its code, coder, source, speaker and context."""

    segment: Segment
    code: str
    coder: str
    source: str
    participant: str | None
    speaker: str | None
    role: Role | None
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A full-text search match: where it is and a snippet with the match in ``[...]``."""

    source_id: int
    source: str
    start: int
    end: int
    snippet: str
    score: float


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """Counts that say where a project stands."""

    name: str
    phase: Phase
    sources: int
    participants: int
    turns: int
    codes: int
    segments_by_coder: dict[str, int]
    top_codes: list[tuple[str, int]]
    memos: int
    journal_entries: int


@dataclass(frozen=True, slots=True)
class Identifier:
    """A real identifier in the de-identification register and its pseudonym.

    Fields: ``id``; ``guid``; ``category`` ("person", "place", ...);
    ``value`` (the real identifier; None once the key was removed);
    ``variants`` (other spellings, nicknames, parts of the name);
    ``replacement`` (the pseudonym every occurrence becomes).
    """

    id: int
    guid: str
    category: str
    value: str | None
    variants: tuple[str, ...]
    replacement: str

    @property
    def terms(self) -> tuple[str, ...]:
        """Every spelling to look for (empty once the key was removed)."""
        return ((self.value,) if self.value else ()) + self.variants


@dataclass(frozen=True, slots=True)
class DeidCandidate:
    """A possible identifier a scan found in a source, and the researcher's decision.

    ``status`` is "pending", "accepted" or "rejected"; ``identifier_id`` links
    an accepted candidate to its register entry (None: replaced generically).
    """

    id: int
    source_id: int
    start: int
    end: int
    text: str
    category: str
    detector: str
    confidence: float
    status: str
    identifier_id: int | None
