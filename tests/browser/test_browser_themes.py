"""The themes board in a real browser: create a theme, drag a code into it."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import drag, login

expect = pytest.importorskip("playwright.sync_api").expect


def test_creating_a_theme_and_dragging_a_code_into_it(serve, page: Any) -> None:
    running = serve()
    login(page, running, "/themes")
    page.locator("#new-name").fill("Working conditions")
    with page.expect_navigation():
        page.locator("#new-theme").get_by_role("button", name="Create").click()
    card = page.locator('.theme-card[data-name="Working conditions"]')
    expect(card).to_be_visible()
    expect(page.locator("#flash")).to_contain_text("Created Working conditions")

    chip = page.locator('#pool .chip', has_text="Time and workload")
    with page.expect_navigation():
        drag(page, chip, card)
    card = page.locator('.theme-card[data-name="Working conditions"]')
    expect(card.locator(".chip", has_text="Time and workload")).to_be_visible()
    expect(page.locator("#pool .chip", has_text="Time and workload")).to_have_count(0)

    with running.project() as project:
        theme = next(t for t in project.themes() if t.name == "Working conditions")
        assert [project.code_by(c).name for c in theme.code_ids] == ["Time and workload"]
