"""The dashboard: phase, counts, what each phase still lacks, recent journal entries."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...model import Phase
from ..context import Workbench, workbench

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """Where the analysis stands."""
    with wb.use() as project:
        summary = project.summary()
        checks = project.phase_checks()
        journal = project.journal()[-5:]
    return wb.render(request, "dashboard.html", summary=summary, checks=checks, journal=reversed(journal), phases=list(Phase))


@router.post("/api/undo")
def undo(wb: Workbench = Depends(workbench)) -> dict[str, object]:
    """Revert the newest change (the revert is itself in the audit trail)."""
    with wb.use() as project:
        event = project.undo()
    return {"undone": event.id, "summary": event.summary}


@router.post("/api/phase")
def set_phase(payload: dict[str, int], wb: Workbench = Depends(workbench)) -> dict[str, object]:
    """Move the analysis to another phase."""
    with wb.use() as project:
        phase = project.set_phase(payload.get("phase", 0))
    return {"phase": int(phase), "label": phase.label}
