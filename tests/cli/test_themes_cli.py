"""themes create / assign / unassign / move-code / merge / split / define / rename / move / demote /
delete / restore / quote / list / map, their errors, and undo after each of them.

The expected numbers are counted here, from ``STUDY_SEGMENTS`` (what the ``study`` fixture codes),
not taken from thematica.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import thematica

from .conftest import USER, snapshot

THEMES = ("themes", "list", "--json")
LOG = ("log", "--json")
CODES = ("codebook", "list", "--json")

#: The ``study`` fixture's segments: (segment id, code, participant or None for interviewer speech, source).
STUDY_SEGMENTS = (
    (1, "Letting go of power", "P01", "P01"),
    (2, "Power", None, "P01"),
    (3, "Power", "P02", "P02"),
    (4, "Hope", "P02", "P02"),
)


def support(codes: set[str]) -> tuple[int, int]:
    """(participants, segments) of participants' speech coded with ``codes``: counted by hand."""
    segs = [s for s in STUDY_SEGMENTS if s[1] in codes and s[2] is not None]
    return len({s[2] for s in segs}), len(segs)


@pytest.fixture(scope="module")
def themed_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Where the first ``themed`` project of this module is kept, to be copied by the others."""
    return {"folder": tmp_path_factory.mktemp("themed")}


@pytest.fixture
def themed(request: pytest.FixtureRequest, themed_template: dict[str, Path], workdir: Path, ok) -> Path:
    """The study with three themes (built once per module through the CLI, then copied).

    #1 Changing the clinician (Power; definition, concept)
      #2 Letting go (Letting go of power)
    #3 Carrying hope (Hope)
    """
    folder = themed_template["folder"]
    if "built" not in themed_template:
        study = request.getfixturevalue("study")
        assert ok(
            "themes", "create", "Changing the clinician", "-c", "Power",
            "--definition", "  How clinicians change. ", "--concept", "Giving up control",
        ).out.strip() == "Theme #1 Changing the clinician (1 codes)"  # fmt: skip
        assert ok(
            "themes", "create", "Letting go", "--parent", "Changing the clinician", "-c", "Letting go of power"
        ).out.strip() == "Theme #2 Letting go (1 codes)"  # fmt: skip
        created = ok("themes", "create", "Carrying hope", "--code", "Hope").out.strip()
        assert created == "Theme #3 Carrying hope (1 codes)"
        for item in workdir.glob(f"{study.name}*"):
            shutil.copy2(item, folder / item.name)
        themed_template["built"] = study
        return study
    for item in folder.iterdir():
        shutil.copy2(item, workdir / item.name)
    return workdir / "study.thematica"


def _dump(path: Path) -> list[str]:
    """Every row of the project file (read behind thematica's back, to see that nothing changed)."""
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def _theme_rows(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return [
            db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in ("theme", "theme_code", "theme_quote", "theme_name", "code")
        ]
    finally:
        db.close()


def _themes(ok) -> dict[str, dict]:
    return {t["name"]: t for t in ok(*THEMES).json()}


def _shape(ok) -> dict[str, tuple]:
    """name -> (parent name, codes) of every live theme (the listing's order is checked elsewhere)."""
    themes = ok(*THEMES).json()
    names = {t["id"]: t["name"] for t in themes}
    return {t["name"]: (names.get(t["parent_id"]), t["codes"]) for t in themes}


def _paths(ok) -> dict[str, str]:
    return {c["name"]: c["path"] for c in ok(*CODES).json()}


# -- create and list --------------------------------------------------------------------------
def test_create_and_list_json(ok, themed) -> None:
    themes = ok(*THEMES).json()
    assert [(t["id"], t["name"], t["parent_id"], t["status"], t["codes"], t["code_ids"]) for t in themes] == [
        (1, "Changing the clinician", None, "candidate", ["Power"], [1]),
        (2, "Letting go", 1, "candidate", ["Letting go of power"], [2]),
        (3, "Carrying hope", None, "candidate", ["Hope"], [3]),
    ]
    first = themes[0]
    assert (first["definition"], first["concept"], first["narrative"], first["quote_ids"], first["deleted"]) == (
        "How clinicians change.", "Giving up control", "", [], False
    )  # fmt: skip
    # a theme is supported by its own codes and its subthemes' codes; interviewer speech does not count
    expected = {
        "Changing the clinician": support({"Power", "Letting go of power"}),
        "Letting go": support({"Letting go of power"}),
        "Carrying hope": support({"Hope"}),
    }
    assert {t["name"]: (t["participants"], t["segments"]) for t in themes} == expected
    assert expected["Changing the clinician"] == (2, 2)  # the hand count itself, spelled out


def test_list_table(ok, themed) -> None:
    lines = ok("themes", "list").out.splitlines()
    assert lines == [
        "#1 Changing the clinician candidate 2/2 participants, 2 segments",
        "  codes: Power",
        "  #2 Letting go candidate 1/2 participants, 1 segments",
        "    codes: Letting go of power",
        "#3 Carrying hope candidate 1/2 participants, 1 segments",
        "  codes: Hope",
    ]


def test_create_with_several_codes(ok, study) -> None:
    assert ok("themes", "create", "Everything", "-c", "Power", "-c", "3").out.strip() == "Theme #1 Everything (2 codes)"
    assert ok(*THEMES).json()[0]["codes"] == ["Power", "Hope"]
    assert ok(*LOG).json()[0]["summary"] == "created theme Everything with 2 codes"


def test_create_with_the_same_code_twice_keeps_it_once(ok, study) -> None:
    # assign de-duplicates (test_assign_the_same_code_twice); create should too
    assert ok("themes", "create", "Everything", "-c", "Hope", "-c", "3").out.strip() == "Theme #1 Everything (1 codes)"
    assert ok(*THEMES).json()[0]["codes"] == ["Hope"]


def test_assign_the_same_code_twice(ok, themed) -> None:
    assert ok("themes", "assign", "Carrying hope", "Power", "1", "power").out.strip() == "Carrying hope: 2 codes"
    assert _themes(ok)["Carrying hope"]["code_ids"] == [3, 1]


def test_list_on_a_project_without_themes(ok, study) -> None:
    assert ok(*THEMES).json() == []
    assert ok("themes", "list").out == ""


# -- assign, unassign, move-code --------------------------------------------------------------
def test_assign_and_unassign(ok, themed) -> None:
    result = ok("themes", "assign", "Carrying hope", "Power", "Letting go of power")
    assert result.out.strip() == "Carrying hope: 3 codes"
    hope = _themes(ok)["Carrying hope"]
    assert hope["codes"] == ["Hope", "Power", "Letting go of power"]
    assert (hope["participants"], hope["segments"]) == support({"Hope", "Power", "Letting go of power"})
    assert ok("themes", "unassign", "#3", "Power").out.strip() == "Carrying hope: 2 codes"  # by id
    assert _themes(ok)["Carrying hope"]["codes"] == ["Hope", "Letting go of power"]
    assert ok(*LOG).json()[0]["summary"] == "took Power out of theme Carrying hope"


def test_move_code(ok, themed) -> None:
    result = ok("themes", "move-code", "Power", "--from", "Changing the clinician", "--to", "Carrying hope")
    assert result.out.strip() == "Moved Power to Carrying hope"
    themes = _themes(ok)
    assert themes["Changing the clinician"]["codes"] == []
    assert themes["Carrying hope"]["codes"] == ["Hope", "Power"]
    # Changing the clinician is now supported only by its subtheme's code
    assert (themes["Changing the clinician"]["participants"], themes["Changing the clinician"]["segments"]) == (
        support({"Letting go of power"})
    )
    assert ok(*LOG).json()[0]["summary"] == "moved Power from theme Changing the clinician to Carrying hope"


def test_move_code_to_a_theme_that_already_has_it(ok, themed) -> None:
    ok("themes", "assign", "Carrying hope", "Power")
    ok("themes", "move-code", "Power", "--from", "Changing the clinician", "--to", "Carrying hope")
    themes = _themes(ok)
    assert themes["Carrying hope"]["code_ids"] == [3, 1]  # not twice
    assert themes["Changing the clinician"]["codes"] == []


# -- merge and split --------------------------------------------------------------------------
def test_merge_moves_codes_quotes_and_subthemes(ok, themed) -> None:
    ok("themes", "quote", "Carrying hope", "4")
    ok("themes", "quote", "Changing the clinician", "3")
    result = ok("themes", "merge", "Changing the clinician", "--into", "Carrying hope")
    assert result.out.strip() == "Merged into Carrying hope"
    themes = _themes(ok)
    assert {name: (t["parent_id"], t["codes"], t["quote_ids"]) for name, t in themes.items()} == {
        "Carrying hope": (None, ["Hope", "Power"], [4, 3]),
        "Letting go": (3, ["Letting go of power"], []),
    }
    target = themes["Carrying hope"]
    assert (target["participants"], target["segments"]) == support({"Hope", "Power", "Letting go of power"})
    event = ok(*LOG).json()[0]
    assert (event["operation"], event["summary"]) == (
        "theme.merge", "merged Changing the clinician into theme Carrying hope"
    )  # fmt: skip
    # the merged theme is deleted, so it can be restored
    assert ok("themes", "restore", "Changing the clinician").out.strip() == "Restored Changing the clinician"


def test_merge_several(ok, themed) -> None:
    ok("themes", "create", "Target")
    ok("themes", "merge", "Carrying hope", "Letting go", "--into", "Target")
    assert _shape(ok) == {
        "Changing the clinician": (None, ["Power"]),
        "Target": (None, ["Hope", "Letting go of power"]),
    }


def test_split_into_siblings(ok, themed) -> None:
    ok("themes", "assign", "Letting go", "Hope", "Power")
    result = ok(
        "themes", "split", "Letting go", "--part", "Giving power=Letting go of power; Power", "--part", " Hoping =Hope"
    )  # fmt: skip
    assert result.out.strip() == "Created Giving power, Hoping"
    assert _shape(ok) == {
        "Changing the clinician": (None, ["Power"]),
        "Letting go": ("Changing the clinician", []),
        "Giving power": ("Changing the clinician", ["Letting go of power", "Power"]),
        "Hoping": ("Changing the clinician", ["Hope"]),
        "Carrying hope": (None, ["Hope"]),
    }
    assert ok(*LOG).json()[0]["summary"] == "split theme Letting go into Giving power, Hoping"


# -- define -----------------------------------------------------------------------------------
def test_define(ok, themed, write) -> None:
    assert ok("themes", "define", "Carrying hope", "--definition", "Hope goes back to the ward.").out.strip() == (
        "Carrying hope: candidate"
    )
    ok("themes", "define", "Carrying hope", "--concept", " Hope as a practice ", "--status", "Reviewed")
    ok("themes", "define", "Carrying hope", "--narrative", "Clinicians said they carry hope.")
    hope = _themes(ok)["Carrying hope"]
    assert (hope["definition"], hope["concept"], hope["narrative"], hope["status"]) == (
        "Hope goes back to the ward.", "Hope as a practice", "Clinicians said they carry hope.", "reviewed"
    )  # fmt: skip
    narrative = "First paragraph, with ünïcode.\n\nSecond paragraph.\n"
    write("narrative.txt", narrative)
    assert ok("themes", "define", "3", "--narrative-file", "narrative.txt", "--status", "final").out.strip() == (
        "Carrying hope: final"
    )
    hope = _themes(ok)["Carrying hope"]
    assert (hope["narrative"], hope["status"], hope["definition"]) == (
        narrative.strip(), "final", "Hope goes back to the ward."
    )  # fmt: skip
    for status in ("candidate", "reviewed", "defined", "final"):
        assert ok("themes", "define", "Carrying hope", "--status", status).out.strip() == f"Carrying hope: {status}"
    assert ok(*LOG).json()[0]["summary"] == "set status of theme Carrying hope"


def test_define_a_bad_status_is_one_line(ok, fails, themed) -> None:
    before = snapshot(ok, THEMES, LOG)
    err = fails("themes", "define", "Carrying hope", "--status", "approved", "--definition", "x").err
    assert "candidate, reviewed, defined, final" in err and "'approved'" in err
    assert snapshot(ok, THEMES, LOG) == before


# -- rename, move -----------------------------------------------------------------------------
def test_rename_keeps_the_naming_history(ok, themed: Path) -> None:
    assert ok("themes", "rename", "Carrying hope", "Hope on the ward").out.strip() == "Renamed to Hope on the ward"
    ok("phase", "5")
    ok("themes", "rename", "hope on the WARD", "Carrying hope home")  # case-insensitive lookup
    assert [t["name"] for t in ok(*THEMES).json()] == ["Changing the clinician", "Letting go", "Carrying hope home"]
    events = ok(*LOG).json()
    assert (events[0]["operation"], events[0]["summary"]) == (
        "theme.rename", "renamed theme Hope on the ward to Carrying hope home"
    )  # fmt: skip
    assert events[0]["details"] == {"theme_id": 3, "old": "Hope on the ward", "new": "Carrying hope home"}
    assert events[2]["details"] == {"theme_id": 3, "old": "Carrying hope", "new": "Hope on the ward"}
    project = thematica.open_project(themed)
    try:
        history = project.theme_names("Carrying hope home")
    finally:
        project.close()
    assert [(n.name, n.actor, int(n.phase)) for n in history] == [
        ("Carrying hope", USER, 1),
        ("Hope on the ward", USER, 1),
        ("Carrying hope home", USER, 5),
    ]


def test_move_under_another_and_back_to_the_top(ok, themed) -> None:
    assert ok("themes", "move", "Carrying hope", "Letting go").out.strip() == "Moved Carrying hope"
    assert _shape(ok) == {
        "Changing the clinician": (None, ["Power"]),
        "Letting go": ("Changing the clinician", ["Letting go of power"]),
        "Carrying hope": ("Letting go", ["Hope"]),
    }
    # a theme's support now includes its sub-subtheme
    themes = _themes(ok)
    assert (themes["Changing the clinician"]["participants"], themes["Changing the clinician"]["segments"]) == (
        support({"Power", "Letting go of power", "Hope"})
    )
    ok("themes", "move", "Letting go")
    assert _shape(ok) == {
        "Changing the clinician": (None, ["Power"]),
        "Letting go": (None, ["Letting go of power"]),
        "Carrying hope": ("Letting go", ["Hope"]),
    }


# -- demote -----------------------------------------------------------------------------------
def test_demote_turns_a_theme_into_a_code_over_its_codes(ok, themed) -> None:
    ok("themes", "assign", "Changing the clinician", "Hope")
    result = ok("themes", "demote", "Changing the clinician")
    assert result.out.strip() == "Theme Changing the clinician is now code #4"
    codes = {c["name"]: c for c in ok(*CODES).json()}
    assert {name: c["path"] for name, c in codes.items()} == {
        "Changing the clinician": "Changing the clinician",
        "Power": "Changing the clinician/Power",
        "Letting go of power": "Changing the clinician/Power/Letting go of power",
        "Hope": "Changing the clinician/Hope",
    }
    new = codes["Changing the clinician"]
    assert (new["id"], new["parent_id"], new["definition"], new["origin"]) == (
        4, None, "How clinicians change.", "inductive"
    )  # fmt: skip
    assert codes["Power"]["parent_id"] == codes["Hope"]["parent_id"] == 4
    # the theme is gone; its subtheme moved up to the top level
    assert _shape(ok) == {
        "Letting go": (None, ["Letting go of power"]),
        "Carrying hope": (None, ["Hope"]),
    }
    ok("check")


def test_demote_under_a_parent_code(ok, themed) -> None:
    ok("themes", "demote", "Carrying hope", "--parent-code", "Power")
    assert _paths(ok) == {
        "Power": "Power",
        "Letting go of power": "Power/Letting go of power",
        "Hope": "Power/Carrying hope/Hope",
        "Carrying hope": "Power/Carrying hope",
    }


def test_demote_under_one_of_its_own_codes_is_refused(ok, run, themed) -> None:
    before = snapshot(ok, THEMES, LOG, CODES)
    result = run("themes", "demote", "Carrying hope", "--parent-code", "Hope")
    assert result.code == 1 and result.err.startswith("error: "), result
    assert snapshot(ok, THEMES, LOG, CODES) == before


# -- delete, restore --------------------------------------------------------------------------
def test_delete_and_restore(ok, fails, themed) -> None:
    ok("themes", "quote", "Changing the clinician", "3")
    assert ok("themes", "delete", "Changing the clinician").out.strip() == "Deleted Changing the clinician"
    assert _shape(ok) == {
        "Letting go": (None, ["Letting go of power"]),  # the subtheme moved up
        "Carrying hope": (None, ["Hope"]),
    }
    assert "no theme 'Changing the clinician'" in fails("themes", "assign", "Changing the clinician", "Hope").err
    assert ok("themes", "restore", "changing the clinician").out.strip() == "Restored Changing the clinician"
    restored = _themes(ok)["Changing the clinician"]
    assert (restored["codes"], restored["quote_ids"], restored["definition"], restored["parent_id"]) == (
        ["Power"], [3], "How clinicians change.", None
    )  # fmt: skip
    assert (restored["participants"], restored["segments"]) == support({"Power"})


def test_restore_a_subtheme_whose_parent_is_gone_puts_it_at_the_top(ok, themed) -> None:
    ok("themes", "delete", "Letting go")
    ok("themes", "delete", "Changing the clinician")
    ok("themes", "restore", "Letting go")
    assert _shape(ok) == {
        "Letting go": (None, ["Letting go of power"]),
        "Carrying hope": (None, ["Hope"]),
    }


# -- the listing and the map follow the tree, whatever the order of themes() ------------------
LISTED_AFTER_MERGE = [
    "#3 Carrying hope candidate 2/2 participants, 3 segments",
    "  codes: Hope, Power",
    "  #2 Letting go candidate 1/2 participants, 1 segments",
    "    codes: Letting go of power",
]
MAP_AFTER_MERGE = [
    "Thematic map",
    "└── Carrying hope (candidate)",
    "    ├── Hope",
    "    ├── Power",
    "    └── Letting go (candidate)",
    "        └── Letting go of power",
]


def test_list_shows_a_subtheme_under_its_new_parent_after_a_merge(ok, themed) -> None:
    ok("themes", "merge", "Changing the clinician", "--into", "Carrying hope")
    assert ok("themes", "list").out.splitlines() == LISTED_AFTER_MERGE


def test_map_draws_a_subtheme_under_its_new_parent_after_a_merge(ok, themed) -> None:
    ok("themes", "merge", "Changing the clinician", "--into", "Carrying hope")
    assert ok("themes", "map").out.splitlines() == MAP_AFTER_MERGE


def test_map_draws_a_moved_theme_under_its_new_parent(ok, themed) -> None:
    ok("themes", "move", "Changing the clinician", "Carrying hope")
    assert ok("themes", "map").out.splitlines() == [
        "Thematic map",
        "└── Carrying hope (candidate)",
        "    ├── Hope",
        "    └── Changing the clinician (candidate)",
        "        ├── Power",
        "        └── Letting go (candidate)",
        "            └── Letting go of power",
    ]


# -- key extracts -----------------------------------------------------------------------------
def test_quote_and_drop(ok, themed) -> None:
    assert ok("themes", "quote", "Carrying hope", "4").out.strip() == "Carrying hope: 1 key extracts"
    assert ok("themes", "quote", "Carrying hope", "3").out.strip() == "Carrying hope: 2 key extracts"
    assert _themes(ok)["Carrying hope"]["quote_ids"] == [4, 3]
    assert ok("themes", "quote", "Carrying hope", "4", "--drop").out.strip() == "Carrying hope: 1 key extracts"
    assert _themes(ok)["Carrying hope"]["quote_ids"] == [3]
    assert ok(*LOG).json()[0]["summary"] == "dropped segment #4 from the key extracts of theme Carrying hope"


def test_undo_of_uncoding_a_key_extract_brings_the_key_extract_back(ok, themed) -> None:
    ok("themes", "quote", "Carrying hope", "4")
    before = ok(*THEMES).out
    ok("code", "remove", "4")
    assert _themes(ok)["Carrying hope"]["quote_ids"] == []
    ok("undo")
    assert ok(*THEMES).out == before


# -- a theme's code deleted or merged in the codebook -------------------------------------------
@pytest.mark.parametrize("change", [("codebook", "delete", "Hope"), ("codebook", "merge", "Hope", "--into", "Power")])
def test_a_code_gone_from_the_codebook_does_not_break_its_themes(ok, themed, change: tuple[str, ...]) -> None:
    ok(*change)
    themes = ok(*THEMES).json()
    hope = next(t for t in themes if t["name"] == "Carrying hope")
    assert "Hope" not in hope["codes"]
    assert "Carrying hope" in ok("themes", "list").out
    assert ok("review", "Carrying hope", "--json").json()["theme"]["name"] == "Carrying hope"
    ok("coreq", "list", "--json")


# -- map --------------------------------------------------------------------------------------
def test_map_prints_the_tree(ok, themed) -> None:
    ok("themes", "define", "Carrying hope", "--status", "defined")
    assert ok("themes", "map").out.splitlines() == [
        "Thematic map",
        "├── Changing the clinician (candidate)",
        "│   ├── Power",
        "│   └── Letting go (candidate)",
        "│       └── Letting go of power",
        "└── Carrying hope (defined)",
        "    └── Hope",
    ]


def test_map_out_writes_png_and_svg(ok, themed, workdir: Path) -> None:
    result = ok("themes", "map", "--out", "figs/map.png")
    assert result.out.splitlines()[0] == "Thematic map"
    assert result.out.splitlines()[-1] == f"Wrote {Path('figs/map.png')}"
    png, svg = workdir / "figs" / "map.png", workdir / "figs" / "map.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in svg.read_text(encoding="utf-8")


# -- failures leave the project as it was -----------------------------------------------------
#: (command, part of its error message): each must fail with one line and change nothing.
FAILING = [
    (("themes", "create", "carrying HOPE"), "already a theme named"),
    (("themes", "create", "New", "--parent", "Nope"), "no theme 'Nope'"),
    (("themes", "create", "New", "-c", "Power", "-c", "Nope"), "no code 'Nope'"),
    (("themes", "create", "42"), "would be read as a theme number"),
    (("themes", "create", "   "), "needs a name"),
    (("themes", "assign", "Carrying hope", "Hope"), "already in Carrying hope"),
    (("themes", "assign", "Carrying hope", "Power", "Nope"), "no code 'Nope'"),
    (("themes", "assign", "Nope", "Power"), "no theme 'Nope'"),
    (("themes", "unassign", "Carrying hope", "Power"), "Power is not in theme Carrying hope"),
    (("themes", "unassign", "Changing the clinician", "Power", "Hope"), "Hope is not in theme Changing the clinician"),
    (("themes", "move-code", "Hope", "--from", "Changing the clinician", "--to", "Carrying hope"), "not in theme"),
    (("themes", "move-code", "Power", "--from", "Changing the clinician", "--to", "Nope"), "no theme 'Nope'"),
    (("themes", "move-code", "Nope", "--from", "Changing the clinician", "--to", "Carrying hope"), "no code 'Nope'"),
    (("themes", "merge", "Carrying hope", "--into", "carrying hope"), "cannot be merged into itself"),
    (("themes", "merge", "Changing the clinician", "--into", "Letting go"), "own subtheme"),
    (("themes", "merge", "Carrying hope", "Nope", "--into", "Letting go"), "no theme 'Nope'"),
    (("themes", "split", "Changing the clinician", "--part", "New=Hope"), "Hope is not in theme"),
    (("themes", "split", "Changing the clinician", "--part", "New=Power", "--part", "carrying hope="), "already a"),
    (("themes", "split", "Changing the clinician", "--part", "New=Power", "--part", "Newer=Power"), "not in theme"),
    (("themes", "split", "Changing the clinician", "--part", "New"), "NAME=CODE;CODE"),
    (("themes", "split", "Changing the clinician", "--part", " =Power"), "NAME=CODE;CODE"),
    (("themes", "define", "Carrying hope", "--status", "approved"), "status"),
    (("themes", "define", "Carrying hope"), "nothing to change"),
    (("themes", "define", "Carrying hope", "--narrative-file", "missing.txt"), "cannot read missing.txt"),
    (("themes", "define", "Nope", "--definition", "x"), "no theme 'Nope'"),
    (("themes", "rename", "Carrying hope", "Carrying  hope"), "already called"),
    (("themes", "rename", "Carrying hope", "LETTING GO"), "already a theme named"),
    (("themes", "rename", "Carrying hope", "#7"), "would be read as a theme number"),
    (("themes", "rename", "Nope", "Other"), "no theme 'Nope'"),
    (("themes", "move", "Changing the clinician", "Letting go"), "under itself or one of its subthemes"),
    (("themes", "move", "Carrying hope", "Carrying hope"), "under itself"),
    (("themes", "move", "Carrying hope", "Nope"), "no theme 'Nope'"),
    (("themes", "demote", "power"), "already a code named 'power'"),
    (("themes", "demote", "Carrying hope", "--parent-code", "Nope"), "no code 'Nope'"),
    (("themes", "demote", "Nope"), "no theme 'Nope'"),
    (("themes", "delete", "Nope"), "no theme 'Nope'"),
    (("themes", "restore", "Carrying hope"), "no theme 'Carrying hope'"),
    (("themes", "restore", "Gone"), "already a theme named 'Gone'"),
    (("themes", "quote", "Carrying hope", "99"), "no segment #99"),
    (("themes", "quote", "Carrying hope", "4"), "already a key extract"),
    (("themes", "quote", "Carrying hope", "1", "--drop"), "not a key extract"),
    (("themes", "quote", "Nope", "1"), "no theme 'Nope'"),
]


def test_every_failing_theme_command_leaves_the_project_unchanged(ok, run, themed: Path) -> None:
    ok("themes", "create", "power")  # a theme named like a code: it cannot be demoted
    ok("themes", "create", "Gone")
    ok("themes", "delete", "Gone")
    ok("themes", "create", "gone")  # the deleted Gone cannot come back under a taken name
    ok("themes", "quote", "Carrying hope", "4")
    state = (THEMES, LOG, CODES)
    before_cli = snapshot(ok, *state)
    before = _dump(themed)
    problems = []
    for command, message in FAILING:
        result = run(*command)
        lines = result.err.splitlines()
        if result.code != 1 or len(lines) != 1 or not lines[0].startswith("error: ") or message not in lines[0]:
            problems.append(f"{command}: {result}")
        after = _dump(themed)
        if after != before:
            problems.append(f"{command} changed the project")
            before = after
    assert problems == []
    assert snapshot(ok, *state) == before_cli


# -- undo -------------------------------------------------------------------------------------
#: One of each kind of theme operation, run on ``themed`` (with segment #4 quoted by Carrying hope
#: and a deleted theme "Gone"), then undone.
OPERATIONS = [
    ("themes", "create", "New", "--parent", "Letting go", "-c", "Hope", "--definition", "d", "--concept", "c"),
    ("themes", "assign", "Letting go", "Hope", "Power"),
    ("themes", "unassign", "Changing the clinician", "Power"),
    ("themes", "move-code", "Power", "--from", "Changing the clinician", "--to", "Letting go"),
    ("themes", "merge", "Changing the clinician", "--into", "Carrying hope"),
    ("themes", "split", "Carrying hope", "--part", "Hope A=Hope", "--part", "Hope B="),
    ("themes", "define", "Carrying hope", "--definition", "x", "--concept", "y", "--narrative", "z", "--status", "final"),
    ("themes", "rename", "Carrying hope", "Hope renamed"),
    ("themes", "move", "Carrying hope", "Letting go"),
    ("themes", "move", "Letting go"),
    ("themes", "demote", "Changing the clinician", "--parent-code", "Hope"),
    ("themes", "delete", "Changing the clinician"),
    ("themes", "restore", "Gone"),
    ("themes", "quote", "Letting go", "1"),
    ("themes", "quote", "Carrying hope", "4", "--drop"),
]


def test_undo_reverts_each_kind_of_theme_operation(ok, themed: Path) -> None:
    ok("themes", "create", "Gone")
    ok("themes", "delete", "Gone")
    ok("themes", "quote", "Carrying hope", "4")
    state = (THEMES, CODES)
    before = snapshot(ok, *state)
    problems = []
    for command in OPERATIONS:
        rows = _theme_rows(themed)
        ok(*command)
        if _theme_rows(themed) == rows:
            problems.append(f"{command} changed nothing")
        ok("undo")
        if snapshot(ok, *state) != before:
            problems.append(f"undo after {command} did not restore the themes and codebook")
            before = snapshot(ok, *state)
    assert problems == []
    ok("check")
    project = thematica.open_project(themed)
    try:
        history = [n.name for n in project.theme_names("Carrying hope")]
    finally:
        project.close()
    assert history == ["Carrying hope"]  # the undone rename left no trace in the naming history
