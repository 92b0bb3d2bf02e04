"""The themes board (phases 3-5): themes and subthemes with their codes, the thematic map, the phase-4 review."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from ...errors import NotFound
from ...model import Theme, ThemeStatus
from ...project import Project, theme_tree
from ..context import Workbench, workbench
from .codebook import extract_json

router = APIRouter()

_MAP_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


class NewTheme(BaseModel):
    name: str
    parent: int | None = None


class RenameBody(BaseModel):
    name: str


class DefineBody(BaseModel):
    definition: str | None = None
    concept: str | None = None
    narrative: str | None = None
    status: str | None = None


class ParentBody(BaseModel):
    parent: int | None = None


class AssignBody(BaseModel):
    codes: list[int]
    from_theme: int | None = None


class MergeBody(BaseModel):
    themes: list[int]
    into: int


class QuoteBody(BaseModel):
    segment_id: int


def theme_json(theme: Theme) -> dict[str, Any]:
    """A theme as the browser sees it."""
    return {
        "id": theme.id, "name": theme.name, "parent_id": theme.parent_id, "definition": theme.definition,
        "concept": theme.concept, "narrative": theme.narrative, "status": theme.status.value,
        "code_ids": list(theme.code_ids), "quote_ids": list(theme.quote_ids),
    }


def file_response(path: Path, media_type: str, filename: str | None = None) -> Response:
    """A file made in a scratch folder, read into the response (so the folder goes at once, even if the browser leaves)."""
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'} if filename else None
    return Response(path.read_bytes(), media_type=media_type, headers=headers)


@contextmanager
def scratch_folder(prefix: str) -> Iterator[Path]:
    """A temporary folder for making one download (never the project's folder); removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"thematica-{prefix}-") as name:
        yield Path(name)


def _board(project: Project) -> dict[str, Any]:
    """Everything the board shows: themes grouped under their top-level theme, the pool, the numbers."""
    themes = project.themes()
    codes = {c.id: c for c in project.codes()}
    placed = {code_id for t in themes for code_id in t.code_ids}
    stats: dict[str, tuple[int, int]] = {}
    total = len(project.participants())
    if themes:
        table = project.matrix("themes", "participants")
        stats = {row[0]: (sum(row[1:]), sum(1 for v in row[1:] if v)) for row in table.rows}
    names = {t.id: t.name for t in themes}
    groups: list[dict[str, Any]] = []
    for depth, theme in theme_tree(themes):
        segments, participants = stats.get(theme.name, (0, 0))
        entry = {"theme": theme, "depth": depth, "codes": [codes[c] for c in theme.code_ids if c in codes],
                 "segments": segments, "participants": participants, "parent_name": names.get(theme.parent_id or 0, "")}
        if depth == 0:
            groups.append({**entry, "children": []})
        else:
            groups[-1]["children"].append(entry)
    return {
        "groups": groups,
        "themes": theme_tree(themes),
        "codes": sorted(codes.values(), key=lambda c: c.name.casefold()),
        "pool": sorted((c for c in codes.values() if c.id not in placed), key=lambda c: c.name.casefold()),
        "participants_total": total,
        "warnings": project.theme_warnings() if themes else None,
        "deleted": [t for t in project.themes(include_deleted=True) if t.deleted],
        "statuses": [s.value for s in ThemeStatus],
    }


@router.get("/themes", response_class=HTMLResponse)
def themes_page(request: Request, wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """The board: themes and subthemes as cards with their codes, the pool of unplaced codes, the map."""
    with wb.use() as project:
        board = _board(project)
    return wb.render(request, "themes.html", **board)


@router.get("/themes/map.{fmt}")
def thematic_map(fmt: str, wb: Workbench = Depends(workbench)) -> Response:
    """The thematic map, drawn afresh into a temporary folder (SVG or PNG)."""
    if fmt not in _MAP_TYPES:
        raise NotFound(f"the map comes as svg or png, not {fmt}")
    with scratch_folder("map") as folder:
        with wb.use() as project:
            figure = project.draw_thematic_map(folder / "thematic-map.png")
        return file_response(figure.svg if fmt == "svg" and figure.svg else figure.path, _MAP_TYPES[fmt])


@router.post("/api/themes")
def create_theme(payload: NewTheme, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Make a candidate theme, or a subtheme under ``parent``."""
    with wb.use() as project:
        return theme_json(project.create_theme(payload.name, parent=payload.parent))


@router.post("/api/themes/merge")
def merge_themes(payload: MergeBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Merge themes into one: their codes, key extracts and subthemes move to it."""
    with wb.use() as project:
        return theme_json(project.merge_themes(payload.themes, payload.into))


@router.post("/api/themes/{theme_id}/rename")
def rename_theme(theme_id: int, payload: RenameBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Rename a theme (the old name stays in its naming history)."""
    with wb.use() as project:
        return theme_json(project.rename_theme(theme_id, payload.name))


@router.put("/api/themes/{theme_id}")
def define_theme(theme_id: int, payload: DefineBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Write a theme's definition, central organising concept, narrative or status."""
    with wb.use() as project:
        return theme_json(project.define_theme(theme_id, **payload.model_dump()))


@router.post("/api/themes/{theme_id}/move")
def move_theme(theme_id: int, payload: ParentBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Make a theme a subtheme of another (``parent: null``: a top-level theme)."""
    with wb.use() as project:
        return theme_json(project.move_theme(theme_id, payload.parent))


@router.post("/api/themes/{theme_id}/codes")
def assign_codes(theme_id: int, payload: AssignBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Put codes into a theme; with ``from_theme``, move one code over from that theme."""
    with wb.use() as project:
        if payload.from_theme is None:
            return theme_json(project.assign_codes(theme_id, payload.codes))
        for code_id in payload.codes:
            project.move_code_to_theme(code_id, payload.from_theme, theme_id)
        return theme_json(project.theme(theme_id))


@router.delete("/api/themes/{theme_id}/codes/{code_id}")
def unassign_code(theme_id: int, code_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Take a code out of a theme (back to the pool, unless another theme has it)."""
    with wb.use() as project:
        return theme_json(project.unassign_codes(theme_id, [code_id]))


@router.delete("/api/themes/{theme_id}")
def delete_theme(theme_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Delete a theme (its subthemes move up; restore brings it back)."""
    with wb.use() as project:
        return theme_json(project.delete_theme(theme_id))


@router.post("/api/themes/{theme_id}/restore")
def restore_theme(theme_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Bring back a deleted theme with its codes and key extracts."""
    with wb.use() as project:
        return theme_json(project.restore_theme(theme_id))


@router.get("/api/themes/{theme_id}/review")
def review_theme(theme_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Phase 4 for one theme: who and how much supports it, and its extracts with context."""
    with wb.use() as project:
        review = project.theme_review(theme_id)
    return {
        "theme": theme_json(review.theme), "codes": list(review.codes), "subthemes": list(review.subthemes),
        "participants": list(review.participants), "participants_total": review.participants_total,
        "sources": review.sources, "segments": review.segments, "shared_segments": review.shared_segments,
        "extracts": [extract_json(x) for x in review.extracts],
    }


@router.post("/api/themes/{theme_id}/quotes")
def choose_quote(theme_id: int, payload: QuoteBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Pick a segment as a key extract of the theme (quoted first in the report)."""
    with wb.use() as project:
        return theme_json(project.choose_quote(theme_id, payload.segment_id))


@router.delete("/api/themes/{theme_id}/quotes/{segment_id}")
def drop_quote(theme_id: int, segment_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Stop using a segment as a key extract of the theme."""
    with wb.use() as project:
        return theme_json(project.drop_quote(theme_id, segment_id))
