"""Commands: init, import, sources, participants."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from ..errors import InvalidInput
from ..ingest.base import SurveyMapping
from ..project import init_project
from .common import JsonOption, console, done, print_json, project, table

sources_app = typer.Typer(help="List and inspect sources.", no_args_is_help=True)
participants_app = typer.Typer(help="Participants and their attributes.", no_args_is_help=True)


def init(
    path: Path = typer.Argument(..., help="The new project file (.thematica is added)."),
    name: Optional[str] = typer.Option(None, help="The project's name (default: the file name)."),
) -> None:
    """Create a new, empty project.

    Example: thematica init recovery-college --name "Recovery College co-production"
    """
    proj = init_project(path, name=name)
    done(f"Created {proj.path}")
    proj.close()


def import_(
    files: List[Path] = typer.Argument(..., help="Transcripts: .txt .md .docx .pdf .rtf .odt .vtt .srt; or one survey .csv/.xlsx."),
    participant: Optional[str] = typer.Option(None, help="The participant these transcripts belong to."),
    name: Optional[str] = typer.Option(None, help="Source name, when importing one file (default: file name)."),
    encoding: Optional[str] = typer.Option(None, help="Text encoding, if not UTF-8/UTF-16 with BOM/cp1252."),
    speaker_pattern: Optional[str] = typer.Option(
        None, help="Regex with a (?P<speaker>...) group that starts each turn, instead of detection."
    ),
    interviewer: Optional[List[str]] = typer.Option(None, help="Speaker label(s) of the interviewer."),
    id_column: Optional[str] = typer.Option(None, help="Survey: the respondent id column."),
    text_column: Optional[List[str]] = typer.Option(None, help="Survey: an open-answer column (repeatable)."),
    attribute_column: Optional[List[str]] = typer.Option(None, help="Survey: an attribute column (repeatable)."),
    sheet: Optional[str] = typer.Option(None, help="Survey: the XLSX sheet (default: the first)."),
    json_out: bool = JsonOption,
) -> None:
    """Import transcripts (one source each, with speaker turns) or a survey table.

    Examples: thematica import interviews/*.docx;
    thematica import survey.csv --id-column id --text-column q7 --attribute-column role
    """
    with project() as proj:
        if text_column:
            if len(files) != 1 or not id_column:
                raise InvalidInput("a survey import takes one file and --id-column")
            mapping = SurveyMapping(id_column, tuple(text_column), tuple(attribute_column or ()))
            imported = proj.import_survey(files[0], mapping, encoding=encoding, sheet=sheet)
        else:
            with Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=console, transient=True, disable=json_out or len(files) < 3,
            ) as bar:
                task = bar.add_task("reading", total=len(files))
                imported = proj.import_files(
                    files, name=name, participant=participant, encoding=encoding, speaker_pattern=speaker_pattern,
                    interviewer_labels=interviewer or None, progress=lambda _p: bar.advance(task),
                )
        if json_out:
            print_json(imported)
            return
        table("Imported", ["source", "kind", "characters", "turns"], [[s.name, s.kind, s.length, s.turn_count] for s in imported])


def list_sources(json_out: bool = JsonOption) -> None:
    """List the sources, with participant and turn counts."""
    with project() as proj:
        items = proj.sources()
        keys = {p.id: p.key for p in proj.participants()}
        if json_out:
            print_json(items)
            return
        rows = [[s.id, s.name, s.kind, keys.get(s.participant_id or -1, ""), s.length, s.turn_count] for s in items]
        table("Sources", ["id", "name", "kind", "participant", "characters", "turns"], rows)


def show_source(
    source: str = typer.Argument(..., help="Source name or id."),
    turns: bool = typer.Option(False, "--turns", help="List the speaker turns instead of the text."),
    json_out: bool = JsonOption,
) -> None:
    """Print a source's text, or its speaker turns."""
    with project() as proj:
        if turns:
            items = proj.turns(source)
            if json_out:
                print_json(items)
                return
            text = proj.source_text(source)
            rows = [[t.index, t.speaker, t.role.value, t.start, t.end, text[t.start : t.end][:70]] for t in items]
            table(f"Turns of {source}", ["#", "speaker", "role", "start", "end", "text"], rows)
        elif json_out:
            print_json({"source": proj.source(source), "text": proj.source_text(source)})
        else:
            console.print(proj.source_text(source), markup=False)


def import_participants(
    csv_file: Path = typer.Argument(..., help="CSV: an id column and any attribute columns."),
    id_column: Optional[str] = typer.Option(None, help="The id column (default: the first)."),
    type_: Optional[List[str]] = typer.Option(
        None, "--type", help="Attribute type, e.g. --type band=category (text, number, date, category)."
    ),
    create: bool = typer.Option(False, "--create", help="Create participants whose id matches nothing yet."),
    encoding: Optional[str] = typer.Option(None),
) -> None:
    """Import participants and their attributes, linked to sources by id or source name.

    Example: thematica participants import participants.csv --type band=category
    """
    types = {}
    for item in type_ or []:
        column, sep, kind = item.partition("=")
        if not sep:
            raise InvalidInput(f"--type needs COLUMN=TYPE, not {item!r}")
        types[column.strip()] = kind.strip()
    with project() as proj:
        people = proj.import_participants(
            csv_file, id_column=id_column, types=types, create_missing=create, encoding=encoding
        )
        done(f"{len(people)} participants, {len(proj.attributes())} attributes")


def list_participants(json_out: bool = JsonOption) -> None:
    """List participants and their attributes."""
    with project() as proj:
        people = proj.participants()
        if json_out:
            print_json(people)
            return
        names = [a.name for a in proj.attributes()]
        rows = [[p.key, *[_show(p.attributes.get(n)) for n in names]] for p in people]
        table("Participants", ["id", *names], rows)


def link(source: str, participant: str) -> None:
    """Link a source to a participant."""
    with project() as proj:
        proj.link_source(source, participant)
        done(f"{source} -> {participant}")


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.command("init")(init)
    app.command("import")(import_)
    sources_app.command("list")(list_sources)
    sources_app.command("show")(show_source)
    participants_app.command("import")(import_participants)
    participants_app.command("list")(list_participants)
    participants_app.command("link")(link)
    app.add_typer(sources_app, name="sources")
    app.add_typer(participants_app, name="participants")
