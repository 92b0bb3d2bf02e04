"""Reports page exports: tables, the codebook document, REFI-QDA and the JSON Lines folder as downloads."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas
import pytest
from docx import Document
from lxml import etree
from openpyxl import load_workbook

from thematica.interop import jsonl
from thematica.project import Project
from thematica.web.routes.reports import EXPORTS


@pytest.fixture
def project(app) -> Project:  # type: ignore[no-untyped-def]
    return app.state.workbench.project


def test_the_page_links_every_export(client) -> None:  # type: ignore[no-untyped-def]
    html = client.get("/reports").text
    for kind in EXPORTS:
        assert f'href="/reports/export/{kind}"' in html


def test_tables_download_as_csv_and_excel(client, project: Project) -> None:  # type: ignore[no-untyped-def]
    folder = project.path.parent
    before = sorted(p.name for p in folder.iterdir())
    response = client.get("/reports/export/segments.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="study-segments.csv"' in response.headers["content-disposition"]
    frame = pandas.read_csv(io.BytesIO(response.content), keep_default_na=False)
    assert list(frame["text"]) == list(project.segments_frame()["text"])
    counts = client.get("/reports/export/counts.xlsx")
    assert counts.headers["content-type"] == EXPORTS["counts.xlsx"][0]
    sheet = load_workbook(io.BytesIO(counts.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    expected = project.counts_frame()
    assert list(rows[0][1:]) == list(expected.columns) and len(rows) == len(expected) + 1
    presence = pandas.read_csv(io.BytesIO(client.get("/reports/export/presence.csv").content), index_col="code")
    assert presence.equals(project.presence_frame())
    assert sorted(p.name for p in folder.iterdir()) == before  # written to a temporary folder


def test_the_codebook_as_word_and_excel(client, project: Project) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/reports/export/codebook.docx")
    assert 'filename="study-codebook.docx"' in response.headers["content-disposition"]
    document = Document(io.BytesIO(response.content))
    headings = {p.text for p in document.paragraphs if p.style.name.startswith("Heading")}
    assert headings == {c.name for c in project.codes()}
    book = load_workbook(io.BytesIO(client.get("/reports/export/codebook.xlsx").content)).worksheets[0]
    assert book.max_row == len(project.codes()) + 1


def test_refi_downloads(client, project: Project) -> None:  # type: ignore[no-untyped-def]
    qdpx = client.get("/reports/export/project.qdpx")
    assert qdpx.status_code == 200 and 'filename="study.qdpx"' in qdpx.headers["content-disposition"]
    assert "project.qde" in zipfile.ZipFile(io.BytesIO(qdpx.content)).namelist()
    qdc = client.get("/reports/export/codebook.qdc")
    assert qdc.status_code == 200 and etree.fromstring(qdc.content).tag.endswith("CodeBook")


def test_the_folder_comes_zipped(client, project: Project, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/reports/export/folder.zip")
    assert response.headers["content-type"] == "application/zip"
    assert 'filename="study-folder.zip"' in response.headers["content-disposition"]
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(tmp_path / "folder")
    assert jsonl.read_folder(tmp_path / "folder") == jsonl.normalise(project.snapshot())


def test_an_unknown_export_is_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/reports/export/everything.pdf")
    assert response.status_code == 404 and "exports are" in response.json()["error"]
