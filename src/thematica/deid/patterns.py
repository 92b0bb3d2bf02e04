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
postcode           contact   full UK postcodes (NG7 2UH, M1 1AE, SW1A 1AA), any case; any letters in
                             the UK shape when upper case (DY1 4QF) or after "postcode"
postcode_district  contact   an outward code after in/from/near ("in NG7"), upper case
nhs_number         id        10 digits (3-3-4 or run together) passing the modulus-11 check
id_number          id        a number after "NHS number", "hospital number", "NI number" ...
ni_number          id        National Insurance number (QQ 12 34 56 C)
reference          id        upper-case letter/digit codes with 4+ digits (RX1234567)
date               date      12 March 2023, 12th of March, March 12th, March 2023,
                             Tuesday the 12th, 12/03/2023, 2023-03-12, Christmas 2022,
                             summer 2021, academic years (2021/22, 2023-24)
year               date      a bare year 1900-2039 ("back in 2019", "since 2008"), not
                             followed by a unit ("2000 people") nor a decade ("1990s")
age                age       aged 34, I'm 34, turned 40, 34-year-old, 34 years old,
                             thirty-four years old, I was fifteen, she's four, my eldest
                             is nine, at nineteen, "Four, she was", Femi is thirty, and
                             the answer to "how old ...?" ("Thirty-four.")
=================  ========  ==========================================================

Deliberately not flagged: relative dates ("last Tuesday"), a month or holiday
alone ("in March", "at Christmas"), age bands ("in my forties", "in her 30s":
the usual generalised form), decades ("the 1990s"), digit runs that fail the
NHS check outside an "NHS number" context, and numbers followed by a unit
("I'm 5 minutes away", "2000 people").
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
    #: A cheap pattern every match must contain ("digit", "at", "url", "age", "year", "number"); the
    #: rule then runs only in windows around its hits (a speed-up, never a change of result).
    anchor: str | None = None


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
            national = national.removeprefix("0")
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


def _year_ok(m: re.Match[str]) -> bool:
    before = m.string[max(0, m.start() - 16) : m.start()]
    if re.search(r"(?i:number|no\.?|room|flat|house|page|bus|route|code|pin|version|ward|unit|score|[£$€#])\s*$",
                 before):
        return False
    round_number = m.group(0).endswith("00")
    return not (round_number and re.search(r"(?i:about|around|over|nearly|almost|roughly|than|only|just|some)\s+$",
                                           before))


def _academic_ok(m: re.Match[str]) -> bool:
    first, second = int(m.group("y1")), m.group("y2")
    return (int(second[-2:]) - first) % 100 == 1


def _one_ok(m: re.Match[str]) -> bool:
    """"She's one" is an age only at a phrase end or before "now", "and", "in", "when"."""
    if m.group("age").casefold() != "one":
        return True
    return re.match(r"\s*(?:[.,;!?)]|$|(?i:now|and|in|when|then|so|but|at)\b)", m.string[m.end("age") :]) is not None


def _named_age_ok(m: re.Match[str]) -> bool:
    from .lexicon import common_words, first_names  # lexicon imports nothing from here

    key = m.group("who").casefold()
    return key in first_names() and (key not in common_words() or m.start() > 0 and m.string[m.start() - 1] == " ")


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
_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
          "nineteen")
_WORDNUM = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?|{'|'.join(_TEENS)}|{'|'.join(_UNITS)})"
)
_AGE_NUM = rf"(?P<age>{_NUM}|(?i:{_WORDNUM}))"
_KIDS = (r"son|daughter|boy|girl|kid|child|baby|brother|sister|mum|dad|husband|wife|partner|eldest|youngest|"
         r"oldest|middle one|little one|big one|grandson|granddaughter|nephew|niece|twins?|kids|boys|girls|"
         r"children|grandkids")
_SUBJ = r"(?:i|he|she|we|they|you)"
_BE = r"(?:['\u2019]s|['\u2019]m|['\u2019]re| was| were| is| am| are| turned| hit)"
_AT_AGE = (rf"(?P<age>1[3-9]|[2-9]\d|(?i:thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
           rf"(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS)}))?))")
_YEAR_UNIT = (
    r"(?!\s*(?:%|per\s*cent|percent|people|persons|calories|cals?\b|kcal|words|steps|pounds|quid|grand|"
    r"miles|metres|meters|feet|ft\b|km\b|times|members|students|patients|staff|users|followers|views|likes|"
    r"responses|replies|participants|hours|hrs\b|minutes|mins\b|seconds|units|mg\b|ml\b|litres|copies|"
    r"pages|items|posts|cases|beds|odd\b|or so|plus\b|ish\b|-ish|of\b|\+|[.,]\d|\d|[-\u2013/]\s?\d))"
)
_NOT_UNIT = (
    r"(?!\s*(?:%|per\s*cent|percent|miles?\b|km\b|metres?|meters?|minutes?|mins?\b|hours?|hrs?\b|"
    r"days?\b|weeks?|months?|years?\b(?!\s+old)|times?\b|pounds?|quid|p\b|pence|stone|st\b|kg\b|"
    r"kilos?|lbs?\b|feet|foot|ft\b|inch|inches|o['\u2019]clock|am\b|pm\b|of\b|out\b|people|"
    r"sessions?|[.,:/]\d|-\d|\d|"
    r"\s+(?!(?:years|yrs|was|is|as|this|has|his|hers|ours|yes|plus|us|bus|thus)\b)[a-z]+[^s\W]s\b))"
)

RULES: tuple[Rule, ...] = (
    Rule("email", "contact", 0.95,
         re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), anchor="at"),
    Rule("url", "contact", 0.9,
         re.compile(r"\b(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]", re.IGNORECASE), anchor="url"),
    Rule("url", "contact", 0.8,
         re.compile(r"(?<![@\w.-])[a-z0-9][\w-]*(?:\.[\w-]+)*\.(?:co\.uk|org\.uk|nhs\.uk|ac\.uk|"
                    r"gov\.uk|com|org|net|uk|io|info)\b(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)\]}])?",
                    re.IGNORECASE), anchor="url"),
    Rule("handle", "contact", 0.85,
         re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])(?![\w@])"), anchor="at"),
    Rule("phone", "contact", 0.9,
         re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\(?\d{1,5}\)?(?:[ .-]?\d{2,5}){1,4}"
                    r"|\(0\d{2,5}\)[ .-]?\d{3,4}(?:[ .-]?\d{3,4})?"
                    r"|0\d{2,5}(?:[ .-]?\d{2,5}){1,3})(?![\w])"),
         check=_phone_ok, anchor="digit"),
    Rule("nhs_number", "id", 0.95,
         re.compile(r"(?<![\w+])\d{3}(?P<sep>[ -]?)\d{3}(?P=sep)\d{4}(?![\w])"), check=_nhs_ok, anchor="digit"),
    Rule("ni_number", "id", 0.9,
         re.compile(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"), anchor="digit"),
    Rule("reference", "id", 0.6,
         re.compile(r"\b(?=[A-Z]*\d)(?=(?:[A-Z]*\d){4})(?=\d*[A-Z])[A-Z\d]{6,14}\b"), anchor="digit"),
    Rule("reference", "id", 0.65,
         re.compile(r"(?<![\w/.-])(?=[\w/-]*[A-Za-z])(?=(?:[A-Za-z/-]*\d){5})[A-Za-z\d]{1,8}(?:[/-][A-Za-z\d]{1,10}){1,4}"
                    r"(?![\w/]|-\w)"),
         check=lambda m: sum(ch.isdigit() for ch in m.group()) >= 5 and not m.group()[:1].islower()
         or sum(ch.isdigit() for ch in m.group()) >= 5 and m.group().isupper(), anchor="digit"),
    Rule("postcode", "contact", 0.95,
         re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ](?:[A-HK-Y]?\d[A-Z\d]?|\d[A-HJKPSTUW]) ?"
                    r"(?P<inward>\d[ABD-HJLNP-UW-Z]{2}))\b", re.IGNORECASE),
         check=_postcode_ok, anchor="digit"),
    Rule("postcode", "contact", 0.85,
         re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"), anchor="digit"),
    Rule("postcode", "contact", 0.85,
         re.compile(r"\b(?i:post ?code)(?:\s*(?:is|was|['\u2019]s)\b)?[:,]?\s*"
                    r"(?P<pc>(?i:[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}))\b"), group="pc", anchor="digit"),
    Rule("id_number", "id", 0.75,
         re.compile(r"\b(?i:nhs|hospital|patient|unit|mrn|case|client|reference|ref|ni|national insurance|"
                    r"membership|tenancy|claim)\s+(?i:number|no\.?|num|id)\b[^\d\n]{0,24}?"
                    r"(?P<n>[A-Z]{0,3}\d[\d -]{3,12}\d[A-Z]?)(?![\w])"),
         group="n", anchor="digit"),
    Rule("postcode_district", "contact", 0.5,
         re.compile(r"\b(?i:in|from|near|around|round)\s+(?P<pc>[A-PR-UWYZ][A-HK-Y]?\d{1,2}[A-Z]?)\b(?![ ]?\d)"),
         group="pc", anchor="digit"),
    Rule("date", "date", 0.9,
         re.compile(rf"\b{_WEEKDAY}?{_DAY}{_ORD}?(?:\s+of)?\s+{_MONTH}\b(?:,?\s+{_YEAR}\b)?"),
         check=_month_ok, anchor="digit"),
    Rule("date", "date", 0.85,
         re.compile(rf"\b{_WEEKDAY}?{_MONTH}\s+(?:the\s+)?{_DAY}{_ORD}?\b(?!\d)(?:,?\s+{_YEAR}\b)?"
                    r"(?!\s*(?:%|people|times|years|of\b|or\b|to\b|and\b|-))"),
         check=_month_ok, anchor="digit"),
    Rule("date", "date", 0.8,
         re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b"), check=_month_ok, anchor="digit"),
    Rule("date", "date", 0.8,
         re.compile(rf"\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?{_DAY}{_ORD}\b"), anchor="digit"),
    Rule("date", "date", 0.85,
         re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?:\d{4}|\d{2})(?![\d/.-]?\d)"),
         check=_numeric_date_ok, anchor="digit"),
    Rule("date", "date", 0.9,
         re.compile(r"(?<!\d)(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)"), anchor="digit"),
    Rule("date", "date", 0.7,
         re.compile(rf"\b(?:Christmas|Xmas|Easter|New Year['\u2019]?s (?:Eve|Day)|New Year|Boxing Day|"
                    rf"Bonfire Night|Halloween|Diwali|Eid|Ramadan|Hanukkah|Valentine['\u2019]?s Day)"
                    rf"(?:\s+(?:Day|Eve))?"
                    rf"\s+(?:of\s+)?{_YEAR}\b"), anchor="digit"),
    Rule("date", "date", 0.6,
         re.compile(rf"\b(?i:spring|summer|autumn|winter)\s+(?:of\s+)?{_YEAR}\b"), anchor="digit"),
    Rule("date", "date", 0.8,
         re.compile(r"(?<![\w/.£$-])(?P<y1>(?:19|20)\d{2})\s?[/\u2013-]\s?(?P<y2>(?:19|20)?\d{2})(?![\w/]|[.,]\d)"),
         check=_academic_ok, anchor="digit"),
    Rule("date", "date", 0.7,
         re.compile(r"(?<![\w/.£$-])(?:19|20)\d{2}\s?(?:[\u2013-]|to|till|until)\s?(?:19|20)\d{2}(?![\w/]|[.,]\d)"),
         anchor="digit"),
    Rule("year", "date", 0.6,
         re.compile(rf"(?<![\w£$€#.,/:+\u2013-])(?:19\d{{2}}|20[0-3]\d)(?![\w/]|['\u2019]s\b){_YEAR_UNIT}"),
         check=_year_ok, anchor="digit"),
    Rule("age", "age", 0.85,
         re.compile(rf"\b(?i:aged?|age of)\s+{_AGE_NUM}\b{_NOT_UNIT}"), group="age", anchor="age"),
    Rule("date", "date", 0.6,
         re.compile(r"\b(?i:on|by|from|until|till|since|before|after|around)\s+the\s+(?P<d>(?:3[01]|[12]\d|0?[1-9])"
                    r"(?i:st|nd|rd|th))\b(?!\s+(?i:time|floor|century|person|one|of\s+(?:them|us|the\s+\w+\s+(?:times|sessions))))"),
         group="d", anchor="digit"),
    Rule("date", "date", 0.6,
         re.compile(r"\b(?i:in|since|of|from|until|till|around|back in|summer|winter|spring|autumn)\s+(?P<y>['\u2019]\d{2})\b(?!['\u2019]?s)"),
         group="y", anchor="digit"),
    Rule("age", "age", 0.85,
         re.compile(rf"\b(?:{_NUM}|(?i:{_WORDNUM}))[- ](?i:months?|weeks?)[- ]old\b"), anchor="number"),
    Rule("age", "age", 0.7,
         re.compile(r"\b(?i:my|his|her|your|their|our|mum['\u2019]s|dad['\u2019]s)\s+(?P<age>(?:1[3-9]|[2-9]\d)(?i:st|nd|rd|th)|"
                    r"(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:first|second|third|fourth|fifth|"
                    r"sixth|seventh|eighth|ninth)|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|"
                    r"nineteenth|twentieth|thirtieth|fortieth|fiftieth|sixtieth|seventieth|eightieth|ninetieth|hundredth))"
                    r"\b(?!\s+(?i:time|floor|session|week|go|attempt|admission|appointment|day|year|try|one|of))"),
         group="age"),
    Rule("age", "age", 0.9,
         re.compile(rf"\b(?:{_NUM}|(?i:{_WORDNUM}))(?i:[- ]?(?:years?|yrs?)[- ]?old\b|[- ]year[- ]old\b|"
                    rf" years? of age\b|[ ]?y/?o\b)"), anchor="year"),
    Rule("age", "age", 0.75,
         re.compile(rf"\b(?i:i['\u2019]m|i am|i was|i['\u2019]ll be|i turned|he['\u2019]s|she['\u2019]s|"
                    rf"he is|she is|he was|she was|they['\u2019]re|he['\u2019]ll be|she['\u2019]ll be|"
                    rf"you['\u2019]re|you are|we['\u2019]re|"
                    rf"turned|turning|turns|when i was|since i was|been|hit|reached|pushing|approaching|"
                    rf"(?:when|since|till|until|before|after|because|cos|as|by the time) {_SUBJ}{_BE}|"
                    rf"(?:{_KIDS})(?:['\u2019]s| is| was| are| were))"
                    rf"\s+(?:(?i:nearly|almost|about|only|just|now|over|under|barely|like)\s+)?{_AGE_NUM}\b{_NOT_UNIT}"
                    r"(?!\s+(?i:of|o['\u2019]clock|past|to\b|or so|thirty|fifteen|forty-five))"),
         group="age", check=_one_ok, anchor="number"),
    Rule("age", "age", 0.7,
         re.compile(rf"\b(?i:at)\s+{_AT_AGE}\b{_NOT_UNIT}(?=\s*(?:[,;.!?]|$|\s(?i:{_SUBJ}|my|me|and (?:went|got|moved|left|had|was|then|started|joined|ended))\b))"),
         group="age", anchor="number"),
    Rule("age", "age", 0.7,
         re.compile(rf"(?:^|(?<=[.!?:\n])\s*|(?<=[.!?:]\s))(?!(?i:one)\b)(?P<age>{_NUM}|(?i:{_WORDNUM}))\s*,?\s+"
                    rf"(?i:{_SUBJ}(?: was| were|['\u2019]s| is| am|['\u2019]m)\b)", re.MULTILINE),
         group="age", anchor="number"),
    Rule("age", "age", 0.6,
         re.compile(rf"\b(?!(?:It|That|This|There|What|Which|Who|Where|Here|How|He|She|One)\b)(?P<who>[A-Z][a-z]+)"
                    rf"(?:['\u2019]s| is| was)\s+(?:(?i:nearly|almost|about|only|just|now)\s+)?"
                    rf"(?P<age>{_NUM}|(?i:{_WORDNUM}))\b{_NOT_UNIT}(?!\s+(?i:of|o['\u2019]clock|past|to\b|seven\b))"),
         group="age", check=_named_age_ok, anchor="number"),
)

_AGE_QUESTION = re.compile(r"(?i:how old|what age|your age|age (?:were|are) you|age was)[^\n]*\n")
_ANSWER_NUM = re.compile(
    rf"(?:^[ \t]*(?:[^\n:]{{1,30}}:[ \t]*)?|(?<=[.!?,])[ \t]+)"
    r"(?:(?i:maybe|about|around|like|probably|nearly|almost|only|just|or|er|erm|um|oh|well|i think),?[ \t]+)?"
    rf"(?P<age>{_NUM}|(?i:{_WORDNUM}))\b{_NOT_UNIT}"
    r"(?![.,:/]?\d)", re.MULTILINE)
_KIDS_LIST = re.compile(
    r"\b(?i:kids|children|boys|girls|grandkids|grandchildren|sons|daughters|twins)\b[,:;\s]+(?:(?i:aged|who are|they're)\s+)?"
    rf"(?={_NUM}\b|(?i:{_WORDNUM})\b)")
_LIST_NUM = re.compile(rf"(?P<age>{_NUM}|(?i:{_WORDNUM}))\b{_NOT_UNIT}(?:\s*(?:,|and|&)\s*)?")
_AGE_AND = re.compile(rf"\s*(?:,|and|or|/|-)\s*(?P<age>{_NUM}|(?i:{_WORDNUM}))\b{_NOT_UNIT}")


def _age_extras(text: str, ages: list[Candidate]) -> list[Candidate]:
    """Answers to an age question ("How old ...?" then "Thirty-four."), and a second age after
    an age ("I was 15 or 16", "she's four and he's six" is found by the rules)."""
    out: list[Candidate] = []
    for q in _AGE_QUESTION.finditer(text):
        line_end = text.find("\n", q.end())
        line_end = len(text) if line_end < 0 else line_end
        for m in _ANSWER_NUM.finditer(text, q.end(), line_end):
            out.append(Candidate(m.start("age"), m.end("age"), m.group("age"), "age", "age", 0.7))
    for k in _KIDS_LIST.finditer(text):  # "three kids, ten, seven and two"
        pos = k.end()
        while (item := _LIST_NUM.match(text, pos)) is not None and item.end() > pos:
            out.append(Candidate(item.start("age"), item.end("age"), item.group("age"), "age", "age", 0.65))
            pos = item.end()
    for c in ages:
        more = _AGE_AND.match(text, c.end)
        if more and more.group("age").isdigit() == c.text[:1].isdigit():
            out.append(Candidate(more.start("age"), more.end("age"), more.group("age"), "age", "age",
                                 c.confidence - 0.1))
        if not c.text[:1].isdigit():  # the same age said again on its own: "Twenty-one! That's young."
            again = re.compile(rf"(?<![\w-]){re.escape(c.text)}(?=\s*[.!?])", re.IGNORECASE)
            for m in again.finditer(text, c.end, min(len(text), c.end + 120)):
                out.append(Candidate(m.start(), m.end(), m.group(), "age", "age", 0.6))
    return out


_ANCHORS = {
    "digit": re.compile(r"\d+"),
    "at": re.compile(r"@"),
    "url": re.compile(r"(?i:www\.|https?:)|\.(?i:co|org|nhs|ac|gov|com|net|uk|io|info)\b"),
    "age": re.compile(r"[Aa][Gg][Ee]"),
    "year": re.compile(r"(?i:year|yr|y/?o)"),
    # digits, or the letters that begin and follow every number word (a superset, for speed)
    "number": re.compile(r"\b(?:\d{1,3}(?:st|nd|rd|th)?|[TtFfSsEeNnOo]"
                         r"(?i:wo|welve|wenty|hree|hirt|en|our|orty|ive|ift|ix|even|ight|ine|ne|leven)\w*)\b"),
}
_BEFORE, _AFTER = 60, 80


def _windows(text: str, anchor: re.Pattern[str]) -> list[tuple[int, int]]:
    """Stretches of ``text`` around each anchor hit, merged, each ending before whitespace."""
    out: list[tuple[int, int]] = []
    n = len(text)
    for m in anchor.finditer(text):
        a, b = max(0, m.start() - _BEFORE), min(n, m.end() + _AFTER)
        while b < n and not text[b].isspace():
            b += 1
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def find_patterns(text: str) -> list[Candidate]:
    """Every pattern-rule hit in ``text``, sorted by position (overlaps not yet merged)."""
    out: list[Candidate] = []
    windows: dict[str, list[tuple[int, int]]] = {}
    for rule in RULES:
        if rule.anchor is None:
            spans = [(0, len(text))]
        else:
            if rule.anchor not in windows:
                windows[rule.anchor] = _windows(text, _ANCHORS[rule.anchor])
            spans = windows[rule.anchor]
        for m in (m for a, b in spans for m in rule.regex.finditer(text, a, b)):
            if rule.check is not None and not rule.check(m):
                continue
            start, end = m.span(rule.group)
            if start < 0 or start == end:
                continue
            out.append(Candidate(start, end, text[start:end], rule.category, rule.detector, rule.confidence))
    out.extend(_age_extras(text, [c for c in out if c.detector == "age" and c.text[-1:].isalnum()
                                  and " " not in c.text.strip()]))
    # within one detector keep the longest of overlapping hits ("12 March 2023", not also "March 2023")
    out.sort(key=lambda c: (c.detector, c.start, -c.end))
    kept: list[Candidate] = []
    for c in out:
        if kept and kept[-1].detector == c.detector and c.start < kept[-1].end:
            continue
        kept.append(c)
    kept.sort(key=lambda c: (c.start, -c.end))
    return kept


def merge_candidates(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Merge overlapping candidates into one each, sorted by position.

    The merged span is the union of the overlapping ones; its category and
    detector are those of the longest candidate among the confident ones
    (within 0.3 of the best), its confidence the highest.
    """
    cands.sort(key=lambda c: (c.start, -c.end))
    out: list[Candidate] = []
    group: list[Candidate] = []
    end = -1

    def flush() -> None:
        if not group:
            return
        top = max(c.confidence for c in group)
        best = max((c for c in group if c.confidence >= top - 0.3), key=lambda c: (c.end - c.start, c.confidence))
        s, e = min(c.start for c in group), max(c.end for c in group)
        if (s, e, top) == (best.start, best.end, best.confidence):
            out.append(best)
        else:
            out.append(Candidate(s, e, text[s:e], best.category, best.detector, top))

    for c in cands:
        if c.start >= end:
            flush()
            group, end = [c], c.end
        else:
            group.append(c)
            end = max(end, c.end)
    flush()
    return out


__all__ = ["CATEGORIES", "RULES", "Candidate", "Rule", "find_patterns", "merge_candidates", "nhs_number_valid"]
