"""Places and organisations: cue words, prefixes, employers, the gazetteer."""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon as lx
from .matcher import TOKEN_RE, TermMatcher, normalise_token, same_capitals
from .patterns import Candidate
from .tokens import ScanBase, Tok

_HOUSE_NUMBER = re.compile(r"\d{1,4}[a-zA-Z]?")


@lru_cache(maxsize=1)
def fixed_names() -> TermMatcher[tuple[str, str]]:
    """Gazetteer places and cue-less organisation names; the key is (category, term)."""
    return TermMatcher([(p, ("place", p)) for p in lx.uk_places()]
                       + [(o, ("organisation", o)) for o in lx.ORG_NAMES + lx.SHOPS])


class PlaceRules(ScanBase):
    """The place and organisation rules of a detection pass."""

    def place_run(self, run: list[int], titled: bool) -> list[int]:
        """Report a place or organisation named by a cue word in ``run`` ("Rowan Ward",
        "University of X", "Lye and Wollescote Housing"); return what is left of the run."""
        toks = self.toks
        keys = [toks[k].key for k in run]
        cue_at = next((p for p in range(len(run) - 1, -1, -1) if keys[p] in lx.PLACE_CUES), None)
        if cue_at is None or len(run) < 2 or titled:
            return run
        end = len(run) - 1 if (cue_at < len(run) - 1 and keys[cue_at + 1] == "of") else cue_at
        span = keys[: end + 1]
        specific = any(k not in lx.GENERIC and k not in lx.PLACE_CUES and k not in lx.CONNECTORS for k in span)
        surname = len(span) == 2 and span[1] in lx.PERSONISH_CUES and span[0] in self.first  # "Sarah Green"
        if not specific or surname:
            return run
        first_i = run[0]
        if keys[cue_at] in lx.STREET_CUES and first_i > 0 and self.joined(first_i - 1) and \
                _HOUSE_NUMBER.fullmatch(toks[first_i - 1].raw):
            first_i -= 1  # the house number: "14 Elm Close"
        self.add(first_i, run[end], lx.PLACE_CUES[keys[cue_at]], "place_cue", 0.85)
        return run[end + 1 :]

    def prefixed_place(self, run: list[int]) -> bool:
        """"Lower Gornal", "North Shields", "Llandeilo": report a place named by its shape."""
        toks = self.toks
        t0 = toks[run[0]]
        if len(run) > 1 and t0.key in lx.PLACE_PREFIXES:
            j = 1
            while j < min(len(run), 3) and toks[run[j]].key not in self.common and not toks[run[j]].upper:
                j += 1
            if j == 1:
                return False
            if t0.key in lx.NICK_PREFIXES and toks[run[1]].key in self.first:
                return False  # "Little Steve": a nickname
            self.add(run[0], run[j - 1], "place", "place_shape", 0.7)
            return True
        if len(run) > 1 and t0.key in lx.ORG_PREFIXES and toks[run[1]].key not in self.common and \
                toks[run[1]].key not in lx.NOT_NAMES:
            self.add(run[0], run[1], "organisation", "place_shape", 0.65)  # "Radio Tamar", "Café Lumen"
            return True
        if len(run) == 1 and len(t0.key) > 5 and t0.key.startswith(lx.PLACE_STARTS) and not t0.upper and \
                t0.key not in self.common and t0.key not in self.first and t0.key not in self.sur:
            self.add(run[0], run[0], "place", "place_shape", 0.65)
            return True
        return False

    def lower_places(self) -> None:
        """Places and organisations in lower case: one or two specific words before a cue word
        ("tanner street", "st aidan's church", "hallgate housing"); after an ordinary word only
        in a text with hardly a capital and for street-like cues ("crow lane")."""
        toks = self.toks
        for i in range(1, len(toks)):
            t = toks[i]
            if t.key not in lx.LOWER_CUES or not t.raw.islower() or t.label or not self.joined(i - 1):
                continue
            j = i - 1
            first = -1
            while j >= 0 and i - j <= 2:
                w = toks[j]
                k = w.key
                if not w.raw.islower() or w.label or not k.replace("-", "").isalpha() or k in lx.STOPWORDS \
                        or k in lx.GENERIC or k in lx.LOWER_MODIFIERS or k in lx.PLACE_CUES and k != "st" \
                        or k in lx.DETERMINERS or k in lx.PLACE_PREPS:
                    break
                if k in self.common and k != "st" and not (
                        self.lower_text and t.key in lx.LOWER_STREET_CUES and i - j == 1
                        and k not in lx.VERB_CUES and not lx.wordlike(k)):
                    break
                first = j
                if j == 0 or not self.joined(j - 1):
                    break
                j -= 1
            if first < 0 or toks[first].key == "st" and first == i - 1:
                continue
            self.add(first, i, lx.PLACE_CUES.get(t.key, "place"), "place_cue", 0.5)

    def employer(self, run: list[int]) -> bool:
        """A capitalised run after "worked at", "a job at", "volunteer with": an organisation."""
        toks = self.toks
        i = run[0] - 1
        if i > 0 and toks[i].key == "the":
            i -= 1
        if i < 1 or toks[i].key not in ("at", "for", "with", "in") or toks[i - 1].key not in lx.EMPLOYER_CUES:
            return False
        keys = [toks[k].key for k in run]
        if keys[0] in self.first and len(run) < 3 or toks[i].key == "with" and keys[0] in self.first:
            return False  # "worked with Sarah"
        if all(k in self.common or k in lx.NOT_NAMES for k in keys) or toks[run[0]].key in self.world:
            return False
        self.add(run[0], run[-1], "organisation", "employer", 0.7)
        return True

    def numbered_cues(self) -> None:
        """"Ward 7", "Unit B", "Flat 3"."""
        toks = self.toks
        for i in range(len(toks) - 1):
            t = toks[i]
            if t.key in lx.NUMBERED_CUES and self.joined(i):
                nxt = toks[i + 1]
                if nxt.raw[0].isdigit() and len(nxt.raw) <= 4 or (len(nxt.raw) == 1 and nxt.raw.isupper()
                                                                   and nxt.raw != "I"):
                    self.add(i, i + 1, "place", "place_cue", 0.8 if t.cap else 0.7)

    def gazetteer(self) -> None:
        """Towns and counties, and organisations named without a cue word ("Mind", "Asda")."""
        text, toks = self.text, self.toks
        raw = [(t.s, t.end, t.full) for t in toks]
        index = {t.s: i for i, t in enumerate(toks)}
        for m in fixed_names().match_tokens(text, raw):
            category, term = m.key
            detector = "gazetteer" if category == "place" else "org_name"
            i = index.get(m.start)
            key = " ".join(normalise_token(w.group()) for w in TOKEN_RE.finditer(m.text))
            if i is None or toks[i].label:
                continue
            prep = i > 0 and toks[i - 1].key in lx.PLACE_PREPS
            ambiguous = key in self.common or key in lx.ORG_AMBIGUOUS or key in self.first
            if m.text.islower() and not ambiguous and (self.lower_text or prep or " " in key):
                self.out.append(Candidate(m.start, m.end, m.text, category, detector, 0.5 if prep else 0.4))
                continue
            if m.text.islower() and ambiguous and prep and self.lower_text and category == "place" and \
                    self._clause_ends(i + len(key.split())):
                self.out.append(Candidate(m.start, m.end, m.text, category, detector, 0.4))  # "moved to hull when"
                continue
            if not m.text[0].isupper() or not same_capitals(m.text, term, lx.CONNECTORS) or \
                    term.isupper() and not m.text.isupper():
                continue
            if ambiguous and not prep and (toks[i].sent or _capital_before(toks, i)):
                continue  # "Reading is hard", "Mind you", "Never Mind"
            if ambiguous and " " not in key and i + 1 < len(toks) and toks[i + 1].key in ("app", "apps", "website"):
                continue  # "the Calm app"
            conf = 0.92 if " " in key else 0.85 if (prep or not ambiguous) else 0.55
            self.out.append(Candidate(m.start, m.end, m.text, category, detector, conf))


    def _clause_ends(self, k: int) -> bool:
        """True if token k ends a phrase: the text's end, punctuation, or a conjunction or pronoun."""
        if k >= len(self.toks):
            return True
        if not self.near(k - 1, k) or self.text[self.toks[k - 1].end : self.toks[k].s].strip():
            return True
        return self.toks[k].key in _CLAUSE_WORDS


_CLAUSE_WORDS = lx._words("and but when because cos so then i we he she they you for with until till where after before")


def _capital_before(toks: list[Tok], i: int) -> bool:
    return i > 0 and toks[i - 1].cap


__all__ = ["PlaceRules", "fixed_names"]
