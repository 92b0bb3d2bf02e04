"""The Coders page: who codes, agreement between coders, and the review queue of disagreements.

Pages render on the server; ``static/js/coders.js`` adds coders, toggles
blind coding and sends resolutions. Every rule (who may compare, what a
resolution writes) is the Project's: a blind coder's refusal is shown as is.
Offsets never reach the browser as numbers to convert: places are named by
their queue key and rendered as text pieces here.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ...errors import InvalidInput, ThematicaError
from ...model import Coder
from ...project import Comparison, QueueItem, QueueProgress
from ...reliability.disagreements import Difference
from ..context import Workbench, workbench

router = APIRouter()

#: How many places the page shows at once (open ones first); resolving them brings the next ones in.
PAGE = 150

UNITS = ("sentence", "turn", "paragraph", "character")
DIFFERENCES = {
    Difference.MISSING: "only one coder coded it",
    Difference.CODES: "different codes",
    Difference.BOUNDARIES: "same codes, different boundaries",
    Difference.AGREE: "agreed",
}
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Piece:
    """A stretch of a place's text and the codes one coder applied to all of it."""

    text: str
    codes: tuple[str, ...]


def _pieces(item: QueueItem, coding: Sequence[tuple[str, int, int, int]]) -> list[Piece]:
    """The place's text cut where the coder's segments start and end (for marking, not for offsets)."""
    cuts = {item.start, item.end} | {min(max(p, item.start), item.end) for _, a, b, _ in coding for p in (a, b)}
    edges = sorted(cuts)
    pieces = []
    for a, b in zip(edges, edges[1:]):
        codes = tuple(sorted({code for code, s, e, _ in coding if s < b and e > a}))
        pieces.append(Piece(item.text[a - item.start : b - item.start], codes))
    return pieces


def _progress(progress: QueueProgress) -> dict[str, int]:
    return {"places": progress.places, "agreed": progress.agreed,
            "disagreements": progress.disagreements, "resolved": progress.resolved}


def _coder(coder: Coder) -> dict[str, Any]:
    return {"id": coder.id, "name": coder.name, "role": coder.role, "kind": coder.kind.value,
            "blind": coder.blind, "recode_of": coder.recode_of}


def _text(value: object) -> str | None:
    """An optional text field of a JSON body (empty or missing: None)."""
    return str(value) if value not in (None, "") else None


def _names(coder: object) -> list[str] | None:
    """The coders asked for in a query string or body (none: everyone who coded)."""
    given = [coder] if isinstance(coder, str) else coder if isinstance(coder, list) else []
    chosen = [str(c) for c in given if str(c).strip()]
    return chosen or None


@router.get("/coders", response_class=HTMLResponse)
def coders_page(
    request: Request,
    unit: str = "sentence",
    coder: list[str] | None = Query(None),
    wb: Workbench = Depends(workbench),
) -> HTMLResponse:
    """Coders, the agreement table for one unit of analysis, and the disagreement queue."""
    chosen = _names(coder)
    comparison: Comparison | None = None
    items: list[QueueItem] = []
    progress: QueueProgress | None = None
    refusal = ""
    with wb.use() as project:
        coders = project.coders()
        try:
            comparison = project.compare(chosen, unit=unit)
            items = project.disagreements(chosen, include_resolved=True)
            progress = project.queue_progress(chosen)
        except ThematicaError as error:  # a blind coder, too few coders, a bad unit: the Project's words
            refusal = str(error)
    names = {c.id: c.name for c in coders}
    query = urlencode([("unit", comparison.unit.value if comparison else unit), *[("coder", c) for c in chosen or []]])
    ordered = [i for i in items if not i.resolved] + [i for i in items if i.resolved]  # open places first
    shown = ordered[:PAGE]
    places = [(item, [(name, coding, _pieces(item, coding)) for name, coding in item.coding.items()]) for item in shown]
    return wb.render(
        request, "coders.html", coders=coders, names=names, units=UNITS, unit=unit, chosen=chosen or [],
        comparison=comparison, query=query, places=places, progress=progress, refusal=refusal, differences=DIFFERENCES,
        hidden=len(items) - len(shown),
    )


@router.post("/api/coders")
def add_coder(payload: dict[str, Any] = Body(...), wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Register a coder: ``{name, role?, blind?, recode_of?}``."""
    with wb.use() as project:
        coder = project.add_coder(
            str(payload.get("name", "")), str(payload.get("role", "")),
            blind=bool(payload.get("blind", False)), recode_of=_text(payload.get("recode_of")),
        )
    return _coder(coder)


@router.put("/api/coders")
def set_coder(payload: dict[str, Any] = Body(...), wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Change a coder's role or blind setting: ``{name, role?, blind?}``."""
    blind = payload.get("blind")
    role = payload.get("role")
    with wb.use() as project:
        coder = project.set_coder(
            str(payload.get("name", "")), role=None if role is None else str(role),
            blind=None if blind is None else bool(blind),
        )
    return _coder(coder)


@router.get("/api/agreement", response_model=None)
def agreement(
    unit: str = "sentence",
    fmt: str = Query("json", alias="format"),
    coder: list[str] | None = Query(None),
    wb: Workbench = Depends(workbench),
) -> Response | dict[str, Any]:
    """The agreement table as JSON, or as a CSV / XLSX download (``format``)."""
    if fmt not in ("json", "csv", "xlsx"):
        raise InvalidInput(f"the format is json, csv or xlsx, not {fmt!r}")
    with wb.use() as project:
        comparison = project.compare(_names(coder), unit=unit)
    table = comparison.table()
    if fmt == "json":
        return {"title": table.title, "sentence": comparison.sentence(), "columns": list(table.columns),
                "rows": [list(row) for row in table.rows], "notes": list(table.notes)}
    filename = f"agreement-{comparison.unit.value}.{fmt}"
    if fmt == "csv":
        data = table.to_csv().encode("utf-8")
    else:
        with tempfile.TemporaryDirectory() as folder:
            data = table.write(Path(folder) / filename).read_bytes()
    return Response(data, media_type=_MEDIA[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/api/disagreements")
def disagreements(
    resolved: bool = False, coder: list[str] | None = Query(None), wb: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """The review queue (places named by key; no offsets) and its progress."""
    chosen = _names(coder)
    with wb.use() as project:
        items = project.disagreements(chosen, include_resolved=resolved)
        progress = project.queue_progress(chosen)
    return {
        "progress": _progress(progress),
        "items": [{
            "key": i.key, "source": i.source, "difference": i.difference.value, "text": i.text,
            "before": i.before, "after": i.after, "resolved": i.resolved,
            "coding": {name: [code for code, *_ in coding] for name, coding in i.coding.items()},
        } for i in items],
    }


@router.post("/api/disagreements/resolve")
def resolve(payload: dict[str, Any] = Body(...), wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Settle one place: ``{key, decision, coder?, rationale?, coders?}`` -> consensus segments written."""
    chosen = _names(payload.get("coders"))
    with wb.use() as project:
        written = project.resolve(
            str(payload.get("key", "")), str(payload.get("decision", "")), coder=_text(payload.get("coder")),
            rationale=str(payload.get("rationale", "")), coders=chosen,
        )
        progress = project.queue_progress(chosen)
    return {"written": written, "progress": _progress(progress)}


@router.post("/api/disagreements/accept-agreed")
def accept_agreed(payload: dict[str, Any] = Body(default={}), wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Copy every place where the coders agree into the consensus layer."""
    chosen = _names(payload.get("coders"))
    with wb.use() as project:
        written = project.accept_agreements(chosen)
        progress = project.queue_progress(chosen)
    return {"written": written, "progress": _progress(progress)}
