"""codebook add / list / edit / rename / move / merge / split / delete / restore / import / export."""

from __future__ import annotations

from pathlib import Path

from .conftest import snapshot

CODES = ("codebook", "list", "--json")


def _codes(ok, *extra: str) -> dict[str, dict]:
    return {c["name"]: c for c in ok(*CODES, *extra).json()}


def _tree(ok) -> dict[str, tuple[str, int]]:
    """name -> (path, segment count)."""
    return {name: (c["path"], c["segments"]) for name, c in _codes(ok).items()}


def test_add_and_list(ok, project) -> None:
    assert ok("codebook", "add", "Power", "--origin", "deductive", "--definition", "Who decides.").out.strip() == (
        "Added code #1 Power"
    )
    ok(
        "codebook", "add", "Letting go of power", "--parent", "Power", "--inclusion", "Stepping back.",
        "--exclusion", "Handing over tasks.", "--example", "I sit on my hands.", "--colour", "#1f77b4",
    )  # fmt: skip
    codes = ok(*CODES).json()
    assert [(c["id"], c["name"], c["path"], c["parent_id"], c["origin"], c["status"]) for c in codes] == [
        (1, "Power", "Power", None, "deductive", "active"),
        (2, "Letting go of power", "Power/Letting go of power", 1, "inductive", "active"),
    ]
    child = codes[1]
    assert (child["inclusion"], child["exclusion"], child["example"], child["colour"]) == (
        "Stepping back.", "Handing over tasks.", "I sit on my hands.", "#1f77b4"
    )  # fmt: skip
    assert codes[0]["definition"] == "Who decides."
    table = ok("codebook", "list").out
    assert "Power" in table and "  Letting go of power" in table and "Who decides." in table


def test_add_errors(ok, fails, project) -> None:
    ok("codebook", "add", "Power")
    assert "already a code named" in fails("codebook", "add", "power").err
    assert "no code 'Nope'" in fails("codebook", "add", "Child", "--parent", "Nope").err
    assert "origin" in fails("codebook", "add", "Other", "--origin", "abductive").err
    assert "'/'" in fails("codebook", "add", "A/B").err
    assert "code number" in fails("codebook", "add", "42").err
    assert list(_codes(ok)) == ["Power"]


def test_edit(ok, fails, project) -> None:
    ok("codebook", "add", "Power")
    assert ok("codebook", "edit", "Power", "--definition", "Who decides.", "--status", "draft").out.strip() == (
        "Updated Power"
    )
    code = _codes(ok)["Power"]
    assert (code["definition"], code["status"], code["origin"]) == ("Who decides.", "draft", "inductive")
    ok("codebook", "edit", "1", "--origin", "deductive")  # by id
    assert _codes(ok)["Power"]["origin"] == "deductive"
    assert "nothing to change" in fails("codebook", "edit", "Power").err
    assert "status" in fails("codebook", "edit", "Power", "--status", "final").err
    assert "no code 'Nope'" in fails("codebook", "edit", "Nope", "--definition", "x").err
    assert _codes(ok)["Power"]["status"] == "draft"


def test_rename_keeps_segments(ok, fails, study) -> None:
    ok("codebook", "rename", "Letting go of power", "Stepping back")
    tree = _tree(ok)
    assert tree["Stepping back"] == ("Power/Stepping back", 1)
    assert "Letting go of power" not in tree
    assert [x["code"] for x in ok("code", "list", "--code", "Stepping back", "--json").json()] == ["Stepping back"]
    assert "already a code named 'hope'" in fails("codebook", "rename", "Power", "hope").err
    assert "Power" in _tree(ok)


def test_move_and_move_to_top(ok, fails, study) -> None:
    ok("codebook", "move", "Hope", "Power")
    assert _tree(ok)["Hope"] == ("Power/Hope", 1)
    # by path
    ok("codebook", "move", "Power/Hope", "Letting go of power")
    assert _tree(ok)["Hope"] == ("Power/Letting go of power/Hope", 1)
    ok("codebook", "move", "Hope")
    assert _tree(ok)["Hope"] == ("Hope", 1)
    result = fails("codebook", "move", "Power", "Letting go of power")
    assert "under itself or one of its sub-codes" in result.err
    assert _tree(ok)["Power"] == ("Power", 2)


def test_merge_moves_segments_and_restore_brings_the_code_back(ok, fails, study) -> None:
    ok("codebook", "add", "Power sharing")
    ok("code", "quote", "P01", "Power felt shared", "Power sharing")
    ok("code", "quote", "P01", "sit on my hands", "Power sharing")  # the same span as segment #1
    result = ok("codebook", "merge", "Power sharing", "--into", "Letting go of power")
    assert result.out.strip() == "Merged into Letting go of power"
    tree = _tree(ok)
    assert "Power sharing" not in tree
    assert tree["Letting go of power"] == ("Power/Letting go of power", 2)  # the duplicate was dropped
    texts = [x["segment"]["text"] for x in ok("code", "list", "-c", "Letting go of power", "--json").json()]
    assert texts == ["sit on my hands", "Power felt shared"]
    deleted = _codes(ok, "--deleted")["Power sharing"]
    assert deleted["deleted"] is True
    assert "(deleted)" in ok("codebook", "list", "--deleted").out
    ok("codebook", "restore", "Power sharing")
    assert _tree(ok)["Power sharing"] == ("Power sharing", 0)  # its segments were merged away
    assert "merged into itself" in fails("codebook", "merge", "Hope", "--into", "Hope").err
    assert "own sub-code" in fails("codebook", "merge", "Power", "--into", "Letting go of power").err


def test_split_moves_chosen_segments(ok, fails, study) -> None:
    ok("code", "quote", "P01", "Power felt shared", "Power")
    segments = {x["segment"]["text"]: x["segment"]["id"] for x in ok("code", "list", "-c", "Power", "--no-subcodes", "--json").json()}
    shared = segments["Power felt shared"]
    result = ok("codebook", "split", "Power", "--into", "Power shared", "--into", "Power held", "--move", f"{shared}=Power shared")
    assert result.out.strip() == "Created Power shared, Power held"
    tree = _tree(ok)
    assert tree["Power shared"] == ("Power shared", 1)
    assert tree["Power held"] == ("Power held", 0)
    assert tree["Power"] == ("Power", len(segments) - 1)  # counts are of the code's own segments
    moved = ok("code", "list", "-c", "Power shared", "--json").json()
    assert [(x["segment"]["id"], x["segment"]["text"]) for x in moved] == [(shared, "Power felt shared")]
    assert "SEGMENT_ID=CODE" in fails("codebook", "split", "Hope", "--into", "X", "--move", "one=X").err
    assert "is not coded with Hope" in fails("codebook", "split", "Hope", "--into", "X", "--move", f"{shared}=X").err
    assert "X" not in _tree(ok)  # the failed split created nothing


def test_delete_takes_sub_codes_and_restore_brings_all_back(ok, fails, study) -> None:
    before = ok("code", "list", "--json").json()
    assert ok("codebook", "delete", "Power").out.strip() == "Deleted Power, Letting go of power"
    assert list(_tree(ok)) == ["Hope"]
    assert [x["code"] for x in ok("code", "list", "--json").json()] == ["Hope"]
    assert "no code 'Power'" in fails("code", "list", "-c", "Power").err
    assert ok("codebook", "restore", "Power").out.strip() == "Restored Power"
    assert _tree(ok) == {
        "Power": ("Power", 2), "Letting go of power": ("Power/Letting go of power", 1), "Hope": ("Hope", 1)
    }  # fmt: skip
    assert ok("code", "list", "--json").json() == before
    assert "no code 'Hope'" in fails("codebook", "restore", "Hope").err  # not deleted


def test_restore_refuses_a_name_taken_meanwhile(ok, fails, study) -> None:
    ok("codebook", "delete", "Hope")
    ok("codebook", "add", "hope")
    assert "already a code named" in fails("codebook", "restore", "Hope").err
    assert list(_codes(ok)) == ["Power", "Letting go of power", "hope"]


def test_export_then_import_into_a_fresh_project_gives_the_same_codebook(ok, study, workdir: Path) -> None:
    ok("codebook", "edit", "Hope", "--definition", 'Hope, "carried" back', "--colour", "#2ca02c", "--status", "draft")
    ok("codebook", "add", "Fear", "--parent", "Letting go of power", "--example", "line one\nline two")
    exported = ok("codebook", "export").out
    lines = exported.splitlines()
    assert lines[0] == "name,parent,origin,status,colour,definition,inclusion,exclusion,example"
    assert "Fear,Power/Letting go of power," in exported
    assert ok("codebook", "export", "--out", "codebook.csv").out.strip() == "Wrote codebook.csv"
    assert (workdir / "codebook.csv").read_text(encoding="utf-8") == exported

    (workdir / "fresh").mkdir()
    fresh = workdir / "fresh" / "fresh.thematica"
    ok("init", fresh)
    assert ok("-p", fresh, "codebook", "import", "codebook.csv").out.strip() == "4 codes created, 0 updated"
    assert ok("-p", fresh, "codebook", "export").out == exported

    def documented(codes: list[dict]) -> list[dict]:
        keep = [{k: v for k, v in c.items() if k not in ("id", "parent_id", "segments")} for c in codes]
        return sorted(keep, key=lambda c: c["path"])

    assert documented(ok("-p", fresh, *CODES).json()) == documented(ok(*CODES).json())
    # importing again updates nothing new and creates nothing
    assert ok("-p", fresh, "codebook", "import", "codebook.csv").out.strip().startswith("0 codes created")


def test_import_children_before_parents_and_errors(ok, fails, project, write) -> None:
    write("codes.csv", "name,parent,origin\nChild,Top,deductive\nTop,,inductive\n")
    assert ok("codebook", "import", "codes.csv").out.strip() == "2 codes created, 0 updated"
    assert _tree(ok) == {"Top": ("Top", 0), "Child": ("Top/Child", 0)}
    write("orphan.csv", "name,parent\nLost,Nowhere\n")
    assert "unknown parent code(s) Nowhere" in fails("codebook", "import", "orphan.csv").err
    write("noname.csv", "code,parent\nX,\n")
    assert "'name' column" in fails("codebook", "import", "noname.csv").err
    write("bad.csv", "name,origin\nGood,inductive\nBad,abductive\n")
    before = snapshot(ok, CODES, ("log", "--json"))
    assert "origin" in fails("codebook", "import", "bad.csv").err
    assert snapshot(ok, CODES, ("log", "--json")) == before  # all or nothing: Good is not there either


def test_import_updates_the_text_fields_of_existing_codes(ok, project, write) -> None:
    ok("codebook", "add", "Power", "--definition", "Old.", "--example", "Kept.")
    write("codes.csv", "name,definition,example\nPower,New.,\n")
    assert ok("codebook", "import", "codes.csv").out.strip() == "0 codes created, 1 updated"
    power = _codes(ok)["Power"]
    assert (power["definition"], power["example"]) == ("New.", "Kept.")  # empty cells change nothing


def test_import_updates_origin_status_and_parent_of_existing_codes(ok, fails, project, write) -> None:
    ok("codebook", "add", "Power")
    ok("codebook", "add", "Child")
    write("codes.csv", "name,parent,origin,status\nPower,,deductive,retired\nChild,Power,,\n")
    result = ok("codebook", "import", "codes.csv")
    codes = _codes(ok)
    assert (codes["Power"]["origin"], codes["Power"]["status"]) == ("deductive", "retired"), result.out
    assert codes["Child"]["path"] == "Power/Child", result.out
    assert "2 updated" in result.out
    write("cycle.csv", "name,parent\nPower,Child\n")
    assert "under itself" in fails("codebook", "import", "cycle.csv").err
    assert _codes(ok)["Child"]["path"] == "Power/Child"
