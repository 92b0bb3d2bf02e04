"""Reports (phase 6): the findings report, the codebook, query tables, and the COREQ checklist."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from ...errors import NotFound
from ..context import Workbench, workbench
from .themes import file_response, scratch_folder

router = APIRouter()

#: Report formats: (media type, file suffix). Markdown comes zipped with the figures it links to.
FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "html": ("text/html; charset=utf-8", "html"),
    "md": ("application/zip", "md.zip"),
}


#: Exports (GET /reports/export/{kind}): kind -> (media type, file name after the project's stem).
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {
    "segments.csv": ("text/csv; charset=utf-8", "-segments.csv"),
    "segments.xlsx": (_XLSX, "-segments.xlsx"),
    "presence.csv": ("text/csv; charset=utf-8", "-presence.csv"),
    "presence.xlsx": (_XLSX, "-presence.xlsx"),
    "counts.csv": ("text/csv; charset=utf-8", "-counts.csv"),
    "counts.xlsx": (_XLSX, "-counts.xlsx"),
    "codebook.xlsx": (_XLSX, "-codebook.xlsx"),
    "codebook.docx": (FORMATS["docx"][0], "-codebook.docx"),
    "project.qdpx": ("application/zip", ".qdpx"),
    "codebook.qdc": ("application/xml", "-codebook.qdc"),
    "folder.zip": ("application/zip", "-folder.zip"),
}


class CoreqBody(BaseModel):
    item: str | int
    answer: str


def _stem(name: str) -> str:
    """A file name from the project's name: ``recovery-college``."""
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:60] or "thematica"


@router.get("/reports", response_class=HTMLResponse)
def reports_page(request: Request, wb: Workbench = Depends(workbench)) -> HTMLResponse:
    """Downloads, and the COREQ checklist with a form for each item."""
    with wb.use() as project:
        items = project.coreq()
    answered = sum(1 for i in items if i.origin != "missing")
    return wb.render(request, "reports.html", items=items, answered=answered)


@router.get("/reports/download/{fmt}")
def download_report(fmt: str, wb: Workbench = Depends(workbench)) -> Response:
    """The findings report as DOCX, HTML or Markdown (a ZIP with its figures), written to a temporary folder."""
    if fmt not in FORMATS:
        raise NotFound(f"reports come as {', '.join(FORMATS)}, not {fmt}")
    media_type, suffix = FORMATS[fmt]
    with scratch_folder("report") as folder:
        with wb.use() as project:
            stem = _stem(project.path.stem)
            path = project.write_report(folder / "report", formats=[fmt], stem=f"{stem}-report")[0]
        if fmt == "md":  # the .md links its figures in the folder beside it: send them together
            path = Path(shutil.make_archive(str(folder / f"{stem}-report-md"), "zip", path.parent))
        return file_response(path, media_type, filename=f"{stem}-report.{suffix}")


@router.get("/reports/codebook.csv")
def codebook_csv(wb: Workbench = Depends(workbench)) -> Response:
    """The codebook as CSV (name, parent, origin, status, colour, definition, inclusion, exclusion, example)."""
    with wb.use() as project:
        text, stem = project.export_codebook_csv(), _stem(project.path.stem)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{stem}-codebook.csv"'})


@router.get("/reports/export/{kind}")
def download_export(kind: str, wb: Workbench = Depends(workbench)) -> Response:
    """A table (CSV, Excel), the codebook (Excel, Word), REFI-QDA (.qdpx, .qdc) or the JSON Lines folder (ZIP)."""
    if kind not in EXPORTS:
        raise NotFound(f"exports are {', '.join(EXPORTS)}, not {kind}")
    media_type, ending = EXPORTS[kind]
    name = kind.split(".")[0]
    with scratch_folder("export") as folder:
        with wb.use() as project:
            target = folder / f"{_stem(project.path.stem)}{ending}"
            if kind == "project.qdpx":
                project.export_qdpx(target)
            elif kind == "codebook.qdc":
                project.export_qdc(target)
            elif kind == "folder.zip":
                project.export_folder(folder / "folder")
            else:
                project.export_table(name, target)
        if kind == "folder.zip":
            shutil.make_archive(str(target.with_suffix("")), "zip", folder / "folder")
        return file_response(target, media_type, filename=target.name)


@router.post("/api/coreq")
def answer_coreq(payload: CoreqBody, wb: Workbench = Depends(workbench)) -> dict[str, Any]:
    """Store the researcher's answer to one COREQ item (by number or topic)."""
    with wb.use() as project:
        number = project.set_coreq_answer(payload.item, payload.answer)
    return {"item": number, "answer": payload.answer.strip()}
