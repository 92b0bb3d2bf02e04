"""Commands: codebook list/add/edit/rename/move/merge/split/delete/restore/import/export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InvalidInput
from ..project import tree_order
from .common import JsonOption, console, done, print_json, project, table, to_jsonable

codebook_app = typer.Typer(help="The codebook: codes, their definitions and hierarchy.", no_args_is_help=True)


@codebook_app.command("list")
def list_codes(
    deleted: bool = typer.Option(False, "--deleted", help="Show deleted codes too."),
    json_out: bool = JsonOption,
) -> None:
    """Show the code tree with segment counts."""
    with project() as proj:
        codes = proj.codes(include_deleted=deleted)
        counts = Counter(s.code_id for s in proj.segments())
        if json_out:
            print_json([{**to_jsonable(c), "path": proj.code_path(c.id), "segments": counts[c.id]} for c in codes])
            return
        depth = {c.id: proj.code_path(c.id).count("/") for c in codes}
        rows = [
            [c.id, "  " * depth[c.id] + c.name + (" (deleted)" if c.deleted else ""), c.origin.value, counts[c.id], c.definition[:60]]
            for c in tree_order(codes)
        ]
        table("Codebook", ["id", "code", "origin", "segments", "definition"], rows)


@codebook_app.command("add")
def add(
    name: str,
    parent: Optional[str] = typer.Option(None, help="Parent code."),
    origin: str = typer.Option("inductive", help="deductive, inductive or in-vivo."),
    definition: str = typer.Option("", help="When the code applies."),
    inclusion: str = typer.Option("", help="Inclusion criteria."),
    exclusion: str = typer.Option("", help="Exclusion criteria."),
    example: str = typer.Option("", help="A typical example."),
    colour: str = typer.Option("", help="Colour, e.g. #1f77b4."),
) -> None:
    """Add a code.

    Example: thematica codebook add "Letting go of power" --parent Power --origin deductive
    """
    with project() as proj:
        code = proj.create_code(
            name, parent=parent, origin=origin, definition=definition, inclusion=inclusion,
            exclusion=exclusion, example=example, colour=colour,
        )
        done(f"Added code #{code.id} {code.name}")


@codebook_app.command("edit")
def edit(
    code: str,
    definition: Optional[str] = typer.Option(None),
    inclusion: Optional[str] = typer.Option(None),
    exclusion: Optional[str] = typer.Option(None),
    example: Optional[str] = typer.Option(None),
    colour: Optional[str] = typer.Option(None),
    origin: Optional[str] = typer.Option(None),
    status: Optional[str] = typer.Option(None, help="draft, active or retired."),
) -> None:
    """Change a code's documentation."""
    given = dict(definition=definition, inclusion=inclusion, exclusion=exclusion, example=example)
    given.update(colour=colour, origin=origin, status=status)
    fields = {k: v for k, v in given.items() if v is not None}
    if not fields:
        raise InvalidInput("nothing to change: give --definition, --inclusion, ...")
    with project() as proj:
        done(f"Updated {proj.update_code(code, **fields).name}")


@codebook_app.command("rename")
def rename(code: str, new_name: str) -> None:
    """Rename a code."""
    with project() as proj:
        done(f"Renamed to {proj.rename_code(code, new_name).name}")


@codebook_app.command("move")
def move(code: str, parent: Optional[str] = typer.Argument(None, help="New parent; leave out for the top level.")) -> None:
    """Move a code under another (or to the top level)."""
    with project() as proj:
        moved = proj.move_code(code, parent)
        done(f"Moved: {proj.code_path(moved.id)}")


@codebook_app.command("merge")
def merge(codes: List[str] = typer.Argument(..., help="Codes to merge."), into: str = typer.Option(..., help="The code they become.")) -> None:
    """Merge codes into one; their segments move, they are deleted (restorable)."""
    with project() as proj:
        done(f"Merged into {proj.merge_codes(codes, into).name}")


@codebook_app.command("split")
def split(
    code: str,
    into: List[str] = typer.Option(..., help="A new code (repeatable)."),
    move: Optional[List[str]] = typer.Option(None, help="SEGMENT_ID=NEW_CODE: a segment to move (repeatable)."),
) -> None:
    """Split a code into new sibling codes and move chosen segments to them."""
    moves = {}
    for item in move or []:
        seg, sep, name = item.partition("=")
        if not sep or not seg.strip().isdigit():
            raise InvalidInput(f"--move needs SEGMENT_ID=CODE, not {item!r}")
        moves[int(seg)] = name
    with project() as proj:
        made = proj.split_code(code, into, moves)
        done("Created " + ", ".join(c.name for c in made))


@codebook_app.command("delete")
def delete(code: str) -> None:
    """Delete a code and its sub-codes (segments kept; 'restore' brings all back)."""
    with project() as proj:
        gone = proj.delete_code(code)
        done(f"Deleted {', '.join(c.name for c in gone)}")


@codebook_app.command("restore")
def restore(code: str) -> None:
    """Restore a deleted code with its segments."""
    with project() as proj:
        done(f"Restored {proj.restore_code(code).name}")


@codebook_app.command("import")
def import_csv(csv_file: Path, encoding: Optional[str] = typer.Option(None)) -> None:
    """Import codes from CSV (name, parent, origin, status, colour, definition, inclusion, exclusion, example)."""
    with project() as proj:
        created, updated = proj.import_codebook_csv(csv_file, encoding=encoding)
        done(f"{created} codes created, {updated} updated")


@codebook_app.command("export")
def export_csv(out: Optional[Path] = typer.Option(None, "--out", "-o", help="File to write (default: stdout).")) -> None:
    """Export the codebook as CSV."""
    with project() as proj:
        text = proj.export_codebook_csv()
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"Wrote {out}", markup=False)


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.add_typer(codebook_app, name="codebook")
