"""Commands: coders (list/add/set/export/merge), agree, disagreements, resolve, accept-agreed."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from ..analysis.tables import Table
from ..errors import InvalidInput
from ..reliability.stats import STATISTICS
from .analysis import show_table
from .common import (
    JsonOption,
    console,
    done,
    one_line,
    print_json,
    project,
    table,
    to_jsonable,
)

coders_app = typer.Typer(help="The people who code; blind coding; exporting and merging a coder's work.", no_args_is_help=True)
CodersOption = typer.Option(None, "--coder", "-c", help="A coder to compare (repeatable; default: everyone who coded).")


@coders_app.command("list")
def list_coders(json_out: bool = JsonOption) -> None:
    """List coders, with their role, kind and whether they code blind."""
    with project() as proj:
        coders = proj.coders()
    if json_out:
        print_json(coders)
        return
    names = {c.id: c.name for c in coders}
    rows = [[c.id, c.name, c.role, c.kind.value, "yes" if c.blind else "", names.get(c.recode_of or -1, "")] for c in coders]
    table("Coders", ["id", "name", "role", "kind", "blind", "re-codes"], rows)


@coders_app.command("add")
def add_coder(
    name: str,
    role: str = typer.Option("", help="e.g. 'peer researcher'."),
    blind: bool = typer.Option(False, "--blind", help="They see only their own segments."),
    recode_of: Optional[str] = typer.Option(None, help="This identity re-codes that coder's earlier work (intra-coder)."),
) -> None:
    """Register a coder.

    Example: thematica coders add "Researcher B" --role "peer researcher" --blind
    """
    with project() as proj:
        coder = proj.add_coder(name, role, blind=blind, recode_of=recode_of)
        done(f"Coder #{coder.id} {coder.name}" + (" (blind)" if coder.blind else ""))


@coders_app.command("set")
def set_coder(
    name: str,
    role: Optional[str] = typer.Option(None),
    blind: Optional[bool] = typer.Option(None, "--blind/--not-blind", help="Whether they code blind."),
) -> None:
    """Change a coder's role or blind setting."""
    with project() as proj:
        coder = proj.set_coder(name, role=role, blind=blind)
        done(f"{coder.name}: role {coder.role!r}, {'blind' if coder.blind else 'not blind'}")


@coders_app.command("export")
def export_coder(name: str, out: Path = typer.Option(..., "--out", "-o", help="The package file to write (.json).")) -> None:
    """Export one coder's work (segments, the codes and sources they touch) to send or keep.

    Example: thematica coders export "Researcher B" --out researcher-b.json
    """
    with project() as proj:
        path = proj.export_coder(name, out)
    done(f"Wrote {path}")


@coders_app.command("merge")
def merge_coder(package: Path, json_out: bool = JsonOption) -> None:
    """Merge a coder's exported work into this project (merging twice changes nothing)."""
    with project() as proj:
        report = proj.merge_coder(package)
    if json_out:
        print_json(report)
        return
    done(f"{report.coder}: {report.segments_added} segments added, {report.segments_already_there} already here")
    for name in report.codes_created:
        console.print(escape(f"- created code {name}"))
    for name in report.codes_matched_by_name:
        console.print(escape(f"- code {name} matched by name"))
    for conflict in report.conflicts:
        console.print(escape(f"- conflict: {conflict}"))


def agree(
    coder: Optional[List[str]] = CodersOption,
    unit: str = typer.Option("turn", help="character, sentence, paragraph, turn or predefined."),
    code: Optional[List[str]] = typer.Option(None, "--code", help="Only these codes (repeatable)."),
    min_share: float = typer.Option(0.0, help="A unit is coded when this share of it is covered (0: any overlap)."),
    statistic: Optional[List[str]] = typer.Option(None, "--statistic", "-s", help=f"Some of {', '.join(STATISTICS)}."),
    all_speakers: bool = typer.Option(False, help="Compare interviewer turns too."),
    units_from: Optional[str] = typer.Option(None, help="With --unit predefined: the coder whose segments are the units."),
    no_ci: bool = typer.Option(False, "--no-ci", help="Skip the bootstrap confidence intervals."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Also write the table to .csv or .xlsx."),
    json_out: bool = JsonOption,
) -> None:
    """Agreement between coders per code and pooled: % agreement, kappa, alpha, AC1, Brennan-Prediger, CIs.

    Example: thematica agree --coder "Researcher A" --coder "Researcher B" --unit sentence
    """
    with project() as proj:
        result = proj.compare(
            coder, unit=unit, codes=code, min_share=min_share, statistics=statistic or STATISTICS,
            ci=not no_ci, participants_only=not all_speakers, units_from=units_from,
        )
    if json_out:
        print_json({
            "coders": result.coders, "unit": result.unit.value, "units": result.units, "sources": result.sources,
            "intra": result.intra, "sentence": result.sentence(),
            "codes": [{"code": c.code, "coded": c.coded, "reading": c.reading, **c.agreement.as_dict()}
                      for c in (*result.per_code, result.pooled)],
        })
        if out is not None:
            out.parent.mkdir(parents=True, exist_ok=True)
            result.table().write(out)
        return
    show_table(_brief(result.table()), False, None)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        result.table().write(out)
        done(f"Wrote {out}")
    console.print(escape(result.sentence()))


def _brief(full: Table) -> Table:
    """The agreement table without the long reading column, for the terminal."""
    keep = [i for i, c in enumerate(full.columns) if c not in ("reading", "alpha 95% CI", "AC1 95% CI", "Fleiss' kappa")]
    return Table(full.title, tuple(full.columns[i] for i in keep), tuple(tuple(r[i] for i in keep) for r in full.rows), full.notes)


def disagreements(
    coder: Optional[List[str]] = CodersOption,
    resolved: bool = typer.Option(False, "--resolved", help="Show resolved places too."),
    limit: int = typer.Option(50, help="At most this many."),
    json_out: bool = JsonOption,
) -> None:
    """The review queue: every place where the coders differ, side by side with the text."""
    with project() as proj:
        items = proj.disagreements(coder, include_resolved=resolved)
        progress = proj.queue_progress(coder)
    if json_out:
        print_json({"progress": to_jsonable(progress), "items": to_jsonable(items[:limit])})
        return
    for item in items[:limit]:
        status = f" [resolved: {item.resolved}]" if item.resolved else ""
        console.print(escape(f"{item.key}  {item.difference.value}{status}"), style="bold")
        console.print(escape(f"  …{one_line(item.before)[-50:]} «{one_line(item.text)}» {one_line(item.after)[:50]}…"))
        for name, coding in item.coding.items():
            shown = "; ".join(f"{code} {a}-{b}" for code, a, b, _ in coding) or "(nothing)"
            console.print(escape(f"    {name}: {shown}"))
    console.print(
        f"{progress.disagreements} disagreements in {progress.places} places ({progress.agreed} agreed); "
        f"{progress.resolved} resolved, {progress.disagreements - progress.resolved} to review"
    )


def resolve(
    key: str = typer.Argument(..., help="The place, as 'disagreements' names it (SOURCE:START-END)."),
    decision: str = typer.Argument(..., help="accept, both, neither or spans."),
    accept: Optional[str] = typer.Option(None, "--accept", help="With 'accept': whose coding to take."),
    span: Optional[List[str]] = typer.Option(None, help="With 'spans': CODE:START-END (repeatable)."),
    rationale: str = typer.Option("", help="Why: kept with the consensus coding."),
    coder: Optional[List[str]] = CodersOption,
) -> None:
    """Settle a disagreement in the consensus layer (audited; undo reverts it).

    Example: thematica resolve P01:1558-1676 accept --accept "Researcher A" --rationale "fits the definition"
    """
    spans = []
    for item in span or []:
        code, sep, where = item.rpartition(":")
        start, dash, end = where.partition("-")
        if not sep or not dash or not start.strip().isdigit() or not end.strip().isdigit():
            raise InvalidInput(f"--span needs CODE:START-END, not {item!r}")
        spans.append((code, int(start), int(end)))
    with project() as proj:
        written = proj.resolve(key, decision, coder=accept, spans=spans, rationale=rationale, coders=coder)
        progress = proj.queue_progress(coder)
    done(f"Resolved {key}: {written} consensus segments; {progress.resolved} of {progress.disagreements} resolved")


def accept_agreed(coder: Optional[List[str]] = CodersOption) -> None:
    """Copy every place where the coders already agree into the consensus layer."""
    with project() as proj:
        written = proj.accept_agreements(coder)
    done(f"{written} agreed segments copied into the consensus layer")


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.add_typer(coders_app, name="coders")
    app.command("agree")(agree)
    app.command("disagreements")(disagreements)
    app.command("resolve")(resolve)
    app.command("accept-agreed")(accept_agreed)
