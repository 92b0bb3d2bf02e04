"""Commands: memo add/list, journal add/list."""

from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape

from .common import JsonOption, console, done, print_json, project

memo_app = typer.Typer(help="Memos on the project, a source, a code or a segment.", no_args_is_help=True)
journal_app = typer.Typer(help="The reflexive journal, stamped with the phase.", no_args_is_help=True)


@memo_app.command("add")
def add_memo(
    text: str,
    on: str = typer.Option("project", help="project, source, code or segment."),
    target: Optional[str] = typer.Option(None, help="Which source, code or segment."),
) -> None:
    """Write a memo.

    Example: thematica memo add "Power comes up whenever risk does" --on code --target Power
    """
    with project() as proj:
        memo = proj.add_memo(text, on=on, target=target)
        done(f"Memo #{memo.id} (phase {int(memo.phase)})")


@memo_app.command("list")
def list_memos(
    on: Optional[str] = typer.Option(None, help="Only memos on project, source, code or segment."),
    target: Optional[str] = typer.Option(None),
    json_out: bool = JsonOption,
) -> None:
    """List memos."""
    with project() as proj:
        memos = [m for m in proj.memos(on, target) if m.target.value != "journal"]
    if json_out:
        print_json(memos)
        return
    for m in memos:
        where = m.target.value + (f" #{m.target_id}" if m.target_id else "")
        console.print(f"[bold]#{m.id}[/] {m.created_at:%Y-%m-%d %H:%M} {escape(m.author)} on {where} (phase {int(m.phase)})")
        console.print(f"  {m.text}", markup=False)


@journal_app.command("add")
def add_entry(text: str) -> None:
    """Add a reflexive journal entry."""
    with project() as proj:
        entry = proj.add_journal_entry(text)
        done(f"Journal entry #{entry.id} (phase {int(entry.phase)}: {entry.phase.label})")


@journal_app.command("list")
def list_entries(json_out: bool = JsonOption) -> None:
    """Show the journal, oldest first."""
    with project() as proj:
        entries = proj.journal()
    if json_out:
        print_json(entries)
        return
    for m in entries:
        console.print(f"[bold]{m.created_at:%Y-%m-%d %H:%M}[/] {escape(m.author)}, phase {int(m.phase)} ({m.phase.label})")
        console.print(f"  {m.text}", markup=False)


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.add_typer(memo_app, name="memo")
    app.add_typer(journal_app, name="journal")
