"""Speaker-turn detection in unstructured transcripts.

Detection is line based. A *label line* starts with a speaker label; the
turn runs from just after the label to just before the next label line, with
surrounding whitespace excluded, so ``text[turn.start:turn.end]`` is exactly
what was said. Text before the first label (a header) is not a turn; a label
followed by no speech yields no turn. Recognised labels, each optionally
preceded by a timestamp (``[00:01:02] Interviewer: ...``)::

    Interviewer: text      Int: / Q: / A: / I: / R: / P03: / Participant 3:
    Jane Smith: text       Jane Smith (00:01:02): text
    [Jane] text            [Jane]: text
    **Interviewer:** text  __Interviewer__: text          (Markdown emphasis)
    Speaker 1  00:01:02    (Otter/Teams: label and time alone, speech below)

A bare name (one to three capitalised words, lower-case particles such as
"de" allowed) counts only if the same label occurs on at least two label
lines, so a lone "Note:" or "Monday:" is not taken for a speaker. Structural
labels (P03, Participant 3, Q, A, Speaker 2 ...), interviewer labels and
the distinctive "Name  0:01" lines count at once. A few words that head
lines but never name speakers (Note, Date, Laughs ...) are never labels.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InvalidInput
from ..model import Role
from .base import TurnSpan

#: Labels that mark the interviewer when no list is given (compared case-insensitively;
#: a trailing number is allowed, as in "Interviewer 1" or "Q3").
DEFAULT_INTERVIEWER_LABELS: tuple[str, ...] = (
    "Interviewer",
    "Int",
    "I",
    "Q",
    "Moderator",
    "Facilitator",
    "Researcher",
)

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_CHAR = r"(?:[^\W_]|['’.\-])"
_NAME = rf"[^\W\d_]{_CHAR}*(?:[ \t]+{_CHAR}+){{0,3}}"
_LABEL = re.compile(
    rf"""[ \t]*
    (?:[\[(]?(?P<ts>{_TIME})[\])]?[ \t]+(?:[-–][ \t]+)?)?           # optional leading time
    (?:
        (?P<em>\*\*|__)(?P<n1>{_NAME})(?::(?P=em)|(?P=em)[ \t]*:)    # **Name:** or **Name**:
      | \[(?P<n2>{_NAME})\]:?(?=\s|$)                                # [Name] or [Name]:
      | (?P<n3>{_NAME})[ \t]+(?P<ts3>{_TIME})[ \t]*$                 # Name  00:01 (alone)
      | (?P<n4>{_NAME})[ \t]*(?:\((?P<ts4>{_TIME})\)[ \t]*)?:(?![\d/])  # Name: / Name (0:01):
    )""",
    re.VERBOSE,
)
_KNOWN = re.compile(
    r"P\d+|[QAIR]\d*"
    r"|(?i:participant|respondent|interviewee|interviewer|moderator|facilitator|researcher|int)"
    r"(?:[ \t]?\d+)?|(?i:speaker)[ \t]?\d+"
)
_WORD = re.compile(r"[^\W\d_][\w'’.\-]*")
_PARTICLES = frozenset("de da di del della der den van von la le du dos das bin al".split())
_NOT_SPEAKERS = frozenset(
    """note notes nb n.b ps p.s date time place location venue duration length transcript
    transcriber transcription title subject re fwd from to cc sent summary context setting topic
    agenda source file recording audio video page interview end start break warning important
    example laughs laughter laughing inaudible unclear crosstalk pause silence sighs sigh coughs
    cough noise music applause overlapping overtalk interruption redacted""".split()
)
_TRAILING_NUMBER = re.compile(r"[ \t]*\d+$")


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A speaker label at the start of a line: speech starts at ``speech`` (offset in the line)."""

    speaker: str
    speech: int
    known: bool
    begin: float | None = None


@dataclass(frozen=True, slots=True)
class TurnRules:
    """How to find and classify speakers: an override ``pattern`` and interviewer labels."""

    pattern: re.Pattern[str] | None
    interviewer: frozenset[str]

    @classmethod
    def make(
        cls, pattern: str | None = None, interviewer_labels: Collection[str] | None = None
    ) -> TurnRules:
        """Validate and compile the user's options."""
        labels = DEFAULT_INTERVIEWER_LABELS if interviewer_labels is None else interviewer_labels
        if isinstance(labels, str):  # one label, not its letters
            labels = (labels,)
        folded = frozenset(fold(label) for label in labels if label.strip())
        return cls(_compile(pattern) if pattern is not None else None, folded)


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.MULTILINE)
    except re.error as exc:
        raise InvalidInput(f"invalid speaker pattern {pattern!r}: {exc}") from exc
    if "speaker" not in compiled.groupindex:
        raise InvalidInput(
            f"speaker pattern {pattern!r} has no (?P<speaker>...) group naming the speaker"
        )
    return compiled


@lru_cache(maxsize=4096)
def fold(label: str) -> str:
    """A label as compared: NFC, single spaces, case-folded."""
    return " ".join(unicodedata.normalize("NFC", label).split()).casefold()


def seconds(stamp: str) -> float:
    """``"1:02:03.5"``, ``"02:03,5"`` or ``"0:03"`` as seconds."""
    value = 0.0
    for part in stamp.replace(",", ".").split(":"):
        value = value * 60 + float(part)
    return value


def speaker_role(speaker: str, rules: TurnRules) -> tuple[Role, str | None]:
    """The role of ``speaker`` and, for a ``P\\d+`` label, its participant key."""
    folded = fold(speaker)
    base = _TRAILING_NUMBER.sub("", folded)
    interviewer = folded in rules.interviewer or base in rules.interviewer
    role = Role.INTERVIEWER if interviewer else Role.PARTICIPANT
    return role, speaker if re.fullmatch(r"P\d+", speaker) else None


def _name_kind(name: str, rules: TurnRules) -> bool | None:
    """True for a structural/interviewer label, False for a plausible bare name, else None."""
    folded = fold(name)
    if folded in _NOT_SPEAKERS or len(name) > 60:
        return None
    if _KNOWN.fullmatch(name) or folded in rules.interviewer:
        return True
    if _TRAILING_NUMBER.sub("", folded) in rules.interviewer and folded[-1].isdigit():
        return True
    tokens = name.split()
    if len(tokens) > 4 or not tokens[0][0].isupper() or not tokens[-1][0].isupper():
        return None
    capitals = 0
    for token in tokens:
        if not _WORD.fullmatch(token):
            return None
        if token[0].isupper():
            capitals += 1
        elif token not in _PARTICLES:
            return None
    return False if capitals <= 3 else None


def find_label(line: str, rules: TurnRules) -> LabelHit | None:
    """The speaker label at the start of ``line``, if there is one."""
    if rules.pattern is not None:
        match = rules.pattern.match(line)
        if match is None or not (match.group("speaker") or "").strip():
            return None
        return LabelHit(" ".join(match.group("speaker").split()), match.end(), True)
    match = _LABEL.match(line)
    if match is None:
        return None
    raw = match.group("n1") or match.group("n2") or match.group("n3") or match.group("n4")
    name = " ".join(raw.split())
    known = _name_kind(name, rules)
    if known is None:
        return None
    stamp = match.group("ts") or match.group("ts3") or match.group("ts4")
    # "Name  0:01" alone on a line is distinctive enough to count the first time.
    known = known or match.group("n3") is not None
    return LabelHit(name, match.end(), known, seconds(stamp) if stamp else None)


def accepted(hits: Iterable[LabelHit]) -> Callable[[LabelHit], bool]:
    """A test for which of ``hits`` are speakers: known labels, and bare names seen twice."""
    counts = Counter(fold(hit.speaker) for hit in hits if not hit.known)
    return lambda hit: hit.known or counts[fold(hit.speaker)] >= 2


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``start..end`` so the span has no leading or trailing whitespace."""
    piece = text[start:end]
    stripped = piece.lstrip()
    start += len(piece) - len(stripped)
    return start, start + len(stripped.rstrip())


def detect_turns(
    text: str,
    *,
    pattern: str | None = None,
    interviewer_labels: Collection[str] | None = None,
) -> tuple[TurnSpan, ...]:
    """Speaker turns in canonical ``text`` (see the module docstring for the conventions).

    ``pattern`` replaces the built-in conventions: a regular expression with a
    named group ``speaker``, matched at the start of each line; the speech
    starts after the match. ``interviewer_labels`` (case-insensitive) decide
    which speakers are interviewers; the rest are participants.
    """
    return find_turns(text, TurnRules.make(pattern, interviewer_labels))


def find_turns(text: str, rules: TurnRules) -> tuple[TurnSpan, ...]:
    """:func:`detect_turns` with already validated rules."""
    found: list[tuple[int, LabelHit]] = []
    position = 0
    for line in text.split("\n"):
        hit = find_label(line, rules) if line else None
        if hit is not None:
            found.append((position, hit))
        position += len(line) + 1
    is_speaker = accepted(hit for _, hit in found)
    found = [(at, hit) for at, hit in found if is_speaker(hit)]
    turns: list[TurnSpan] = []
    roles: dict[str, tuple[Role, str | None]] = {}
    for index, (line_start, hit) in enumerate(found):
        limit = found[index + 1][0] if index + 1 < len(found) else len(text)
        start, end = strip_span(text, line_start + hit.speech, limit)
        if start < end:
            if hit.speaker not in roles:
                roles[hit.speaker] = speaker_role(hit.speaker, rules)
            role, key = roles[hit.speaker]
            turns.append(TurnSpan(start, end, hit.speaker, role, key, begin=hit.begin))
    return tuple(turns)
