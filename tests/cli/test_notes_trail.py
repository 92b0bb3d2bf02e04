"""memo, journal, phase, status, log, undo and check."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from .conftest import P01_TEXT, USER, snapshot

EXTRACTS = ("code", "list", "--json")


def test_memos_on_project_source_code_and_segment(ok, fails, study) -> None:
    seg_id = ok(*EXTRACTS, "-c", "Hope").json()[0]["segment"]["id"]
    assert ok("memo", "add", "Power and risk travel together").out.strip() == "Memo #1 (phase 1)"
    ok("phase", "2")
    assert ok("memo", "add", "Rich on power", "--on", "source", "--target", "P01").out.strip() == "Memo #2 (phase 2)"
    ok("memo", "add", "Is this about control?", "--on", "code", "--target", "Power")
    ok("memo", "add", "Lovely quote", "--on", "segment", "--target", seg_id)
    memos = ok("memo", "list", "--json").json()
    assert [(m["id"], m["target"], m["text"], m["phase"], m["author"]) for m in memos] == [
        (1, "project", "Power and risk travel together", 1, USER),
        (2, "source", "Rich on power", 2, USER),
        (3, "code", "Is this about control?", 2, USER),
        (4, "segment", "Lovely quote", 2, USER),
    ]
    assert memos[3]["target_id"] == seg_id and memos[0]["target_id"] is None
    assert [m["text"] for m in ok("memo", "list", "--on", "code", "--target", "Power", "--json").json()] == [
        "Is this about control?"
    ]
    assert [m["id"] for m in ok("memo", "list", "--on", "source", "--json").json()] == [2]
    out = ok("memo", "list").out
    assert "#3" in out and f"{USER} on code #1 (phase 2)" in out and "Is this about control?" in out
    assert ok("status", "--json").json()["memos"] == 4


def test_memo_errors(ok, fails, study) -> None:
    assert "say which source" in fails("memo", "add", "x", "--on", "source").err
    assert "no source 'P09'" in fails("memo", "add", "x", "--on", "source", "--target", "P09").err
    assert "no code 'Nope'" in fails("memo", "add", "x", "--on", "code", "--target", "Nope").err
    assert "no segment #99" in fails("memo", "add", "x", "--on", "segment", "--target", "99").err
    assert "not 'theme'" in fails("memo", "add", "x", "--on", "theme").err
    assert "needs some text" in fails("memo", "add", "   ").err
    assert ok("memo", "list", "--json").json() == []


def test_journal_entries_are_stamped_with_the_phase(ok, project) -> None:
    assert ok("journal", "add", "Noticed my clinician's reflex").out.strip() == (
        "Journal entry #1 (phase 1: familiarisation with the data)"
    )
    ok("phase", "3")
    assert ok("journal", "add", "Themes feel thin").out.strip() == "Journal entry #2 (phase 3: searching for themes)"
    entries = ok("journal", "list", "--json").json()
    assert [(e["text"], e["phase"], e["target"], e["author"]) for e in entries] == [
        ("Noticed my clinician's reflex", 1, "journal", USER),
        ("Themes feel thin", 3, "journal", USER),
    ]
    out = ok("journal", "list").out
    assert "phase 1 (familiarisation with the data)" in out and "phase 3 (searching for themes)" in out
    assert ok("memo", "list", "--json").json() == []  # the journal is not among the memos
    status = ok("status", "--json").json()
    assert (status["journal_entries"], status["memos"]) == (2, 0)


def test_phase(ok, fails, project) -> None:
    assert ok("phase").out.strip() == "Phase 1: familiarisation with the data"
    assert ok("phase", "4").out.strip() == "Phase 4: reviewing themes"
    assert ok("phase").out.strip() == "Phase 4: reviewing themes"
    assert "phase must be 1 to 6, not 7" in fails("phase", "7").err
    assert "not 0" in fails("phase", "0").err
    assert ok("status", "--json").json()["phase"] == 4
    assert ok("log", "--json").json()[0]["summary"] == "moved to phase 4: reviewing themes"


def test_a_phase_that_is_not_a_number_is_a_usage_error(run, project) -> None:
    result = run("phase", "three")
    assert result.code == 2
    assert "Traceback" not in result.err


def test_status(ok, study) -> None:
    status = ok("status", "--json").json()
    assert status["name"] == "Study"
    assert status["path"].endswith("study.thematica")
    assert (status["phase"], status["sources"], status["participants"], status["turns"], status["codes"]) == (1, 2, 2, 8, 3)
    assert status["segments_by_coder"] == {"Researcher B": 1, USER: 3}
    assert status["top_codes"] == [["Power", 2], ["Letting go of power", 1], ["Hope", 1]]
    out = ok("status").out
    assert "Phase 1 of 6: familiarisation with the data" in out
    assert "2 sources, 2 participants, 8 turns, 3 codes, 0 memos, 0 journal entries" in out


def test_log_is_newest_first_and_marks_undone_events(ok, project, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    ok("codebook", "add", "Power")
    ok("phase", "2")
    ok("undo")
    events = ok("log", "--json").json()
    assert [e["operation"] for e in events] == ["undo", "phase.set", "code.create", "source.import", "init"]
    assert [e["id"] for e in events] == sorted((e["id"] for e in events), reverse=True)
    assert [e["undone"] for e in events] == [False, True, False, False, False]
    assert events[0]["undo_of"] == events[1]["id"]
    assert events[0]["summary"] == f"undid #{events[1]['id']}: moved to phase 2: generating initial codes"
    assert {e["actor"] for e in events} == {USER}
    assert [e["phase"] for e in events] == [1, 1, 1, 1, 1]  # a phase move is stamped with the phase it left
    assert len(ok("log", "--limit", "2", "--json").json()) == 2
    table = ok("log").out
    assert "moved to phase 2: generating initial codes [undone]" in table
    rows = [[cell.strip() for cell in line.strip().strip("│").split("│")] for line in table.splitlines() if line.startswith("│")]
    assert [row[4] for row in rows] == ["undo", "phase.set", "code.create", "source.import", "init"]


def test_events_are_stamped_with_the_phase(ok, project) -> None:
    ok("phase", "2")
    ok("codebook", "add", "Power")
    events = ok("log", "--json").json()
    assert [(e["operation"], e["phase"]) for e in events[:2]] == [("code.create", 2), ("phase.set", 1)]


def test_undo_brings_a_removed_segment_back_with_its_id_and_text(ok, study) -> None:
    before = ok(*EXTRACTS).json()
    hands = next(x["segment"] for x in before if x["segment"]["text"] == "sit on my hands")
    ok("code", "remove", hands["id"])
    assert hands["id"] not in [x["segment"]["id"] for x in ok(*EXTRACTS).json()]
    result = ok("undo")
    assert result.out.strip() == f"Undid #{_event_id(ok, 1)}: uncoded segment #{hands['id']} ('sit on my hands')"
    assert ok(*EXTRACTS).json() == before
    ok("check")


def _event_id(ok, back: int) -> int:
    """The id of the event ``back`` places before the newest."""
    return ok("log", "--json").json()[back]["id"]


def test_undo_reverts_codebook_changes_and_steps(ok, study) -> None:
    state = (("codebook", "list", "--json"), EXTRACTS)
    before = snapshot(ok, *state)
    ok("codebook", "merge", "Hope", "--into", "Power")
    ok("codebook", "rename", "Power", "Control")
    assert snapshot(ok, *state) != before
    out = ok("undo", "--steps", "2").out.splitlines()
    assert len(out) == 2 and "renamed code Power to Control" in out[0] and "merged Hope into Power" in out[1]
    assert snapshot(ok, *state) == before


def test_undo_reverts_an_import_and_a_participants_import(ok, project, write) -> None:
    write("P01.txt", P01_TEXT)
    write("people.csv", "id,gender\nP01,female\n")
    ok("import", "P01.txt")
    ok("participants", "import", "people.csv")
    ok("undo")
    assert ok("participants", "list", "--json").json()[0]["attributes"] == {}
    ok("undo")
    assert ok("sources", "list", "--json").json() == []
    assert ok("participants", "list", "--json").json() == []
    assert ok("search", "nervous", "--json").json() == []
    assert ok("status", "--json").json()["turns"] == 0


def test_undo_on_a_fresh_project_is_an_error(ok, fails, project) -> None:
    before = ok("log", "--json").out
    assert "no change left to undo" in fails("undo").err
    assert ok("log", "--json").out == before


def test_undo_past_the_first_change_stops_with_an_error(ok, fails, project) -> None:
    ok("codebook", "add", "Power")
    result = fails("undo", "--steps", "3")
    assert result.out.strip() == f"Undid #{_event_id(ok, 1)}: created code Power"
    assert ok("codebook", "list", "--json").json() == []


def test_check_a_sound_project(ok, study) -> None:
    assert ok("check").out.strip() == "The project is sound."


def test_check_finds_a_segment_that_no_longer_matches(ok, run, study: Path) -> None:
    with sqlite3.connect(study) as db:  # damage the file behind thematica's back
        db.execute("UPDATE segment SET text = 'something else' WHERE id = 1")
    db.close()
    result = run("check")
    assert result.code == 1
    assert "- segment #1 no longer matches its source text" in result.out
    assert result.err.strip() == "error: 1 problem(s) found"


@pytest.mark.parametrize("command", ["add", "list"])
def test_a_segment_target_that_is_not_a_number_is_a_clear_error(ok, fails, study, command: str) -> None:
    args = ("memo", "add", "x") if command == "add" else ("memo", "list")
    result = fails(*args, "--on", "segment", "--target", "first")
    assert "first" in result.err
    assert ok("memo", "list", "--json").json() == []
