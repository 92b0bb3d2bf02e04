"""Helpers for the browser tests: the running workbench, logging in, screenshots, selecting text."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from thematica import Project, open_project
from thematica.web import Secrets

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@dataclass
class Running:
    """A workbench being served: its address, project file and app."""

    base: str
    path: Path
    secrets: Secrets
    app: Any
    user: str

    def url(self, path: str = "/") -> str:
        return self.base + path

    @contextmanager
    def project(self) -> Iterator[Project]:
        """The project file, opened afresh (what the server wrote, read back from disk)."""
        with open_project(self.path, actor=self.user) as project:
            yield project


def login(page: Any, running: Running, path: str = "/") -> None:
    """Follow the access link (which sets the session cookie) to ``path``."""
    separator = "&" if "?" in path else "?"
    page.goto(running.url(f"{path}{separator}token={running.secrets.token}"))
    page.wait_for_load_state("load")


def screenshot(page: Any, name: str) -> Path:
    """Save the viewport (1280x800) as docs/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target))
    return target


def drag(page: Any, source: Any, target: Any) -> None:
    """Drag ``source`` onto ``target`` with real mouse moves (HTML5 drag and drop), both scrolled into view."""
    target.scroll_into_view_if_needed()
    source.scroll_into_view_if_needed()
    start, end = source.bounding_box(), target.bounding_box()
    x, y = start["x"] + min(10, start["width"] / 2), start["y"] + start["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 20, y, steps=4)
    page.mouse.move(end["x"] + end["width"] / 2, end["y"] + min(30, end["height"] / 2), steps=10)
    page.mouse.up()


_PHRASE_BOX = """(phrase) => {
  for (const piece of document.querySelectorAll("#transcript .piece")) {
    const node = piece.firstChild;
    const at = node ? node.data.indexOf(phrase) : -1;
    if (at < 0) continue;
    const range = document.createRange();
    const box = (a, b) => { range.setStart(node, a); range.setEnd(node, b); return range.getClientRects()[0]; };
    const first = box(at, at + 1);
    window.scrollBy(0, first.top - innerHeight / 2);
    const [a, z] = [box(at, at + 1), box(at + phrase.length - 1, at + phrase.length)];
    return { x0: a.left + 1, y0: a.top + a.height / 2, x1: z.right - 1, y1: z.top + z.height / 2 };
  }
  return null;
}"""


def select_with_mouse(page: Any, phrase: str) -> None:
    """Drag the mouse over ``phrase`` in the transcript (from its first character to its last)."""
    box = page.evaluate(_PHRASE_BOX, phrase)
    assert box is not None, f"{phrase!r} is not in the transcript"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2, steps=5)
    page.mouse.move(box["x1"], box["y1"], steps=5)
    page.mouse.up()
