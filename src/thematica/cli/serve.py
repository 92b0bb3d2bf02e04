"""Command: serve (the local web workbench)."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import Optional

import typer

from ..errors import InvalidInput
from .common import SETTINGS, console, find_project_path


def serve(
    project_file: Optional[Path] = typer.Argument(None, help="The project (default: as for every command)."),
    port: int = typer.Option(0, help="Port on 127.0.0.1 (default: a free one)."),
    open_browser: bool = typer.Option(False, "--open", help="Open the workbench in your browser."),
) -> None:
    """Start the web workbench on 127.0.0.1, with a private access link.

    Example: thematica serve study.thematica --open
    """
    import socket

    import uvicorn

    from ..web import WebSettings, create_app

    if not 0 <= port <= 65535:
        raise InvalidInput(f"port must be between 0 and 65535, not {port}")
    path = project_file or find_project_path(SETTINGS.project)
    settings = WebSettings(user=SETTINGS.user, port=port, open_browser=open_browser)
    app = create_app(path, settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        raise InvalidInput(f"cannot listen on 127.0.0.1:{port} ({exc.strerror})") from exc
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/?token={settings.secrets.token}"
    console.print(f"thematica is serving {path} at\n  {url}\n(only this computer can reach it; Ctrl+C stops it)", markup=False)
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])


def register(app: typer.Typer) -> None:
    """Add this command to the app."""
    app.command("serve")(serve)
