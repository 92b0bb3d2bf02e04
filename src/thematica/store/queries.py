"""The read path: every query a Project needs, returning model objects."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Iterable, Sequence, TypeVar

from sqlalchemy import and_, func, select, text
from sqlalchemy.engine import Connection

from ..model import (
    AttributeDef,
    AttributeValue,
    AuditEvent,
    Code,
    Coder,
    Memo,
    MemoTarget,
    Segment,
    Source,
    Theme,
    ThemeName,
    Turn,
)
from . import convert, fulltext, schema

_CONTEXT_WINDOW = 160
T = TypeVar("T")
_META = frozenset({"meta"})
_CODERS = frozenset({"coder"})
_SOURCES = frozenset({"source", "turn"})
_CODES = frozenset({"code"})
_TURNS = frozenset({"turn", "participant"})
_THEMES = frozenset({"theme", "theme_code", "theme_quote"})
_FACTS = frozenset({"segment", "code", "turn", "source", "participant"})
# The participant of a segment is the one speaking in the turn where it starts
# (none for the interviewer); a source without turns belongs to its participant.
_FACTS_SQL = """
SELECT g.id, g.source_id, g.code_id, g.coder_id, g.start, g."end", g.text, t.role,
       CASE WHEN t.id IS NULL THEN s.participant_id ELSE t.participant_id END, t.id, g.created_at
FROM segment g
JOIN code c ON c.id = g.code_id AND c.deleted = 0
JOIN source s ON s.id = g.source_id
LEFT JOIN turn t ON t.id = (
    SELECT t2.id FROM turn t2 WHERE t2.source_id = g.source_id AND t2.start <= g.start
    ORDER BY t2.start DESC LIMIT 1)
ORDER BY g.source_id, g.start, g.id
"""


@dataclass(frozen=True, slots=True)
class SegmentFact:
    """What counting needs of a segment: where, which code and coder, who spoke, how many words."""

    id: int
    source_id: int
    code_id: int
    coder_id: int
    start: int
    end: int
    words: int
    role: str | None
    participant_id: int | None
    turn_id: int | None
    created_at: str


@dataclass(frozen=True, slots=True)
class SegmentRow:
    """A segment joined with what a reader of it needs: names and raw context windows."""

    segment: Segment
    code: str
    coder: str
    source: str
    participant: str | None
    speaker: str | None
    role: str | None
    before: str
    after: str


class Catalog:
    """Small, often-read tables (settings, sources, codes, coders) cached between transactions.

    Every committed change appends an audit event, so the newest event id
    (the *epoch*) says whether anything changed since the cache was filled,
    in this process or any other.
    """

    def __init__(self) -> None:
        self.epoch: int | None = None
        self.values: dict[Hashable, tuple[frozenset[str], Any]] = {}

    def sync(self, epoch: int | None) -> None:
        """Forget everything if the database moved on since the cache was filled."""
        if epoch != self.epoch:
            self.values.clear()
            self.epoch = epoch

    def committed(self, start_epoch: int | None, new_epoch: int | None, touched: set[str]) -> None:
        """After a commit: keep what the transaction did not touch, if the cache was current."""
        if self.epoch != start_epoch:
            self.values.clear()
        else:
            self.values = {k: v for k, v in self.values.items() if not (v[0] & touched)}
        self.epoch = new_epoch


class Reader:
    """Read-only queries on one connection."""

    fulltext = fulltext

    def __init__(self, conn: Connection, catalog: Catalog | None = None) -> None:
        self.conn = conn
        self._catalog = catalog
        self._synced = False
        self.touched: set[str] = set()

    def epoch(self) -> int | None:
        """The id of the newest audit event."""
        return self.conn.exec_driver_sql("SELECT max(id) FROM audit_event").scalar()

    def _cached(self, key: Hashable, tables: frozenset[str], load: Callable[[], T]) -> T:
        catalog = self._catalog
        if catalog is None or tables & self.touched:
            return load()
        if not self._synced:
            catalog.sync(self.epoch())
            self._synced = True
        if key not in catalog.values:
            catalog.values[key] = (tables, load())
        return catalog.values[key][1]

    # -- settings -----------------------------------------------------------
    def meta(self) -> dict[str, str]:
        """All project settings."""
        return dict(self._cached("meta", _META, lambda: {r.key: r.value for r in self.conn.execute(select(schema.meta))}))

    # -- coders and participants ------------------------------------------------
    def coders(self) -> list[Coder]:
        return list(self._cached("coders", _CODERS, self._load_coders))

    def _load_coders(self) -> list[Coder]:
        return [convert.coder(r) for r in self.conn.execute(select(schema.coder).order_by(schema.coder.c.id))]

    def participants(self) -> list[tuple[int, str]]:
        """(id, key) of every participant, in key order."""
        p = schema.participant
        return [(r.id, r.key) for r in self.conn.execute(select(p.c.id, p.c.key).order_by(p.c.key))]

    def participant_id(self, key: str) -> int | None:
        """The id of the participant with this key, if there is one."""
        p = schema.participant
        return self.conn.execute(select(p.c.id).where(p.c.key == key)).scalar()

    def attribute_defs(self) -> list[tuple[int, AttributeDef]]:
        a = schema.attribute_def
        return [(r.id, convert.attribute_def(r)) for r in self.conn.execute(select(a).order_by(a.c.id))]

    def attribute_values(self) -> dict[int, dict[str, AttributeValue]]:
        """participant id -> {attribute name: typed value}."""
        a, v = schema.attribute_def, schema.attribute_value
        rows = self.conn.execute(
            select(v.c.participant_id, a.c.name, a.c.type, v.c.value).join(a, a.c.id == v.c.attribute_id)
        )
        values: dict[int, dict[str, AttributeValue]] = {}
        for r in rows:
            kind = convert.AttributeType(r.type)
            values.setdefault(r.participant_id, {})[r.name] = convert.attribute_from_text(kind, r.value)
        return values

    def attribute_value_id(self, participant_id: int, attribute_id: int) -> int | None:
        v = schema.attribute_value
        return self.conn.execute(
            select(v.c.id).where(and_(v.c.participant_id == participant_id, v.c.attribute_id == attribute_id))
        ).scalar()

    # -- sources and turns ----------------------------------------------------
    def sources(self) -> list[Source]:
        """Every source (without its text), by name, with turn counts."""
        return list(self._cached("sources", _SOURCES, self._load_sources))

    def _load_sources(self) -> list[Source]:
        s, t = schema.source, schema.turn
        counts = select(t.c.source_id, func.count().label("n")).group_by(t.c.source_id).subquery()
        cols = [c for c in s.c if c.name != "text"]
        rows = self.conn.execute(
            select(*cols, func.coalesce(counts.c.n, 0).label("n"))
            .outerjoin(counts, counts.c.source_id == s.c.id)
            .order_by(s.c.name)
        )
        return [convert.source(r, r.n) for r in rows]

    def source_text(self, source_id: int) -> str | None:
        return self.conn.execute(select(schema.source.c.text).where(schema.source.c.id == source_id)).scalar()

    def source_span(self, source_id: int, start: int, end: int) -> str:
        """``text[start:end]`` of a source, cut in the database (code points, like Python)."""
        s = schema.source
        query = select(func.substr(s.c.text, start + 1, end - start)).where(s.c.id == source_id)
        return self.conn.execute(query).scalar() or ""

    def source_texts(self, source_ids: Iterable[int] | None = None) -> dict[int, str]:
        s = schema.source
        query = select(s.c.id, s.c.text)
        if source_ids is not None:
            query = query.where(s.c.id.in_(list(source_ids)))
        return {r.id: r.text for r in self.conn.execute(query)}

    def source_original(self, source_id: int) -> bytes | None:
        """The bytes of the file a source came from (None if there is no such source)."""
        f, s = schema.source_file, schema.source
        row = self.conn.execute(
            select(f.c.data, s.c.text).join(s, s.c.id == f.c.source_id).where(f.c.source_id == source_id)
        ).first()
        if row is None:
            return None
        return row.data if row.data is not None else row.text.encode("utf-8")

    def source_id(self, name: str) -> int | None:
        """The id of the source called ``name``, if there is one."""
        return self.conn.execute(select(schema.source.c.id).where(schema.source.c.name == name)).scalar()

    def source(self, source_id: int) -> Source:
        """One source (without its text), with its turn count."""
        s, t = schema.source, schema.turn
        cols = [c for c in s.c if c.name != "text"]
        count = select(func.count()).where(t.c.source_id == s.c.id).scalar_subquery()
        row = self.conn.execute(select(*cols, count.label("n")).where(s.c.id == source_id)).one()
        return convert.source(row, row.n)

    def turns(self, source_id: int | None = None) -> list[Turn]:
        """Speaker turns in text order (all of them cached between changes)."""
        if source_id is None:
            return list(self._cached("turns", _TURNS, lambda: self._load_turns(None)))
        return self._load_turns(source_id)

    def turn_spans(self) -> list[tuple[int, int, int, str]]:
        """(source id, start, end, role) of every turn, in text order (light, cached)."""
        return list(self._cached("turn_spans", _TURNS, lambda: [
            (r[0], r[1], r[2], r[3])
            for r in self.conn.exec_driver_sql('SELECT source_id, start, "end", role FROM turn ORDER BY source_id, start')
        ]))

    def _load_turns(self, source_id: int | None) -> list[Turn]:
        t = schema.turn
        query = select(t).order_by(t.c.source_id, t.c.start)
        if source_id is not None:
            query = query.where(t.c.source_id == source_id)
        return [convert.turn(r) for r in self.conn.execute(query)]

    # -- codebook and coding --------------------------------------------------
    def codes(self, include_deleted: bool = False) -> list[Code]:
        """Codes in creation order; deleted ones only when asked."""
        return list(self._cached(("codes", include_deleted), _CODES, lambda: self._load_codes(include_deleted)))

    def _load_codes(self, include_deleted: bool) -> list[Code]:
        c = schema.code
        query = select(c).order_by(c.c.id)
        if not include_deleted:
            query = query.where(c.c.deleted == 0)
        return [convert.code(r) for r in self.conn.execute(query)]

    def segments(
        self,
        code_ids: Sequence[int] | None = None,
        source_id: int | None = None,
        coder_ids: Sequence[int] | None = None,
        include_deleted_codes: bool = False,
    ) -> list[Segment]:
        """Segments in text order; those of deleted codes only when asked."""
        g, c = schema.segment, schema.code
        query = select(g).order_by(g.c.source_id, g.c.start, g.c.end, g.c.id)
        if not include_deleted_codes:
            query = query.join(c, c.c.id == g.c.code_id).where(c.c.deleted == 0)
        if code_ids is not None:
            query = query.where(g.c.code_id.in_(list(code_ids)))
        if source_id is not None:
            query = query.where(g.c.source_id == source_id)
        if coder_ids is not None:
            query = query.where(g.c.coder_id.in_(list(coder_ids)))
        return [convert.segment(r) for r in self.conn.execute(query)]

    def segment(self, segment_id: int) -> Segment | None:
        row = self.conn.execute(select(schema.segment).where(schema.segment.c.id == segment_id)).first()
        return convert.segment(row) if row else None

    def segment_rows(
        self,
        code_ids: Sequence[int] | None = None,
        source_ids: Sequence[int] | None = None,
        coder_ids: Sequence[int] | None = None,
    ) -> list[SegmentRow]:
        """Segments with code, coder, source, participant, speaker and raw context windows."""
        g, c, k, s, p, t = (schema.segment, schema.code, schema.coder, schema.source, schema.participant, schema.turn)
        w = _CONTEXT_WINDOW
        turn_at = (
            select(t.c.id)
            .where(and_(t.c.source_id == g.c.source_id, t.c.start <= g.c.start))
            .order_by(t.c.start.desc())
            .limit(1)
            .scalar_subquery()
        )
        t2 = t.alias("t2")
        p2 = p.alias("p2")
        query = (
            select(
                g,
                c.c.name.label("code_name"),
                k.c.name.label("coder_name"),
                s.c.name.label("source_name"),
                func.coalesce(p2.c.key, p.c.key).label("participant_key"),
                t2.c.speaker,
                t2.c.role,
                func.substr(s.c.text, func.max(1, g.c.start - w + 1), func.min(w, g.c.start)).label("before"),
                func.substr(s.c.text, g.c.end + 1, w).label("after"),
            )
            .join(c, c.c.id == g.c.code_id)
            .join(k, k.c.id == g.c.coder_id)
            .join(s, s.c.id == g.c.source_id)
            .outerjoin(p, p.c.id == s.c.participant_id)
            .outerjoin(t2, t2.c.id == turn_at)
            .outerjoin(p2, p2.c.id == t2.c.participant_id)
            .where(c.c.deleted == 0)
            .order_by(s.c.name, g.c.start, g.c.end, g.c.id)
        )
        if code_ids is not None:
            query = query.where(g.c.code_id.in_(list(code_ids)))
        if source_ids is not None:
            query = query.where(g.c.source_id.in_(list(source_ids)))
        if coder_ids is not None:
            query = query.where(g.c.coder_id.in_(list(coder_ids)))
        return [
            SegmentRow(
                segment=convert.segment(r),
                code=r.code_name,
                coder=r.coder_name,
                source=r.source_name,
                participant=r.participant_key,
                speaker=r.speaker,
                role=r.role,
                before=r.before or "",
                after=r.after or "",
            )
            for r in self.conn.execute(query)
        ]

    def segment_counts(self) -> list[tuple[int, int, int]]:
        """(code id, coder id, number of segments) for every pair that has any."""
        g = schema.segment
        rows = self.conn.execute(
            select(g.c.code_id, g.c.coder_id, func.count()).group_by(g.c.code_id, g.c.coder_id)
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # -- themes ---------------------------------------------------------------
    def themes(self, include_deleted: bool = False) -> list[Theme]:
        """Themes with their codes and chosen quotes, siblings in order."""
        return list(self._cached(("themes", include_deleted), _THEMES, lambda: self._load_themes(include_deleted)))

    def _load_themes(self, include_deleted: bool) -> list[Theme]:
        th, tc, tq = schema.theme, schema.theme_code, schema.theme_quote
        codes: dict[int, list[int]] = {}
        for r in self.conn.execute(select(tc.c.theme_id, tc.c.code_id).order_by(tc.c.id)):
            codes.setdefault(r.theme_id, []).append(r.code_id)
        quotes: dict[int, list[int]] = {}
        for r in self.conn.execute(select(tq.c.theme_id, tq.c.segment_id).order_by(tq.c.position, tq.c.id)):
            quotes.setdefault(r.theme_id, []).append(r.segment_id)
        query = select(th).order_by(th.c.position, th.c.id)
        if not include_deleted:
            query = query.where(th.c.deleted == 0)
        return [convert.theme(r, codes.get(r.id, ()), quotes.get(r.id, ())) for r in self.conn.execute(query)]

    def theme_names(self, theme_id: int | None = None) -> list[ThemeName]:
        """Naming history, oldest first."""
        n = schema.theme_name
        query = select(n).order_by(n.c.id)
        if theme_id is not None:
            query = query.where(n.c.theme_id == theme_id)
        return [convert.theme_name(r) for r in self.conn.execute(query)]

    def theme_link_id(self, table: str, theme_id: int, column: str, other_id: int) -> int | None:
        """The id of the theme_code / theme_quote row linking a theme to a code or segment."""
        tbl = schema.TABLES[table]
        return self.conn.execute(
            select(tbl.c.id).where(and_(tbl.c.theme_id == theme_id, tbl.c[column] == other_id))
        ).scalar()

    def segment_quote_links(self, segment_id: int) -> list[int]:
        """Ids of the theme_quote rows that use a segment as a key extract."""
        q = schema.theme_quote
        return list(self.conn.execute(select(q.c.id).where(q.c.segment_id == segment_id)).scalars())

    def segment_facts(self) -> list[SegmentFact]:
        """Every segment of a live code as a light record for counting (participant, role, words)."""
        return list(self._cached("facts", _FACTS, self._load_facts))

    def _load_facts(self) -> list[SegmentFact]:
        rows = self.conn.exec_driver_sql(_FACTS_SQL).fetchall()
        return [
            SegmentFact(r[0], r[1], r[2], r[3], r[4], r[5], len(r[6].split()), r[7], r[8], r[9], r[10]) for r in rows
        ]

    # -- memos and audit --------------------------------------------------------
    def memos(self, target: MemoTarget | None = None, target_id: int | None = None) -> list[Memo]:
        m = schema.memo
        query = select(m).order_by(m.c.id)
        if target is not None:
            query = query.where(m.c.target == target.value)
        if target_id is not None:
            query = query.where(m.c.target_id == target_id)
        return [convert.memo(r) for r in self.conn.execute(query)]

    def audit_events(self, limit: int | None = None) -> list[AuditEvent]:
        """Newest first."""
        a = schema.audit_event
        query = select(a).order_by(a.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return [convert.audit_event(r) for r in self.conn.execute(query)]

    def last_undoable_event(self) -> AuditEvent | None:
        """The newest event that is neither undone nor itself an undo."""
        a = schema.audit_event
        row = self.conn.execute(
            select(a)
            .where(and_(a.c.undone_by.is_(None), a.c.undo_of.is_(None), a.c.operation != "init"))
            .order_by(a.c.id.desc())
            .limit(1)
        ).first()
        return convert.audit_event(row) if row else None

    def guids(self) -> dict[str, dict[int, str]]:
        """id -> GUID for coders, codes, segments, sources, participants and themes (what travels between projects)."""
        return {
            name: {r.id: r.guid for r in self.conn.execute(select(schema.TABLES[name].c.id, schema.TABLES[name].c.guid))}
            for name in ("coder", "code", "segment", "source", "participant", "theme")
        }

    def resolutions(self) -> list[tuple[int, int, int, str, str, tuple[str, ...]]]:
        """(source id, start, end, decision, rationale, coders compared) of every resolved disagreement."""
        r = schema.resolution
        return [
            (x.source_id, x.start, x.end, x.decision, x.rationale, tuple(sorted(json.loads(x.coders))))
            for x in self.conn.execute(select(r).order_by(r.c.id))
        ]

    def count(self, table: str, **where: Any) -> int:
        tbl = schema.TABLES[table]
        query = select(func.count()).select_from(tbl)
        for column, value in where.items():
            query = query.where(tbl.c[column] == value)
        return int(self.conn.execute(query).scalar() or 0)

    # -- search -------------------------------------------------------------------
    def search_passages(self, query: str, limit: int, participants_only: bool = False) -> list[fulltext.PassageHit]:
        """Passages matching a user query, best first (only those in participants' turns, if asked)."""
        return fulltext.search(self.conn, query, limit, participants_only)

    def participant_spans(self, source_id: int, start: int, end: int) -> list[tuple[int, int]]:
        """(start, end) of participants' turns overlapping ``start..end`` of a source, in order.

        A source without any turns (a plain document) counts as one participant span.
        """
        t = schema.turn
        rows = self.conn.execute(
            select(t.c.start, t.c.end)
            .where(and_(t.c.source_id == source_id, t.c.role == "participant", t.c.start < end, t.c.end > start))
            .order_by(t.c.start)
        ).all()
        if rows or self.conn.execute(select(t.c.id).where(t.c.source_id == source_id).limit(1)).first():
            return [(r.start, r.end) for r in rows]
        return [(start, end)]

    def check_integrity(self) -> list[str]:
        """SQLite's own integrity check plus foreign keys; empty when all is well."""
        problems = [r[0] for r in self.conn.execute(text("PRAGMA integrity_check")) if r[0] != "ok"]
        problems += [str(tuple(r)) for r in self.conn.execute(text("PRAGMA foreign_key_check"))]
        return problems


__all__ = ["Catalog", "Reader", "SegmentFact", "SegmentRow"]
