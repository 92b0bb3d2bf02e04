"""Commands: status, phase, coders, log, undo, check, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..errors import ProjectError
from ..model import ProjectSummary
from ..project import PhaseCheck
from .common import JsonOption, console, done, print_json, project, table, to_jsonable


def status(json_out: bool = JsonOption) -> None:
    """Where the analysis stands: phase, counts, segments per coder, most-used codes, what each phase lacks."""
    with project() as proj:
        summary = proj.summary()
        checks = proj.phase_checks()
        path = proj.path
    if json_out:
        print_json({**_plain(summary), "path": str(path), "checks": to_jsonable(checks)})
        return
    _print_summary(summary, path)
    _print_checks(checks)


def _plain(value: object) -> dict:
    return to_jsonable(value)


def _print_summary(s: ProjectSummary, path: Path) -> None:
    console.print(f"[bold]{escape(s.name)}[/]  ({escape(str(path))})")
    console.print(f"Phase {int(s.phase)} of 6: {s.phase.label}")
    console.print(
        f"{s.sources} sources, {s.participants} participants, {s.turns} turns, {s.codes} codes, "
        f"{s.memos} memos, {s.journal_entries} journal entries"
    )
    if s.segments_by_coder:
        table("Segments per coder", ["coder", "segments"], [[k, v] for k, v in s.segments_by_coder.items()])
    if s.top_codes:
        table("Most-used codes", ["code", "segments"], [[k, v] for k, v in s.top_codes])


def _print_checks(checks: list[PhaseCheck]) -> None:
    if not checks:
        console.print("Nothing obvious is missing in any phase.")
        return
    table(
        "What each phase still lacks",
        ["phase", "what", "how many", "e.g."],
        [[f"{int(c.phase)} {c.phase.label}", c.what, c.count, ", ".join(c.examples)] for c in checks],
    )


def phase(number: Optional[int] = typer.Argument(None, help="1-6; leave out to show the current phase.")) -> None:
    """Show or move the Braun & Clarke phase (1 familiarise ... 6 report)."""
    with project() as proj:
        current = proj.phase if number is None else proj.set_phase(number)
    done(f"Phase {int(current)}: {current.label}")


def log(limit: int = typer.Option(20, help="How many events."), json_out: bool = JsonOption) -> None:
    """The audit trail: who changed what, when, in which phase (newest first)."""
    with project() as proj:
        events = proj.log(limit)
    if json_out:
        print_json(events)
        return
    rows = [
        [e.id, f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, int(e.phase), e.operation, e.summary + (" [undone]" if e.undone else "")]
        for e in events
    ]
    table("Audit trail", ["#", "when (UTC)", "who", "phase", "operation", "what"], rows)


def undo(steps: int = typer.Option(1, min=1, help="How many changes to revert.")) -> None:
    """Revert the newest change(s); the undo is recorded in the trail too."""
    with project() as proj:
        for _ in range(steps):
            event = proj.undo()
            done(f"Undid #{event.id}: {event.summary}")


def check() -> None:
    """Check the project file's integrity and that every segment still matches its text."""
    with project() as proj:
        problems = proj.check()
    if problems:
        for p in problems:
            console.print(f"- {p}", markup=False)
        raise ProjectError(f"{len(problems)} problem(s) found")
    done("The project is sound.")


def demo(
    out: Path = typer.Option(Path("demo-study"), help="Folder for the example project."),
    json_out: bool = JsonOption,
) -> None:
    """Build the bundled (synthetic) example study, write its report, and print a summary and the paths."""
    from ..demo import build_demo

    proj = build_demo(out)
    try:
        summary = proj.summary()
        reports = proj.write_report(proj.path.parent / "report")
        comparison = proj.compare(unit="sentence")
        progress = proj.queue_progress()
        if json_out:
            print_json({
                **_plain(summary), "path": str(proj.path), "report": [str(p) for p in reports],
                "agreement": comparison.sentence(), "disagreements": progress.disagreements,
                "deidentification": proj.deid_status(),
            })
        else:
            _print_summary(summary, proj.path)
            table(comparison.table().title, ["code", "% agreement", "kappa", "alpha", "AC1"], [
                [c.code.split("/")[-1], _pct(c.agreement.percent), _num(c.agreement.cohen), _num(c.agreement.alpha), _num(c.agreement.ac1)]
                for c in (*comparison.per_code, comparison.pooled)
            ])
            console.print(comparison.sentence(), markup=False)
            console.print(f"{progress.disagreements} disagreements between the coders to review: thematica disagreements", markup=False)
            deid = proj.deid_status()
            console.print(
                f"De-identified {deid['deidentified_sources']} transcripts before the write-up: {deid['identifiers']} "
                "identifiers in the register (thematica deid register list); the report carries pseudonyms only",
                markup=False,
            )
            for path in reports:
                console.print(f"Report: {path}", markup=False)
            console.print(f"\nThe example study is SYNTHETIC. Project: {proj.path}", markup=False)
            console.print(f"Try: thematica --project {proj.path} code list --code 'Letting go of power'", markup=False)
    finally:
        proj.close()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _pct(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.1f}"


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.command("status")(status)
    app.command("phase")(phase)
    app.command("log")(log)
    app.command("undo")(undo)
    app.command("check")(check)
    app.command("demo")(demo)

