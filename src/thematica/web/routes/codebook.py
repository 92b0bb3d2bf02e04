"""The codebook: the code tree with counts, each code's documentation, its segments; rename, move, merge, delete."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any, Sequence

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from ...model import Code, CodeOrigin, CodeStatus, Extract
from ...project import Project, tree_order
from ...store import SegmentFact
from ..context import Workbench, workbench

router = APIRouter()


class RenameBody(BaseModel):
    name: str


class MoveBody(BaseModel):
    parent: int | None = None


class MergeBody(BaseModel):
    codes: list[int]
    into: int


def code_json(project: Project, code: Code) -> dict[str, Any]:
    """A code as the browser sees it."""
    return {
        "id": code.id, "name": code.name, "path": project.code_path(code.id), "parent_id": code.parent_id,
        "colour": code.colour, "definition": code.definition, "inclusion": code.inclusion,
        "exclusion": code.exclusion, "example": code.example, "origin": code.origin.value,
        "status": code.status.value, "deleted": code.deleted,
    }


def extract_json(x: Extract) -> dict[str, Any]:
    """A coded extract with its context and the reader link."""
    return {
        "segment_id": x.segment.id, "source_id": x.segment.source_id, "source": x.source,
        "participant": x.participant, "speaker": x.speaker, "role": x.role.value if x.role else None,
        "code": x.code, "coder": x.coder, "before": x.before, "text": x.segment.text, "after": x.after,
        "memo": x.segment.memo, "href": f"/sources/{x.segment.source_id}#seg-{x.segment.id}",
    }


def _tree_rows(project: Project, codes: Sequence[Code], facts: Sequence[SegmentFact]) -> list[dict[str, Any]]:
    """Codes depth first with their depth and (analysis) segment and participant counts."""
    segments = Counter(f.code_id for f in facts)
    people: dict[int, set[int]] = defaultdict(set)
    for f in facts:
        if f.participant_id is not None:
            people[f.code_id].add(f.participant_id)
    homes: dict[int, list[str]] = defaultdict(list)
    for theme in project.themes():
        for code_id in theme.code_ids:
            homes[code_id].append(theme.name)
    return [
        {
            "code": c, "depth": project.code_path(c.id).count("/"), "segments": segments[c.id],
            "participants": len(people[c.id]), "themes": homes[c.id],
        }
        for c in tree_order(codes)
    ]


def visible_coder_names(project: Project) -> list[str]:
    """The coders whose segments this person may see (a blind coder: only themselves)."""
    visible = project.visible_coders(None)
    return [c.name for c in project.coders() if visible is None or c.id in visible]


def _page(request: Request, wb: Workbench, code_id: int | None, coder: str | None) -> HTMLResponse:
    with wb.use() as project:
        codes = project.codes()
        facts = project.segment_facts()
        counted = project.analysis_coders()
        context: dict[str, Any] = {
            "rows": _tree_rows(project, codes, facts),
            "deleted": [c for c in project.codes(include_deleted=True) if c.deleted],
            "counted_by": [c.name for c in project.coders() if counted is None or c.id in counted],
            "coders": visible_coder_names(project),
            "origins": [o.value for o in CodeOrigin], "statuses": [s.value for s in CodeStatus],
            "selected": None, "coder": coder or "",
        }
        if code_id is not None:
            code = project.code_by(code_id)
            below = {d.id for d in project.descendants(code.id)} | {code.id}
            context.update(
                selected=code,
                path=project.code_path(code.id),
                parents=[r for r in context["rows"] if r["code"].id not in below],
                extracts=project.extracts(code.id, subcodes=False, coder=coder or None),
            )
    return wb.render(request, "codebook.html", **context)


@router.get("/codebook", response_class=HTMLResponse)
def codebook_page(request: Request, wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """The code tree with counts; pick a code to document it."""
    return _page(request, wb, None, None)


@router.get("/codebook/{code_id}", response_class=HTMLResponse)
def code_page(request: Request, code_id: int, coder: str | None = None, wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """One code: its documentation, where it sits, and its segments with context."""
    return _page(request, wb, code_id, coder)


@router.get("/api/codes/{code_id}/extracts")
def code_extracts(code_id: int, coder: str | None = None, subcodes: bool = False, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """A code's segments with context, each linking to the reader."""
    with wb.use() as project:
        extracts = project.extracts(code_id, subcodes=subcodes, coder=coder or None)
    return {"code_id": code_id, "extracts": [extract_json(x) for x in extracts]}


@router.put("/api/codes/{code_id}")
def update_code(code_id: int, payload: dict[str, str], wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Change a code's definition, inclusion, exclusion, example, colour, origin or status."""
    with wb.use() as project:
        return code_json(project, project.update_code(code_id, **payload))


@router.post("/api/codes/{code_id}/rename")
def rename_code(code_id: int, payload: RenameBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Rename a code."""
    with wb.use() as project:
        return code_json(project, project.rename_code(code_id, payload.name))


@router.post("/api/codes/{code_id}/move")
def move_code(code_id: int, payload: MoveBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Put a code under another (``parent: null`` for the top level)."""
    with wb.use() as project:
        return code_json(project, project.move_code(code_id, payload.parent))


@router.post("/api/codebook/merge")
def merge_codes(payload: MergeBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Merge codes into one; their segments move over and they are deleted (restorable)."""
    with wb.use() as project:
        return code_json(project, project.merge_codes(payload.codes, payload.into))


@router.delete("/api/codes/{code_id}")
def delete_code(code_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Delete a code and its sub-codes (their segments come back with restore)."""
    with wb.use() as project:
        gone = project.delete_code(code_id)
    return {"deleted": [c.id for c in gone], "names": [c.name for c in gone]}


@router.post("/api/codes/{code_id}/restore")
def restore_code(code_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Bring back a deleted code, its deleted sub-codes and their segments."""
    with wb.use() as project:
        return code_json(project, project.restore_code(code_id))
