"""The reflexive journal and every memo (project, source, code, segment), each stamped with its phase."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from ...errors import NotFound
from ...model import Memo, MemoTarget
from ...project import Project
from ..context import Workbench, workbench

router = APIRouter()

KINDS = ("all", "project", "source", "code", "segment")


class TextBody(BaseModel):
    text: str


def memo_json(memo: Memo) -> dict[str, Any]:
    """A memo or journal entry as the browser sees it."""
    return {"id": memo.id, "target": memo.target.value, "target_id": memo.target_id, "text": memo.text,
            "phase": int(memo.phase), "phase_label": memo.phase.label, "author": memo.author,
            "created_at": memo.created_at.strftime("%Y-%m-%d %H:%M")}


def _about(project: Project, memos: list[Memo]) -> dict[int, tuple[str, str]]:
    """What each memo is on, as (label, link) for the page."""
    sources = {s.id: s.name for s in project.sources()}
    codes = {c.id: c.name for c in project.codes(include_deleted=True)}
    segments = {s.id: s for s in project.segments()}
    about: dict[int, tuple[str, str]] = {}
    for m in memos:
        if m.target is MemoTarget.SOURCE and m.target_id is not None:
            about[m.id] = (f"source {sources.get(m.target_id, m.target_id)}", f"/sources/{m.target_id}")
        elif m.target is MemoTarget.CODE and m.target_id is not None:
            about[m.id] = (f"code {codes.get(m.target_id, m.target_id)}", f"/codebook/{m.target_id}")
        elif m.target is MemoTarget.SEGMENT and m.target_id is not None:
            seg = segments.get(m.target_id)
            link = f"/sources/{seg.source_id}#seg-{seg.id}" if seg else ""
            about[m.id] = (f"segment #{m.target_id}" + (f" ({sources.get(seg.source_id, '')})" if seg else ""), link)
        else:
            about[m.id] = ("the project", "")
    return about


@router.get("/journal", response_class=HTMLResponse)
def journal_page(request: Request, on: str = "all", wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """The reflexive journal, newest first, beside the memos (all, or one kind)."""
    if on not in KINDS:
        raise NotFound(f"memos are on {', '.join(KINDS[1:])}, not {on!r}")
    with wb.use() as project:
        entries = list(reversed(project.journal()))
        memos = [m for m in project.memos(None if on == "all" else on) if m.target is not MemoTarget.JOURNAL]
        about = _about(project, memos)
        notes = [s for s in project.segments() if s.memo.strip()] if on in ("all", "segment") else []
        sources = {s.id: s.name for s in project.sources()}
    return wb.render(request, "journal.html", entries=entries, memos=list(reversed(memos)), about=about, on=on,
                     kinds=KINDS, notes=notes, sources=sources)


@router.post("/api/journal")
def add_entry(payload: TextBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Add a reflexive journal entry, stamped with the current phase."""
    with wb.use() as project:
        return memo_json(project.add_journal_entry(payload.text))


@router.post("/api/journal/memos")
def add_project_memo(payload: TextBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Write a memo on the project as a whole."""
    with wb.use() as project:
        return memo_json(project.add_memo(payload.text, on=MemoTarget.PROJECT))
