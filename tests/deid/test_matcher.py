"""TermMatcher and person_variants."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.deid.matcher import Match, TermMatcher, normalise_token, person_variants
from thematica.errors import InvalidInput


def spans(matcher: TermMatcher[str], text: str) -> list[tuple[str, str]]:
    return [(m.text, m.key) for m in matcher.finditer(text)]


def test_case_insensitive_whole_words() -> None:
    m = TermMatcher([("Sarah", "p1")])
    assert spans(m, "Sarah, SARAH and sarah.") == [("Sarah", "p1"), ("SARAH", "p1"), ("sarah", "p1")]


def test_possessive_and_clitics_are_outside_the_span() -> None:
    m = TermMatcher([("Sarah", "p1")])
    text = "Sarah's group, Sarah’s idea, and Sarah'll be there."
    found = list(m.finditer(text))
    assert [(x.start, x.end) for x in found] == [(0, 5), (15, 20), (33, 38)]
    assert all(x.text == "Sarah" for x in found)


def test_never_inside_another_word() -> None:
    m = TermMatcher([("Sarah", 1), ("Jones", 2)])
    assert spans(m, "Sarahs went to Jonestown, met the Jones-Smiths and McJones.") == []


def test_multi_word_across_any_whitespace() -> None:
    m = TermMatcher([("Sarah Jones", "p")])
    text = "It was Sarah\nJones, I mean Sarah   Jones, not Sarah-Jones."
    assert [(x.start, x.end) for x in m.finditer(text)] == [(7, 18), (27, 40)]


def test_longest_match_wins_and_no_overlap() -> None:
    m = TermMatcher([("Sarah", "first"), ("Sarah Jones", "full"), ("Jones", "last")])
    assert spans(m, "Sarah Jones and Jones and Sarah") == [
        ("Sarah Jones", "full"), ("Jones", "last"), ("Sarah", "first"),
    ]


def test_longest_match_with_possessive_on_last_word() -> None:
    m = TermMatcher([("St Mary's Hospital", "h"), ("St Mary's", "c")])
    text = "at St Mary’s Hospital's front door, or St Marys"
    found = list(m.finditer(text))
    assert [(x.text, x.key) for x in found] == [("St Mary’s Hospital", "h"), ("St Marys", "c")]


def test_apostrophe_and_hyphen_variants() -> None:
    m = TermMatcher([("O'Neill", "o"), ("Ann-Marie", "a")])
    text = "O’Neill, ONeill, o'neill; Ann-Marie, ann\u2011marie, but not Ann Marie"
    assert [x.text for x in m.finditer(text)] == ["O’Neill", "ONeill", "o'neill", "Ann-Marie", "ann\u2011marie"]


def test_accents_are_folded_and_offsets_are_code_points() -> None:
    m = TermMatcher([("Siân", "s"), ("Zoe", "z")])
    text = "😀 Sian and 🙂🙂 Zoë and Siân"
    found = list(m.finditer(text))
    assert [(x.start, x.end, x.text) for x in found] == [(2, 6, "Sian"), (14, 17, "Zoë"), (22, 26, "Siân")]
    assert all(text[x.start : x.end] == x.text for x in found)


def test_unicode_word_boundaries() -> None:
    m = TermMatcher([("José", 1), ("Łukasz", 2)])
    assert spans(m, "Joséphine, Josés, José! ŁUKASZ.") == [("José", 1), ("ŁUKASZ", 2)]


def test_punctuation_inside_a_term_must_be_there() -> None:
    m = TermMatcher([("St. Mary's", 1), ("A&E", 2)])
    assert spans(m, "St. Mary's, St Mary's, A&E, A & E") == [("St. Mary's", 1), ("A&E", 2)]


def test_prefix_symbols_are_required() -> None:
    m = TermMatcher([("@sarahj", "h")])
    assert spans(m, "follow @sarahj or sarahj") == [("@sarahj", "h")]


def test_first_pair_wins_for_duplicate_terms() -> None:
    m = TermMatcher([("Sarah", 1), ("SARAH", 2), ("sarah", 3)])
    assert len(m) == 1
    assert spans(m, "sarah") == [("sarah", 1)]


def test_keys_may_be_any_object() -> None:
    key = object()
    m = TermMatcher([("Rowan Ward", key)])
    (hit,) = m.finditer("on rowan ward")
    assert hit == Match(3, 13, "rowan ward", key)


@pytest.mark.parametrize("term", ["", "   ", "---", "'"])
def test_terms_without_letters_are_invalid(term: str) -> None:
    with pytest.raises(InvalidInput):
        TermMatcher([(term, 1)])


def test_empty_matcher_and_empty_text() -> None:
    assert list(TermMatcher([]).finditer("Sarah")) == []
    assert list(TermMatcher([("Sarah", 1)]).finditer("")) == []


def test_sub_keeps_possessives() -> None:
    m = TermMatcher([("Sarah Jones", "Person 1"), ("Sarah", "Person 1")])
    text = "Sarah Jones's group; sarah’s idea."
    assert m.sub(text, lambda x: f"[{x.key}]") == "[Person 1]'s group; [Person 1]’s idea."
    assert m.sub(text, "X") == "X's group; X’s idea."


def test_numbers_in_terms() -> None:
    m = TermMatcher([("Ward 7", "w")])
    assert spans(m, "ward 7, Ward 77, Ward  7") == [("ward 7", "w"), ("Ward  7", "w")]


def test_normalise_token() -> None:
    assert normalise_token("O’Neill") == "oneill"
    assert normalise_token("SIÂN") == "sian"
    assert normalise_token("Ann\u2010Marie") == "ann-marie"


def test_speed_with_two_thousand_terms() -> None:
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz"

    def word() -> str:
        return "".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))

    terms = [(f"{word().title()} {word().title()}" if i % 2 else word().title(), i) for i in range(2000)]
    m = TermMatcher(terms)
    text = " ".join(word() for _ in range(150_000)) + " " + " ".join(t for t, _ in terms[:50])
    t0 = time.perf_counter()
    found = list(m.finditer(text))
    rate = len(text) / (time.perf_counter() - t0)
    assert len(found) >= 50
    assert rate > 2_000_000, f"{rate / 1e6:.2f} MB/s"


_WORDS = st.sampled_from(["Sarah", "Jones", "sarah", "Ann-Marie", "O'Neill", "and", "Ward", "7", "'s", "x"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_WORDS, max_size=30), st.lists(st.sampled_from([" ", "  ", "\n", ", ", "-", "’"]), min_size=1))
def test_matches_are_ordered_disjoint_and_exact(words: list[str], seps: list[str]) -> None:
    text = "".join(w + seps[i % len(seps)] for i, w in enumerate(words))
    m = TermMatcher([("Sarah", 1), ("Sarah Jones", 2), ("O'Neill", 3), ("Ward 7", 4), ("Ann-Marie", 5)])
    last = 0
    for hit in m.finditer(text):
        assert last <= hit.start < hit.end
        assert text[hit.start : hit.end] == hit.text
        assert hit.start == 0 or not text[hit.start - 1].isalnum()
        assert hit.end == len(text) or not text[hit.end].isalnum()
        last = hit.end


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sarah Jones", ["Sarah Jones", "Sarah", "Jones"]),
        ("Dr Ann-Marie O'Neill", ["Ann-Marie O'Neill", "Ann Marie O'Neill", "Ann-Marie", "Ann Marie", "O'Neill"]),
        ("Mrs. Priya K. Sharma", ["Priya Sharma", "Priya", "Sharma"]),
        ("Sarah Jane Jones", ["Sarah Jane Jones", "Sarah Jones", "Sarah", "Jane", "Jones"]),
        ("Ludwig van Beethoven", ["Ludwig van Beethoven", "Ludwig", "van Beethoven", "Beethoven"]),
        ("Jo Li", ["Jo Li"]),
        ("Prof", []),
        ("Will Smith Jr", ["Will Smith", "Smith"]),
    ],
)
def test_person_variants(name: str, expected: list[str]) -> None:
    assert person_variants(name) == expected


def test_person_variants_never_emit_short_tokens_or_stopwords() -> None:
    for name in ["Ed Ng", "Mr May Jones", "Al Murray", "Sister Mary Ann Lee"]:
        for v in person_variants(name):
            if " " not in v:
                assert len(v) >= 3 and v.casefold() not in {"will", "the", "and"}
