"""Reports: the findings report downloads (DOCX, HTML, Markdown), the codebook CSV, the COREQ checklist."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from markupsafe import escape

from thematica.project import Project


@pytest.fixture
def project(app) -> Project:
    return app.state.workbench.project


def test_the_page_lists_downloads_and_every_coreq_item(client, project) -> None:
    html = client.get("/reports").text
    assert "<h1>Reports</h1>" in html
    for path in ("/reports/download/docx", "/reports/download/html", "/reports/download/md", "/reports/codebook.csv"):
        assert path in html
    items = project.coreq()
    assert len(items) == 32 and all(f'id="coreq-{i.number}"' in html for i in items)
    answered = sum(1 for i in items if i.origin != "missing")
    assert f"{answered} of 32 items answered" in html


def test_the_docx_report_parses_and_names_every_theme(client, project) -> None:
    folder = project.path.parent
    before = sorted(p.name for p in folder.iterdir())
    response = client.get("/reports/download/docx")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert 'filename="study-report.docx"' in response.headers["content-disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    for theme in project.themes():
        assert theme.name in text
    assert sorted(p.name for p in folder.iterdir()) == before  # written to a temporary folder, not the project's


def test_html_and_markdown_reports(client, project) -> None:
    html = client.get("/reports/download/html")
    assert html.headers["content-type"].startswith("text/html") and "attachment" in html.headers["content-disposition"]
    assert all(t.name in html.text or str(escape(t.name)) in html.text for t in project.themes())
    md = client.get("/reports/download/md")
    assert md.headers["content-type"] == "application/zip"
    assert 'filename="study-report.md.zip"' in md.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(md.content))
    names = archive.namelist()
    text = archive.read("study-report.md").decode("utf-8")
    assert all(t.name.split(":")[0] in text for t in project.themes())
    assert any(n.endswith("thematic-map.png") for n in names)
    assert client.get("/reports/download/pdf").status_code == 404


def test_codebook_csv(client, project) -> None:
    response = client.get("/reports/codebook.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text == project.export_codebook_csv()
    assert 'filename="study-codebook.csv"' in response.headers["content-disposition"]


def test_answer_a_coreq_item(client, csrf, project) -> None:
    response = client.post("/api/coreq", json={"item": 7, "answer": "Participants knew the study's aims."}, headers=csrf)
    assert response.status_code == 200 and response.json()["item"] == 7
    assert project.settings()["coreq.7"] == "Participants knew the study's aims."
    item = next(i for i in project.coreq() if i.number == 7)
    assert item.origin == "researcher"
    by_topic = client.post("/api/coreq", json={"item": "duration", "answer": "About an hour."}, headers=csrf).json()
    assert project.settings()[f"coreq.{by_topic['item']}"] == "About an hour."
    assert client.post("/api/coreq", json={"item": 33, "answer": "x"}, headers=csrf).status_code == 400
    assert client.post("/api/coreq", json={"item": "colour of the room", "answer": "x"}, headers=csrf).status_code == 400
    assert client.post("/api/coreq", json={"item": 8, "answer": "  "}, headers=csrf).status_code == 400


def test_coreq_refuses_a_missing_csrf_token(client, project) -> None:
    assert client.post("/api/coreq", json={"item": 7, "answer": "sneaky"}).status_code == 403
    assert "coreq.7" not in project.settings()
