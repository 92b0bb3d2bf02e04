"""Tokens, speaker labels and the shared state of one detection pass."""

from __future__ import annotations

import bisect
import re

from . import lexicon as lx
from .matcher import TOKEN_RE, normalise_token, split_clitic
from .patterns import Candidate

_SENT_GAP = re.compile(r"[.!?:;\n(\[\]>\"\u201c\u2026]")
_LABEL = re.compile(
    r"^[ \t]*(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]+)?[*_\[]*(?P<label>[^\n:*_\[\]]{1,40}?)"
    r"[*_\]]*[ \t]*(?:\([^)\n]*\)[ \t]*)?:",
    re.MULTILINE,
)
_BRACKET_LABEL = re.compile(r"^[ \t]*\[(?P<label>[^\]\n:]{1,24})\]", re.MULTILINE)
#: The shape of a turn label: one to three words, each capitalised or holding a digit
#: ("INT", "R", "P12", "FG3-P2", "Participant 3", "Facilitator"), or one short word ("int").
_LABEL_SHAPE = re.compile(r"(?:[A-Z0-9][\w.'\u2019-]*(?: [A-Z0-9#][\w.'\u2019-]*){0,2}|[a-z][a-z0-9-]{0,5})")


class Tok:
    """A token with its clitic cut off (``e``; ``end`` keeps it) and its features."""

    __slots__ = ("cap", "e", "end", "full", "key", "label", "raw", "s", "sent", "start", "upper")

    def __init__(self, s: int, e: int, raw: str, start: bool) -> None:
        self.end, self.full = e, raw
        cut = split_clitic(raw)
        if cut is not None:
            raw, e = raw[:cut], s + cut
        self.s, self.e, self.raw = s, e, raw
        self.key = normalise_token(raw)
        self.cap = raw[0].isupper()
        self.upper = self.cap and len(raw) > 1 and raw.isupper()
        self.start = start  # first word of a sentence or turn (cleared when a run's first word is dropped)
        self.sent = start  # the same, never cleared
        self.label = False


def tokenise(text: str) -> list[Tok]:
    """The tokens of ``text``, each marked if it starts a sentence or a turn."""
    toks: list[Tok] = []
    prev_end, prev_key = 0, ""
    for m in TOKEN_RE.finditer(text):
        s = m.start()
        gap = text[prev_end:s]
        start = not toks or (gap != " " and _SENT_GAP.search(gap) is not None
                             and not (gap.strip() == "." and prev_key in lx.ABBREVIATIONS))
        tok = Tok(s, m.end(), m.group(), start)
        toks.append(tok)
        prev_end, prev_key = m.end(), tok.key
    return toks


def mark_labels(text: str, toks: list[Tok], speakers: set[str]) -> None:
    """Mark turn labels at line starts: those named in ``speakers`` and any label-shaped one."""
    if not toks or ":" not in text and "[" not in text:
        return
    starts = [t.s for t in toks]
    for m in [*_LABEL.finditer(text), *_BRACKET_LABEL.finditer(text)]:
        label = " ".join(m.group("label").split())
        if label.casefold() not in speakers and not _LABEL_SHAPE.fullmatch(label):
            continue
        i = bisect.bisect_left(starts, m.start("label"))
        while i < len(toks) and toks[i].s < m.end("label"):
            toks[i].label = True
            i += 1
        if i < len(toks):
            toks[i].start = toks[i].sent = True


class ScanBase:
    """One detection pass over one text: its tokens, word lists and candidates."""

    def __init__(self, text: str, toks: list[Tok]) -> None:
        self.text, self.toks = text, toks
        self.out: list[Candidate] = []
        self.first, self.sur, self.common = lx.first_names(), lx.surnames(), lx.common_words()
        self.world = lx.world_terms()
        self.lower_keys = {t.key for t in toks if t.raw.islower()}
        words = [t for t in toks if not t.label and t.raw[0].isalpha() and t.key != "i"]
        #: an automatic transcript with hardly a capital letter: lower-case names count
        self.lower_text = len(words) >= 40 and sum(t.cap for t in words) < 0.015 * len(words)

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
        return gap.strip(" ") == "." and self.toks[i].key in lx.ABBREVIATIONS

    def near(self, i: int, j: int) -> bool:
        """True if tokens i < j are neighbours with only spaces or a comma between."""
        return 0 <= i and j < len(self.toks) and self.text[self.toks[i].end : self.toks[j].s].strip(" ,") == ""

    def key_at(self, i: int) -> str:
        """The key of token i, or "" outside the text."""
        return self.toks[i].key if 0 <= i < len(self.toks) else ""


__all__ = ["ScanBase", "Tok", "mark_labels", "tokenise"]
