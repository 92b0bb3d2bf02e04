"""The app factory: ``create_app(project_path, settings)`` builds the local workbench."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from ..errors import Conflict, InvalidInput, NotFound, OutputBlocked, ThematicaError
from .context import WebSettings, Workbench
from .routes import ROUTERS
from .security import GuardMiddleware

_STATUS = {NotFound: 404, Conflict: 409, InvalidInput: 400}


def create_app(project_path: Path | str, settings: WebSettings | None = None) -> FastAPI:
    """The workbench for one project: every route guarded, every asset served from the package."""
    settings = settings or WebSettings()
    bench = Workbench(Path(project_path), settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        bench.project.close()

    app = FastAPI(title="thematica", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.workbench = bench
    app.add_middleware(GuardMiddleware, secrets_=settings.secrets)
    static = Path(str(resources.files("thematica.web") / "static"))
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in ROUTERS:
        app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return JSONResponse({"error": f"{where or 'input'}: {first.get('msg', 'invalid')}"}, status_code=400)

    @app.exception_handler(ThematicaError)
    async def _thematica_error(request: Request, exc: ThematicaError) -> JSONResponse:
        status = next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)
        body: dict[str, object] = {"error": str(exc)}
        if isinstance(exc, OutputBlocked):  # where the identifiers or small groups are, for the researcher to act on
            body["findings"] = exc.findings
        return JSONResponse(body, status_code=status)

    return app
