"""What a report is made from: plain values gathered by ``Project.report_input()``.

The report package never reads the project itself (it sits below
``project/``): everything it writes comes from a :class:`ReportInput`.
Participants appear only by their pseudonymous study id (e.g. "P03"), and
their attributes only in aggregate (:class:`AttributeSummary`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis.tables import Table


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted extract: the verbatim segment text, who said it (study id), where it is."""

    text: str
    participant: str | None
    source: str
    segment_id: int
    start: int
    end: int
    chosen: bool = False  # picked by the researcher (else chosen as representative)


@dataclass(frozen=True, slots=True)
class ThemeSection:
    """A theme (level 0) or subtheme (level 1, 2 ...) with what the findings need.

    ``participants`` / ``participants_total`` feed the prevalence phrasing;
    ``codes`` are the names of its codes; ``children`` its subthemes.
    """

    id: int
    name: str
    level: int
    definition: str
    concept: str
    narrative: str
    status: str
    participants: int
    participants_total: int
    sources: int
    segments: int
    codes: tuple[str, ...]
    quotes: tuple[Quote, ...]
    children: tuple[ThemeSection, ...] = ()
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CodebookEntry:
    """One code for the codebook appendix (depth 0 for top-level codes)."""

    name: str
    path: str
    depth: int
    origin: str
    definition: str
    inclusion: str
    exclusion: str
    example: str
    segments: int
    participants: int
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AttributeSummary:
    """One participant attribute in aggregate.

    For numbers: ``minimum``, ``maximum``, ``median``; for dates:
    ``earliest`` and ``latest`` (the report gives only their months); for
    categories and text: ``counts`` (value -> number of participants), with
    values held by fewer than ``min_cell`` participants merged by the caller's
    rules. ``missing`` counts participants without a value.
    """

    name: str
    kind: str  # "number", "date", "category" or "text"
    minimum: float | None = None
    maximum: float | None = None
    median: float | None = None
    counts: tuple[tuple[str, int], ...] = ()
    missing: int = 0
    earliest: dt.date | None = None
    latest: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CoderInfo:
    """A coder as the method paragraph describes them."""

    name: str
    role: str
    segments: int
    sources: int


@dataclass(frozen=True, slots=True)
class StudyFacts:
    """What the project knows about how the study was done (for the method paragraph and COREQ).

    ``durations_minutes`` come from timed transcripts (VTT/SRT), empty if none;
    ``new_codes_per_source`` is the saturation series in coding order;
    ``agreement`` holds ready-made sentences about inter-coder agreement (empty
    until the reliability module provides them).
    """

    sources: int
    participants: int
    source_kinds: tuple[tuple[str, int], ...]
    words: int
    coders: tuple[CoderInfo, ...]
    codes: int
    codes_by_origin: tuple[tuple[str, int], ...]
    code_depth: int
    themes: int
    subthemes: int
    durations_minutes: tuple[float, ...] = ()
    timed_sources: int = 0
    new_codes_per_source: tuple[tuple[str, int], ...] = ()
    agreement: tuple[str, ...] = ()
    #: sentences on codings the local assistant proposed (model, method) and the researcher accepted
    assistance: tuple[str, ...] = ()
    memos: int = 0
    journal_entries: int = 0
    phase: int = 1


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure file (PNG, with an SVG beside it when made) and its caption."""

    path: Path
    caption: str
    svg: Path | None = None


@dataclass(frozen=True, slots=True)
class ReportInput:
    """Everything one findings report is written from."""

    title: str
    research_question: str
    software: str
    generated_at: dt.datetime
    facts: StudyFacts
    participants: tuple[AttributeSummary, ...]
    themes: tuple[ThemeSection, ...]
    codebook: tuple[CodebookEntry, ...]
    coreq_answers: dict[int, str] = field(default_factory=dict)  # researcher's stored answers
    settings: dict[str, str] = field(default_factory=dict)  # project settings (setting, interviewer ...)
    tables: tuple[Table, ...] = ()  # extra tables (e.g. the participant x theme coverage, counts only)
    figures: tuple[Figure, ...] = ()
