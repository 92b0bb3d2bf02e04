"""Inter-coder agreement: percent agreement, Cohen, Fleiss, Krippendorff, Gwet, Brennan-Prediger.

Reliability data are a *units x coders* matrix of floats: the category a coder
gave a unit (for one code: 1 = applied, 0 = not applied), NaN when the coder
did not look at the unit. Categories are any finite numbers; nominal
coefficients only compare them for equality.

Every coefficient is computed from the distinct unit *patterns* (rows) and
their frequencies, vectorised with numpy; the same kernels take a matrix of
pattern weights, which is how :func:`bootstrap_ci` evaluates 1000 replicates
at once (see :mod:`thematica.reliability.bootstrap`).

Conventions
-----------
Invalid input raises :class:`thematica.errors.InvalidInput`: data that are not
a 2-D numeric table, infinite values, fewer than 2 coders, no unit rated by at
least 2 coders ("no pairable units"), Cohen's kappa for other than 2 coders,
values outside an explicit ``categories``, negative values at the ratio level.

Undefined coefficients return ``float("nan")`` on purpose (no warning, no
ZeroDivisionError); :func:`agreement` reports them as ``None`` with a reason:

* Cohen, Fleiss and Krippendorff's alpha are 0/0 when every rating that counts
  falls in one category (e.g. neither coder ever applied the code): chance
  agreement is then 1. Percent agreement is 1.0 in that case.
* AC1 and Brennan-Prediger need q >= 2 known categories. Pass
  ``categories=(0, 1)`` for a binary code: a code nobody applied then gets
  AC1 = BP = 1 (their chance agreement stays below 1).

Missing data
------------
* Percent agreement: mean over units with >= 2 ratings of the share of agreeing
  coder pairs (Fleiss 1971, eq. 2, with each unit's own number of ratings).
* Cohen: units rated by both coders.
* Fleiss, AC1, BP: Gwet's generalisation for unequal numbers of ratings
  (Gwet 2014, *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2 & 5):
  p_a averages over units with r_i >= 2; the category shares
  pi_k = (1/n) sum_i r_ik / r_i average over all n units with >= 1 rating.
  This reduces to Fleiss (1971) for complete data and equals irrCAC.
* Krippendorff's alpha: units with < 2 ratings are not pairable and ignored
  (Krippendorff 2011).

Unit weights
------------
Every function takes optional ``weights`` (one per unit, >= 0): frequency
weights, e.g. the length of a run of identically coded characters. A unit of
weight w counts as w identical units; weight 0 removes it. The bootstrap
still resamples rows (runs), each bringing its weight.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Literal, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from thematica.errors import InvalidInput
from thematica.reliability import bootstrap as _boot

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
STATISTICS: tuple[str, ...] = ("percent", "cohen", "fleiss", "alpha", "ac1", "bp")
NAMES: Mapping[str, str] = MappingProxyType(
    {
        "percent": "percent agreement",
        "cohen": "Cohen's kappa",
        "fleiss": "Fleiss' kappa",
        "alpha": "Krippendorff's alpha",
        "ac1": "Gwet's AC1",
        "bp": "Brennan-Prediger",
    }
)

_BLOCK = 4_000_000  # float64 elements a kernel may allocate at once


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


# ------------------------------------------------------------------------ kernels
# Each kernel maps (patterns, W) to one value per row of W, where W is a (R, P)
# matrix of pattern weights: the frequencies for a point estimate (R = 1) or
# multinomial bootstrap draws. Undefined values are NaN.


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _corrected(pa: np.ndarray, pe: np.ndarray, defined: np.ndarray) -> np.ndarray:
    """(p_a - p_e) / (1 - p_e) where ``defined``, else NaN."""
    ok = defined & np.isfinite(pa) & (pe < 1)
    out = np.full(pa.shape, np.nan)
    np.divide(pa - pe, 1 - pe, out=out, where=ok)
    return out


def _k_percent(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """p_a = mean over pairable units of sum_k r_ik (r_ik - 1) / (r_i (r_i - 1))."""
    return _div(w @ pat.agree, w @ pat.pair)


def _shares(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """pi_k = (1/n) sum_i r_ik / r_i over units with >= 1 rating (Gwet 2014)."""
    return _div(w @ pat.share, w.sum(axis=1)[:, None])


def _k_fleiss(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """Fleiss (1971): p_e = sum_k pi_k^2; generalised to missing data as in Gwet (2014)."""
    pi = _shares(pat, w)
    return _corrected(_k_percent(pat, w), (pi**2).sum(axis=1), (pi > 0).sum(axis=1) >= 2)


def _k_ac1(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """Gwet (2008) AC1: p_e = sum_k pi_k (1 - pi_k) / (q - 1)."""
    if pat.q < 2:
        return np.full(w.shape[0], np.nan)
    pi = _shares(pat, w)
    pe = (pi * (1 - pi)).sum(axis=1) / (pat.q - 1)
    return _corrected(_k_percent(pat, w), pe, np.ones(w.shape[0], dtype=bool))


def _k_bp(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """Brennan & Prediger (1981): p_e = 1/q."""
    if pat.q < 2:
        return np.full(w.shape[0], np.nan)
    pe = np.full(w.shape[0], 1.0 / pat.q)
    return _corrected(_k_percent(pat, w), pe, np.ones(w.shape[0], dtype=bool))


def _onehot(pat: _Patterns, column: int, keep: np.ndarray) -> np.ndarray:
    hot = np.zeros((pat.rows.shape[0], pat.q))
    idx = np.flatnonzero(keep)
    hot[idx, pat.rows[idx, column]] = 1.0
    return hot


def _k_cohen(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """Cohen (1960): p_o = sum_k p_kk, p_e = sum_k p_k. p_.k over units rated by both coders."""
    a, b = pat.rows[:, 0], pat.rows[:, 1]
    both = (a >= 0) & (b >= 0)
    n = w @ both.astype(np.float64)
    po = _div(w @ (both & (a == b)).astype(np.float64), n)
    p1 = _div(w @ _onehot(pat, 0, both), n[:, None])
    p2 = _div(w @ _onehot(pat, 1, both), n[:, None])
    used = ((p1 + p2) > 0).sum(axis=1)
    return _corrected(po, (p1 * p2).sum(axis=1), used >= 2)


def _coincidences(pat: _Patterns, w: np.ndarray) -> np.ndarray:
    """Coincidence matrices o_ck = sum_u (r_uc r_uk - [c=k] r_uc) / (m_u - 1), shape (R, q, q).

    Krippendorff (2011), section "Coincidence matrix"; pairable units only.
    """
    keep = pat.m >= 2
    k, wk = pat.counts[keep], w[:, keep]
    scale = 1.0 / (pat.m[keep] - 1)
    q = pat.q
    if k.shape[0] * q * q <= _BLOCK:
        per = k[:, :, None] * k[:, None, :]
        idx = np.arange(q)
        per[:, idx, idx] -= k
        per *= scale[:, None, None]
        return (wk @ per.reshape(k.shape[0], q * q)).reshape(w.shape[0], q, q)
    out = np.empty((w.shape[0], q, q))
    for r in range(w.shape[0]):  # large q and many patterns: one replicate at a time
        weighted = k * (wk[r] * scale)[:, None]
        out[r] = weighted.T @ k - np.diag(weighted.sum(axis=0))
    return out


def _delta2(level: str, cats: np.ndarray, n_c: np.ndarray) -> np.ndarray:
    """Squared difference functions of Krippendorff (2011): (q, q) or (R, q, q)."""
    if level == "nominal":
        return 1.0 - np.eye(cats.size)
    if level == "interval":
        return (cats[:, None] - cats[None, :]) ** 2
    if level == "ratio":
        total = cats[:, None] + cats[None, :]
        ratio = np.zeros((cats.size, cats.size))
        np.divide(cats[:, None] - cats[None, :], total, out=ratio, where=total != 0)  # 0 when c = k = 0
        return ratio**2
    # ordinal: (sum_{g=c..k} n_g - (n_c + n_k)/2)^2 == (v_k - v_c)^2 with mid-ranks v = cumsum(n) - n/2
    mid = np.cumsum(n_c, axis=1) - n_c / 2.0
    return (mid[:, :, None] - mid[:, None, :]) ** 2


def _alpha_sums(pat: _Patterns, w: np.ndarray, level: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(n_c, sum_ck o_ck d2_ck, sum_ck n_c n_k d2_ck) without forming q x q matrices.

    For d2 = (v_c - v_k)^2 (interval; ordinal with mid-ranks v) the coincidence
    sums collapse per unit to (2 m s2 - 2 s1^2) / (m - 1), s_j = sum_c r_uc v_c^j,
    and sum n_c n_k d2 = 2 n sum n_c v_c^2 - 2 (sum n_c v_c)^2; nominal is the
    0/1 case. O(P q) per replicate instead of O(P q^2); used when q is large.
    """
    keep = pat.m >= 2
    k, m, wk = pat.counts[keep], pat.m[keep], w[:, keep]
    n_c = wk @ k
    total = n_c.sum(axis=1)
    if level == "nominal":
        d_obs = wk @ ((m**2 - (k**2).sum(axis=1)) / (m - 1))
        return n_c, d_obs, total**2 - (n_c**2).sum(axis=1)
    if level == "interval":
        span = float(np.ptp(pat.cats)) or 1.0  # alpha is invariant to shift and scale
        v = ((pat.cats - pat.cats.mean()) / span)[None, :]
    else:  # ordinal
        v = np.cumsum(n_c, axis=1) - n_c / 2.0
        v = (v - v.mean(axis=1, keepdims=True)) / np.maximum(total, 1.0)[:, None]
    s1, s2 = v @ k.T, (v**2) @ k.T  # (R or 1, P)
    d_obs = (wk * (2 * m * s2 - 2 * s1**2) / (m - 1)).sum(axis=1)
    d_exp = 2 * total * (n_c * v**2).sum(axis=1) - 2 * (n_c * v).sum(axis=1) ** 2
    return n_c, d_obs, d_exp


_DENSE_Q = 16  # above this many categories, alpha avoids q x q coincidence matrices (not for ratio)


def _k_alpha(pat: _Patterns, w: np.ndarray, level: str = "nominal") -> np.ndarray:
    """Krippendorff's alpha = 1 - (n - 1) sum o_ck d2_ck / sum n_c n_k d2_ck (Krippendorff 2011)."""
    if pat.q > _DENSE_Q and level != "ratio":
        n_c, d_obs, d_exp = _alpha_sums(pat, w, level)
    else:
        o = _coincidences(pat, w)
        n_c = o.sum(axis=2)
        d2 = _delta2(level, pat.cats, n_c)
        d_obs = (o * d2).sum(axis=(-2, -1))
        d_exp = (n_c[:, :, None] * n_c[:, None, :] * d2).sum(axis=(-2, -1))
    defined = ((n_c > 0).sum(axis=1) >= 2) & (d_exp > 0)
    out = np.full(w.shape[0], np.nan)
    np.divide((n_c.sum(axis=1) - 1) * d_obs, d_exp, out=out, where=defined)
    return np.where(defined, 1.0 - out, np.nan)


_KERNELS: Mapping[str, Callable[..., np.ndarray]] = MappingProxyType(
    {"percent": _k_percent, "cohen": _k_cohen, "fleiss": _k_fleiss, "alpha": _k_alpha, "ac1": _k_ac1, "bp": _k_bp}
)


def _point(name: str, pat: _Patterns, **options: Any) -> float:
    return float(_KERNELS[name](pat, pat.freq[None, :], **options)[0])


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


# ------------------------------------------------------------------- public: data


def categories(data: ArrayLike) -> np.ndarray:
    """The distinct ratings in ``data`` (a units x coders table), sorted; NaN excluded."""
    x = _as_matrix(data)
    return np.unique(x[~np.isnan(x)])


def _cross_table(pat: _Patterns) -> np.ndarray:
    """Coder 1 x coder 2 counts over units rated by both (int64 unless weights are fractional)."""
    a, b = pat.rows[:, 0], pat.rows[:, 1]
    both = (a >= 0) & (b >= 0)
    cells = np.bincount(a[both] * pat.q + b[both], weights=pat.freq[both], minlength=pat.q * pat.q)
    cells = cells.reshape(pat.q, pat.q)
    return cells.astype(np.int64) if np.array_equal(cells, np.round(cells)) else cells


def confusion(
    data: ArrayLike, *, categories: Sequence[float] | ArrayLike | None = None, weights: ArrayLike | None = None
) -> np.ndarray:
    """The 2-coder cross-table of counts over units rated by both coders.

    Rows are coder 1's category, columns coder 2's, both in sorted category
    order (``categories`` if given, else those observed anywhere in ``data``).
    """
    pat = _prepare(data, categories, weights=weights, pairs=False)
    _two_coders(pat, "the confusion table")
    return _cross_table(pat)


# ------------------------------------------------------------ public: coefficients


def percent_agreement(data: ArrayLike, *, weights: ArrayLike | None = None) -> float:
    """Mean over units with >= 2 ratings of the share of agreeing coder pairs.

    p_a = (1/n') sum_i sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)) (Fleiss 1971, eq. 2;
    Gwet 2014 for unequal r_i). For 2 coders: the share of units coded alike.
    """
    return _point("percent", _prepare(data, weights=weights))


def cohen_kappa(data: ArrayLike, *, weights: ArrayLike | None = None) -> float:
    """Cohen's (1960) kappa for exactly 2 coders, over units rated by both.

    kappa = (p_o - p_e) / (1 - p_e), p_e = sum_k p_k. p_.k. NaN when both coders
    used a single, common category (p_e = 1).
    """
    pat = _prepare(data, weights=weights)
    _two_coders(pat, "Cohen's kappa")
    return _point("cohen", pat)


def fleiss_kappa(data: ArrayLike, *, weights: ArrayLike | None = None) -> float:
    """Fleiss' (1971) kappa for any number of coders.

    kappa = (p_a - p_e) / (1 - p_e), p_e = sum_k pi_k^2. With missing data each
    unit uses its own number of ratings r_i (Gwet 2014, ch. 2): p_a over units
    with r_i >= 2, pi_k = (1/n) sum_i r_ik / r_i over units with r_i >= 1.
    Equals Fleiss (1971) for complete data. NaN when all ratings share one category.
    """
    return _point("fleiss", _prepare(data, weights=weights))


def krippendorff_alpha(data: ArrayLike, level: Level = "nominal", *, weights: ArrayLike | None = None) -> float:
    """Krippendorff's alpha at the nominal, ordinal, interval or ratio level.

    alpha = 1 - D_o / D_e = 1 - (n - 1) sum_ck o_ck d2_ck / sum_ck n_c n_k d2_ck,
    from the coincidence matrix o of pairable values (Krippendorff 2011,
    "Computing Krippendorff's Alpha-Reliability"). Units with < 2 ratings are
    ignored. NaN when all pairable values are equal (D_e = 0).
    """
    _check_level(level)
    pat = _prepare(data, weights=weights)
    _check_ratio(pat, level)
    return _point("alpha", pat, level=level)


def gwet_ac1(
    data: ArrayLike, *, categories: Sequence[float] | ArrayLike | None = None, weights: ArrayLike | None = None
) -> float:
    """Gwet's (2008) AC1 for any number of coders, missing data allowed.

    AC1 = (p_a - p_e) / (1 - p_e), p_e = sum_k pi_k (1 - pi_k) / (q - 1), with p_a
    and pi_k as in :func:`fleiss_kappa` (Gwet 2014). q is the number of
    ``categories`` (default: those observed); NaN when q < 2.
    """
    return _point("ac1", _prepare(data, categories, weights=weights))


def brennan_prediger(
    data: ArrayLike, *, categories: Sequence[float] | ArrayLike | None = None, weights: ArrayLike | None = None
) -> float:
    """Brennan & Prediger's (1981) coefficient: (p_a - 1/q) / (1 - 1/q).

    For 2 coders and q = 2 this is PABAK = 2 p_o - 1 (Byrt, Bishop & Carlin 1993).
    q is the number of ``categories`` (default: those observed); NaN when q < 2.
    """
    return _point("bp", _prepare(data, categories, weights=weights))


def _table2x2(table: ArrayLike) -> tuple[np.ndarray, float]:
    try:
        t = np.asarray(table, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("a 2x2 table of counts is needed") from exc
    if t.shape != (2, 2) or not np.isfinite(t).all() or (t < 0).any():
        raise InvalidInput("a 2x2 table of non-negative counts is needed")
    total = float(t.sum())
    if total <= 0:
        raise InvalidInput("the 2x2 table is empty")
    return t, total


def prevalence_index(table2x2: ArrayLike) -> float:
    """Prevalence index PI = (a - d) / n (Byrt, Bishop & Carlin 1993).

    a = table[0, 0] and d = table[1, 1] are the two agreement cells; with sorted
    categories (0, 1), PI > 0 means agreement on "absent" dominates. |PI| near 1
    signals the imbalance that depresses kappa.
    """
    t, total = _table2x2(table2x2)
    return float((t[0, 0] - t[1, 1]) / total)


def bias_index(table2x2: ArrayLike) -> float:
    """Bias index BI = (b - c) / n (Byrt, Bishop & Carlin 1993).

    b = table[0, 1], c = table[1, 0]: BI is the share of the second category
    for coder 2 (columns) minus that for coder 1 (rows).
    """
    t, total = _table2x2(table2x2)
    return float((t[0, 1] - t[1, 0]) / total)


# ------------------------------------------------------------------- bootstrap


def _kernel_for(statistic: Callable[..., Any]) -> tuple[str, dict[str, Any]] | None:
    """The pattern kernel behind one of this module's functions (or a keyword partial of one)."""
    options: dict[str, Any] = {}
    if isinstance(statistic, functools.partial):
        if statistic.args:
            return None
        options = dict(statistic.keywords)
        statistic = statistic.func
    name = _PUBLIC.get(statistic)  # type: ignore[arg-type]
    if name is None or not set(options) <= _OPTIONS[name]:
        return None
    return name, options


def _cost(pat: _Patterns, specs: Sequence[tuple[str, dict[str, Any]]]) -> int:
    """float64 elements one replicate allocates (sets the chunk size only)."""
    size = pat.rows.shape[0] * 2 + pat.q * 4
    for name, opts in specs:
        if name == "alpha":
            dense = pat.q <= _DENSE_Q or opts.get("level") == "ratio"
            size += 3 * pat.q * pat.q if dense else 4 * pat.rows.shape[0]
    return size


def _replicates(pat: _Patterns, specs: Sequence[tuple[str, dict[str, Any]]], reps: int, seed: int | None) -> np.ndarray:
    """(reps, len(specs)) bootstrap values, all statistics on the same resamples."""

    def kernel(w: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.stack([_KERNELS[name](pat, w, **opts) for name, opts in specs], axis=1)

    cost = _cost(pat, specs)
    if pat.groups is None:
        return _boot.replicate_patterns(kernel, pat.freq, reps=reps, seed=seed, cost=cost)
    count, weight, first = pat.groups  # resample rows; a drawn row brings its weight

    def weighted(draws: np.ndarray) -> np.ndarray:
        return kernel(np.add.reduceat(draws * weight, first, axis=1))

    return _boot.replicate_patterns(weighted, count, reps=reps, seed=seed, cost=cost + 2 * count.size)


def bootstrap_ci(
    statistic: Callable[[np.ndarray], float],
    data: ArrayLike,
    *,
    reps: int = 1000,
    level: float = 0.95,
    seed: int | None = 0,
    weights: ArrayLike | None = None,
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic`` over units (rows) resampled with replacement.

    For this module's coefficients (or keyword partials of them, e.g.
    ``partial(krippendorff_alpha, level="ordinal")``) the replicates are drawn as
    multinomial counts of the distinct unit patterns and evaluated together:
    1000 replicates of a 2-coder binary code take milliseconds for any number
    of units. Any other callable is evaluated once per resample. Units with no
    rating are dropped first; resamples where the statistic is undefined (NaN,
    None, InvalidInput) are skipped; (nan, nan) if none is defined.
    With unit ``weights`` (this module's coefficients only) the rows are still
    the resampling units and each drawn row brings its weight.
    Deterministic for a given ``seed`` (Efron & Tibshirani 1993, ch. 13).
    """
    _boot.check_settings(reps, level)
    spec = _kernel_for(statistic)
    if spec is None:
        if weights is not None:
            raise InvalidInput("unit weights are supported for thematica's own coefficients only")
        x = _matrix(data)
        x = x[~np.isnan(x).all(axis=1)]
        if x.shape[0] == 0:
            raise InvalidInput("no unit was rated")
        values = _boot.replicate_rows(statistic, x, reps=int(reps), seed=seed)
        return _boot.percentile_interval(values, level)
    name, options = spec
    cats = options.pop("categories", None)
    if "weights" in options:
        if weights is not None:
            raise InvalidInput("unit weights given twice")
        weights = options.pop("weights")
    pat = _prepare(data, cats, weights=weights)
    if name == "cohen":
        _two_coders(pat, "Cohen's kappa")
    if name == "alpha":
        options["level"] = _check_level(options.get("level", "nominal"))
        _check_ratio(pat, options["level"])
    values = _replicates(pat, [(name, options)], int(reps), seed)[:, 0]
    return _boot.percentile_interval(values, level)


# ------------------------------------------------------------------- agreement


@dataclass(frozen=True, eq=False)
class Agreement:
    """Agreement between coders for one code (or pooled codes).

    Coefficients are None when not requested or undefined; ``reasons`` then
    says why (keys: coefficient names, "prevalence", "ci:<name>"). ``ci`` maps
    each defined coefficient to its percentile bootstrap interval (when asked).
    ``prevalence``/``bias`` (Byrt et al. 1993) and ``table`` (coder 1 in rows,
    coder 2 in columns, categories in ``categories`` order) are for 2 coders.
    """

    units: int  # units rated by >= 2 coders (for 2 coders: by both); with weights, their total weight
    rated_units: int  # units rated by >= 1 coder (total weight, rounded, with weights)
    coders: int
    categories: tuple[float, ...]
    percent: float | None
    cohen: float | None
    fleiss: float | None
    alpha: float | None
    ac1: float | None
    bp: float | None
    alpha_level: str = "nominal"
    ci: Mapping[str, tuple[float, float] | None] = field(default_factory=lambda: MappingProxyType({}))
    ci_level: float | None = None
    reps: int | None = None
    prevalence: float | None = None
    bias: float | None = None
    table: np.ndarray | None = None
    reasons: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def coefficient(self, name: str) -> float | None:
        """The value of a coefficient by its short name (see STATISTICS)."""
        if name not in STATISTICS:
            raise InvalidInput(f"unknown statistic {name!r}; choose from {', '.join(STATISTICS)}")
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        """Plain, JSON-friendly view (lists and dicts, no numpy)."""
        return {
            "units": self.units,
            "rated_units": self.rated_units,
            "coders": self.coders,
            "categories": list(self.categories),
            **{name: getattr(self, name) for name in STATISTICS},
            "alpha_level": self.alpha_level,
            "ci": {k: (list(v) if v is not None else None) for k, v in self.ci.items()},
            "ci_level": self.ci_level,
            "reps": self.reps,
            "prevalence": self.prevalence,
            "bias": self.bias,
            "table": None if self.table is None else self.table.tolist(),
            "reasons": dict(self.reasons),
        }


def _why(name: str, pat: _Patterns) -> str:
    """Why a coefficient is undefined for these data."""
    if name in ("ac1", "bp"):
        only = _label(pat.cats[0]) if pat.q else "none"
        return (
            f"{NAMES[name]} needs at least 2 possible categories; only {only} is known "
            "(pass categories=(0, 1) for a binary code)"
        )
    used = pat.cats[(pat.counts * pat.pair[:, None]).sum(axis=0) > 0]
    what = f"category {_label(used[0])}" if used.size == 1 else "one category"
    return (
        f"{NAMES[name]} is undefined: every rating falls in {what}, so chance agreement is 1 "
        "(0/0); percent agreement is 1"
    )


def agreement(
    data: ArrayLike,
    statistics: Sequence[str] = STATISTICS,
    ci: bool = True,
    reps: int = 1000,
    seed: int | None = 0,
    *,
    alpha_level: Level = "nominal",
    ci_level: float = 0.95,
    categories: Sequence[float] | ArrayLike | None = None,
    weights: ArrayLike | None = None,
) -> Agreement:
    """All requested coefficients, their bootstrap CIs and the 2-coder diagnostics.

    ``statistics`` is a subset of ("percent", "cohen", "fleiss", "alpha", "ac1",
    "bp"). Cohen is None (with a reason) unless there are exactly 2 coders.
    All CIs come from the same ``reps`` resamples of units (see
    :func:`bootstrap_ci`). Pass ``categories=(0, 1)`` for a binary code so that
    AC1, BP, the table and the prevalence/bias indices use both categories even
    when the coders used only one. ``weights`` (one per unit, >= 0) are
    frequency weights, e.g. the length of a run of identically coded
    characters: a unit of weight w counts as w identical units in every
    coefficient, while the bootstrap resamples the rows themselves.
    """
    if isinstance(statistics, str):
        statistics = (statistics,)
    unknown = [s for s in statistics if s not in STATISTICS]
    if unknown:
        raise InvalidInput(f"unknown statistic(s) {', '.join(map(repr, unknown))}; choose from {', '.join(STATISTICS)}")
    _check_level(alpha_level)
    if ci:
        _boot.check_settings(reps, ci_level)
    pat = _prepare(data, categories, weights=weights)
    if "alpha" in statistics:
        _check_ratio(pat, alpha_level)
    options: dict[str, dict[str, Any]] = {name: {} for name in STATISTICS}
    options["alpha"] = {"level": alpha_level}

    values: dict[str, float | None] = dict.fromkeys(STATISTICS)
    reasons: dict[str, str] = {}
    for name in STATISTICS:
        if name not in statistics:
            reasons[name] = "not requested"
        elif name == "cohen" and pat.coders != 2:
            reasons[name] = f"Cohen's kappa is for exactly 2 coders; there are {pat.coders} (see Fleiss' kappa)"
        else:
            value = _point(name, pat, **options[name])
            if np.isnan(value):
                reasons[name] = _why(name, pat)
            else:
                values[name] = value

    intervals: dict[str, tuple[float, float] | None] = {}
    defined = [name for name in STATISTICS if values[name] is not None]
    if ci and defined:
        boot = _replicates(pat, [(name, options[name]) for name in defined], int(reps), seed)
        for j, name in enumerate(defined):
            lo, hi = _boot.percentile_interval(boot[:, j], ci_level)
            if np.isnan(lo):
                intervals[name] = None
                reasons[f"ci:{name}"] = "no bootstrap resample gave a defined value"
            else:
                intervals[name] = (lo, hi)

    table = prevalence = bias = None
    if pat.coders == 2:
        table = _cross_table(pat)
        table.setflags(write=False)
        if pat.q == 2:
            prevalence, bias = prevalence_index(table), bias_index(table)
        else:
            reasons["prevalence"] = f"prevalence and bias indices need 2 categories; there are {pat.q}"
    else:
        reasons["prevalence"] = "prevalence and bias indices are for 2 coders"

    return Agreement(
        units=int(round(float(pat.freq @ pat.pair))),
        rated_units=int(round(float(pat.freq.sum()))),
        coders=pat.coders,
        categories=tuple(float(c) for c in pat.cats),
        **values,
        alpha_level=alpha_level,
        ci=MappingProxyType(intervals),
        ci_level=float(ci_level) if ci else None,
        reps=int(reps) if ci else None,
        prevalence=prevalence,
        bias=bias,
        table=table,
        reasons=MappingProxyType(reasons),
    )


_PUBLIC: Mapping[Callable[..., Any], str] = MappingProxyType(
    {
        percent_agreement: "percent",
        cohen_kappa: "cohen",
        fleiss_kappa: "fleiss",
        krippendorff_alpha: "alpha",
        gwet_ac1: "ac1",
        brennan_prediger: "bp",
    }
)
_OPTIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "percent": frozenset({"weights"}),
        "cohen": frozenset({"weights"}),
        "fleiss": frozenset({"weights"}),
        "alpha": frozenset({"level", "weights"}),
        "ac1": frozenset({"categories", "weights"}),
        "bp": frozenset({"categories", "weights"}),
    }
)

__all__ = [
    "Agreement",
    "LEVELS",
    "Level",
    "NAMES",
    "STATISTICS",
    "agreement",
    "bias_index",
    "bootstrap_ci",
    "brennan_prediger",
    "categories",
    "cohen_kappa",
    "confusion",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "prevalence_index",
]
