"""Fixtures for the web workbench: an app on a copy of the demo, a logged-in client, the CSRF token."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from thematica.demo import build_demo
from thematica.web import Secrets, WebSettings, create_app


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project before de-identification (offsets in the tests are those of the demo's files),
    built once per session (tests use copies); tests/browser uses the de-identified demo."""
    folder = tmp_path_factory.mktemp("web-demo")
    project = build_demo(folder, deidentify=False)
    path = project.path
    project.close()
    return path


@pytest.fixture
def project_file(demo_file: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo for one test."""
    target = tmp_path / "study.thematica"
    shutil.copy(demo_file, target)
    return target


@pytest.fixture
def secrets() -> Secrets:
    return Secrets()


@pytest.fixture
def app(project_file: Path, secrets: Secrets):
    """The workbench app, acting as Researcher A."""
    application = create_app(project_file, WebSettings(user="Researcher A", secrets=secrets))
    yield application
    application.state.workbench.project.close()


@pytest.fixture
def client(app, secrets: Secrets) -> Iterator[TestClient]:
    """A client that has followed the access link (so it holds the session cookie)."""
    with TestClient(app, base_url="http://127.0.0.1") as c:
        response = c.get(f"/?token={secrets.token}", follow_redirects=False)
        assert response.status_code == 303
        yield c


@pytest.fixture
def csrf(secrets: Secrets) -> dict[str, str]:
    """The header every changing request must carry."""
    return {"X-CSRF-Token": secrets.csrf}
