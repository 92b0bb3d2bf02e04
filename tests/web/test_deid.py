"""The De-identification page and its API: scan, the review queue, decisions, register, apply, disclosure."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from thematica.project import Project

IMAGE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def project(app) -> Project:
    return app.state.workbench.project


@pytest.fixture
def scanned(client, csrf) -> TestClient:
    """The client after a scan of every source (the demo before de-identification)."""
    response = client.post("/api/deid/scan", json={}, headers=csrf)
    assert response.status_code == 200
    return client


def _groups(client: TestClient) -> list[dict]:
    return client.get("/api/deid/queue").json()["groups"]


def _group(client: TestClient, text: str) -> dict:
    return next(g for g in _groups(client) if g["text"] == text)


def _decide(client: TestClient, csrf: dict, ids: list[int], decision: str, **extra: str) -> dict:
    response = client.post("/api/deid/decide", json={"ids": ids, "decision": decision, **extra}, headers=csrf)
    assert response.status_code == 200, response.text
    return response.json()


# -- the page ------------------------------------------------------------------------------------------
def test_the_page_shows_counts_register_apply_and_disclosure(client) -> None:
    response = client.get("/deid")
    assert response.status_code == 200
    html = response.text
    assert "<h1>De-identification</h1>" in html
    assert '<a href="/deid" aria-current="page">De-identify</a>' in html
    assert '<b id="status-pending">0</b>' in html and 'id="status-sources">8<' in html
    for part in ('id="scan"', 'id="accept-register"', 'id="groups"', 'id="register-table"', 'id="add-identifier"',
                 'id="allow-list"', 'id="keep-original"', 'id="apply-start"', 'id="apply-confirm"', 'id="check-notes"',
                 'id="k-form"', 'id="rules-table"', "/static/js/deid.js"):
        assert part in html
    assert "originals cannot be recovered" in html or "the file is vacuumed" in html
    # the demo's reporting rules: age in bands of 20, band merged, three attributes left out
    assert '<tr data-attribute="age">' in html and 'value="band" selected' in html and 'value="20"' in html
    assert 'value="3" required' in html  # k
    assert "smaller than k=3" in html and 'class="small apply-suggestion" data-attribute="gender" data-kind="omit"' in html


def test_the_page_and_queue_answer_quickly(scanned) -> None:
    import time

    for path in ("/deid", "/api/deid/queue"):
        scanned.get(path)  # warm
        start = time.perf_counter()
        assert scanned.get(path).status_code == 200
        assert time.perf_counter() - start < 0.5, path  # ~25-35 ms on the demo; generous for slow machines


# -- scan and queue ----------------------------------------------------------------------------------------
def test_scanning_queues_candidates_grouped_by_text(client, csrf, project) -> None:
    report = client.post("/api/deid/scan", json={}, headers=csrf).json()
    assert report["sources"] == 8 and report["new"] == report["pending"] == 286
    assert report["status"]["pending"] == 286 and report["by_category"]["person"] == 218
    queue = client.get("/api/deid/queue").json()
    assert queue["total_groups"] == len(queue["groups"]) == 53 and queue["hidden"] == 0
    assert sum(g["count"] for g in queue["groups"]) == 286
    first = queue["groups"][0]
    assert (first["text"], first["category"], first["count"], first["replacement"]) == ("Priya", "person", 30, "[name]")
    assert len(first["ids"]) == 30 and not first["registered"] and queue["generic"]["place"] == "[place]"
    for occurrence in first["occurrences"]:
        text = project.source_text(occurrence["source"])
        assert occurrence["text"] == "Priya" and occurrence["before"] + "Priya" + occurrence["after"] in text
        assert project.source(occurrence["source"]).id == occurrence["source_id"]
    assert client.get("/deid").text.count('<b id="status-pending">286</b>') == 1


def test_the_queue_takes_a_limit_and_a_source(scanned) -> None:
    queue = scanned.get("/api/deid/queue?limit=5").json()
    assert len(queue["groups"]) == 5 and queue["hidden"] == 48
    one = scanned.get("/api/deid/queue?source=P01").json()
    assert one["groups"] and all(o["source"] == "P01" for g in one["groups"] for o in g["occurrences"])
    assert scanned.get("/api/deid/queue?limit=0").status_code == 400
    assert scanned.get("/api/deid/queue?source=P99").status_code == 404


def test_scanning_again_keeps_decisions(scanned, csrf) -> None:
    priya = _group(scanned, "Priya")
    _decide(scanned, csrf, priya["ids"], "reject")
    again = scanned.post("/api/deid/scan", headers=csrf).json()  # no body: every source
    assert again["pending"] == 256 and "Priya" not in [g["text"] for g in _groups(scanned)]


# -- decisions --------------------------------------------------------------------------------------------------
def test_accepting_and_rejecting_a_group(scanned, csrf) -> None:
    marcus = _group(scanned, "Marcus")
    result = _decide(scanned, csrf, marcus["ids"], "accept")
    assert result["decided"] == 27 and result["status"]["accepted"] == 27 and result["status"]["pending"] == 259
    jackie = _group(scanned, "Jackie")
    assert _decide(scanned, csrf, jackie["ids"], "reject")["status"]["rejected"] == 26
    assert not {"Marcus", "Jackie"} & {g["text"] for g in _groups(scanned)}


def test_accepting_with_another_category(scanned, csrf, project) -> None:
    group = _group(scanned, "Rowan Ward")
    _decide(scanned, csrf, group["ids"], "accept", category="organisation")
    assert {c.category for c in project.deid_candidates(status="accepted")} == {"organisation"}


def test_always_with_a_pseudonym_makes_a_register_entry(scanned, csrf, project) -> None:
    priya = _group(scanned, "Priya")
    result = _decide(scanned, csrf, priya["ids"][:1], "always", replacement="Asha")  # one id: every pending "Priya"
    assert result["decided"] == 30
    [entry] = result["identifiers"]
    assert (entry["value"], entry["category"], entry["replacement"]) == ("Priya", "person", "Asha")
    assert [(e.value, e.replacement) for e in project.identifiers()] == [("Priya", "Asha")]
    html = scanned.get("/deid").text
    assert 'value="Asha"' in html and "<td>Priya</td>" in html
    nadia = _group(scanned, "Nadia")  # without a pseudonym: a numbered one
    assert _decide(scanned, csrf, nadia["ids"], "always")["identifiers"][1]["replacement"] == "[Person 2]"


def test_never_puts_the_text_on_the_allow_list(scanned, csrf, project) -> None:
    group = _group(scanned, "Kelsham")
    result = _decide(scanned, csrf, group["ids"], "never")
    assert result["allowed"] == ["Kelsham"] and result["decided"] == 4
    assert project.allow_list() == ["Kelsham"]
    assert "<li>Kelsham</li>" in scanned.get("/deid").text
    scanned.post("/api/deid/scan", json={}, headers=csrf)
    assert "Kelsham" not in {g["text"] for g in _groups(scanned)}  # never flagged again


def test_deciding_one_occurrence(scanned, csrf) -> None:
    tom = _group(scanned, "Tom")
    _decide(scanned, csrf, [tom["occurrences"][0]["id"]], "reject")
    assert _group(scanned, "Tom")["count"] == tom["count"] - 1


def test_deciding_refuses_bad_requests(scanned, csrf) -> None:
    post = lambda body: scanned.post("/api/deid/decide", json=body, headers=csrf)  # noqa: E731
    ids = _group(scanned, "Sam")["ids"]
    for body, status in (
        ({"ids": ids, "decision": "maybe"}, 400),
        ({"ids": [], "decision": "accept"}, 400),
        ({"ids": "all", "decision": "accept"}, 400),
        ({"decision": "accept"}, 400),
        ({"ids": ids, "decision": "accept", "category": "planet"}, 400),
        ({"ids": [999999], "decision": "accept"}, 404),
    ):
        response = post(body)
        assert response.status_code == status, body
        assert "\n" not in response.json()["error"] and response.json()["error"]
    assert _group(scanned, "Sam")["count"] == 24


def test_accepting_every_register_match(client, csrf) -> None:
    added = client.post("/api/deid/register", json={"value": "Marcus", "category": "person", "replacement": "Mark"},
                        headers=csrf).json()
    assert added["identifier"]["replacement"] == "Mark" and added["status"]["identifiers"] == 1
    client.post("/api/deid/scan", json={}, headers=csrf)
    marcus = _group(client, "Marcus")
    assert marcus["registered"] and marcus["replacement"] == "Mark"
    result = client.post("/api/deid/accept-register", headers=csrf).json()
    assert result["decided"] == marcus["count"] and result["status"]["accepted"] == marcus["count"]
    assert "Marcus" not in {g["text"] for g in _groups(client)}


# -- applying ------------------------------------------------------------------------------------------------------
def test_apply_refuses_while_candidates_are_pending(scanned, csrf, project) -> None:
    before = project.source_text("P01")
    response = scanned.post("/api/deid/apply", json={"keep_original": False}, headers=csrf)
    assert response.status_code == 400
    assert "286 identifier candidates are still waiting for review" in response.json()["error"]
    assert project.source_text("P01") == before


def test_apply_after_every_decision_de_identifies_the_sources(scanned, csrf, project) -> None:
    priya = _group(scanned, "Priya")
    _decide(scanned, csrf, priya["ids"], "always", replacement="Asha")
    _decide(scanned, csrf, _group(scanned, "Kelsham")["ids"], "never")
    for group in _groups(scanned):  # everything else: replaced generically
        _decide(scanned, csrf, group["ids"], "accept")
    assert scanned.get("/api/deid/status").json()["pending"] == 0
    segments_before = len(project.segments())

    response = scanned.post("/api/deid/apply", json={"keep_original": False, "allow_pending": False}, headers=csrf)
    assert response.status_code == 200, response.text
    report = response.json()
    assert len(report["sources"]) == 8 and report["replacements"] >= 250 and not report["kept_original"]
    assert report["segments_moved"] == segments_before and report["left_pending"] == 0
    assert report["status"]["deidentified_sources"] == 8
    for flagged in report["flagged"]:
        assert flagged["source_id"] == project.source(flagged["source"]).id
    texts = " ".join(project.source_text(s.name) for s in project.sources())
    assert "Priya" not in texts and "Asha" in texts and "Marcus" not in texts and "Kelsham" in texts
    assert project.check() == []  # every segment still matches its text
    assert scanned.get("/api/deid/queue").json()["groups"] == []


def test_apply_keeping_the_original_and_leaving_pending(scanned, csrf, project) -> None:
    _decide(scanned, csrf, _group(scanned, "Priya")["ids"], "accept")
    response = scanned.post("/api/deid/apply", json={"keep_original": True, "allow_pending": True}, headers=csrf)
    report = response.json()
    assert response.status_code == 200 and report["kept_original"] and report["left_pending"] == 256
    assert "Priya" not in project.source_text("P04") and project.check() == []
    assert scanned.post("/api/deid/apply", json={"keep_original": "perhaps"}, headers=csrf).status_code == 400


# -- register and allow-list -----------------------------------------------------------------------------------------
def test_editing_the_register(client, csrf, project) -> None:
    post = lambda body: client.post("/api/deid/register", json=body, headers=csrf)  # noqa: E731
    added = post({"value": "Priya Shah", "category": "person", "replacement": "Asha Rao", "variants": "Ms Shah; P. Shah"})
    assert added.status_code == 200
    entry = added.json()["identifier"]
    assert {"Ms Shah", "P. Shah"} <= set(entry["variants"])
    assert post({"value": "Priya Shah"}).status_code == 409
    assert post({"value": "Kelsham", "category": "planet"}).status_code == 400
    assert post({"value": "  "}).status_code == 400
    changed = post({"id": entry["id"], "replacement": "Asha"})
    assert changed.status_code == 200 and changed.json()["identifier"]["replacement"] == "Asha"
    assert post({"id": entry["id"], "replacement": " "}).status_code == 400
    assert post({"id": 9999, "replacement": "X"}).status_code == 404
    listed = client.get("/api/deid/register").json()
    assert [e["replacement"] for e in listed["identifiers"]] == ["Asha"] and listed["allowed"] == []
    removed = client.delete(f"/api/deid/register/{entry['id']}", headers=csrf)
    assert removed.status_code == 200 and removed.json()["identifiers"] == [] and project.identifiers() == []
    assert client.delete("/api/deid/register/9999", headers=csrf).status_code == 404


def test_the_allow_list(scanned, csrf, project) -> None:
    response = scanned.post("/api/deid/allow", json={"term": "Northfield"}, headers=csrf)
    assert response.status_code == 200 and response.json()["allowed"] == ["Northfield"]
    assert "Northfield" not in {g["text"] for g in _groups(scanned)}
    assert scanned.post("/api/deid/allow", json={"term": " "}, headers=csrf).status_code == 400
    assert scanned.post("/api/deid/allow", json={}, headers=csrf).status_code == 400


def test_checking_notes(client, csrf, project) -> None:
    assert client.get("/api/deid/check-notes").json() == {"findings": [], "identifiers": 0}
    project.add_memo("Priya spoke warmly of the ward.", on="source", target="P04")
    client.post("/api/deid/register", json={"value": "Priya", "category": "person"}, headers=csrf)
    findings = client.get("/api/deid/check-notes").json()["findings"]
    assert len(findings) == 1 and findings[0].startswith("memo #")


# -- disclosure -------------------------------------------------------------------------------------------------------
def test_disclosure_rules_and_k(client, csrf, project) -> None:
    data = client.get("/api/deid/disclosure").json()
    assert data["k"] == 3 and not data["report"]["ok"] and data["report"]["columns"] == ["age", "band", "gender"]
    assert {a["name"]: a["rule"] for a in data["attributes"]}["age"] == "band"
    suggestion = data["report"]["suggestions"][0]
    assert (suggestion["kind"], suggestion["column"], suggestion["rule"]) == ("drop", "gender", "omit")

    post = lambda path, body: client.post(f"/api/deid/{path}", json=body, headers=csrf)  # noqa: E731
    after = post("rule", {"attribute": "gender", "kind": "omit"})
    assert after.status_code == 200 and project.reporting_rules()["gender"].kind == "omit"
    assert after.json()["report"]["columns"] == ["age", "band"]
    assert post("rule", {"attribute": "age", "kind": "band", "width": 10}).status_code == 200
    assert project.reporting_rules()["age"].width == 10
    assert post("rule", {"attribute": "gender", "kind": None}).status_code == 200
    assert "gender" not in project.reporting_rules()
    assert post("rule", {"attribute": "age", "kind": "band"}).status_code == 400  # a band needs a width
    assert post("rule", {"attribute": "age", "kind": "blur"}).status_code == 400
    assert post("rule", {"attribute": "shoe size", "kind": "omit"}).status_code == 400

    assert post("k", {"k": 2}).json()["k"] == 2 and project.disclosure_k == 2
    assert post("k", {"k": 0}).status_code == 400 and post("k", {"k": "many"}).status_code == 400
    assert 'value="2" required' in client.get("/deid").text
    one = client.get("/api/deid/disclosure?column=gender&k=5").json()["report"]
    assert one["columns"] == ["gender"] and one["k"] == 5
    assert client.get("/api/deid/disclosure?column=shoe").status_code == 400


# -- the guard -----------------------------------------------------------------------------------------------------------
ROUTES = [
    ("GET", "/deid"), ("GET", "/api/deid/status"), ("GET", "/api/deid/queue"), ("POST", "/api/deid/scan"),
    ("POST", "/api/deid/decide"), ("POST", "/api/deid/accept-register"), ("POST", "/api/deid/apply"),
    ("GET", "/api/deid/register"), ("POST", "/api/deid/register"), ("DELETE", "/api/deid/register/1"),
    ("POST", "/api/deid/allow"), ("GET", "/api/deid/check-notes"), ("GET", "/api/deid/disclosure"),
    ("POST", "/api/deid/rule"), ("POST", "/api/deid/k"),
]


def test_every_route_needs_the_token(app) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as anonymous:
        for method, path in ROUTES:
            assert anonymous.request(method, path).status_code == 401, (method, path)


def test_every_change_needs_the_csrf_token(scanned, project) -> None:
    bodies = {
        "/api/deid/scan": {}, "/api/deid/decide": {"ids": _group(scanned, "Priya")["ids"], "decision": "accept"},
        "/api/deid/accept-register": {}, "/api/deid/apply": {"allow_pending": True},
        "/api/deid/register": {"value": "Priya"}, "/api/deid/allow": {"term": "Priya"},
        "/api/deid/rule": {"attribute": "gender", "kind": "omit"}, "/api/deid/k": {"k": 2},
    }
    for method, path in ROUTES:
        if method == "GET":
            continue
        response = scanned.request(method, path, json=bodies.get(path))
        assert response.status_code == 403, (method, path)
    status = scanned.get("/api/deid/status").json()
    assert status["pending"] == 286 and status["identifiers"] == 0 and status["deidentified_sources"] == 0
    assert project.allow_list() == [] and project.disclosure_k == 3 and "gender" not in project.reporting_rules()


# -- hostile text ---------------------------------------------------------------------------------------------------------
def test_hostile_candidates_and_pseudonyms_are_text(client, csrf, project, tmp_path: Path) -> None:
    path = tmp_path / "hostile.txt"
    path.write_text(f"Interviewer: Who helped?\nP99: It was {IMAGE}, really.\n", encoding="utf-8")
    project.import_file(path, name="P99")
    client.post("/api/deid/register", json={"value": IMAGE, "category": "other", "replacement": SCRIPT}, headers=csrf)
    client.post("/api/deid/allow", json={"term": f"x{SCRIPT}"}, headers=csrf)
    client.post("/api/deid/scan", json={}, headers=csrf)
    group = _group(client, IMAGE)  # the JSON carries the text as data; the page's script renders it as text
    assert group["replacement"] == SCRIPT and group["occurrences"][0]["text"] == IMAGE
    html = client.get("/deid").text
    assert IMAGE not in html and SCRIPT not in html
    assert str(escape(IMAGE)) in html and f'value="{escape(SCRIPT)}"' in html and f"<li>{escape('x' + SCRIPT)}</li>" in html


# -- blocked outputs (the reports page) ---------------------------------------------------------------------------------
def test_a_blocked_report_or_export_says_why(client, csrf) -> None:
    client.post("/api/deid/register", json={"value": "Sam", "category": "person", "replacement": "Alex"}, headers=csrf)
    for path in ("/reports/download/html", "/reports/export/segments.csv", "/reports/export/project.qdpx"):
        response = client.get(path)
        assert response.status_code == 400, path
        data = response.json()
        assert "not written" in data["error"] and "real identifier" in data["error"]
        assert data["findings"] and all("Alex" in f for f in data["findings"] if "more" not in f)
    html = client.get("/reports").text
    assert 'id="blocked"' in html and 'id="blocked-findings"' in html
