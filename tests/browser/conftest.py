"""Browser tests: the real app under uvicorn on 127.0.0.1, driven by Playwright in Debian's headless Chromium.

One browser per session; each test gets a fresh copy of the demo project, its
own server on a free port (started in a thread) and a fresh browser context
that has followed the access link. Every page must run without a JavaScript
error, a CSP violation or a dialog (an alert would mean injected script ran).
Without /usr/bin/chromium (or Playwright) the tests skip: ``make test``
installs Debian's chromium when it can.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from browser_helpers import Running

from thematica import Project, open_project
from thematica.demo import build_demo
from thematica.web import Secrets, WebSettings, create_app

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, for the whole session (skips when it is not installed)."""
    executable = shutil.which("chromium")  # Debian's /usr/bin/chromium
    if executable is None:
        pytest.skip("Chromium is not installed (make test installs Debian's chromium when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def demo_copy_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project, built once per session (each test serves its own copy)."""
    project = build_demo(tmp_path_factory.mktemp("browser-demo"))
    path = project.path
    project.close()
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def serve(demo_copy_source: Path, tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """Start the workbench on a copy of the demo: ``serve(setup=fn(project), user=...)``."""
    import uvicorn

    servers: list[tuple[Any, threading.Thread, Any]] = []

    def start(setup: Callable[[Project], None] | None = None, user: str = "Researcher A") -> Running:
        path = tmp_path / f"study-{len(servers)}.thematica"
        shutil.copy(demo_copy_source, path)
        if setup is not None:
            with open_project(path, actor="Researcher A") as project:
                setup(project)
        secrets = Secrets()
        app = create_app(path, WebSettings(user=user, secrets=secrets))
        port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                timeout_graceful_shutdown=2)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the workbench did not start")
            time.sleep(0.02)
        servers.append((server, thread, app))
        return Running(f"http://127.0.0.1:{port}", path, secrets, app, user)

    yield start
    for server, thread, _app in servers:
        server.should_exit = True
        thread.join(timeout=10)


@dataclass
class Watch:
    """What went wrong in the page: dialogs (injected script), uncaught errors, console errors (CSP ...)."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def context(browser: Any, watch: Watch) -> Iterator[Any]:
    """A fresh browser context (cookies, storage) at 1280x800; fails the test on a dialog or a page error."""
    ctx = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(7000)

    def on_page(page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            watch.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
        page.on("console", lambda msg: watch.errors.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)

    ctx.on("page", on_page)
    yield ctx
    ctx.close()
    assert watch.dialogs == [], f"a dialog fired (injected script ran?): {watch.dialogs}"
    assert watch.errors == [], f"the page reported errors: {watch.errors}"


@pytest.fixture
def page(context: Any) -> Any:
    """A fresh page in the fresh context."""
    return context.new_page()
