"""Survey CSV/TSV/XLSX: mapping, answers as turns, respondents, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from thematica.errors import (
    EmptyDocument,
    ImportError_,
    InvalidInput,
    UnsupportedFormat,
)
from thematica.ingest import SURVEY_SUFFIXES, SurveyMapping, read_survey
from thematica.model import Role

MAPPING = SurveyMapping("Respondent", ("What helped?", "What got in the way?"), ("Age", "Ward"))
CSV = (
    "Respondent,Age,Ward,What helped?,What got in the way?\r\n"
    'R1,34,A,"The café, honestly.",Parking\r\n'
    'R2,51,B,,"Long waits;\r\nno chairs 😀"\r\n'
    ",,,,\r\n"
    "R3,29,A,  Kind staff  ,\r\n"
)


def said(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[t.start : t.end] for t in doc.turns]


def test_csv_survey(write) -> None:  # type: ignore[no-untyped-def]
    path = write("survey.csv", CSV)
    data = read_survey(path, MAPPING)
    helped, hindered = data.documents
    assert (helped.name, helped.kind, helped.file_name, helped.encoding) == (
        "What helped?",
        "survey",
        "survey.csv",
        "utf-8",
    )
    assert helped.text == "The café, honestly.\n\nKind staff"
    assert said(helped) == ["The café, honestly.", "Kind staff"]
    assert [(t.speaker, t.role, t.participant_key) for t in helped.turns] == [
        ("R1", Role.PARTICIPANT, "R1"),
        ("R3", Role.PARTICIPANT, "R3"),
    ]
    assert said(hindered) == ["Parking", "Long waits;\nno chairs 😀"]
    assert helped.original == path.read_bytes()
    assert data.respondents == {
        "R1": {"Age": "34", "Ward": "A"},
        "R2": {"Age": "51", "Ward": "B"},
        "R3": {"Age": "29", "Ward": "A"},
    }


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_delimiter_is_sniffed(write, delimiter: str) -> None:  # type: ignore[no-untyped-def]
    answer = "Yes, a lot, really" if delimiter == ";" else "Yes; a lot, really"
    text = f"id{delimiter}q\n1{delimiter}{answer}\n2{delimiter}Né\n"
    data = read_survey(write("s.csv", text.encode("cp1252")), SurveyMapping("id", ("q",)))
    assert said(data.documents[0]) == [answer, "Né"]
    assert data.documents[0].encoding == "cp1252"


def test_tsv_and_bom(write) -> None:  # type: ignore[no-untyped-def]
    data = read_survey(write("s.tsv", "\ufeffid\tq\n1\ta, b; c\n"), SurveyMapping("id", ("q",)))
    assert said(data.documents[0]) == ["a, b; c"]
    assert ".tsv" in SURVEY_SUFFIXES


def test_xlsx_survey(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Info"
    book.active.append(["ignore me"])
    sheet = book.create_sheet("Answers")
    sheet.append(["Respondent", "Age", "Ward", "What helped?", "What got in the way?"])
    sheet.append([101, 34.0, "A", "Nurses, cafe\u0301", None])
    sheet.append([None, None, None, None, None])
    sheet.append([102, 51, dt.datetime(2024, 5, 3), "Line one\nline two", "Stairs"])
    path = tmp_path / "s.xlsx"
    book.save(path)
    data = read_survey(path, MAPPING, sheet="Answers")
    helped, hindered = data.documents
    assert helped.encoding is None and helped.kind == "survey"
    assert said(helped) == ["Nurses, café", "Line one\nline two"]
    assert [t.speaker for t in helped.turns] == ["101", "102"]
    assert said(hindered) == ["Stairs"]
    assert data.respondents == {
        "101": {"Age": "34", "Ward": "A"},
        "102": {"Age": "51", "Ward": "2024-05-03"},
    }
    with pytest.raises(
        InvalidInput, match=r"s\.xlsx has no column 'Respondent'; its columns are: 'ignore me'"
    ):
        read_survey(path, MAPPING)  # the first sheet by default
    with pytest.raises(InvalidInput, match=r"no sheet 'Nope'; its sheets are: 'Info', 'Answers'"):
        read_survey(path, MAPPING, sheet="Nope")


def test_missing_column_names_it_and_lists_the_others(write) -> None:  # type: ignore[no-untyped-def]
    mapping = SurveyMapping("Respondent", ("Q9",))
    with pytest.raises(
        InvalidInput,
        match=r"survey\.csv has no column 'Q9'; its columns are: 'Respondent', 'Age', ",
    ):
        read_survey(write("survey.csv", CSV), mapping)


def test_duplicate_and_empty_ids(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(
        InvalidInput, match=r"respondent id 'R1' occurs twice in d\.csv \(rows 2 and 4\)"
    ):
        read_survey(write("d.csv", "id,q\nR1,a\nR2,b\nR1,c\n"), SurveyMapping("id", ("q",)))
    with pytest.raises(InvalidInput, match=r"row 3 of e\.csv has no respondent id in 'id'"):
        read_survey(write("e.csv", "id,q\nR1,a\n ,b\n"), SurveyMapping("id", ("q",)))


def test_survey_bad_input(write) -> None:  # type: ignore[no-untyped-def]
    mapping = SurveyMapping("id", ("q",))
    with pytest.raises(ImportError_, match=r"^bad\.xlsx is not a valid XLSX file"):
        read_survey(write("bad.xlsx", b"\x00garbage" * 50), mapping)
    with pytest.raises(EmptyDocument, match="is empty"):
        read_survey(write("empty.csv", b""), mapping)
    with pytest.raises(EmptyDocument, match="no answers below"):
        read_survey(write("head.csv", "id,q\n"), mapping)
    with pytest.raises(EmptyDocument, match=r"column 'q' of blank\.csv has no answers"):
        read_survey(write("blank.csv", "id,q\n1,\n2, \n"), mapping)
    with pytest.raises(UnsupportedFormat, match=r"\.csv, \.tsv, \.xlsx"):
        read_survey(write("s.ods", b"x"), mapping)
    with pytest.raises(InvalidInput, match="at least one answer column"):
        read_survey(write("s.csv", "id,q\n1,a\n"), SurveyMapping("id", ()))
    with pytest.raises(InvalidInput, match="2 columns named 'q'"):
        read_survey(write("twice.csv", "id,q,q\n1,a,b\n"), mapping)


def test_survey_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    with pytest.raises(InvalidInput, match="over the limit of 64 MiB"):
        read_survey(path, SurveyMapping("id", ("q",)))
