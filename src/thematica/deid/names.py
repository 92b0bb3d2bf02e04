"""Person names: capitalised runs, lower-case names in context, nicknames, echoes, misspellings."""

from __future__ import annotations

import re

from . import lexicon as lx
from .matcher import FuzzyIndex, normalise_token
from .unknown import UnknownNameRules

_STRONG_VERBS = lx.VERB_CUES - lx._words("is was has had will would could just really always never actually and")
_ACRONYM_PLURAL = re.compile(r"[A-Z]{2,}s")
#: Endings of nicknames written in lower case after a strong cue ("my mate gaz", "called tommo").
_NICKNAME = re.compile(r"[a-z]{1,5}(?:o|y|ie|a|z|zza|ey|sy)")
#: Titles after which a lower-case surname that is also a word is still a name ("mrs brown").
_FORMAL_TITLES = lx._words("mr mrs ms miss mx dr prof")
#: Strong cues after which a capitalised ordinary word may still be no name ("a group called Hope").
_NAMING_CUES = lx._words("called named nickname nicknamed")
#: Words before a language name that is also a first name ("we speak Shona").
_LANGUAGE_VERBS = lx._words("speak speaks spoke speaking learn learns learning learnt learned teach teaches taught")
#: Relations after which a lower-case ordinary word is a name ("my niece faith").
_RELATIONS = lx._words(
    """sister brother niece nephew cousin daughter son mum mam dad aunt auntie aunty uncle nan gran
    friend mate wife husband partner girlfriend boyfriend neighbour granddaughter grandson stepdaughter
    stepson colleague bestie pal""")
_POSSESSIVES = lx._words("my his her our their your")
#: Verbs of speech after a lower-case name ("summer said").
_SPEECH = lx._words("said says told asked rang texted replied reckons reckoned")
#: Words before a clause-initial name ("and then grace said").
_CLAUSE_OPENERS = lx._words("and then so but cos because when until til till um er erm yeah oh well like")
#: Words after a relation and an ordinary word that show the word is a verb ("my mum rose early").
_VERB_NEXT = lx._words("up early late to from out off over again above through in on at into")
#: Lower-case ordinary words that are names too rarely, or verbs, for a cue to make them one.
_NOT_LOWER_NAMES = lx._words("will may can bill rob sue don pat chase grant drew miles mark lance page ray art")
#: Titles that stay titles in lower case ("dr patel", "auntie jo"; not "nurse mode").
_LOWER_TITLES = _FORMAL_TITLES | lx._words("auntie aunty aunt uncle nan nanna nana grandad grandpa grandma gran granny")


class NameRules(UnknownNameRules):
    """The person rules of a detection pass."""

    def initials(self, i: int) -> bool:
        """True if token i is a person's initials: two capital letters and no known acronym ("RK")."""
        t = self.toks[i]
        return len(t.raw) == 2 and t.raw.isalpha() and t.raw.isupper() and t.key not in lx.ACRONYMS \
            and t.key not in lx.NOT_NAMES and t.key not in self.world

    def nick_head(self, i: int) -> bool:
        """True if token i can follow "Big"/"Little" in a nickname ("Big Steve", "Big T", "Big MJ")."""
        t = self.toks[i]
        if t.key in self.first and t.key not in self.common:
            return True
        return t.raw.isalpha() and t.raw.isupper() and len(t.raw) <= 2 and t.raw != "I" and \
            t.key not in lx.ACRONYMS and t.key not in lx.NOT_NAMES

    def initial_surnames(self) -> None:
        """An initial and a surname ("R. Okonkwo", "M Hussain")."""
        toks, text = self.toks, self.text
        for i in range(len(toks) - 1):
            t = toks[i]
            if len(t.raw) != 1 or not t.raw.isupper() or t.raw == "I" or t.label:
                continue
            gap = text[t.end : toks[i + 1].s]
            n = toks[i + 1]
            if gap not in (". ", ".") and not (gap == " " and t.raw != "A"):
                continue
            if not n.cap or n.upper or not n.raw.isalpha() or len(n.raw) < 3 or n.key in self.common or \
                    n.key in lx.NOT_NAMES or n.key in self.world or n.key in lx.place_keys():
                continue
            if n.key in self.sur or n.key in self.first or self.unknown(i + 1) and self.likeness(i + 1) >= 0.5:
                self.add(i, i + 1, "person", "initial", 0.7)

    def lower_ambiguous(self, i: int) -> bool:
        """A lower-case first name that is also an ordinary word, with a strong name cue:
        "my niece faith", "summer said", "me and rose", "rose and me"."""
        toks = self.toks
        t = toks[i]
        key, pk, nk = t.key, self.key_at(i - 1), self.key_at(i + 1)
        if key not in self.first or key in _NOT_LOWER_NAMES or len(key) < 3 or t.label or not t.raw.isalpha():
            return False
        before, after = self.near(i - 1, i), self.near(i, i + 1)
        if before and pk in _RELATIONS and self.key_at(i - 2) in _POSSESSIVES and self.near(i - 2, i - 1):
            return nk not in _VERB_NEXT  # not "my mum rose early"
        if before and pk == "and" and self.key_at(i - 2) == "me" and self.near(i - 2, i - 1):
            return True
        if after and nk == "and" and self.key_at(i + 2) in ("me", "i") and self.near(i + 1, i + 2):
            return True
        return after and nk in _SPEECH and (i == 0 or toks[i].sent or before and pk in _CLAUSE_OPENERS)

    def titled_name(self, i: int) -> bool:
        """True if token i can be a name after a title ("Dr Okafor", "Sister Marcia")."""
        t = self.toks[i]
        return t.cap and len(t.raw) > 1 and t.key not in lx.NOT_NAMES and t.key not in lx.STOPWORDS and (
            t.key not in self.common or t.key in self.first or t.key in self.sur)

    def keep_start(self, run: list[int]) -> bool:
        """A sentence-start ordinary word that is also a first name: keep it if it acts as one."""
        t = self.toks[run[0]]
        if t.key not in self.first or t.key in lx.MONTHS:
            return False
        if len(run) > 1:
            nxt = self.toks[run[1]]
            return nxt.key in self.sur and nxt.key not in self.common
        return self.verb_follows(run[0]) or self.name_and_follows(run[0])

    def name_and_follows(self, i: int) -> bool:
        """True if "and" + a capitalised first name follows token i ("Grace and Joy are ...")."""
        return self.key_at(i + 1) == "and" and self.near(i, i + 1) and self.joined(i + 1) and \
            self.toks[i + 2].cap and self.toks[i + 2].key in self.first

    def verb_follows(self, i: int, label: bool = True) -> bool:
        """True if token i is followed by a telling verb ("said"), a role ("is my key worker"),
        or (``label``) is a speaker label ("Will:")."""
        toks = self.toks
        if i + 1 >= len(toks):
            return False
        gap = self.text[toks[i].end : toks[i + 1].s]
        if gap.lstrip(" \t").startswith(":"):
            return label and (i == 0 or "\n" in self.text[toks[i - 1].end : toks[i].s])
        if gap.strip(" ,") != "":
            return False
        nk = toks[i + 1].key
        if nk == "and" and i + 2 < len(toks) and toks[i + 2].key in ("i", "me"):
            return True
        return nk in _STRONG_VERBS or self.role_follows(i)

    def role_follows(self, i: int) -> bool:
        """True if "is my key worker", "was our tutor", "'s my mate" ... follows token i."""
        toks, t = self.toks, self.toks[i]
        k = i + 1
        if t.e == t.end:
            if self.text[t.end : t.end + 2] == ", " and self.key_at(k) in ("my", "our", "his", "her", "the"):
                k -= 1  # "Tamsin, my care coordinator"
            elif self.key_at(k) not in ("is", "was"):
                return False
            k += 1
        elif t.full[len(t.raw) + 1 :].casefold() != "s":
            return False
        if self.key_at(k) not in ("my", "our", "his", "her", "their", "your", "the"):
            return False
        return any(toks[j].key in lx.STRONG_PERSON_CUES for j in range(k + 1, min(k + 4, len(toks))))

    def cue_before(self, i: int) -> str | None:
        """'strong' or 'weak' if a person cue stands just before token i."""
        if i == 0:
            return None
        p = self.toks[i - 1]
        if self.text[p.end : self.toks[i].s].strip(" ,") != "":
            return None
        if p.key in lx.STRONG_PERSON_CUES:
            return "strong"
        for phrase in lx.NAME_IS:
            k = len(phrase)
            if i - k >= 0 and tuple(t.key for t in self.toks[i - k : i]) == phrase:
                return "strong"
        return "weak" if p.key in lx.WEAK_PERSON_CUES else None

    def person(self, seg: list[int], titled: bool) -> None:
        """Classify a run of capitalised words that names no place: a person, or 'other'."""
        toks, first, sur, common = self.toks, self.first, self.sur, self.common
        t0 = toks[seg[0]]
        if not titled and len(seg) == 1 and t0.key in _FORMAL_TITLES:
            return  # a title alone: "Mr"
        if not titled and len(seg) > 1 and t0.key in first and toks[seg[1]].key in lx.NOT_NAMES and \
                toks[seg[1]].key not in lx.MONTHS and toks[seg[1]].key not in lx.WEEKDAYS:
            return  # "Hong Kongers"
        if (not titled and len(seg) > 1 and t0.key in lx.NICK_PREFIXES and self.nick_head(seg[1])):
            self.add(seg[0], seg[1], "person", "nickname", 0.75)  # "Big Steve"
            return
        while len(seg) > 1 and not titled and toks[seg[0]].key in common and toks[seg[0]].key not in first:
            seg = seg[1:]  # "Peer Trainer Sarah", "Stepdad Tom"
        seg = seg[:3]
        t0 = toks[seg[0]]
        if titled:
            self.add(seg[0], seg[-1], "person", "title", 0.9)
            return
        if (t0.key in lx.STOPWORDS and t0.key not in first) or (t0.key in lx.NOT_NAMES and t0.key not in lx.MONTHS):
            return
        if len(seg) == 1 and _ACRONYM_PLURAL.fullmatch(t0.raw):
            return  # "TAs", "GPs"
        prev = toks[seg[0] - 1].key if seg[0] > 0 else ""
        if t0.key in self.world and (t0.key not in first or prev in lx.PLACE_PREPS or prev in _LANGUAGE_VERBS
                                     or len(seg) == 1 and t0.start):
            return  # "Jamaica", "Cantonese", "we speak Shona"; but "Jordan said"
        cue = self.cue_before(seg[0])
        t1 = toks[seg[1]] if len(seg) > 1 else None
        surname_next = t1 is not None and t0.e == t0.end and t1.key not in lx.NOT_NAMES and (
            t1.key in sur or t1.key not in common)
        if t0.key in first and (t0.key not in lx.MONTHS or cue == "strong" or surname_next):
            if surname_next and not (t0.start and t0.key in common and t1 is not None and t1.key in common):
                self.add(seg[0], seg[-1], "person", "name_pair", 0.9)
            elif cue == "strong":
                self.add(seg[0], seg[0], "person", "name_cue", 0.85)
            elif t0.start:
                if t0.key not in common:
                    self.add(seg[0], seg[0], "person", "first_name", 0.7)
                elif self.verb_follows(seg[0]) or self.name_and_follows(seg[0]):
                    self.add(seg[0], seg[0], "person", "first_name", 0.6)
            elif t0.upper:
                if t0.key not in common and len(t0.raw) > 2 and t0.key not in lx.LOWER_AMBIGUOUS:
                    self.add(seg[0], seg[0], "person", "first_name", 0.5)
            elif t0.key not in common:
                self.add(seg[0], seg[0], "person", "first_name", 0.8)
            elif t0.key not in lx.MONTHS:
                self.add(seg[0], seg[0], "person", "first_name", 0.75 if cue else 0.6)
            return
        if prev == "the" and seg[0] > 1:
            prev = toks[seg[0] - 2].key  # "at the Kingsmill"
        if t0.upper and len(seg) == 1 and self.initials(seg[0]) and (
                cue is not None and prev not in lx.PLACE_PREPS or prev in _NAMING_CUES
                or self.verb_follows(seg[0], label=False) or self.key_at(seg[0] + 1) in ("is", "was")
                and self.near(seg[0], seg[0] + 1) or self.name_and_follows(seg[0])):
            self.add(seg[0], seg[0], "person", "initials", 0.55)  # "me and RK", "PJ said"
            return
        if t0.upper and len(seg) == 1:
            if prev in lx.PLACE_PREPS and t0.key not in common and 2 < len(t0.raw) < 7 and t0.raw.isalpha():
                self.add(seg[0], seg[0], "place", "place_prep", 0.4)  # "at the QMC"
            return  # other acronyms: CBT, CMHT ...
        plain = [k for k in seg if toks[k].key not in common and not toks[k].upper]
        if not plain or t0.key in lx.NOT_NAMES:
            if cue == "strong" and len(seg) == 1 and not t0.start and t0.raw.isalpha() and len(t0.raw) > 2 and \
                    self.text[toks[seg[0] - 1].end : t0.s] == " " and t0.key not in lx.NOT_NAMES and \
                    t0.key not in self.world and t0.key not in lx.STOPWORDS and prev not in _NAMING_CUES:
                self.add(seg[0], seg[0], "person", "name_cue", 0.55)  # "my sister Memory"
            return
        if cue == "strong":
            named = toks[seg[0] - 1].key in ("called", "named")
            cat = "other" if named and t0.key not in sur and t0.key not in first else "person"
            self.add(seg[0], seg[-1], cat, "name_cue", 0.75)
            return
        if self.unknown_name(seg):
            return
        if t0.start and not self.verb_follows(seg[-1], label=False) and not self.name_and_follows(seg[-1]):
            return
        if t0.key in sur and t0.key not in common and not t0.start:
            self.add(seg[0], seg[-1], "person", "surname", 0.5)
            return
        if any(toks[k].key in self.lower_keys for k in plain):
            return  # written in lower case elsewhere: an ordinary word
        if prev in lx.PLACE_PREPS:
            self.add(seg[0], seg[-1], "place", "place_prep", 0.6)
        elif cue or self.verb_follows(seg[-1], label=False):
            self.add(seg[0], seg[-1], "person", "proper_noun", 0.45)
        elif any(lx.wordlike(toks[k].key) for k in plain):
            return
        elif len(seg) == 1 and t0.raw.isalpha() and (seg[0] == 0 or toks[seg[0] - 1].key not in lx.DETERMINERS):
            self.add(seg[0], seg[0], "person", "proper_noun", 0.4)  # most unknown capitalised words are names
        else:
            self.add(seg[0], seg[-1], "other", "proper_noun", 0.4)

    def echo_places(self) -> None:
        """A one-word place or organisation found once is one wherever it is capitalised ("Cygnet")."""
        keys = {normalise_token(c.text): c.category for c in self.out
                if c.category in ("place", "organisation") and c.confidence >= 0.6 and " " not in c.text
                and c.detector not in ("register", "postcode", "postcode_district")}
        keys = {k: v for k, v in keys.items() if k.isalpha() and k not in self.common}
        if keys:  # a word named as a place is no name by its look alone ("Hallbridge is not big")
            self.out = [c for c in self.out if c.category != "person" or c.detector not in ("namelike", "echo")
                        or normalise_token(c.text) not in keys]
        for i, t in enumerate(self.toks):
            if t.key in keys and t.cap and not t.label:
                self.add(i, i, keys[t.key], "echo", 0.55)

    def echo_names(self) -> None:
        """A word taken for a name once is one everywhere it is capitalised ("Grace was ...")."""
        keys = {normalise_token(c.text) for c in self.out
                if c.category == "person" and c.confidence >= 0.6 and " " not in c.text and c.detector != "namelike"}
        keys = {k for k in keys if (k in self.first or k not in self.common)
                and k not in lx.MONTHS and k not in lx.NOT_NAMES and k not in self.world}
        if not keys:
            return
        toks = self.toks
        for i, t in enumerate(toks):
            if t.key in keys and t.cap and not t.label:
                if t.start and t.key in self.common and i + 1 < len(toks) and toks[i + 1].key in lx.PRONOUNS:
                    continue  # "Will you ...?", "May I ...?"
                self.add(i, i, "person", "first_name", 0.6)

    def _lower_ok(self, i: int) -> bool:
        t = self.toks[i]
        return t.raw.islower() and not t.label and t.key.replace("-", "").isalpha() and \
            t.key not in self.common and t.key not in lx.STOPWORDS

    def _lower_first(self, i: int) -> bool:
        key = self.toks[i].key
        return self._lower_ok(i) and key in self.first and key not in lx.LOWER_AMBIGUOUS

    def lower_names(self) -> None:
        """Lower-case names: written as a name elsewhere, in a name context ("me and dan", "then
        kemi said", "sharon ramsay", "little kev", "my mate gaz", "dr patel"), or any listed first
        name of four or more letters that is no ordinary word ("lorna"; 0.4)."""
        toks, first, sur = self.toks, self.first, self.sur
        seen = {t.key for t in toks if t.cap and not t.upper and t.key in first and t.key not in self.common}
        seen |= {normalise_token(c.text) for c in self.out if c.category == "person" and " " not in c.text
                 and c.confidence >= 0.4 and c.text[:1].isupper()}
        for i, t in enumerate(toks):
            if not self._lower_ok(i):
                if t.raw.islower() and t.key in lx.LOWER_AMBIGUOUS and self.lower_ambiguous(i):
                    self.add(i, i, "person", "name_cue", 0.5)
                continue
            key, pk = t.key, self.key_at(i - 1)
            before = self.near(i - 1, i)
            if key in seen and key not in lx.LOWER_AMBIGUOUS and key not in self.world:
                self.add(i, i, "person", "name_lower", 0.6)
                continue
            if before and pk in _LOWER_TITLES and len(key) > 2 and not lx.wordlike(key) and (
                    key not in self.common or pk in _FORMAL_TITLES and key in sur):
                self.add(i, i, "person", "title", 0.6)  # "dr patel", "auntie jo"
                continue
            if before and pk in lx.NICK_PREFIXES and toks[i - 1].raw.islower() and key in first:
                self.add(i - 1, i, "person", "nickname", 0.6)  # "little kev", "big mick"
                continue
            if key not in first or key in lx.LOWER_AMBIGUOUS:
                if before and self.cue_before(i) == "strong" and _NICKNAME.fullmatch(key) and not lx.wordlike(key):
                    self.add(i, i, "person", "name_cue", 0.5)  # "my mate gaz"
                continue
            if self.near(i, i + 1) and self.joined(i) and toks[i + 1].raw.islower() and \
                    toks[i + 1].key in sur and self._lower_ok(i + 1) and toks[i + 1].key not in lx.LOWER_AMBIGUOUS:
                self.add(i, i + 1, "person", "name_pair", 0.6)  # "sharon ramsay"
            elif before and self.cue_before(i) == "strong" and len(key) > 2:
                self.add(i, i, "person", "name_cue", 0.6)
            elif self._lower_context(i):
                self.add(i, i, "person", "name_lower", 0.55)
            elif len(key) > 3 or self.lower_text and len(key) > 2:
                self.add(i, i, "person", "name_lower", 0.4)  # a first name that is no ordinary word

    def _lower_context(self, i: int) -> bool:
        """True if a lower-case first name stands where names do: "me and dan", "with kemi",
        "jo was there", "shaz and tommo", "kemi's"."""
        toks = self.toks
        t, pk, nk = toks[i], self.key_at(i - 1), self.key_at(i + 1)
        after = self.near(i, i + 1)
        if after and (nk in lx.LOWER_AFTER or nk == "and" and self.key_at(i + 2) in ("me", "i")):
            return True
        if after and nk == "and" and i + 2 < len(toks) and self._lower_first(i + 2):
            return True
        if len(t.key) < 3:
            return self.near(i - 2, i) and self.key_at(i - 2) == "me" and pk == "and"
        if t.e != t.end and t.full[len(t.raw) + 1 :].casefold() == "s":
            return True  # "kemi's"
        return self.near(i - 1, i) and pk in lx.LOWER_BEFORE

    def fuzzy(self, targets: set[str], exact: set[str]) -> None:
        """Words one edit away from a register person term ("Sarrah", "Jonse")."""
        index = FuzzyIndex(targets)
        near: dict[str, list[str]] = {}
        spans: set[tuple[int, int]] = set()
        for i, t in enumerate(self.toks):
            key = t.key
            if len(key) < 4 or key in exact or key in self.common or not key.isalpha():
                continue
            if key not in near:
                near[key] = index.near(key)
            terms = near[key]
            if terms and (t.cap or any(term[0] == key[0] for term in terms)):
                self.add(i, i, "person", "fuzzy", 0.5 if t.cap else 0.35)
                spans.add((t.s, t.e))
        if spans:  # a near miss of a register name says more than the look of the word
            self.out = [c for c in self.out if (c.start, c.end) not in spans
                        or c.detector not in ("namelike", "proper_noun", "echo")]


__all__ = ["NameRules"]
