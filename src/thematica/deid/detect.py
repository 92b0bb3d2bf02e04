"""Offline identifier detection: candidates for a researcher to review, never edits.

:func:`detect` combines five sources, each with its own ``detector`` name:

1. the researcher's register (``known``): every occurrence, confidence 1.0
   (0.5 for a lower-case hit of a register term that is an ordinary word, "hope");
2. pattern rules (:mod:`thematica.deid.patterns`): contact details, IDs, dates, ages;
3. name heuristics: ``title`` (Dr/Mrs/Nurse ... + capitalised words),
   ``name_pair`` (first name + surname), ``first_name`` (a first name, capitalised,
   inside a sentence; at a sentence start only if not an ordinary word or
   followed by "said", "told" ...), ``name_cue`` (after "called", "my colleague",
   "my husband", "her name is" ...), ``surname``, ``name_lower`` (a lower-case
   token equal to a first name capitalised elsewhere in the text);
4. places and organisations: ``place_cue`` (capitalised words ending in Ward,
   Hospital, Road, Centre, Trust, College ... or "Ward 7"), ``gazetteer`` (UK
   towns and counties), ``org_name`` (Mind, Samaritans, Off The Record ...),
   ``place_prep`` (a capitalised unknown word after in/at/from/near), and
   ``proper_noun`` (any other capitalised word inside a sentence that is in no
   word list and never written in lower case in the text: category "other");
5. ``fuzzy``: a word one edit (Damerau) from a register person term of five or
   more letters ("Sarrah", "Jonse").

Overlapping candidates merge into one: the span is their union, the category
that of the longest among the most confident, the confidence the highest.

Never reported (unless in the register): "I", weekday and month names alone,
holidays alone ("Christmas"; "Christmas 2022" is a date), ordinary words at a
sentence start ("Well", "So", "Then"), generic services ("the Recovery
College", "NHS", "the Trust", "Health Centre"), God, Covid, nationalities,
well-known apps and shops, speaker labels named in ``speakers``, and
anything in ``allow`` (compared case-insensitively, whole candidate).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache

from ..errors import InvalidInput
from . import lexicon as lx
from .matcher import TOKEN_RE, TermMatcher, normalise_token, split_clitic
from .patterns import CATEGORIES, Candidate, find_patterns

_SENT_GAP = re.compile(r"[.!?:;\n(\[\"\u201c\u2026]")
_LABEL = re.compile(
    r"^[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]+)?[*_\[]*(?P<label>[^\n:*_\[\]]{1,40}?)"
    r"[*_\]]*[ \t]*(?:\([^)\n]*\)[ \t]*)?:",
    re.MULTILINE,
)
_PERSONISH_CUES = lx._words("green park hall lane hill way court grove church chapel mill farm tower house lodge close")
_STREETS = lx._words("road rd street st lane ln avenue ave close drive way crescent grove gardens terrace square")
_PRONOUNS = lx._words("i you we they he she it not my your our their this that")
_ABBREV = lx.TITLES | lx._words("st mt")
_STRONG_VERBS = lx.VERB_CUES - lx._words("is was has had will would could just really always never actually and")


_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
             ("ing", "e"), ("ly", ""))
#: Endings of ordinary words, never of names: "Intervention", "Wellbeing", "Management".
_WORDLIKE = re.compile(r"(?:tion|sion|ment|ness|ity|ism|ist|ance|ence|ology|ship|hood|ive|ous|ful|less"
                       r"|able|ible|ical|ally|ing|ised|ized|ise|ize|ings|ments|tions)$")


class _Common:
    """Common-word membership that also knows simple inflections ("boots", "listened")."""

    __slots__ = ("words", "memo")

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words
        self.memo: dict[str, bool] = {}

    def __contains__(self, key: object) -> bool:
        if key in self.words:
            return True
        if not isinstance(key, str) or len(key) < 5:
            return False
        found = self.memo.get(key)
        if found is None:
            found = False
            for suffix, repl in _SUFFIXES:
                if key.endswith(suffix):
                    stem = key[: -len(suffix)]
                    if stem + repl in self.words or (
                        suffix in ("ed", "ing") and len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in self.words
                    ):
                        found = True
                        break
            self.memo[key] = found
        return found


class _Tok:
    """A token with its clitic cut off (``e``; ``end`` keeps it) and its features."""

    __slots__ = ("s", "e", "end", "raw", "key", "cap", "upper", "start", "label")

    def __init__(self, s: int, e: int, raw: str, start: bool) -> None:
        self.end = e
        cut = split_clitic(raw)
        if cut is not None:
            raw, e = raw[:cut], s + cut
        self.s, self.e, self.raw = s, e, raw
        self.key = normalise_token(raw)
        first = raw[0]
        self.cap = first.isupper()
        self.upper = self.cap and len(raw) > 1 and raw.isupper()
        self.start = start  # first word of a sentence or turn
        self.label = False


@lru_cache(maxsize=8)
def _register(known: tuple[tuple[str, str], ...]) -> TermMatcher[str]:
    for term, cat in known:
        if cat not in CATEGORIES:
            raise InvalidInput(f"unknown identifier category {cat!r}; use one of {', '.join(CATEGORIES)}")
    return TermMatcher(known)


@lru_cache(maxsize=1)
def _fixed() -> tuple[TermMatcher[str], TermMatcher[str]]:
    places = TermMatcher((p, p) for p in lx.uk_places())
    orgs = TermMatcher((o, o) for o in lx.ORG_NAMES)
    return places, orgs


def _cased_like(found: str, term: str) -> bool:
    """True if every capitalised word of ``term`` (bar little words) is capitalised in ``found``."""
    words = [w.group() for w in TOKEN_RE.finditer(found)]
    return all(
        w[:1].isupper() or not t[:1].isupper() or normalise_token(t) in lx.CONNECTORS
        for w, t in zip(words, (m.group() for m in TOKEN_RE.finditer(term)))
    )


def _tokens(text: str) -> list[_Tok]:
    toks: list[_Tok] = []
    prev_end, prev_key = 0, ""
    for m in TOKEN_RE.finditer(text):
        s = m.start()
        gap = text[prev_end:s]
        start = not toks or (gap != " " and _SENT_GAP.search(gap) is not None
                             and not (gap.strip() == "." and prev_key in _ABBREV))
        tok = _Tok(s, m.end(), m.group(), start)
        toks.append(tok)
        prev_end, prev_key = m.end(), tok.key
    return toks


def _mark_labels(text: str, toks: list[_Tok], speakers: set[str]) -> None:
    if not speakers or not toks:
        return
    starts = [t.s for t in toks]
    for m in _LABEL.finditer(text):
        if " ".join(m.group("label").split()).casefold() not in speakers:
            continue
        i = bisect.bisect_left(starts, m.start("label"))
        while i < len(toks) and toks[i].s < m.end("label"):
            toks[i].label = True
            i += 1
        if i < len(toks):
            toks[i].start = True


def _within_one(a: str, b: str) -> bool:
    """True if a and b are at most one edit apart (insert, delete, substitute, swap)."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) <= 1:
            return True
        i, j = diff[0], diff[-1]
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


class _Scan:
    """One detection pass over one text."""

    def __init__(self, text: str, toks: list[_Tok]) -> None:
        self.text, self.toks = text, toks
        self.out: list[Candidate] = []
        self.first, self.sur, self.common = lx.first_names(), lx.surnames(), _Common(lx.common_words())
        self.lower_keys = {t.key for t in toks if t.raw.islower()}

    def add(self, i: int, j: int, category: str, detector: str, conf: float) -> None:
        s, e = self.toks[i].s, self.toks[j].e
        self.out.append(Candidate(s, e, self.text[s:e], category, detector, conf))

    def joined(self, i: int) -> bool:
        """True if token i+1 continues a name with token i (one line, only spaces between)."""
        if i + 1 >= len(self.toks) or self.toks[i + 1].label:
            return False
        gap = self.text[self.toks[i].end : self.toks[i + 1].s]
        if gap == " " or (gap and not gap.strip(" \t")):
            return True
        return gap.strip(" ") == "." and self.toks[i].key in _ABBREV

    # -- runs of capitalised words -------------------------------------------------
    def runs(self) -> Iterable[list[int]]:
        toks, n, i = self.toks, len(self.toks), 0
        while i < n:
            t = toks[i]
            if not (t.cap and not t.label and len(t.raw) > 1):
                i += 1
                continue
            run = [i]
            while self.joined(run[-1]):
                k = run[-1] + 1
                nt = toks[k]
                if nt.key == "i":
                    break
                if nt.cap or (nt.key in lx.CONNECTORS and self.joined(k) and toks[k + 1].cap
                              and nt.key not in ("and", "&")):
                    run.append(k)
                elif nt.key in ("and", "&") and self.joined(k) and toks[k + 1].cap and self._org_ahead(k + 1):
                    run.append(k)
                else:
                    break
            while len(run) > 1 and toks[run[-1]].key in lx.CONNECTORS:
                run.pop()
            yield run
            i = run[-1] + 1

    def _org_ahead(self, k: int) -> bool:
        """True if the capitalised words from token k on end in an organisation cue ("... and X Trust")."""
        toks = self.toks
        while k < len(toks) and (toks[k].cap or toks[k].key in lx.CONNECTORS):
            if lx.PLACE_CUES.get(toks[k].key) == "organisation":
                return True
            if not self.joined(k):
                break
            k += 1
        return False

    def scan(self) -> None:
        toks = self.toks
        for run in self.runs():
            # drop leading function words, ordinary sentence-start words and titles
            titled = False
            while run:
                t = toks[run[0]]
                if t.key in lx.TITLES and len(run) > 1 and self._titled_name(toks[run[1]]):
                    titled = True
                    run = run[1:]
                    for k in run:
                        toks[k].start = False
                    break
                function = (t.key in lx.STOPWORDS or t.key in lx.CONNECTORS) and t.key not in self.first
                if function or (t.start and t.key in self.common and not self._keep_start(run)):
                    run = run[1:]
                    if run:
                        toks[run[0]].start = False
                    continue
                break
            if run:
                self.classify(run, titled)
        self.numbered_cues()

    def _titled_name(self, t: _Tok) -> bool:
        return t.key not in lx.NOT_NAMES and (t.key not in self.common or t.key in self.first or t.key in self.sur)

    def _keep_start(self, run: list[int]) -> bool:
        """A sentence-start ordinary word that is also a first name: keep it if it acts as one."""
        t = self.toks[run[0]]
        if t.key not in self.first or t.key in lx.MONTHS:
            return False
        if len(run) > 1:
            nxt = self.toks[run[1]]
            return nxt.key in self.sur and nxt.key not in self.common
        return self._verb_follows(run[0])

    def _verb_follows(self, i: int, label: bool = True) -> bool:
        """True if token i is followed by a telling verb ("said"), or (``label``) is a speaker label ("Will:")."""
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
        return nk in _STRONG_VERBS

    def _cue_before(self, i: int) -> str | None:
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

    def classify(self, run: list[int], titled: bool) -> None:
        toks, first, common = self.toks, self.first, self.common
        keys = [toks[k].key for k in run]
        # place / organisation named by a cue word at its end ("Rowan Ward") or start ("University of X")
        cue_at = next((p for p in range(len(run) - 1, -1, -1) if keys[p] in lx.PLACE_CUES), None)
        if cue_at is not None and len(run) > 1 and not titled:
            end = len(run) - 1 if (cue_at < len(run) - 1 and keys[cue_at + 1] == "of") else cue_at
            span = keys[: end + 1]
            if any(k not in lx.GENERIC and k not in lx.PLACE_CUES and k not in lx.CONNECTORS for k in span):
                if not (len(span) == 2 and span[1] in _PERSONISH_CUES and span[0] in first):
                    first_i = run[0]
                    if keys[cue_at] in _STREETS and first_i > 0 and self.joined(first_i - 1) and \
                            re.fullmatch(r"\d{1,4}[a-zA-Z]?", toks[first_i - 1].raw):
                        first_i -= 1  # the house number: "14 Elm Close"
                    self.add(first_i, run[end], lx.PLACE_CUES[keys[cue_at]], "place_cue", 0.85)
                    if end == len(run) - 1:
                        return
                    run, keys = run[end + 1 :], keys[end + 1 :]
        # people: split at connectors
        seg: list[int] = []
        for k in run + [-1]:
            if k >= 0 and toks[k].key not in lx.CONNECTORS:
                seg.append(k)
                continue
            if seg:
                self.person(seg, titled)
            seg, titled = [], False

    def person(self, seg: list[int], titled: bool) -> None:
        """Classify a run of capitalised words that names no place: a person, or 'other'."""
        toks, first, sur, common = self.toks, self.first, self.sur, self.common
        while len(seg) > 1 and not titled and toks[seg[0]].key in common and toks[seg[0]].key not in first:
            seg = seg[1:]  # "Peer Trainer Sarah", "Stepdad Tom"
        seg = seg[:3]
        t0 = toks[seg[0]]
        if titled:
            self.add(seg[0], seg[-1], "person", "title", 0.9)
            return
        if (t0.key in lx.STOPWORDS and t0.key not in first) or (t0.key in lx.NOT_NAMES and t0.key not in lx.MONTHS):
            return
        cue = self._cue_before(seg[0])
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
                elif self._verb_follows(seg[0]):
                    self.add(seg[0], seg[0], "person", "first_name", 0.6)
            elif t0.upper:
                if t0.key not in common:
                    self.add(seg[0], seg[0], "person", "first_name", 0.5)
            elif t0.key not in common:
                self.add(seg[0], seg[0], "person", "first_name", 0.8)
            elif t0.key not in lx.MONTHS:
                self.add(seg[0], seg[0], "person", "first_name", 0.75 if cue else 0.6)
            return
        prev = toks[seg[0] - 1].key if seg[0] > 0 else ""
        if prev == "the" and seg[0] > 1:
            prev = toks[seg[0] - 2].key  # "at the Kingsmill"
        if t0.upper and len(seg) == 1:
            if prev in lx.PLACE_PREPS and t0.key not in common and 2 < len(t0.raw) < 7:
                self.add(seg[0], seg[0], "place", "place_prep", 0.4)  # "at the QMC"
            return  # other acronyms: CBT, CMHT ...
        plain = [k for k in seg if toks[k].key not in common and not toks[k].upper]
        if not plain or t0.key in lx.NOT_NAMES:
            return
        if cue == "strong":
            named = toks[seg[0] - 1].key in ("called", "named")
            cat = "other" if named and t0.key not in sur else "person"
            self.add(seg[0], seg[-1], cat, "name_cue", 0.75)
            return
        if t0.start and not self._verb_follows(seg[-1], label=False):
            return
        if t0.key in sur and t0.key not in common and not t0.start:
            self.add(seg[0], seg[-1], "person", "surname", 0.5)
            return
        if any(toks[k].key in self.lower_keys for k in plain):
            return  # written in lower case elsewhere: an ordinary word
        if prev in lx.PLACE_PREPS:
            self.add(seg[0], seg[-1], "place", "place_prep", 0.6)
        elif cue or self._verb_follows(seg[-1], label=False):
            self.add(seg[0], seg[-1], "person", "proper_noun", 0.45)
        elif not any(_WORDLIKE.search(toks[k].key) for k in plain):
            self.add(seg[0], seg[-1], "other", "proper_noun", 0.4)

    def numbered_cues(self) -> None:
        toks = self.toks
        for i in range(len(toks) - 1):
            t = toks[i]
            if t.key in lx.NUMBERED_CUES and self.joined(i):
                nxt = toks[i + 1]
                if nxt.raw[0].isdigit() and len(nxt.raw) <= 4 or (len(nxt.raw) == 1 and nxt.raw.isupper()):
                    self.add(i, i + 1, "place", "place_cue", 0.8 if t.cap else 0.7)

    def echo_names(self) -> None:
        """A word taken for a first name once is one everywhere it is capitalised ("Grace was ...")."""
        keys = {normalise_token(c.text) for c in self.out
                if c.category == "person" and c.confidence >= 0.6 and " " not in c.text}
        keys = {k for k in keys if k in self.first and k not in lx.MONTHS and k not in lx.NOT_NAMES}
        if not keys:
            return
        toks = self.toks
        for i, t in enumerate(toks):
            if t.key in keys and t.cap and not t.label:
                if t.start and t.key in self.common and i + 1 < len(toks) and toks[i + 1].key in _PRONOUNS:
                    continue  # "Will you ...?", "May I ...?"
                self.add(i, i, "person", "first_name", 0.6)

    def lower_names(self) -> None:
        """Lower-case first names: written capitalised elsewhere, after a strong cue ("called
        sarah"), or anywhere in a text that hardly uses capitals (an automatic transcript)."""
        toks, first, common = self.toks, self.first, self.common
        seen = {t.key for t in toks if t.cap and not t.upper and t.key in first and t.key not in common}
        starts = [t.cap for t in toks if t.start and not t.label and t.raw[0].isalpha()]
        lower_text = len(starts) >= 20 and sum(starts) < 0.3 * len(starts)
        for i, t in enumerate(toks):
            if not t.raw.islower() or t.key not in first or t.key in common:
                continue
            if t.key in seen:
                self.add(i, i, "person", "name_lower", 0.6)
            elif len(t.key) > 2 and i and toks[i - 1].key in lx.STRONG_PERSON_CUES and \
                    self.text[toks[i - 1].end : t.s] == " ":
                self.add(i, i, "person", "name_cue", 0.6)
            elif lower_text and len(t.key) > 2:
                self.add(i, i, "person", "name_lower", 0.4)

    def fuzzy(self, targets: set[str], exact: set[str]) -> None:
        """Words one edit away from a register person term ("Sarrah", "Jonse")."""
        index: dict[str, set[str]] = {}
        for term in targets:
            for d in _deletes(term):
                index.setdefault(d, set()).add(term)
        near: dict[str, list[str]] = {}
        for i, t in enumerate(self.toks):
            key = t.key
            if len(key) < 4 or key in exact or key in self.common or not key.isalpha():
                continue
            terms = near.get(key)
            if terms is None:
                pool = set().union(*(index.get(d, ()) for d in _deletes(key)))
                terms = near[key] = [term for term in pool if _within_one(key, term)]
            if terms and (t.cap or any(term[0] == key[0] for term in terms)):
                self.add(i, i, "person", "fuzzy", 0.5 if t.cap else 0.35)


def _gazetteer(scan: _Scan, text: str, toks: list[_Tok]) -> None:
    """Towns and counties, and organisations named without a cue word ("Mind")."""
    places, orgs = _fixed()
    raw = [(t.s, t.end, t.raw if t.end == t.e else text[t.s : t.end]) for t in toks]
    index = {t.s: i for i, t in enumerate(toks)}
    for matcher, detector, category in ((places, "gazetteer", "place"), (orgs, "org_name", "organisation")):
        for m in matcher.match_tokens(text, raw):
            i = index.get(m.start)
            if i is None or toks[i].label or not m.text[0].isupper() or not _cased_like(m.text, m.key):
                continue
            key = " ".join(normalise_token(w.group()) for w in TOKEN_RE.finditer(m.text))
            prep = i > 0 and toks[i - 1].key in lx.PLACE_PREPS
            ambiguous = key in scan.common or key in lx.ORG_AMBIGUOUS or key in scan.first
            if ambiguous and toks[i].start and not prep:
                continue  # "Reading is hard", "Mind you"
            conf = 0.92 if " " in key else 0.85 if (prep or not ambiguous) else 0.55
            scan.out.append(Candidate(m.start, m.end, m.text, category, detector, conf))


def _merge(text: str, cands: list[Candidate]) -> list[Candidate]:
    """Merge overlapping candidates: union span, category of the longest confident one."""
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


def detect(
    text: str,
    *,
    known: Iterable[tuple[str, str]] = (),
    allow: Iterable[str] = (),
    speakers: Iterable[str] = (),
) -> list[Candidate]:
    """Candidate identifiers in ``text`` (canonical NFC text), sorted by position.

    ``known`` holds ``(term, category)`` pairs from the researcher's register;
    ``allow`` terms are never reported; ``speakers`` are turn labels that are
    not names. Offsets are ``str`` indices into ``text``.
    """
    if not isinstance(text, str):
        raise InvalidInput("detect() needs text")
    known_t = tuple((str(t), str(c)) for t, c in known)
    register = _register(known_t) if known_t else None
    allowed = {" ".join(normalise_token(w.group()) for w in TOKEN_RE.finditer(a)) for a in allow}
    allowed.discard("")
    toks = _tokens(text)
    _mark_labels(text, toks, {" ".join(s.split()).casefold() for s in speakers})
    scan = _Scan(text, toks)
    if register is not None:
        raw = [(t.s, t.s + len(t.raw), t.raw) for t in toks]
        for m in register.match_tokens(text, raw):
            lower_word = m.text.islower() and " " not in m.text and normalise_token(m.text) in scan.common
            scan.out.append(Candidate(m.start, m.end, m.text, m.key, "register", 0.5 if lower_word else 1.0))
    scan.out.extend(find_patterns(text))
    scan.scan()
    _gazetteer(scan, text, toks)
    scan.echo_names()
    scan.lower_names()
    people = {normalise_token(w.group()) for t, c in known_t if c == "person" for w in TOKEN_RE.finditer(t)}
    targets = {p for p in people if len(p) >= 5 and p not in scan.common}
    if targets:
        scan.fuzzy(targets, people)
    cands = [c for c in scan.out
             if " ".join(normalise_token(w.group()) for w in TOKEN_RE.finditer(c.text)) not in allowed]
    return _merge(text, cands)


__all__ = ["CATEGORIES", "Candidate", "detect"]
