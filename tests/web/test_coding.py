"""The coding API: UTF-16 offsets in, code points stored; uncode, memo, boundaries, in vivo, codes; errors; escaping."""

from __future__ import annotations

import pytest

from thematica.model import CodeOrigin
from thematica.project import Project, open_project

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
TRANSCRIPT = (
    "Interviewer: How did it feel 😀 at first? 👩‍💻\n"
    f"P31: Honestly 🙂🙂 it felt like letting go of power. {SCRIPT} and {IMG} were in my notes.\n"
)


@pytest.fixture
def project(app) -> Project:
    """The project the app serves (what the routes change is visible here)."""
    return app.state.workbench.project


@pytest.fixture
def source(project, tmp_path) -> int:
    """A transcript with emoji (two UTF-16 units each) before the words we code."""
    path = tmp_path / "P31.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return project.import_file(path).id


def units(text: str, index: int) -> int:
    """What a browser counts: UTF-16 code units before code point ``index``."""
    return len(text[:index].encode("utf-16-le")) // 2


def js_span(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return units(text, start), units(text, start + len(words))


def test_coding_converts_utf16_offsets_to_code_points(client, csrf, project, source) -> None:
    text = project.source_text(source)
    start, end = js_span(text, "letting go of power")
    assert start > text.index("letting go of power")  # the emoji before it count twice in the browser
    response = client.post(f"/api/sources/{source}/segments", json={"start": start, "end": end, "code": "Letting go of power"}, headers=csrf)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["start"], body["end"], body["text"], body["coder"]) == (start, end, "letting go of power", "Researcher A")
    seg = project.segment(body["id"])
    assert (seg.start, seg.end) == (text.index("letting go"), text.index("letting go") + len("letting go of power"))
    assert text[seg.start : seg.end] == seg.text == "letting go of power"
    assert project.code_by(seg.code_id).name == "Letting go of power" and project.check() == []
    listed = client.get(f"/api/sources/{source}/segments").json()
    assert [(s["id"], s["start"], s["end"]) for s in listed["segments"]] == [(seg.id, start, end)]
    assert listed["units"] == units(text, len(text)) and listed["coders"][0]["name"] == "Researcher A"


def test_code_by_id_and_the_demo_segments_come_back_in_utf16(client, csrf, project) -> None:
    p01 = project.source("P01")
    data = client.get(f"/api/sources/{p01.id}/segments").json()
    assert len(data["segments"]) == len(project.segments(source=p01.id)) > 0
    assert {c["name"] for c in data["coders"]} == {"Researcher A", "Researcher B"}
    first = data["segments"][0]
    assert first["colour"].startswith("#") and first["code"] and first["coder"]
    code = project.code_by("Equal partnership")
    response = client.post(f"/api/sources/{p01.id}/segments", json={"start": 10, "end": 20, "code": code.id}, headers=csrf)
    assert response.status_code == 200 and response.json()["code"] == "Equal partnership"


def test_uncode(client, csrf, project, source) -> None:
    seg = project.code(source, 0, 11, "Letting go of power")
    assert client.delete(f"/api/segments/{seg.id}").status_code == 403
    assert client.delete(f"/api/segments/{seg.id}", headers=csrf).json() == {"deleted": seg.id}
    assert project.segments(source=source) == []
    assert client.delete(f"/api/segments/{seg.id}", headers=csrf).status_code == 404


def test_segment_memo(client, csrf, project, source) -> None:
    seg = project.code(source, 0, 11, "Letting go of power")
    response = client.put(f"/api/segments/{seg.id}", json={"memo": "first sign of it"}, headers=csrf)
    assert response.status_code == 200 and response.json()["memo"] == "first sign of it"
    assert project.segment(seg.id).memo == "first sign of it"
    assert client.put(f"/api/segments/{seg.id}", json={}, headers=csrf).status_code == 400
    assert client.put(f"/api/segments/{seg.id}", json={"memo": "x"}).status_code == 403


def test_change_boundaries_is_one_undoable_change(client, csrf, project, source) -> None:
    text = project.source_text(source)
    seg = project.code(source, text.index("letting"), text.index("letting") + 7, "Letting go of power", memo="keep me")
    start, end = js_span(text, "it felt like letting go of power")
    response = client.put(f"/api/segments/{seg.id}", json={"start": start, "end": end}, headers=csrf)
    assert response.status_code == 200 and (response.json()["start"], response.json()["end"]) == (start, end)
    moved = project.segment(seg.id)
    assert moved.text == "it felt like letting go of power" and moved.memo == "keep me"
    assert text[moved.start : moved.end] == moved.text
    assert project.log(1)[0].operation == "segment.span"
    project.undo()
    assert project.segment(seg.id).text == "letting"


def test_in_vivo(client, csrf, project, source) -> None:
    text = project.source_text(source)
    start, end = js_span(text, "it felt like letting go")
    response = client.post(f"/api/sources/{source}/in-vivo", json={"start": start, "end": end}, headers=csrf)
    assert response.status_code == 200 and response.json()["code"] == "it felt like letting go"
    code = project.code_by("it felt like letting go")
    assert code.origin is CodeOrigin.IN_VIVO and project.segments(code=code.id)[0].text == "it felt like letting go"
    assert client.post(f"/api/sources/{source}/in-vivo", json={"start": start, "end": end}).status_code == 403


def test_create_a_code_on_the_fly_then_apply_it(client, csrf, project, source) -> None:
    created = client.post("/api/codes", json={"name": "Shared power", "parent": "Letting go of power"}, headers=csrf)
    assert created.status_code == 200
    code = created.json()
    assert code["path"] == project.code_path("Shared power").replace("/", " / ") and code["colour"]
    assert code["path"].endswith("Letting go of power / Shared power")
    assert project.code_by("Shared power").parent_id == project.code_by("Letting go of power").id
    listed = client.get("/api/codes").json()
    assert any(c["id"] == code["id"] and c["path"] == code["path"] for c in listed)
    assert len(listed) == len(project.codes())
    response = client.post(f"/api/sources/{source}/segments", json={"start": 0, "end": 11, "code": code["id"]}, headers=csrf)
    assert response.status_code == 200 and project.segments(code="Shared power")[0].text == "Interviewer"
    assert client.post("/api/codes", json={"name": "Shared power"}, headers=csrf).status_code == 409
    assert client.post("/api/codes", json={"name": "   "}, headers=csrf).status_code == 400
    assert client.post("/api/codes", json={"name": "No token"}).status_code == 403


@pytest.mark.parametrize("start, end", [(-1, 5), (5, 5), (9, 3), (0, 10**6)])
def test_bad_offsets_are_400(client, csrf, project, source, start, end) -> None:
    response = client.post(f"/api/sources/{source}/segments", json={"start": start, "end": end, "code": 1}, headers=csrf)
    assert response.status_code == 400 and "error" in response.json()
    assert project.segments(source=source) == []


def test_an_offset_inside_an_emoji_is_400(client, csrf, project, source) -> None:
    text = project.source_text(source)
    inside = units(text, text.index("😀")) + 1
    response = client.post(f"/api/sources/{source}/segments", json={"start": inside, "end": inside + 5, "code": 1}, headers=csrf)
    assert response.status_code == 400 and "surrogate" in response.json()["error"]
    seg = project.code(source, 0, 11, "Letting go of power")
    assert client.put(f"/api/segments/{seg.id}", json={"start": 0, "end": inside}, headers=csrf).status_code == 400
    assert project.segment(seg.id).text == "Interviewer"


def test_unknown_things_are_404(client, csrf, source) -> None:
    assert client.post(f"/api/sources/{source}/segments", json={"start": 0, "end": 5, "code": "No such code"}, headers=csrf).status_code == 404
    assert client.post("/api/sources/999/segments", json={"start": 0, "end": 5, "code": 1}, headers=csrf).status_code == 404
    assert client.get("/api/sources/999/segments").status_code == 404
    assert client.put("/api/segments/99999", json={"memo": "x"}, headers=csrf).status_code == 404
    assert client.delete("/api/segments/99999", headers=csrf).status_code == 404


def test_coding_needs_the_csrf_token(client, project, source) -> None:
    response = client.post(f"/api/sources/{source}/segments", json={"start": 0, "end": 5, "code": 1})
    assert response.status_code == 403 and project.segments(source=source) == []


def test_markup_is_escaped_in_the_page_and_plain_in_json(client, csrf, project, source) -> None:
    names = [IMG, "<script>alert(1)"]  # a code name cannot hold "/", so no closing tag
    codes = [client.post("/api/codes", json={"name": n}, headers=csrf).json() for n in names]
    assert [c["name"] for c in codes] == names
    text = project.source_text(source)
    start, end = js_span(text, f"{SCRIPT} and {IMG}")
    for code in codes:
        body = {"start": start, "end": end, "code": code["id"]}
        assert client.post(f"/api/sources/{source}/segments", json=body, headers=csrf).status_code == 200
    page = client.get(f"/sources/{source}").text
    assert SCRIPT not in page and IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    data = client.get(f"/api/sources/{source}/segments").json()
    assert {s["code"] for s in data["segments"]} == set(names)
    assert {s["text"] for s in data["segments"]} == {f"{SCRIPT} and {IMG}"}
    assert set(names) <= {c["name"] for c in client.get("/api/codes").json()}


def test_a_blind_coder_sees_only_their_own_segments(client, csrf, project) -> None:
    p01 = project.source("P01")
    theirs = next(s for s in project.segments(source=p01.id, coder="Researcher B"))
    project.set_coder("Researcher A", blind=True)
    data = client.get(f"/api/sources/{p01.id}/segments").json()
    assert {s["coder"] for s in data["segments"]} == {"Researcher A"}
    assert [c["name"] for c in data["coders"]] == ["Researcher A"]
    assert client.put(f"/api/segments/{theirs.id}", json={"memo": "peek"}, headers=csrf).status_code == 404
    assert client.delete(f"/api/segments/{theirs.id}", headers=csrf).status_code == 404
    other = open_project(project.path, actor="Researcher B")
    try:
        assert other.segment(theirs.id) == theirs  # still there
    finally:
        other.close()
