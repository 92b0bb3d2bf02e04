"""Local assistance in the reader, in a real browser: find passages like a selection; accept a suggestion with y.

The demo is embedded and the assistant's suggestions made once for this
module (the ~30 s this takes is not repeated per test): every test serves a
copy of that project.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import login, screenshot, select_with_mouse

import thematica.assist
from thematica import open_project
from thematica.demo import build_demo

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.skipif(not thematica.assist.available(), reason="thematica[assist] is not installed")


@pytest.fixture(scope="module")
def demo_copy_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with its passages embedded and open suggestions (overrides conftest's, for this module)."""
    project = build_demo(tmp_path_factory.mktemp("browser-assist"))
    path = project.path
    project.close()
    with open_project(path, actor="Researcher A") as study:
        study.embed_units("passage")
        study.suggest_codes()
    return path


def test_find_passages_like_the_selection(serve, page: Any) -> None:
    running = serve()
    with running.project() as project:
        p01 = project.source("P01").id
    login(page, running, f"/sources/{p01}")
    expect(page.locator("#stripes .stripe").first).to_be_attached()
    expect(page.locator("#suggest-panel")).to_be_visible()
    expect(page.locator("#assist-off")).to_be_hidden()

    select_with_mouse(page, "sit on my hands and let her lead")
    page.locator("#tool-similar").click()
    hits = page.locator("#similar-list li.similar-hit")
    expect(hits.first).to_be_visible()
    expect(page.locator("#similar-status")).to_contain_text("passages like “sit on my hands")
    assert hits.count() == 15
    first = hits.first.locator("a")
    assert first.get_attribute("href").startswith("/sources/") and "#at-" in first.get_attribute("href")
    assert hits.first.locator(".similar-text").inner_text().strip()

    page.keyboard.press("]")  # the first open suggestion in this source: focused, marked in the text
    expect(page.locator("#suggest-list li.suggestion.current")).to_be_focused()
    assert page.evaluate("CSS.highlights.has('assist-suggestion') && CSS.highlights.has('assist-current')")
    page.locator("#similar-panel").evaluate("(panel) => panel.scrollIntoView({ block: 'nearest' })")
    screenshot(page, "assist")

    first.click()  # to the passage: its source opens, scrolled to the passage and marked
    page.wait_for_url("**#at-*")
    expect(page.locator("#transcript")).to_be_visible()
    page.wait_for_function("CSS.highlights.has('assist-found')")


def test_y_accepts_the_focused_suggestion_and_it_becomes_a_stripe(serve, page: Any) -> None:
    running = serve()
    with running.project() as project:
        busiest, _ = Counter(v.suggestion.source_id for v in project.suggestions(limit=None)).most_common(1)[0]
    login(page, running, f"/sources/{busiest}")
    items = page.locator("#suggest-list li.suggestion")
    expect(items.first).to_be_attached()
    count = items.count()

    page.keyboard.press("]")
    current = page.locator("#suggest-list li.suggestion.current")
    expect(current).to_be_focused()
    suggestion_id = int(current.get_attribute("data-id"))
    code = current.locator(".code").inner_text()
    text = current.locator(".suggestion-text").inner_text()
    page.keyboard.press("y")
    expect(page.locator("#flash")).to_contain_text(f"with {code}")
    stripe = page.get_by_role("button", name=f"{code}, coded by Researcher A: {text[:80]}", exact=True)
    expect(stripe).to_be_attached()
    expect(page.locator("#suggest-list li.suggestion.current")).to_be_focused()  # the next one, ready for y or x
    expect(items).to_have_count(min(count - 1, 200))

    rejected_id = int(page.locator("#suggest-list li.suggestion.current").get_attribute("data-id"))
    page.keyboard.press("x")
    expect(page.locator("#flash")).to_contain_text("Rejected")
    expect(items).to_have_count(min(count - 2, 200))
    with running.project() as project:
        mine = [s for s in project.segments(source=busiest, coder="Researcher A") if s.text == text]
        provenance = project.segment_provenance()
        decided = {v.suggestion.id: v.suggestion.status for v in project.suggestions(status=None, limit=None)}
    assert len(mine) == 1 and provenance[mine[0].id]["suggestion"] == suggestion_id
    assert decided[suggestion_id] == "accepted" and decided[rejected_id] == "rejected"
