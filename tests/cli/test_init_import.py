"""init and import: transcripts with turns, several files, errors that leave the project as it was, surveys."""

from __future__ import annotations

from pathlib import Path

from .conftest import P01_TEXT, P02_TEXT, snapshot

SOURCES = ("sources", "list", "--json")
STATE = (SOURCES, ("participants", "list", "--json"), ("log", "--json"))


def test_init_creates_the_project_file(ok, workdir: Path) -> None:
    result = ok("init", "my-study", "--name", "My study")
    assert (workdir / "my-study.thematica").is_file()
    assert "my-study.thematica" in result.out
    status = ok("status", "--json").json()
    assert status["name"] == "My study"
    assert status["phase"] == 1
    assert (status["sources"], status["participants"], status["codes"]) == (0, 0, 0)


def test_init_keeps_a_given_suffix_and_defaults_the_name(ok, workdir: Path) -> None:
    ok("init", "pilot.thematica")
    assert [p.name for p in workdir.iterdir()] == ["pilot.thematica"]
    assert ok("status", "--json").json()["name"] == "pilot"


def test_init_over_an_existing_project_is_an_error_and_leaves_it(ok, fails, project: Path, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    before = project.read_bytes()
    result = fails("init", "study", "--name", "Other")
    assert "already exists" in result.err
    assert project.read_bytes() == before
    status = ok("status", "--json").json()
    assert (status["name"], status["sources"]) == ("Study", 1)


def test_init_in_a_missing_folder_is_an_error(fails, workdir: Path) -> None:
    assert "does not exist" in fails("init", "nowhere/study").err
    assert not (workdir / "nowhere").exists()


def test_import_a_transcript_with_its_turns(ok, project, write) -> None:
    write("P01.txt", P01_TEXT)
    imported = ok("import", "P01.txt", "--json").json()
    assert [(s["name"], s["kind"], s["length"], s["turn_count"]) for s in imported] == [
        ("P01", "txt", len(P01_TEXT), 4)
    ]
    shown = ok("sources", "show", "P01", "--json").json()
    assert shown["text"] == P01_TEXT
    turns = ok("sources", "show", "P01", "--turns", "--json").json()
    assert [(t["speaker"], t["role"]) for t in turns] == [
        ("Interviewer", "interviewer"), ("P01", "participant"),
        ("Interviewer", "interviewer"), ("P01", "participant"),
    ]  # fmt: skip
    # a turn is exactly what was said: the label and the line breaks are outside it
    said = [P01_TEXT[t["start"] : t["end"]] for t in turns]
    assert said == [
        "How did the first session go?",
        "I was nervous. I had to sit on my hands so I would not take over.",
        "And the second session?",
        "Better. Power felt shared, and the peer trainer led the room.",
    ]
    # the P01 label made P01 a participant, who owns the source
    people = ok("participants", "list", "--json").json()
    assert [p["key"] for p in people] == ["P01"]
    source = ok(*SOURCES).json()[0]
    assert source["participant_id"] == people[0]["id"]
    assert turns[1]["participant_id"] == people[0]["id"] and turns[0]["participant_id"] is None
    # the text view prints the text itself
    assert ok("sources", "show", "P01").out == P01_TEXT + "\n"
    assert ok("sources", "show", "1", "--json").json()["source"]["name"] == "P01"


def test_import_with_a_name_and_participant(ok, project, write) -> None:
    write("interview.txt", "Interviewer: Hello?\n\nJane Smith: Hello.\n\nInterviewer: Bye?\n\nJane Smith: Bye.\n")
    ok("import", "interview.txt", "--name", "Jane", "--participant", "P07")
    source = ok(*SOURCES).json()[0]
    assert (source["name"], source["file_name"]) == ("Jane", "interview.txt")
    people = ok("participants", "list", "--json").json()
    assert [p["key"] for p in people] == ["P07"]
    assert source["participant_id"] == people[0]["id"]


def test_import_several_files_with_the_progress_bar(ok, project, write) -> None:
    files = [write("P01.txt", P01_TEXT), write("P02.txt", P02_TEXT)]
    files.append(write("P03.md", "Interviewer: Hello?\n\nP03: Hi there, I am **three**.\n"))
    files.append(write("P04.txt", "Interviewer: Hello?\n\nP04: Four here.\n"))
    result = ok("import", *[f.name for f in files])  # four files: the progress-bar path
    for name in ("P01", "P02", "P03", "P04"):
        assert name in result.out
    listed = ok(*SOURCES).json()
    assert [(s["name"], s["kind"], s["turn_count"]) for s in listed] == [
        ("P01", "txt", 4), ("P02", "txt", 4), ("P03", "md", 2), ("P04", "txt", 2)
    ]  # fmt: skip
    assert ok("status", "--json").json()["participants"] == 4


def test_import_an_empty_file_is_an_error_and_changes_nothing(ok, fails, project, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    write("empty.txt", "")
    before = snapshot(ok, *STATE)
    result = fails("import", "empty.txt")
    assert "empty.txt" in result.err and "is empty" in result.err
    assert result.err.count("empty.txt") == 1
    assert snapshot(ok, *STATE) == before


def test_import_a_garbage_docx_is_an_error_and_changes_nothing(ok, fails, project, write) -> None:
    write("P09.docx", b"this is not a zip archive at all")
    before = snapshot(ok, *STATE)
    result = fails("import", "P09.docx")
    assert "P09.docx" in result.err and "DOCX" in result.err
    assert snapshot(ok, *STATE) == before


def test_import_a_missing_file_is_an_error(fails, project) -> None:
    assert "nope.txt" in fails("import", "nope.txt").err


def test_import_a_duplicate_source_name_is_an_error_and_changes_nothing(ok, fails, project, write) -> None:
    write("P01.txt", P01_TEXT)
    write("other/P01.txt", P02_TEXT)
    ok("import", "P01.txt")
    before = snapshot(ok, *STATE)
    result = fails("import", "other/P01.txt")
    assert "already a source named 'P01'" in result.err
    assert snapshot(ok, *STATE) == before
    assert ok("sources", "show", "P01", "--json").json()["text"] == P01_TEXT
    # under another name it goes in
    ok("import", "other/P01.txt", "--name", "P01-second")
    assert [s["name"] for s in ok(*SOURCES).json()] == ["P01", "P01-second"]


def test_import_several_is_all_or_nothing(ok, fails, project, write) -> None:
    write("P01.txt", P01_TEXT)
    write("P02.txt", P02_TEXT)
    write("P03.txt", "")
    write("P04.docx", b"not a zip archive")
    before = snapshot(ok, *STATE)
    result = fails("import", "P01.txt", "P03.txt", "P02.txt")
    assert "P03.txt" in result.err and "P01.txt" not in result.err
    assert snapshot(ok, *STATE) == before
    # every bad file is named in the one line
    result = fails("import", "P01.txt", "P03.txt", "P02.txt", "P04.docx")
    assert "P03.txt" in result.err and "P04.docx" in result.err
    assert snapshot(ok, *STATE) == before
    # two files that would get the same source name
    write("again/P01.txt", P02_TEXT)
    assert "'P01'" in fails("import", "P01.txt", "again/P01.txt").err
    assert snapshot(ok, *STATE) == before
    # and one undo takes a whole import back
    ok("import", "P01.txt", "P02.txt")
    assert len(ok(*SOURCES).json()) == 2
    ok("undo")
    assert snapshot(ok, *STATE)[:2] == before[:2]


def test_name_option_with_several_files_is_an_error(ok, fails, project, write) -> None:
    write("P01.txt", P01_TEXT)
    write("P02.txt", P02_TEXT)
    assert "one file" in fails("import", "P01.txt", "P02.txt", "--name", "X").err
    assert ok(*SOURCES).json() == []


def test_import_a_survey(ok, project, write) -> None:
    write(
        "survey.csv",
        "id,role,What helped?,What got in the way?\n"
        "R1,nurse,Being listened to.,Rotas\n"
        "R2,doctor,Time to talk,\n"
        "R3,nurse,,Paperwork and more paperwork\n",
    )
    imported = ok(
        "import", "survey.csv", "--id-column", "id", "--text-column", "What helped?",
        "--text-column", "What got in the way?", "--attribute-column", "role", "--json",
    ).json()  # fmt: skip
    assert sorted((s["name"], s["kind"], s["turn_count"]) for s in imported) == [
        ("What got in the way?", "survey", 2), ("What helped?", "survey", 2)
    ]  # fmt: skip
    helped = ok("sources", "show", "What helped?", "--json").json()
    assert helped["text"] == "Being listened to.\n\nTime to talk"
    turns = ok("sources", "show", "What helped?", "--turns", "--json").json()
    assert [(t["speaker"], t["role"]) for t in turns] == [("R1", "participant"), ("R2", "participant")]
    assert [helped["text"][t["start"] : t["end"]] for t in turns] == ["Being listened to.", "Time to talk"]
    people = {p["key"]: p["attributes"] for p in ok("participants", "list", "--json").json()}
    assert people == {"R1": {"role": "nurse"}, "R2": {"role": "doctor"}, "R3": {"role": "nurse"}}
    # the answers are searchable and codable like any text
    hits = ok("search", "paperwork", "--json").json()
    assert [h["source"] for h in hits] == ["What got in the way?"]


def test_a_survey_needs_an_id_column(ok, fails, project, write) -> None:
    write("survey.csv", "id,q\nR1,yes\n")
    assert "--id-column" in fails("import", "survey.csv", "--text-column", "q").err
    result = fails("import", "survey.csv", "--id-column", "nope", "--text-column", "q")
    assert "nope" in result.err
    assert ok(*SOURCES).json() == []
