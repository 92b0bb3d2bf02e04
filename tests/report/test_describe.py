"""The participants sentence and table (aggregates only) and the method paragraph."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from thematica.report.data import AttributeSummary, ReportInput
from thematica.report.describe import (
    method_paragraph,
    participants_sentence,
    participants_table,
)


def test_participants_sentence_reads_like_the_paper(report_input: ReportInput) -> None:
    assert participants_sentence(report_input.participants) == (
        "Ages ranged from 33 to 55 years (median 43); three participants were men and five "
        "women; band: 7 (four), 8a (two), 8b (one), consultant (one); years as trainer ranged "
        "from 2 to 4 (median 3; not recorded for one participant); interviews took place "
        "between March and April 2024."
    )


def test_no_participant_id_and_no_identifying_free_text(
    report_input: ReportInput, participant_ids: tuple[str, ...]
) -> None:
    sentence = participants_sentence(report_input.participants)
    table = participants_table(report_input.participants)
    text = sentence + " ".join(" ".join(row) for row in table.rows)
    for key in participant_ids:
        assert key not in text
    # "profession" has values held by one person each: the whole attribute is left out
    assert "profession" not in text.lower()
    assert "Clinical psychologist" not in text and "Occupational therapist" not in text


def test_table_is_aggregated_never_one_row_per_person(report_input: ReportInput) -> None:
    table = participants_table(report_input.participants)
    assert table.columns == ("Characteristic", "Value", "n")
    assert all(len(row) == 3 for row in table.rows)
    assert ("Gender", "Men", "3") in table.rows and ("", "Women", "5") in table.rows
    assert ("Age (years), median (range)", "43 (33–55)", "") in table.rows
    assert ("Interview date", "March to April 2024", "") in table.rows
    assert ("", "Not recorded", "1") in table.rows  # years as trainer, under its own row
    # one row per attribute value, not per participant: 1 + 2 + 4 + 2 + 1 rows
    assert len(table.rows) == 10


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((("man", 1), ("woman", 7)), "One participant was a man and seven were women."),
        ((("Men", 3), ("Female", 1)), "Three participants were men and one was a woman."),
        ((("male", 2), ("M", 1), ("f", 4), ("non-binary", 1)),
         "Three participants were men, four women and one was non-binary."),
    ],
)
def test_gender_phrasing(counts: tuple, expected: str) -> None:
    assert participants_sentence([AttributeSummary("Sex", "category", counts=counts)]) == expected


def test_gender_is_recognised_by_its_values() -> None:
    summary = AttributeSummary("identifies as", "text", counts=(("female", 2), ("male", 2)))
    assert participants_sentence([summary]) == "Two participants were women and two men."


def test_text_attribute_without_unique_values_is_counted() -> None:
    summary = AttributeSummary("team", "text", counts=(("North", 3), ("South", 2)), missing=1)
    assert participants_sentence([summary]) == "Team: North (three), South (two), not recorded (one)."


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (dt.date(2024, 3, 4), dt.date(2024, 3, 29), "Interviews took place in March 2024."),
        (dt.date(2023, 11, 4), dt.date(2024, 2, 1),
         "Interviews took place between November 2023 and February 2024."),
    ],
)
def test_interview_dates_as_months(first: dt.date, last: dt.date, expected: str) -> None:
    summary = AttributeSummary("Interview date", "date", earliest=first, latest=last)
    assert participants_sentence([summary]) == expected


def test_dates_from_iso_counts_and_other_date_names() -> None:
    summary = AttributeSummary("date_joined", "date", counts=(("2022-05-01", 1), ("2023-01-10", 2)))
    assert participants_sentence([summary]) == "Date joined: May 2022 to January 2023."


def test_number_with_one_value_and_no_summaries() -> None:
    assert participants_sentence([AttributeSummary("age", "number", minimum=40, maximum=40)]) == (
        "Age was 40 years for every participant with a value.")
    assert participants_sentence([]) == ""
    assert participants_table([]).rows == ()


def test_method_paragraph_from_study_facts(report_input: ReportInput) -> None:
    text = method_paragraph(report_input)
    for expected in (
        "The data were eight interview transcripts (four plain-text files, three Word documents "
        "and one timed WebVTT transcript) from eight participants, 42,310 words in all.",
        "The one timed interview lasted 42 minutes.",
        "The data were coded by two coders.",
        "Researcher A, practitioner researcher (lead coder), coded 412 segments across eight sources",
        "coded in thematica 0.1.0.",
        "Agreement on four sources was good (Cohen's kappa 0.78).",
        "two deductive codes defined in advance from the research question",
        "one in-vivo code named in participants' own words",
        "in up to three levels",
        "Braun and Clarke's reflexive thematic analysis through its six phases",
        "organised into two themes and three subthemes.",
        "23 memos and twelve reflexive journal entries",
    ):
        assert expected in text


def test_method_paragraph_with_several_timed_interviews(report_input: ReportInput) -> None:
    facts = replace(report_input.facts, durations_minutes=(21.2, 40.0, 58.4, 35.0, 44.0, 30.0,
                                                           50.0, 47.0), timed_sources=8)
    text = method_paragraph(replace(report_input, facts=facts))
    assert "Interviews lasted 21 to 58 minutes (median 42)." in text


def test_method_paragraph_for_an_empty_project(bare_input: ReportInput) -> None:
    text = method_paragraph(bare_input)
    assert "no themes have been defined yet" in text and "coders" not in text
