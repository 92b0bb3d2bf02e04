"""The codebook page and its API: counts, documentation, rename, move, merge, delete, restore, escaping."""

from __future__ import annotations

import re

import pytest

from thematica.project import Project

XSS_CODE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def project(app) -> Project:
    """The project the app serves (changes made through the API are visible here)."""
    return app.state.workbench.project


def _row(html: str, code_id: int) -> str:
    match = re.search(rf'<li class="code-row[^"]*"[^>]*data-code-id="{code_id}".*?</li>', html, re.S)
    assert match, code_id
    return match.group(0)


def test_the_tree_shows_every_code_with_segments_and_participants(client, project) -> None:
    html = client.get("/codebook").text
    assert "<h1>Codebook</h1>" in html
    matrix = project.matrix("codes", "participants")  # counted independently of the page's own counting
    for code in project.codes():
        row = _row(html, code.id)
        assert f"/codebook/{code.id}" in row
        path = project.code_path(code.id)
        cells = next((r[1:] for r in matrix.rows if r[0] == path), None)
        segments, people = (sum(cells), sum(1 for v in cells if v)) if cells else (0, 0)
        assert f">{segments} · {people}<" in row, (code.name, row)
    child = project.code_by("Equal partnership")
    assert "depth-1" in _row(html, child.id) and "depth-0" in _row(html, child.parent_id)


def test_a_code_page_shows_its_documentation_and_segments_linking_to_the_reader(client, project) -> None:
    code = project.code_by("Equal partnership")
    html = client.get(f"/codebook/{code.id}").text
    assert "Clinician and Peer Trainer described as equals" in html and 'id="doc-form"' in html
    extracts = project.extracts(code.id, subcodes=False)
    assert extracts and f"Segments ({len(extracts)})" in html
    for x in extracts:
        assert f'href="/sources/{x.segment.source_id}#seg-{x.segment.id}"' in html
    only_b = client.get(f"/codebook/{code.id}?coder=Researcher B").text
    assert f"Segments ({len(project.extracts(code.id, subcodes=False, coder='Researcher B'))})" in only_b
    assert client.get("/codebook/9999").status_code == 404


def test_extracts_api(client, project) -> None:
    code = project.code_by("Power")
    data = client.get(f"/api/codes/{code.id}/extracts").json()
    expected = project.extracts(code.id, subcodes=False)
    assert [x["segment_id"] for x in data["extracts"]] == [x.segment.id for x in expected]
    first = data["extracts"][0]
    assert first["href"] == f"/sources/{first['source_id']}#seg-{first['segment_id']}" and first["text"]
    with_sub = client.get(f"/api/codes/{code.id}/extracts?subcodes=true").json()["extracts"]
    assert len(with_sub) == len(project.extracts(code.id))
    assert client.get("/api/codes/9999/extracts").status_code == 404


def test_documentation_is_saved(client, csrf, project) -> None:
    code = project.code_by("Power")
    body = {"definition": "New definition", "inclusion": "in", "exclusion": "out", "example": '"quote"', "status": "draft"}
    response = client.put(f"/api/codes/{code.id}", json=body, headers=csrf)
    assert response.status_code == 200 and response.json()["definition"] == "New definition"
    saved = project.code_by(code.id)
    assert (saved.definition, saved.inclusion, saved.exclusion, saved.example, saved.status.value) == (
        "New definition", "in", "out", '"quote"', "draft")
    assert client.put(f"/api/codes/{code.id}", json={"colour2": "x"}, headers=csrf).status_code == 400
    assert client.put(f"/api/codes/{code.id}", json={"status": "half-done"}, headers=csrf).status_code == 400
    assert client.put("/api/codes/9999", json={"definition": "x"}, headers=csrf).status_code == 404


def test_rename(client, csrf, project) -> None:
    code = project.code_by("Power")
    response = client.post(f"/api/codes/{code.id}/rename", json={"name": "Power and control"}, headers=csrf)
    assert response.status_code == 200 and project.code_by(code.id).name == "Power and control"
    assert client.post(f"/api/codes/{code.id}/rename", json={"name": "Hope"}, headers=csrf).status_code == 409
    assert client.post(f"/api/codes/{code.id}/rename", json={"name": "  "}, headers=csrf).status_code == 400
    assert client.post("/api/codes/9999/rename", json={"name": "X"}, headers=csrf).status_code == 404


def test_move_under_another_code_and_back_to_the_top(client, csrf, project) -> None:
    hope, power = project.code_by("Hope"), project.code_by("Power")
    response = client.post(f"/api/codes/{hope.id}/move", json={"parent": power.id}, headers=csrf)
    assert response.status_code == 200 and response.json()["path"] == "Power/Hope"
    assert project.code_by(hope.id).parent_id == power.id
    assert client.post(f"/api/codes/{hope.id}/move", json={"parent": None}, headers=csrf).status_code == 200
    assert project.code_by(hope.id).parent_id is None
    child = project.descendants(power.id)[0]
    assert client.post(f"/api/codes/{power.id}/move", json={"parent": child.id}, headers=csrf).status_code == 400
    assert client.post(f"/api/codes/{hope.id}/move", json={"parent": 9999}, headers=csrf).status_code == 404


def test_merge_moves_the_segments_and_delete_restore_round_trip(client, csrf, project) -> None:
    hope, stigma = project.code_by("Hope"), project.code_by("Stigma in services")
    before = len(project.segments(code=hope.id)) + len(project.segments(code=stigma.id))
    response = client.post("/api/codebook/merge", json={"codes": [stigma.id], "into": hope.id}, headers=csrf)
    assert response.status_code == 200
    assert project.code_by(stigma.id, include_deleted=True).deleted
    assert 0 < len(project.segments(code=hope.id)) <= before
    assert client.post("/api/codebook/merge", json={"codes": [hope.id], "into": hope.id}, headers=csrf).status_code == 400
    assert client.post("/api/codebook/merge", json={"codes": [9999], "into": hope.id}, headers=csrf).status_code == 404

    html = client.get("/codebook").text
    assert "Deleted codes (1)" in html and f'data-code-id="{stigma.id}">Restore' in html
    assert client.post(f"/api/codes/{stigma.id}/restore", headers=csrf).status_code == 200
    assert not project.code_by(stigma.id).deleted

    meaning = project.code_by("Meaning of co-production")
    family = {meaning.id, *(c.id for c in project.descendants(meaning.id))}
    gone = client.delete(f"/api/codes/{meaning.id}", headers=csrf).json()
    assert set(gone["deleted"]) == family and len(family) > 1
    assert all(c.id not in family for c in project.codes())
    assert client.delete(f"/api/codes/{meaning.id}", headers=csrf).status_code == 404
    assert client.post(f"/api/codes/{meaning.id}/restore", headers=csrf).status_code == 200
    assert family <= {c.id for c in project.codes()}
    assert client.post("/api/codes/9999/restore", headers=csrf).status_code == 404


def test_changes_refuse_a_missing_csrf_token(client, project) -> None:
    code = project.code_by("Power")
    assert client.put(f"/api/codes/{code.id}", json={"definition": "sneaky"}).status_code == 403
    assert client.post(f"/api/codes/{code.id}/rename", json={"name": "Sneaky"}).status_code == 403
    assert client.delete(f"/api/codes/{code.id}").status_code == 403
    assert client.post("/api/codebook/merge", json={"codes": [code.id], "into": 1}).status_code == 403
    fresh = project.code_by(code.id)
    assert fresh.name == "Power" and fresh.definition == code.definition and not fresh.deleted


def test_code_names_are_escaped(client, project) -> None:
    code = project.create_code(XSS_CODE, definition="<b>bold</b>")
    for page in ("/codebook", f"/codebook/{code.id}"):
        html = client.get(page).text
        assert XSS_CODE not in html and "<b>bold</b>" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_blind_coder_sees_only_their_own_segments(app, project, secrets) -> None:
    from fastapi.testclient import TestClient

    from thematica.web import WebSettings, create_app

    project.set_coder("Researcher B", blind=True)
    code = project.code_by("Equal partnership")
    blind_app = create_app(project.path, WebSettings(user="Researcher B", secrets=secrets))
    try:
        with TestClient(blind_app, base_url="http://127.0.0.1") as c:
            c.get(f"/?token={secrets.token}")
            html = c.get(f"/codebook/{code.id}").text
            assert "coded by Researcher B" in html and "coded by Researcher A" not in html
            assert '<option>Researcher A</option>' not in html
            data = c.get(f"/api/codes/{code.id}/extracts").json()["extracts"]
            assert data and {x["coder"] for x in data} == {"Researcher B"}
            assert c.get(f"/api/codes/{code.id}/extracts?coder=Researcher A").status_code == 400
    finally:
        blind_app.state.workbench.project.close()
