"""The write path: one transaction per change, with its audit event.

A :class:`Writer` records every row it inserts, updates or deletes. When the
transaction commits, those records are stored in the audit event, so that
``undo`` can apply their inverse: delete what was inserted, put back the
old values of what was updated, re-insert what was deleted (with its id).
Rows removed by ON DELETE CASCADE are not recorded, so hard deletes of rows
that have children must delete the children through the Writer first.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from ..errors import NothingToUndo
from ..model import Phase
from . import schema
from .convert import now
from .queries import Catalog, Reader

Change = list[Any]  # ["i", table, [ids]] | ["u", table, id, before] | ["d", table, row]
_CHUNK = 500
def _quote(column: str) -> str:
    return f'"{column}"'


# One statement per table, built once: execution then only binds parameters.
_INSERT = {name: insert(table) for name, table in schema.TABLES.items()}


class Writer(Reader):
    """Reads and writes inside one transaction, recording each change for the audit trail."""

    def __init__(self, conn: Connection, catalog: Catalog | None = None) -> None:
        super().__init__(conn, catalog)
        self.changes: list[Change] = []
        #: The newest audit event when this transaction began, and the one it appended.
        self.start_epoch = self.epoch()
        self.event_id: int | None = None
        if catalog is not None:
            catalog.sync(self.start_epoch)
            self._synced = True

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert one row and return its id."""
        result = self.conn.execute(_INSERT[table], values)
        row_id = int(result.inserted_primary_key[0])
        self._record_inserts(table, [row_id])
        return row_id

    def insert_many(self, table: str, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Insert many rows (one statement) and return their ids, in order."""
        if not rows:
            return []
        tbl = schema.TABLES[table]
        stmt = insert(tbl).returning(tbl.c.id, sort_by_parameter_order=True)
        ids = [int(r[0]) for r in self.conn.execute(stmt, list(rows))]
        self._record_inserts(table, ids)
        return ids

    def add_original(self, source_id: int, data: bytes, text: str) -> None:
        """Keep a source's original file bytes (stored once if they are just its UTF-8 text)."""
        same = data == text.encode("utf-8")
        self.insert("source_file", {"source_id": source_id, "data": None if same else data})

    def insert_children(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        """Insert rows that belong to a parent row inserted in this same transaction.

        They are not recorded one by one: undoing the parent's insert removes
        them through ON DELETE CASCADE. Used for a source's turns.
        """
        if rows:
            columns = list(rows[0])
            sql = f"INSERT INTO {table} ({', '.join(map(_quote, columns))}) VALUES ({', '.join('?' * len(columns))})"
            self.conn.exec_driver_sql(sql, [tuple(row[c] for c in columns) for row in rows])
            self.touched.add(table)

    def _record_inserts(self, table: str, ids: list[int]) -> None:
        self.touched.add(table)
        last = self.changes[-1] if self.changes else None
        if last is not None and last[0] == "i" and last[1] == table:
            last[2].extend(ids)
        else:
            self.changes.append(["i", table, ids])

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """Update columns of one row, keeping their old values for undo."""
        tbl = schema.TABLES[table]
        columns = [tbl.c[name] for name in values]
        before = self.conn.execute(select(*columns).where(tbl.c.id == row_id)).one()._asdict()
        if before == values:
            return
        self.conn.execute(update(tbl).where(tbl.c.id == row_id).values(**values))
        self.touched.add(table)
        self.changes.append(["u", table, row_id, before])

    def delete(self, table: str, row_id: int) -> None:
        """Delete one row (without children), keeping it whole for undo."""
        tbl = schema.TABLES[table]
        row = self.conn.execute(select(tbl).where(tbl.c.id == row_id)).one()._asdict()
        self.conn.execute(delete(tbl).where(tbl.c.id == row_id))
        self.touched.add(table)
        self.changes.append(["d", table, row])

    def set_meta(self, key: str, value: str) -> None:
        """Set a project setting, recorded like any update."""
        tbl = schema.meta
        old = self.conn.execute(select(tbl.c.value).where(tbl.c.key == key)).scalar()
        if old == value:
            return
        if old is None:
            self.conn.execute(insert(tbl).values(key=key, value=value))
        else:
            self.conn.execute(update(tbl).where(tbl.c.key == key).values(value=value))
        self.touched.add("meta")
        self.changes.append(["m", key, old])

    def index_passages(self, source_id: int, passages: Iterable[tuple[int, str]]) -> None:
        """Add a source's passages (start offset, text) to the full-text index."""
        self.fulltext.add(self.conn, source_id, passages)

    def append_event(
        self,
        actor: str,
        phase: Phase,
        operation: str,
        summary: str,
        details: dict[str, Any],
        undo_of: int | None = None,
    ) -> int:
        """Append the audit event of this transaction; return its id."""
        result = self.conn.execute(
            _INSERT["audit_event"],
            {
                "at": now(),
                "actor": actor,
                "phase": int(phase),
                "operation": operation,
                "summary": summary,
                "details": json.dumps(details, ensure_ascii=False, default=str),
                "changes": json.dumps(self.changes, ensure_ascii=False),
                "undo_of": undo_of,
            },
        )
        self.event_id = int(result.inserted_primary_key[0])
        return self.event_id

    def revert(self, event_id: int) -> None:
        """Apply the inverse of an event's changes, newest first, and mark it undone."""
        tbl = schema.audit_event
        row = self.conn.execute(select(tbl).where(tbl.c.id == event_id)).one()
        if row.undone_by is not None:
            raise NothingToUndo(f"change #{event_id} is already undone")
        for change in reversed(json.loads(row.changes)):
            self._invert(change)

    def mark_undone(self, event_id: int, undo_event_id: int) -> None:
        """Record that ``undo_event_id`` reverted ``event_id``."""
        tbl = schema.audit_event
        self.conn.execute(update(tbl).where(tbl.c.id == event_id).values(undone_by=undo_event_id))

    def _invert(self, change: Change) -> None:
        kind = change[0]
        if kind == "m":
            _, key, old = change
            if old is None:
                self.conn.execute(delete(schema.meta).where(schema.meta.c.key == key))
                self.touched.add("meta")
            else:
                self.set_meta(key, old)
            return
        tbl = schema.TABLES[change[1]]
        if kind == "i":
            ids = change[2]
            for lo in range(0, len(ids), _CHUNK):
                chunk = ids[lo : lo + _CHUNK]
                self.conn.execute(delete(tbl).where(tbl.c.id.in_(chunk)))
            self.touched.add(change[1])
            self.changes.append(["-i", change[1], len(ids)])
        elif kind == "u":
            self.update(change[1], change[2], change[3])
        elif kind == "d":
            self.conn.execute(insert(tbl).values(**change[2]))
            self._record_inserts(change[1], [change[2]["id"]])
        else:  # pragma: no cover - only written by this module
            raise ValueError(f"unknown change kind {kind!r}")
