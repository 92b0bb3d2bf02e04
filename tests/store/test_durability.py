"""A process killed mid-import leaves every committed file and no partial one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import thematica


def _transcript(i: int) -> str:
    turns = []
    for t in range(60):
        speaker = "Interviewer" if t % 2 == 0 else f"P{i:03d}"
        turns.append(f"{speaker}: " + " ".join(f"word{t}x{k}" for k in range(120)))
    return "\n\n".join(turns) + "\n"


def test_sigkill_during_import_keeps_committed_sources_whole(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    files = []
    for i in range(400):
        path = folder / f"P{i:03d}.txt"
        path.write_text(_transcript(i), encoding="utf-8")
        files.append(path)
    project_path = tmp_path / "study.thematica"
    thematica.init_project(project_path).close()
    script = textwrap.dedent(
        f"""
        import sys, thematica, pathlib
        p = thematica.open_project({str(project_path)!r})
        files = sorted(pathlib.Path({str(folder)!r}).glob("*.txt"))
        def tick(path):
            print(path.name, flush=True)
        p.import_files(files, progress=tick)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    seen = 0
    deadline = time.monotonic() + 60
    while seen < 20 and time.monotonic() < deadline:  # let some imports commit, then kill mid-way
        if proc.stdout.readline():
            seen += 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert seen == 20, "the importer did not get going"

    project = thematica.open_project(project_path)
    sources = project.sources()
    assert 20 <= len(sources) < 400, "the kill should land mid-import"
    for src in sources:
        expected = (folder / f"{src.name}.txt").read_text(encoding="utf-8")
        assert project.source_text(src.name) == expected
        assert src.turn_count == 60
        assert project.source_original(src.name) == expected.encode("utf-8")
    assert len(project.search("word59x119", limit=500)) == len(sources)
    imports = [e for e in project.log(None) if e.operation == "source.import"]
    assert len(imports) == len(sources)
    assert project.check() == []
    project.close()
