"""Storage: the only package that speaks SQL.

``Store`` opens a project database; ``Store.read()`` and ``Store.write()``
hand out a :class:`Reader` or a :class:`Writer` bound to one transaction.
Everything leaving this package is a model object or plain values.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy.engine import Engine

from . import database
from .fulltext import ParsedQuery, PassageHit, parse_query
from .journal import Writer
from .queries import Catalog, Reader, SegmentFact, SegmentRow


class Store:
    """A project database: one engine, transactions on demand."""

    def __init__(self, engine: Engine, path: Path, backup: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        #: Where the pre-migration copy went, if opening this file upgraded it.
        self.backup = backup
        self._catalog = Catalog()

    @classmethod
    def create(cls, path: Path, meta_values: dict[str, str]) -> "Store":
        """Create a new project database."""
        return cls(database.create(path, meta_values), path)

    @classmethod
    def open(cls, path: Path) -> "Store":
        """Open (and if older, back up and upgrade) a project database."""
        engine, saved = database.open_existing(path)
        return cls(engine, path, saved)

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A reader on its own connection (a consistent snapshot)."""
        with self.engine.connect() as conn:
            yield Reader(conn, self._catalog)
            conn.rollback()

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """A writer in one transaction: committed on success, rolled back on any error."""
        with self.engine.connect() as conn:
            conn.info["immediate"] = True  # take the write lock at BEGIN, not mid-way
            try:
                with conn.begin():
                    writer = Writer(conn, self._catalog)
                    yield writer
                # a cache write (no audit event) leaves the epoch where it was
                epoch = writer.event_id if writer.event_id is not None else writer.start_epoch
                self._catalog.committed(writer.start_epoch, epoch, writer.touched)
            finally:
                conn.info.pop("immediate", None)

    def compact(self) -> None:
        """Rewrite the file so that nothing deleted survives in free pages, and empty the WAL."""
        with self.engine.connect() as conn:
            raw: Any = conn.connection.driver_connection
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            raw.execute("VACUUM")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        """Release the database (checkpointing the WAL)."""
        self.engine.dispose()


__all__ = ["Store", "Reader", "Writer", "SegmentFact", "SegmentRow", "PassageHit", "ParsedQuery", "parse_query"]
