"""What every reader returns: canonical text, speaker turns and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Role


@dataclass(frozen=True, slots=True)
class TurnSpan:
    """A speaker turn found by a reader: ``text[start:end]`` is what was said.

    The span excludes the speaker label ("Interviewer:") and surrounding
    whitespace. ``participant_key`` is set when the label itself names a
    participant (e.g. "P03"); ``begin``/``end_time`` are seconds, for timed
    formats.
    """

    start: int
    end: int
    speaker: str
    role: Role
    participant_key: str | None = None
    begin: float | None = None
    end_time: float | None = None


@dataclass(frozen=True, slots=True)
class ReadDocument:
    """One file read into a source.

    ``text`` is canonical (see ``thematica.text``); ``turns`` are sorted and
    do not overlap; ``original`` holds the file's bytes for provenance;
    ``encoding`` is set for formats decoded from bytes by thematica.
    """

    name: str
    kind: str
    text: str
    turns: tuple[TurnSpan, ...]
    original: bytes
    file_name: str
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class SurveyMapping:
    """Which columns of a survey table mean what.

    ``id_column`` holds the respondent id; each of ``text_columns`` (open
    answers) becomes one source whose turns are the answers; every column in
    ``attribute_columns`` becomes a participant attribute.
    """

    id_column: str
    text_columns: tuple[str, ...]
    attribute_columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SurveyData:
    """A survey read from CSV/XLSX: one document per answer column, and the respondents.

    ``respondents`` maps respondent id -> {attribute column: raw cell text}.
    """

    documents: tuple[ReadDocument, ...]
    respondents: dict[str, dict[str, str]] = field(default_factory=dict)
