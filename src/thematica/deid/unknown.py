"""Unknown names: capitalised words in no word list that look like names, by their letters and place.

A capitalised word in neither the name lists nor the common-word list (nor the world terms,
the gazetteer, acronyms, months or weekdays) is *unknown*. Its name-likeness
(:mod:`thematica.deid.namelike`) decides what it is, with the words around it:

- inside a sentence, a name-like unknown word is a person (``namelike``; confidence from the
  score), unless it follows a determiner ("the Sadza") or a place preposition (then it is a place);
- at a sentence start, only with a name-ish continuation: a second name-like word ("Sota
  Ishikawa"), a verb of speech or action ("Tendai was ...", "Misaki's ..."), "and" with a name,
  "me" or "his/her" ("Yui and Riku", "Hiroshi and his partner"), or a comma or dash and a clause
  ("Paulauskas, that was ...");
- two or three unknown or listed name words in a row, together name-like, are one full name;
- an unknown word taken for a person inside a sentence is one at a sentence start too (``echo``).
"""

from __future__ import annotations

import math
import re

from . import lexicon as lx
from .namelike import name_likeness
from .tokens import ScanBase

#: The name-likeness (P(name)) above which an unknown capitalised word is taken for a name.
NAMELIKE_MIN = 0.5
_LOGIT_MIN = math.log(NAMELIKE_MIN / (1 - NAMELIKE_MIN))
#: Words after a sentence-initial unknown word that show it is a person doing something.
_CONTINUE_VERBS = (lx.VERB_CUES | lx._words("plays played lives lived says")) - lx._words(
    "and just really always never actually")
#: Words after "and" that show the word before is a person ("Hiroshi and his partner").
_AND_PERSON = lx._words("i me his her")
#: Words that start a clause after a comma or a dash ("Paulauskas, that was ...", "Munya - that's ...").
_CLAUSE = lx._words("that this he she they who i we you bless my his her our their everyone everybody")
#: How a name is capitalised: "Tendai", "McAllister", "DeShawn", "Okafor-Adeyemi"; not "LRi", "ImmedIetley".
_NAME_CASE = re.compile(r"(?:Mc|Mac|De|Di|Da|La|Le)?[A-Z][a-z\u00df-\u024f]+(?:-[A-Z][a-z\u00df-\u024f]+)*")


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


class UnknownNameRules(ScanBase):
    """The unknown-name rules of a detection pass."""

    def unknown(self, i: int) -> bool:
        """True if token i is a capitalised word in no list: name-likeness decides what it is."""
        t = self.toks[i]
        key = t.key
        if not t.cap or t.upper or t.label or len(key) < 2 or not key.replace("-", "").isalpha():
            return False
        if not t.raw[1:].islower() and not _NAME_CASE.fullmatch(t.raw):
            return False
        return key not in self.first and key not in self.sur and key not in self.common and \
            key not in self.world and key not in lx.NOT_NAMES and key not in lx.TITLES and \
            key not in lx.ABBREVIATIONS and key not in lx.place_keys() and \
            key not in self.lower_keys and not lx.wordlike(key)

    def likeness(self, i: int) -> float:
        """P(name) of token i by its letters."""
        return name_likeness(self.toks[i].key)

    def _listed_name(self, i: int) -> bool:
        t = self.toks[i]
        return t.cap and not t.upper and t.key not in self.common and (t.key in self.first or t.key in self.sur)

    def _conf(self, p: float, start: bool) -> float:
        """Confidence of a name-like word from its score: 0.45 to 0.75 (0.05 less at a sentence start)."""
        return round(0.45 + 0.3 * (p - NAMELIKE_MIN) / (1 - NAMELIKE_MIN) - (0.05 if start else 0.0), 2)

    def name_continues(self, i: int) -> bool:
        """True if what follows the sentence-initial token i shows it names someone."""
        toks, t = self.toks, self.toks[i]
        if t.e != t.end:
            return t.full[len(t.raw) + 1 :].casefold() == "s"  # "Tinashe's the reason", "Aoi's birthday"
        if i + 1 >= len(toks) or toks[i + 1].label:
            return False
        gap = self.text[t.end : toks[i + 1].s].strip(" \t")
        nk = toks[i + 1].key
        if gap in (",", "-", "\u2013", "\u2014"):
            return toks[i + 1].raw.islower() and nk in _CLAUSE
        if gap:
            return False
        if nk == "and" and i + 2 < len(toks) and self.near(i + 1, i + 2):
            nxt = toks[i + 2]
            return nxt.key in _AND_PERSON or nxt.cap and (self._listed_name(i + 2) or self.unknown(i + 2)
                                                          and self.likeness(i + 2) >= NAMELIKE_MIN)
        return nk in _CONTINUE_VERBS

    def unknown_name(self, seg: list[int]) -> bool:
        """Report ``seg`` (capitalised words, no place, no title, no strong cue) as a name if its
        unknown words look like one where they stand; return True if reported."""
        toks = self.toks
        t0 = toks[seg[0]]
        prev = toks[seg[0] - 1].key if seg[0] > 0 else ""
        if prev in lx.DETERMINERS or prev in lx.PLACE_PREPS:
            return False
        unknown = [k for k in seg if self.unknown(k)]
        if not unknown:
            return False
        if len(seg) > 1:
            # a full name: every word unknown or a listed name, together name-like
            if t0.e != t0.end or not all(k in unknown or self._listed_name(k) for k in seg):
                return False
            z = sum(_logit(self.likeness(k)) for k in unknown) / len(unknown)
            if len(unknown) < len(seg):
                z += 1.0  # a listed first name or surname beside it
            if z < _LOGIT_MIN:
                return False
            p = 1 / (1 + math.exp(-z))
            self.add(seg[0], seg[-1], "person", "namelike", min(0.8, self._conf(p, False) + 0.1))
            return True
        p = self.likeness(seg[0])
        if p < NAMELIKE_MIN:
            return False
        if t0.start and not self.name_continues(seg[0]):
            return False
        self.add(seg[0], seg[0], "person", "namelike", self._conf(p, t0.start))
        return True

    def echo_unknown(self) -> None:
        """An unknown word taken for a person inside a sentence is one at a sentence start too."""
        starts = {t.s for t in self.toks if t.sent}
        keys = {c.text.casefold() for c in self.out if c.category == "person" and " " not in c.text
                and c.detector in ("namelike", "proper_noun") and c.start not in starts}
        if not keys:
            return
        for i, t in enumerate(self.toks):
            if t.sent and t.raw.casefold() in keys and self.unknown(i):
                self.add(i, i, "person", "echo", 0.5)


__all__ = ["NAMELIKE_MIN", "UnknownNameRules"]
