"""Property: every detected turn is exactly the utterance that was written."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.ingest import detect_turns
from thematica.text import canonicalise

KNOWN = [
    "Interviewer",
    "Int",
    "Q",
    "A",
    "I",
    "R",
    "P03",
    "P7",
    "Participant 12",
    "Respondent 2",
    "Moderator",
    "Speaker 3",
]
WORDS = [
    "Jane",
    "José",
    "Zoë",
    "O'Brien",
    "Mary-Jane",
    "Okafor",
    "Ólafur",
    "Li",
    "Smith",
    "Nguyễn",
    "Dr.",
]
NAMES = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join) | st.just(
    "Ana de Souza"
)
LABELS = st.sampled_from(KNOWN) | NAMES
FORMS = [
    "{label}: {speech}",
    "{label}:{nl}{speech}",
    "[{label}] {speech}",
    "[{label}]: {speech}",
    "**{label}:** {speech}",
    "__{label}__: {speech}",
    "[00:01:02] {label}: {speech}",
    "{label}  00:0{n}:12{nl}{speech}",
]
# No ":" or "[" in speech, so no line of it can look like a label.
ALPHABET = list("abcXYZéñ漢 0123456789.,!?'’—-()\t") + [
    "😀",
    "👍🏽",
    "🇬🇧",
    "e\u0301",
    "\u0301",
    "\u0308",
    "\n",
    "\r\n",
    "\r",
    "\u2028",
]
SPEECH = (
    st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=30)
    .map("".join)
    .filter(lambda s: canonicalise(s).strip() != "")
)
HEADER = st.lists(st.sampled_from(list("Study notes 1 é\n")), max_size=20).map("".join)


@st.composite
def transcripts(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    turns = draw(
        st.lists(
            st.tuples(LABELS, SPEECH, st.sampled_from(FORMS), st.integers(0, 9)),
            min_size=1,
            max_size=6,
        )
    )
    turns = turns * 2  # every bare name then occurs twice, as the rule asks
    lines = [draw(HEADER).rstrip(":")] if draw(st.booleans()) else []
    lines += [
        form.format(label=label, speech=speech, nl=newline, n=n) for label, speech, form, n in turns
    ]
    return newline.join(lines) + newline, [(label, speech) for label, speech, _, _ in turns]


@settings(max_examples=300, deadline=None)
@given(transcripts())
def test_turns_are_the_utterances(case: tuple[str, list[tuple[str, str]]]) -> None:
    raw, expected = case
    text = canonicalise(raw)
    turns = detect_turns(text)
    assert [(t.speaker, text[t.start : t.end]) for t in turns] == [
        (label, canonicalise(speech).strip()) for label, speech in expected
    ]
    assert all(a.end <= b.start for a, b in pairwise(turns))
