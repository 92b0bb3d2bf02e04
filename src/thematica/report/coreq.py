"""The COREQ checklist: 32 items for reporting interviews and focus groups.

Tong A, Sainsbury P, Craig J. Consolidated criteria for reporting qualitative
research (COREQ): a 32-item checklist for interviews and focus groups.
Int J Qual Health Care 2007;19(6):349-357.

:func:`answer_items` answers each item from the researcher's stored answer
(which always wins), else from what the project knows, else marks it missing.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Literal

from ..analysis.prevalence import capitalised, count_noun, number_word
from ..errors import InvalidInput
from .data import ReportInput, ThemeSection
from .describe import join_words, participants_sentence

Origin = Literal["project", "researcher", "missing"]
MISSING = "To be completed by the researcher"

DOMAINS = {
    1: "Research team and reflexivity",
    2: "Study design",
    3: "Analysis and findings",
}


@dataclass(frozen=True, slots=True)
class CoreqItem:
    """One checklist item: its number, domain (1-3), section, topic, short slug and guide question."""

    number: int
    domain: int
    section: str
    topic: str
    slug: str
    question: str


@dataclass(frozen=True, slots=True)
class CoreqAnswer:
    """An item answered: ``origin`` says who answered ("missing" when nobody has).

    ``project_answer`` is what the project would say, kept even when the
    researcher's answer overrides it (so a stale answer can be spotted).
    """

    number: int
    domain: str
    topic: str
    question: str
    answer: str
    origin: Origin
    section: str = ""
    project_answer: str = ""


_ITEMS = (
    (1, "Personal characteristics", "Interviewer/facilitator", "interviewer",
     "Which author/s conducted the interview or focus group?"),
    (1, "Personal characteristics", "Credentials", "credentials",
     "What were the researcher's credentials? E.g. PhD, MD"),
    (1, "Personal characteristics", "Occupation", "occupation",
     "What was their occupation at the time of the study?"),
    (1, "Personal characteristics", "Gender", "gender", "Was the researcher male or female?"),
    (1, "Personal characteristics", "Experience and training", "experience",
     "What experience or training did the researcher have?"),
    (1, "Relationship with participants", "Relationship established", "relationship",
     "Was a relationship established prior to study commencement?"),
    (1, "Relationship with participants", "Participant knowledge of the interviewer",
     "participant-knowledge",
     "What did the participants know about the researcher? E.g. personal goals, "
     "reasons for doing the research"),
    (1, "Relationship with participants", "Interviewer characteristics",
     "interviewer-characteristics",
     "What characteristics were reported about the interviewer/facilitator? E.g. bias, "
     "assumptions, reasons and interests in the research topic"),
    (2, "Theoretical framework", "Methodological orientation and theory", "methodology",
     "What methodological orientation was stated to underpin the study? E.g. grounded "
     "theory, discourse analysis, ethnography, phenomenology, content analysis"),
    (2, "Participant selection", "Sampling", "sampling",
     "How were participants selected? E.g. purposive, convenience, consecutive, snowball"),
    (2, "Participant selection", "Method of approach", "approach",
     "How were participants approached? E.g. face-to-face, telephone, mail, email"),
    (2, "Participant selection", "Sample size", "sample-size",
     "How many participants were in the study?"),
    (2, "Participant selection", "Non-participation", "non-participation",
     "How many people refused to participate or dropped out? Reasons?"),
    (2, "Setting", "Setting of data collection", "setting",
     "Where was the data collected? E.g. home, clinic, workplace"),
    (2, "Setting", "Presence of non-participants", "non-participants",
     "Was anyone else present besides the participants and researchers?"),
    (2, "Setting", "Description of sample", "sample",
     "What are the important characteristics of the sample? E.g. demographic data, date"),
    (2, "Data collection", "Interview guide", "interview-guide",
     "Were questions, prompts, guides provided by the authors? Was it pilot tested?"),
    (2, "Data collection", "Repeat interviews", "repeat-interviews",
     "Were repeat interviews carried out? If yes, how many?"),
    (2, "Data collection", "Audio/visual recording", "recording",
     "Did the research use audio or visual recording to collect the data?"),
    (2, "Data collection", "Field notes", "field-notes",
     "Were field notes made during and/or after the interview or focus group?"),
    (2, "Data collection", "Duration", "duration",
     "What was the duration of the interviews or focus group?"),
    (2, "Data collection", "Data saturation", "saturation", "Was data saturation discussed?"),
    (2, "Data collection", "Transcripts returned", "transcripts-returned",
     "Were transcripts returned to participants for comment and/or correction?"),
    (3, "Data analysis", "Number of data coders", "coders",
     "How many data coders coded the data?"),
    (3, "Data analysis", "Description of the coding tree", "coding-tree",
     "Did authors provide a description of the coding tree?"),
    (3, "Data analysis", "Derivation of themes", "derivation",
     "Were themes identified in advance or derived from the data?"),
    (3, "Data analysis", "Software", "software",
     "What software, if applicable, was used to manage the data?"),
    (3, "Data analysis", "Participant checking", "participant-checking",
     "Did participants provide feedback on the findings?"),
    (3, "Reporting", "Quotations presented", "quotations",
     "Were participant quotations presented to illustrate the themes/findings? "
     "Was each quotation identified? E.g. participant number"),
    (3, "Reporting", "Data and findings consistent", "consistency",
     "Was there consistency between the data presented and the findings?"),
    (3, "Reporting", "Clarity of major themes", "major-themes",
     "Were major themes clearly presented in the findings?"),
    (3, "Reporting", "Clarity of minor themes", "minor-themes",
     "Is there a description of diverse cases or discussion of minor themes?"),
)

COREQ_ITEMS: tuple[CoreqItem, ...] = tuple(
    CoreqItem(number, domain, section, topic, slug, question)
    for number, (domain, section, topic, slug, question) in enumerate(_ITEMS, start=1)
)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_LOOKUP: dict[str, int] = {}
for _item in COREQ_ITEMS:
    _LOOKUP[_item.slug] = _item.number
    _LOOKUP[_slugify(_item.topic)] = _item.number


def item_number(ref: str | int) -> int:
    """The item number for a number ("21", 21) or a topic ("duration", "Data saturation").

    Raises InvalidInput for anything that names no item.
    """
    if isinstance(ref, bool):
        raise InvalidInput(f"unknown COREQ item {ref!r}")
    if isinstance(ref, int):
        number = ref
    elif isinstance(ref, str) and ref.strip().isdigit():
        number = int(ref.strip())
    elif isinstance(ref, str) and _slugify(ref) in _LOOKUP:
        return _LOOKUP[_slugify(ref)]
    else:
        raise InvalidInput(
            f"unknown COREQ item {ref!r}: give a number from 1 to 32 or a topic such as 'duration'"
        )
    if not 1 <= number <= len(COREQ_ITEMS):
        raise InvalidInput(f"COREQ items are numbered 1 to {len(COREQ_ITEMS)}, not {number}")
    return number


def coreq_item(ref: str | int) -> CoreqItem:
    """The item for a number or topic (see :func:`item_number`)."""
    return COREQ_ITEMS[item_number(ref) - 1]


def _walk(sections: tuple[ThemeSection, ...]) -> list[ThemeSection]:
    out: list[ThemeSection] = []
    for section in sections:
        out.append(section)
        out.extend(_walk(section.children))
    return out


def _saturation(series: tuple[tuple[str, int], ...]) -> str:
    if not series:
        return ""
    counts = [n for _, n in series]
    trailing = 0
    for n in reversed(counts):
        if n:
            break
        trailing += 1
    shown = ", ".join(str(n) for n in counts)
    order = f"(new codes per transcript, in coding order: {shown})"
    if trailing == len(counts):
        return f"No transcript added new codes {order}."
    if trailing:
        which = "last transcript" if trailing == 1 else f"last {number_word(trailing)} transcripts"
        return f"Yes: the {which} coded added no new codes {order}."
    return f"New codes were still emerging in the last transcript coded {order}."


def _duration(minutes: tuple[float, ...]) -> str:
    if not minutes:
        return ""
    low, high = round(min(minutes)), round(max(minutes))
    if len(minutes) == 1:
        return f"The timed interview lasted {low} minutes."
    return (f"Interviews lasted {low} to {high} minutes (median {round(statistics.median(minutes))}; "
            f"{count_noun(len(minutes), 'timed transcript')}).")


def _recording(input: ReportInput) -> str:
    timed, total = input.facts.timed_sources, input.facts.sources
    if not timed:
        return ""
    if timed >= total:
        return "Yes: every interview was recorded (timed transcripts)."
    are = "is a timed transcript" if timed == 1 else "are timed transcripts"
    return (f"Yes: {number_word(timed)} of the {number_word(total)} transcripts {are} of a "
            "recording; state how the others were recorded.")


def _coding_tree(input: ReportInput) -> str:
    facts = input.facts
    if not facts.codes:
        return ""
    levels = max((e.depth for e in input.codebook), default=facts.code_depth - 1) + 1
    origins = join_words([f"{number_word(n)} {origin}" for origin, n in facts.codes_by_origin if n])
    text = f"Yes: {count_noun(facts.codes, 'code')}"
    text += f" ({origins})" if origins else ""
    text += f" in {count_noun(max(levels, 1), 'level')}, each with a definition, inclusion and "
    return text + "exclusion criteria; see Appendix A (Codebook)."


def _derivation(input: ReportInput) -> str:
    facts = input.facts
    origins = dict(facts.codes_by_origin)
    deductive = origins.get("deductive", 0)
    inductive = origins.get("inductive", 0) + origins.get("in-vivo", 0)
    if not facts.codes and not facts.themes:
        return ""
    if deductive and inductive:
        text = (f"Both: {count_noun(deductive, 'deductive code')} were defined in advance from the "
                f"research question and {count_noun(inductive, 'code')} were derived from the data")
    elif deductive:
        text = f"In advance: all {count_noun(deductive, 'code')} were deductive"
    else:
        text = f"Derived from the data: {count_noun(inductive or facts.codes, 'code')} were inductive"
    if facts.themes:
        themes = count_noun(facts.themes, "theme")
        if facts.subthemes:
            themes += f" and {count_noun(facts.subthemes, 'subtheme')}"
        text += f"; themes were developed from the codes ({themes})"
    return text + "."


def _quotations(input: ReportInput) -> str:
    quotes = [q for s in _walk(input.themes) for q in s.quotes]
    if not quotes:
        return ""
    named = [q.participant for q in quotes if q.participant]
    text = f"Yes: {count_noun(len(quotes), 'quotation')}"
    if len(named) == len(quotes):
        return text + f", each identified by the participant's study id (e.g. {named[0]})."
    if named:
        return (text + f", {number_word(len(named))} identified by the participant's study id "
                f"(e.g. {named[0]}).")
    return text + "; they are not linked to participants."


def _minor_themes(input: ReportInput) -> str:
    subthemes = [s.name for t in input.themes for s in _walk(t.children)]
    few = [s for s in _walk(input.themes)
           if s.participants_total and 0 < 4 * s.participants <= s.participants_total]
    parts = []
    if subthemes:
        parts.append(f"subthemes: {'; '.join(subthemes)}")
    if few:
        parts.append("themes held by few participants: " + "; ".join(
            f"{s.name} ({number_word(s.participants)} of {number_word(s.participants_total)})" for s in few))
    return ("Yes: " + "; ".join(parts) + ".") if parts else ""


def project_answers(input: ReportInput) -> dict[int, str]:
    """The items the project can answer itself, by number (empty answers left out)."""
    facts, settings = input.facts, input.settings
    coders = facts.coders
    answers = {
        1: settings.get("interviewer", ""),
        12: f"{capitalised(count_noun(facts.participants, 'participant'))}." if facts.participants else "",
        14: settings.get("setting", ""),
        16: participants_sentence(input.participants),
        19: _recording(input),
        21: _duration(facts.durations_minutes),
        22: _saturation(facts.new_codes_per_source),
        24: (f"{capitalised(count_noun(len(coders), 'coder'))}: "
             + "; ".join(c.name + (f", {c.role}" if c.role else "") for c in coders) + ".")
        if coders else "",
        25: _coding_tree(input),
        26: _derivation(input),
        27: f"{input.software}." if input.software else "",
        29: _quotations(input),
        31: (f"Yes: {count_noun(len(input.themes), 'theme')}: "
             + "; ".join(t.name for t in input.themes) + ".") if input.themes else "",
        32: _minor_themes(input),
    }
    return {number: text.strip() for number, text in answers.items() if text and text.strip()}


def answer_items(input: ReportInput) -> list[CoreqAnswer]:
    """All 32 items answered: the researcher's stored answer, else the project's, else missing."""
    known = project_answers(input)
    stored = {}
    for key, text in input.coreq_answers.items():
        try:
            stored[item_number(key)] = text
        except InvalidInput:
            continue  # an answer to no item (stale key): ignored, never fatal
    out = []
    origin: Origin
    for item in COREQ_ITEMS:
        own = (stored.get(item.number) or "").strip()
        computed = known.get(item.number, "")
        if own:
            answer, origin = own, "researcher"
        elif computed:
            answer, origin = computed, "project"
        else:
            answer, origin = MISSING, "missing"
        out.append(CoreqAnswer(item.number, DOMAINS[item.domain], item.topic, item.question,
                               answer, origin, item.section, computed))
    return out


__all__ = [
    "COREQ_ITEMS",
    "DOMAINS",
    "MISSING",
    "CoreqItem",
    "CoreqAnswer",
    "item_number",
    "coreq_item",
    "project_answers",
    "answer_items",
]
