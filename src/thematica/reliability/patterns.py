"""Reliability data in, distinct unit patterns out: input checks, category encoding, unit weights.

Reliability data are a *units x coders* matrix of floats: the category a coder
gave a unit (for one code: 1 = applied, 0 = not applied), NaN when the coder
did not look at the unit. Categories are any finite numbers; nominal
coefficients only compare them for equality.

This module turns such a matrix into :class:`_Patterns`: the distinct unit
patterns (rows of category indices, -1 = missing), the total weight of the
units showing each, and their per-category rating counts r_ik with r_i = sum_k
r_ik. Every coefficient in :mod:`thematica.reliability.coefficients` depends on
the data only through these, which is what lets the kernels take a matrix of
pattern weights and the bootstrap draw multinomial pattern counts (see
:mod:`thematica.reliability.bootstrap`). Two per-pattern quantities are cached
here: the share of agreeing coder pairs sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))
(Fleiss 1971, eq. 2, with each unit's own r_i as in Gwet 2014, *Handbook of
Inter-Rater Reliability*, 4th ed., ch. 2) and the category spread r_ik / r_i
(Gwet 2014, ch. 2 & 5).

Input checks
------------
Invalid input raises :class:`thematica.errors.InvalidInput`: data that are not
a 2-D numeric table, infinite values, fewer than 2 coders, no unit rated by at
least 2 coders ("no pairable units"), Cohen's kappa for other than 2 coders,
values outside an explicit ``categories``, an unknown level of measurement,
negative values at the ratio level (Krippendorff 2011).

Unit weights
------------
Every coefficient takes optional ``weights`` (one per unit, >= 0): frequency
weights, e.g. the length of a run of identically coded characters. A unit of
weight w counts as w identical units; weight 0 removes it. The bootstrap
still resamples rows (runs), each bringing its weight, so :func:`_prepare`
also keeps the groups of rows sharing a pattern and a weight.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Literal, Sequence

import numpy as np
from numpy.typing import ArrayLike

from thematica.errors import InvalidInput

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")


# --------------------------------------------------------------------------- data


def _as_matrix(data: ArrayLike) -> np.ndarray:
    """The data as a 2-D float array (NaN = missing); InvalidInput otherwise."""
    try:
        if hasattr(data, "to_numpy"):  # pandas DataFrame, without importing pandas
            x = data.to_numpy(dtype=np.float64, na_value=np.nan)  # type: ignore[union-attr]
        else:
            x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("ratings must be numbers, with NaN (or None) where a coder did not rate a unit") from exc
    if x.ndim != 2:
        raise InvalidInput(f"reliability data must be a units x coders table, got {x.ndim} dimension(s)")
    if np.isinf(x).any():
        raise InvalidInput("ratings must be finite numbers (or NaN for missing)")
    return x


def _matrix(data: ArrayLike) -> np.ndarray:
    """Like :func:`_as_matrix`, and at least 2 coders."""
    x = _as_matrix(data)
    if x.shape[1] < 2:
        raise InvalidInput(f"agreement needs at least 2 coders, got {x.shape[1]}")
    return x


def _check_given(observed: np.ndarray, given: Sequence[float] | ArrayLike | None) -> np.ndarray:
    """Sorted categories: ``given`` (checked to cover the observed values) or the observed ones."""
    if given is None:
        return observed
    try:
        cats = np.unique(np.asarray(given, dtype=np.float64).ravel())
    except (TypeError, ValueError) as exc:
        raise InvalidInput("categories must be numbers") from exc
    if not np.isfinite(cats).all():
        raise InvalidInput("categories must be finite numbers")
    outside = np.setdiff1d(observed, cats)
    if outside.size:
        raise InvalidInput(f"ratings outside the given categories: {', '.join(_label(v) for v in outside[:5])}")
    return cats


_SMALL_INT = 1 << 16  # ratings that are whole numbers in [0, _SMALL_INT) take the sort-free path


def _encode(x: np.ndarray, given: Sequence[float] | ArrayLike | None) -> tuple[np.ndarray, np.ndarray]:
    """(sorted categories, category index per cell with -1 = missing).

    Small non-negative whole numbers (the usual 0/1 codes) are encoded by a
    lookup table in O(n); anything else by sorting (np.unique, searchsorted).
    """
    missing = np.isnan(x)
    if not missing.all():
        flat = x.ravel()
        lo, hi = float(np.fmin.reduce(flat)), float(np.fmax.reduce(flat))  # NaN-skipping, no copy
        if lo >= 0 and hi < _SMALL_INT:
            sentinel = int(hi) + 1
            filled = np.where(missing, sentinel, x)
            ints = filled.astype(np.int64)
            if np.array_equal(ints, filled):
                present = np.bincount(ints.ravel(), minlength=sentinel + 1)[:sentinel] > 0
                observed = np.flatnonzero(present)
                cats = _check_given(observed.astype(np.float64), given)
                lookup = np.full(sentinel + 1, -1, dtype=np.int64)
                lookup[observed] = np.searchsorted(cats, observed)
                return cats, lookup[ints]
    cats = _check_given(np.unique(x[~missing]), given)
    codes = np.searchsorted(cats, x)  # NaN sorts past the end; overwritten next
    codes[missing] = -1
    return cats, codes


def _label(value: float) -> str:
    return f"{float(value):g}"


@dataclass(frozen=True, eq=False)
class _Patterns:
    """Distinct unit patterns of a reliability matrix and their frequencies.

    rows: (P, C) category index per coder, -1 = missing; freq: (P,) units (total
    unit weight) per pattern; counts: (P, q) ratings per category; m: (P,)
    ratings per unit. Units without any rating (or with weight 0) are dropped.
    With unit weights, the bootstrap resamples rows, so it needs the groups of
    rows sharing a pattern and a weight: ``groups`` = (rows per group, weight of
    each, index of each pattern's first group), groups sorted by pattern.
    """

    cats: np.ndarray
    rows: np.ndarray
    freq: np.ndarray
    counts: np.ndarray
    m: np.ndarray
    groups: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @property
    def q(self) -> int:
        return int(self.cats.size)

    @property
    def coders(self) -> int:
        return int(self.rows.shape[1])

    @functools.cached_property
    def pair(self) -> np.ndarray:
        """1.0 for patterns with >= 2 ratings (pairable units), else 0.0."""
        return (self.m >= 2).astype(np.float64)

    @functools.cached_property
    def agree(self) -> np.ndarray:
        """Share of agreeing coder pairs per pattern: sum_k r_k (r_k - 1) / (r (r - 1))."""
        k = self.counts
        den = np.where(self.m >= 2, self.m * (self.m - 1), 1.0)
        return (k * (k - 1)).sum(axis=1) / den * self.pair

    @functools.cached_property
    def share(self) -> np.ndarray:
        """r_ik / r_i: each pattern's ratings spread over the categories."""
        return self.counts / self.m[:, None]


def _unit_weights(weights: ArrayLike | None, n_units: int) -> np.ndarray | None:
    if weights is None:
        return None
    try:
        w = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("unit weights must be numbers") from exc
    if w.shape != (n_units,):
        raise InvalidInput(f"need one weight per unit ({n_units}), got shape {w.shape}")
    if not np.isfinite(w).all() or (w < 0).any():
        raise InvalidInput("unit weights must be finite and >= 0")
    return w


def _pattern_keys(codes: np.ndarray, q: int) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """An int64 key per row identifying its pattern, and a decoder from keys to rows."""
    n_coders = codes.shape[1]
    base = q + 1
    if base**n_coders < 2**62:  # python ints: no overflow
        key = np.zeros(codes.shape[0], dtype=np.int64)
        for j in range(n_coders - 1, -1, -1):  # a loop over coders, not units
            key = key * base + (codes[:, j] + 1)
        powers = base ** np.arange(n_coders, dtype=np.int64)
        return key, lambda keys: (keys[:, None] // powers) % base - 1
    distinct, inverse = np.unique(codes, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), lambda keys: distinct[keys]


def _prepare(
    data: ArrayLike,
    categories: Sequence[float] | ArrayLike | None = None,
    *,
    weights: ArrayLike | None = None,
    pairs: bool = True,
) -> _Patterns:
    """Encode the data as distinct patterns; with ``pairs`` require a pairable unit.

    ``weights`` are frequency weights: a unit of weight w counts as w identical units.
    """
    x = _matrix(data)
    w = _unit_weights(weights, x.shape[0])
    if w is not None and not w.all():  # a unit of weight 0 is not there, not even its categories
        x, w = x[w > 0], w[w > 0]
    cats, codes = _encode(x, categories)
    q = cats.size
    groups = None
    if w is None:
        key, decode = _pattern_keys(codes, q)
        space = (q + 1) ** codes.shape[1]
        if space <= max(4 * x.shape[0], 1 << 16):
            freq = np.bincount(key, minlength=space)
            keys = np.flatnonzero(freq)
            freq = freq[keys]
        else:
            keys, freq = np.unique(key, return_counts=True)
        rows = decode(keys)
        rated = (rows >= 0).any(axis=1)
        rows, freq = rows[rated], freq[rated].astype(np.float64)
    else:
        keep = (codes >= 0).any(axis=1)
        key, decode = _pattern_keys(codes[keep], q)
        wk = w[keep]
        order = np.lexsort((wk, key))
        key, wk = key[order], wk[order]
        new_group = np.r_[True, (key[1:] != key[:-1]) | (wk[1:] != wk[:-1])] if key.size else np.zeros(0, bool)
        starts = np.flatnonzero(new_group)
        g_key, g_weight = key[starts], wk[starts]
        g_count = np.diff(np.r_[starts, key.size]).astype(np.float64)
        first = np.flatnonzero(np.r_[True, g_key[1:] != g_key[:-1]]) if g_key.size else np.zeros(0, np.int64)
        rows = decode(g_key[first])
        freq = np.add.reduceat(g_count * g_weight, first) if first.size else np.zeros(0)
        groups = (g_count, g_weight, first)
    n_pat = rows.shape[0]
    ok = rows >= 0
    flat = (np.arange(n_pat)[:, None] * q + rows)[ok]
    counts = np.bincount(flat, minlength=n_pat * q).reshape(n_pat, q).astype(np.float64)
    pat = _Patterns(cats=cats, rows=rows, freq=freq, counts=counts, m=counts.sum(axis=1), groups=groups)
    if pairs and not (pat.m >= 2).any():
        raise InvalidInput("no unit was rated by at least 2 coders, so there is nothing to compare")
    return pat


# ------------------------------------------------------------------------- checks


def _check_level(level: str) -> str:
    if level not in LEVELS:
        raise InvalidInput(f"level must be one of {', '.join(LEVELS)}; got {level!r}")
    return level


def _two_coders(pat: _Patterns, what: str) -> None:
    if pat.coders != 2:
        raise InvalidInput(f"{what} is for exactly 2 coders; there are {pat.coders}")


def _check_ratio(pat: _Patterns, level: str) -> None:
    if level == "ratio" and pat.q and pat.cats[0] < 0:
        raise InvalidInput("the ratio level needs values >= 0 (use interval for signed values)")
