"""The coding API: segments of a source (UTF-16 offsets), coding, uncoding, memos, boundaries, in vivo, codes.

The browser counts UTF-16 code units and the project code points: every
offset crosses here, and only here, through ``offsets.utf16_map``.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from ...errors import InvalidInput
from ...model import Code, Coder, Segment
from ...project import tree_order
from ..context import Workbench, workbench
from ..offsets import Utf16Map, utf16_map

router = APIRouter()

_COLOUR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")


class SpanBody(BaseModel):
    """A selection in the browser's offsets (UTF-16 code units)."""

    start: int
    end: int


class CodeSpanBody(SpanBody):
    """A selection and the code (id or name) to apply to it."""

    code: int | str
    memo: str = ""


class InVivoBody(SpanBody):
    """A selection whose words become an in-vivo code, optionally under a parent."""

    parent: int | str | None = None


class SegmentChange(BaseModel):
    """A new memo, or new boundaries (UTF-16), for one segment."""

    memo: str | None = None
    start: int | None = None
    end: int | None = None


class NewCode(BaseModel):
    """A code created on the fly from the picker."""

    name: str
    parent: int | str | None = None


def colour(code: Code) -> str:
    """The code's colour, else a stable one from its id (golden-angle hues)."""
    if code.colour and _COLOUR.match(code.colour.strip()):
        return code.colour.strip()
    return f"hsl({(code.id * 137.508) % 360:.0f}, 55%, 42%)"


def code_json(code: Code, paths: Mapping[int, str]) -> dict[str, Any]:
    """A code as the picker sees it."""
    return {"id": code.id, "name": code.name, "path": paths.get(code.id, code.name), "colour": colour(code),
            "parent_id": code.parent_id}


def segment_json(seg: Segment, umap: Utf16Map, codes: Mapping[int, Code], coders: Mapping[int, Coder]) -> dict[str, Any]:
    """A segment in the browser's offsets, with its code and coder."""
    code = codes.get(seg.code_id)
    return {
        "id": seg.id,
        "start": umap.to_utf16(seg.start),
        "end": umap.to_utf16(seg.end),
        "text": seg.text,
        "memo": seg.memo,
        "code_id": seg.code_id,
        "code": code.name if code else f"#{seg.code_id}",
        "colour": colour(code) if code else "#888888",
        "coder_id": seg.coder_id,
        "coder": coders[seg.coder_id].name if seg.coder_id in coders else f"#{seg.coder_id}",
    }


def _one(wb: Workbench, seg: Segment, umap: Utf16Map) -> dict[str, Any]:
    with wb.use() as project:
        codes = {c.id: c for c in project.codes(include_deleted=True)}
        coders = {c.id: c for c in project.coders()}
    return segment_json(seg, umap, codes, coders)


@router.get("/api/sources/{source_id}/segments")
def source_segments(source_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """The segments of one source that you may see, with the coders to show them for."""
    with wb.use() as project:
        segments = project.segments(source=source_id)
        text = project.source_text(source_id)
        codes = {c.id: c for c in project.codes()}
        all_coders = project.coders()
        me = project.actor.casefold()
    umap = utf16_map(text)
    coders = {c.id: c for c in all_coders}
    present = {s.coder_id for s in segments}
    shown = [
        {"id": c.id, "name": c.name, "style": i % 4, "me": c.name.casefold() == me}
        for i, c in enumerate(all_coders) if c.id in present or c.name.casefold() == me
    ]
    return {
        "source_id": source_id,
        "units": umap.units,
        "coders": shown,
        "segments": [segment_json(s, umap, codes, coders) for s in segments],
    }


@router.post("/api/sources/{source_id}/segments")
def code_span(source_id: int, body: CodeSpanBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Code a selection (UTF-16 offsets) with a code, as you."""
    with wb.use() as project:
        umap = utf16_map(project.source_text(source_id))
        seg = project.code(source_id, umap.to_index(body.start), umap.to_index(body.end), body.code, memo=body.memo)
    return _one(wb, seg, umap)


@router.post("/api/sources/{source_id}/in-vivo")
def code_in_vivo(source_id: int, body: InVivoBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Make an in-vivo code from the selected words and code the selection with it."""
    with wb.use() as project:
        umap = utf16_map(project.source_text(source_id))
        seg = project.code_in_vivo(source_id, umap.to_index(body.start), umap.to_index(body.end), parent=body.parent)
    return _one(wb, seg, umap)


@router.delete("/api/segments/{segment_id}")
def uncode(segment_id: int, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Take one segment off (undo brings it back)."""
    with wb.use() as project:
        project.segment(segment_id)  # one you may see (a blind coder: only your own)
        seg = project.uncode(segment_id)
    return {"deleted": seg.id}


@router.put("/api/segments/{segment_id}")
def change_segment(segment_id: int, body: SegmentChange, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Write a segment's memo, or move its boundaries (UTF-16 offsets) in one audited change."""
    with wb.use() as project:
        seg = project.segment(segment_id)
        umap = utf16_map(project.source_text(seg.source_id))
        if body.start is not None or body.end is not None:
            start = umap.to_index(body.start if body.start is not None else umap.to_utf16(seg.start))
            end = umap.to_index(body.end if body.end is not None else umap.to_utf16(seg.end))
            seg = project.set_segment_span(segment_id, start, end)
        elif body.memo is not None:
            seg = project.set_segment_memo(segment_id, body.memo)
        else:
            raise InvalidInput("send a memo, or new start and end offsets")
    return _one(wb, seg, umap)


@router.get("/api/codes")
def list_codes(wb: Workbench = Depends(workbench)) -> list[dict[str, Any]]:
    """Every live code, parents before children, with path and colour (for the picker)."""
    with wb.use() as project:
        codes = project.codes()
        paths = {c.id: project.code_path(c.id).replace("/", " / ") for c in codes}
    return [code_json(c, paths) for c in tree_order(codes)]


@router.post("/api/codes")
def create_code(body: NewCode, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Add a code to the codebook (the picker's "create code")."""
    with wb.use() as project:
        code = project.create_code(body.name, parent=body.parent)
        path = project.code_path(code.id).replace("/", " / ")
    return code_json(code, {code.id: path})
