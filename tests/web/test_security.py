"""Every route needs the token; every change needs the CSRF token; strict headers everywhere."""

from __future__ import annotations

from fastapi.testclient import TestClient

from thematica.web.security import COOKIE


def _routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        methods = getattr(route, "methods", None) or {"GET"}
        path = getattr(route, "path", "")
        for method in methods:
            if method != "HEAD":
                found.append((method, path))
    return found


def _concrete(path: str) -> str:
    for name in ("source_id", "segment_id", "code_id", "theme_id", "item"):
        path = path.replace("{" + name + "}", "1")
    return path.replace("{path}", "app.css").replace("{key}", "P01:1-2")


def test_every_route_refuses_without_the_token(app) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as anonymous:
        for method, path in _routes(app):
            response = anonymous.request(method, _concrete(path))
            assert response.status_code == 401, (method, path, response.status_code)


def test_a_wrong_token_is_refused_and_the_right_one_sets_a_strict_cookie(app, secrets) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/?token=wrong").status_code == 401
        response = c.get(f"/sources?token={secrets.token}", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/sources"
        cookie = response.headers["set-cookie"]
        assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
        assert c.get("/").status_code == 200


def test_bearer_token_works_for_scripts(app, secrets) -> None:
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/", headers={"Authorization": f"Bearer {secrets.token}"}).status_code == 200


def test_changes_need_the_csrf_token(client, csrf) -> None:
    assert client.post("/api/phase", json={"phase": 3}).status_code == 403
    assert client.post("/api/phase", json={"phase": 3}, headers={"X-CSRF-Token": "nope"}).status_code == 403
    response = client.post("/api/phase", json={"phase": 3}, headers=csrf)
    assert response.status_code == 200 and response.json()["phase"] == 3


def test_security_headers_and_no_outside_assets(client) -> None:
    response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    html = response.text
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html
    assert "<script>" not in html and "onload=" not in html and 'style="' not in html
    assert client.get("/static/app.css").status_code == 200


def test_dashboard_shows_where_the_analysis_stands(client) -> None:
    html = client.get("/").text
    assert "Recovery College" in html and "What each phase still lacks" in html and "Researcher A" in html


def test_a_plain_form_post_with_the_csrf_field_still_reaches_its_handler(client, secrets, tmp_path) -> None:
    """The middleware reads the form for the CSRF field; the handler must still see the files."""
    files = {"files": ("P77.txt", b"Interviewer: Hello?\n\nP77: Hello there.\n", "text/plain")}
    response = client.post("/sources/upload", data={"csrf": secrets.csrf}, files=files, follow_redirects=False)
    assert response.status_code in (200, 303), response.text[:200]
    assert "P77" in client.get("/sources").text


def test_undo_reverts_the_newest_change(client, csrf, app) -> None:
    assert client.post("/api/phase", json={"phase": 6}, headers=csrf).status_code == 200
    response = client.post("/api/undo", headers=csrf)
    assert response.status_code == 200 and "phase 6" in response.json()["summary"]
    assert int(app.state.workbench.project.phase) == 5
    assert client.post("/api/undo").status_code == 403
