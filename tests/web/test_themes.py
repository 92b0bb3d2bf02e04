"""The themes board and its API: create, assign, move, define, merge, delete, review, quotes, the map."""

from __future__ import annotations

import pytest

from thematica.project import Project

XSS_THEME = "<script>alert(1)</script>"
XSS_CODE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def project(app) -> Project:
    return app.state.workbench.project


def test_the_board_shows_themes_codes_pool_and_warnings(client, project) -> None:
    html = client.get("/themes").text
    assert "<h1>Themes</h1>" in html
    for theme in project.themes():
        assert f'id="theme-{theme.id}"' in html
    pool = html.split('id="pool"', 1)[1].split("</ul>", 1)[0]
    warnings = project.theme_warnings()
    assert warnings.codes_without_theme
    for name in warnings.codes_without_theme:
        assert name in pool
    placed = {c for t in project.themes() for c in t.code_ids}
    assert all(f'data-code-id="{c}"' not in pool for c in placed)
    assert "To look at (phase 4)" in html and 'src="/themes/map.svg"' in html


def test_create_a_theme_and_a_subtheme(client, csrf, project) -> None:
    made = client.post("/api/themes", json={"name": "Hope on the ward"}, headers=csrf)
    assert made.status_code == 200
    theme = project.theme(made.json()["id"])
    assert theme.name == "Hope on the ward" and theme.parent_id is None
    sub = client.post("/api/themes", json={"name": "Small signs", "parent": theme.id}, headers=csrf).json()
    assert project.theme(sub["id"]).parent_id == theme.id
    assert client.post("/api/themes", json={"name": "Hope on the ward"}, headers=csrf).status_code == 409
    assert client.post("/api/themes", json={"name": " "}, headers=csrf).status_code == 400
    assert client.post("/api/themes", json={"name": "Orphan", "parent": 9999}, headers=csrf).status_code == 404


def test_assign_move_and_take_out_codes(client, csrf, project) -> None:
    first, second = project.themes()[1], project.themes()[2]
    loose = project.code_by(project.theme_warnings().codes_without_theme[0])
    response = client.post(f"/api/themes/{first.id}/codes", json={"codes": [loose.id]}, headers=csrf)
    assert response.status_code == 200 and loose.id in project.theme(first.id).code_ids
    assert client.post(f"/api/themes/{first.id}/codes", json={"codes": [loose.id]}, headers=csrf).status_code == 400

    moved = client.post(f"/api/themes/{second.id}/codes", json={"codes": [loose.id], "from_theme": first.id}, headers=csrf)
    assert moved.status_code == 200
    assert loose.id in project.theme(second.id).code_ids and loose.id not in project.theme(first.id).code_ids
    again = client.post(f"/api/themes/{second.id}/codes", json={"codes": [loose.id], "from_theme": first.id}, headers=csrf)
    assert again.status_code == 404  # it is no longer in the first theme

    assert client.delete(f"/api/themes/{second.id}/codes/{loose.id}", headers=csrf).status_code == 200
    assert loose.id not in project.theme(second.id).code_ids
    assert client.delete(f"/api/themes/{second.id}/codes/{loose.id}", headers=csrf).status_code == 404
    assert client.post("/api/themes/9999/codes", json={"codes": [loose.id]}, headers=csrf).status_code == 404
    assert client.post(f"/api/themes/{first.id}/codes", json={"codes": [9999]}, headers=csrf).status_code == 404


def test_rename_define_and_move(client, csrf, project) -> None:
    theme = project.themes()[-1]
    assert client.post(f"/api/themes/{theme.id}/rename", json={"name": "Back on the ward"}, headers=csrf).status_code == 200
    assert project.theme(theme.id).name == "Back on the ward"
    assert [n.name for n in project.theme_names(theme.id)][-2:] == [theme.name, "Back on the ward"]
    body = {"definition": "D", "concept": "C", "narrative": "N", "status": "final"}
    assert client.put(f"/api/themes/{theme.id}", json=body, headers=csrf).status_code == 200
    saved = project.theme(theme.id)
    assert (saved.definition, saved.concept, saved.narrative, saved.status.value) == ("D", "C", "N", "final")
    assert client.put(f"/api/themes/{theme.id}", json={"status": "done"}, headers=csrf).status_code == 400
    assert client.put(f"/api/themes/{theme.id}", json={}, headers=csrf).status_code == 400
    assert client.put("/api/themes/9999", json={"definition": "x"}, headers=csrf).status_code == 404
    assert client.post(f"/api/themes/{theme.id}/move", json={"parent": None}, headers=csrf).status_code == 200
    assert project.theme(theme.id).parent_id is None
    root = project.themes()[0]
    assert client.post(f"/api/themes/{root.id}/move", json={"parent": project.subthemes(root.id)[0].id}, headers=csrf).status_code == 400


def test_merge_delete_and_restore(client, csrf, project) -> None:
    a, b = project.themes()[1], project.themes()[2]
    response = client.post("/api/themes/merge", json={"themes": [b.id], "into": a.id}, headers=csrf)
    assert response.status_code == 200
    assert set(b.code_ids) <= set(project.theme(a.id).code_ids)
    assert project.theme(b.id, include_deleted=True).deleted
    assert client.post("/api/themes/merge", json={"themes": [a.id], "into": a.id}, headers=csrf).status_code == 400
    assert "Deleted themes (1)" in client.get("/themes").text
    assert client.delete(f"/api/themes/{a.id}", headers=csrf).status_code == 200
    assert all(t.id != a.id for t in project.themes())
    assert client.delete(f"/api/themes/{a.id}", headers=csrf).status_code == 404
    assert client.post(f"/api/themes/{a.id}/restore", headers=csrf).status_code == 200
    assert project.theme(a.id).name == a.name
    assert client.post("/api/themes/9999/restore", headers=csrf).status_code == 404


def test_review_and_key_extracts(client, csrf, project) -> None:
    theme = project.themes()[1]
    data = client.get(f"/api/themes/{theme.id}/review").json()
    review = project.theme_review(theme.id)
    assert data["participants"] == list(review.participants) and data["segments"] == review.segments
    assert data["participants_total"] == review.participants_total and len(data["extracts"]) == len(review.extracts)
    x = data["extracts"][0]
    assert x["href"] == f"/sources/{x['source_id']}#seg-{x['segment_id']}" and x["before"] is not None
    assert client.get("/api/themes/9999/review").status_code == 404

    pick = next(e["segment_id"] for e in data["extracts"] if e["segment_id"] not in theme.quote_ids)
    assert client.post(f"/api/themes/{theme.id}/quotes", json={"segment_id": pick}, headers=csrf).status_code == 200
    assert pick in project.theme(theme.id).quote_ids
    assert client.post(f"/api/themes/{theme.id}/quotes", json={"segment_id": pick}, headers=csrf).status_code == 400
    assert client.delete(f"/api/themes/{theme.id}/quotes/{pick}", headers=csrf).status_code == 200
    assert pick not in project.theme(theme.id).quote_ids
    assert client.delete(f"/api/themes/{theme.id}/quotes/{pick}", headers=csrf).status_code == 404
    assert client.post(f"/api/themes/{theme.id}/quotes", json={"segment_id": 999999}, headers=csrf).status_code == 404


def test_the_thematic_map_is_drawn_outside_the_project_folder(client, project) -> None:
    folder = project.path.parent
    before = sorted(p.name for p in folder.iterdir())
    svg = client.get("/themes/map.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and b"Co-production" in svg.content  # the text stays text
    png = client.get("/themes/map.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert client.get("/themes/map.gif").status_code == 404
    assert sorted(p.name for p in folder.iterdir()) == before


def test_changes_refuse_a_missing_csrf_token(client, project) -> None:
    theme = project.themes()[1]
    assert client.post("/api/themes", json={"name": "Sneaky"}).status_code == 403
    assert client.put(f"/api/themes/{theme.id}", json={"definition": "sneaky"}).status_code == 403
    assert client.delete(f"/api/themes/{theme.id}").status_code == 403
    assert client.post(f"/api/themes/{theme.id}/codes", json={"codes": [1]}).status_code == 403
    assert project.theme(theme.id).definition == theme.definition and project.theme(theme.id).code_ids == theme.code_ids
    assert all(t.name != "Sneaky" for t in project.themes())


def test_theme_and_code_names_are_escaped(client, project) -> None:
    code = project.create_code(XSS_CODE)
    project.create_theme(XSS_THEME, codes=[code.id], definition="<b>x</b>")
    project.create_theme(XSS_CODE + " theme")
    for page in ("/themes", "/codebook"):
        html = client.get(page).text
        assert XSS_THEME not in html and XSS_CODE not in html and "<b>x</b>" not in html, page
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get("/themes").text
    assert client.get("/themes/map.svg").status_code == 200
