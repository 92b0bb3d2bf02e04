"""Fixtures for the command-line tests: run ``thematica`` in-process and build small projects.

``run(*args)`` calls :func:`thematica.cli.main` exactly as the console script
does (``sys.argv`` patched, the working directory a fresh tmp folder) and
returns what it printed and its exit status. Nothing in the core is mocked.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from thematica.cli import main

USER = "Tester"

#: Two small interviews in the "Label: speech" form, with blank lines between turns.
P01_TEXT = (
    "Interviewer: How did the first session go?\n\n"
    "P01: I was nervous. I had to sit on my hands so I would not take over.\n\n"
    "Interviewer: And the second session?\n\n"
    "P01: Better. Power felt shared, and the peer trainer led the room.\n"
)
P02_TEXT = (
    "Interviewer: What changed in your practice after the workshops?\n\n"
    "P02: I stopped saying non-compliant. Power is something I notice now.\n\n"
    "Interviewer: Anything else about power?\n\n"
    "P02: Hope. I carry hope back to the ward, and the uniform stays off.\n"
)
PARTICIPANTS_CSV = "id,gender,age,band\nP01,female,42,7\nP02,male,38,8a\n"


@dataclasses.dataclass
class Result:
    """What one ``thematica`` command did: exit status, stdout, stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """stdout parsed as JSON."""
        return json.loads(self.out)

    def __str__(self) -> str:  # shown by pytest when an assertion fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    return exc.code if isinstance(exc.code, int) else 1


@pytest.fixture(autouse=True)
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A predictable environment: a known user, no project from outside, wide plain output."""
    monkeypatch.setenv("THEMATICA_USER", USER)
    monkeypatch.delenv("THEMATICA_PROJECT", raising=False)
    monkeypatch.delenv("THEMATICA_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "250")  # rich reads it on every print: tables do not wrap
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working directory the commands run in."""
    folder = tmp_path / "work"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.fixture
def run(workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``run("code", "list", "--json")``: the thematica command line, in-process, in ``workdir``."""

    def _run(*args: object) -> Result:
        capsys.readouterr()  # drop anything printed before
        monkeypatch.setattr(sys, "argv", ["thematica", *(str(a) for a in args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return _run


@pytest.fixture
def ok(run: Callable[..., Result]) -> Callable[..., Result]:
    """Like ``run``, but the command must succeed (exit 0, nothing on stderr)."""

    def _ok(*args: object) -> Result:
        result = run(*args)
        assert result.code == 0, result
        assert result.err == "", result
        return result

    return _ok


@pytest.fixture
def fails(run: Callable[..., Result]) -> Callable[..., Result]:
    """Like ``run``, but the command must fail as a thematica error: exit 1, one line 'error: ...'."""

    def _fails(*args: object) -> Result:
        result = run(*args)
        assert result.code == 1, result
        lines = result.err.splitlines()
        assert len(lines) == 1, result
        assert lines[0].startswith("error: "), result
        assert "Traceback" not in result.err
        return result

    return _fails


@pytest.fixture
def write(workdir: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file (UTF-8 text or bytes) into the working directory; return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        path = workdir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return _write


@pytest.fixture
def project(ok: Callable[..., Result], workdir: Path) -> Path:
    """An empty project, ``study.thematica``, alone in the working directory."""
    ok("init", "study", "--name", "Study")
    return workdir / "study.thematica"


@pytest.fixture
def study(project: Path, ok: Callable[..., Result], write: Callable[[str, str | bytes], Path]) -> Path:
    """A small coded study: P01 and P02 imported, participants with attributes, a three-code codebook.

    Codes: Power (id 1) > Letting go of power (id 2); Hope (id 3).
    Segments (coder Tester unless said):
      #1 P01 'sit on my hands'            Letting go of power
      #2 P01 'How did the first session go?' (interviewer speech)  Power
      #3 P02 'Power is something I notice now.'  Power, coder Researcher B
      #4 P02 'I carry hope back to the ward'     Hope
    """
    write("P01.txt", P01_TEXT)
    write("P02.txt", P02_TEXT)
    write("participants.csv", PARTICIPANTS_CSV)
    ok("import", "P01.txt", "P02.txt")
    ok("participants", "import", "participants.csv", "--type", "band=category")
    ok("codebook", "add", "Power", "--origin", "deductive", "--definition", "Who holds power in the room.")
    ok("codebook", "add", "Letting go of power", "--parent", "Power")
    ok("codebook", "add", "Hope")
    ok("code", "quote", "P01", "sit on my hands", "Letting go of power")
    ok("code", "quote", "P01", "How did the first session go?", "Power")
    ok("code", "quote", "P02", "Power is something I notice now.", "Power", "--coder", "Researcher B")
    ok("code", "quote", "P02", "I carry hope back to the ward", "Hope")
    return project


def snapshot(run: Callable[..., Result], *commands: tuple[str, ...]) -> list[str]:
    """The JSON output of read-only commands, to compare a project before and after a failure."""
    outs = []
    for command in commands:
        result = run(*command)
        assert result.code == 0, result
        outs.append(result.out)
    return outs


# -- the demo study, built once through the command line ------------------------------------
def invoke(argv: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run the command line in-process outside a test (for session fixtures)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "argv", ["thematica", *argv])
        mp.setenv("THEMATICA_USER", USER)
        mp.delenv("THEMATICA_PROJECT", raising=False)
        mp.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main()
                code = 0
            except SystemExit as exc:
                code = _exit_code(exc)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str, str]:
    """``thematica demo --out demo-study`` run once: (folder, exit status, stdout, stderr)."""
    base = tmp_path_factory.mktemp("demo")
    code, out, err = invoke(["demo", "--out", "demo-study"], base)
    return base / "demo-study", code, out, err


@pytest.fixture(scope="session")
def demo_dir(demo_build: tuple[Path, int, str, str]) -> Path:
    """The demo folder (read-only: copy it with ``demo_copy`` to change it)."""
    folder, code, out, err = demo_build
    assert code == 0, (out, err)
    return folder


@pytest.fixture
def demo_copy(demo_dir: Path, workdir: Path) -> Path:
    """A private copy of the demo study, as the working directory itself."""
    for item in demo_dir.iterdir():
        if item.is_file():
            shutil.copy2(item, workdir / item.name)
    assert [p.name for p in workdir.glob("*.thematica")] == ["recovery-college.thematica"]
    return workdir / "recovery-college.thematica"


@pytest.fixture
def in_demo(demo_dir: Path, monkeypatch: pytest.MonkeyPatch, run: Callable[..., Result]) -> Path:
    """Work inside the (shared, read-only) demo folder."""
    monkeypatch.chdir(demo_dir)
    return demo_dir


def thematica_env() -> dict[str, str]:
    """Environment for subprocess runs: no project from outside, a known user."""
    env = {k: v for k, v in os.environ.items() if k not in ("THEMATICA_PROJECT", "THEMATICA_DEBUG")}
    env["THEMATICA_USER"] = USER
    return env
