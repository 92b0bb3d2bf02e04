"""Where a full-text match is inside a passage, and the snippet that shows it.

FTS5 says which passages match; this module finds the words themselves the
way the index saw them: whole tokens, case and accents folded, a ``*`` term
as a prefix, a phrase as its words in order.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Sequence

_TOKEN = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=2048)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Lower-case, accents removed, one character for one (offsets stay valid)."""
    return "".join(_fold_char(c) for c in text)


@lru_cache(maxsize=256)
def _pattern(term: str) -> re.Pattern[str]:
    prefix = term.endswith("*")
    words = _TOKEN.findall(fold(term.rstrip("*")))
    body = r"\W+".join(re.escape(w) for w in words)
    return re.compile(r"(?<!\w)" + body + (r"\w*" if prefix else r"(?!\w)"))


def matches(body: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Every (offset, length) in ``body`` where one of the query ``terms`` occurs, in text order."""
    folded = fold(body)
    found = {(m.start(), m.end() - m.start()) for t in terms if _TOKEN.search(t) for m in _pattern(t).finditer(folded)}
    return sorted(found)


def snippet(body: str, offset: int, length: int, width: int = 70) -> str:
    """The match in ``[brackets]`` with up to ``width`` characters either side, lines folded."""
    lo, hi = max(0, offset - width), min(len(body), offset + length + width)
    head = ("…" if lo > 0 else "") + body[lo:offset]
    tail = body[offset + length : hi] + ("…" if hi < len(body) else "")
    return " ".join(f"{head}[{body[offset:offset + length]}]{tail}".split())
