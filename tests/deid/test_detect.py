"""detect(): the combined detector, on short development passages written for these tests."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.deid import CATEGORIES, Candidate, detect
from thematica.errors import InvalidInput

KNOWN = [("Sarah Jones", "person"), ("Sarah", "person"), ("Jones", "person"), ("Rowan Ward", "place")]


def found(text: str, **kw: object) -> list[tuple[str, str]]:
    return [(c.text, c.category) for c in detect(text, **kw)]  # type: ignore[arg-type]


def flagged_words(text: str, **kw: object) -> set[str]:
    return {c.text for c in detect(text, **kw)}  # type: ignore[arg-type]


# (passage, identifiers that must be found exactly as (span text, category))
PASSAGES: list[tuple[str, list[tuple[str, str]]]] = [
    ("Interviewer: How did you hear about the college?\nP03: My care coordinator, Dawn, told me about it.",
     [("Dawn", "person")]),
    ("P07: Well, I did the Hearing Voices course with Kwame and his wife Abena.",
     [("Kwame", "person"), ("Abena", "person")]),
    ("So Priya Sharma was my peer trainer, and honestly she was brilliant.", [("Priya Sharma", "person")]),
    ("I was on Rowan Ward for about six weeks in 2019.", [("Rowan Ward", "place")]),
    ("They moved me to Ward 7 at the Queen's Medical Centre.",
     [("Ward 7", "place"), ("Queen's Medical Centre", "place")]),
    ("I'm 34 now, and I was diagnosed when I was 19.", [("34", "age"), ("19", "age")]),
    ("My NHS number is 943 476 5919, if that helps.", [("943 476 5919", "id")]),
    ("Ring me on 07700 900 123 or the office on (0115) 496 0000.",
     [("07700 900 123", "contact"), ("(0115) 496 0000", "contact")]),
    ("We live just off Mansfield Road, NG3 5AA, near the park.",
     [("Mansfield Road", "place"), ("NG3 5AA", "contact")]),
    ("Yes. Because when it got bad, I rang the Samaritans.", [("Samaritans", "organisation")]),
    ("Then Mrs O'Connor, the ward manager, said I could go home at Christmas.", [("O'Connor", "person")]),
    ("Dr. Okafor-Adeyemi reviewed my meds on 12th March 2022.",
     [("Okafor-Adeyemi", "person"), ("12th March 2022", "date")]),
    ("me and sarah used to sit in the garden. Sarah said it helped.", [("sarah", "person"), ("Sarah", "person")]),
    ("My co-trainer Grace ran the session on Tuesday.", [("Grace", "person")]),
    ("I went to Mind in Northfield for a bit, then to Off The Record.",
     [("Mind", "organisation"), ("Northfield", "place"), ("Off The Record", "organisation")]),
    ("The Recovery College is run by Nottinghamshire Healthcare NHS Foundation Trust.",
     [("Nottinghamshire Healthcare NHS Foundation Trust", "organisation")]),
    ("Email me at jo.bloggs@example.org or find me @jobloggs_99 on Twitter.",
     [("jo.bloggs@example.org", "contact"), ("@jobloggs_99", "contact")]),
    ("😊 Siân came to every session, bless her.", [("Siân", "person")]),
    ("Interviewer: And Ann-Marie?\nP12: Ann-Marie O'Neill's group, yeah, that was the best.",
     [("Ann-Marie", "person"), ("Ann-Marie O'Neill", "person")]),
    ("She's a 45-year-old mum from Leicester.", [("45-year-old", "age"), ("Leicester", "place")]),
    ("It was the 3rd of June, I think, or June 2020.", [("3rd of June", "date"), ("June 2020", "date")]),
    ("The consultant, Dr Farah Hussain, was lovely.", [("Farah Hussain", "person")]),
    ("We did a session at St Ann's Hospital with Mark.", [("St Ann's Hospital", "place"), ("Mark", "person")]),
    ("I told Jack and Will about it.", [("Jack", "person"), ("Will", "person")]),
    ("P04: When I turned 50 I moved to Wolverhampton.", [("50", "age"), ("Wolverhampton", "place")]),
    ("my old flat was at 14 Elm Close, NG7 2UH.", [("14 Elm Close", "place"), ("NG7 2UH", "contact")]),
    ("There was a lady called Bernadette from the Trust.", [("Bernadette", "person")]),
    ("Rosie from Turning Point got me into it.", [("Rosie", "person"), ("Turning Point", "organisation")]),
    ("Because Sister Bridget ran Cedar Ward back then.", [("Bridget", "person"), ("Cedar Ward", "place")]),
    ("My neighbour Małgorzata Kowalska helped with the forms.", [("Małgorzata Kowalska", "person")]),
    ("In May we went to Skegness for the day.", [("Skegness", "place")]),
    ("I met Tunde at the Northfield Recovery College in 2021.",
     [("Tunde", "person"), ("Northfield Recovery College", "organisation")]),
    ("Sarah’s idea was brilliant, Jones agreed.", [("Sarah", "person"), ("Jones", "person")]),
    ("Grace was there. With Grace it's easy, you know.", [("Grace", "person"), ("Grace", "person")]),
    ("I was a 19 year old from Milton Keynes then.", [("19 year old", "age"), ("Milton Keynes", "place")]),
    ("Her name is Oluwaseun but everyone calls her Seun.", [("Oluwaseun", "person"), ("Seun", "person")]),
    ("I stayed at the Priory Hospital, then Highbury Hospital.",
     [("Priory Hospital", "place"), ("Highbury Hospital", "place")]),
    ("ANNE-MARIE was SHOUTING, ha.", [("ANNE-MARIE", "person")]),
]


@pytest.mark.parametrize(("text", "expected"), PASSAGES, ids=[p[0][:40] for p in PASSAGES])
def test_passages(text: str, expected: list[tuple[str, str]]) -> None:
    cands = detect(text, known=KNOWN)
    got = [(c.text, c.category) for c in cands]
    for item in expected:
        assert item in got, f"missing {item} in {got}"
    assert len([g for g in got if g in expected]) >= len(expected)
    for c in cands:
        assert text[c.start : c.end] == c.text
        assert c.category in CATEGORIES
        assert 0.0 <= c.confidence <= 1.0


# passages where nothing at all should be reported
CLEAN = [
    "Well, yes. So it was hard, you know? Because when I got there, nobody knew.",
    "Then Monday came and it was awful. Tuesday was better.",
    "Honestly? It's the NHS. You wait and wait. God knows why.",
    "I hope so. Hope is what the Recovery College gave me, really.",
    "Mark my words, it will change. May I say something? Will you come?",
    "In my forties I started again, after Covid. At Christmas I was low.",
    "Last Tuesday I went to the GP and the Health Centre, then the Trust rang.",
    "Interviewer: Okay. And how did that feel?\nParticipant 3: Mm. Scary, to be honest. [laughs]",
    "We did CBT, then DBT, and the WRAP course on Zoom, in English.",
    "Off the record, I wasn't happy. Reading helps me though.",
    "I was 5 minutes late, about 20 people were there, about 2000 of them online.",
]


@pytest.mark.parametrize("text", CLEAN, ids=[t[:40] for t in CLEAN])
def test_no_flags_on_ordinary_speech(text: str) -> None:
    assert found(text) == []


def test_exact_offsets_after_emoji_and_accents() -> None:
    text = "🙂 Zoë and 👍🏽 José Martínez came"
    cands = detect(text)
    spans = {(c.start, c.end, c.text) for c in cands}
    assert (2, 5, "Zoë") in spans
    assert (13, 26, "José Martínez") in spans  # the skin-tone emoji is two code points


def test_possessive_not_in_span() -> None:
    text = "It was Priya’s idea and Tom's plan."
    assert ("Priya", "person") in found(text)
    assert ("Tom", "person") in found(text)


def test_register_matches_have_full_confidence() -> None:
    (c,) = [c for c in detect("we sat with rowan ward staff", known=KNOWN) if c.detector == "register"]
    assert (c.text, c.category, c.confidence) == ("rowan ward", "place", 1.0)


def test_register_common_word_in_lower_case_is_less_confident() -> None:
    cands = detect("Hope came late. I hope so.", known=[("Hope", "person")])
    conf = {(c.start, c.text): c.confidence for c in cands}
    assert conf[(0, "Hope")] == 1.0
    assert conf[(18, "hope")] == 0.5


def test_speaker_labels_are_not_names_unless_known() -> None:
    text = "Sarah: I think so.\nInterviewer: Thank you, Sarah."
    cands = detect(text, speakers=["Sarah", "Interviewer"])
    assert [(c.start, c.text) for c in cands] == [(43, "Sarah")]
    cands = detect(text, speakers=["Sarah", "Interviewer"], known=[("Sarah", "person")])
    assert [(c.start, c.text) for c in cands] == [(0, "Sarah"), (43, "Sarah")]


def test_names_after_labels_at_line_start() -> None:
    text = "Interviewer: Right.\nP02: Kieran was my tutor.\n[00:01:02] P02: Declan too."
    cands = detect(text, speakers=["Interviewer", "P02"])
    assert [(c.text, c.category) for c in cands] == [("Kieran", "person"), ("Declan", "person")]


def test_fuzzy_misspellings_of_known_people() -> None:
    cands = detect("Then Sarrah rang, and Jonse too. jones said hi.", known=KNOWN)
    by_text = {c.text: c for c in cands}
    assert by_text["Sarrah"].detector == "fuzzy" and by_text["Sarrah"].category == "person"
    assert by_text["Jonse"].detector == "fuzzy"
    assert by_text["Sarrah"].confidence < 1.0
    assert by_text["jones"].detector == "register"


def test_fuzzy_ignores_short_terms_and_common_words() -> None:
    cands = detect("I sat at the table. Bill was late.", known=[("Tabl", "person"), ("Bills", "person")])
    assert not any(c.detector == "fuzzy" for c in cands)


def test_allow_list_is_never_reported() -> None:
    text = "I went to Mind with Sarah, then to Northfield."
    assert ("Mind", "organisation") in found(text)
    got = found(text, allow=["mind", "NORTHFIELD"], known=KNOWN)
    assert got == [("Sarah", "person")]


def test_generic_services_alone_are_not_flagged() -> None:
    assert found("the Recovery College was good, and the NHS Trust, and the Crisis Team.") == []


def test_overlaps_merge_into_one_candidate() -> None:
    cands = detect("It was Sarah Jones Road, I think.", known=KNOWN)
    assert len(cands) == 1
    assert cands[0].text == "Sarah Jones Road"
    assert cands[0].confidence == 1.0


def test_title_and_capitalised_surname_that_is_a_word() -> None:
    assert ("Brown", "person") in found("I saw Mrs Brown and Dr Will Green on Monday.")
    assert ("Will Green", "person") in found("I saw Mrs Brown and Dr Will Green on Monday.")


def test_sentence_start_name_with_verb_cue() -> None:
    assert ("Will", "person") in found("Will said I should go. Then we went.")
    assert found("Will it help? Maybe.") == []


def test_unknown_capitalised_word_is_other() -> None:
    cands = detect("We used to go to Quixley's on the corner, me and Thandiwe.")
    cats = {c.text: c.category for c in cands}
    assert cats.get("Thandiwe") in {"person", "other"}
    assert "Quixley" in cats


def test_bad_known_category_is_invalid() -> None:
    with pytest.raises(InvalidInput):
        detect("Sarah", known=[("Sarah", "human")])


def test_candidate_is_frozen() -> None:
    c = detect("Priya came.")[0]
    assert isinstance(c, Candidate)
    with pytest.raises(AttributeError):
        c.start = 3  # type: ignore[misc]


def test_empty_text() -> None:
    assert detect("") == []


def test_speed_forty_thousand_words_per_second() -> None:
    para = " ".join(p for p, _ in PASSAGES) + " " + " ".join(CLEAN)
    text = "\n".join(f"P{i % 9:02d}: {para}" for i in range(60))
    words = len(text.split())
    known = [(f"Person{i} Surname{i}", "person") for i in range(45)] + KNOWN
    detect(text[:2000], known=known)  # load the word lists
    t0 = time.perf_counter()
    detect(text, known=known, speakers=[f"P{i:02d}" for i in range(9)])
    rate = words / (time.perf_counter() - t0)
    assert rate > 40_000, f"{rate:,.0f} words/s"


def test_lower_case_automatic_transcript() -> None:
    text = (
        "interviewer: so how did you get on with the course\n"
        "p01: yeah it was good actually me and priya went together and then we joined the group later on\n"
        "interviewer: right and was that at the college\n"
        "p01: no it was at the library in beeston because the college was shut for a while\n"
        "interviewer: okay and who ran it\n"
        "p01: a woman called janet and a peer trainer he was brilliant honestly\n"
    )
    got = found(text, speakers=["interviewer", "p01"])
    assert ("priya", "person") in got
    assert ("beeston", "place") in got
    assert ("janet", "person") in got
    assert not any(t in {"will", "college", "library", "group"} for t, _ in got)


def test_abbreviation_full_stop_is_not_a_sentence_end() -> None:
    got = found("We were at St. Mary's Hospital, and Mrs. Hope came.")
    assert ("St. Mary's Hospital", "place") in got
    assert ("Hope", "person") in got


_PIECES = st.sampled_from([
    "Sarah", "sarah", "Dr", "Mrs.", " ", "  ", "\n", ". ", ", ", ": ", "Rowan", "Ward", "7", "'s", "’s", "O'Neill",
    "Ann-Marie", "the", "Recovery", "College", "in", "Northfield", "07700 900123", "NG7 2UH", "12 March 2023",
    "I'm", "34", "😀", "Zoë", "Interviewer", "P03", "-", "Will", "said", "Mind", "and", "Trust", "@x", "St",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_candidates_are_sorted_disjoint_and_exact(pieces: list[str]) -> None:
    text = "".join(pieces)
    last = 0
    for c in detect(text, known=KNOWN, speakers=["Interviewer", "P03"]):
        assert last <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert c.category in CATEGORIES and 0 <= c.confidence <= 1
        last = c.end


# -- recall classes (examples written for these tests) --------------------------------------

def _has(text: str, span: str, category: str | None = None, **kw: object) -> bool:
    return any(t == span and (category is None or c == category) for t, c in found(text, **kw))


@pytest.mark.parametrize(("text", "span"), [
    ("I left school back in 2004 and never went back.", "2004"),
    ("Since 1997 I've lived on the same street.", "1997"),
    ("It was 2020, lockdown, when it all came to a head.", "2020"),
    ("We started the 2022/23 cohort in the autumn.", "2022/23"),
    ("In the 2019-20 year the college moved buildings.", "2019-20"),
])
def test_bare_and_academic_years_are_dates(text: str, span: str) -> None:
    assert _has(text, span, "date")


@pytest.mark.parametrize("text", [
    "About 2000 people did the survey.", "I was eating 1500 calories a day.", "It was the 1980s, mind.",
    "Room 2011 is upstairs.",
])
def test_quantities_and_decades_are_not_years(text: str) -> None:
    assert not any(c == "date" for _, c in found(text))


@pytest.mark.parametrize(("text", "span"), [
    ("When I was thirteen my dad left.", "thirteen"),
    ("My youngest is seven and she's a handful.", "seven"),
    ("I'd just turned eighteen when I got sectioned.", "eighteen"),
    ("He was aged sixty-two when he died.", "sixty-two"),
    ("Interviewer: How old was she then?\nP2: Nine. Nearly ten.", "Nine"),
    ("Seven, he was, when they took him into care.", "Seven"),
    ("At seventeen, I moved out.", "seventeen"),
    ("My brother's 52 and still lives with mum.", "52"),
])
def test_spelled_and_numeric_ages(text: str, span: str) -> None:
    assert _has(text, span, "age")


@pytest.mark.parametrize("text", [
    "We met at seven for a coffee.", "She's one of the facilitators.", "I was two minutes late.",
    "I was ten pints down by then.",
])
def test_numbers_that_are_not_ages(text: str) -> None:
    assert not any(c == "age" for _, c in found(text))


@pytest.mark.parametrize(("text", "span"), [
    ("honestly after that, priya said I should just go for it.", "priya"),
    ("It was me and becky every week at the café.", "becky"),
    ("I went with tunde because I was scared on my own.", "tunde"),
    ("We were there till late, gemma and tash and me.", "gemma"),
    ("You know lorraine hughes from the Monday group?", "lorraine hughes"),
    ("It was Nisha who rang. nisha always rings.", "nisha"),
])
def test_lower_case_names_in_context(text: str, span: str) -> None:
    assert _has(text, span, "person")


@pytest.mark.parametrize(("text", "span"), [
    ("Everyone called him Robbo at work.", "Robbo"),
    ("Then Little Dave turned up with the keys.", "Little Dave"),
    ("I sat next to big mick every week.", "big mick"),
    ("The nurse on nights, Nurse Adebayo-Cole, was kind.", "Adebayo-Cole"),
    ("My support worker Thuy Linh helped me fill it in.", "Thuy Linh"),
    ("My friend Zarina came along the first time.", "Zarina"),
    ("Pastor Emmanuel prayed with me.", "Emmanuel"),
    ("It was my mate Jonno who found the leaflet.", "Jonno"),
])
def test_nicknames_titles_and_rarer_names(text: str, span: str) -> None:
    assert _has(text, span, "person")


@pytest.mark.parametrize(("text", "span"), [
    ("I told Dawn and she cried.", "Dawn"),
    ("We sat with Faith in the garden.", "Faith"),
    ("Sky is my care coordinator now.", "Sky"),
    ("Honestly, Summer was the best tutor.", "Summer"),
])
def test_names_that_are_ordinary_words(text: str, span: str) -> None:
    assert _has(text, span, "person")


@pytest.mark.parametrize(("text", "span"), [
    ("Send it to WV14 6QR please.", "WV14 6QR"),
    ("My postcode is b23 7zz if you need it.", "b23 7zz"),
])
def test_postcodes_of_any_letters(text: str, span: str) -> None:
    assert _has(text, span, "contact")


@pytest.mark.parametrize(("text", "span", "category"), [
    ("We moved to Upper Stoke when I was small.", "Upper Stoke", "place"),
    ("My nan's from Llanrumney originally.", "Llanrumney", "place"),
    ("I drive for Sandwell Community Transport on Mondays.", "Sandwell Community Transport", "organisation"),
    ("Whitefriars Housing sorted the flat in the end.", "Whitefriars Housing", "organisation"),
    ("She was at the Coventry Mother and Baby Unit for weeks.", "Coventry Mother and Baby Unit", "place"),
    ("Bramble Street is where the group meets.", "Bramble Street", "place"),
    ("I played for Tividale Rovers as a kid.", "Tividale Rovers", "organisation"),
    ("I was on the tills at Sainsbury's for ten years.", "Sainsbury's", "organisation"),
    ("I used to work at Kwik Fit in town.", "Kwik Fit", "organisation"),
])
def test_places_and_organisations_without_strong_cues(text: str, span: str, category: str) -> None:
    assert _has(text, span, category)


@pytest.mark.parametrize("text", [
    "My family are from Eritrea and we speak Tigrinya at home.",
    "She's Ghanaian and goes to church every Sunday.",
    "We did Painting for Beginners and Creativity and Calm.",
    "The TAs and the GPs were all on strike.",
    "Mrs... I can't remember her name now.",
    "My dad is Pakistani, my mum is Welsh, and I speak Urdu and English.",
    "After Jummah we go for food.",
])
def test_countries_languages_course_titles_are_not_identifiers(text: str) -> None:
    assert found(text) == []


def test_turn_labels_are_not_names_without_speakers() -> None:
    text = "INT: And then?\nR: Then it got better.\nP12: Same.\nFG3-P2: Yeah.\nFacilitator: Okay.\nDawn: Hi."
    assert found(text) == []
    assert ("Dawn", "person") in found(text, known=[("Dawn", "person")])


def test_a_place_found_once_is_found_again() -> None:
    text = "P1: I was at Cygnet for a year.\nP2: Cygnet in Bury?"
    assert [t for t, _ in found(text)].count("Cygnet") == 2


def test_bracketed_labels_and_lower_case_places() -> None:
    assert found("[P07] Patience. She's never in a hurry.") == []
    assert ("chelmsley wood", "place") in found("then we moved to chelmsley wood when i was ten")


def test_ordinal_birthday_is_an_age() -> None:
    assert ("40th", "age") in found("It was the week after my 40th, I remember.")
    assert not any(c == "age" for _, c in found("It was my 3rd time there."))
