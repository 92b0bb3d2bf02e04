"""Pattern rules: contact details, IDs, dates, ages."""

from __future__ import annotations

import pytest

from thematica.deid.patterns import CATEGORIES, RULES, find_patterns, nhs_number_valid


def hits(text: str, detector: str | None = None) -> list[tuple[str, str, str]]:
    return [(c.text, c.category, c.detector) for c in find_patterns(text)
            if detector is None or c.detector == detector]


def texts(text: str, detector: str) -> list[str]:
    return [t for t, _, _ in hits(text, detector)]


def test_every_rule_has_a_known_category() -> None:
    assert {r.category for r in RULES} <= set(CATEGORIES)
    assert all(0 < r.confidence <= 1 for r in RULES)


@pytest.mark.parametrize(
    "number",
    ["07700 900123", "07700900123", "+44 7700 900123", "+44 (0) 7700 900123", "(0115) 496 0000",
     "0115-496-0000", "0115 496 0000", "020 7946 0018", "07700 900 123", "+353 1 234 5678"],
)
def test_phone_numbers(number: str) -> None:
    text = f"You can ring me on {number}, any time after six."
    assert texts(text, "phone") == [number]
    (c,) = [c for c in find_patterns(text) if c.detector == "phone"]
    assert text[c.start : c.end] == number and c.category == "contact"


@pytest.mark.parametrize("text", ["It was 2019 or 2020.", "about 1500 people", "07 03 2023", "ref 12345"])
def test_not_phone_numbers(text: str) -> None:
    assert texts(text, "phone") == []


def test_nhs_number_with_check_digit() -> None:
    assert nhs_number_valid("9434765919")
    assert not nhs_number_valid("9434765918")
    assert not nhs_number_valid("943476591")
    text = "My NHS number is 943 476 5919, or 9434765919 without spaces."
    assert hits(text, "nhs_number") == [("943 476 5919", "id", "nhs_number"), ("9434765919", "id", "nhs_number")]


def test_nhs_number_checksum_rejection() -> None:
    assert texts("It said 943 476 5918 on the letter.", "nhs_number") == []
    assert texts("Number 943-476-5919 but not 943 476-5919", "nhs_number") == ["943-476-5919"]


@pytest.mark.parametrize("code", ["NG7 2UH", "M1 1AE", "SW1A 1AA", "ng7 2uh", "B33 8TH", "EC1A1BB"])
def test_postcodes(code: str) -> None:
    text = f"We were living at 14 Elm Close, {code} back then."
    assert hits(text, "postcode") == [(code, "contact", "postcode")]


def test_postcode_inside_a_sentence_and_not_ordinals() -> None:
    assert texts("the flat on Radford Road, NG7 5AB, was damp", "postcode") == ["NG7 5AB"]
    assert texts("take the a1 1st exit then the m1", "postcode") == []
    assert texts("I grew up in NG7, near the uni", "postcode_district") == ["NG7"]


def test_email_url_handle() -> None:
    text = "Email jo.bloggs+cc@example.org.uk, see www.example.org/courses. or https://x.example.com/a?b=1 and @jo_bloggs99."
    assert texts(text, "email") == ["jo.bloggs+cc@example.org.uk"]
    assert "www.example.org/courses" in texts(text, "url")
    assert "https://x.example.com/a?b=1" in texts(text, "url")
    assert texts(text, "handle") == ["@jo_bloggs99"]


def test_bare_domain_and_no_handle_inside_email() -> None:
    assert texts("it's on recoverycollege.nhs.uk now", "url") == ["recoverycollege.nhs.uk"]
    assert texts("write to sam@mind.org", "handle") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("It was 12 March 2023 when I started.", "12 March 2023"),
        ("on the 12th of March, I think", "12th of March"),
        ("from March 2023 onwards", "March 2023"),
        ("on 12/03/2023 at the clinic", "12/03/2023"),
        ("dated 2023-03-12 in the notes", "2023-03-12"),
        ("March 12th, 2023 was the day", "March 12th, 2023"),
        ("on Tuesday 4 April I rang", "Tuesday 4 April"),
        ("since Christmas 2022, really", "Christmas 2022"),
        ("in the summer of 2021 I was discharged", "summer of 2021"),
        ("it was Tuesday the 4th", "Tuesday the 4th"),
        ("on 3.5.22 apparently", "3.5.22"),
        ("in Sept. 2019 I joined", "Sept. 2019"),
    ],
)
def test_dates(text: str, date: str) -> None:
    assert texts(text, "date") == [date]


@pytest.mark.parametrize(
    "text",
    ["last Tuesday was hard", "in March we started", "at Christmas", "the 1990s were hard", "I may march on",
     "May I ask something?", "score of 12/40", "version 2.1.0", "on 45/13/2020", "it took 3 months"],
)
def test_not_dates(text: str) -> None:
    assert texts(text, "date") == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("I'm 34 and I've got two kids", "34"),
        ("I was aged 19 when it started", "19"),
        ("a 34-year-old woman", "34-year-old"),
        ("she's 16 years old", "16 years old"),
        ("when I was twelve, I think", "twelve"),
        ("I turned 50 last year", "50"),
        ("thirty-four years old, me", "thirty-four years old"),
        ("I’m nearly 40.", "40"),
    ],
)
def test_ages(text: str, age: str) -> None:
    assert age in texts(text, "age")
    assert all(c == "age" for _, c, _ in hits(text, "age"))


@pytest.mark.parametrize(
    "text",
    ["in my forties I started again", "I'm 5 minutes away", "I was 10 out of 10 sure", "I'm 100 percent sure",
     "she was in her 30s", "I was 2 hours late", "I'm 6 foot tall", "it was 5 years ago"],
)
def test_not_ages(text: str) -> None:
    assert texts(text, "age") == []


def test_ni_number_and_reference() -> None:
    assert texts("NI number JG 10 37 26 A, hospital number RX1234567.", "ni_number") == ["JG 10 37 26 A"]
    assert texts("hospital number RX1234567, not COVID19 or P03", "reference") == ["RX1234567"]


def test_offsets_after_emoji() -> None:
    text = "🙂🙂 call 07700 900123"
    (c,) = [c for c in find_patterns(text) if c.detector == "phone"]
    assert (c.start, c.end) == (8, 20)


@pytest.mark.parametrize(
    ("text", "year"),
    [("in 2019 it changed", "2019"), ("I've been clean since 2008.", "2008"), ("Back in 1988, I left school", "1988"),
     ("we moved in '98 I think", "'98")],
)
def test_bare_years(text: str, year: str) -> None:
    assert year in [t for t, c, _ in hits(text) if c == "date"]


@pytest.mark.parametrize("text", ["about 2000 people came", "1500 calories a day", "in the 1990s", "£2000 of debt",
                                  "room 2016 on the left", "2000 of them said yes"])
def test_not_bare_years(text: str) -> None:
    assert [t for t, c, _ in hits(text) if c == "date"] == []


@pytest.mark.parametrize(("text", "span"), [("the 2021/22 intake", "2021/22"), ("in 2024/25", "2024/25"),
                                             ("the 2019-20 year", "2019-20"), ("from 2017 to 2019", "2017 to 2019")])
def test_academic_years_and_ranges(text: str, span: str) -> None:
    assert span in texts(text, "date")


def test_academic_year_needs_consecutive_years() -> None:
    assert texts("a score of 2021/45", "date") == []


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("when he was four he started school", "four"),
        ("my eldest is nine", "nine"),
        ("at nineteen I was on my own", "nineteen"),
        ("Five, she was, when it happened.", "Five"),
        ("you're twenty-nine, you can't sit there forever", "twenty-nine"),
        ("Femi is thirty, I think", "thirty"),
        ("I was 15 or 16", "16"),
        ("I've got three kids, ten, seven and two.", "seven"),
        ("Interviewer: And how old are you?\nP3: Forty-one. Forty-two in June.", "Forty-two"),
        ("the baby was six weeks old", "six weeks old"),
    ],
)
def test_ages_in_context(text: str, age: str) -> None:
    assert age in texts(text, "age")


@pytest.mark.parametrize("text", ["we met at seven", "he's one of the good ones", "One, I was scared",
                                  "I was ten pints down", "Liaison is twenty-four seven"])
def test_not_ages_in_context(text: str) -> None:
    assert texts(text, "age") == []


@pytest.mark.parametrize(("text", "code"), [("near DY1 4QF now", "DY1 4QF"), ("my postcode is dy1 4qf", "dy1 4qf"),
                                             ("WV10 9QX", "WV10 9QX")])
def test_postcodes_of_any_letters(text: str, code: str) -> None:
    assert code in texts(text, "postcode")


def test_id_numbers_in_context() -> None:
    assert texts("my NHS number? it's 485 777 3456 I think", "id_number") == ["485 777 3456"]
    assert texts("hospital number is 12345678", "id_number") == ["12345678"]
    assert texts("the number 12345678 was wrong", "id_number") == []
