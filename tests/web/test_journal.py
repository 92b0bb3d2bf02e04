"""The journal page: entries stamped with the phase, memos of every kind with links, adding both."""

from __future__ import annotations

import pytest
from markupsafe import escape

from thematica.model import MemoTarget
from thematica.project import Project


@pytest.fixture
def project(app) -> Project:
    return app.state.workbench.project


def test_the_page_shows_the_journal_and_memos_with_what_they_are_on(client, project) -> None:
    source = project.sources()[0]
    code = project.code_by("Hope")
    segment = project.segments(code=code.id)[0]
    project.add_memo("On the source", on="source", target=source.id)
    project.add_memo("On the code", on="code", target=code.id)
    project.add_memo("On the segment", on="segment", target=segment.id)
    html = client.get("/journal").text
    assert "<h1>Journal and memos</h1>" in html
    for entry in project.journal():
        assert str(escape(entry.text.splitlines()[0])) in html
    assert f'href="/sources/{source.id}">source {source.name}</a>' in html
    assert f'href="/codebook/{code.id}">code Hope</a>' in html
    assert f'href="/sources/{segment.source_id}#seg-{segment.id}"' in html
    only_codes = client.get("/journal?on=code").text
    assert "On the code" in only_codes and "On the source" not in only_codes
    assert client.get("/journal?on=everything").status_code == 404


def test_add_a_journal_entry_and_a_project_memo(client, csrf, project) -> None:
    before = len(project.journal())
    response = client.post("/api/journal", json={"text": "I noticed I lean towards the clinicians."}, headers=csrf)
    assert response.status_code == 200 and response.json()["phase"] == int(project.phase)
    entries = project.journal()
    assert len(entries) == before + 1 and entries[-1].phase == project.phase and entries[-1].author == "Researcher A"
    memo = client.post("/api/journal/memos", json={"text": "Check the power codes again."}, headers=csrf).json()
    assert memo["target"] == "project"
    assert [m.text for m in project.memos(MemoTarget.PROJECT)] == ["Check the power codes again."]
    assert "Check the power codes again." in client.get("/journal?on=project").text
    assert client.post("/api/journal", json={"text": "   "}, headers=csrf).status_code == 400
    assert client.post("/api/journal/memos", json={"text": ""}, headers=csrf).status_code == 400


def test_changes_refuse_a_missing_csrf_token(client, project) -> None:
    before = len(project.memos())
    assert client.post("/api/journal", json={"text": "sneaky"}).status_code == 403
    assert client.post("/api/journal/memos", json={"text": "sneaky"}).status_code == 403
    assert len(project.memos()) == before


def test_memo_text_is_escaped(client, project) -> None:
    project.add_journal_entry("<script>alert(1)</script>")
    html = client.get("/journal").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
