"""Local assistance in the workbench: similar passages, code suggestions to accept or reject, candidate themes.

Everything is optional: without ``thematica[assist]`` every route answers a
one-line 400 and the pages show a one-line note (``/api/assist/status``).
Offsets cross here in the browser's UTF-16 code units and go to the Project
in code points, through ``offsets.utf16_map`` only. The first call of each
kind embeds the project's units (seconds); ``/api/assist/progress`` says how
far that has got, without waiting for the project.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from ... import assist as assist_package
from ...errors import AssistUnavailable, InvalidInput
from ...model import Code
from ...project import Project
from ...project.assist import SimilarPassage, SuggestionView
from ..context import Workbench, workbench
from ..offsets import utf16_map
from .coding import colour

router = APIRouter()

#: What the page shows (one line) when the optional packages are not installed.
INSTALL_NOTE = "Local assistance is not installed: pip install 'thematica[assist]'"
#: What each kind of unit is called while it is being embedded.
_UNIT_WORDS = {"passage": "passages", "sentence": "sentences", "segment": "coded segments"}


class SuggestBody(BaseModel):
    """A suggestion run: the learning method (the Project's default when not given)."""

    method: str | None = None


class DecisionBody(BaseModel):
    """Accept or reject one suggestion."""

    decision: Literal["accept", "reject"]


@dataclass
class Progress:
    """How far the current long step has got (read by the browser while it waits)."""

    task: str = ""
    done: int = 0
    total: int = 0
    started: float = 0.0


# -- availability and progress ---------------------------------------------------------------------
def need_assist() -> None:
    """Refuse, in one line, when the optional packages are missing (the Project would too, later and slower)."""
    if not assist_package.available():
        missing = assist_package.missing_modules()
        what = f" ({', '.join(missing)} missing)" if missing else ""
        raise AssistUnavailable(f"Local assistance needs its optional packages{what}: install thematica[assist]")


def _progress(request: Request) -> Progress:
    state = request.app.state
    if not hasattr(state, "assist_progress"):
        state.assist_progress = Progress()
        state.assist_warm = set()
    return state.assist_progress  # type: ignore[no-any-return]


def _embed(request: Request, project: Project, kind: str, *, always: bool = False) -> None:
    """Embed what is missing of ``kind``, reporting progress; once per process unless ``always``."""
    progress = _progress(request)
    warm: set[str] = request.app.state.assist_warm
    if kind in warm and not always:
        return
    words = _UNIT_WORDS[kind]

    def report(done: int, total: int) -> None:
        progress.done, progress.total = done, total

    progress.task, progress.done, progress.total, progress.started = f"Embedding {words}", 0, 0, time.monotonic()
    try:
        project.embed_units(kind, progress=report)
    finally:
        progress.task = ""
    warm.add(kind)


def _step(request: Request, task: str) -> None:
    progress = _progress(request)
    progress.task, progress.done, progress.total, progress.started = task, 0, 0, time.monotonic()


def _done(request: Request) -> None:
    _progress(request).task = ""


# -- shaping for the browser -----------------------------------------------------------------------
def _passage_json(hit: SimilarPassage, text: str) -> dict[str, Any]:
    umap = utf16_map(text)
    start, end = umap.to_utf16(hit.start), umap.to_utf16(hit.end)
    return {
        "source": hit.source, "source_id": hit.source_id, "start": start, "end": end, "text": hit.text,
        "score": hit.score, "cosine": hit.cosine, "text_rank": hit.text_rank,
        "href": f"/sources/{hit.source_id}#at-{start}-{end}",
    }


def _suggestion_json(view: SuggestionView, text: str, codes: dict[int, Code], visible: set[int] | None) -> dict[str, Any]:
    s = view.suggestion
    umap = utf16_map(text)
    code = codes.get(s.code_id)
    examples = [{"segment_id": sid, "text": t} for sid, t in view.examples if visible is None or sid in visible]
    start, end = umap.to_utf16(s.start), umap.to_utf16(s.end)
    return {
        "id": s.id, "source": view.source, "source_id": s.source_id, "start": start, "end": end, "text": view.text,
        "code": view.code, "code_id": s.code_id, "colour": colour(code) if code else "#888888",
        "confidence": round(s.confidence, 3), "informativeness": round(s.informativeness, 3),
        "method": str(s.provenance.get("method", "")), "examples": examples, "status": s.status,
        "href": f"/sources/{s.source_id}#at-{start}-{end}",
    }


def _suggestions_json(project: Project, views: list[SuggestionView]) -> list[dict[str, Any]]:
    codes = {c.id: c for c in project.codes(include_deleted=True)}
    # a blind coder sees no one else's coding, not even as the examples that explain a suggestion
    visible = {s.id for s in project.segments()} if project.blind else None
    texts = {sid: project.source_text(sid) for sid in {v.suggestion.source_id for v in views}}
    return [_suggestion_json(v, texts[v.suggestion.source_id], codes, visible) for v in views]


def _where(values: list[str]) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for value in values:
        name, colon, wanted = value.partition(":")
        if not colon or not name.strip():
            raise InvalidInput(f"where is attribute:value, not {value!r}")
        found[name.strip()] = wanted.strip()
    return found or None


def _timed(action: Callable[[], Any]) -> tuple[Any, float]:
    began = time.perf_counter()
    result = action()
    return result, round((time.perf_counter() - began) * 1000, 1)


# -- routes --------------------------------------------------------------------------------------
@router.get("/api/assist/status")
def status() -> dict[str, Any]:
    """Whether local assistance can run here (nothing is loaded to find out)."""
    missing = assist_package.missing_modules()
    ok = assist_package.available()
    return {"available": ok, "missing": missing, "note": "" if ok else INSTALL_NOTE}


@router.get("/api/assist/progress")
def progress(request: Request) -> dict[str, Any]:
    """The long step under way (embedding, learning), if any: never waits for the project."""
    p = _progress(request)
    if not p.task:
        return {"task": None}
    return {"task": p.task, "done": p.done, "total": p.total, "seconds": round(time.monotonic() - p.started, 1)}


@router.get("/api/assist/similar")
def similar(
    request: Request,
    q: str | None = None,
    source: int | None = None,
    start: int | None = None,
    end: int | None = None,
    segment: int | None = None,
    code: str | None = None,
    limit: int = Query(20, ge=1, le=100),
    exclude_coded: bool = False,
    where: list[str] = Query(default=[]),
    wb: Workbench = Depends(workbench),
) -> dict[str, Any]:
    """Passages like a typed text (``q``), a selection (``source``, ``start``, ``end`` in UTF-16), a segment or a code."""
    need_assist()
    filters = _where(where)
    if sum(x is not None for x in (q, source, segment, code)) != 1:
        raise InvalidInput("ask with one of: q (a text), source with start and end (a selection), segment, or code")
    with wb.use() as project:
        _embed(request, project, "passage")
        ask: dict[str, Any] = {"limit": limit, "exclude_coded": exclude_coded, "where": filters}
        if source is not None:
            umap = utf16_map(project.source_text(source))
            ask |= {"source": source, "start": umap.to_index(start if start is not None else 0),
                    "end": umap.to_index(end if end is not None else umap.units)}
        elif segment is not None:
            ask["segment"] = segment
        elif code is not None:
            ask["code"] = int(code) if code.strip().isdigit() else code
        else:
            ask["query"] = q
        hits, ms = _timed(lambda: project.similar(**ask))
        texts = {sid: project.source_text(sid) for sid in {h.source_id for h in hits}}
    return {"hits": [_passage_json(h, texts[h.source_id]) for h in hits], "ms": ms}


@router.post("/api/assist/suggest")
def suggest(request: Request, body: SuggestBody | None = None, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Learn from the coding so far and propose codes for what is not coded yet (replaces the open suggestions)."""
    need_assist()
    with wb.use() as project:
        _embed(request, project, "sentence", always=True)
        _step(request, "Learning from your coding")
        try:
            report, ms = _timed(lambda: project.suggest_codes(method=body.method if body else None))
        finally:
            _done(request)
        total = len(project.suggestions(limit=None))
    return {"units": report.units, "trained_on": report.trained_on, "offered": report.offered,
            "assistant_segments": report.assistant_segments, "method": report.method,
            "codes_by_definition": list(report.codes_by_definition), "open": total, "ms": ms}


@router.get("/api/assist/suggestions")
def suggestions(
    source: int | None = None, limit: int = Query(50, ge=1, le=500), wb: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """Open suggestions, most informative first (of one source, with ``source``), offsets in UTF-16."""
    need_assist()
    with wb.use() as project:
        if source is not None:
            project.source(source)  # 404 for a source that does not exist
        views = project.suggestions(limit=None)
        total = len(views)
        mine = [v for v in views if source is None or v.suggestion.source_id == source]
        shown = _suggestions_json(project, mine[:limit])
    return {"suggestions": shown, "count": len(mine), "open": total}


@router.post("/api/assist/suggestions/{suggestion_id}")
def decide(suggestion_id: int, body: DecisionBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Accept (coded as you, with the suggestion's provenance) or reject; then the next most informative one."""
    need_assist()
    accept = body.decision == "accept"
    with wb.use() as project:
        following = project.decide_suggestion(suggestion_id, accept)
        segment_id = None
        if accept:
            made = project.segment_provenance()
            segment_id = max((sid for sid, prov in made.items() if prov.get("suggestion") == suggestion_id), default=None)
        nxt = _suggestions_json(project, [following])[0] if following else None
    return {"decided": suggestion_id, "decision": body.decision, "segment_id": segment_id, "next": nxt}


@router.get("/api/assist/themes")
def candidate_themes(
    request: Request, groups: int | None = Query(None, ge=2, le=50), wb: Workbench = Depends(workbench)
) -> dict[str, Any]:
    """Candidate themes: groups of codes with their telling words and cohesion (nothing is created)."""
    need_assist()
    with wb.use() as project:
        _embed(request, project, "segment", always=True)
        _step(request, "Grouping the codes")
        try:
            found, ms = _timed(lambda: project.suggest_themes(n_groups=groups))
        finally:
            _done(request)
        codes = {c.id: c for c in project.codes()}
    return {
        "candidates": [
            {"codes": [{"id": cid, "name": name, "colour": colour(codes[cid]) if cid in codes else "#888888"}
                       for cid, name in zip(c.code_ids, c.codes, strict=True)],
             "keywords": list(c.keywords), "cohesion": round(float(c.cohesion), 3)}
            for c in found
        ],
        "ms": ms,
    }
