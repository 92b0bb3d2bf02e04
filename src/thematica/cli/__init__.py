"""The ``thematica`` command line: a thin layer over :class:`thematica.Project`.

Each command parses its arguments, calls one Project method and prints the
result. A :class:`~thematica.errors.ThematicaError` becomes one line on
stderr and exit status 1; nothing prints a traceback unless
THEMATICA_DEBUG=1.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from ..errors import OutputBlocked, ThematicaError
from . import (
    agreement,
    analysis,
    assist,
    codebook,
    coding,
    common,
    deid,
    exchange,
    notes,
    report,
    serve,
    sources,
    themes,
    trail,
)

app = typer.Typer(
    name="thematica",
    help="Local-first thematic analysis: import transcripts, code them, build themes, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _global(
    project: Optional[Path] = typer.Option(
        None, "--project", "-p", help="The project file (default: $THEMATICA_PROJECT, or the one *.thematica here)."
    ),
    user: Optional[str] = typer.Option(
        None, "--user", "-u", help="Who is working (default: $THEMATICA_USER, or your login name)."
    ),
) -> None:
    common.SETTINGS.project = project
    common.SETTINGS.user = user


for module in (sources, codebook, coding, notes, themes, analysis, agreement, report, exchange, deid, assist, serve,
               trail):
    module.register(app)


def main() -> None:
    """Entry point: run the app, turning thematica errors into one clear line."""
    try:
        app()  # standalone: usage errors, --help and exit codes are handled by Typer
    except ThematicaError as exc:
        common.err_console.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        for finding in exc.findings if isinstance(exc, OutputBlocked) else ():
            common.err_console.print(f"  {finding}", markup=False, soft_wrap=True)
        sys.exit(1)
    except KeyboardInterrupt:
        common.err_console.print("interrupted; the project holds every change that completed")
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for THEMATICA_DEBUG
        if os.environ.get("THEMATICA_DEBUG"):
            raise
        common.err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))} (set THEMATICA_DEBUG=1 for details)",
            soft_wrap=True,
        )
        sys.exit(2)


__all__ = ["app", "main"]
