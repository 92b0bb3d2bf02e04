"""Commands: deid scan, review, apply, register, allow, key, check, disclosure, status."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..errors import InvalidInput
from .common import JsonOption, console, done, one_line, print_json, project, table

deid_app = typer.Typer(
    help="De-identification: find identifiers, review them, apply pseudonyms, keep the key apart, check outputs.",
    no_args_is_help=True,
)
register_app = typer.Typer(help="The identifier register: real identifiers and their pseudonyms.", no_args_is_help=True)
key_app = typer.Typer(help="The re-identification key: export (encrypted), import, remove.", no_args_is_help=True)
disclosure_app = typer.Typer(help="Small groups: check attributes before they leave; reporting rules.",
                             invoke_without_command=True)
deid_app.add_typer(register_app, name="register")
deid_app.add_typer(key_app, name="key")
deid_app.add_typer(disclosure_app, name="disclosure")

PASSPHRASE_ENV = "THEMATICA_KEY_PASSPHRASE"


@deid_app.command("scan")
def scan(
    sources: Optional[List[str]] = typer.Argument(None, help="Sources to scan (default: all)."),
    json_out: bool = JsonOption,
) -> None:
    """Look for identifiers and queue them for review (nothing in the sources changes).

    Example: thematica deid scan
    """
    with project() as proj:
        with Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), transient=True,
                      disable=json_out) as bar:
            task = bar.add_task("scan", total=None)
            result = proj.deid_scan(sources or None, progress=lambda d, t: bar.update(task, completed=d, total=t))
    if json_out:
        print_json(result)
        return
    done(f"Scanned {result.sources} sources: {result.new} new candidates, {result.pending} waiting for review")
    for category, n in sorted(result.by_category.items()):
        console.print(f"  {category}: {n}", markup=False)


@deid_app.command("review")
def review(
    accept: Optional[List[int]] = typer.Option(None, "--accept", help="Candidate ids to replace here."),
    reject: Optional[List[int]] = typer.Option(None, "--reject", help="Candidate ids to leave as they are."),
    always: Optional[List[int]] = typer.Option(None, "--always", help="Candidate ids to add to the register."),
    never: Optional[List[int]] = typer.Option(None, "--never", help="Candidate ids whose text is never an identifier."),
    accept_register: bool = typer.Option(False, "--accept-register", help="Accept every candidate that is in the register."),
    text: Optional[str] = typer.Option(None, "--text", help="Decide every pending candidate with this text."),
    decision: Optional[str] = typer.Option(None, "--decision", help="With --text: accept, reject, always or never."),
    category: Optional[str] = typer.Option(None, help="Category for --accept/--always (person, place ...)."),
    replacement: Optional[str] = typer.Option(None, help="Pseudonym for --always (default: numbered)."),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="Go through the groups one by one."),
    limit: int = typer.Option(50, help="How many candidates to list."),
    json_out: bool = JsonOption,
) -> None:
    """List candidates with their context, or decide them (by id, or by text for every occurrence).

    Examples: thematica deid review; thematica deid review --always 12 --replacement "[Peer Trainer A]";
    thematica deid review --text Grace --decision never; thematica deid review -i
    """
    with project() as proj:
        decided = proj.deid_accept_register() if accept_register else 0
        for ids, what in ((accept, "accept"), (reject, "reject"), (always, "always"), (never, "never")):
            if ids:
                decided += proj.deid_decide(ids, what, category=category, replacement=replacement)
        if text is not None:
            if decision is None:
                raise InvalidInput("--text needs --decision accept, reject, always or never")
            ids = next((g[3] for g in proj.deid_groups() if g[0].casefold() == " ".join(text.split()).casefold()), None)
            if not ids:
                raise InvalidInput(f"no pending candidate reads {text!r}")
            decided += proj.deid_decide(ids, decision, category=category, replacement=replacement)
        if interactive:
            decided += _interactive(proj)
        if decided:
            done(f"Decided {decided} candidates; {len(proj.deid_candidates())} still waiting")
            return
        queue = proj.deid_queue(limit=limit)
        waiting = len(proj.deid_candidates())
    if json_out:
        print_json(queue)
        return
    rows = [[e.candidate.id, e.source, e.candidate.category, e.candidate.detector,
             one_line(f"…{e.before[-40:]}[{e.candidate.text}]{e.after[:40]}…"), e.replacement] for e in queue]
    table(f"{waiting} candidates waiting for review", ["id", "source", "category", "found by", "in context", "becomes"], rows)


def _interactive(proj: object) -> int:
    """Ask about each group of identical candidates: accept, always, reject, never, skip, quit."""
    decided = 0
    for text, category, count, ids in proj.deid_groups():  # type: ignore[attr-defined]
        sample = proj.deid_queue(limit=None)  # type: ignore[attr-defined]
        first = next((e for e in sample if e.candidate.id == ids[0]), None)
        context = one_line(f"…{first.before[-50:]}[{first.candidate.text}]{first.after[:50]}…") if first else text
        console.print(f"\n[bold]{escape(text)}[/] ({category}, {count}×)  {escape(context)}")
        answer = typer.prompt("[a]ccept here, [A]lways, [r]eject, [n]ever, [s]kip, [q]uit", default="s")
        choice = {"a": "accept", "A": "always", "r": "reject", "n": "never"}.get(answer.strip()[:1])
        if answer.strip()[:1] == "q":
            break
        if choice:
            decided += proj.deid_decide(ids, choice)  # type: ignore[attr-defined]
    return decided


@deid_app.command("apply")
def apply(
    keep_original: bool = typer.Option(False, "--keep-original", help="Keep the original text in the project."),
    allow_pending: bool = typer.Option(False, "--allow-pending", help="Apply although candidates await review."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    json_out: bool = JsonOption,
) -> None:
    """Replace identifiers by pseudonyms in every source; segments move with the text. Cannot be undone.

    Without --keep-original the original texts and files are purged from the project file.
    Example: thematica deid apply --yes
    """
    if not yes and not typer.confirm(
        "Replace identifiers in every source" + ("" if keep_original else " and purge the originals") + "? This cannot be undone"
    ):
        raise typer.Exit(1)
    with project() as proj:
        result = proj.deid_apply(keep_original=keep_original, allow_pending=allow_pending)
    if json_out:
        print_json(result)
        return
    done(f"De-identified {len(result.sources)} sources: {result.replacements} replacements, "
         f"{result.segments_moved} segments carried over; originals {'kept' if keep_original else 'purged'}")
    for flag in result.flagged:
        console.print(f"  check segment #{flag.segment_id} ({flag.source}, {flag.code}): "
                      f"{flag.replaced} of {flag.before_length} characters were identifiers", markup=False)
    for backup in result.backups:
        console.print(f"  note: {backup} is an older copy of the project that still holds the originals", markup=False)


@register_app.command("list")
def register_list(json_out: bool = JsonOption) -> None:
    """Show the register (real values only while the key is in the project)."""
    with project() as proj:
        entries = proj.identifiers()
    if json_out:
        print_json(entries)
        return
    table("Identifier register", ["id", "category", "real value", "variants", "pseudonym"],
          [[e.id, e.category, e.value or "(key removed)", "; ".join(e.variants), e.replacement] for e in entries])


@register_app.command("add")
def register_add(
    value: str,
    category: str = typer.Option("person", help="person, place, organisation, date, age, contact, id, other."),
    replacement: Optional[str] = typer.Option(None, help="The pseudonym (default: numbered, e.g. [Person 3])."),
    variant: Optional[List[str]] = typer.Option(None, "--variant", help="Another spelling or nickname (repeatable)."),
) -> None:
    """Add a real identifier and its pseudonym.

    Example: thematica deid register add "Sarah Jones" --replacement "[Peer Trainer A]" --variant Saz
    """
    with project() as proj:
        entry = proj.add_identifier(value, category, replacement=replacement, variants=variant or ())
    done(f"Identifier #{entry.id} becomes {entry.replacement} ({len(entry.terms)} spellings)")


@register_app.command("import")
def register_import(path: Path) -> None:
    """Add identifiers from a CSV/XLSX list (value, category, replacement, variants separated by ';')."""
    with project() as proj:
        entries = proj.import_identifiers(path)
    done(f"Added {len(entries)} identifiers")


@register_app.command("remove")
def register_remove(ref: str) -> None:
    """Take an entry out of the register (by id or pseudonym)."""
    with project() as proj:
        proj.remove_identifier(ref)
    done(f"Removed {ref}")


@deid_app.command("allow")
def allow(term: str) -> None:
    """Never flag TERM again (and reject its pending candidates)."""
    with project() as proj:
        proj.allow_term(term)
    done(f"{term!r} is never an identifier")


def _passphrase(passphrase_file: Path | None, confirm: bool) -> str:
    if passphrase_file is not None:
        try:
            return passphrase_file.read_text(encoding="utf-8").rstrip("\n")
        except OSError as exc:
            raise InvalidInput(f"cannot read {passphrase_file}: {exc.strerror}") from None
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    return str(typer.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))


PassphraseFile = typer.Option(None, "--passphrase-file", help=f"Read the passphrase from a file (or set ${PASSPHRASE_ENV}).")


@key_app.command("export")
def key_export(path: Path, passphrase_file: Optional[Path] = PassphraseFile,
               overwrite: bool = typer.Option(False, "--overwrite")) -> None:
    """Write the re-identification key to PATH, encrypted with a passphrase (scrypt + AES-256-GCM).

    Example: thematica deid key export ~/secure/study.key
    """
    with project() as proj:
        n = proj.export_key(path, _passphrase(passphrase_file, confirm=True), overwrite=overwrite)
    done(f"Wrote the key ({n} entries) to {path}; keep it apart from the project")


@key_app.command("import")
def key_import(path: Path, passphrase_file: Optional[Path] = PassphraseFile) -> None:
    """Put the real values back into the register from a key file."""
    with project() as proj:
        n = proj.import_key(path, _passphrase(passphrase_file, confirm=False))
    done(f"Re-imported {n} entries")


@key_app.command("remove")
def key_remove(force: bool = typer.Option(False, "--force", help="Remove although the key was not exported."),
               yes: bool = typer.Option(False, "--yes", "-y")) -> None:
    """Remove the real values from the project (outputs are still checked by keyed fingerprints)."""
    if not yes and not typer.confirm("Remove the real identifiers from the project? This cannot be undone"):
        raise typer.Exit(1)
    with project() as proj:
        n = proj.remove_key(force=force)
    done(f"Removed the real values of {n} entries from the project")


@deid_app.command("check")
def check(
    paths: Optional[List[Path]] = typer.Argument(None, help="Files or folders to check (default: the project's notes)."),
    json_out: bool = JsonOption,
) -> None:
    """Check outputs (or the project's memos, narratives and definitions) for real identifiers.

    Example: thematica deid check report/report.docx study.qdpx
    """
    with project() as proj:
        if paths:
            missing = [p for p in paths if not p.exists()]
            if missing:
                raise InvalidInput(f"no such file or folder: {missing[0]}")
            result = proj.check_outputs(paths)
            findings, unchecked = result.findings, result.unchecked
        else:
            findings, unchecked = proj.check_notes(), []
    if json_out:
        print_json({"findings": findings, "unchecked": unchecked})
    else:
        for line in findings:
            console.print(f"  {line}", markup=False)
        for name in unchecked:
            console.print(f"  not checked (cannot read text from it): {name}", markup=False)
        done(f"{len(findings)} identifier(s) found" if findings else "No identifier found")
    if findings:
        raise typer.Exit(1)


@disclosure_app.callback()
def disclosure(
    ctx: typer.Context,
    columns: Optional[str] = typer.Option(None, help="Attributes reported together, comma-separated (default: all)."),
    k: Optional[int] = typer.Option(None, help="Smallest group allowed (default: the project's, 3)."),
    json_out: bool = JsonOption,
) -> None:
    """Check that no combination of reported attributes describes fewer than k participants; suggest fixes."""
    if ctx.invoked_subcommand is not None:
        return
    with project() as proj:
        report = proj.disclosure_check([c.strip() for c in columns.split(",")] if columns else None, k=k)
        rules = proj.reporting_rules()
    if json_out:
        print_json(report)
        return
    for rule in rules.values():
        console.print(f"rule: {rule.attribute} {rule.kind}" + (f" {rule.width:g}" if rule.width else ""), markup=False)
    if report.ok:
        done(f"No group smaller than {report.k} in: {', '.join(report.columns) or 'no attributes'}")
        return
    for group in report.small_groups:
        console.print("  " + ", ".join(f"{c}={v}" for c, v in group.combination) + f": {group.size}", markup=False)
    for s in report.suggestions:
        console.print(f"  suggestion ({s.kind} {s.column}): {s.description}", markup=False)
    raise typer.Exit(1)


@disclosure_app.command("rule")
def rule(
    attribute: str,
    kind: str = typer.Argument(..., help="band, merge, omit or clear."),
    width: Optional[float] = typer.Option(None, help="Band width (e.g. 10 for 30–39)."),
) -> None:
    """Set how an attribute is reported: in bands, with rare values merged into Other, or not at all.

    Example: thematica deid disclosure rule age band --width 10
    """
    with project() as proj:
        proj.set_reporting_rule(attribute, None if kind == "clear" else kind, width)
    done(f"{attribute}: {kind}")


@disclosure_app.command("k")
def set_k(k: int) -> None:
    """Set the smallest group of participants an output may describe."""
    with project() as proj:
        proj.set_disclosure_k(k)
    done(f"k = {k}")


@deid_app.command("status")
def status(json_out: bool = JsonOption) -> None:
    """Where de-identification stands: register, candidates, de-identified sources."""
    with project() as proj:
        counts = proj.deid_status()
    if json_out:
        print_json(counts)
        return
    table("De-identification", ["", "count"], [[k.replace("_", " "), v] for k, v in counts.items()])


def register(app: typer.Typer) -> None:
    """Add the deid command group to the app."""
    app.add_typer(deid_app, name="deid")
