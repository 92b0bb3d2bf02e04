"""participants import / list / link: typed attributes, unknown ids, --create."""

from __future__ import annotations

from .conftest import P01_TEXT, P02_TEXT, snapshot

PEOPLE = ("participants", "list", "--json")
STATE = (PEOPLE, ("sources", "list", "--json"), ("log", "--json"))


def _people(ok) -> dict[str, dict]:
    return {p["key"]: p["attributes"] for p in ok(*PEOPLE).json()}


def test_import_participants_with_typed_attributes(ok, project, write) -> None:
    write("P01.txt", P01_TEXT)
    write("P02.txt", P02_TEXT)
    ok("import", "P01.txt", "P02.txt")
    write("people.csv", "id,gender,age,band,interviewed,note\nP01,female,42,7,2024-03-04,likes tea\nP02,male,38,8a,2024-03-11,\n")
    result = ok("participants", "import", "people.csv", "--type", "band=category")
    assert result.out.strip() == "2 participants, 5 attributes"
    assert _people(ok) == {
        # number -> a JSON number; date -> ISO text; category and text -> text; empty cells -> absent
        "P01": {"gender": "female", "age": 42.0, "band": "7", "interviewed": "2024-03-04", "note": "likes tea"},
        "P02": {"gender": "male", "age": 38.0, "band": "8a", "interviewed": "2024-03-11"},
    }
    table = ok("participants", "list").out
    assert "42" in table and "42.0" not in table  # whole numbers shown without .0
    assert "2024-03-04" in table


def test_type_option_changes_the_inferred_type(ok, project, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    write("people.csv", "id,band\nP01,7\n")
    ok("participants", "import", "people.csv")  # inferred: a number
    assert _people(ok)["P01"]["band"] == 7.0


def test_category_attributes_filter_extracts(ok, study) -> None:
    # band=7 (category text) and age=42 (number) both select P01
    for where in ("band=7", "age=42", "gender=FEMALE"):
        items = ok("code", "list", "--where", where, "--json").json()
        assert {x["participant"] for x in items} == {"P01"}, where


def test_unknown_ids_are_an_error_and_change_nothing(ok, fails, project, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    write("people.csv", "id,gender\nP01,female\nP98,male\nP99,male\n")
    before = snapshot(ok, *STATE)
    result = fails("participants", "import", "people.csv")
    assert "P98" in result.err and "P99" in result.err
    assert snapshot(ok, *STATE) == before
    assert _people(ok) == {"P01": {}}  # not even the known one got its attribute


def test_create_option_adds_new_participants(ok, project, write) -> None:
    write("people.csv", "id,gender\nP98,male\nP99,female\n")
    ok("participants", "import", "people.csv", "--create")
    assert _people(ok) == {"P98": {"gender": "male"}, "P99": {"gender": "female"}}


def test_an_id_naming_a_source_links_it(ok, project, write) -> None:
    write("focus group.txt", "Moderator: Hello?\n\nAnna Bell: Hi.\n\nModerator: And?\n\nAnna Bell: Bye.\n")
    ok("import", "focus group.txt", "--name", "FG1")
    source = ok("sources", "list", "--json").json()[0]
    assert source["participant_id"] is None
    write("people.csv", "id,site\nFG1,north\n")
    ok("participants", "import", "people.csv")
    person = ok(*PEOPLE).json()[0]
    assert (person["key"], person["attributes"]) == ("FG1", {"site": "north"})
    assert ok("sources", "list", "--json").json()[0]["participant_id"] == person["id"]


def test_participants_import_errors(ok, fails, project, write) -> None:
    write("people.csv", "id,band\nP01,7\n")
    assert "COLUMN=TYPE" in fails("participants", "import", "people.csv", "--type", "band").err
    write("twice.csv", "id,band\nP01,7\nP01,8\n")
    assert "appears twice" in fails("participants", "import", "twice.csv", "--create").err
    write("header.csv", "id,band\n")
    assert "no rows" in fails("participants", "import", "header.csv", "--create").err
    assert "no column 'key'" in fails("participants", "import", "people.csv", "--id-column", "key").err
    assert ok(*PEOPLE).json() == []


def test_a_changed_type_is_a_conflict(ok, fails, project, write) -> None:
    write("people.csv", "id,age\nP01,42\n")
    ok("participants", "import", "people.csv", "--create")
    write("again.csv", "id,age\nP01,forty\n")
    result = fails("participants", "import", "again.csv", "--type", "age=text")
    assert "age" in result.err and "number" in result.err
    assert _people(ok) == {"P01": {"age": 42.0}}


def test_link_a_source_to_a_participant(ok, fails, project, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    write("people.csv", "id,gender\nP50,female\n")
    ok("participants", "import", "people.csv", "--create")
    ids = {p["key"]: p["id"] for p in ok(*PEOPLE).json()}
    assert ok("participants", "link", "P01", "P50").out.strip() == "P01 -> P50"
    assert ok("sources", "list", "--json").json()[0]["participant_id"] == ids["P50"]
    assert "P50" in ok("sources", "list").out
    # unknown participant or source: an error, the link stays
    assert "no participant 'P77'" in fails("participants", "link", "P01", "P77").err
    assert "no source 'P77'" in fails("participants", "link", "P77", "P50").err
    assert ok("sources", "list", "--json").json()[0]["participant_id"] == ids["P50"]


def test_an_unknown_attribute_type_is_a_clear_error(ok, fails, project, write) -> None:
    write("people.csv", "id,band\nP01,7\n")
    result = fails("participants", "import", "people.csv", "--create", "--type", "band=colour")
    assert "colour" in result.err and "category" in result.err  # names the bad type and the good ones
    assert ok(*PEOPLE).json() == []
