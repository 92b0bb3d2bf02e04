"""Turn detection: every convention, roles, the override pattern, offsets."""

from __future__ import annotations

import pytest

from thematica.errors import InvalidInput
from thematica.ingest import detect_turns
from thematica.model import Role


def spoken(text: str, **options: object) -> list[tuple[str, str]]:
    return [(t.speaker, text[t.start : t.end]) for t in detect_turns(text, **options)]  # type: ignore[arg-type]


def test_interviewer_and_participant_labels() -> None:
    text = (
        "Interviewer: How was it?\nP03: Hard at first.\nThen easier.\n\n"
        "Int: Why?\nParticipant 3: Time.\n"
    )
    turns = detect_turns(text)
    assert [(t.speaker, t.role, t.participant_key) for t in turns] == [
        ("Interviewer", Role.INTERVIEWER, None),
        ("P03", Role.PARTICIPANT, "P03"),
        ("Int", Role.INTERVIEWER, None),
        ("Participant 3", Role.PARTICIPANT, None),
    ]
    assert [text[t.start : t.end] for t in turns] == [
        "How was it?",
        "Hard at first.\nThen easier.",
        "Why?",
        "Time.",
    ]


@pytest.mark.parametrize(
    ("labels", "roles"),
    [
        (("Q", "A"), (Role.INTERVIEWER, Role.PARTICIPANT)),
        (("I", "R"), (Role.INTERVIEWER, Role.PARTICIPANT)),
        (("Moderator", "P3"), (Role.INTERVIEWER, Role.PARTICIPANT)),
        (("Interviewer 2", "Respondent 4"), (Role.INTERVIEWER, Role.PARTICIPANT)),
        (("Facilitator", "Speaker 2"), (Role.INTERVIEWER, Role.PARTICIPANT)),
    ],
)
def test_short_labels_and_roles(labels: tuple[str, str], roles: tuple[Role, Role]) -> None:
    text = f"{labels[0]}: question one?\n{labels[1]}: answer one.\n"
    turns = detect_turns(text)
    assert [(t.speaker, t.role) for t in turns] == list(zip(labels, roles, strict=True))
    assert [text[t.start : t.end] for t in turns] == ["question one?", "answer one."]


def test_participant_key_only_for_p_number_labels() -> None:
    turns = detect_turns("P3: a\nP03: b\nParticipant 3: c\n")
    assert [t.participant_key for t in turns] == ["P3", "P03", None]


def test_bare_names_need_two_occurrences() -> None:
    text = "Jane Smith: hello\nAna de Souza: hi\nJane Smith: again\nAna de Souza: yes\n"
    assert spoken(text) == [
        ("Jane Smith", "hello"),
        ("Ana de Souza", "hi"),
        ("Jane Smith", "again"),
        ("Ana de Souza", "yes"),
    ]
    # A name seen once is not a label, and neither are words like Note, however often.
    text = "Interviewer: tell me\nMonday: was busy\nNote: aside\nNote: aside again\n"
    assert spoken(text) == [
        ("Interviewer", "tell me\nMonday: was busy\nNote: aside\nNote: aside again")
    ]


def test_a_known_interviewer_label_counts_once() -> None:
    assert spoken("Jane: hello\nBob: hi\n", interviewer_labels=["Jane"]) == [
        ("Jane", "hello\nBob: hi")
    ]


def test_bracket_labels() -> None:
    text = "[Jane] first\n[Tom]: second\n[Jane]: third\n[Tom] fourth\n[Laughs] not a speaker\n"
    assert spoken(text) == [
        ("Jane", "first"),
        ("Tom", "second"),
        ("Jane", "third"),
        ("Tom", "fourth\n[Laughs] not a speaker"),
    ]


def test_markdown_emphasis_labels() -> None:
    text = (
        "# Interview 4\n\n**Interviewer:** Welcome.\n\n__P04__: Thanks.\n**Interviewer**: Go on.\n"
    )
    assert spoken(text) == [
        ("Interviewer", "Welcome."),
        ("P04", "Thanks."),
        ("Interviewer", "Go on."),
    ]


def test_otter_teams_style_keeps_timestamp() -> None:
    text = (
        "Speaker 1  00:01:02\nSo tell me.\n\nJane Smith  1:05\nWell,\nit was fine.\n\n"
        "Speaker 1  01:10:00\nOK.\n"
    )
    turns = detect_turns(text)
    assert [(t.speaker, text[t.start : t.end], t.begin) for t in turns] == [
        ("Speaker 1", "So tell me.", 62.0),
        ("Jane Smith", "Well,\nit was fine.", 65.0),
        ("Speaker 1", "OK.", 4200.0),
    ]
    assert turns[0].role is Role.PARTICIPANT


def test_leading_and_parenthesised_timestamps() -> None:
    text = "[00:00:05] Interviewer: Hi.\n(00:07) P1: Hello.\nInterviewer (00:01:00): Bye.\n"
    turns = detect_turns(text)
    assert [(t.speaker, text[t.start : t.end], t.begin) for t in turns] == [
        ("Interviewer", "Hi.", 5.0),
        ("P1", "Hello.", 7.0),
        ("Interviewer", "Bye.", 60.0),
    ]


def test_header_is_not_a_turn_and_label_alone_on_its_line() -> None:
    text = (
        "Study X, interview 3\nRecorded in clinic\n\nInterviewer:\n   What happened?  \n\nP2:\n\n"
    )
    assert spoken(text) == [("Interviewer", "What happened?")]  # P2 said nothing: no turn


def test_no_labels_no_turns() -> None:
    assert detect_turns("Just some notes.\nNo speakers here: really.\n") == ()
    assert detect_turns("") == ()


def test_custom_interviewer_labels_are_case_insensitive() -> None:
    turns = detect_turns("Jane: q?\nBob: a.\nJANE: q2?\nBob: a2.\n", interviewer_labels={"jane"})
    assert [t.role for t in turns] == [Role.INTERVIEWER, Role.PARTICIPANT] * 2


def test_pattern_override() -> None:
    text = "Header\n>> DR LEE - how are you?\n>> MS P - fine\nnot a label\n"
    turns = detect_turns(
        text, pattern=r">> (?P<speaker>[A-Z ]+?) - ", interviewer_labels=["dr lee"]
    )
    assert [(t.speaker, t.role, text[t.start : t.end]) for t in turns] == [
        ("DR LEE", Role.INTERVIEWER, "how are you?"),
        ("MS P", Role.PARTICIPANT, "fine\nnot a label"),
    ]
    # The override replaces the built-in conventions.
    assert detect_turns("Interviewer: hi\n", pattern=r"(?P<speaker>X)\|") == ()


@pytest.mark.parametrize(
    ("pattern", "message"), [("(?P<speaker>[a-", "invalid speaker pattern"), (r"(\w+):", "speaker")]
)
def test_bad_pattern(pattern: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        detect_turns("x", pattern=pattern)


def test_offsets_are_code_points_with_emoji_and_combining_marks() -> None:
    text = "Interviewer: 😀 café?\nP1: naïve 👍🏽 yes\n"
    turns = detect_turns(text)
    assert [text[t.start : t.end] for t in turns] == ["😀 café?", "naïve 👍🏽 yes"]
    assert turns[0].start == 13 and turns[0].end == 13 + len("😀 café?")


def test_one_interviewer_label_as_a_string() -> None:
    turns = detect_turns("Jane: hi\nBob: yo\nJane: ok\nBob: k\n", interviewer_labels="Jane")
    assert [t.role for t in turns] == [Role.INTERVIEWER, Role.PARTICIPANT] * 2
