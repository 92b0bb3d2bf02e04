"""Reads and writes of local assistance: the embedding cache and code suggestions.

Embeddings are derived data, like the full-text index: they are written in
their own transaction without an audit event (nothing a researcher did), and
are rebuilt from the text whenever a unit's text changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from . import schema
from .journal import Writer

_CHUNK = 500


@dataclass(frozen=True)
class Suggestion:
    """A code proposed for a unit: where, which code, how sure, why (coded examples), and who proposed it."""

    id: int
    source_id: int
    start: int
    end: int
    code_id: int
    confidence: float
    informativeness: float
    examples: tuple[int, ...]
    provenance: dict[str, Any]
    status: str
    segment_id: int | None
    created_at: str


def cached_units(conn: Connection, model: str, kind: str) -> dict[tuple[int, int, int], tuple[int, str]]:
    """(source, start, end) -> (embedding id, text sha) of every cached unit."""
    t = schema.embedding
    rows = conn.execute(
        select(t.c.id, t.c.source_id, t.c.start, t.c.end, t.c.text_sha).where(t.c.model == model, t.c.kind == kind)
    )
    return {(r.source_id, r.start, r.end): (r.id, r.text_sha) for r in rows}


def unit_stamp(conn: Connection, model: str, kind: str) -> tuple[Any, ...]:
    """What changes when units or their vectors change: cached vectors, passages, turns, de-identification."""
    row = conn.exec_driver_sql(
        "SELECT (SELECT count(*) FROM embedding WHERE model = ? AND kind = ?),"
        " (SELECT coalesce(max(id), 0) FROM embedding WHERE model = ? AND kind = ?),"
        " (SELECT count(*) FROM passage), (SELECT coalesce(max(id), 0) FROM passage),"
        " (SELECT count(*) FROM turn), (SELECT coalesce(max(deidentified_at), '') FROM source),"
        " (SELECT count(*) FROM source)",
        (model, kind, model, kind),
    ).one()
    if kind == "segment":  # coded spans change with every coding
        row = (*row, *conn.exec_driver_sql("SELECT count(*), coalesce(max(id), 0) FROM segment").one())
    return tuple(row)


def vectors(conn: Connection, model: str, kind: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3) int64 array of (source, start, end) and the (n, dim) float32 matrix, in text order."""
    raw: Any = conn.connection.driver_connection
    rows = raw.execute(
        'SELECT source_id, start, "end", vector FROM embedding WHERE model = ? AND kind = ? ORDER BY source_id, start',
        (model, kind),
    ).fetchall()
    keys = np.array([r[:3] for r in rows], dtype=np.int64).reshape(-1, 3)
    matrix = np.frombuffer(b"".join(r[3] for r in rows), dtype=np.float32).reshape(-1, dim) if rows else np.zeros((0, dim), np.float32)
    return keys, matrix


def store_vectors(w: Writer, model: str, kind: str, units: Sequence[tuple[int, int, int, str]], matrix: np.ndarray) -> None:
    """Cache vectors of units given as (source, start, end, text sha)."""
    rows = [
        (model, kind, s, a, b, sha, np.ascontiguousarray(matrix[i], dtype=np.float32).tobytes())
        for i, (s, a, b, sha) in enumerate(units)
    ]
    w.conn.exec_driver_sql(
        'INSERT INTO embedding (model, kind, source_id, start, "end", text_sha, vector) VALUES (?, ?, ?, ?, ?, ?, ?)', rows
    )
    w.touched.add("embedding")


def drop_vectors(w: Writer, ids: Iterable[int]) -> None:
    """Forget cached vectors (their unit's text changed or is gone)."""
    t = schema.embedding
    ids = list(ids)
    for lo in range(0, len(ids), _CHUNK):
        w.conn.execute(delete(t).where(t.c.id.in_(ids[lo : lo + _CHUNK])))
    w.touched.add("embedding")


def suggestions(conn: Connection, *, status: str | None = "open", limit: int | None = None) -> list[Suggestion]:
    """Suggestions, most informative first."""
    t = schema.suggestion
    query = select(t).order_by(t.c.informativeness.desc(), t.c.id)
    if status is not None:
        query = query.where(t.c.status == status)
    if limit is not None:
        query = query.limit(limit)
    return [_suggestion(r) for r in conn.execute(query)]


def suggestion(conn: Connection, suggestion_id: int) -> Suggestion | None:
    """One suggestion by id."""
    t = schema.suggestion
    row = conn.execute(select(t).where(t.c.id == suggestion_id)).first()
    return _suggestion(row) if row else None


def _suggestion(r: Any) -> Suggestion:
    return Suggestion(
        r.id, r.source_id, r.start, r.end, r.code_id, r.confidence, r.informativeness,
        tuple(json.loads(r.examples)), json.loads(r.provenance), r.status, r.segment_id, r.created_at,
    )


def segment_provenance(conn: Connection) -> dict[int, dict[str, Any]]:
    """segment id -> provenance, for the segments that have one (the assistant's, and accepted suggestions)."""
    t = schema.segment
    rows = conn.execute(select(t.c.id, t.c.provenance).where(t.c.provenance.is_not(None)))
    return {r.id: json.loads(r.provenance) for r in rows}


def segment_spans(conn: Connection, coder_ids: Sequence[int] | None) -> list[tuple[int, int, int]]:
    """(source, start, end) of every segment of live codes (of these coders), as plain tuples."""
    raw: Any = conn.connection.driver_connection
    sql = ('SELECT g.source_id, g.start, g."end" FROM segment g JOIN code c ON c.id = g.code_id AND c.deleted = 0'
           + ("" if coder_ids is None else f" WHERE g.coder_id IN ({','.join('?' * len(coder_ids))})"))
    return raw.execute(sql, tuple(coder_ids or ())).fetchall()  # type: ignore[no-any-return]


def passage_spans(conn: Connection) -> list[tuple[int, int, int]]:
    """(source, start, end) of every full-text passage, in text order."""
    rows = conn.exec_driver_sql("SELECT source_id, start, start + length FROM passage ORDER BY source_id, start")
    return [(int(a), int(b), int(c)) for a, b, c in rows]


def rescore(w: Writer, scores: Iterable[tuple[int, float, float]]) -> None:
    """Set (suggestion id, confidence, informativeness) after a refit (derived data: not recorded for undo)."""
    w.conn.exec_driver_sql(
        "UPDATE suggestion SET confidence = ?, informativeness = ? WHERE id = ?",
        [(p, info, sid) for sid, p, info in scores],
    )
    w.touched.add("suggestion")
