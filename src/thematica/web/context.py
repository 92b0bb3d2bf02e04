"""What every request handler shares: the project (one, behind a lock), the templates, the secrets."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

from ..project import Project, open_project
from ..version import __version__
from .security import Secrets


@dataclass
class WebSettings:
    """How the workbench runs: who is working, where, and whether to open a browser."""

    user: str | None = None
    host: str = "127.0.0.1"
    port: int = 0
    open_browser: bool = False
    secrets: Secrets = field(default_factory=Secrets)


class Workbench:
    """The open project and everything the handlers need; requests use the project one at a time."""

    def __init__(self, project_path: Path, settings: WebSettings) -> None:
        self.settings = settings
        self.project: Project = open_project(project_path, actor=settings.user)
        self._lock = threading.RLock()
        folder = Path(str(resources.files("thematica.web") / "templates"))
        environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=True)
        self.templates = Jinja2Templates(env=environment)
        self.templates.env.globals.update(version=__version__)

    @contextmanager
    def use(self) -> Iterator[Project]:
        """The project, for one request's calls (SQLite and the catalog cache are not shared across threads)."""
        with self._lock:
            yield self.project

    def render(self, request: Request, template: str, status: int = 200, **context: Any) -> Any:
        """A page: the template with the user, phase, CSRF token and project name filled in."""
        with self.use() as project:
            base = {
                "request": request,
                "csrf": self.settings.secrets.csrf,
                "user": project.actor,
                "blind": project.blind,
                "project_name": project.name,
                "phase": project.phase,
            }
        return self.templates.TemplateResponse(request, template, {**base, **context}, status_code=status)


def workbench(request: Request) -> Workbench:
    """The workbench of the app serving this request (a FastAPI dependency)."""
    return request.app.state.workbench  # type: ignore[no-any-return]
