"""A process killed in the middle of a large import: what was committed stays, nothing partial appears."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import thematica


def _transcript(i: int) -> str:
    turns = []
    for t in range(60):
        speaker = "Interviewer" if t % 2 == 0 else f"P{i:03d}"
        turns.append(f"{speaker}: " + " ".join(f"word{t}x{k}" for k in range(120)))
    return "\n\n".join(turns) + "\n"


def _write_files(folder: Path, numbers: range) -> list[Path]:
    folder.mkdir()
    files = []
    for i in numbers:
        path = folder / f"P{i:03d}.txt"
        path.write_text(_transcript(i), encoding="utf-8")
        files.append(path)
    return files


def test_sigkill_during_a_large_import_keeps_committed_work_and_nothing_partial(tmp_path):
    project_path = tmp_path / "study.thematica"
    first = _write_files(tmp_path / "first", range(0, 5))
    project = thematica.init_project(project_path)
    project.import_files(first)
    project.create_code("Words")
    project.code_quote("P000", "word1x0 word1x1", "Words")
    committed = (project.sources(), project.segments(), project.log(None))
    project.close()

    big = _write_files(tmp_path / "big", range(100, 500))
    wal = Path(f"{project_path}-wal")
    script = textwrap.dedent(
        f"""
        import pathlib, thematica
        p = thematica.open_project({str(project_path)!r})
        p.import_files(sorted(pathlib.Path({str(tmp_path / "big")!r}).glob("*.txt")))
        print("finished", flush=True)
        """
    )
    start_size = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    # kill once the import transaction is writing pages (the WAL grows past what was there)
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 2_000_000:
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    project = thematica.open_project(project_path)
    assert (project.sources(), project.segments(), project.log(None)) == committed
    assert project.search("word59x119", limit=500) != []
    assert {h.source for h in project.search("word59x119", limit=500)} == {f"P{i:03d}" for i in range(5)}
    assert project.check() == []
    # and the interrupted import can simply be run again
    assert len(project.import_files(big)) == len(big)
    project.close()
