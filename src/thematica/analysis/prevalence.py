"""Prevalence in words: "four of the eight participants", as qualitative papers phrase it.

Two styles: ``exact`` names the counts ("seven of the eight participants");
``vague`` uses the quantifiers some journals prefer ("most participants").
Numbers one to twenty are written as words, larger ones as digits.
"""

from __future__ import annotations

from typing import Literal

from ..errors import InvalidInput

Style = Literal["exact", "vague"]

_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty"
).split()


def number_word(n: int) -> str:
    """``n`` as a word from zero to twenty, else as digits (thousands separated: "1,204")."""
    if 0 <= n <= 20:
        return _WORDS[n]
    return f"{n:,}"


def plural_of(noun: str) -> str:
    """A regular English plural ("participant" -> "participants", "family" -> "families")."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def count_noun(n: int, noun: str, plural: str | None = None) -> str:
    """"one participant", "eight participants", "23 transcripts"."""
    return f"{number_word(n)} {noun if n == 1 else (plural or plural_of(noun))}"


def capitalised(text: str) -> str:
    """``text`` with its first character upper-cased (the rest untouched)."""
    return text[:1].upper() + text[1:]


def in_words(
    count: int,
    total: int,
    noun: str = "participant",
    *,
    style: Style = "exact",
    plural: str | None = None,
    capitalise: bool = False,
) -> str:
    """``count`` out of ``total`` in words, e.g. "four of the eight participants".

    exact: "all eight participants", "both participants", "the only participant",
    "seven of the eight participants", "four of the eight participants",
    "half of the participants" (exactly half of more than twenty: "60 of the
    120" reads worse), "one participant", "no participant".
    vague: "all participants", "most participants" (more than half), "about
    half of the participants" (two fifths to a half), "some participants"
    (more than a quarter), "a few participants" (a quarter or fewer), "one
    participant", "none of the participants".
    ``capitalise`` starts the phrase with a capital letter, for a sentence start.
    Raises InvalidInput when ``total`` < 1 or ``count`` is outside 0..``total``.
    """
    if isinstance(total, bool) or isinstance(count, bool):
        raise InvalidInput("prevalence counts must be whole numbers")
    if total < 1:
        raise InvalidInput(f"cannot phrase a prevalence out of {total} {plural or plural_of(noun)}")
    if not 0 <= count <= total:
        raise InvalidInput(f"prevalence count {count} is outside 0 to {total}")
    if style not in ("exact", "vague"):
        raise InvalidInput(f"unknown prevalence style {style!r}: use 'exact' or 'vague'")
    many = plural or plural_of(noun)
    phrase = _exact(count, total, noun, many) if style == "exact" else _vague(count, total, noun, many)
    return capitalised(phrase) if capitalise else phrase


def _exact(count: int, total: int, noun: str, many: str) -> str:
    if count == 0:
        return f"no {noun}"
    if count == total:
        if total == 1:
            return f"the only {noun}"
        return f"both {many}" if total == 2 else f"all {number_word(total)} {many}"
    if count == 1:
        return f"one {noun}"
    if 2 * count == total and total > 20:
        return f"half of the {many}"
    return f"{number_word(count)} of the {number_word(total)} {many}"


def _vague(count: int, total: int, noun: str, many: str) -> str:
    if count == 0:
        return f"none of the {many}"
    if count == total:
        return f"the only {noun}" if total == 1 else f"all {many}"
    if count == 1:
        return f"one {noun}"
    if 2 * count > total:
        return f"most {many}"
    if 5 * count >= 2 * total:
        return f"about half of the {many}"
    if 4 * count > total:
        return f"some {many}"
    return f"a few {many}"


__all__ = ["Style", "in_words", "number_word", "count_noun", "plural_of", "capitalised"]
