"""Importing transcripts and surveys into a project; participants and attributes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from thematica.errors import Conflict, EmptyDocument, InvalidInput, NotFound
from thematica.ingest import SurveyMapping
from thematica.model import AttributeType, Role


def test_import_keeps_text_turns_and_original_bytes(project, write_transcript):
    path = write_transcript("P01")
    source = project.import_file(path)
    text = project.source_text("P01")
    assert source.name == "P01" and source.kind == "txt" and source.turn_count == 4
    assert text == path.read_text(encoding="utf-8")
    assert project.source_original("P01") == path.read_bytes()
    turns = project.turns("P01")
    assert [t.role for t in turns] == [Role.INTERVIEWER, Role.PARTICIPANT] * 2
    assert text[turns[1].start : turns[1].end].startswith("It means we build")
    assert project.participant("P01").id == source.participant_id == turns[1].participant_id
    assert turns[0].participant_id is None


def test_crlf_and_decomposed_input_is_canonical(project, tmp_path):
    raw = "Interviewer: Hi\r\n\r\nP02: Cafe\u0301 \U0001F600 talk\r\n".encode("utf-8")
    path = tmp_path / "P02.txt"
    path.write_bytes(raw)
    project.import_file(path)
    text = project.source_text("P02")
    assert "\r" not in text and "Café 😀 talk" in text
    turn = project.turns("P02")[1]
    assert text[turn.start : turn.end] == "Café 😀 talk"
    assert project.source_original("P02") == raw


def test_duplicate_name_is_refused_and_nothing_is_added(project, write_transcript):
    path = write_transcript("P01")
    project.import_file(path)
    before = (project.sources(), project.log())
    with pytest.raises(Conflict):
        project.import_file(path)
    assert (project.sources(), project.log()) == before
    project.import_file(path, name="P01 second copy")
    assert len(project.sources()) == 2


def test_empty_file_is_refused_without_trace(project, write_transcript):
    path = write_transcript("P09", text="  \n\n ")
    with pytest.raises(EmptyDocument):
        project.import_file(path)
    assert project.sources() == [] and project.participants() == []


def test_import_files_is_all_or_nothing_and_names_every_bad_file(project, write_transcript, tmp_path):
    good = write_transcript("P01")
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"\x00\x01garbage" * 50)
    empty = write_transcript("P02", text="")
    before = project.log()
    with pytest.raises(Exception) as info:
        project.import_files([good, bad, write_transcript("P03"), empty])
    assert "broken.docx" in str(info.value) and "P02.txt" in str(info.value)
    assert project.sources() == [] and project.participants() == [] and project.log() == before


def test_import_files_is_one_change_that_undo_takes_back(project, write_transcript):
    made = project.import_files([write_transcript("P01"), write_transcript("P02")])
    assert [s.name for s in made] == ["P01", "P02"] and all(s.turn_count == 4 for s in made)
    (event,) = [e for e in project.log() if e.operation == "source.import"]
    assert event.summary == "imported 2 sources" and event.details["turns"] == 8
    project.undo()
    assert project.sources() == [] and project.participants() == [] and project.search("course") == []


def test_two_files_with_one_name_are_refused(project, write_transcript, tmp_path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    twin = other / "P01.txt"
    twin.write_text("P01: again\n", encoding="utf-8")
    with pytest.raises(Conflict):
        project.import_files([write_transcript("P01"), twin])
    assert project.sources() == []


def test_participant_from_labels_and_file_name(project, write_transcript):
    text = "Interviewer: Hello\n\nParticipant: Hi there\n"
    project.import_file(write_transcript("P07_interview", text=text))
    src = project.source("P07_interview")
    assert project.participant("P07").id == src.participant_id
    group = "Moderator: Welcome\n\nP11: First\n\nP12: Second\n\nP11: Third\n"
    project.import_file(write_transcript("focus-group", text=group), interviewer_labels=["Moderator"])
    turns = project.turns("focus-group")
    keys = {p.id: p.key for p in project.participants()}
    assert [keys.get(t.participant_id) for t in turns] == [None, "P11", "P12", "P11"]
    assert project.source("focus-group").participant_id is None


def test_participants_csv_types_and_linking(project, write_transcript, tmp_path):
    project.import_file(write_transcript("P01"))
    project.import_file(write_transcript("interview-b"))
    csv_path = tmp_path / "people.csv"
    csv_path.write_text(
        "participant,age,gender,band,joined,notes\n"
        "P01,42,female,7,2021-05-01,long notes one\n"
        "interview-b,38.5,male,8a,2022-01-10,notes two\n",
        encoding="utf-8",
    )
    people = project.import_participants(csv_path, types={"band": "category"})
    by_key = {p.key: p for p in people}
    assert by_key["P01"].attributes == {
        "age": 42.0, "gender": "female", "band": "7", "joined": dt.date(2021, 5, 1), "notes": "long notes one"
    }
    assert project.source("interview-b").participant_id == by_key["interview-b"].id
    types = {a.name: a.type for a in project.attributes()}
    assert types == {
        "age": AttributeType.NUMBER, "band": AttributeType.CATEGORY, "gender": AttributeType.CATEGORY,
        "joined": AttributeType.DATE, "notes": AttributeType.TEXT,
    }
    assert {a.name: a.categories for a in project.attributes()}["band"] == ("7", "8a")


def test_participants_csv_with_unknown_ids_changes_nothing(project, write_transcript, tmp_path):
    project.import_file(write_transcript("P01"))
    csv_path = tmp_path / "people.csv"
    csv_path.write_text("id,age\nP01,40\nP99,50\nP98,51\n", encoding="utf-8")
    before = project.log()
    with pytest.raises(NotFound) as info:
        project.import_participants(csv_path)
    assert "P99" in str(info.value) and "P98" in str(info.value)
    assert project.log() == before and project.attributes() == []
    project.import_participants(csv_path, create_missing=True)
    assert {p.key for p in project.participants()} == {"P01", "P98", "P99"}


@pytest.mark.parametrize(
    "content, message",
    [
        ("id,age\nP01,40\nP01,41\n", "twice"),
        ("id,age\n,40\n", "empty"),
        ("id,age\nP01,forty\n", "not a number"),
    ],
)
def test_participants_csv_errors(project, write_transcript, tmp_path, content, message):
    project.import_file(write_transcript("P01"))
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises((InvalidInput, NotFound), match=message):
        project.import_participants(path, types={"age": "number"})
    assert project.attributes() == []


def test_survey_import_makes_one_source_per_question(project, tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "id,role,What helped?,What did not?\n"
        "R1,nurse,Peer support 😀,\n"
        "R2,OT,Time to reflect,Rushed sessions\n",
        encoding="utf-8",
    )
    sources = project.import_survey(path, SurveyMapping("id", ("What helped?", "What did not?"), ("role",)))
    assert sorted(s.name for s in sources) == ["What did not?", "What helped?"]
    turns = project.turns("What helped?")
    text = project.source_text("What helped?")
    keys = {p.id: p.key for p in project.participants()}
    assert [(keys[t.participant_id], text[t.start : t.end]) for t in turns] == [
        ("R1", "Peer support 😀"), ("R2", "Time to reflect")
    ]
    assert project.participant("R2").attributes == {"role": "OT"}


def test_link_source(project, write_transcript):
    project.import_file(write_transcript("interview-x"))
    with pytest.raises(NotFound):
        project.link_source("interview-x", "P05")
    project.import_participants(_csv(write_transcript, "id\ninterview-x\n"), create_missing=True)
    assert project.source("interview-x").participant_id == project.participant("interview-x").id
    project.link_source("interview-x", None)
    assert project.source("interview-x").participant_id is None


def _csv(write_transcript, text: str) -> Path:
    path = write_transcript("people", text=text, suffix=".csv")
    return path
