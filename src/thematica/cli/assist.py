"""Commands: similar, suggest (codes, review, list, accept, reject), assist (status, embed, eval), themes suggest."""

from __future__ import annotations

from typing import List, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import InvalidInput
from .common import JsonOption, console, done, one_line, print_json, project, table

suggest_app = typer.Typer(help="Code suggestions learned from your own coding (local, offline).", no_args_is_help=True)
assist_app = typer.Typer(help="Local assistance: status, embeddings, evaluation against your coding.", no_args_is_help=True)


def _progress(label: str, quiet: bool = False) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True,
                    disable=quiet)


def similar(
    query: Optional[str] = typer.Argument(None, help="Text to find passages like (or use --segment/--code/--source)."),
    segment: Optional[int] = typer.Option(None, help="Passages like this segment."),
    code: Optional[str] = typer.Option(None, help="Passages like this code's segments."),
    source: Optional[str] = typer.Option(None, help="Passages like a selection of this source (with --start/--end)."),
    start: Optional[int] = typer.Option(None),
    end: Optional[int] = typer.Option(None),
    where: Optional[List[str]] = typer.Option(None, "--where", help="attribute=value: only these participants (repeatable)."),
    exclude_coded: bool = typer.Option(False, "--exclude-coded", help="Leave out passages that are already coded."),
    limit: int = typer.Option(10, help="How many passages."),
    json_out: bool = JsonOption,
) -> None:
    """Find the passages most like a text, a selection, a segment or a code (embeddings + full text, fused).

    Example: thematica similar "letting go of control" --exclude-coded --where gender=female
    """
    filters = {}
    for item in where or ():
        name, sep, value = item.partition("=")
        if not sep:
            raise InvalidInput(f"--where takes attribute=value, not {item!r}")
        filters[name.strip()] = value.strip()
    with project() as proj, _progress("embedding passages", json_out) as bar:
        task = bar.add_task("embed", total=None)
        proj.embed_units("passage", progress=lambda d, t: bar.update(task, completed=d, total=t))
        hits = proj.similar(query, segment=segment, code=code, source=source, start=start, end=end, limit=limit,
                            exclude_coded=exclude_coded, where=filters or None)
    if json_out:
        print_json(hits)
        return
    table(f"{len(hits)} similar passages", ["source", "span", "score", "cosine", "text rank", "passage"],
          [[h.source, f"{h.start}-{h.end}", f"{h.score:.4f}", f"{h.cosine:.2f}",
            "" if h.text_rank is None else h.text_rank + 1, one_line(h.text)[:160]] for h in hits])


@suggest_app.command("codes")
def suggest_codes(
    method: Optional[str] = typer.Option(None, help="knn, lr-emb, lr-tfidf or lr-both (default)."),
    coder: Optional[str] = typer.Option(None, help="Whose coding to learn from (default: the analysis coder)."),
    json_out: bool = JsonOption,
) -> None:
    """Learn from your coding and propose codes for sentences you have not coded (the assistant also codes as
    its own coder, so `thematica agree` compares it with you).

    Example: thematica suggest codes && thematica suggest review
    """
    with project() as proj, _progress("embedding sentences", json_out) as bar:
        task = bar.add_task("embed", total=None)
        proj.embed_units("sentence", progress=lambda d, t: bar.update(task, completed=d, total=t))
        result = proj.suggest_codes(method=method, coder=coder)
    if json_out:
        print_json(result)
        return
    done(f"{result.offered} suggestions to review ({result.method}, learned from {result.trained_on} sentences); "
         f"the assistant coded {result.assistant_segments} sentences as assist:minilm-l6")
    if result.codes_by_definition:
        console.print(f"  scored by definition only: {', '.join(result.codes_by_definition)}", markup=False)


def _show(view: object) -> None:
    s = view.suggestion  # type: ignore[attr-defined]
    console.print(f"\n[bold]#{s.id}[/] {escape(view.code)}  (confidence {s.confidence:.2f}; "  # type: ignore[attr-defined]
                  f"{escape(view.source)} {s.start}-{s.end})")  # type: ignore[attr-defined]
    console.print(f"  {one_line(view.text)}", markup=False)  # type: ignore[attr-defined]
    for seg_id, text in view.examples:  # type: ignore[attr-defined]
        console.print(f"    like your segment #{seg_id}: {one_line(text)[:120]}", markup=False)


@suggest_app.command("review")
def review(limit: int = typer.Option(20, help="At most this many decisions in this session.")) -> None:
    """Go through suggestions, most informative first: [a]ccept, [r]eject, [s]kip, [q]uit (each decision refits)."""
    with project() as proj:
        views = proj.suggestions(limit=1)
        decided, skipped = 0, set()
        while views and decided < limit:
            view = views[0]
            _show(view)
            answer = typer.prompt("[a]ccept, [r]eject, [s]kip, [q]uit", default="s").strip()[:1].lower()
            if answer == "q":
                break
            if answer in ("a", "r"):
                proj.decide_suggestion(view.suggestion.id, answer == "a")
                decided += 1
            else:
                skipped.add(view.suggestion.id)
            views = [v for v in proj.suggestions(limit=len(skipped) + 1) if v.suggestion.id not in skipped]
    done(f"Decided {decided} suggestions")


@suggest_app.command("list")
def list_suggestions(
    status: str = typer.Option("open", help="open, accepted or rejected."),
    limit: int = typer.Option(20),
    json_out: bool = JsonOption,
) -> None:
    """List suggestions, most informative first, with the coded examples that explain them."""
    with project() as proj:
        views = proj.suggestions(status=status, limit=limit)
    if json_out:
        print_json(views)
        return
    for view in views:
        _show(view)


@suggest_app.command("accept")
def accept(suggestion: int, coder: Optional[str] = typer.Option(None, help="Code it as (default: you).")) -> None:
    """Accept a suggestion: it becomes your coding, with the assistant's provenance kept."""
    with project() as proj:
        proj.decide_suggestion(suggestion, True, coder=coder)
    done(f"Accepted #{suggestion}")


@suggest_app.command("reject")
def reject(suggestion: int) -> None:
    """Reject a suggestion."""
    with project() as proj:
        proj.decide_suggestion(suggestion, False)
    done(f"Rejected #{suggestion}")


@assist_app.command("status")
def status(json_out: bool = JsonOption) -> None:
    """Is local assistance installed, and which model would run (no model is loaded)."""
    from .. import assist

    info: dict[str, object] = {"available": assist.available(), "missing": assist.missing_modules()}
    if assist.available():
        from ..assist.embedding import provenance

        info.update(provenance())
    if json_out:
        print_json(info)
        return
    table("Local assistance", ["", ""], [[k, v] for k, v in info.items()])


@assist_app.command("embed")
def embed(kind: str = typer.Option("passage", help="passage, sentence or segment.")) -> None:
    """Embed (and cache in the project) the units that are not embedded yet."""
    with project() as proj, _progress(f"embedding {kind}s") as bar:
        task = bar.add_task("embed", total=None)
        n = proj.embed_units(kind, progress=lambda d, t: bar.update(task, completed=d, total=t))
    done(f"Embedded {n} {kind}s")


@assist_app.command("eval")
def evaluate(
    p: str = typer.Option("5,10,20,50", help="Coded shares in percent."),
    seeds: int = typer.Option(1, help="Random splits per share."),
    method: Optional[List[str]] = typer.Option(None, "--method", help="Methods to compare (default: all)."),
    coder: Optional[str] = typer.Option(None),
    json_out: bool = JsonOption,
) -> None:
    """Measure how suggestions would agree with your coding: hide part of it, learn from the rest, compare.

    Example: thematica assist eval --p 20,50 --seeds 3
    """
    try:
        shares = tuple(float(x) / 100 for x in p.split(",") if x.strip())
    except ValueError:
        raise InvalidInput(f"--p takes percentages like 5,10,20,50, not {p!r}") from None
    if not shares or any(not 0 < s < 1 for s in shares):
        raise InvalidInput("--p percentages must be between 0 and 100")
    with project() as proj:
        result = proj.assist_evaluate(shares=shares, seeds=range(1, seeds + 1), methods=method, coder=coder)
    frame = result.summary()
    if json_out:
        print_json(result.to_dict())
        return
    columns = ["method", "share", "kappa", "ac1", "micro_f1", "macro_f1", "fit_s"]
    rows = [[r["method"], f"{100 * r['share']:.0f}%", *(f"{r[c]:.3f}" if r[c] == r[c] else "" for c in columns[2:])]
            for r in frame[[c for c in columns if c in frame]].to_dict("records")]
    table(f"Suggestions against your coding ({result.n_units} sentences)", columns, rows)


def themes_suggest(
    groups: Optional[int] = typer.Option(None, help="How many groups (default: chosen by silhouette)."),
    json_out: bool = JsonOption,
) -> None:
    """Suggest candidate themes: codes grouped by their extracts and definitions (nothing is changed).

    Example: thematica themes suggest
    """
    with project() as proj, _progress("embedding segments", json_out) as bar:
        task = bar.add_task("embed", total=None)
        proj.embed_units("segment", progress=lambda d, t: bar.update(task, completed=d, total=t))
        found = proj.suggest_themes(n_groups=groups)
    if json_out:
        print_json(found)
        return
    for n, group in enumerate(found, start=1):
        console.print(f"\n[bold]Group {n}[/] (cohesion {group.cohesion:.2f}): {escape(', '.join(group.keywords))}")
        for name in group.codes:
            console.print(f"  {name}", markup=False)
    console.print("\nAdopt one with: thematica themes create NAME --code CODE ...", markup=False)


def register(app: typer.Typer) -> None:
    """Add these commands to the app."""
    app.command("similar")(similar)
    app.add_typer(suggest_app, name="suggest")
    app.add_typer(assist_app, name="assist")
    from .themes import themes_app

    themes_app.command("suggest")(themes_suggest)
