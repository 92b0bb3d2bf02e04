"""The local web workbench: FastAPI, server-rendered pages, small JavaScript modules, nothing from outside.

``create_app(project_path, settings)`` builds the app; ``thematica serve`` runs
it on 127.0.0.1 with a random access token. Handlers parse, call one Project
method and render; offsets cross the edge through ``offsets.Utf16Map``.
"""

from .app import create_app
from .context import WebSettings
from .security import Secrets

__all__ = ["Secrets", "WebSettings", "create_app"]
