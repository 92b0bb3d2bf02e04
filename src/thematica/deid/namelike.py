"""Name-likeness: how much a word *looks like* a personal name, from its letters alone.

A logistic model over character 2- to 4-grams of the word with word-boundary
marks (``^ta``, ``dai$``), trained offline by ``benchmarks/train_namelike.py`` on
the first-name and surname lists (names) against English words (the common-word
list and the whole-word entries of the assist tokenizer's vocabulary). The
weights ship as ``data/namelike.json.gz`` (provenance in ``data/README.md``) and
load on first use; scoring is a few dict look-ups per word, memoised.

It is meant for capitalised words that are in none of the word lists: "Tendai",
"Dovydas", "Haruto" score high, "Propranolol", "Onigiri"-like words and
ordinary English words low. It knows nothing about context: the detector
decides what to do with the score.
"""

from __future__ import annotations

import gzip
import json
import math
from functools import lru_cache
from importlib import resources

#: n-gram lengths of the model (with the boundary marks ``^`` and ``$``).
N_MIN, N_MAX = 2, 4
#: The data file: {"bias": float, "weights": {ngram: weight}, "meta": {...}}.
DATA_FILE = "namelike.json.gz"


def ngrams(word: str) -> list[str]:
    """The character n-grams of ``word`` (a normal form, one part of a hyphenated word)."""
    s = f"^{word}$"
    return [s[i : i + n] for n in range(N_MIN, N_MAX + 1) for i in range(len(s) - n + 1)]


class NameLikeness:
    """A trained n-gram model: :meth:`score` gives P(name) in [0, 1] for a normal form."""

    __slots__ = ("bias", "memo", "weights")

    def __init__(self, weights: dict[str, float], bias: float) -> None:
        self.weights, self.bias = weights, bias
        self.memo: dict[str, float] = {}

    def logit(self, word: str) -> float:
        """The log-odds that ``word`` (letters only) is a name."""
        w = self.weights
        return self.bias + sum(w.get(g, 0.0) for g in ngrams(word))

    def score(self, key: str) -> float:
        """P(name) for a token key; the parts of a hyphenated key are averaged; 0.0 if it has no letters."""
        found = self.memo.get(key)
        if found is not None:
            return found
        parts = [p for p in key.split("-") if p.isalpha()]
        if not parts:
            value = 0.0
        else:
            z = sum(self.logit(p) for p in parts) / len(parts)
            value = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        if len(self.memo) < 50_000:
            self.memo[key] = value
        return value


@lru_cache(maxsize=1)
def model() -> NameLikeness:
    """The shipped model, loaded once."""
    raw = resources.files("thematica.deid").joinpath("data", DATA_FILE).read_bytes()
    data = json.loads(gzip.decompress(raw).decode("utf-8"))
    return NameLikeness({str(k): float(v) for k, v in data["weights"].items()}, float(data["bias"]))


def name_likeness(key: str) -> float:
    """P(name) for the normal form ``key`` of one token (see :func:`thematica.deid.matcher.normalise_token`)."""
    return model().score(key)


__all__ = ["DATA_FILE", "N_MAX", "N_MIN", "NameLikeness", "model", "name_likeness", "ngrams"]
