"""One router per page group; ``ROUTERS`` lists them for the app factory."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    assist,
    codebook,
    coders,
    coding,
    dashboard,
    deid,
    journal,
    queries,
    reports,
    sources,
    themes,
)

ROUTERS: list[APIRouter] = [
    dashboard.router,
    sources.router,
    coding.router,
    codebook.router,
    themes.router,
    queries.router,
    coders.router,
    deid.router,
    journal.router,
    reports.router,
    assist.router,
]
