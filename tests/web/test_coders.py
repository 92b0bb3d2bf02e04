"""The Coders page and its API: coders, agreement, the disagreement queue, resolutions, blind coding."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

import openpyxl
import pytest
from fastapi.testclient import TestClient

from thematica import open_project
from thematica.web import Secrets, WebSettings, create_app

FIRST = "P01:1558-1676"  # the demo's first disagreement: A coded "Learning from Peer Trainers", B "Valuing lived experience"


def _project(app):
    return app.state.workbench.project


def _consensus(app) -> list:
    return _project(app).segments(coder="consensus") if any(c.name == "consensus" for c in _project(app).coders()) else []


# -- the page ------------------------------------------------------------------------------
def test_the_page_shows_coders_agreement_and_the_queue(client) -> None:
    response = client.get("/coders")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Coders</h1>" in html and "Researcher B" in html and "peer researcher (second coder)" in html
    assert 'id="agreement-table"' in html and "(all codes pooled)" in html and "828 sentences" in html
    assert html.count('class="place"') == 76 and f'data-key="{FIRST}"' in html
    assert '<b id="resolved-count">0</b> of <b id="total-count">76</b>' in html
    assert "Learning from Peer Trainers" in html and "Valuing lived experience" in html
    assert 'href="/api/agreement?unit=sentence&amp;format=csv"' in html


@pytest.mark.parametrize(("unit", "words"), [("turn", "speaker turns"), ("paragraph", "paragraphs"), ("character", "characters")])
def test_the_unit_of_analysis_can_be_chosen(client, unit: str, words: str) -> None:
    html = client.get(f"/coders?unit={unit}").text
    assert f'<option value="{unit}" selected>' in html and words + "," in html


def test_a_bad_unit_shows_the_projects_message(client) -> None:
    html = client.get("/coders?unit=chapter").text
    assert 'id="refusal"' in html and "the unit of analysis is one of" in html


def test_comparing_with_a_coder_who_never_coded_is_explained(client, csrf) -> None:
    client.post("/api/coders", json={"name": "Researcher C"}, headers=csrf)
    html = client.get("/coders?coder=Researcher A&coder=Researcher C").text
    assert "have not coded any source in common" in html
    assert 'id="unit-form"' in html and 'value="Researcher C" checked' in html  # the researcher can choose again


# -- coders -------------------------------------------------------------------------------------
def test_adding_a_coder(client, csrf, app) -> None:
    response = client.post(
        "/api/coders", json={"name": "Researcher C", "role": "peer researcher", "blind": True, "recode_of": "Researcher B"},
        headers=csrf,
    )
    assert response.status_code == 200
    assert response.json()["name"] == "Researcher C" and response.json()["blind"] is True
    coder = next(c for c in _project(app).coders() if c.name == "Researcher C")
    assert coder.blind and coder.role == "peer researcher"
    assert coder.recode_of == next(c.id for c in _project(app).coders() if c.name == "Researcher B")
    html = client.get("/coders").text
    assert "Researcher C" in html


def test_adding_a_coder_refuses_bad_input(client, csrf) -> None:
    assert client.post("/api/coders", json={"name": "Researcher B"}, headers=csrf).status_code == 409
    assert client.post("/api/coders", json={"name": "  "}, headers=csrf).status_code == 400
    assert client.post("/api/coders", json={"name": "consensus"}, headers=csrf).status_code == 400
    assert client.post("/api/coders", json={"name": "C", "recode_of": "Nobody"}, headers=csrf).status_code == 404
    assert client.post("/api/coders", json={"name": "C", "recode_of": 5}, headers=csrf).status_code == 404
    assert client.post("/api/coders", json=["C"], headers=csrf).status_code == 400  # not a JSON object


def test_toggling_blind_coding(client, csrf, app) -> None:
    response = client.put("/api/coders", json={"name": "Researcher B", "blind": True}, headers=csrf)
    assert response.status_code == 200 and response.json()["blind"] is True
    assert next(c for c in _project(app).coders() if c.name == "Researcher B").blind
    assert client.put("/api/coders", json={"name": "Researcher B", "blind": False}, headers=csrf).json()["blind"] is False
    assert not next(c for c in _project(app).coders() if c.name == "Researcher B").blind
    assert client.put("/api/coders", json={"name": "Nobody", "blind": True}, headers=csrf).status_code == 404
    assert client.put("/api/coders", json={"name": "Researcher B"}, headers=csrf).status_code == 400


# -- agreement ------------------------------------------------------------------------------------
def test_the_agreement_table_as_json(client) -> None:
    data = client.get("/api/agreement?unit=turn").json()
    assert data["columns"][:4] == ["code", "units", "coded by Researcher A", "coded by Researcher B"]
    assert data["rows"][-1][0] == "(all codes pooled)" and len(data["rows"]) == 25
    assert "speaker turns" in data["sentence"]


def test_the_agreement_table_downloads_as_csv_and_xlsx(client) -> None:
    response = client.get("/api/agreement?unit=sentence&format=csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert 'filename="agreement-sentence.csv"' in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert "Krippendorff's alpha" in rows[0] and "Gwet's AC1" in rows[0] and "kappa 95% CI" in rows[0]
    assert rows[-1][0] == "(all codes pooled)"
    response = client.get("/api/agreement?unit=character&format=xlsx")
    assert response.status_code == 200 and 'filename="agreement-character.xlsx"' in response.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "code" and sheet.cell(1, 16).value == "reading"


def test_the_agreement_table_refuses_bad_requests(client) -> None:
    assert client.get("/api/agreement?format=pdf").status_code == 400
    assert client.get("/api/agreement?unit=chapter").status_code == 400
    assert client.get("/api/agreement?coder=Nobody&coder=Researcher A").status_code == 404


# -- the queue and its resolution -------------------------------------------------------------------
def test_the_queue_as_json(client) -> None:
    data = client.get("/api/disagreements").json()
    assert data["progress"] == {"places": 188, "agreed": 112, "disagreements": 76, "resolved": 0}
    first = data["items"][0]
    assert first["key"] == FIRST and first["difference"] == "codes"
    assert first["coding"] == {"Researcher A": ["Learning from Peer Trainers"], "Researcher B": ["Valuing lived experience"]}


def test_resolving_writes_consensus_segments_and_undo_removes_them(client, csrf, app) -> None:
    body = {"key": FIRST, "decision": "accept", "coder": "Researcher B", "rationale": "lived experience is the point"}
    response = client.post("/api/disagreements/resolve", json=body, headers=csrf)
    assert response.status_code == 200
    assert response.json() == {"written": 1, "progress": {"places": 188, "agreed": 112, "disagreements": 76, "resolved": 1}}
    [segment] = _consensus(app)
    assert (segment.start, segment.end, segment.memo) == (1558, 1676, "lived experience is the point")
    assert _project(app).code_by(segment.code_id).name == "Valuing lived experience"
    assert segment.text == _project(app).source_text("P01")[1558:1676]
    assert FIRST not in [i["key"] for i in client.get("/api/disagreements").json()["items"]]
    assert "resolved: accept" in client.get("/coders").text
    _project(app).undo()
    assert _consensus(app) == []
    assert client.get("/api/disagreements").json()["progress"]["resolved"] == 0


def test_resolving_both_and_neither(client, csrf, app, project_file: Path) -> None:
    keys = [i["key"] for i in client.get("/api/disagreements").json()["items"][:2]]
    assert client.post("/api/disagreements/resolve", json={"key": keys[0], "decision": "both"}, headers=csrf).json()["written"] == 2
    response = client.post("/api/disagreements/resolve", json={"key": keys[1], "decision": "neither"}, headers=csrf)
    assert response.json()["written"] == 0 and response.json()["progress"]["resolved"] == 2
    with open_project(project_file) as again:  # really in the file
        assert len(again.segments(coder="consensus")) == 2
        assert again.queue_progress().resolved == 2


def test_resolving_refuses_bad_requests(client, csrf) -> None:
    post = lambda body, headers=csrf: client.post("/api/disagreements/resolve", json=body, headers=headers)  # noqa: E731
    assert post({"key": FIRST, "decision": "accept"}).status_code == 400  # whose coding?
    assert post({"key": FIRST, "decision": "maybe"}).status_code == 400
    assert post({"key": "P01:1-2", "decision": "both"}).status_code == 404
    assert post({"key": FIRST, "decision": "both"}, {}).status_code == 403
    assert client.get("/api/disagreements").json()["progress"]["resolved"] == 0


def test_accepting_every_agreed_place(client, csrf, app) -> None:
    response = client.post("/api/disagreements/accept-agreed", json={}, headers=csrf)
    assert response.status_code == 200 and response.json()["written"] >= 112
    assert len(_consensus(app)) == response.json()["written"]
    assert client.post("/api/disagreements/accept-agreed", json={}).status_code == 403


def test_every_change_needs_the_csrf_token(client, app) -> None:
    assert client.post("/api/coders", json={"name": "Researcher C"}).status_code == 403
    assert client.put("/api/coders", json={"name": "Researcher B", "blind": True}).status_code == 403
    assert client.post("/api/disagreements/resolve", json={"key": FIRST, "decision": "both"}).status_code == 403
    assert [c.name for c in _project(app).coders()] == ["Researcher A", "Researcher B"]
    assert not any(c.blind for c in _project(app).coders())


# -- blind coding ----------------------------------------------------------------------------------
@pytest.fixture
def blind_client(project_file: Path) -> Iterator[TestClient]:
    """The workbench as Researcher B, who codes blind."""
    with open_project(project_file, actor="Researcher A") as setup:
        setup.set_coder("Researcher B", blind=True)
    secrets = Secrets()
    application = create_app(project_file, WebSettings(user="Researcher B", secrets=secrets))
    with TestClient(application, base_url="http://127.0.0.1") as c:
        c.get(f"/?token={secrets.token}")
        c.headers["X-CSRF-Token"] = secrets.csrf
        yield c
    application.state.workbench.project.close()


def test_a_blind_coder_sees_the_refusal_and_no_one_elses_coding(blind_client: TestClient) -> None:
    html = blind_client.get("/coders").text
    assert 'id="blind-notice"' in html and "a blind coder cannot compare coding" in html
    assert "agreement-table" not in html and 'class="place"' not in html and FIRST not in html
    assert "Learning from Peer Trainers" not in html  # Researcher A's code at the first place
    assert 'id="add-coder"' not in html and "blind-toggle" not in html


def test_a_blind_coder_is_refused_by_the_api(blind_client: TestClient) -> None:
    for response in (
        blind_client.get("/api/agreement"),
        blind_client.get("/api/agreement?format=csv"),
        blind_client.get("/api/disagreements"),
        blind_client.post("/api/disagreements/resolve", json={"key": FIRST, "decision": "both"}),
        blind_client.post("/api/disagreements/accept-agreed", json={}),
    ):
        assert response.status_code == 400 and "blind coder" in response.json()["error"]


def test_deciding_again_replaces_the_consensus_coding_of_the_place(client, csrf, app) -> None:
    resolve = lambda who: client.post(  # noqa: E731
        "/api/disagreements/resolve", json={"key": FIRST, "decision": "accept", "coder": who}, headers=csrf)
    assert resolve("Researcher B").status_code == 200
    response = resolve("Researcher A")
    assert response.status_code == 200 and response.json()["progress"]["resolved"] == 1
    [segment] = _consensus(app)
    assert _project(app).code_by(segment.code_id).name == "Learning from Peer Trainers"
