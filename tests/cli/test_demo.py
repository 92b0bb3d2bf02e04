"""thematica demo --out DIR, and every command of the README tour run in the demo folder."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

#: The README's "five-minute tour", verbatim (run in the demo folder, where the project is found by itself).
README_TOUR = """
thematica status
thematica sources list
thematica sources show P04 --turns
thematica participants list
thematica codebook list
thematica code list -c "Letting go of power" --where gender=male --participants-only
thematica search '"uniform off" OR badge'
thematica words --limit 15
"""
TOUR = [shlex.split(line)[1:] for line in README_TOUR.strip().splitlines()]


def test_the_readme_tour_list_matches_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for line in README_TOUR.strip().splitlines():
        assert line in readme, line


def test_demo_builds_the_example_study_and_its_hint_works(ok, workdir: Path) -> None:
    result = ok("demo", "--out", "my-demo")
    assert (workdir / "my-demo" / "recovery-college.thematica").is_file()
    project_line = next(line for line in result.out.splitlines() if line.startswith("The example study is SYNTHETIC. Project: "))
    assert Path(project_line.split("Project: ", 1)[1]).resolve() == (workdir / "my-demo" / "recovery-college.thematica").resolve()
    assert "Phase 5 of 6: defining and naming themes" in result.out
    assert "8 sources, 8 participants" in result.out
    hint = result.out.strip().splitlines()[-1]
    assert hint.startswith("Try: thematica ")
    extracts = ok(*shlex.split(hint)[2:]).out  # the suggested command, as printed
    assert extracts.rstrip().endswith("extracts") and not extracts.rstrip().endswith(" 0 extracts")


def test_demo_again_replaces_the_project_and_json(ok, workdir: Path) -> None:
    ok("demo", "--out", "d")
    ok("--project", "d/recovery-college.thematica", "codebook", "add", "Extra")
    summary = ok("demo", "--out", "d", "--json").json()
    assert (summary["sources"], summary["participants"], summary["codes"]) == (8, 8, 24)
    assert Path(summary["path"]).resolve() == (workdir / "d" / "recovery-college.thematica").resolve()
    assert "Extra" not in {c["name"] for c in ok("--project", summary["path"], "codebook", "list", "--json").json()}


def test_session_demo_build_was_clean(demo_build) -> None:
    folder, code, out, err = demo_build
    assert (code, err) == (0, "")
    assert (folder / "recovery-college.thematica").is_file()


def test_the_demo_project_holds_the_study(ok, in_demo: Path) -> None:
    sources = ok("sources", "list", "--json").json()
    assert [s["name"] for s in sources] == [f"P0{i}" for i in range(1, 9)]
    assert {s["kind"] for s in sources} == {"docx", "txt", "vtt"}
    assert all(s["turn_count"] > 0 and s["participant_id"] is not None for s in sources)
    people = ok("participants", "list", "--json").json()
    assert [p["key"] for p in people] == [f"P0{i}" for i in range(1, 9)]
    assert all({"gender", "band", "age"} <= set(p["attributes"]) for p in people)
    codes = ok("codebook", "list", "--json").json()
    assert len(codes) == 24
    coders = [c["name"] for c in ok("coders", "list", "--json").json()]
    assert coders == ["Researcher A", "Researcher B"]
    for coder in coders:
        items = ok("code", "list", "--coder", coder, "--json").json()
        assert items and {x["coder"] for x in items} == {coder}
    # Researcher B coded four of the eight
    b_sources = {x["source"] for x in ok("code", "list", "--coder", "Researcher B", "--json").json()}
    assert len(b_sources) == 4

    status = ok("status", "--json").json()
    assert Path(status["path"]).resolve() == (in_demo / "recovery-college.thematica").resolve()
    assert (status["sources"], status["participants"], status["codes"]) == (8, 8, 24)
    assert status["phase"] == 5
    assert set(status["segments_by_coder"]) == {"Researcher A", "Researcher B"}
    assert all(n > 0 for n in status["segments_by_coder"].values())
    total = sum(c["segments"] for c in codes)
    assert sum(status["segments_by_coder"].values()) == total
    assert status["journal_entries"] > 0
    ok("check")


@pytest.mark.parametrize("args", TOUR, ids=[" ".join(a) for a in TOUR])
def test_readme_tour_command_succeeds(ok, in_demo: Path, args: list[str]) -> None:
    result = ok(*args)
    assert result.out.strip()


def test_readme_tour_results(ok, in_demo: Path) -> None:
    turns = ok("sources", "show", "P04", "--turns", "--json").json()
    assert all(t["begin"] is not None and t["end_time"] is not None for t in turns)  # VTT timestamps kept
    items = ok("code", "list", "-c", "Letting go of power", "--where", "gender=male", "--participants-only", "--json").json()
    males = {p["key"] for p in ok("participants", "list", "--json").json() if p["attributes"]["gender"] == "male"}
    assert items and {x["participant"] for x in items} <= males
    assert {x["role"] for x in items} == {"participant"}
    hits = ok("search", '"uniform off" OR badge', "--json").json()
    assert hits and all("[uniform off]" in h["snippet"] or "[badge]" in h["snippet"] for h in hits)
    assert len(ok("words", "--limit", "15", "--json").json()) == 15


def test_the_readme_project_commands_work_on_a_copy_of_the_demo(ok, demo_copy: Path) -> None:
    """The README's "start your own project" commands that apply to the demo study."""
    before = len(ok("code", "list", "--json").json())
    ok("code", "quote", "P01", "sit on my hands", "Letting go of power")
    ok("code", "apply", "P01", "1200", "1340", "Power", "--memo", "first mention of risk")
    ok("codebook", "add", "Power sharing", "--parent", "Power")
    ok("code", "in-vivo", "P02", "5011", "5020", "--parent", "Power sharing")
    ok("codebook", "merge", "Power sharing", "--into", "Letting go of power")
    ok("codebook", "restore", "Power sharing")
    ok("memo", "add", "Risk and power travel together", "--on", "code", "--target", "Power")
    ok("journal", "add", "Noticed my clinician's reflex while reading P03")
    ok("phase", "3")
    assert len(ok("code", "list", "--json").json()) == before + 3
    log = ok("log", "--json").json()
    assert log[0]["operation"] == "phase.set"
    ok("undo")
    assert ok("phase").out.strip() == "Phase 5: defining and naming themes"
    ok("check")
