"""Full-text search over source passages (SQLite FTS5).

A user's query is never passed to FTS5 as written: it is parsed into words,
"quoted phrases", prefix words ending in ``*`` and the keyword ``OR``, and
each term is re-quoted, so no input can be an FTS5 syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..errors import InvalidInput

_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_WORDCHARS = re.compile(r"[\w'’-]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class PassageHit:
    """A matching passage: its source, where it starts in the source text, its text and rank."""

    source_id: int
    start: int
    body: str
    score: float


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A user query as FTS5 syntax, plus the terms to highlight (lower-case; prefix terms end in *)."""

    match: str
    terms: tuple[str, ...]


def parse_query(query: str) -> ParsedQuery:
    """Turn a user's query into a safe FTS5 MATCH expression."""
    parts: list[str] = []
    terms: list[str] = []
    for phrase, word in _TOKEN.findall(query):
        if word == "OR" and parts and parts[-1] != "OR":
            parts.append("OR")
            continue
        raw = phrase if phrase else word
        prefix = bool(word) and word.endswith("*")
        cleaned = " ".join(_WORDCHARS.findall(raw))
        if not cleaned:
            continue
        parts.append('"' + cleaned.replace('"', '""') + '"' + ("*" if prefix else ""))
        terms.append(cleaned.lower() + ("*" if prefix else ""))
    while parts and parts[-1] == "OR":
        parts.pop()
    if not parts:
        raise InvalidInput(f"nothing to search for in {query!r}")
    return ParsedQuery(" ".join(parts), tuple(terms))


def add(conn: Connection, source_id: int, passages: Iterable[tuple[int, str]]) -> None:
    """Index a source's passages: (start offset in the source, passage text)."""
    rows = list(passages)
    if not rows:
        return
    # The write lock is held, so the next ids are ours: passage i gets base + i.
    base = conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM passage").scalar() or 0
    ids = range(base + 1, base + 1 + len(rows))
    # straight to the driver: thousands of rows, nothing for SQLAlchemy to add
    conn.exec_driver_sql(
        "INSERT INTO passage (id, source_id, start, length) VALUES (?, ?, ?, ?)",
        [(i, source_id, start, len(body)) for i, (start, body) in zip(ids, rows, strict=True)],
    )
    conn.exec_driver_sql(
        "INSERT INTO passage_fts (rowid, body) VALUES (?, ?)", [(i, body) for i, (_, body) in zip(ids, rows, strict=True)]
    )


# A passage counts as participants' speech if it overlaps a participant turn, or its source has no turns.
_PARTICIPANTS_ONLY = (
    " AND (EXISTS (SELECT 1 FROM turn t WHERE t.source_id = p.source_id AND t.role = 'participant'"
    " AND t.start < p.start + p.length AND t.\"end\" > p.start)"
    " OR NOT EXISTS (SELECT 1 FROM turn t WHERE t.source_id = p.source_id))"
)


def search(conn: Connection, query: str, limit: int, participants_only: bool = False) -> list[PassageHit]:
    """The passages that match ``query``, best (BM25) first."""
    parsed = parse_query(query)
    rows = conn.execute(
        text(
            "SELECT p.source_id, p.start, substr(s.text, p.start + 1, p.length) AS body, "
            "bm25(passage_fts) AS score "
            "FROM passage_fts JOIN passage p ON p.id = passage_fts.rowid JOIN source s ON s.id = p.source_id "
            "WHERE passage_fts MATCH :q" + (_PARTICIPANTS_ONLY if participants_only else "") + " "
            "ORDER BY score LIMIT :limit"
        ),
        {"q": parsed.match, "limit": limit},
    )
    return [PassageHit(int(r.source_id), int(r.start), r.body, float(r.score)) for r in rows]
