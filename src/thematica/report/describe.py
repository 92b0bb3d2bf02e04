"""Sentences about the sample and the method, written from aggregates only.

Participants are described by marginal counts and ranges, one attribute at a
time, never cross-tabulated and never one row per person. Free-text
attributes whose values single anyone out are left out altogether.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from ..analysis.prevalence import capitalised, count_noun, number_word
from ..analysis.tables import Table
from ..model import Phase
from .data import AttributeSummary, ReportInput

_MEN = {"man", "men", "male", "males", "m"}
_WOMEN = {"woman", "women", "female", "females", "f"}
_GENDER_NAMES = {"gender", "sex", "gender identity", "sex or gender", "sex/gender"}
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_KIND_NOUNS = {  # source kind -> what one such source is called (plural adds "s")
    "txt": "plain-text file", "md": "Markdown file", "docx": "Word document",
    "doc": "Word document", "odt": "OpenDocument file", "rtf": "RTF file", "pdf": "PDF",
    "vtt": "timed WebVTT transcript", "srt": "timed SRT transcript",
    "csv": "CSV survey export", "tsv": "TSV survey export", "xlsx": "Excel survey export",
}
_TRANSCRIPT_KINDS = {"txt", "md", "docx", "doc", "odt", "rtf", "pdf", "vtt", "srt"}
_ORIGIN_PHRASES = {  # code origin -> (noun, what follows it)
    "deductive": ("deductive code", "defined in advance from the research question"),
    "inductive": ("inductive code", "that emerged from the data"),
    "in-vivo": ("in-vivo code", "named in participants' own words"),
}


def join_words(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = [item for item in items if item]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def format_number(value: float) -> str:
    """42.0 -> "42", 43.5 -> "43.5", 1204 -> "1,204"."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def attribute_label(name: str) -> str:
    """An attribute name as prose: "years_as_trainer" -> "years as trainer"."""
    return " ".join(name.replace("_", " ").replace("-", " ").split())


def is_gender(summary: AttributeSummary) -> bool:
    """Whether an attribute reads as gender: by its name, or all its values are men/women words."""
    if attribute_label(summary.name).lower() in _GENDER_NAMES:
        return True
    values = {value.strip().lower() for value, _ in summary.counts}
    return bool(values) and values <= (_MEN | _WOMEN) and summary.kind in ("category", "text")


def is_listable(summary: AttributeSummary) -> bool:
    """Whether an attribute may be reported at all.

    Text attributes are shown only when no value is held by a single
    participant (a free-text value of one person could identify them);
    categories are always counted.
    """
    if summary.kind == "text":
        return bool(summary.counts) and all(n > 1 for _, n in summary.counts)
    return True


def _is_age(summary: AttributeSummary) -> bool:
    label = attribute_label(summary.name).lower()
    return label == "age" or label.startswith(("age ", "age(")) or label == "ages"


def _gender_groups(summary: AttributeSummary) -> list[tuple[str, str, int]]:
    """(plural label, singular label, count), synonyms merged, in the caller's order."""
    merged: dict[tuple[str, str], int] = {}
    for value, n in summary.counts:
        key = value.strip().lower()
        if key in _MEN:
            labels = ("men", "a man")
        elif key in _WOMEN:
            labels = ("women", "a woman")
        else:
            labels = (key, key)
        merged[labels] = merged.get(labels, 0) + n
    return [(plural, single, n) for (plural, single), n in merged.items() if n]


def _gender_clause(summary: AttributeSummary) -> str:
    groups = _gender_groups(summary)
    if not groups:
        return ""
    parts = []
    first_single = groups[0][2] == 1
    for index, (plural, single, n) in enumerate(groups):
        label = single if n == 1 else plural
        verb = "was" if n == 1 else "were"
        if index == 0:
            parts.append(f"{count_noun(n, 'participant')} {verb} {label}")
        elif (n == 1) == first_single:
            parts.append(f"{number_word(n)} {label}")
        else:
            parts.append(f"{number_word(n)} {verb} {label}")
    clause = join_words(parts)
    if summary.missing:
        clause += f" (not recorded for {count_noun(summary.missing, 'participant')})"
    return clause


def _number_clause(summary: AttributeSummary) -> str:
    if summary.minimum is None or summary.maximum is None:
        return ""
    age = _is_age(summary)
    name = "ages" if age else attribute_label(summary.name)
    unit = " years" if age else ""
    low, high = format_number(summary.minimum), format_number(summary.maximum)
    if low == high:
        clause = f"{'age' if age else name} was {low}{unit} for every participant with a value"
    else:
        clause = f"{name} ranged from {low} to {high}{unit}"
    notes = [f"median {format_number(summary.median)}"] if summary.median is not None and low != high else []
    if summary.missing:
        notes.append(f"not recorded for {count_noun(summary.missing, 'participant')}")
    return clause + (f" ({'; '.join(notes)})" if notes else "")


def date_span(summary: AttributeSummary) -> tuple[dt.date, dt.date] | None:
    """The earliest and latest date of a date attribute, from whichever form the summary holds.

    ``earliest``/``latest`` first; else ISO dates as ``counts`` values; else
    ``minimum``/``maximum`` as proleptic ordinals (``date.toordinal()``).
    """
    if summary.earliest and summary.latest:
        return summary.earliest, summary.latest
    dates = []
    for value, _ in summary.counts:
        try:
            dates.append(dt.date.fromisoformat(value.strip()[:10]))
        except ValueError:
            pass
    if dates:
        return min(dates), max(dates)
    if summary.minimum is not None and summary.maximum is not None and summary.minimum >= 1:
        return dt.date.fromordinal(int(summary.minimum)), dt.date.fromordinal(int(summary.maximum))
    return None


def month_range(first: dt.date, last: dt.date) -> str:
    """"March 2024", "March to April 2024", "November 2023 to February 2024"."""
    a, b = _MONTHS[first.month - 1], _MONTHS[last.month - 1]
    if (first.year, first.month) == (last.year, last.month):
        return f"{a} {first.year}"
    if first.year == last.year:
        return f"{a} to {b} {last.year}"
    return f"{a} {first.year} to {b} {last.year}"


def month_span(first: dt.date, last: dt.date) -> str:
    """"in March 2024", "between March and April 2024", "between November 2023 and February 2024"."""
    a, b = _MONTHS[first.month - 1], _MONTHS[last.month - 1]
    if (first.year, first.month) == (last.year, last.month):
        return f"in {a} {first.year}"
    if first.year == last.year:
        return f"between {a} and {b} {last.year}"
    return f"between {a} {first.year} and {b} {last.year}"


def _date_clause(summary: AttributeSummary) -> str:
    span = date_span(summary)
    if span is None:
        return ""
    label = attribute_label(summary.name)
    if "interview" in label.lower():
        return f"interviews took place {month_span(*span)}"
    return f"{label}: {month_range(*span)}"


def _category_clause(summary: AttributeSummary) -> str:
    items = [f"{value} ({number_word(n)})" for value, n in summary.counts if n]
    if summary.missing:
        items.append(f"not recorded ({number_word(summary.missing)})")
    return f"{attribute_label(summary.name)}: {', '.join(items)}" if items else ""


def attribute_clause(summary: AttributeSummary) -> str:
    """One attribute in aggregate, as a sentence clause ("" if it must not or cannot be shown)."""
    if not is_listable(summary):
        return ""
    if summary.kind == "number":
        return _number_clause(summary)
    if summary.kind == "date":
        return _date_clause(summary)
    if is_gender(summary):
        return _gender_clause(summary)
    return _category_clause(summary)


def participants_sentence(summaries: Sequence[AttributeSummary]) -> str:
    """The sample in one sentence of marginal aggregates ("" when nothing can be said).

    E.g. "Ages ranged from 33 to 55 years (median 43); three participants were
    men and five women; band: 7 (four), 8a (two), 8b (one), consultant (one);
    interviews took place between March and April 2024."
    """
    clauses = [clause for clause in map(attribute_clause, summaries) if clause]
    return capitalised("; ".join(clauses)) + "." if clauses else ""


def participants_table(summaries: Sequence[AttributeSummary]) -> Table:
    """Participant characteristics, one attribute (or attribute value) per row, never a person."""
    rows: list[tuple[str, str, str]] = []
    for summary in summaries:
        if not is_listable(summary):
            continue
        label = capitalised(attribute_label(summary.name))
        group: list[tuple[str, str]] = []
        shown = True  # a number or date row carries the label; its "Not recorded" row does not
        if summary.kind == "number" and summary.minimum is not None and summary.maximum is not None:
            label += " (years)" if _is_age(summary) else ""
            middle = format_number(summary.median) if summary.median is not None else "–"
            low, high = format_number(summary.minimum), format_number(summary.maximum)
            rows.append((f"{label}, median (range)", f"{middle} ({low}–{high})", ""))
        elif summary.kind == "date" and (span := date_span(summary)):
            rows.append((label, month_range(*span), ""))
        elif summary.kind in ("category", "text"):
            if is_gender(summary):
                group = [(capitalised(plural), str(n)) for plural, _, n in _gender_groups(summary)]
            else:
                group = [(value, str(n)) for value, n in summary.counts if n]
            shown = False
        else:
            shown = False
        if summary.missing:
            group.append(("Not recorded", str(summary.missing)))
        for index, (value, n) in enumerate(group):
            rows.append((label if index == 0 and not shown else "", value, n))
    return Table(
        title="Participant characteristics",
        columns=("Characteristic", "Value", "n"),
        rows=tuple(rows),
        notes=("Counts are given one characteristic at a time; free-text attributes are not shown.",),
    )


def _sources_sentence(input: ReportInput) -> str:
    facts = input.facts
    if not facts.sources:
        return ""
    kinds = [kind.lower() for kind, n in facts.source_kinds if n]
    noun = "interview transcript" if kinds and set(kinds) <= _TRANSCRIPT_KINDS else "source"
    parts = []
    for kind, n in facts.source_kinds:
        if n:
            parts.append(count_noun(n, _KIND_NOUNS.get(kind.lower(), f"{kind} file")))
    text = f"The data were {count_noun(facts.sources, noun)}"
    if parts:
        text += f" ({join_words(parts)})"
    if facts.participants:
        text += f" from {count_noun(facts.participants, 'participant')}"
    if facts.words:
        text += f", {facts.words:,} words in all"
    return text + "."


def _durations_sentence(durations: Sequence[float], sources: int) -> str:
    if not durations:
        return ""
    values = sorted(round(d) for d in durations)
    low, high, middle = values[0], values[-1], statistics.median(durations)
    if len(values) == 1:
        subject = "The interview" if sources <= 1 else "The one timed interview"
        return f"{subject} lasted {low} minutes."
    subject = "Interviews" if len(values) >= sources else f"The {count_noun(len(values), 'timed interview')}"
    return f"{subject} lasted {low} to {high} minutes (median {round(middle)})."


def _coders_sentence(input: ReportInput) -> str:
    coders = input.facts.coders
    if not coders:
        return ""
    described = []
    for coder in coders:
        who = coder.name + (f", {coder.role}," if coder.role else "")
        described.append(f"{who} coded {count_noun(coder.segments, 'segment')} "
                         f"across {count_noun(coder.sources, 'source')}")
    return f"The data were coded by {count_noun(len(coders), 'coder')}. {'; '.join(described)}."


def _codebook_sentence(input: ReportInput) -> str:
    facts = input.facts
    if not facts.codes:
        return ""
    levels = max((e.depth for e in input.codebook), default=facts.code_depth - 1) + 1
    depth = "in a single level" if levels <= 1 else f"in up to {number_word(levels)} levels"
    parts = []
    for origin, n in facts.codes_by_origin:
        if n:
            noun, rest = _ORIGIN_PHRASES.get(origin, (f"{origin} code", ""))
            parts.append(f"{count_noun(n, noun)} {rest}".strip())
    text = f"The codebook held {count_noun(facts.codes, 'code')} {depth}"
    return text + (f": {join_words(parts)}." if parts else ".")


def _themes_sentence(input: ReportInput) -> str:
    facts = input.facts
    phases = join_words([phase.label for phase in Phase])
    text = ("The analysis followed Braun and Clarke's reflexive thematic analysis "
            f"through its six phases ({phases})")
    if not facts.themes:
        return text + "; no themes have been defined yet."
    themes = count_noun(facts.themes, "theme")
    if facts.subthemes:
        themes += f" and {count_noun(facts.subthemes, 'subtheme')}"
    return text + f", and the codes were organised into {themes}."


def _audit_sentence(memos: int, journal: int) -> str:
    if not memos and not journal:
        return ""
    parts = [count_noun(memos, "memo") if memos else "",
             count_noun(journal, "reflexive journal entry", "reflexive journal entries") if journal else ""]
    return (f"The audit trail comprises {join_words(parts)}, each stamped with its analysis phase, "
            "and a log of every change made to the project.")


def method_paragraph(input: ReportInput) -> str:
    """The method section as one paragraph, from what the project knows (StudyFacts)."""
    facts = input.facts
    sentences = [
        _sources_sentence(input),
        _durations_sentence(facts.durations_minutes, facts.sources),
        _coders_sentence(input),
        f"The data were managed and coded in {input.software}." if input.software else "",
        *facts.agreement,
        *facts.assistance,
        _codebook_sentence(input),
        _themes_sentence(input),
        _audit_sentence(facts.memos, facts.journal_entries),
    ]
    return " ".join(s.strip() for s in sentences if s and s.strip())


__all__ = [
    "participants_sentence",
    "participants_table",
    "method_paragraph",
    "attribute_clause",
    "join_words",
    "month_span",
    "month_range",
]
