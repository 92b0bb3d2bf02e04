"""The Coders page in a real browser: resolving disagreements, choosing the unit, downloading the table."""

from __future__ import annotations

from typing import Any

import pytest
from browser_helpers import login

expect = pytest.importorskip("playwright.sync_api").expect



def _span(key: str) -> tuple[int, int]:
    """(start, end) of a queue place's key "P01:1564-1682"."""
    start, end = key.split(":")[1].split("-")
    return int(start), int(end)


def test_resolving_disagreements_with_mouse_and_keyboard(serve, page: Any) -> None:
    running = serve()
    login(page, running, "/coders")
    expect(page.locator("#total-count")).to_have_text("76")
    # the first place: A coded "Learning from Peer Trainers", B "Valuing lived experience"
    first_key = page.locator("li.place").first.get_attribute("data-key") or ""
    second_key = page.locator("li.place").nth(1).get_attribute("data-key") or ""
    first = page.locator(f'li.place[data-key="{first_key}"]')
    first.locator(".rationale").fill("the participant speaks of lived experience")
    first.get_by_role("button", name="Accept Researcher B").click()
    expect(page.locator("#resolved-count")).to_have_text("1")
    expect(first.locator(".status")).to_have_text("resolved: accept Researcher B")
    expect(first.locator("details")).not_to_have_attribute("open", "")
    second = page.locator("li.place").nth(1)
    expect(second.get_by_role("button", name="Accept Researcher A")).to_be_focused()  # on to the next place
    page.keyboard.press("Enter")
    expect(page.locator("#resolved-count")).to_have_text("2")
    expect(page.locator("#progress-bar")).to_have_attribute("value", "2")

    with running.project() as project:
        consensus = sorted(project.segments(coder="consensus"), key=lambda s: s.start)
        assert [(s.start, s.end) for s in consensus] == [_span(first_key), _span(second_key)]
        assert project.code_by(consensus[0].code_id).name == "Valuing lived experience"
        assert consensus[0].memo == "the participant speaks of lived experience"
        assert project.queue_progress().resolved == 2

    page.reload()
    expect(page.locator("#resolved-count")).to_have_text("2")
    expect(first).to_have_class("place resolved")
    page.locator("#hide-resolved").check()
    expect(first).to_be_hidden()


def test_accepting_agreed_places(serve, page: Any) -> None:
    running = serve()
    login(page, running, "/coders")
    page.get_by_role("button", name="Accept all 112 agreed places").click()
    expect(page.locator("#flash")).to_contain_text("agreed segments copied into the consensus layer")
    with running.project() as project:
        assert len(project.segments(coder="consensus")) >= 112


def test_changing_the_unit_and_downloading_the_table(serve, page: Any) -> None:
    running = serve()
    login(page, running, "/coders")
    expect(page.locator("#agreement-sentence")).to_contain_text("828 sentences")
    with page.expect_navigation():
        page.locator("#unit").select_option("turn")
    expect(page.locator("#agreement-sentence")).to_contain_text("speaker turns")
    assert "unit=turn" in page.url
    with page.expect_download() as download_info:
        page.locator("#download-csv").click()
    download = download_info.value
    assert download.suggested_filename == "agreement-turn.csv"
    assert open(download.path(), encoding="utf-8").read().startswith("code,units,coded by Researcher A")


def test_adding_a_blind_coder_and_toggling_it(serve, page: Any) -> None:
    running = serve()
    login(page, running, "/coders")
    page.locator("#coder-name").fill("Researcher C")
    page.locator("#coder-role").fill("peer researcher")
    page.locator("#coder-blind").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add coder").click()
    row = page.locator('#coder-table tr[data-name="Researcher C"]')
    expect(row).to_contain_text("peer researcher")
    toggle = row.locator(".blind-toggle")
    expect(toggle).to_be_checked()
    toggle.uncheck()
    expect(row).to_contain_text("sees all")
    with running.project() as project:
        assert not next(c for c in project.coders() if c.name == "Researcher C").blind


def test_a_blind_coder_sees_the_refusal(serve, page: Any) -> None:
    running = serve(setup=lambda p: p.set_coder("Researcher B", blind=True), user="Researcher B")
    login(page, running, "/coders")
    expect(page.locator("#blind-notice")).to_be_visible()
    expect(page.locator("#refusal")).to_contain_text("a blind coder cannot compare coding")
    expect(page.locator("li.place")).to_have_count(0)
