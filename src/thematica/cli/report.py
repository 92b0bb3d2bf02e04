"""Commands: report, coreq list/set."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import AllowIdentifiers, AllowSmallGroups, JsonOption, console, done, print_json, project, table

coreq_app = typer.Typer(help="The COREQ checklist (32 items) for reporting qualitative research.", no_args_is_help=True)


def report(
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Folder for the report files."),
    format_: Optional[List[str]] = typer.Option(None, "--format", "-f", help="docx, html or md (repeatable; default all)."),
    coder: Optional[str] = typer.Option(None, help="Whose coding to report (default: the analysis coder)."),
    allow_identifiers: bool = AllowIdentifiers,
    allow_small_groups: bool = AllowSmallGroups,
    json_out: bool = JsonOption,
) -> None:
    """Write the findings report (phase 6): DOCX, HTML and Markdown, with figures and the COREQ checklist.

    Example: thematica report --out findings --format docx
    """
    with project() as proj:
        paths = proj.write_report(out, formats=format_ or ("docx", "html", "md"), coder=coder,
                                  allow_identifiers=allow_identifiers, allow_small_groups=allow_small_groups)
    if json_out:
        print_json([str(p) for p in paths])
        return
    for path in paths:
        done(f"Wrote {path}")


@coreq_app.command("list")
def list_items(
    missing: bool = typer.Option(False, "--missing", help="Only the items still to be completed."),
    json_out: bool = JsonOption,
) -> None:
    """Show the 32 COREQ items and how each is answered (project, researcher, missing)."""
    with project() as proj:
        items = proj.coreq()
    if missing:
        items = [i for i in items if i.origin == "missing"]
    if json_out:
        print_json(items)
        return
    table("COREQ checklist", ["No.", "topic", "from", "answer"], [[i.number, i.topic, i.origin, i.answer] for i in items])
    console.print(f"{sum(i.origin == 'missing' for i in items)} of 32 items still to be completed")


@coreq_app.command("set")
def set_item(
    item: str = typer.Argument(..., help="Item number (1-32) or topic, e.g. 21 or duration."),
    answer: str = typer.Argument(..., help="Your answer, as it should appear in the checklist."),
) -> None:
    """Answer a COREQ item the project cannot answer itself.

    Example: thematica coreq set 14 "Interviews took place in a private room at the College"
    """
    with project() as proj:
        number = proj.set_coreq_answer(item, answer)
    done(f"COREQ item {number} answered")


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.command("report")(report)
    app.add_typer(coreq_app, name="coreq")
