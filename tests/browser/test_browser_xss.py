"""Hostile text in a transcript, a code name and a theme name renders as text: no script runs, no tag is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import login, select_with_mouse

from thematica import Project

expect = pytest.importorskip("playwright.sync_api").expect

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
OPEN_SCRIPT = "<script>alert(1)"  # a code name cannot hold "/" (it separates parent and child)
TEXT = f"""Interviewer: What did the poster say?
P99: It said {SCRIPT} in big letters, and under it {IMAGE} in small ones.
"""


def _hostile(folder: Path) -> Any:
    def setup(project: Project) -> None:
        path = folder / "hostile.txt"
        path.write_text(TEXT, encoding="utf-8")
        source = project.import_file(path, name=f"X {IMAGE}")
        script_code = project.create_code(OPEN_SCRIPT, definition=f"Defined as {SCRIPT} and {IMAGE}")
        image_code = project.create_code(IMAGE)
        start = TEXT.index(SCRIPT)
        project.code(source.id, start, start + len(SCRIPT), script_code)
        start = TEXT.index(IMAGE)
        project.code(source.id, start, start + len(IMAGE), image_code)
        project.create_theme(f"Theme {SCRIPT}", definition=IMAGE, codes=[script_code.id, image_code.id])

    return setup


def _no_injected_markup(page: Any) -> None:
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => [...document.scripts].filter((s) => !s.src).length") == 0


def test_hostile_names_and_text_render_as_text(serve, page: Any, tmp_path: Path, watch: Any) -> None:
    running = serve(setup=_hostile(tmp_path))
    with running.project() as project:
        source = next(s for s in project.sources() if s.name.startswith("X "))
        code = next(c for c in project.codes() if c.name == OPEN_SCRIPT)

    login(page, running, f"/sources/{source.id}")
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text(SCRIPT)
    expect(transcript).to_contain_text(IMAGE)
    expect(page.locator("h1")).to_have_text(f"X {IMAGE}")
    stripe = page.get_by_role("button", name=f"{IMAGE}, coded by Researcher A: {IMAGE}", exact=True)
    stripe.click()  # the segment panel, filled by script from the API
    expect(page.locator("#segment-code")).to_have_text(IMAGE)
    expect(page.locator("#segment-text")).to_have_text(IMAGE)
    select_with_mouse(page, "in big letters")
    page.locator("#tool-code").click()  # the picker lists the hostile code names, built by script
    page.locator("#picker-input").fill("<")
    expect(page.locator("#picker-list li[role=option]", has_text=OPEN_SCRIPT)).to_be_visible()
    expect(page.locator("#picker-list li[role=option]", has_text=IMAGE)).to_be_visible()
    page.keyboard.press("Escape")
    _no_injected_markup(page)

    page.goto(running.url("/sources"))
    expect(page.locator("main")).to_contain_text(f"X {IMAGE}")
    _no_injected_markup(page)

    page.goto(running.url("/codebook"))
    expect(page.locator("#code-tree")).to_contain_text(OPEN_SCRIPT)
    expect(page.locator("#code-tree")).to_contain_text(IMAGE)
    _no_injected_markup(page)

    page.goto(running.url(f"/codebook/{code.id}"))
    expect(page.locator("#detail-heading")).to_have_text(OPEN_SCRIPT)
    expect(page.locator("#definition")).to_have_value(f"Defined as {SCRIPT} and {IMAGE}")
    _no_injected_markup(page)

    page.goto(running.url("/themes"))
    card = page.locator(".theme-card", has_text=f"Theme {SCRIPT}")
    expect(card.locator("h3")).to_have_text(f"Theme {SCRIPT}")
    expect(card.locator(".definition")).to_have_text(IMAGE)
    expect(card.locator(".chip")).to_have_count(2)
    card.get_by_role("button", name="Review").click()  # the review dialog, built by script
    expect(page.locator("#review-heading")).to_have_text(f"Review: Theme {SCRIPT}")
    expect(page.locator("#review-body")).to_contain_text(IMAGE)
    _no_injected_markup(page)
    assert watch.dialogs == []
