"""Selection offsets as producers count them, mapped onto thematica's canonical text.

REFI-QDA says offsets count Unicode code points; real tools differ (see the
SPEC in the fixtures): NVivo counts UTF-16 code units and CRLF as two,
ATLAS.ti counts CRLF as one although its ``.txt`` keeps CRLF. A
:class:`CountingRule` says how one producer counted; :class:`TextMap` holds a
source's *raw* text (decoded, BOM dropped, otherwise exactly what the producer
counted over) and maps a raw code-point index onto the canonical text
(:func:`thematica.text.canonicalise`: ``\\n`` newlines, NFC).

A position that falls inside something canonicalisation merges (between
``\\r`` and ``\\n``, inside a character NFC composes, inside a surrogate pair)
has no canonical position: it maps to ``None``, never to a neighbour.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from itertools import accumulate

from ...errors import ImportError_
from ...text import canonicalise

# Characters before which NFC never changes anything (starters with NFC_QC=Yes that compose
# with nothing before them), plus the non-ASCII newlines: canonicalisation can be done piecewise.
_SAFE = "\x00-\x7f\u2028\u2029\x85"
_CHUNK = re.compile(f"[{_SAFE}]?[^{_SAFE}]+")
_NEWLINE = re.compile(r"\r\n|\r|\u2028|\u2029|\u0085")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class CountingRule:
    """How a producer counted offsets: ``unit`` (codepoint, utf16, utf8), CRLF as ``crlf`` (1 or 2), BOM counted."""

    unit: str = "codepoint"
    crlf: int = 2
    bom: bool = False

    def describe(self) -> str:
        """Plain words, for notes."""
        unit = {"codepoint": "code points", "utf16": "UTF-16 code units", "utf8": "UTF-8 bytes"}[self.unit]
        bom = ", byte-order mark counted" if self.bom else ""
        return f"{unit}, CRLF as {self.crlf}{bom}"


CODEPOINTS = CountingRule()
NVIVO = CountingRule("utf16", 2)
ATLAS = CountingRule("codepoint", 1)

#: Every rule tried when a producer's own rule does not fit, in order of plausibility.
CANDIDATES: tuple[CountingRule, ...] = (
    CODEPOINTS,
    NVIVO,
    ATLAS,
    CountingRule("utf16", 1),
    CountingRule("utf8", 2),
    CountingRule("utf8", 1),
)


def producer_rule(origin: str) -> tuple[str, CountingRule]:
    """The producing tool named by ``Project@origin`` and the rule it is known to count by."""
    lowered = origin.casefold()
    if "nvivo" in lowered:
        return "NVivo", NVIVO
    if "atlas" in lowered:
        return "ATLAS.ti", ATLAS
    if "maxqda" in lowered:
        return "MAXQDA", CODEPOINTS
    if "qualcoder" in lowered:
        return "QualCoder", CODEPOINTS
    if "thematica" in lowered:
        return "thematica", CODEPOINTS
    if "transana" in lowered:
        return "Transana", CODEPOINTS
    if "quirkos" in lowered:
        return "Quirkos", CODEPOINTS
    if "taguette" in lowered:
        return "Taguette", CODEPOINTS
    return (origin.strip() or "an unnamed tool"), CODEPOINTS


@dataclass(frozen=True, slots=True)
class _Edit:
    """Raw ``[start, end)`` becomes ``replacement``; ``inner`` maps raw offsets inside it to replacement offsets."""

    start: int
    end: int
    replacement: str
    inner: dict[int, int]


class TextMap:
    """A source's raw text, its canonical text, and the map between their indices."""

    def __init__(self, raw: str, *, had_bom: bool = False) -> None:
        self.raw = raw
        self.had_bom = had_bom
        self._edits = _edits(raw)
        pieces: list[str] = []
        self._starts: list[int] = []
        self._canon_at: list[int] = []
        position = shift = 0
        for edit in self._edits:
            pieces.append(raw[position : edit.start])
            self._starts.append(edit.start)
            self._canon_at.append(edit.start + shift)
            pieces.append(edit.replacement)
            shift += len(edit.replacement) - (edit.end - edit.start)
            position = edit.end
        pieces.append(raw[position:])
        self.canonical = "".join(pieces)
        if self.canonical != canonicalise(raw):  # pragma: no cover - e.g. a second BOM before combining marks
            raise ImportError_("a source's text could not be mapped onto canonical text (unusual BOM or marks at its start)")
        self._cumulative: dict[CountingRule, list[int] | None] = {}
        self._collapsed: str | None = None

    def collapsed(self) -> str:
        """The canonical text with every run of whitespace made one space (to look for a selection's text)."""
        if self._collapsed is None:
            self._collapsed = " ".join(self.canonical.split())
        return self._collapsed

    def to_canonical(self, index: int) -> int | None:
        """The canonical index of raw index ``index``, or None inside a merged unit or out of range."""
        if not 0 <= index <= len(self.raw):
            return None
        k = bisect.bisect_right(self._starts, index) - 1
        if k < 0:
            return index
        edit = self._edits[k]
        base = self._canon_at[k]
        if index < edit.end:
            inner = edit.inner.get(index - edit.start)
            return None if inner is None else base + inner
        return base + len(edit.replacement) + (index - edit.end)

    def _weights(self, rule: CountingRule) -> list[int] | None:
        """Cumulative counted length before each raw index (None: counted = raw index)."""
        if rule in self._cumulative:
            return self._cumulative[rule]
        raw = self.raw
        plain = rule.unit == "codepoint" or raw.isascii() or (rule.unit == "utf16" and not _ASTRAL.search(raw))
        if plain and (rule.crlf == 2 or "\r\n" not in raw):
            table = None
        else:
            if rule.unit == "utf16":
                weights = [2 if c > "\uffff" else 1 for c in raw]
            elif rule.unit == "utf8":
                weights = [len(c.encode("utf-8", "surrogatepass")) for c in raw]
            else:
                weights = [1] * len(raw)
            if rule.crlf == 1:
                for match in re.finditer("\r\n", raw):
                    weights[match.start()] = 0
            table = list(accumulate(weights, initial=0))
        self._cumulative[rule] = table
        return table

    def counted_to_raw(self, counted: int, rule: CountingRule) -> int | None:
        """The raw index a producer's offset means under ``rule`` (None: inside a unit, or out of range)."""
        if rule.bom and self.had_bom:
            counted -= 1
            if counted == -1:
                counted = 0
        if counted < 0:
            return None
        table = self._weights(rule)
        if table is None:
            return counted if counted <= len(self.raw) else None
        i = bisect.bisect_left(table, counted)
        if i >= len(table) or table[i] != counted:
            return None
        return i

    def place(self, start: int, end: int, rule: CountingRule) -> tuple[int, int] | None:
        """Canonical ``(start, end)`` of a selection counted by ``rule``, or None when it cannot be placed."""
        a = self.counted_to_raw(start, rule)
        b = self.counted_to_raw(end, rule)
        if a is None or b is None:
            return None
        s, e = self.to_canonical(a), self.to_canonical(b)
        if s is None or e is None:
            return None
        return s, e


def _edits(raw: str) -> list[_Edit]:
    """Where canonicalisation changes the raw text: CRLF, other newlines, a stray BOM, NFC-changed clusters."""
    edits: list[_Edit] = []
    taken: set[int] = set()
    if not unicodedata.is_normalized("NFC", raw):
        for match in _CHUNK.finditer(raw):
            chunk = match.group()
            if not unicodedata.is_normalized("NFC", chunk):
                edits.append(_nfc_edit(match.start(), chunk))
                taken.add(match.start())  # a chunk holds at most one newline: its first character
    if raw.startswith("\ufeff") and 0 not in taken:
        edits.append(_Edit(0, 1, "", {0: 0, 1: 0}))
    for match in _NEWLINE.finditer(raw):
        a, b = match.span()
        if a in taken:
            continue
        edits.append(_Edit(a, b, "\n", {0: 0, 2: 1} if b - a == 2 else {0: 0, 1: 1}))
    edits.sort(key=lambda e: e.start)
    return edits


def _nfc_edit(start: int, chunk: str) -> _Edit:
    """An NFC-changed cluster, with the inner offsets that survive normalisation."""
    lined = _NEWLINE.sub("\n", chunk)  # only a leading lone CR can be here
    replacement = unicodedata.normalize("NFC", lined)
    inner = {0: 0, len(chunk): len(replacement)}
    for k in range(1, len(chunk)):
        head = unicodedata.normalize("NFC", lined[:k])
        if replacement.startswith(head) and unicodedata.normalize("NFC", lined[k:]) == replacement[len(head) :]:
            inner[k] = len(head)
    return _Edit(start, start + len(chunk), replacement, inner)


EXACT, LOOSE, WRONG = 2, 1, 0


def same_text(name: str, selected: str) -> int | None:
    """How well a selection's ``name`` matches its text: EXACT, LOOSE, WRONG (None when the name is empty).

    Tools put the selected text in ``PlainTextSelection@name``, often cut to
    about 100 characters and ended with an ellipsis, sometimes with other
    whitespace: that is a LOOSE match.
    """
    wanted = canonicalise(name)
    if not wanted.strip():
        return None
    if wanted == selected:
        return EXACT
    wanted = " ".join(wanted.split())
    got = " ".join(selected.split())
    if got == wanted:
        return LOOSE
    for ellipsis in ("…", "..."):
        if wanted.endswith(ellipsis):
            head = wanted[: -len(ellipsis)].rstrip()
            if head and got.startswith(head):
                return LOOSE
    return WRONG


def clean_edges(text: str, start: int, end: int) -> int:
    """How many of a span's two ends fall between words rather than inside one (0, 1 or 2)."""
    score = 0
    for x in (start, end):
        if x <= 0 or x >= len(text) or not (text[x - 1].isalnum() and text[x].isalnum()):
            score += 1
    return score
