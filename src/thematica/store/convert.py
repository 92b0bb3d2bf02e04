"""Rows to model objects, and typed attribute values to and from text."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Sequence

from sqlalchemy.engine import Row

from ..errors import InvalidInput
from ..model import (
    AttributeDef,
    AttributeType,
    AttributeValue,
    AuditEvent,
    Code,
    CodeOrigin,
    Coder,
    CoderKind,
    CodeStatus,
    Memo,
    MemoTarget,
    Phase,
    Role,
    Segment,
    Source,
    Theme,
    ThemeName,
    ThemeStatus,
    Turn,
)


def now() -> str:
    """The current UTC time as stored: ISO-8601 with microseconds."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def parse_time(value: str) -> dt.datetime:
    """A stored timestamp back as an aware datetime."""
    return dt.datetime.fromisoformat(value)


def coder(row: Row[Any]) -> Coder:
    return Coder(
        id=row.id, name=row.name, role=row.role, kind=CoderKind(row.kind), blind=bool(row.blind), recode_of=row.recode_of
    )


def source(row: Row[Any], turn_count: int = 0) -> Source:
    return Source(
        id=row.id,
        name=row.name,
        kind=row.kind,
        length=row.length,
        participant_id=row.participant_id,
        sha256=row.sha256,
        encoding=row.encoding,
        file_name=row.file_name,
        imported_at=parse_time(row.imported_at),
        turn_count=turn_count,
    )


def turn(row: Row[Any]) -> Turn:
    return Turn(
        id=row.id,
        source_id=row.source_id,
        index=row.idx,
        start=row.start,
        end=row.end,
        speaker=row.speaker,
        role=Role(row.role),
        participant_id=row.participant_id,
        begin=row.begin,
        end_time=row.end_time,
    )


def code(row: Row[Any]) -> Code:
    return Code(
        id=row.id,
        name=row.name,
        parent_id=row.parent_id,
        colour=row.colour,
        definition=row.definition,
        inclusion=row.inclusion,
        exclusion=row.exclusion,
        example=row.example,
        origin=CodeOrigin(row.origin),
        status=CodeStatus(row.status),
        deleted=bool(row.deleted),
    )


def segment(row: Row[Any]) -> Segment:
    return Segment(
        id=row.id,
        source_id=row.source_id,
        start=row.start,
        end=row.end,
        text=row.text,
        code_id=row.code_id,
        coder_id=row.coder_id,
        memo=row.memo,
        created_at=parse_time(row.created_at),
        provenance=row.provenance,
    )


def theme(row: Row[Any], code_ids: Sequence[int], quote_ids: Sequence[int]) -> Theme:
    return Theme(
        id=row.id,
        name=row.name,
        parent_id=row.parent_id,
        definition=row.definition,
        concept=row.concept,
        status=ThemeStatus(row.status),
        narrative=row.narrative,
        position=row.position,
        code_ids=tuple(code_ids),
        quote_ids=tuple(quote_ids),
        deleted=bool(row.deleted),
    )


def theme_name(row: Row[Any]) -> ThemeName:
    return ThemeName(theme_id=row.theme_id, name=row.name, at=parse_time(row.at), actor=row.actor, phase=Phase(row.phase))


def memo(row: Row[Any]) -> Memo:
    return Memo(
        id=row.id,
        target=MemoTarget(row.target),
        target_id=row.target_id,
        text=row.text,
        phase=Phase(row.phase),
        author=row.author,
        created_at=parse_time(row.created_at),
    )


def audit_event(row: Row[Any]) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=parse_time(row.at),
        actor=row.actor,
        phase=Phase(row.phase),
        operation=row.operation,
        summary=row.summary,
        details=json.loads(row.details),
        undone=row.undone_by is not None,
        undo_of=row.undo_of,
    )


def attribute_def(row: Row[Any]) -> AttributeDef:
    return AttributeDef(
        name=row.name, type=AttributeType(row.type), categories=tuple(json.loads(row.categories))
    )


def attribute_from_text(kind: AttributeType, value: str) -> AttributeValue:
    """Parse a stored or imported attribute value as its type."""
    if kind is AttributeType.NUMBER:
        try:
            return float(value)
        except ValueError:
            raise InvalidInput(f"{value!r} is not a number") from None
    if kind is AttributeType.DATE:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


def attribute_to_text(value: AttributeValue) -> str:
    """How an attribute value is stored."""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
