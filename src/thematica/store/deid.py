"""Reads and writes of the de-identification tables (register, queue, versions).

Most writes go through the recording :class:`Writer`. The two that must not
be recorded (they would copy real identifiers into the undo history) are
:func:`overwrite` and :func:`scrub_history`, used only by irreversible
operations: purging originals and removing the re-identification key.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Connection

from ..model import DeidCandidate, Identifier
from . import schema
from .journal import Writer


def identifiers(conn: Connection) -> list[Identifier]:
    """The register, oldest entry first."""
    t = schema.identifier
    return [
        Identifier(r.id, r.guid, r.category, r.value, tuple(json.loads(r.variants)), r.replacement)
        for r in conn.execute(select(t).order_by(t.c.id))
    ]


def allow_terms(conn: Connection) -> list[str]:
    """Terms the researcher said are never identifiers."""
    t = schema.deid_allow
    return [r.term for r in conn.execute(select(t.c.term).order_by(t.c.term))]


def allow_term_id(conn: Connection, term: str) -> int | None:
    """The id of an allow-list term (compared case-insensitively)."""
    t = schema.deid_allow
    for r in conn.execute(select(t.c.id, t.c.term)):
        if r.term.casefold() == term.casefold():
            return int(r.id)
    return None


def candidates(
    conn: Connection, *, source_id: int | None = None, status: str | None = None
) -> list[DeidCandidate]:
    """Scan candidates in reading order, optionally of one source or one status."""
    t = schema.deid_candidate
    query = select(t).order_by(t.c.source_id, t.c.start, t.c.id)
    if source_id is not None:
        query = query.where(t.c.source_id == source_id)
    if status is not None:
        query = query.where(t.c.status == status)
    return [
        DeidCandidate(
            r.id, r.source_id, r.start, r.end, r.text, r.category, r.detector, r.confidence, r.status, r.identifier_id
        )
        for r in conn.execute(query)
    ]


def candidate_page(
    conn: Connection, *, source_id: int | None, status: str | None, limit: int | None, context: int
) -> list[tuple[DeidCandidate, str, str]]:
    """Candidates in reading order with ``context`` characters of text before and after each (cut in SQL)."""
    t, s = schema.deid_candidate, schema.source
    before = func.substr(s.c.text, func.max(t.c.start - context, 0) + 1, t.c.start - func.max(t.c.start - context, 0))
    after = func.substr(s.c.text, t.c.end + 1, context)
    query = select(t, before.label("before_text"), after.label("after_text")).join(s, s.c.id == t.c.source_id)
    query = query.order_by(t.c.source_id, t.c.start, t.c.id)
    if source_id is not None:
        query = query.where(t.c.source_id == source_id)
    if status is not None:
        query = query.where(t.c.status == status)
    if limit is not None:
        query = query.limit(limit)
    return [
        (DeidCandidate(r.id, r.source_id, r.start, r.end, r.text, r.category, r.detector, r.confidence, r.status,
                       r.identifier_id), r.before_text, r.after_text)
        for r in conn.execute(query)
    ]


def candidate_texts(conn: Connection, status: str | None) -> list[tuple[int, str, str]]:
    """(id, text, category) of candidates, for grouping by text."""
    where = "" if status is None else " WHERE status = ?"
    sql = f"SELECT id, text, category FROM deid_candidate{where} ORDER BY source_id, start, id"
    raw: Any = conn.connection.driver_connection
    cursor = raw.cursor()  # plain tuples: thousands of rows, nothing to map
    try:
        return cursor.execute(sql, (status,) if status is not None else ()).fetchall()  # type: ignore[no-any-return]
    finally:
        cursor.close()


def fingerprints(conn: Connection) -> set[str]:
    """Keyed hashes of identifiers whose real values were removed with the key."""
    return {r[0] for r in conn.execute(select(schema.deid_fingerprint.c.digest))}


def original_text(conn: Connection, source_id: int) -> str | None:
    """The text a source had before de-identification, if the researcher kept it."""
    t = schema.source_version
    return conn.execute(select(t.c.text).where(t.c.source_id == source_id, t.c.kind == "original")).scalar()


def overwrite(w: Writer, table: str, row_id: int, values: dict[str, Any]) -> None:
    """Update a row WITHOUT keeping its old values for undo (irreversible operations only)."""
    tbl = schema.TABLES[table]
    w.conn.execute(update(tbl).where(tbl.c.id == row_id).values(**values))
    w.touched.add(table)


def erase(w: Writer, table: str, where: Iterable[tuple[str, Any]] = ()) -> None:
    """Delete rows WITHOUT keeping them for undo (irreversible operations only)."""
    tbl = schema.TABLES[table]
    stmt = delete(tbl)
    for column, value in where:
        stmt = stmt.where(tbl.c[column] == value)
    w.conn.execute(stmt)
    w.touched.add(table)


def scrub_history(w: Writer, clean: Callable[[str], str]) -> int:
    """Drop the undo records of every earlier event and pass its summary and details through ``clean``.

    Returns how many events were rewritten. The events stay (who, when,
    what kind of change), so the trail is kept; what they quoted is cleaned.
    """
    a = schema.audit_event
    count = 0
    for row in w.conn.execute(select(a.c.id, a.c.summary, a.c.details, a.c.changes)).all():
        summary, details = clean(row.summary), clean(row.details)
        if summary != row.summary or details != row.details or row.changes != "[]":
            w.conn.execute(update(a).where(a.c.id == row.id).values(summary=summary, details=details, changes="[]"))
            count += 1
    return count


def reindex_fulltext(w: Writer) -> None:
    """Rebuild the full-text index from the current source texts (drops every old token)."""
    conn = w.conn
    conn.exec_driver_sql("INSERT INTO passage_fts (passage_fts) VALUES ('delete-all')")
    rows = conn.exec_driver_sql(
        "SELECT p.id, substr(s.text, p.start + 1, p.length) FROM passage p JOIN source s ON s.id = p.source_id"
    ).all()
    conn.exec_driver_sql("INSERT INTO passage_fts (rowid, body) VALUES (?, ?)", [tuple(r) for r in rows])
    conn.exec_driver_sql("INSERT INTO passage_fts (passage_fts) VALUES ('optimize')")


def resolution_spans(conn: Connection, source_id: int) -> list[tuple[int, int, int]]:
    """(id, start, end) of the resolved disagreements in a source."""
    t = schema.resolution
    return [(int(r.id), int(r.start), int(r.end)) for r in conn.execute(
        select(t.c.id, t.c.start, t.c.end).where(t.c.source_id == source_id))]


def deidentified_sources(conn: Connection) -> list[int]:
    """Ids of the sources whose text has been de-identified."""
    t = schema.source
    return [int(r[0]) for r in conn.execute(select(t.c.id).where(t.c.deidentified_at.is_not(None)))]


def replace_passages(w: Writer, source_id: int, passages: Iterable[tuple[int, str]]) -> None:
    """Cut a source's passages again from its new text (the full-text index is rebuilt afterwards)."""
    erase(w, "passage", [("source_id", source_id)])
    rows = list(passages)
    base = w.conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM passage").scalar() or 0
    w.conn.exec_driver_sql(
        "INSERT INTO passage (id, source_id, start, length) VALUES (?, ?, ?, ?)",
        [(base + 1 + i, source_id, start, len(body)) for i, (start, body) in enumerate(rows)],
    )


#: Free text a researcher writes, cleaned of register identifiers when de-identification is applied.
NOTE_COLUMNS = {
    "memo": ("text",), "segment": ("memo",), "theme": ("definition", "concept", "narrative"),
    "code": ("definition", "inclusion", "exclusion", "example"), "resolution": ("rationale",),
}


def clean_notes(w: Writer, clean: Callable[[str], str]) -> int:
    """Pass the researcher's free text (memos, narratives, definitions ...) through ``clean``; returns rows changed."""
    changed = 0
    for table, columns in NOTE_COLUMNS.items():
        tbl = schema.TABLES[table]
        for row in w.conn.execute(select(tbl.c.id, *(tbl.c[c] for c in columns))).all():
            values = {c: clean(row._mapping[c]) for c in columns if row._mapping[c]}
            values = {c: v for c, v in values.items() if v != row._mapping[c]}
            if values:
                overwrite(w, table, int(row.id), values)
                changed += 1
    return changed


def clear_original_file(w: Writer, source_id: int) -> None:
    """Forget a source's original file bytes: from now on its file is its (de-identified) text."""
    t = schema.source_file
    w.conn.execute(update(t).where(t.c.source_id == source_id).values(data=None))
    w.touched.add("source_file")
