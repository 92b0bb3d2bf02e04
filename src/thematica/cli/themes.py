"""Commands: themes create/assign/unassign/move-code/merge/split/define/rename/move/demote/delete/restore/quote/list/map."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.tree import Tree

from ..errors import InvalidInput
from ..project import theme_tree
from .common import JsonOption, console, done, print_json, project, to_jsonable

themes_app = typer.Typer(help="Themes and subthemes built from codes (phases 3-5).", no_args_is_help=True)


@themes_app.command("create")
def create(
    name: str,
    parent: Optional[str] = typer.Option(None, help="Make it a subtheme of this theme."),
    code: Optional[List[str]] = typer.Option(None, "--code", "-c", help="A code it is built from (repeatable)."),
    definition: str = typer.Option("", help="What the theme is about."),
    concept: str = typer.Option("", help="Its central organising concept."),
) -> None:
    """Create a candidate theme.

    Example: thematica themes create "Letting go" --parent "Changing the clinician" -c "Letting go of power"
    """
    with project() as proj:
        theme = proj.create_theme(name, parent=parent, codes=code or (), definition=definition, concept=concept)
        done(f"Theme #{theme.id} {theme.name} ({len(theme.code_ids)} codes)")


@themes_app.command("assign")
def assign(theme: str, codes: List[str] = typer.Argument(..., help="Codes to put into the theme.")) -> None:
    """Put codes into a theme."""
    with project() as proj:
        done(f"{proj.assign_codes(theme, codes).name}: {len(proj.theme(theme).code_ids)} codes")


@themes_app.command("unassign")
def unassign(theme: str, codes: List[str] = typer.Argument(..., help="Codes to take out.")) -> None:
    """Take codes out of a theme."""
    with project() as proj:
        done(f"{proj.unassign_codes(theme, codes).name}: {len(proj.theme(theme).code_ids)} codes")


@themes_app.command("move-code")
def move_code(code: str, from_theme: str = typer.Option(..., "--from"), to_theme: str = typer.Option(..., "--to")) -> None:
    """Move a code from one theme to another."""
    with project() as proj:
        proj.move_code_to_theme(code, from_theme, to_theme)
        done(f"Moved {code} to {to_theme}")


@themes_app.command("merge")
def merge(themes: List[str] = typer.Argument(..., help="Themes to merge."), into: str = typer.Option(...)) -> None:
    """Merge themes into one (codes, key extracts and subthemes move over)."""
    with project() as proj:
        done(f"Merged into {proj.merge_themes(themes, into).name}")


@themes_app.command("split")
def split(
    theme: str,
    part: List[str] = typer.Option(..., help='NEW NAME=CODE;CODE, e.g. --part "Giving power=Letting go of power" (repeatable).'),
) -> None:
    """Split a theme into new sibling themes, each taking some of its codes."""
    parts: dict[str, list[str]] = {}
    for item in part:
        name, sep, codes = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(f"--part needs NAME=CODE;CODE, not {item!r}")
        parts[name.strip()] = [c.strip() for c in codes.split(";") if c.strip()]
    with project() as proj:
        made = proj.split_theme(theme, parts)
        done("Created " + ", ".join(t.name for t in made))


@themes_app.command("define")
def define(
    theme: str,
    definition: Optional[str] = typer.Option(None),
    concept: Optional[str] = typer.Option(None, help="The central organising concept."),
    narrative: Optional[str] = typer.Option(None, help="The narrative the report uses for this theme."),
    narrative_file: Optional[Path] = typer.Option(None, help="Read the narrative from a text file."),
    status: Optional[str] = typer.Option(None, help="candidate, reviewed, defined or final."),
) -> None:
    """Define a theme: definition, central organising concept, narrative, status."""
    if narrative_file is not None:
        try:
            narrative = narrative_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read {narrative_file}: {exc}") from exc
    with project() as proj:
        t = proj.define_theme(theme, definition=definition, concept=concept, narrative=narrative, status=status)
        done(f"{t.name}: {t.status.value}")


@themes_app.command("rename")
def rename(theme: str, new_name: str) -> None:
    """Rename a theme (the naming history keeps every name)."""
    with project() as proj:
        done(f"Renamed to {proj.rename_theme(theme, new_name).name}")


@themes_app.command("move")
def move(theme: str, parent: Optional[str] = typer.Argument(None, help="New parent theme; leave out for top level.")) -> None:
    """Make a theme a subtheme of another (or a top-level theme)."""
    with project() as proj:
        proj.move_theme(theme, parent)
        done(f"Moved {theme}")


@themes_app.command("demote")
def demote(theme: str, parent_code: Optional[str] = typer.Option(None, help="Put the new code under this code.")) -> None:
    """Turn a theme back into a code, with its codes beneath it."""
    with project() as proj:
        code_id = proj.demote_theme(theme, parent_code=parent_code)
        done(f"Theme {theme} is now code #{code_id}")


@themes_app.command("delete")
def delete(theme: str) -> None:
    """Delete a theme (restore or undo bring it back)."""
    with project() as proj:
        done(f"Deleted {proj.delete_theme(theme).name}")


@themes_app.command("restore")
def restore(theme: str) -> None:
    """Restore a deleted theme."""
    with project() as proj:
        done(f"Restored {proj.restore_theme(theme).name}")


@themes_app.command("quote")
def quote(
    theme: str,
    segment: int = typer.Argument(..., help="The segment to quote."),
    drop: bool = typer.Option(False, "--drop", help="Stop using it as a key extract."),
) -> None:
    """Choose a coded segment as a key extract of a theme (the report quotes it first)."""
    with project() as proj:
        t = proj.drop_quote(theme, segment) if drop else proj.choose_quote(theme, segment)
        done(f"{t.name}: {len(t.quote_ids)} key extracts")


@themes_app.command("list")
def list_themes(json_out: bool = JsonOption) -> None:
    """List themes with their status, codes and support."""
    with project() as proj:
        themes = proj.themes()
        codes = {c.id: c.name for c in proj.codes()}
        reviews = {t.id: proj.theme_review(t.id) for t in themes}
    if json_out:
        print_json([{**to_jsonable(t), "codes": [codes[c] for c in t.code_ids if c in codes],
                     "participants": len(reviews[t.id].participants), "segments": reviews[t.id].segments} for t in themes])
        return
    for depth, t in theme_tree(themes):
        r = reviews[t.id]
        console.print(
            f"{'  ' * depth}[bold]#{t.id} {escape(t.name)}[/] [dim]{t.status.value}[/] "
            f"{len(r.participants)}/{r.participants_total} participants, {r.segments} segments"
        )
        if t.code_ids:
            console.print(f"{'  ' * depth}  codes: " + escape(", ".join(codes[c] for c in t.code_ids if c in codes)))


@themes_app.command("map")
def show_map(out: Optional[Path] = typer.Option(None, help="Also draw it to this PNG (an SVG is written beside it).")) -> None:
    """Show the thematic map: themes, subthemes and their codes."""
    with project() as proj:
        themes = proj.themes()
        codes = {c.id: c.name for c in proj.codes()}
        tree = Tree("[bold]Thematic map[/]")
        nodes: dict[int, Tree] = {}
        for _, t in theme_tree(themes):
            parent = nodes.get(t.parent_id, tree) if t.parent_id is not None else tree
            nodes[t.id] = parent.add(f"[bold]{escape(t.name)}[/] [dim]({t.status.value})[/]")
            for c in t.code_ids:
                if c in codes:
                    nodes[t.id].add(escape(codes[c]))
        console.print(tree)
        if out is not None:
            figure = proj.draw_thematic_map(out)
            done(f"Wrote {figure.path}")


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.add_typer(themes_app, name="themes")
