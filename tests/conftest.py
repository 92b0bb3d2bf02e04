"""Fixtures shared by every test package."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

import thematica
from thematica import Project

TRANSCRIPT = """SYNTHETIC test transcript.

Interviewer: What does co-production mean to you?

{key}: It means we build the course together. Letting go of power was hard at first.

Interviewer: Can you say more?

{key}: I had to sit on my hands and let Sam lead. Café chats helped 😀.
"""


@pytest.fixture(autouse=True)
def _quiet_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests act as a known user and never see a project from the environment."""
    monkeypatch.setenv("THEMATICA_USER", "tester")
    monkeypatch.delenv("THEMATICA_PROJECT", raising=False)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A new, empty project in a temporary folder."""
    proj = thematica.init_project(tmp_path / "study", name="Test study")
    yield proj
    proj.close()


@pytest.fixture
def write_transcript(tmp_path: Path) -> Callable[..., Path]:
    """Write a small two-speaker transcript named ``{key}.txt`` and return its path."""

    def write(key: str = "P01", text: str | None = None, suffix: str = ".txt") -> Path:
        folder = tmp_path / "files"
        folder.mkdir(exist_ok=True)
        path = folder / f"{key}{suffix}"
        path.write_text(text if text is not None else TRANSCRIPT.format(key=key), encoding="utf-8")
        return path

    return write
