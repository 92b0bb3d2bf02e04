"""Offline identifier detection: candidates for a researcher to review, never edits.

:func:`detect` combines five sources; each candidate names its ``detector``:

1. ``register``: the researcher's own terms (``known``), confidence 1.0 (0.5
   for a lower-case hit of a one-word term that is an ordinary word: "hope");
2. pattern rules (:mod:`thematica.deid.patterns`): contact details, IDs, dates
   (bare years and academic years too), ages (spelled out too);
3. names (:mod:`thematica.deid.names`): ``title`` (Dr, Mrs, Nurse, Pastor,
   Auntie ... + capitalised words; the title is not in the span), ``name_pair``
   (first name + surname, in lower case too), ``first_name`` (a listed first
   name, capitalised inside a sentence; at a sentence start too, unless it is
   also an ordinary word ("Will", "Hope"), which then needs "said", "is my key
   worker" ... after it), ``nickname`` ("Big Steve", "little kev"),
   ``name_cue`` (after "called", "my mate", "her name is" ..., even in lower
   case), ``surname``, ``name_lower`` (a lower-case first name in a name context:
   "me and dan", "then kemi said"; or a name written as one elsewhere in the
   text; in a text with almost no capitals, any first name), ``proper_noun`` (a
   capitalised word inside a sentence in no list and never written in lower
   case), ``namelike`` (a capitalised word in no list whose letters look like a
   name, :mod:`thematica.deid.unknown`: inside a sentence; at a sentence start
   only with a name-ish continuation; two such words as one full name),
   ``echo`` (such a word at a sentence start that is capitalised inside a
   sentence elsewhere); ``name_cue`` also takes an ordinary word right after a
   relation ("my sister Memory");
4. places and organisations (:mod:`thematica.deid.places`): ``place_cue``
   (capitalised words with Ward, Hospital, Road, Centre, Trust, Housing, FC ...,
   with a house number before a street; "Ward 7"; "University of X"),
   ``place_shape`` ("Lower X", "North X", "Llan..."), ``employer`` ("worked at
   X"), ``gazetteer`` (UK towns, districts, counties), ``org_name`` (Mind,
   Samaritans, shops and employers: Asda, Tesco ...), ``place_prep`` (an unknown
   capitalised word or acronym after in/at/from/near);
   places in lower case by a cue word after one or two specific words ("tanner street",
   ``place_cue``), "Radio X" and "Café X" (``place_shape``), an initial and a surname
   ("R. Okonkwo", ``initial``), two-letter initials in a name position ("me and RK", "PJ
   said", ``initials``; not known acronyms);
5. ``fuzzy``: a word one edit (Damerau) from a register person term of five or
   more letters ("Sarrah", "Jonse").

Overlapping candidates merge into one (:func:`~thematica.deid.patterns.merge_candidates`).

Never reported (unless in the register): "I", weekday and month names alone,
holidays alone ("Christmas"; "Christmas 2022" is a date), ordinary words at a
sentence start ("Well", "So", "Then"), generic services alone ("the Recovery
College", "NHS", "the Trust", "Health Centre", "Crisis Team"), God, Covid,
countries, nationalities, languages and religious terms, common acronyms (CBT,
CPN, GP) and their plurals ("TAs"), a title alone ("Mrs"), well-known apps,
turn labels at a line start ("INT:", "P12:", "Facilitator:") and those named in
``speakers``, and anything in ``allow`` (whole candidate, case-insensitive).
Age bands ("in my forties") and decades ("the 1990s") are not flagged.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from ..errors import InvalidInput
from . import lexicon as lx
from .matcher import TOKEN_RE, TermMatcher, normalise_token
from .names import NameRules
from .patterns import CATEGORIES, Candidate, find_patterns, merge_candidates
from .places import PlaceRules
from .tokens import mark_labels, tokenise


@lru_cache(maxsize=8)
def _register(known: tuple[tuple[str, str], ...]) -> TermMatcher[str]:
    for term, cat in known:
        if cat not in CATEGORIES:
            raise InvalidInput(f"unknown identifier category {cat!r}; use one of {', '.join(CATEGORIES)}")
    return TermMatcher(known)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: a scan makes many short-lived objects and no cycles,
    and collections of the large word lists would otherwise take a quarter of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Scan(NameRules, PlaceRules):
    """One detection pass over one text."""

    def runs(self) -> Iterable[list[int]]:
        """Runs of capitalised words on one line, with connectors inside ("University of X")."""
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
                              and (nt.key not in ("and", "&") or self._cue_ahead(k + 1)
                                   and toks[run[-1]].key not in lx.PLACE_CUES)):
                    run.append(k)
                else:
                    break
            while len(run) > 1 and toks[run[-1]].key in lx.CONNECTORS:
                run.pop()
            yield run
            i = run[-1] + 1

    def _cue_ahead(self, k: int) -> bool:
        """True if the capitalised words from token k on end in a place cue ("... and X Trust")."""
        toks = self.toks
        while k < len(toks) and (toks[k].cap or toks[k].key in lx.CONNECTORS):
            if toks[k].key in lx.PLACE_CUES:
                return True
            if not self.joined(k):
                break
            k += 1
        return False

    def _named_place(self, run: list[int]) -> bool:
        """True if the run names a place by its cue word or shape ("Church Street", "Lower Gornal")."""
        keys = [self.toks[k].key for k in run]
        if len(run) > 1 and keys[0] in lx.PLACE_PREFIXES and keys[1] not in self.common:
            return True
        return len(run) > 1 and any(k in lx.PLACE_CUES for k in keys[1:])

    def scan(self) -> None:
        toks = self.toks
        for run in self.runs():
            # drop leading function words, ordinary sentence-start words and titles
            titled = False
            while run:
                t = toks[run[0]]
                if t.key in lx.TITLES and len(run) > 1 and self.titled_name(run[1]):
                    titled = True
                    run = run[1:]
                    for k in run:
                        toks[k].start = False
                    break
                function = (t.key in lx.STOPWORDS or t.key in lx.CONNECTORS) and t.key not in self.first
                if function or (t.start and t.key in self.common and not self.keep_start(run)
                                and (t.key in lx.OPENERS or not self._named_place(run))
                                and not (t.key in lx.NICK_PREFIXES and len(run) > 1
                                         and (self.toks[run[1]].key in self.first or self.nick_head(run[1])))):
                    run = run[1:]
                    if run:
                        toks[run[0]].start = False
                    continue
                break
            if run:
                self.classify(run, titled)
        self.numbered_cues()

    def classify(self, run: list[int], titled: bool) -> None:
        """A run of capitalised words: a place, an organisation, people, or nothing."""
        toks = self.toks
        if not titled and (self.employer(run) or self.prefixed_place(run)):
            return
        run = self.place_run(run, titled)
        # people: split at connectors other than surname particles ("Sarah de Souza")
        seg: list[int] = []
        for k in run + [-1]:
            if k >= 0 and (toks[k].key not in lx.CONNECTORS or (toks[k].key in lx.PARTICLES and seg)):
                seg.append(k)
                continue
            if seg:
                self.person(seg, titled)
            seg, titled = [], False


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
    with _gc_paused():
        return _detect(text, known, allow, speakers)


def _detect(text: str, known: Iterable[tuple[str, str]], allow: Iterable[str], speakers: Iterable[str]) -> list[Candidate]:
    known_t = tuple((str(t), str(c)) for t, c in known)
    register = _register(known_t) if known_t else None
    allowed = {" ".join(normalise_token(w.group()) for w in TOKEN_RE.finditer(a)) for a in allow}
    allowed.discard("")
    toks = tokenise(text)
    mark_labels(text, toks, {" ".join(s.split()).casefold() for s in speakers})
    scan = _Scan(text, toks)
    if register is not None:
        raw = [(t.s, t.end, t.full) for t in toks]
        for m in register.match_tokens(text, raw):
            lower_word = m.text.islower() and " " not in m.text and normalise_token(m.text) in scan.common
            scan.out.append(Candidate(m.start, m.end, m.text, m.key, "register", 0.5 if lower_word else 1.0))
    scan.out.extend(find_patterns(text))
    scan.scan()
    scan.echo_unknown()
    scan.gazetteer()
    scan.lower_places()
    scan.initial_surnames()
    scan.echo_names()
    scan.echo_places()
    scan.lower_names()
    people = {normalise_token(w.group()) for t, c in known_t if c == "person" for w in TOKEN_RE.finditer(t)}
    targets = {p for p in people if len(p) >= 5 and p not in scan.common}
    if targets:
        scan.fuzzy(targets, people)
    cands = [c for c in scan.out
             if " ".join(normalise_token(w.group()) for w in TOKEN_RE.finditer(c.text)) not in allowed]
    return merge_candidates(text, cands)


__all__ = ["CATEGORIES", "Candidate", "detect"]
