"""The sources list (with upload) and the source reader; memos on a source."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel

from ...errors import Conflict, InvalidInput, ThematicaError
from ...model import AttributeValue, Memo, Role, Turn
from ..context import Workbench, workbench
from ..offsets import Utf16Map, utf16_map

router = APIRouter()

_LABEL_MAX = 80  # longest text before a turn, on its line, that is taken for a speaker label


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of the canonical text: ``text`` (a turn's words), ``label``, ``gap`` (other text) or ``blank``."""

    kind: str
    start: int  # UTF-16 offset
    text: str


@dataclass(frozen=True, slots=True)
class Block:
    """What the reader lays out: a turn (label + words), a note (text between turns) or blank space."""

    kind: str
    pieces: tuple[Piece, ...]
    role: str = ""
    speaker: str = ""
    time: str = ""


class MemoBody(BaseModel):
    """A memo's text."""

    text: str


def reading_blocks(text: str, turns: Sequence[Turn], umap: Utf16Map) -> list[Block]:
    """Cut the text into blocks whose pieces cover it exactly, in order (so offsets add up in the browser)."""
    blocks: list[Block] = []
    pos = 0
    for turn in sorted(turns, key=lambda t: t.start):
        if turn.start < pos or turn.end < turn.start:
            continue
        gap = text[pos : turn.start]
        tail = gap[gap.rfind("\n") + 1 :]
        label = tail if tail.strip() and len(tail) <= _LABEL_MAX else ""
        blocks.extend(_loose(text, pos, turn.start - len(label), umap))
        pieces = [Piece("label", umap.to_utf16(turn.start - len(label)), label)] if label else []
        pieces.append(Piece("text", umap.to_utf16(turn.start), text[turn.start : turn.end]))
        role = turn.role.value if isinstance(turn.role, Role) else str(turn.role)
        blocks.append(Block("turn", tuple(pieces), role, turn.speaker, _clock(turn.begin)))
        pos = turn.end
    blocks.extend(_loose(text, pos, len(text), umap))
    return blocks


def _loose(text: str, start: int, end: int, umap: Utf16Map) -> list[Block]:
    """Text outside turns: blank space around, a note in the middle."""
    chunk = text[start:end]
    core = chunk.strip()
    if not chunk:
        return []
    if not core:
        return [Block("blank", (Piece("blank", umap.to_utf16(start), chunk),))]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk.rstrip())
    parts = [("blank", start, start + lead), ("gap", start + lead, start + trail), ("blank", start + trail, end)]
    return [
        Block("note" if kind == "gap" else "blank", (Piece(kind, umap.to_utf16(a), text[a:b]),))
        for kind, a, b in parts if b > a
    ]


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def show(value: AttributeValue | None) -> str:
    """An attribute value as people write it (42, not 42.0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def memo_json(memo: Memo) -> dict[str, Any]:
    """A memo for the page."""
    return {"id": memo.id, "text": memo.text, "author": memo.author, "phase": int(memo.phase),
            "created_at": memo.created_at.strftime("%Y-%m-%d %H:%M")}


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, wb: Workbench = Depends(workbench)) -> Response:
    """Every source, with its participant's attributes, filterable; and the upload form."""
    return _sources_page(request, wb)


def _sources_page(request: Request, wb: Workbench, status: int = 200, **message: Any) -> Response:
    with wb.use() as project:
        sources = project.sources()
        people = {p.id: p for p in project.participants()}
        attributes = [a.name for a in project.attributes()]
        counts = Counter(seg.source_id for seg in project.segments())
    rows = []
    for s in sources:
        person = people.get(s.participant_id) if s.participant_id is not None else None
        values = [show(person.attributes.get(a)) if person else "" for a in attributes]
        rows.append({"source": s, "participant": person.key if person else "", "values": values,
                     "segments": counts.get(s.id, 0)})
    choices = [sorted({str(v[i]) for v in (r["values"] for r in rows) if v[i]}, key=_natural) for i in range(len(attributes))]  # type: ignore[index]
    return wb.render(request, "sources.html", status=status, rows=rows, attributes=attributes, choices=choices,
                     **message)


def _natural(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value.casefold())


@router.post("/sources/upload", response_model=None)
def upload(request: Request, files: list[UploadFile] = File(...), wb: Workbench = Depends(workbench)) -> Response:
    """Import uploaded transcripts (all or none), read by the same readers as ``thematica import``."""
    wants_json = "application/json" in request.headers.get("accept", "")
    try:
        with tempfile.TemporaryDirectory(prefix="thematica-upload-") as folder:
            paths = _save(files, Path(folder))
            with wb.use() as project:
                if len(paths) == 1 and paths[0].suffix.lower() in _PROJECT_FILES:
                    project.import_exchange(paths[0])  # another tool's project or codebook
                    imported = project.sources()
                else:
                    imported = project.import_files(paths)
    except ThematicaError as exc:
        status = 409 if isinstance(exc, Conflict) else 400
        if wants_json:
            return JSONResponse({"error": str(exc)}, status_code=status)
        return _sources_page(request, wb, status=status, error=str(exc))
    names = [s.name for s in imported]
    if wants_json:
        return JSONResponse({"imported": [{"id": s.id, "name": s.name, "kind": s.kind} for s in imported]})
    return _sources_page(request, wb, imported=names)


_PROJECT_FILES = (".qdpx", ".qde", ".qdc")


def _save(files: Sequence[UploadFile], folder: Path) -> list[Path]:
    """Write the uploads under their own (base) names; two files with one name are refused."""
    paths: list[Path] = []
    for upload_ in files:
        name = Path((upload_.filename or "").replace("\\", "/")).name.strip()
        if not name or name in (".", ".."):
            raise InvalidInput("choose one or more files to import")
        target = folder / name
        if target in paths:
            raise InvalidInput(f"{name} was chosen twice")
        with target.open("wb") as out:
            while chunk := upload_.file.read(1 << 20):
                out.write(chunk)
        paths.append(target)
    return paths


@router.get("/sources/{source_id}", response_class=HTMLResponse)
def reader(source_id: int, request: Request, wb: Workbench = Depends(workbench)) -> Response:
    """Read a source and code it: the text in turns, coding stripes, memos."""
    with wb.use() as project:
        source = project.source(source_id)
        text = project.source_text(source_id)
        turns = project.turns(source_id)
        memos = project.memos(on="source", target=source_id)
        person = next((p for p in project.participants() if p.id == source.participant_id), None)
    umap = utf16_map(text)
    attributes = [(k, show(v)) for k, v in person.attributes.items()] if person else []
    return wb.render(request, "source.html", source=source, blocks=reading_blocks(text, turns, umap),
                     units=umap.units, participant=person.key if person else "", attributes=attributes,
                     memos=[memo_json(m) for m in memos])


@router.post("/api/sources/{source_id}/memos")
def add_source_memo(source_id: int, body: MemoBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Write a memo on a source (familiarisation notes, first ideas)."""
    with wb.use() as project:
        memo = project.add_memo(body.text, on="source", target=source_id)
    return memo_json(memo)
