"""Screenshots of the main pages at 1280x800, saved to docs/screenshots/ (the README links them)."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from browser_helpers import login, screenshot

expect = pytest.importorskip("playwright.sync_api").expect


def _reader(page: Any) -> None:
    stripes = page.locator("#stripes .stripe")
    expect(stripes.first).to_be_attached()
    stripes.nth(6).click()  # a passage where several codes overlap, its segment open in the side panel
    expect(page.locator("#segment-panel")).to_be_visible()
    page.locator("#segment-panel").evaluate("(panel) => window.scrollBy(0, panel.getBoundingClientRect().top - 100)")


def _themes(page: Any) -> None:
    expect(page.locator(".theme-card").first).to_be_visible()


def _queries(page: Any) -> None:
    expect(page.locator("#result-table")).to_be_visible()
    page.locator(".figure img").evaluate("(img) => img.decode()")  # the heatmap, drawn


def _coders(page: Any) -> None:
    expect(page.locator("li.place").first).to_be_visible()
    page.locator("#queue-h").evaluate("(h) => h.scrollIntoView()")


def _nothing(page: Any) -> None:
    expect(page.locator("h1")).to_be_visible()


PAGES: list[tuple[str, str, Callable[[Any], None]]] = [
    ("dashboard", "/", _nothing),
    ("sources", "/sources", _nothing),
    ("reader", "/sources/{P01}", _reader),
    ("codebook", "/codebook/{Letting go of power}", _nothing),
    ("themes", "/themes", _themes),
    ("queries", "/queries?tool=matrix&rows=themes&columns=gender&count=participants", _queries),
    ("coders-agreement", "/coders", _nothing),
    ("coders", "/coders", _coders),
    ("journal", "/journal", _nothing),
    ("reports", "/reports", _nothing),
]


@pytest.mark.parametrize(("name", "path", "ready"), PAGES, ids=[p[0] for p in PAGES])
def test_screenshot(serve, page: Any, name: str, path: str, ready: Callable[[Any], None]) -> None:
    running = serve()
    with running.project() as project:  # pages named by their objects, not by database ids
        ids = {s.name: s.id for s in project.sources()} | {c.name: c.id for c in project.codes()}
    login(page, running, path.format_map(ids))
    expect(page.locator("h1")).to_have_count(1)
    ready(page)
    target = screenshot(page, name)
    assert target.stat().st_size > 10_000
