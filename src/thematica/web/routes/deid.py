"""The De-identification page: scan, review candidates by group, the register, apply, disclosure control.

The page renders the status, the register, the allow-list, the apply panel
and the disclosure panel on the server; ``static/js/deid.js`` renders the
review queue from ``/api/deid/queue`` (as text, never as HTML), sends
decisions and keeps the register and the counts up to date. Every rule
(what a decision settles, when applying is refused, which groups are too
small) is the Project's: its refusals are shown as they are.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any, Sequence

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from ...deid.detect import CATEGORIES
from ...deid.disclosure import DisclosureReport, Suggestion, show_value
from ...deid.pseudonyms import GENERIC
from ...deid.rules import KINDS
from ...errors import ThematicaError
from ...model import Identifier
from ...project import ApplyReport, Project, QueueEntry
from ..context import Workbench, workbench

router = APIRouter()

#: How many groups the queue sends at once (deciding them brings the next ones in).
GROUPS = 200
#: How many occurrences of one group are listed (a group decision covers all of them).
OCCURRENCES = 50
#: The reporting rule that carries out a disclosure suggestion.
SUGGESTED_RULE = {"band": "band", "merge": "merge", "drop": "omit"}


class DecideBody(BaseModel):
    ids: list[int]
    decision: str
    category: str | None = None
    replacement: str | None = None


class ScanBody(BaseModel):
    sources: list[str] | None = None


class ApplyBody(BaseModel):
    keep_original: bool = False
    allow_pending: bool = False


class IdentifierBody(BaseModel):
    id: int | None = None  # given: change that entry's pseudonym or variants; else add a new entry
    value: str = ""
    category: str = "person"
    replacement: str | None = None
    variants: list[str] | str | None = None


class AllowBody(BaseModel):
    term: str


class RuleBody(BaseModel):
    attribute: str
    kind: str | None = None
    width: float | None = None


class KBody(BaseModel):
    k: int


# -- shaping for the browser ----------------------------------------------------------------
def _text(value: str | None) -> str | None:
    """An optional text field: empty means not given."""
    return value.strip() if value and value.strip() else None


def _variants(value: list[str] | str | None) -> list[str] | None:
    """Variants as a list, or as one line separated by ';' (as the register shows them)."""
    if value is None:
        return None
    items = value.split(";") if isinstance(value, str) else value
    return [v.strip() for v in items if v.strip()]


def _identifier(entry: Identifier) -> dict[str, Any]:
    return {"id": entry.id, "category": entry.category, "value": entry.value, "variants": list(entry.variants),
            "replacement": entry.replacement}


def _occurrence(entry: QueueEntry) -> dict[str, Any]:
    c = entry.candidate
    return {"id": c.id, "source": entry.source, "source_id": c.source_id, "before": entry.before, "text": c.text,
            "after": entry.after, "replacement": entry.replacement, "detector": c.detector,
            "confidence": round(c.confidence, 2)}


def _queue(project: Project, limit: int, source: str | None) -> dict[str, Any]:
    """Pending candidates grouped by text (the Project's groups), each with its occurrences in context."""
    entries = {e.candidate.id: e for e in project.deid_queue(status="pending", source=source)}
    groups = []
    for text, category, _count, ids in project.deid_groups():
        found = [entries[i] for i in ids if i in entries]
        if not found:
            continue
        groups.append({
            "text": text, "category": category, "count": len(found), "ids": [e.candidate.id for e in found],
            "replacement": found[0].replacement, "registered": found[0].candidate.identifier_id is not None,
            "occurrences": [_occurrence(e) for e in found[:OCCURRENCES]], "more": max(0, len(found) - OCCURRENCES),
        })
    return {"status": project.deid_status(), "groups": groups[:limit], "total_groups": len(groups),
            "hidden": max(0, len(groups) - limit), "generic": GENERIC}


def _apply_report(project: Project, report: ApplyReport) -> dict[str, Any]:
    ids = {s.name: s.id for s in project.sources()}
    data = asdict(report)
    for flagged in data["flagged"]:
        flagged["source_id"] = ids.get(flagged["source"])
    return data


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {"kind": s.kind, "column": s.column, "description": s.description, "fixes": s.fixes, "width": s.width,
            "merged": [show_value(v) for v in s.merged], "rule": SUGGESTED_RULE.get(s.kind)}


def _report(report: DisclosureReport | None) -> dict[str, Any] | None:
    if report is None:
        return None
    return {"ok": report.ok, "k": report.k, "columns": list(report.columns),
            "small_groups": [{"description": g.describe(), "size": g.size,
                              "combination": [[c, show_value(v)] for c, v in g.combination]} for g in report.small_groups],
            "suggestions": [_suggestion(s) for s in report.suggestions]}


def _disclosure(project: Project, columns: Sequence[str] | None = None, k: int | None = None) -> dict[str, Any]:
    """k, each attribute's reporting rule, and the small-group check (or the Project's reason it cannot run)."""
    rules = project.reporting_rules()
    report, refusal = None, ""
    try:
        report = project.disclosure_check(columns, k=k)
    except ThematicaError as error:  # e.g. no attributes to check: the Project's words, on the page
        if columns is not None:  # columns asked for by name: a bad request
            raise
        refusal = str(error)
    return {
        "k": project.disclosure_k,
        "attributes": [{"name": a.name, "type": a.type.value,
                        "rule": rules[a.name].kind if a.name in rules else None,
                        "width": rules[a.name].width if a.name in rules else None} for a in project.attributes()],
        "report": _report(report), "refusal": refusal,
    }


# -- the page ------------------------------------------------------------------------------------
@router.get("/deid", response_class=HTMLResponse)
def deid_page(request: Request, wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """Counts, the review queue (filled by script), the register, the allow-list, apply, disclosure."""
    with wb.use() as project:
        counts = project.deid_status()  # not 'status': render() takes that as the HTTP status
        register = project.identifiers()
        allowed = project.allow_list()
        disclosure = _disclosure(project)
    return wb.render(request, "deid.html", counts=counts, register=register, allowed=allowed,
                     categories=CATEGORIES, kinds=KINDS, disclosure=disclosure)


# -- the API ---------------------------------------------------------------------------------------
@router.get("/api/deid/status")
def status(wb: Workbench = Depends(workbench)) -> dict[str, int]:
    """Register entries, candidates by status, de-identified sources."""
    with wb.use() as project:
        return project.deid_status()


@router.get("/api/deid/queue")
def queue(
    limit: int = Query(GROUPS, ge=1, le=10_000), source: str | None = None, wb: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """The candidates waiting for review, grouped by text (biggest group first), with their contexts."""
    with wb.use() as project:
        return _queue(project, limit, source or None)


@router.post("/api/deid/scan")
def scan(payload: ScanBody | None = None, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Look for identifiers (in every source, or those named) and queue new candidates."""
    with wb.use() as project:
        report = project.deid_scan((payload.sources if payload else None) or None)
        return {**asdict(report), "status": project.deid_status()}


@router.post("/api/deid/decide")
def decide(payload: DecideBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Decide candidates: ``{ids, decision: accept|reject|always|never, category?, replacement?}``."""
    with wb.use() as project:
        decided = project.deid_decide(payload.ids, payload.decision, category=_text(payload.category),
                                      replacement=_text(payload.replacement))
        result: dict[str, Any] = {"decided": decided, "status": project.deid_status()}
        if payload.decision == "always":
            result["identifiers"] = [_identifier(e) for e in project.identifiers()]
        if payload.decision == "never":
            result["allowed"] = project.allow_list()
    return result


@router.post("/api/deid/accept-register")
def accept_register(wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Accept every pending candidate that is a register entry."""
    with wb.use() as project:
        return {"decided": project.deid_accept_register(), "status": project.deid_status()}


@router.post("/api/deid/apply")
def apply(payload: ApplyBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Write the de-identified text of every source (cannot be undone): ``{keep_original, allow_pending}``."""
    with wb.use() as project:
        report = project.deid_apply(keep_original=payload.keep_original, allow_pending=payload.allow_pending)
        return {**_apply_report(project, report), "status": project.deid_status()}


@router.get("/api/deid/register")
def register(wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """The identifier register and the allow-list."""
    with wb.use() as project:
        return {"identifiers": [_identifier(e) for e in project.identifiers()], "allowed": project.allow_list()}


@router.post("/api/deid/register")
def save_identifier(payload: IdentifierBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Add an entry ``{value, category, replacement?, variants?}`` or change one ``{id, replacement?, variants?}``."""
    with wb.use() as project:
        if payload.id is None:
            entry = project.add_identifier(payload.value, payload.category, replacement=_text(payload.replacement),
                                           variants=_variants(payload.variants) or ())
        else:
            entry = project.update_identifier(payload.id, replacement=payload.replacement,
                                              variants=_variants(payload.variants))
        return {"identifier": _identifier(entry), "identifiers": [_identifier(e) for e in project.identifiers()],
                "status": project.deid_status()}


@router.delete("/api/deid/register/{ref}")
def remove_identifier(ref: str, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Take an entry out of the register (by id or pseudonym)."""
    with wb.use() as project:
        project.remove_identifier(ref)
        return {"identifiers": [_identifier(e) for e in project.identifiers()], "status": project.deid_status()}


@router.post("/api/deid/allow")
def allow(payload: AllowBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Never flag ``term`` again (pending candidates with that text are rejected)."""
    with wb.use() as project:
        project.allow_term(payload.term)
        return {"allowed": project.allow_list(), "status": project.deid_status()}


@router.get("/api/deid/check-notes")
def check_notes(wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Real identifiers in memos, the journal, themes, codes and segment memos."""
    with wb.use() as project:
        return {"findings": project.check_notes(), "identifiers": len(project.identifiers())}


@router.get("/api/deid/disclosure")
def disclosure(
    column: list[str] | None = Query(None), k: int | None = Query(None, ge=1), wb: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """k, the reporting rules and the small-group check (of the columns asked for, default all reported)."""
    with wb.use() as project:
        return _disclosure(project, column, k)


@router.post("/api/deid/rule")
def set_rule(payload: RuleBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Report an attribute in bands, with rare values merged, or not at all: ``{attribute, kind|null, width?}``."""
    with wb.use() as project:
        project.set_reporting_rule(payload.attribute, _text(payload.kind), payload.width)
        return _disclosure(project)


@router.post("/api/deid/k")
def set_k(payload: KBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Set the smallest group an output may describe."""
    with wb.use() as project:
        project.set_disclosure_k(payload.k)
        return _disclosure(project)
