"""The name-likeness scorer (thematica.deid.namelike) and the unknown-name rules that use it."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from importlib import resources

import pytest

from thematica.deid import detect
from thematica.deid import lexicon as lx
from thematica.deid.namelike import DATA_FILE, NameLikeness, model, name_likeness, ngrams

#: Names of origins the lists cover thinly (Shona, Lithuanian, Japanese, Welsh, Zulu): in no list.
UNLISTED_NAMES = ("kudzanai rufaro nomvula rutendo shingai tapiwa ugne aurelija akihiro kazuki ayumi "
                  "tomoya haruki kaito yuna gwilym dilwyn").split()
#: Ordinary words of the kind that reach the scorer (in no list).
UNLISTED_WORDS = ("trampoline spreadsheet onboarding tupperware paperwork dashboard broadband screenshot "
                  "printer keyboard microwave clipboard teabag").split()


def _in_lists(word: str) -> bool:
    return word in lx.first_names() or word in lx.surnames() or word in lx.common_words()


def test_probe_words_are_in_no_list() -> None:
    assert not [w for w in UNLISTED_NAMES + UNLISTED_WORDS if _in_lists(w)]


def test_ngrams_have_boundary_marks() -> None:
    grams = ngrams("dai")
    assert "^d" in grams and "i$" in grams and "^dai" in grams and "dai$" in grams
    assert all(2 <= len(g) <= 4 for g in grams)


def test_listed_names_score_high_and_common_words_low() -> None:
    rng = random.Random(7)
    first = [w for w in sorted(lx.first_names()) if w.isalpha() and w not in lx.common_words()]
    common = [w for w in sorted(lx.common_words().words) if w.isalpha() and len(w) > 3
              and w not in lx.first_names() and w not in lx.surnames()]
    names = rng.sample(first, 400)
    words = rng.sample(common, 400)
    assert sum(name_likeness(w) > 0.5 for w in names) / 400 > 0.85
    assert sum(name_likeness(w) < 0.5 for w in words) / 400 > 0.7


def test_unlisted_names_score_high_and_ordinary_words_low() -> None:
    names = [name_likeness(w) for w in UNLISTED_NAMES]
    words = [name_likeness(w) for w in UNLISTED_WORDS]
    assert sum(s > 0.5 for s in names) / len(names) >= 0.8, dict(zip(UNLISTED_NAMES, names))
    assert sum(s < 0.5 for s in words) / len(words) >= 0.8, dict(zip(UNLISTED_WORDS, words))
    assert sum(names) / len(names) - sum(words) / len(words) > 0.5


def test_scores_are_probabilities_and_hyphens_average() -> None:
    m = model()
    for key in ("tendai", "okafor-adeyemi", "x", "1234", "-", "ab-12"):
        assert 0.0 <= m.score(key) <= 1.0
    assert m.score("1234") == 0.0
    a, b = m.logit("okafor"), m.logit("adeyemi")
    z = (a + b) / 2
    assert m.score("okafor-adeyemi") == pytest.approx(1 / (1 + 2.718281828459045 ** -z))


def test_toy_model_scores_by_its_weights() -> None:
    toy = NameLikeness({"^ta": 2.0, "ai$": 1.0, "ing$": -3.0}, -0.5)
    assert toy.logit("tai") == pytest.approx(2.5)
    assert toy.logit("testing") == pytest.approx(-3.5)
    assert toy.score("tai") > 0.9 > 0.1 > toy.score("testing")


def test_data_file_is_small_and_loads_lazily() -> None:
    size = len(resources.files("thematica.deid").joinpath("data", DATA_FILE).read_bytes())
    assert size < 300_000
    code = ("import thematica.deid as d, thematica.deid.namelike as n; d.detect('Well, yes. I went home.'); "
            "a = n.model.cache_info().currsize; d.detect('I sat with Tendai.'); "
            "print(a, n.model.cache_info().currsize)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "1"]


def test_scoring_is_fast() -> None:
    m = model()
    rng = random.Random(1)
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
             for _ in range(20_000)]
    t0 = time.perf_counter()
    for w in words:
        m.logit(w)
    assert time.perf_counter() - t0 < 1.0  # about 10 microseconds a word


def _person(text: str, span: str) -> bool:
    return any(c.text == span and c.category == "person" for c in detect(text))


@pytest.mark.parametrize(("text", "span"), [
    ("I sat with Farai every week.", "Farai"),  # inside a sentence, no cue needed
    ("Honestly, Rudo was like a mum to me.", "Rudo"),
    ("Dovydas works nights at the warehouse.", "Dovydas"),  # sentence start + a verb
    ("Tinashe's the reason I kept going.", "Tinashe"),  # sentence start + 's
    ("Yui and Riku are in the same class.", "Yui"),  # sentence start + "and" + a name
    ("Yui and Riku are in the same class.", "Riku"),
    ("Kudzai and me went along.", "Kudzai"),
    ("Paulauskas, that was the landlord's name.", "Paulauskas"),  # comma + clause
    ("Munya - that's short for Munyaradzi.", "Munya"),
    ("Sota Ishikawa was my tutor.", "Sota Ishikawa"),  # two name-like words: a full name
    ("It was Nkosana Ncube who started it.", "Nkosana Ncube"),
    ("My sister Memory lives there still.", "Memory"),  # an ordinary word right after a relation
])
def test_unknown_names_by_look_and_place(text: str, span: str) -> None:
    assert _person(text, span), detect(text)


def test_sentence_start_needs_a_continuation_or_an_echo() -> None:
    assert detect("Onigiri for lunch, every day.") == []
    text = "Gwil next door was kind. We all loved Gwil."
    assert [c.text for c in detect(text)] == ["Gwil", "Gwil"]
    assert detect(text)[0].detector == "echo"


@pytest.mark.parametrize("text", [
    "Sertraline was awful. Quetiapine is worse.",  # sentence start, verb, but not name-like
    "We speak Shona and Ndebele at home.",  # languages
    "In March, on Fridays, we met. Ramadan was hard.",  # months, weekdays, holidays
    "The course was called Recovery.",  # an ordinary word after "called" is not taken
    "Zumba, then Pilates, then home.",
    "The LMHT and the CRHT were both involved.",  # acronyms
])
def test_not_names(text: str) -> None:
    assert not [c for c in detect(text) if c.category == "person"], detect(text)


def test_register_near_miss_beats_the_look_of_a_word() -> None:
    cands = detect("Then Tendia rang.", known=[("Tendai", "person")])
    assert [(c.text, c.detector) for c in cands] == [("Tendia", "fuzzy")]
