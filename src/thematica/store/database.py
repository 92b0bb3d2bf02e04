"""Opening, creating and upgrading a project database.

One SQLite file per project: WAL journal, foreign keys on, every write in
one transaction (BEGIN IMMEDIATE, so DDL is transactional too). An older
file is copied to a backup beside it before its migrations run.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ..errors import MigrationError, ProjectError
from .schema import meta

#: The newest migration this code knows (tests check it is Alembic's head).
HEAD_REVISION = "0006_assist"
#: The revision every known migration chain starts from.
KNOWN_REVISIONS = ("0001_core", "0002_fulltext", "0003_themes", "0004_consensus", "0005_deid", "0006_assist")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def _sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy's begin event below, so that
        # DDL (migrations) and DML share one real transaction.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # deleted content is overwritten, not left in free pages (identifiers, purged originals)
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")

    return engine


def _check_is_sqlite(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise ProjectError(f"cannot read {path}: {exc.strerror}") from exc
    if header != _SQLITE_MAGIC:
        raise ProjectError(f"{path} is not a thematica project (not an SQLite database)")


def current_revision(conn: Connection) -> str | None:
    """The Alembic revision recorded in the database, or None if it has none."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def run_migrations(conn: Connection, target: str = "head") -> None:
    """Upgrade the database on ``conn`` to ``target`` with Alembic."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "thematica.store:migrations")
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def _migrate_sqlite(engine: Engine) -> None:
    """Run the migrations as SQLite asks for schema changes: foreign keys off, checked before commit."""
    with engine.connect() as conn:
        raw = conn.connection.driver_connection  # autocommit: a PRAGMA here is outside any transaction
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                run_migrations(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise MigrationError(f"the upgrade would break {len(broken)} references between tables")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def backup(engine: Engine, path: Path, revision: str) -> Path:
    """Copy the database to a timestamped file beside it, with SQLite's backup API."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.backup-{revision}-{stamp}{path.suffix}")
    raw = engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)  # type: ignore[union-attr]
        finally:
            dest.close()
    finally:
        raw.close()
    return target


def create(path: Path, meta_values: dict[str, str]) -> Engine:
    """Create a new project database at ``path`` at the newest revision."""
    if path.exists():
        raise ProjectError(f"{path} already exists; open it instead of creating it")
    if not path.parent.is_dir():
        raise ProjectError(f"folder {path.parent} does not exist")
    engine = _sqlite_engine(path)
    try:
        with engine.begin() as conn:
            run_migrations(conn)

            conn.execute(meta.insert(), [{"key": k, "value": v} for k, v in meta_values.items()])
    except Exception:
        engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return engine


def open_existing(path: Path) -> tuple[Engine, Path | None]:
    """Open a project database, upgrading an older one after backing it up.

    Returns the engine and the backup's path when a migration ran.
    """
    if not path.is_file():
        raise ProjectError(f"no project at {path}; create one with 'thematica init {path}'")
    _check_is_sqlite(path)
    engine = _sqlite_engine(path)
    try:
        try:
            with engine.connect() as conn:
                revision = current_revision(conn)
                has_meta = inspect(conn).has_table("meta")
        except DBAPIError as exc:  # a corrupt or foreign file surfaces here
            raise ProjectError(f"{path} cannot be read as a project ({exc.orig})") from exc
        if revision is None or not has_meta:
            raise ProjectError(f"{path} is an SQLite file but not a thematica project")
        if revision == HEAD_REVISION:
            return engine, None
        if revision not in KNOWN_REVISIONS:
            raise ProjectError(
                f"{path} was written by a newer thematica (schema {revision}); upgrade thematica to open it"
            )
        saved = backup(engine, path, revision)
        try:
            _migrate_sqlite(engine)
        except Exception as exc:
            raise MigrationError(
                f"upgrading {path} from schema {revision} failed ({exc}); "
                f"the project is unchanged and a copy is at {saved}"
            ) from exc
        return engine, saved
    except Exception:
        engine.dispose()
        raise
