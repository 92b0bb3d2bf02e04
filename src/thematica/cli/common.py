"""What every command shares: finding the project, printing, JSON output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..errors import ProjectError
from ..project import SUFFIX, Project, open_project

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@dataclasses.dataclass
class Settings:
    """Global options, set by the app callback."""

    project: Path | None = None
    user: str | None = None


SETTINGS = Settings()

JsonOption = typer.Option(False, "--json", help="Print JSON for scripts instead of a table.")
AllowIdentifiers = typer.Option(
    False, "--allow-identifiers", help="Write it even if real identifiers from the register are found (audited)."
)
AllowSmallGroups = typer.Option(
    False, "--allow-small-groups", help="Write it even if a group of participants is smaller than k."
)


def find_project_path(explicit: Path | None = None) -> Path:
    """Find the project as git finds a repository: --project, $THEMATICA_PROJECT, the one *.thematica here."""
    if explicit is not None:
        return explicit
    env = os.environ.get("THEMATICA_PROJECT")
    if env:
        return Path(env)
    found = sorted(Path.cwd().glob(f"*{SUFFIX}"))
    if len(found) == 1:
        return found[0]
    if not found:
        raise ProjectError(
            "no project here: pass --project PATH, set THEMATICA_PROJECT, or run 'thematica init NAME'"
        )
    names = ", ".join(p.name for p in found)
    raise ProjectError(f"several projects here ({names}); choose one with --project")


@contextmanager
def project() -> Iterator[Project]:
    """Open the project this command works on, and close it afterwards."""
    proj = open_project(find_project_path(SETTINGS.project), actor=SETTINGS.user)
    if proj.backup_path is not None:
        err_console.print(f"Upgraded the project file; the previous version is kept at {proj.backup_path}", markup=False)
    try:
        yield proj
    finally:
        proj.close()


def to_jsonable(value: Any) -> Any:
    """Model objects, enums, dates and paths as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as JSON on stdout (no colours, no wrapping)."""
    typer.echo(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """Print a rich table."""
    out = Table(title=title, show_lines=False, header_style="bold")
    for column in columns:
        out.add_column(column, overflow="fold")
    for row in rows:
        out.add_row(*["" if v is None else escape(str(v)) for v in row])
    console.print(out)


def done(message: str) -> None:
    """Print a one-line confirmation (user text in it is not markup)."""
    console.print(message, markup=False)


def one_line(text: str) -> str:
    """Text with its line breaks and runs of spaces folded, for a one-line display."""
    return " ".join(text.split())
