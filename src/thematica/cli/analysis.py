"""Commands: review, matrix, cooccur, saturation."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.text import Text

from ..analysis.tables import Table
from ..errors import InvalidInput
from ..project import Project
from .common import (
    AllowSmallGroups,
    JsonOption,
    console,
    done,
    one_line,
    print_json,
    project,
    table,
    to_jsonable,
)

OutOption = typer.Option(None, "--out", "-o", help="Also write the table to a .csv or .xlsx file.")
CoderOption = typer.Option(None, help="Count this coder's segments (default: the analysis coder, else everyone).")


def show_table(result: Table, json_out: bool, out: Path | None, proj: Project | None = None,
               allow_small_groups: bool = False) -> None:
    """Print a query table (or its JSON) and write it to a file if asked (through the disclosure checks)."""
    if out is not None:
        if proj is None:
            raise InvalidInput("writing a table needs the project")
        out.parent.mkdir(parents=True, exist_ok=True)
        proj.write_table(result, out, allow_small_groups=allow_small_groups)
    if json_out:
        print_json({"title": result.title, "columns": result.columns, "rows": result.rows, "notes": result.notes})
        return
    table(result.title, list(result.columns), [list(r) for r in result.rows])
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    if out is not None:
        done(f"Wrote {out}")


def review(
    theme: Optional[str] = typer.Argument(None, help="A theme; leave out for the overview of all themes."),
    min_participants: int = typer.Option(2, help="Flag themes supported by fewer participants than this."),
    coder: Optional[str] = CoderOption,
    json_out: bool = JsonOption,
) -> None:
    """Phase 4: review a theme against its extracts, or all themes against the data set.

    Example: thematica review "Holding two roles at once"
    """
    with project() as proj:
        if theme is not None:
            r = proj.theme_review(theme, coder=coder)
            if json_out:
                print_json(r)
                return
            console.print(f"[bold]{escape(r.theme.name)}[/] ({r.theme.status.value})")
            console.print(
                f"{len(r.participants)} of {r.participants_total} participants ({', '.join(r.participants)}), "
                f"{r.sources} sources, {r.segments} segments, {r.shared_segments} shared with other themes"
            )
            console.print("codes: " + escape(", ".join(r.codes)))
            for x in r.extracts:
                console.print(escape(f"#{x.segment.id} {x.participant or x.source} [{x.code}]"), style="bold")
                line = Text("  …" + one_line(x.before)[-50:] + " ")
                line.append(one_line(x.segment.text), style="reverse")
                line.append(" " + one_line(x.after)[:50] + "…")
                console.print(line)
            return
        warnings = proj.theme_warnings(min_participants, coder=coder)
        coverage = proj.coverage(coder=coder)
    if json_out:
        print_json({"warnings": to_jsonable(warnings), "coverage": coverage.records()})
        return
    show_table(coverage, False, None)
    for name, n in warnings.thin_themes:
        console.print(escape(f"- {name}: only {n} participant(s)"))
    if warnings.codes_without_theme:
        console.print(escape("- codes in no theme: " + ", ".join(warnings.codes_without_theme)))
    for code, homes in warnings.codes_in_several_themes:
        console.print(escape(f"- {code} serves {len(homes)} themes: {', '.join(homes)}"))
    if warnings.shared_segments:
        console.print(f"- {warnings.shared_segments} segments belong to more than one theme")


def matrix(
    rows: str = typer.Option("codes", help="codes or themes."),
    columns: str = typer.Option("participants", help="participants, or an attribute such as gender."),
    count: str = typer.Option("segments", help="segments, participants, words or sources."),
    percent: Optional[str] = typer.Option(None, help="row or column percentages."),
    coder: Optional[str] = CoderOption,
    include_interviewer: bool = typer.Option(False, help="Count segments in interviewer turns too."),
    out: Optional[Path] = OutOption,
    allow_small_groups: bool = AllowSmallGroups,
    json_out: bool = JsonOption,
) -> None:
    """Matrix coding: codes or themes by participants or attribute values.

    Example: thematica matrix --rows themes --columns gender --count participants --percent column
    """
    with project() as proj:
        result = proj.matrix(
            rows, columns, how=count, percent=percent, coder=coder, include_interviewer=include_interviewer  # type: ignore[arg-type]
        )
        show_table(result, json_out, out, proj, allow_small_groups)


def cooccur(
    mode: str = typer.Option("overlap", help="same (span), overlap, or turn."),
    coder: Optional[str] = CoderOption,
    out: Optional[Path] = OutOption,
    json_out: bool = JsonOption,
) -> None:
    """Code co-occurrence: codes on the same span, overlapping spans, or in the same turn."""
    with project() as proj:
        result = proj.cooccurrence(mode, coder=coder)  # type: ignore[arg-type]
        show_table(result, json_out, out, proj)


def saturation(
    coder: Optional[str] = CoderOption,
    out: Optional[Path] = OutOption,
    json_out: bool = JsonOption,
) -> None:
    """New codes per source in coding order, and the cumulative curve."""
    with project() as proj:
        result = proj.saturation(coder=coder)
        show_table(result, json_out, out, proj)


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.command("review")(review)
    app.command("matrix")(matrix)
    app.command("cooccur")(cooccur)
    app.command("saturation")(saturation)
