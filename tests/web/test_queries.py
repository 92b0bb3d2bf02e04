"""Queries: search (with UTF-16 anchors), matrix coding, co-occurrence, saturation, figures and downloads."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from thematica.project import Project
from thematica.web.routes.queries import split_snippet


@pytest.fixture
def project(app) -> Project:
    return app.state.workbench.project


def test_search_api_returns_snippets_linking_to_the_reader(client, project) -> None:
    data = client.get("/api/search?q=power").json()
    hits = project.search("power")
    assert len(data["results"]) == len(hits) > 0
    first = data["results"][0]
    assert first["match"].casefold() == "power" and first["href"] == f"/sources/{first['source_id']}#at-{first['start']}"
    only = client.get("/api/search?q=power&participants_only=true").json()["results"]
    assert len(only) == len(project.search("power", participants_only=True)) < len(hits)
    assert client.get("/api/search?q=").json()["results"] == []


def test_search_anchors_count_utf16_units(client, project, tmp_path: Path) -> None:
    file = tmp_path / "E01.txt"
    file.write_text("😀😀 The walled garden was calm.\n", encoding="utf-8")
    project.import_file(file)
    result = client.get("/api/search?q=garden").json()["results"]
    assert len(result) == 1
    code_points = "😀😀 The walled garden was calm.".index("garden")
    assert result[0]["start"] == code_points + 2  # each emoji is two UTF-16 units
    assert result[0]["match"] == "garden" and result[0]["before"].endswith("walled ")


def test_the_search_page_renders_results(client) -> None:
    html = client.get("/queries?q=power").text
    assert "<h1>Queries</h1>" in html and "<mark>power</mark>" in html.lower() and "#at-" in html
    assert client.get("/queries?tool=nonsense").status_code == 404


def test_split_snippet_picks_the_match() -> None:
    assert split_snippet("…a [b] the [match] c", 5) == ("…a [b] the ", "match", " c")
    assert split_snippet("no brackets", 3) == ("no brackets", "", "")


def test_matrix_page_shows_the_projects_numbers(client, project) -> None:
    html = client.get("/queries?tool=matrix&rows=themes&columns=gender&count=participants&percent=column").text
    table = project.matrix("themes", "gender", how="participants", percent="column")
    assert table.rows and all(column in html for column in table.columns[1:])
    assert f"{table.rows[0][1]:.1f}%" in html
    assert "/queries/figure/matrix.svg?rows=themes&amp;columns=gender" in html
    assert client.get("/queries?tool=matrix&columns=shoe_size").status_code == 400
    assert client.get("/queries?tool=matrix&count=bananas").status_code == 400
    assert client.get("/queries?tool=matrix&coder=Nobody").status_code == 404


def test_cooccurrence_and_saturation_pages(client, project) -> None:
    html = client.get("/queries?tool=cooccurrence&mode=turn").text
    assert "Code co-occurrence (turn)" in html and "/queries/figure/cooccurrence.svg" in html
    assert client.get("/queries?tool=cooccurrence&mode=sideways").status_code == 400
    html = client.get("/queries?tool=saturation").text
    saturation = project.saturation()
    assert all(row[0] in html for row in saturation.rows) and "/queries/figure/saturation.svg" in html


def test_downloads_are_the_projects_tables(client, project) -> None:
    response = client.get("/queries/download/matrix.csv?rows=codes&columns=band")
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="matrix-codes-by-band.csv"' in response.headers["content-disposition"]
    assert response.text == project.matrix("codes", "band").to_csv()
    xlsx = client.get("/queries/download/saturation.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == list(project.saturation().columns)
    rows = list(csv.reader(io.StringIO(client.get("/queries/download/coverage.csv").text)))
    assert rows[0] == list(project.coverage().columns)
    assert client.get("/queries/download/matrix.pdf").status_code == 404
    assert client.get("/queries/download/everything.csv").status_code == 404


def _scratch() -> set[str]:
    prefixes = ("thematica-figure-", "thematica-table-")
    return {p.name for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(prefixes)}


def test_figures_are_drawn_outside_the_project_folder_and_cleaned_up(client, project) -> None:
    folder = project.path.parent
    before, scratch = sorted(p.name for p in folder.iterdir()), _scratch()
    for name in ("matrix", "cooccurrence", "saturation", "coverage"):
        svg = client.get(f"/queries/figure/{name}.svg")
        assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    png = client.get("/queries/figure/matrix.png?rows=themes&percent=row")
    assert png.content.startswith(b"\x89PNG")
    assert client.get("/queries/figure/matrix.gif").status_code == 404
    assert client.get("/queries/figure/nothing.svg").status_code == 404
    assert client.get("/queries/figure/matrix.svg?columns=shoe_size").status_code == 400
    assert client.get("/queries/download/matrix.csv?count=bananas").status_code == 400
    assert sorted(p.name for p in folder.iterdir()) == before
    assert _scratch() <= scratch  # every temporary folder is gone, after success and after errors
