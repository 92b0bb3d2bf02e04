"""report, coreq list / set, status (what each phase lacks) and demo --json."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import docx
import pytest

from thematica.version import __version__

from .conftest import snapshot

COREQ = ("coreq", "list", "--json")
LOG = ("log", "--json")
FIGURES = {
    f"{name}.{ext}"
    for name in ("thematic-map", "code-frequencies", "saturation", "themes-by-participant")
    for ext in ("png", "svg")
}
NOBODY = "Nobody else was present during the interviews"
DURATION = "Interviews lasted between thirty and fifty minutes"


def _items(ok) -> dict[int, dict]:
    return {i["number"]: i for i in ok(*COREQ).json()}


# -- report -------------------------------------------------------------------------------------
def test_report_writes_every_format_and_the_figures_with_the_answers(ok, demo_copy: Path, workdir: Path) -> None:
    assert ok("coreq", "set", "15", f"  {NOBODY} ").out.strip() == "COREQ item 15 answered"
    assert ok("coreq", "set", "duration", DURATION).out.strip() == "COREQ item 21 answered"
    result = ok("report", "--out", "findings")
    out = workdir / "findings"
    names = ("report.docx", "report.html", "report.md")
    assert result.out.splitlines() == [f"Wrote {Path('findings') / name}" for name in names]
    assert {p.name for p in out.iterdir()} == {"report.docx", "report.html", "report.md", "report-figures"}
    assert {p.name for p in (out / "report-figures").iterdir()} == FIGURES
    assert all((out / "report-figures" / name).stat().st_size > 0 for name in FIGURES)

    name = ok("status", "--json").json()["name"]
    themes = ok("themes", "list", "--json").json()
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.splitlines()[0] == f"# {name}"
    top = [t for t in themes if t["parent_id"] is None]
    assert [line for line in md.splitlines() if line.startswith("### Theme ")] == [
        f"### Theme {n}: {t['name']}" for n, t in enumerate(top, start=1)
    ]
    for t in themes:
        assert t["name"] in md
    # the researcher's answers are in the COREQ checklist, the remaining gaps still marked
    assert f"| 15 |  | Presence of non-participants | {NOBODY} |" in md
    assert f"| 21 |  | Duration | {DURATION} |" in md
    missing = [n for n, i in _items(ok).items() if i["origin"] == "missing"]
    assert 15 not in missing and missing  # the demo leaves some items open
    for number in missing:
        row = next(line for line in md.splitlines() if line.startswith(f"| {number} |"))
        assert "To be completed by the researcher" in row

    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") and NOBODY in html and name in html
    document = docx.Document(str(out / "report.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert name in text and all(t["name"] in text for t in themes)
    assert NOBODY in cells and DURATION in cells


def test_report_md_only_json(ok, demo_copy: Path, workdir: Path) -> None:
    paths = ok("report", "--out", "md-only", "--format", "md", "--json").json()
    assert paths == [str(Path("md-only") / "report.md")]
    assert {p.name for p in (workdir / "md-only").iterdir()} == {"report.md", "report-figures"}
    md = (workdir / "md-only" / "report.md").read_text(encoding="utf-8")
    assert "## Appendix C. COREQ checklist" in md
    assert "![" in md and "report-figures/thematic-map.png" in md


@pytest.mark.parametrize("formats", [("pdf",), ("md", "rtf")])
def test_report_bad_format(ok, fails, in_demo: Path, workdir: Path, formats: tuple[str, ...]) -> None:
    before = snapshot(ok, LOG)
    args = [a for f in formats for a in ("--format", f)]
    err = fails("report", "--out", workdir / "bad", *args).err
    assert "report formats are docx, html and md" in err and formats[-1] in err
    assert not (workdir / "bad").exists()
    assert snapshot(ok, LOG) == before


# -- COREQ --------------------------------------------------------------------------------------
def test_coreq_list_json(ok, in_demo: Path) -> None:
    items = ok(*COREQ).json()
    assert [i["number"] for i in items] == list(range(1, 33))
    assert {i["origin"] for i in items} == {"project", "researcher", "missing"}
    assert {i["domain"] for i in items} == {"Research team and reflexivity", "Study design", "Analysis and findings"}
    by_number = {i["number"]: i for i in items}
    assert [by_number[n]["topic"] for n in (1, 12, 21, 32)] == [
        "Interviewer/facilitator", "Sample size", "Duration", "Clarity of minor themes"
    ]  # fmt: skip
    for item in items:
        if item["origin"] == "missing":
            assert item["answer"] == "To be completed by the researcher"
        else:
            assert item["answer"].strip()
    # what the project answers itself, counted here
    people = ok("participants", "list", "--json").json()
    coders = ok("coders", "list", "--json").json()
    assert len(people) == 8
    assert (by_number[12]["origin"], by_number[12]["answer"]) == ("project", "Eight participants.")
    assert (by_number[27]["origin"], by_number[27]["answer"]) == ("project", f"thematica {__version__}.")
    assert by_number[24]["answer"] == "Two coders: " + "; ".join(f"{c['name']}, {c['role']}" for c in coders) + "."
    top = [t["name"] for t in ok("themes", "list", "--json").json() if t["parent_id"] is None]
    assert by_number[31]["answer"] == f"Yes: one theme: {'; '.join(top)}." and len(top) == 1


def test_coreq_list_missing(ok, in_demo: Path) -> None:
    everything = ok(*COREQ).json()
    missing = ok("coreq", "list", "--missing", "--json").json()
    assert missing == [i for i in everything if i["origin"] == "missing"]
    assert missing and {i["origin"] for i in missing} == {"missing"}
    out = ok("coreq", "list", "--missing").out
    assert out.rstrip().splitlines()[-1] == f"{len(missing)} of 32 items still to be completed"
    assert ok("coreq", "list").out.rstrip().splitlines()[-1] == f"{len(missing)} of 32 items still to be completed"


def test_coreq_set_by_number_topic_and_slug(ok, demo_copy: Path) -> None:
    before = _items(ok)
    open_item = next(n for n, i in before.items() if i["origin"] == "missing")
    assert ok("coreq", "set", str(open_item), "An answer").out.strip() == f"COREQ item {open_item} answered"
    result = ok("coreq", "set", "Data saturation", "Discussed at each team meeting")
    assert result.out.strip() == "COREQ item 22 answered"
    assert ok("coreq", "set", "duration", DURATION).out.strip() == "COREQ item 21 answered"
    after = _items(ok)
    assert (after[open_item]["origin"], after[open_item]["answer"]) == ("researcher", "An answer")
    assert (after[22]["origin"], after[22]["answer"]) == ("researcher", "Discussed at each team meeting")
    assert (after[21]["origin"], after[21]["answer"]) == ("researcher", DURATION)
    # the project's own answer is kept beside the researcher's
    assert before[21]["origin"] == "project" and after[21]["project_answer"] == before[21]["answer"]
    assert open_item not in [i["number"] for i in ok("coreq", "list", "--missing", "--json").json()]
    assert {n: i for n, i in after.items() if n not in (open_item, 21, 22)} == {
        n: i for n, i in before.items() if n not in (open_item, 21, 22)
    }
    assert ok(*LOG).json()[0]["summary"] == "answered COREQ item 21"
    ok("undo")
    assert _items(ok)[21] == before[21]


@pytest.mark.parametrize(
    ("item", "answer", "message"),
    [
        ("99", "x", "COREQ items are numbered 1 to 32, not 99"),
        ("0", "x", "not 0"),
        ("lunch", "x", "unknown COREQ item 'lunch'"),
        ("15", "   ", "give an answer"),
    ],
)
def test_coreq_set_errors(ok, fails, demo_copy: Path, item: str, answer: str, message: str) -> None:
    db = sqlite3.connect(demo_copy)
    try:
        before = list(db.iterdump())
    finally:
        db.close()
    assert message in fails("coreq", "set", item, answer).err
    db = sqlite3.connect(demo_copy)
    try:
        assert list(db.iterdump()) == before
    finally:
        db.close()


# -- status -------------------------------------------------------------------------------------
def test_status_shows_what_each_phase_lacks(ok, study) -> None:
    checks = ok("status", "--json").json()["checks"]
    # counted by hand from the study: no memos on P01 and P02, only Power defined, no themes,
    # the three used codes in none
    codes = [c["name"] for c in ok("codebook", "list", "--json").json()]
    assert checks == [
        {"phase": 1, "what": "sources without a familiarisation memo", "count": 2, "examples": ["P01", "P02"]},
        {"phase": 2, "what": "codes without a definition", "count": 2, "examples": [c for c in codes if c != "Power"]},
        {"phase": 3, "what": "no candidate themes yet", "count": 1, "examples": ["(none)"]},
        {"phase": 3, "what": "codes in no theme", "count": 3, "examples": codes},
    ]
    out = ok("status").out
    assert "What each phase still lacks" in out
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in out.splitlines() if line.startswith("│")]
    assert ["1 familiarisation with the data", "sources without a familiarisation memo", "2", "P01, P02"] in rows


def test_status_checks_follow_the_work(ok, study) -> None:
    ok("memo", "add", "First read", "--on", "source", "--target", "P01")
    ok("memo", "add", "First read", "--on", "source", "--target", "P02")
    ok("codebook", "add", "Unused", "--definition", "Not used yet.")
    ok("codebook", "edit", "Letting go of power", "--definition", "Stepping back.")
    ok("codebook", "edit", "Hope", "--definition", "Hope.")
    ok("themes", "create", "Everything", "-c", "Power", "-c", "Letting go of power", "-c", "Hope")
    checks = {c["what"]: (c["phase"], c["count"], c["examples"]) for c in ok("status", "--json").json()["checks"]}
    assert checks == {
        "codes never applied": (2, 1, ["Unused"]),
        "themes not reviewed yet": (4, 1, ["Everything"]),
        "themes without a definition": (5, 1, ["Everything"]),
        "themes without a central organising concept": (5, 1, ["Everything"]),
        "themes without a written narrative": (6, 1, ["Everything"]),
        "themes not marked final": (6, 1, ["Everything"]),
    }
    ok("themes", "define", "Everything", "--definition", "d", "--concept", "c", "--narrative", "n", "--status", "final")
    ok("code", "quote", "P02", "the uniform stays off", "Unused")
    ok("themes", "assign", "Everything", "Unused")
    assert ok("status", "--json").json()["checks"] == []
    assert "Nothing obvious is missing in any phase." in ok("status").out


# -- demo ---------------------------------------------------------------------------------------
def test_demo_json_lists_the_report(ok, workdir: Path) -> None:
    summary = ok("demo", "--out", "d", "--json").json()
    folder = (workdir / "d" / "report").resolve()
    expected = [folder / f"report.{ext}" for ext in ("docx", "html", "md")]
    assert [Path(p).resolve() for p in summary["report"]] == expected
    assert all(Path(p).is_file() and Path(p).stat().st_size > 0 for p in summary["report"])
    assert {p.name for p in (folder / "report-figures").iterdir()} == FIGURES
