"""The real console entry point: an error is one line on stderr, no traceback, a non-zero exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .conftest import thematica_env


def _thematica(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thematica", *args],
        cwd=cwd, env=thematica_env(), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 1, proc
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    assert proc.stdout == ""
    return lines[0]


def test_no_project_here(tmp_path: Path) -> None:
    line = _one_error_line(_thematica(tmp_path, "status"))
    assert "no project here" in line


def test_a_garbage_docx_and_a_long_path(tmp_path: Path) -> None:
    """The error stays on one line even when it is longer than a terminal."""
    deep = tmp_path / ("a-rather-long-folder-name-" * 4)
    deep.mkdir()
    init = _thematica(deep, "init", "study")
    assert init.returncode == 0, init.stderr
    bad = deep / ("interview-with-a-very-long-file-name-" * 3 + ".docx")
    bad.write_bytes(b"not a zip file")
    line = _one_error_line(_thematica(deep, "import", bad.name))
    assert bad.name in line and "DOCX" in line
    assert len(line) > 120


def test_undo_on_a_fresh_project(tmp_path: Path) -> None:
    assert _thematica(tmp_path, "init", "fresh").returncode == 0
    line = _one_error_line(_thematica(tmp_path, "undo"))
    assert "no change left to undo" in line
