"""The schema, its migrations, upgrading older files and refusing what is not a project."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

import thematica
from thematica.errors import ProjectError
from thematica.store import database
from thematica.store.schema import metadata


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", "thematica.store:migrations")
    return ScriptDirectory.from_config(config)


def test_head_constant_matches_the_migration_scripts():
    script = _script()
    assert script.get_current_head() == database.HEAD_REVISION
    chain = [rev.revision for rev in script.walk_revisions()]
    assert tuple(reversed(chain)) == database.KNOWN_REVISIONS


def test_migrations_build_exactly_the_declared_schema(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'm.db'}")
    with engine.begin() as conn:
        database.run_migrations(conn)
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # passage_fts and its shadow tables are made by raw SQL, not declared in metadata
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("passage_fts"))]
    assert diff == []


def test_project_file_settings(project):
    con = sqlite3.connect(project.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"source", "segment", "code", "audit_event", "passage_fts", "alembic_version"} <= tables
    con.close()


def _make_old_project(path: Path) -> None:
    """A project file as the first schema revision wrote it, with some content."""
    engine = database._sqlite_engine(path)
    with engine.begin() as conn:
        database.run_migrations(conn, "0001_core")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO meta VALUES ('name', 'Old study'), ('phase', '2'), ('format', 'thematica-project/1')")
    con.execute(
        "INSERT INTO source (guid, name, kind, text, length, sha256, file_name, imported_at) "
        "VALUES ('g1', 'P01', 'txt', 'Interviewer: hello there', 24, 'x', 'P01.txt', '2024-01-01T00:00:00+00:00')"
    )
    con.commit()
    con.close()


def test_opening_an_older_file_backs_it_up_then_migrates(tmp_path):
    path = tmp_path / "old.thematica"
    _make_old_project(path)
    original = path.read_bytes()
    project = thematica.open_project(path)
    assert project.backup_path is not None and project.backup_path.exists()
    assert "0001_core" in project.backup_path.name
    backup = sqlite3.connect(project.backup_path)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001_core"
    assert backup.execute("SELECT name FROM source").fetchall() == [("P01",)]
    backup.close()
    assert project.name == "Old study" and [s.name for s in project.sources()] == ["P01"]
    assert project.phase == 2
    project.close()
    again = thematica.open_project(path)
    assert again.backup_path is None  # already at head: no second backup
    again.close()
    assert len(original) > 0


def test_a_newer_file_is_refused_untouched(tmp_path):
    path = tmp_path / "new.thematica"
    project = thematica.init_project(path)
    project.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0099_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="newer thematica"):
        thematica.open_project(path)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*backup*"))


@pytest.mark.parametrize(
    "content",
    [b"", b"not a database at all", b"SQLite format 3\x00" + b"\x00" * 100],
)
def test_non_projects_are_refused(tmp_path, content):
    path = tmp_path / "x.thematica"
    path.write_bytes(content)
    with pytest.raises(ProjectError):
        thematica.open_project(path)


def test_an_unrelated_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.thematica"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="not a thematica project"):
        thematica.open_project(path)


def test_missing_and_existing_paths(tmp_path):
    with pytest.raises(ProjectError, match="no project"):
        thematica.open_project(tmp_path / "missing.thematica")
    with pytest.raises(ProjectError, match="folder"):
        thematica.open_project(tmp_path)
    thematica.init_project(tmp_path / "s").close()
    with pytest.raises(ProjectError, match="already exists"):
        thematica.init_project(tmp_path / "s.thematica")
    with pytest.raises(ProjectError, match="does not exist"):
        thematica.init_project(tmp_path / "no" / "such" / "dir" / "s")


def test_upgrading_a_coded_project_keeps_every_reference(tmp_path):
    """A 0003 file with coders, codes and segments (foreign keys everywhere) upgrades cleanly."""
    path = tmp_path / "coded.thematica"
    engine = database._sqlite_engine(path)
    with engine.begin() as conn:
        database.run_migrations(conn, "0003_themes")
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    con.executescript(
        """
        INSERT INTO meta VALUES ('name', 'Coded'), ('phase', '2'), ('format', 'thematica-project/1');
        INSERT INTO coder (guid, name, role, created_at) VALUES ('c1', 'A', 'lead', '2024-01-01T00:00:00+00:00'), ('c2', 'B', '', '2024-01-01T00:00:00+00:00');
        INSERT INTO source (guid, name, kind, text, length, sha256, file_name, imported_at)
            VALUES ('s1', 'P01', 'txt', 'P01: hello world', 16, 'x', 'P01.txt', '2024-01-01T00:00:00+00:00');
        INSERT INTO code (guid, name, origin, status, deleted, created_at, colour, definition, inclusion, exclusion, example)
            VALUES ('k1', 'Hope', 'inductive', 'active', 0, '2024-01-01T00:00:00+00:00', '', '', '', '', '');
        INSERT INTO segment (guid, source_id, code_id, coder_id, start, "end", text, memo, created_at)
            VALUES ('g1', 1, 1, 1, 5, 10, 'hello', '', '2024-01-01T00:00:00+00:00'), ('g2', 1, 1, 2, 5, 16, 'hello world', '', '2024-01-01T00:00:00+00:00');
        """
    )
    con.commit()
    con.close()
    project = thematica.open_project(path)
    assert project.backup_path is not None
    assert [(c.name, c.kind.value, c.blind) for c in project.coders()] == [("A", "person", False), ("B", "person", False)]
    assert [s.text for s in project.segments()] == ["hello", "hello world"]
    assert project.check() == []
    project.close()
