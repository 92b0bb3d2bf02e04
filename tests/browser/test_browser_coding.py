"""Coding in the source reader, in a real browser: with the mouse, and with the keyboard only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import login, select_with_mouse

from thematica import Project

expect = pytest.importorskip("playwright.sync_api").expect

# Astral emoji (two UTF-16 units each, one ZWJ sequence of five code points), combining marks with no
# precomposed form, then the phrase we code: the browser's offsets and the project's must still agree.
EMOJI_TEXT = (
    "Interviewer: How was the first session? 🙂\n"
    "P09: Honestly 😀😀 it was scary 👩🏽‍⚕️ at first, q\u0303 and x\u0301\u0323 aside, "
    "sharing the room felt right. 🎉 Later we laughed about it.\n"
)
EMOJI_PHRASE = "sharing the room felt right"


def _with_emoji_source(folder: Path) -> Any:
    def setup(project: Project) -> None:
        path = folder / "E01.txt"
        path.write_text(EMOJI_TEXT, encoding="utf-8")
        project.import_file(path, name="E01")

    return setup


def _segment(running: Any, source: str, text: str) -> Any:
    with running.project() as project:
        found = [s for s in project.segments(source=source, coder="Researcher A") if s.text == text]
        canonical = project.source_text(source)
        names = {c.id: c.name for c in project.codes()}
    assert len(found) == 1, f"no single segment {text!r} in {source}"
    segment = found[0]
    assert canonical[segment.start : segment.end] == text and segment.start == canonical.index(text)
    return segment, names[segment.code_id]


@pytest.mark.parametrize(
    ("source", "phrase"),
    [("P01", "sit on my hands and let her lead"), ("E01", EMOJI_PHRASE)],
)
def test_coding_a_passage_selected_with_the_mouse(serve, page: Any, tmp_path: Path, source: str, phrase: str) -> None:
    running = serve(setup=_with_emoji_source(tmp_path))
    with running.project() as project:
        source_id = project.source(source).id
    login(page, running, f"/sources/{source_id}")
    expect(page.locator("#stripes .stripe-head").first).to_be_attached()  # segments loaded and drawn

    select_with_mouse(page, phrase)
    assert page.evaluate("getSelection().toString()") == phrase
    page.locator("#tool-code").click()
    expect(page.locator("#picker")).to_be_visible()
    expect(page.locator("#picker-quote")).to_have_text(phrase)
    page.locator("#picker-input").fill("letting go")
    page.locator("#picker-list li[role=option]", has_text="Letting go of power").click()
    expect(page.locator("#flash")).to_contain_text("with Letting go of power")
    page.keyboard.press("Escape")
    expect(page.locator("#picker")).to_be_hidden()

    page.reload()
    stripe = page.get_by_role("button", name=f"Letting go of power, coded by Researcher A: {phrase}", exact=True)
    expect(stripe).to_be_attached()
    segment, code = _segment(running, source, phrase)
    assert code == "Letting go of power"
    stripe.click()
    expect(page.locator("#segment-text")).to_have_text(phrase)


@pytest.mark.parametrize("key", ["c", "Enter"])
def test_coding_with_the_keyboard_only(serve, page: Any, tmp_path: Path, key: str) -> None:
    running = serve(setup=_with_emoji_source(tmp_path))
    with running.project() as project:
        source_id = project.source("E01").id
    login(page, running, f"/sources/{source_id}")
    expect(page.locator("#stripes")).to_be_attached()
    for _ in range(60):  # Tab until the text has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "transcript":
            break
    else:
        pytest.fail("Tab never reached the transcript")
    page.keyboard.press("ArrowDown")  # to the participant's turn
    page.keyboard.press("Home")
    wanted = "Honestly 😀😀 it was scary"  # across astral emoji: the caret moves by whole characters
    for _ in range(60):
        page.keyboard.press("Shift+ArrowRight")
        if page.evaluate("getSelection().toString()").endswith(wanted):
            break
    else:
        pytest.fail(f"Shift+arrows never selected {wanted!r}")
    page.keyboard.press(key)  # opens the picker on the selection
    expect(page.locator("#picker-input")).to_be_focused()
    page.keyboard.type("time and work")
    expect(page.locator("#picker-list li[role=option]").first).to_contain_text("Time and workload")
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text("with Time and workload")
    page.keyboard.press("Escape")
    expect(page.locator("#picker")).to_be_hidden()
    expect(page.locator("#transcript")).to_be_focused()  # back in the text, ready for the next passage
    with running.project() as project:
        mine = [s for s in project.segments(source="E01", coder="Researcher A")]
        names = {c.id: c.name for c in project.codes()}
        canonical = project.source_text("E01")
    assert len(mine) == 1 and names[mine[0].code_id] == "Time and workload"
    assert mine[0].text == wanted and canonical[mine[0].start : mine[0].end] == wanted
