"""Commands: code (apply, quote, in-vivo, remove, memo, list), search, words."""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.markup import escape
from rich.text import Text

from ..errors import InvalidInput
from .common import JsonOption, console, done, one_line, print_json, project, table

code_app = typer.Typer(help="Code text, uncode it, and read coded extracts.", no_args_is_help=True)


@code_app.command("apply")
def apply(
    source: str,
    start: int = typer.Argument(..., help="First character (0-based, code points)."),
    end: int = typer.Argument(..., help="One past the last character."),
    code: str = typer.Argument(..., help="Code name, path or id."),
    coder: Optional[str] = typer.Option(None, help="Coder (default: --user)."),
    memo: str = typer.Option("", help="A memo on the segment."),
) -> None:
    """Code a span of a source by offsets.

    Example: thematica code apply P01 1200 1340 "Letting go of power"
    """
    with project() as proj:
        seg = proj.code(source, start, end, code, coder=coder, memo=memo)
        done(f"Segment #{seg.id}: {seg.text[:70]!r}")


@code_app.command("quote")
def quote(
    source: str,
    text: str = typer.Argument(..., help="The exact words to code."),
    code: str = typer.Argument(..., help="Code name, path or id."),
    occurrence: Optional[int] = typer.Option(None, help="Which occurrence, if the words occur more than once."),
    coder: Optional[str] = typer.Option(None, help="Coder (default: --user)."),
    memo: str = typer.Option("", help="A memo on the segment."),
) -> None:
    """Code the place where some exact words occur.

    Example: thematica code quote P01 "sit on my hands" "Letting go of power"
    """
    with project() as proj:
        seg = proj.code_quote(source, text, code, occurrence=occurrence, coder=coder, memo=memo)
        done(f"Segment #{seg.id} at {seg.start}..{seg.end}")


@code_app.command("in-vivo")
def in_vivo(
    source: str,
    start: int,
    end: int,
    parent: Optional[str] = typer.Option(None, help="Put the new code under this one."),
    coder: Optional[str] = typer.Option(None),
) -> None:
    """Make an in-vivo code from the participant's own words and code them with it."""
    with project() as proj:
        seg = proj.code_in_vivo(source, start, end, parent=parent, coder=coder)
        done(f"In-vivo code #{seg.code_id} {proj.code_by(seg.code_id).name!r}")


@code_app.command("remove")
def remove(segment: int = typer.Argument(..., help="Segment id.")) -> None:
    """Uncode one segment (undo brings it back)."""
    with project() as proj:
        seg = proj.uncode(segment)
        done(f"Removed segment #{seg.id}")


@code_app.command("memo")
def memo(segment: int, text: str) -> None:
    """Write the memo of a segment."""
    with project() as proj:
        proj.set_segment_memo(segment, text)
        done(f"Memo on segment #{segment}")


@code_app.command("list")
def list_extracts(
    code: Optional[List[str]] = typer.Option(None, "--code", "-c", help="Code(s) to retrieve (repeatable)."),
    source: Optional[str] = typer.Option(None, help="Only this source."),
    coder: Optional[str] = typer.Option(None, help="Only this coder's segments."),
    where: Optional[List[str]] = typer.Option(None, help="Participant attribute filter, e.g. gender=female."),
    no_subcodes: bool = typer.Option(False, "--no-subcodes", help="Leave out segments of sub-codes."),
    participants_only: bool = typer.Option(False, help="Leave out interviewer speech."),
    json_out: bool = JsonOption,
) -> None:
    """Coded extracts with context, by code, source, coder and participant attributes."""
    filters = {}
    for item in where or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InvalidInput(f"--where needs ATTRIBUTE=VALUE, not {item!r}")
        filters[key.strip()] = value.strip()
    with project() as proj:
        items = proj.extracts(
            code or None, subcodes=not no_subcodes, source=source, coder=coder,
            where=filters or None, exclude_interviewer=participants_only,
        )
    if json_out:
        print_json(items)
        return
    for x in items:
        who = x.participant or x.speaker or ""
        head = f"#{x.segment.id} {x.source} {x.segment.start}..{x.segment.end} {x.code} ({x.coder}) {who}"
        console.print(escape(head), style="bold")
        line = Text("  …" + one_line(x.before)[-60:] + " ")
        line.append(one_line(x.segment.text), style="reverse")
        line.append(" " + one_line(x.after)[:60] + "…")
        console.print(line)
    console.print(f"{len(items)} extracts")


def search(
    query: str = typer.Argument(..., help='Words, "a phrase", prefix*, OR.'),
    limit: int = typer.Option(20, help="At most this many hits."),
    participants_only: bool = typer.Option(False, help="Leave out interviewer speech."),
    json_out: bool = JsonOption,
) -> None:
    """Full-text search across all sources.

    Example: thematica search '"letting go" power'
    """
    with project() as proj:
        hits = proj.search(query, limit=limit, participants_only=participants_only)
    if json_out:
        print_json(hits)
        return
    table(f"{len(hits)} hits", ["source", "at", "snippet"], [[h.source, h.start, h.snippet] for h in hits])


def words(
    limit: int = typer.Option(30, help="How many words."),
    all_speakers: bool = typer.Option(False, help="Count interviewer speech too."),
    source: Optional[str] = typer.Option(None, help="Only this source."),
    json_out: bool = JsonOption,
) -> None:
    """Most frequent words (stop words out), in participants' speech by default."""
    with project() as proj:
        counts = proj.word_frequencies(limit=limit, participants_only=not all_speakers, source=source)
    if json_out:
        print_json([{"word": w, "count": n} for w, n in counts])
        return
    table("Word frequencies", ["word", "count"], [[w, n] for w, n in counts])


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.add_typer(code_app, name="code")
    app.command("search")(search)
    app.command("words")(words)
