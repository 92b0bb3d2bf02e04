"""The De-identification page in a real browser: scan, decide with the keyboard, apply; a blocked report says why."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from browser_helpers import login, screenshot

import thematica
from thematica import Project
from thematica.demo import build_demo

expect = pytest.importorskip("playwright.sync_api").expect

IMAGE = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def demo_copy_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo before de-identification (overrides the conftest's de-identified one for this module)."""
    project = build_demo(tmp_path_factory.mktemp("browser-demo-raw"), deidentify=False)
    path = project.path
    project.close()
    return path


def _expected_scan(demo: Path, tmp: Path) -> tuple[int, list[tuple[str, int]]]:
    """What a scan of the demo finds (pending count; group texts and sizes), from a copy scanned in-process."""
    copy = tmp / "expected.thematica"
    shutil.copy(demo, copy)
    project = thematica.open_project(copy)
    report = project.deid_scan()
    groups = [(text, count) for text, _category, count, _ids in project.deid_groups()]
    project.close()
    return report.pending, groups


def test_scanning_and_deciding_groups_with_the_keyboard(serve, page: Any, demo_copy_source: Path, tmp_path: Path) -> None:
    pending, expected = _expected_scan(demo_copy_source, tmp_path)
    assert [t for t, _ in expected[:4]] == ["Priya", "Marcus", "Jackie", "Kerry"]  # the demo's most named co-trainers
    sizes = dict(expected)
    running = serve()
    login(page, running, "/deid")
    expect(page.locator("#queue-empty")).to_be_visible()
    page.get_by_role("button", name="Scan the sources").click()
    expect(page.locator("#status-pending")).to_have_text(str(pending))
    groups = page.locator("#groups > li.group")
    expect(groups).to_have_count(len(expected))
    first = groups.first
    expect(first.locator(".group-text")).to_have_text("Priya")
    expect(first.locator(":scope > p.context mark")).to_have_text("Priya")

    page.keyboard.press("j")
    expect(first).to_have_class("group current")
    page.keyboard.press("Shift+A")  # Always: into the register, every occurrence replaced
    expect(page.locator("#status-pending")).to_have_text(str(pending - sizes["Priya"]))
    expect(groups).to_have_count(len(expected) - 1)
    expect(groups.first.locator(".group-text")).to_have_text("Marcus")
    expect(groups.first).to_have_class("group current")  # the next group takes the focus
    expect(page.locator("#register-table tbody tr")).to_have_count(1)
    expect(page.locator("#register-table tbody")).to_contain_text("Priya")

    page.keyboard.press("r")  # Marcus: left as it is
    expect(page.locator("#status-rejected")).to_have_text(str(sizes["Marcus"]))
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(groups.first.locator(".group-text")).to_have_text("Jackie")
    expect(groups.first).to_have_class("group current")
    groups.first.locator("input.pseudonym").fill("Jo")
    groups.first.get_by_role("button", name="Always").click()
    expect(page.locator("#status-identifiers")).to_have_text("2")
    expect(groups.first.locator(".group-text")).to_have_text("Kerry")
    page.evaluate("() => window.scrollTo(0, 0)")
    screenshot(page, "deid")
    groups.first.locator("details.occurrences summary").click()
    expect(groups.first.locator("li.occurrence")).to_have_count(sizes["Kerry"])
    page.locator("#check-notes").click()
    expect(page.locator("#notes-findings")).to_contain_text("No register identifier")

    with running.project() as project:
        assert [(e.value, e.replacement) for e in project.identifiers()] == [("Priya", "[Person 1]"), ("Jackie", "Jo")]
        assert project.deid_status()["pending"] == pending - sizes["Priya"] - sizes["Marcus"] - sizes["Jackie"]


def _hostile(folder: Path) -> Any:
    def setup(project: Project) -> None:
        path = folder / "hostile.txt"
        path.write_text(f"Interviewer: Who helped?\nP99: It was {IMAGE}, really.\n", encoding="utf-8")
        project.import_file(path, name="P99")
        project.add_identifier(IMAGE, "other", replacement=SCRIPT)
        project.deid_scan()

    return setup


def _expected_refusals(watch: Any, count: int) -> None:
    """The browser logs each 400 answer as a console error: these refusals are the point of the test."""
    refused = [e for e in watch.errors if "status of 400" in e]
    assert len(refused) == count, watch.errors
    watch.errors[:] = [e for e in watch.errors if e not in refused]


def test_hostile_text_renders_as_text_and_apply_asks_first(serve, page: Any, tmp_path: Path, watch: Any) -> None:
    running = serve(setup=_hostile(tmp_path))
    login(page, running, "/deid")
    group = page.locator("#groups > li.group", has=page.locator(".group-text", has_text=IMAGE))
    expect(group.locator(":scope > p.context mark")).to_have_text(IMAGE)
    expect(group.locator(".replacement")).to_have_text(SCRIPT)
    expect(page.locator("#register-table")).to_contain_text(IMAGE)
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("() => [...document.scripts].filter((s) => !s.src).length") == 0

    page.get_by_role("button", name="Accept all register matches").click()
    expect(page.locator("#status-accepted")).to_have_text("1")
    page.get_by_role("button", name="Apply de-identification…").click()
    expect(page.locator("#apply-confirm")).to_be_visible()
    expect(page.locator("#apply-confirm-text")).to_contain_text("will stop it")
    page.get_by_role("button", name="Yes, apply now").click()
    expect(page.locator("#flash")).to_contain_text("still waiting for review")  # refused: candidates pending
    page.locator("#allow-pending").check()
    page.locator("#keep-original").check()
    page.get_by_role("button", name="Apply de-identification…").click()
    page.get_by_role("button", name="Yes, apply now").click()
    expect(page.locator("#apply-report")).to_contain_text("De-identified 1 source (P99)")
    expect(page.locator("#apply-report")).to_contain_text("The original text is kept")
    expect(page.locator("#status-deidentified_sources")).to_have_text("1")
    with running.project() as project:
        assert SCRIPT in project.source_text("P99") and IMAGE not in project.source_text("P99")
        assert project.check() == []
    _expected_refusals(watch, 1)


def test_a_blocked_report_shows_its_findings(serve, page: Any, watch: Any) -> None:
    running = serve(setup=lambda p: p.add_identifier("Sam", "person", replacement="Alex"))
    login(page, running, "/reports")
    page.get_by_role("link", name="HTML").first.click()
    blocked = page.locator("#blocked")
    expect(blocked).to_be_visible(timeout=60_000)
    expect(page.locator("#blocked-message")).to_contain_text("not written")
    expect(page.locator("#blocked-findings li").first).to_contain_text("Alex")
    _expected_refusals(watch, 1)
