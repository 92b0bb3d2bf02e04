"""Pattern rules: identifiers with a recognisable shape.

Each rule has a detector name, a category and a confidence:

=================  ========  ==========================================================
detector           category  what
=================  ========  ==========================================================
email              contact   sarah.j@example.org
url                contact   https://..., www...., bare domains (example.co.uk)
handle             contact   @name (social media), not inside an e-mail address
phone              contact   UK (07700 900123, (0115) 496 0000, 0115-496-0000, +44 ...)
                             and international (+<country> 8-15 digits)
postcode           contact   full UK postcodes (NG7 2UH, M1 1AE, SW1A 1AA), any case
postcode_district  contact   an outward code after in/from/near ("in NG7"), upper case
nhs_number         id        10 digits (3-3-4 or run together) passing the modulus-11 check
ni_number          id        National Insurance number (QQ 12 34 56 C)
reference          id        upper-case letter/digit codes with 4+ digits (RX1234567)
date               date      12 March 2023, 12th of March, March 12th, March 2023,
                             Tuesday the 12th, 12/03/2023, 2023-03-12, Christmas 2022,
                             summer 2021
age                age       aged 34, I'm 34, turned 40, 34-year-old, 34 years old,
                             thirty-four years old
=================  ========  ==========================================================

Deliberately not flagged: relative dates ("last Tuesday"), a month or holiday
alone ("in March", "at Christmas"), a bare year ("in 2019"), age bands ("in my
forties", "in her 30s": the usual generalised form), digit runs that fail the
NHS check, and numbers followed by a unit ("I'm 5 minutes away").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: Every category a candidate can have.
CATEGORIES: tuple[str, ...] = ("person", "place", "organisation", "date", "age", "contact", "id", "other")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible identifier at ``text[start:end]``, for a person to review."""

    start: int
    end: int
    text: str
    category: str
    detector: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Rule:
    """One pattern rule: the span is ``group`` of each match that passes ``check``."""

    detector: str
    category: str
    confidence: float
    regex: re.Pattern[str]
    group: int | str = 0
    check: Callable[[re.Match[str]], bool] | None = None


def nhs_number_valid(digits: str) -> bool:
    """True if ``digits`` (ten digits) passes the NHS modulus-11 check."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_ok(m: re.Match[str]) -> bool:
    raw = m.group(0)
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if digits.startswith("44"):
            national = digits[2:]
            national = national[1:] if national.startswith("0") else national
            return 9 <= len(national) <= 10
        return 8 <= len(digits) <= 15
    return digits.startswith("0") and 10 <= len(digits) <= 11 and not digits.startswith("00")


def _nhs_ok(m: re.Match[str]) -> bool:
    return nhs_number_valid(re.sub(r"\D", "", m.group(0)))


def _postcode_ok(m: re.Match[str]) -> bool:
    inward = m.group("inward")
    if inward.islower() and inward[1:] in ("st", "nd", "rd", "th"):
        return False  # "a1 1st" is an ordinal, not a postcode
    text = m.group(0)
    return text.isupper() or text.islower() or text[:1].isupper()


def _numeric_date_ok(m: re.Match[str]) -> bool:
    a, b = int(m.group("a")), int(m.group("b"))
    if a == 0 or b == 0:
        return False
    return (a <= 31 and b <= 12) or (a <= 12 and b <= 31)


_LOWER_MONTH_OK = frozenset(("january", "february", "april", "june", "july", "august",
                             "september", "october", "november", "december"))


def _month_ok(m: re.Match[str]) -> bool:
    month = m.group("month")
    if month[0].isupper():
        return True
    return month.casefold().rstrip(".") in _LOWER_MONTH_OK or bool(m.groupdict().get("year"))


_MONTH = (
    r"(?P<month>(?i:january|february|march|april|may|june|july|august|september|october|"
    r"november|december)|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?i:st|nd|rd|th)"
_YEAR = r"(?P<year>(?:19|20)\d{2}|['\u2019]\d{2})"
_WEEKDAY = r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?)"
_NUM = r"(?:120|1[01]\d|[1-9]?\d)"
_UNITS = "one two three four five six seven eight nine".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_WORDNUM = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|{'|'.join(_UNITS)})"
)
_AGE_NUM = rf"(?P<age>{_NUM}|(?i:{_WORDNUM}))"
_NOT_UNIT = (
    r"(?!\s*(?:%|per\s*cent|percent|miles?\b|km\b|metres?|meters?|minutes?|mins?\b|hours?|hrs?\b|"
    r"days?\b|weeks?|months?|years?\b(?!\s+old)|times?\b|pounds?|quid|p\b|pence|stone|st\b|kg\b|"
    r"kilos?|lbs?\b|feet|foot|ft\b|inch|inches|o['\u2019]clock|am\b|pm\b|of\b|out\b|people|"
    r"sessions?|[.,:/]\d|-\d|\d))"
)

RULES: tuple[Rule, ...] = (
    Rule("email", "contact", 0.95,
         re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    Rule("url", "contact", 0.9,
         re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE)),
    Rule("url", "contact", 0.8,
         re.compile(r"(?<![@\w.-])[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:co\.uk|org\.uk|nhs\.uk|ac\.uk|"
                    r"gov\.uk|com|org|net|uk|io|info)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)\]}])?",
                    re.IGNORECASE)),
    Rule("handle", "contact", 0.85,
         re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])(?![\w@])")),
    Rule("phone", "contact", 0.9,
         re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\(?\d{1,5}\)?(?:[ .-]?\d{2,5}){1,4}"
                    r"|\(0\d{2,5}\)[ .-]?\d{3,4}(?:[ .-]?\d{3,4})?"
                    r"|0\d{2,5}(?:[ .-]?\d{2,5}){1,3})(?![\w])"),
         check=_phone_ok),
    Rule("nhs_number", "id", 0.95,
         re.compile(r"(?<![\w+])\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}(?![\w])"), check=_nhs_ok),
    Rule("ni_number", "id", 0.9,
         re.compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")),
    Rule("reference", "id", 0.6,
         re.compile(r"\b(?=[A-Z]*\d)(?=(?:[A-Z]*\d){4})(?=\d*[A-Z])[A-Z\d]{6,14}\b")),
    Rule("postcode", "contact", 0.95,
         re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[A-HK-Y]?\d[A-Z\d]?|\d[A-HJKPSTUW]) ?"
                    r"(?P<inward>\d[ABD-HJLNP-UW-Z]{2}))\b", re.IGNORECASE),
         check=_postcode_ok),
    Rule("postcode_district", "contact", 0.5,
         re.compile(r"\b(?i:in|from|near|around|round)\s+(?P<pc>[A-PR-UWYZ][A-HK-Y]?\d{1,2}[A-Z]?)\b(?![ ]?\d)"),
         group="pc"),
    Rule("date", "date", 0.9,
         re.compile(rf"\b{_WEEKDAY}?{_DAY}{_ORD}?(?:\s+of)?\s+{_MONTH}\b(?:,?\s+{_YEAR}\b)?"),
         check=_month_ok),
    Rule("date", "date", 0.85,
         re.compile(rf"\b{_WEEKDAY}?{_MONTH}\s+(?:the\s+)?{_DAY}{_ORD}?\b(?!\d)(?:,?\s+{_YEAR}\b)?"
                    r"(?!\s*(?:%|people|times|years|of\b|or\b|to\b|and\b|-))"),
         check=_month_ok),
    Rule("date", "date", 0.8,
         re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b"), check=_month_ok),
    Rule("date", "date", 0.8,
         re.compile(rf"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?{_DAY}{_ORD}\b")),
    Rule("date", "date", 0.85,
         re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?:\d{4}|\d{2})(?![\d/.-]?\d)"),
         check=_numeric_date_ok),
    Rule("date", "date", 0.9,
         re.compile(r"(?<!\d)(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)")),
    Rule("date", "date", 0.7,
         re.compile(rf"\b(?:Christmas|Xmas|Easter|New Year['\u2019]?s (?:Eve|Day)|New Year|Boxing Day|"
                    rf"Bonfire Night|Halloween|Diwali|Eid|Ramadan|Hanukkah|Valentine['\u2019]?s Day)"
                    rf"(?:\s+(?:Day|Eve))?"
                    rf"\s+(?:of\s+)?{_YEAR}\b")),
    Rule("date", "date", 0.6,
         re.compile(rf"\b(?i:spring|summer|autumn|winter)\s+(?:of\s+)?{_YEAR}\b")),
    Rule("age", "age", 0.85,
         re.compile(rf"\b(?i:aged?|age of)\s+{_AGE_NUM}\b{_NOT_UNIT}"), group="age"),
    Rule("age", "age", 0.9,
         re.compile(rf"\b(?:{_NUM}|(?i:{_WORDNUM}))(?i:[- ]?(?:years?|yrs?)[- ]?old\b|[- ]year[- ]old\b|"
                    rf" years? of age\b|[ ]?y/?o\b)")),
    Rule("age", "age", 0.75,
         re.compile(rf"\b(?i:i['\u2019]m|i am|i was|i['\u2019]ll be|i turned|he['\u2019]s|she['\u2019]s|"
                    rf"he is|she is|he was|she was|they['\u2019]re|he['\u2019]ll be|she['\u2019]ll be|"
                    rf"turned|turning|turns|when i was|since i was|been)"
                    rf"\s+(?:(?i:nearly|almost|about|only|just|now|over|under|barely)\s+)?{_AGE_NUM}\b{_NOT_UNIT}"),
         group="age"),
)


def find_patterns(text: str) -> list[Candidate]:
    """Every pattern-rule hit in ``text``, sorted by position (overlaps not yet merged)."""
    out: list[Candidate] = []
    for rule in RULES:
        for m in rule.regex.finditer(text):
            if rule.check is not None and not rule.check(m):
                continue
            start, end = m.span(rule.group)
            if start < 0 or start == end:
                continue
            out.append(Candidate(start, end, text[start:end], rule.category, rule.detector, rule.confidence))
    # within one detector keep the longest of overlapping hits ("12 March 2023", not also "March 2023")
    out.sort(key=lambda c: (c.detector, c.start, -c.end))
    kept: list[Candidate] = []
    for c in out:
        if kept and kept[-1].detector == c.detector and c.start < kept[-1].end:
            continue
        kept.append(c)
    kept.sort(key=lambda c: (c.start, -c.end))
    return kept


__all__ = ["CATEGORIES", "Candidate", "Rule", "RULES", "find_patterns", "nhs_number_valid"]
