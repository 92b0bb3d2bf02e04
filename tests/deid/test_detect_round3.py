"""detect(), round 3: lower-case places, initials, structured IDs, bare ages, generic-head
organisations, ordinary-word names with strong cues, and false alarms to avoid.
Examples written for these tests (not from any evaluation set)."""

from __future__ import annotations

import pytest

from thematica.deid import detect


def found(text: str) -> list[tuple[str, str]]:
    return [(c.text, c.category) for c in detect(text)]


def _hit(text: str, span: str, category: str | None = None) -> bool:
    """True if a candidate covers ``span`` (with the category, if given)."""
    s = text.index(span)
    e = s + len(span)
    return any(c.start <= s and e <= c.end and (category is None or c.category == category) for c in detect(text))


_LOWER = ("yeah so um we were living off {} at the time and it was er quite rough you know "
          "and the buses never came so i just walked everywhere and that was it really for a while "
          "because i did not have any money and i did not know anyone round there at all honestly")


@pytest.mark.parametrize("span", [
    "tanner street", "birch lane", "foxglove ward", "hallgate housing", "st aidan's church",
    "caerleon rfc", "dunmore surgery",
])
def test_lower_case_places_with_cue_words(span: str) -> None:
    assert _hit(_LOWER.format(span), span)


def test_lower_case_town_after_preposition() -> None:
    text = _LOWER.format("the estate") + " and then we moved to leeds when i was small"
    assert _hit(text, "leeds", "place")


def test_lower_case_ambiguous_town_after_preposition() -> None:
    text = _LOWER.format("the estate") + " and then we moved to hull when i was small"
    assert _hit(text, "hull", "place")


def test_lower_case_cue_word_alone_is_not_a_place() -> None:
    text = _LOWER.format("the main road") + " then the big school and the new church"
    assert not any(c.category in ("place", "organisation") for c in detect(text))


@pytest.mark.parametrize(("text", "span"), [
    ("Me and RK went down the shop after.", "RK"),
    ("So PJ said he'd drive us there.", "PJ"),
    ("Everyone called him Gaz at the club.", "Gaz"),
    ("Then Big T turned up with the van.", "Big T"),
    ("The letter was from R. Okonkwo at the office.", "R. Okonkwo"),
    ("My keyworker was Rosario dela Paz for two years.", "Rosario dela Paz"),
    ("I went round with Kes and Dunc after work.", "Dunc"),
    ("Honestly TJ was the only one who listened.", "TJ"),
    ("There was a lad called DW on the ward.", "DW"),
])
def test_initials_and_short_nicknames(text: str, span: str) -> None:
    assert _hit(text, span, "person")


@pytest.mark.parametrize("text", [
    "The MDT and the CPN agreed on the plan.", "My GP said the OT would ring.",
    "I did CBT and then the NHS stopped it.",
])
def test_acronyms_are_not_initials(text: str) -> None:
    assert not any(c == "person" for _, c in found(text))


@pytest.mark.parametrize(("text", "span"), [
    ("My national insurance is PK 48 21 93 C I think.", "PK 48 21 93 C"),
    ("It's on the form, JT482193B, at the top.", "JT482193B"),
    ("The case number was ASC/2021/08813 on the letter.", "ASC/2021/08813"),
    ("Quote reference HB-19-55201 when you ring.", "HB-19-55201"),
    ("My record is PX7741023 apparently.", "PX7741023"),
])
def test_structured_ids(text: str, span: str) -> None:
    assert _hit(text, span, "id")


@pytest.mark.parametrize(("text", "span"), [
    ("My son, he's 27 and still at home.", "27"),
    ("I was 44 when the diagnosis came.", "44"),
    ("I left school at sixteen and went straight to work.", "sixteen"),
    ("She was only fourteen, just a baby really.", "fourteen"),
    ("Mum turned sixty in the spring.", "sixty"),
    ("When I was eighteen I moved out.", "eighteen"),
    ("Dad's eighty next year, can you believe it.", "eighty"),
])
def test_ages_in_age_contexts(text: str, span: str) -> None:
    assert _hit(text, span, "age")


@pytest.mark.parametrize(("text", "span"), [
    ("The grant came from the Hartwell Foundation in the end.", "Hartwell Foundation"),
    ("I got the job through Pinnacle Recruitment.", "Pinnacle Recruitment"),
    ("He does shifts at Sparkle Car Wash on the ring road.", "Sparkle Car Wash"),
    ("We meet at Café Lumen on Thursdays.", "Café Lumen"),
    ("He cuts hair at Tariq's Barbers now.", "Tariq's Barbers"),
    ("I volunteer on the Greenshoots Project most weeks.", "Greenshoots Project"),
    ("I had a slot on Beacon FM for a bit.", "Beacon FM"),
    ("They played it on Radio Tamar that morning.", "Radio Tamar"),
    ("She went to Oakfield High before college.", "Oakfield High"),
])
def test_organisations_with_a_generic_head(text: str, span: str) -> None:
    assert _hit(text, span)


def test_charity_and_its_place() -> None:
    got = found("I went to Mind in Kirkwall for the group.")
    assert ("Mind", "organisation") in got and ("Kirkwall", "place") in got


@pytest.mark.parametrize(("text", "span"), [
    ("I sat next to Patience and we got talking.", "Patience"),
    ("Then Precious rang me about the rota.", "Precious"),
    ("my cousin joy came round after.", "joy"),
    ("honestly, it was me and holly in the end.", "holly"),
    ("and then grace said she'd had enough.", "grace"),
])
def test_ordinary_word_names_with_cues(text: str, span: str) -> None:
    assert _hit(text, span, "person")


@pytest.mark.parametrize("text", [
    "I did a Gaelic-medium course last year.",
    "We talk on Telegram and Viber mostly.",
    "I wrote Mr and then stopped.",
    "The Windrush scandal hit my uncle hard.",
    "Lots of Hong Kongers came to the area.",
    "We went to Carnival every August.",
    "We used to watch MASH with my dad.",
    "my nan has asthma and my brother has eczema.",
    "my mum rose early every day.",
])
def test_round3_false_alarms(text: str) -> None:
    assert not any(c in ("person", "place", "organisation") for _, c in found(text))
