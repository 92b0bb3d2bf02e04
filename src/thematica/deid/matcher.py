"""Fast, case-insensitive whole-word matching of many terms at once.

Text is cut into *tokens*: runs of word characters (Unicode letters, digits,
combining marks of the common scripts) joined by an inner hyphen or
apostrophe, so ``Ann-Marie``, ``O'Neill`` and ``Sarah's`` are one token each.
A term matches a run of tokens whose normal forms equal the term's, with any
whitespace (a newline too) wherever the term has a space and the same
punctuation wherever the term has punctuation ("St. Mary's").

Normal form: case-folded, accents removed, apostrophes dropped (``St Marys``
matches ``St Mary's``), the hyphen family unified. A clitic (``'s``, ``'ll``,
``'d``, ``'re``, ``'ve``; straight or curly apostrophe) may follow the last
token; it is *not* part of the match, so a replacement keeps the possessive.
A term never matches part of a token: ``Jones`` does not match ``Jonestown``,
``Sarahs`` or ``Jones-Smith``.

Matching walks a token trie: linear in the text, independent of the number of
terms. At each token the longest term wins; matches never overlap.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Generic, TypeVar

from ..errors import InvalidInput

K = TypeVar("K")

# Word characters: \w plus the combining marks \w leaves out (Latin diacritics,
# Hebrew/Arabic points) and whole Indic and Thai blocks (their vowel signs are marks).
_W = (
    r"[\w\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    r"\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0e7f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_APOS = "'\u2019\u2018\u02bc"
_HYPH = "-\u2010\u2011"
TOKEN_RE = re.compile(rf"{_W}+(?:[{_HYPH}{_APOS}]{_W}+)*")
_CLITIC = re.compile(rf"[{_APOS}](?:s|ll|d|re|ve)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_PUNCT_MAP = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})


@lru_cache(maxsize=1 << 17)
def normalise_token(raw: str) -> str:
    """Return the matching key of one token: case-folded, no accents, no apostrophes."""
    key = raw.casefold()
    if not key.isascii():
        key = unicodedata.normalize("NFD", key.translate(_PUNCT_MAP))
        key = "".join(c for c in key if not unicodedata.combining(c))
        key = key.translate(_PUNCT_MAP)
    if "'" in key:
        key = key.replace("'", "")
    return key


def _norm_sep(sep: str) -> str:
    """Normalise the text between two tokens: whitespace runs become one space."""
    if sep.isspace():
        return " "
    return _SPACES.sub(" ", sep.translate(_PUNCT_MAP)).casefold()


_CLITIC_ENDS = frozenset("sSdDeElL")


def split_clitic(raw: str) -> int | None:
    """Length of ``raw`` without a trailing clitic (``'s``, ``'ll`` ...), or None."""
    if len(raw) < 3 or raw[-1] not in _CLITIC_ENDS:
        return None
    m = _CLITIC.search(raw)
    return m.start() if m and m.start() > 0 else None


@dataclass(frozen=True, slots=True)
class Match(Generic[K]):
    """One occurrence: ``text[start:end]`` and the key of the term it matched."""

    start: int
    end: int
    text: str
    key: K


@dataclass(slots=True)
class _Entry(Generic[K]):
    prefix: str
    suffix: str
    key: K


class _Node(Generic[K]):
    __slots__ = ("children", "entries")

    def __init__(self) -> None:
        self.children: dict[tuple[str, str], _Node[K]] = {}
        self.entries: list[_Entry[K]] = []


class TermMatcher(Generic[K]):
    """Find every occurrence of many terms, case-insensitively, on token boundaries.

    Built from ``(term, key)`` pairs; when two pairs share a normalised term the
    first one's key is reported. A term with no word character is an
    :class:`~thematica.errors.InvalidInput`.
    """

    def __init__(self, pairs: Iterable[tuple[str, K]]) -> None:
        self._first: dict[str, _Node[K]] = {}
        self._count = 0
        for term, key in pairs:
            self._add(term, key)

    def __len__(self) -> int:
        return self._count

    def _add(self, term: str, key: K) -> None:
        if not isinstance(term, str):
            raise InvalidInput(f"a term must be text, not {type(term).__name__}")
        term = unicodedata.normalize("NFC", term).strip()
        toks = list(TOKEN_RE.finditer(term))
        if not toks:
            raise InvalidInput(f"the term {term!r} has no letters or digits to match")
        prefix = term[: toks[0].start()].casefold()
        suffix = term[toks[-1].end() :].rstrip(".,;:!?").casefold()
        node = self._first.get(first := normalise_token(toks[0].group()))
        if node is None:
            node = self._first[first] = _Node()
        for prev, tok in pairwise(toks):
            edge = (_norm_sep(term[prev.end() : tok.start()]), normalise_token(tok.group()))
            nxt = node.children.get(edge)
            if nxt is None:
                nxt = node.children[edge] = _Node()
            node = nxt
        if any(e.prefix == prefix and e.suffix == suffix for e in node.entries):
            return
        node.entries.append(_Entry(prefix, suffix, key))
        node.entries.sort(key=lambda e: -(len(e.prefix) + len(e.suffix)))
        self._count += 1

    @staticmethod
    def _accept(node: _Node[K], text: str, start: int, end: int) -> _Entry[K] | None:
        for e in node.entries:
            if e.prefix and text[max(0, start - len(e.prefix)) : start].casefold() != e.prefix:
                continue
            if e.suffix and text[end : end + len(e.suffix)].casefold() != e.suffix:
                continue
            return e
        return None

    def finditer(self, text: str) -> Iterator[Match[K]]:
        """Yield the leftmost-longest, non-overlapping matches in ``text``, in order."""
        if not self._first:
            return
        toks = [(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
        yield from self.match_tokens(text, toks)

    def match_tokens(self, text: str, toks: list[tuple[int, int, str]]) -> Iterator[Match[K]]:
        """Like :meth:`finditer`, over ``(start, end, raw)`` tokens already cut from ``text``."""
        first = self._first
        n = len(toks)
        i = 0
        while i < n:
            s0, _e0, raw0 = toks[i]
            node = first.get(normalise_token(raw0))
            cut = split_clitic(raw0) if raw0[-1] in _CLITIC_ENDS else None
            best: tuple[int, int, _Entry[K]] | None = None  # (end, last token index, entry)
            if cut is not None:
                base = first.get(normalise_token(raw0[:cut]))
                if base is not None and base.entries:
                    entry = self._accept(base, text, s0, s0 + cut)
                    if entry is not None:
                        best = (s0 + cut, i, entry)
            j = i
            while node is not None:
                if node.entries:
                    entry = self._accept(node, text, s0, toks[j][1])
                    if entry is not None and (best is None or toks[j][1] > best[0]):
                        best = (toks[j][1], j, entry)
                if j + 1 >= n or not node.children:
                    break
                prev_end = toks[j][1]
                s1, _e1, raw1 = toks[j + 1]
                sep = _norm_sep(text[prev_end:s1])
                nxt = node.children.get((sep, normalise_token(raw1)))
                cut = split_clitic(raw1) if raw1[-1] in _CLITIC_ENDS else None
                if cut is not None:
                    base = node.children.get((sep, normalise_token(raw1[:cut])))
                    if base is not None and base.entries:
                        entry = self._accept(base, text, s0, s1 + cut)
                        if entry is not None and (best is None or s1 + cut > best[0]):
                            best = (s1 + cut, j + 1, entry)
                node = nxt
                j += 1
            if best is None:
                i += 1
                continue
            end, last, entry = best
            start = s0 - len(entry.prefix)
            end += len(entry.suffix)
            yield Match(start, end, text[start:end], entry.key)
            i = last + 1

    def sub(self, text: str, repl: str | Callable[[Match[K]], str]) -> str:
        """Return ``text`` with every match replaced by ``repl`` (a string, or a function of the match)."""
        out: list[str] = []
        pos = 0
        for m in self.finditer(text):
            out.append(text[pos : m.start])
            out.append(repl if isinstance(repl, str) else repl(m))
            pos = m.end
        out.append(text[pos:])
        return "".join(out)


def same_capitals(found: str, term: str, exempt: Iterable[str] = ()) -> bool:
    """True if each word capitalised in ``term`` is capitalised in ``found`` (``exempt`` normal forms aside)."""
    skip = set(exempt)
    return all(
        w.group()[:1].isupper() or not t.group()[:1].isupper() or normalise_token(t.group()) in skip
        for w, t in zip(TOKEN_RE.finditer(found), TOKEN_RE.finditer(term))
    )


def within_one_edit(a: str, b: str) -> bool:
    """True if ``a`` and ``b`` are at most one edit apart (insert, delete, substitute, swap)."""
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


class FuzzyIndex:
    """Terms found again with one typing slip (Damerau-Levenshtein distance <= 1)."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._index: dict[str, set[str]] = {}
        for term in terms:
            for d in _deletes(term):
                self._index.setdefault(d, set()).add(term)

    def near(self, word: str) -> list[str]:
        """The indexed terms within one edit of ``word`` (``word`` itself included)."""
        pool: set[str] = set()
        for d in _deletes(word):
            pool |= self._index.get(d, set())
        return sorted(term for term in pool if within_one_edit(word, term))


_TITLES = frozenset((
    "mr", "mrs", "ms", "miss", "mx", "dr", "doctor", "prof", "professor", "sir", "dame", "lord", "lady", "rev",
    "revd", "reverend", "nurse", "sister", "matron", "father", "fr", "cllr", "councillor",
))
_SUFFIXES = frozenset(("jr", "jnr", "sr", "snr", "ii", "iii", "iv", "phd", "md", "mbe", "obe", "cbe"))
_PARTICLES = frozenset(("van", "von", "der", "den", "de", "da", "di", "du", "del", "della", "la", "le", "bin",
                        "ibn", "al", "el", "st"))


def person_variants(full_name: str) -> list[str]:
    """The forms a person may be mentioned by: the full name without title, and its parts.

    ``"Dr Ann-Marie O'Neill"`` gives ``["Ann-Marie O'Neill", "Ann Marie O'Neill",
    "Ann-Marie", "Ann Marie", "O'Neill"]``. Titles, initials, generational
    suffixes, one- and two-letter tokens and stopwords are never variants on
    their own; a surname particle stays with its surname ("van Dijk").
    """
    from .lexicon import STOPWORDS

    words = [w.strip(",") for w in unicodedata.normalize("NFC", full_name).split()]
    while words and words[0].casefold().rstrip(".") in _TITLES:
        words = words[1:]
    while words and words[-1].casefold().rstrip(".") in _SUFFIXES:
        words = words[:-1]
    words = [w for w in words if w and not re.fullmatch(r"\w\.?", w)]  # drop initials
    if not words:
        return []
    out: list[str] = []
    seen: set[str] = set()

    def add(form: str) -> None:
        form = " ".join(form.split())
        if form and form.casefold() not in seen:
            seen.add(form.casefold())
            out.append(form)

    def usable(word: str) -> bool:
        letters = sum(ch.isalpha() for ch in word)
        return letters >= 3 and normalise_token(word) not in STOPWORDS

    def unhyphen(form: str) -> str:
        return re.sub(rf"(?<=\w)[{_HYPH}](?=\w)", " ", form)

    full = " ".join(words)
    add(full)
    add(unhyphen(full))
    if len(words) > 2 and words[-2].casefold() not in _PARTICLES:
        add(f"{words[0]} {words[-1]}")
    parts: list[str] = []
    i = 0
    while i < len(words):
        if words[i].casefold() in _PARTICLES and i + 1 < len(words) and i > 0:
            parts.append(f"{words[i]} {words[i + 1]}")
            i += 2
            continue
        parts.append(words[i])
        i += 1
    for part in parts:
        if usable(part.split()[-1]):
            add(part)
            add(part.split()[-1])
            if re.search(rf"\w[{_HYPH}]\w", part):
                add(unhyphen(part))
    return out


__all__ = [
    "TOKEN_RE", "FuzzyIndex", "Match", "TermMatcher", "normalise_token", "person_variants", "same_capitals",
    "split_clitic", "within_one_edit",
]
