"""Commands: export (REFI-QDA, tables, the JSON Lines folder, the codebook document), import-project, import-comments."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from ..errors import InvalidInput, NotFound
from .common import AllowIdentifiers, JsonOption, console, done, print_json, project

#: export formats and the default file name after the project's stem
FORMATS = {"qdpx": ".qdpx", "qdc": ".qdc", "csv": "-{table}.csv", "xlsx": "-{table}.xlsx", "jsonl": "-jsonl",
           "codebook-docx": "-codebook.docx"}
TABLES = ("segments", "presence", "counts", "codebook")
#: how import summaries name what was added, in the order they are shown
KINDS = ("sources", "participants", "codes", "segments", "coders", "memos", "themes")


def export(
    format_: str = typer.Argument(..., metavar="FORMAT", help="qdpx, qdc, csv, xlsx, jsonl or codebook-docx."),
    out: Optional[Path] = typer.Option(
        None, "--out", "-o", help="File (a folder for jsonl) to write; default: named after the project, here."
    ),
    table_: Optional[str] = typer.Option(
        None, "--table", "-t", help="csv/xlsx: segments (default), presence, counts or codebook."
    ),
    coder: Optional[str] = typer.Option(None, help="Tables: only this coder's segments (counts: default the analysis coder)."),
    allow_identifiers: bool = AllowIdentifiers,
    json_out: bool = JsonOption,
) -> None:
    """Export the project: REFI-QDA (.qdpx project, .qdc codebook), tables, a git-friendly folder, the codebook.

    Examples: thematica export qdpx --out study.qdpx;
    thematica export xlsx --table presence --out presence.xlsx;
    thematica export jsonl --out study-folder
    """
    fmt = format_.strip().lower()
    if fmt not in FORMATS:
        raise InvalidInput(f"export formats are {', '.join(FORMATS)}, not {format_!r}")
    if table_ is not None and fmt not in ("csv", "xlsx"):
        raise InvalidInput("--table goes with csv or xlsx")
    kind = (table_ or "segments").strip().lower()
    if kind not in TABLES:
        raise InvalidInput(f"--table is one of {', '.join(TABLES)}, not {table_!r}")
    if coder is not None and fmt not in ("csv", "xlsx", "codebook-docx"):
        raise InvalidInput("--coder goes with csv, xlsx or codebook-docx")
    with project() as proj:
        path = out or Path(proj.path.stem + FORMATS[fmt].format(table=kind))
        if fmt in ("qdpx", "qdc"):
            written = _refi(proj, f"export_{fmt}")(path, allow_identifiers=allow_identifiers)
        elif fmt == "jsonl":
            written = proj.export_folder(path, allow_identifiers=allow_identifiers)
        elif fmt == "codebook-docx":
            written = proj.export_table("codebook", path, coder=coder, allow_identifiers=allow_identifiers)
        else:
            if path.suffix.lower() != f".{fmt}":
                raise InvalidInput(f"a {fmt} export needs a .{fmt} file name, not {path.name!r}")
            written = proj.export_table(kind, path, coder=coder, allow_identifiers=allow_identifiers)
    written = Path(written) if isinstance(written, (str, Path)) else path
    if json_out:
        print_json({"format": fmt, "path": str(written)})
        return
    done(f"Wrote {written}")


def import_project(
    path: Path = typer.Argument(
        ..., help="A .qdpx project (or a bare .qde), a .qdc codebook, or a folder written by 'export jsonl'."
    ),
    json_out: bool = JsonOption,
) -> None:
    """Add a REFI-QDA project or codebook, or a JSON Lines folder, to this project (all or nothing).

    Examples: thematica import-project nvivo-export.qdpx; thematica import-project study-folder
    """
    if not path.exists():  # say so before looking for the project
        raise NotFound(f"no such file or folder: {path}")
    with project() as proj:
        result = proj.import_exchange(path)
    _report(path, result, json_out)


def import_comments(
    file: Path = typer.Argument(..., help="A Word document (.docx) whose comments mark coded passages."),
    author_as_coder: bool = typer.Option(
        False, "--author-as-coder", help="Each comment's author is its coder (default: you)."
    ),
    name: Optional[str] = typer.Option(None, help="Source name (default: the file name)."),
    participant: Optional[str] = typer.Option(None, help="The participant this transcript belongs to."),
    json_out: bool = JsonOption,
) -> None:
    """Import a DOCX as a source with its comments as codes: each comment's passage is a coded segment.

    The comment's first line names the code ("Parent / Child" makes a sub-code);
    further lines and replies become the segment's memo.

    Example: thematica import-comments P03-coded.docx --author-as-coder
    """
    with project() as proj:
        result = proj.import_word_comments(file, author_as_coder=author_as_coder, name=name, participant=participant)
    _report(file, result, json_out)


# -- helpers -------------------------------------------------------------------------------
def _refi(proj: Any, method: str) -> Any:
    """A REFI-QDA method of the project (they live in project/refi.py)."""
    found = getattr(proj, method, None)
    if found is None:
        raise InvalidInput("this version of thematica cannot read or write REFI-QDA files")
    return found


def _report(path: Path, result: dict[str, Any], json_out: bool) -> None:
    """Print an import's summary (file, format, origin, added, notes: what every import method returns)."""
    added = {str(k): int(v) for k, v in dict(result.get("added") or {}).items()}
    notes = [str(n) for n in result.get("notes") or ()]
    if json_out:
        print_json({**result, "added": added, "notes": notes})
        return
    order = [k for k in KINDS if k in added] + sorted(k for k in added if k not in KINDS)
    parts = [_count(added[k], k) for k in order if added[k]]
    origin = str(result.get("origin") or "")
    made_by = f" (written by {origin})" if origin and str(result.get("format", "")).startswith("REFI") else ""
    done(f"Imported {path.name}{made_by}: {', '.join(parts) if parts else 'nothing new (everything was already here)'}")
    if notes:
        console.print("Not carried over, or changed on the way:", markup=False)
        for note in notes:
            console.print(f"  - {note}", markup=False, soft_wrap=True)


def _count(n: int, kind: str) -> str:
    return f"{n} {kind if n != 1 else kind[:-1]}"


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.command("export")(export)
    app.command("import-project")(import_project)
    app.command("import-comments")(import_comments)
