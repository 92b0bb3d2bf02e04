"""Queries: full-text search, matrix coding, co-occurrence and saturation, as tables, figures and downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from ...analysis.queries import MEASURES
from ...analysis.tables import Table
from ...errors import NotFound
from ...model import SearchHit
from ...project import Project
from ...report import figures
from ..context import Workbench, workbench
from ..offsets import utf16_map
from .codebook import visible_coder_names
from .themes import file_response, scratch_folder

router = APIRouter()

TOOLS = ("search", "matrix", "cooccurrence", "saturation")
TABLES = ("matrix", "cooccurrence", "saturation", "coverage")
_DOWNLOADS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FIGURES = {"svg": "image/svg+xml", "png": "image/png"}


@dataclass(frozen=True)
class QuerySpec:
    """What a table query asks for (from the query string)."""

    rows: str = "codes"
    columns: str = "participants"
    count: str = "segments"
    percent: str = ""
    coder: str = ""
    interviewer: bool = False
    mode: str = "overlap"

    def query_string(self) -> str:
        """The same query, for figure and download links."""
        parts = {"rows": self.rows, "columns": self.columns, "count": self.count, "percent": self.percent,
                 "coder": self.coder, "mode": self.mode}
        return urlencode({**{k: v for k, v in parts.items() if v}, **({"interviewer": "true"} if self.interviewer else {})})

    def file_stem(self, name: str) -> str:
        """A download's file name without suffix, e.g. ``matrix-codes-by-gender``."""
        stem = f"matrix-{self.rows}-by-{self.columns}" if name == "matrix" else name
        return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or name


def query_spec(
    rows: str = "codes", columns: str = "participants", count: str = "segments", percent: str = "",
    coder: str = "", interviewer: bool = False, mode: str = "overlap",
) -> QuerySpec:
    """The table query of this request (a FastAPI dependency)."""
    return QuerySpec(rows, columns, count, percent, coder, interviewer, mode)


def run_table(project: Project, name: str, spec: QuerySpec) -> Table:
    """The table a query names, from the one Project method that answers it."""
    coder = spec.coder or None
    if name == "matrix":
        return project.matrix(spec.rows, spec.columns, how=spec.count, percent=spec.percent or None,  # type: ignore[arg-type]
                              coder=coder, include_interviewer=spec.interviewer)
    if name == "cooccurrence":
        return project.cooccurrence(spec.mode, coder=coder)  # type: ignore[arg-type]
    if name == "saturation":
        return project.saturation(coder=coder)
    if name == "coverage":
        return project.coverage(coder=coder)
    raise NotFound(f"no query table {name!r} (tables: {', '.join(TABLES)})")


def hit_json(hit: SearchHit, text: str) -> dict[str, Any]:
    """A search hit: the snippet cut around its match, and the reader link (UTF-16 offset in the anchor)."""
    before, match, after = split_snippet(hit.snippet, hit.end - hit.start)
    at = utf16_map(text).to_utf16(hit.start)
    return {"source_id": hit.source_id, "source": hit.source, "start": at, "before": before, "match": match,
            "after": after, "href": f"/sources/{hit.source_id}#at-{at}"}


def split_snippet(snippet: str, length: int) -> tuple[str, str, str]:
    """Cut a snippet at its ``[match]`` (the bracketed run whose length fits best)."""
    found = [m for m in re.finditer(r"\[([^\[\]]+)\]", snippet)]
    if not found:
        return snippet, "", ""
    best = min(found, key=lambda m: abs(len(m.group(1)) - length))
    return snippet[: best.start()], best.group(1), snippet[best.end():]


def _search(project: Project, q: str, participants_only: bool) -> list[dict[str, Any]]:
    hits = project.search(q, participants_only=participants_only) if q.strip() else []
    texts = {sid: project.source_text(sid) for sid in {h.source_id for h in hits}}
    return [hit_json(h, texts[h.source_id]) for h in hits]


@router.get("/api/search")
def search(q: str = "", participants_only: bool = False, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Full-text search, best first, with snippets linking to the reader."""
    with wb.use() as project:
        return {"query": q, "results": _search(project, q, participants_only)}


@router.get("/queries", response_class=HTMLResponse)
def queries_page(
    request: Request, tool: str = "search", q: str = "", participants_only: bool = False,
    spec: QuerySpec = Depends(query_spec), wb: Workbench = Depends(workbench),
) -> HTMLResponse:
    """One query tool at a time: its form, its table and its figure."""
    if tool not in TOOLS:
        raise NotFound(f"no query tool {tool!r} (tools: {', '.join(TOOLS)})")
    with wb.use() as project:
        context: dict[str, Any] = {
            "attributes": [a.name for a in project.attributes()],
            "coders": visible_coder_names(project),
            "results": _search(project, q, participants_only) if tool == "search" else [],
            "table": None if tool == "search" else run_table(project, tool, spec),
        }
    return wb.render(request, "queries.html", tool=tool, tools=TOOLS, q=q, participants_only=participants_only,
                     spec=spec, query=spec.query_string(), measures=MEASURES, **context)


@router.get("/queries/figure/{name}.{fmt}")
def figure(name: str, fmt: str, spec: QuerySpec = Depends(query_spec), wb: Workbench = Depends(workbench)) -> Response:
    """A query's figure (heatmap or saturation curve), drawn into a temporary folder."""
    if fmt not in _FIGURES:
        raise NotFound(f"figures come as svg or png, not {fmt}")
    with scratch_folder("figure") as folder:
        with wb.use() as project:  # the lock also keeps matplotlib (global rc settings) to one request at a time
            table = run_table(project, name, spec)
            if name == "saturation":
                made = figures.saturation_curve(table, folder / name)
            else:
                label = "co-occurrences" if name == "cooccurrence" else ("%" if spec.percent else spec.count)
                made = figures.heatmap(table, folder / name, value_label=label)
        return file_response(made.svg if fmt == "svg" and made.svg else made.path, _FIGURES[fmt])


@router.get("/queries/download/{name}.{fmt}")
def download(name: str, fmt: str, spec: QuerySpec = Depends(query_spec), wb: Workbench = Depends(workbench)) -> Response:
    """A query's table as CSV or XLSX."""
    if fmt not in _DOWNLOADS:
        raise NotFound(f"tables download as csv or xlsx, not {fmt}")
    with wb.use() as project, scratch_folder("table") as folder:
        table = run_table(project, name, spec)
        path = project.write_table(table, folder / f"{name}.{fmt}")  # through the disclosure checks
        return file_response(path, _DOWNLOADS[fmt], filename=f"{spec.file_stem(name)}.{fmt}")
