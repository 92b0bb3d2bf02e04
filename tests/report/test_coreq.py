"""The 32 COREQ items, lookups, and answers from the researcher, the project, or neither."""

from __future__ import annotations

from dataclasses import replace

import pytest

from thematica.errors import InvalidInput
from thematica.report.coreq import (
    COREQ_ITEMS,
    MISSING,
    answer_items,
    coreq_item,
    item_number,
    project_answers,
)
from thematica.report.data import ReportInput
from thematica.report.describe import participants_sentence

TOPICS = (
    "Interviewer/facilitator", "Credentials", "Occupation", "Gender", "Experience and training",
    "Relationship established", "Participant knowledge of the interviewer",
    "Interviewer characteristics", "Methodological orientation and theory", "Sampling",
    "Method of approach", "Sample size", "Non-participation", "Setting of data collection",
    "Presence of non-participants", "Description of sample", "Interview guide",
    "Repeat interviews", "Audio/visual recording", "Field notes", "Duration", "Data saturation",
    "Transcripts returned", "Number of data coders", "Description of the coding tree",
    "Derivation of themes", "Software", "Participant checking", "Quotations presented",
    "Data and findings consistent", "Clarity of major themes", "Clarity of minor themes",
)


def test_thirty_two_items_in_three_domains() -> None:
    assert [item.number for item in COREQ_ITEMS] == list(range(1, 33))
    assert tuple(item.topic for item in COREQ_ITEMS) == TOPICS
    assert [item.domain for item in COREQ_ITEMS] == [1] * 8 + [2] * 15 + [3] * 9
    assert len({item.slug for item in COREQ_ITEMS}) == 32
    assert all(item.question.rstrip().endswith(("?", "PhD, MD", "content analysis",
                                                "snowball", "email", "workplace", "date",
                                                "participant number", "research",
                                                "research topic"))
               for item in COREQ_ITEMS)
    assert coreq_item(22).question == "Was data saturation discussed?"


@pytest.mark.parametrize(
    ("ref", "number"),
    [(21, 21), ("21", 21), (" 7 ", 7), ("duration", 21), ("Duration", 21),
     ("saturation", 22), ("Data saturation", 22), ("data-saturation", 22), ("data_saturation", 22),
     ("sample-size", 12), ("Interviewer/facilitator", 1), ("interviewer", 1),
     ("coding-tree", 25), ("Clarity of minor themes", 32), ("software", 27)],
)
def test_item_lookup_by_number_or_topic(ref: str | int, number: int) -> None:
    assert item_number(ref) == number


@pytest.mark.parametrize("ref", [0, 33, -1, "0", "33", "", "durations", "foo", True])
def test_unknown_items_are_invalid_input(ref: str | int) -> None:
    with pytest.raises(InvalidInput):
        item_number(ref)


def test_researcher_answers_win_and_missing_are_marked(report_input: ReportInput) -> None:
    answers = {a.number: a for a in answer_items(report_input)}
    assert len(answers) == 32
    # stored answer for an item the project can also answer: the researcher's wins
    assert answers[12].origin == "researcher"
    assert answers[12].answer == "Eight clinicians & two managers."
    assert answers[12].project_answer == "Eight participants."
    assert (answers[2].origin, answers[2].answer) == ("researcher", "PhD; registered mental health nurse")
    assert (answers[3].origin, answers[3].answer) == ("missing", MISSING)
    assert answers[14].answer == "NHS community mental health team bases"  # from settings
    assert {a.origin for a in answers.values()} == {"researcher", "project", "missing"}
    assert answers[21].domain == "Study design" and answers[21].topic == "Duration"


def test_project_answers(report_input: ReportInput) -> None:
    known = project_answers(report_input)
    assert known[16] == participants_sentence(report_input.participants)
    assert known[19].startswith("Yes: one of the eight transcripts is a timed transcript")
    assert known[21] == "The timed interview lasted 42 minutes."
    assert known[22].startswith("Yes: the last two transcripts coded added no new codes")
    assert known[24] == ("Two coders: Researcher A, practitioner researcher (lead coder); "
                         "Researcher B, peer researcher.")
    assert "four codes (two deductive, one inductive and one in-vivo) in three levels" in known[25]
    assert "Appendix A" in known[25]
    assert known[26].startswith("Both: two deductive codes")
    assert "two themes and three subthemes" in known[26]
    assert known[27] == "thematica 0.1.0."
    assert known[29] == ("Yes: seven quotations, six identified by the participant's study id "
                         "(e.g. P01).")
    assert "Sharing power <in practice>; Lived experience as expertise" in known[31]
    assert "Letting go; Equal partnership; Valuing lived experience" in known[32]
    assert "Equal partnership (one of eight)" in known[32]


def test_saturation_still_emerging_and_durations(report_input: ReportInput) -> None:
    facts = replace(report_input.facts, new_codes_per_source=(("P01", 4), ("P02", 0), ("P03", 2)),
                    durations_minutes=(21.0, 58.0, 40.0), timed_sources=8)
    known = project_answers(replace(report_input, facts=facts))
    assert known[22].startswith("New codes were still emerging in the last transcript")
    assert known[21] == "Interviews lasted 21 to 58 minutes (median 40; three timed transcripts)."
    assert known[19] == "Yes: every interview was recorded (timed transcripts)."


def test_blank_and_stale_stored_answers(report_input: ReportInput) -> None:
    stored = {21: "   ", 99: "an answer to no item", 28: "Participants read a summary."}
    answers = {a.number: a for a in answer_items(replace(report_input, coreq_answers=stored))}
    assert answers[21].origin == "project"  # a blank answer does not hide the project's
    assert (answers[28].origin, answers[28].answer) == ("researcher", "Participants read a summary.")


def test_empty_project_answers_only_what_it_knows(bare_input: ReportInput) -> None:
    answers = answer_items(bare_input)
    answered = [a.number for a in answers if a.origin != "missing"]
    assert answered == [27]  # only the software is known
    assert all(a.answer == MISSING for a in answers if a.origin == "missing")
