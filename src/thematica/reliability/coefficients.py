"""The agreement coefficients: vectorised pattern kernels and the public functions.

Percent agreement, Cohen's kappa, Fleiss' kappa, Krippendorff's alpha, Gwet's
AC1 and Brennan-Prediger, plus the 2-coder cross-table and Byrt et al.'s
prevalence and bias indices. Every coefficient is computed from the distinct
unit patterns of :mod:`thematica.reliability.patterns` and their frequencies,
vectorised with numpy; the same kernels take a matrix of pattern weights,
which is how :func:`thematica.reliability.stats.bootstrap_ci` evaluates 1000
replicates at once (see :mod:`thematica.reliability.bootstrap`).

Sources of the formulas
-----------------------
* Percent agreement: Fleiss (1971), eq. 2.
* Cohen's kappa: Cohen (1960).
* Fleiss' kappa: Fleiss (1971), generalised to missing data by Gwet (2014),
  *Handbook of Inter-Rater Reliability*, 4th ed., ch. 2 & 5.
* AC1: Gwet (2008); missing data as in Gwet (2014).
* Brennan & Prediger (1981); for 2 coders and 2 categories PABAK
  (Byrt, Bishop & Carlin 1993).
* Krippendorff's alpha, its coincidence matrix and difference functions:
  Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability".
* Prevalence and bias indices: Byrt, Bishop & Carlin (1993).

Undefined values
----------------
Undefined coefficients return ``float("nan")`` on purpose (no warning, no
ZeroDivisionError); :func:`thematica.reliability.stats.agreement` reports them
as ``None`` with a reason:

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
  (Gwet 2014, ch. 2 & 5): p_a averages over units with r_i >= 2; the category
  shares pi_k = (1/n) sum_i r_ik / r_i average over all n units with >= 1
  rating. This reduces to Fleiss (1971) for complete data and equals irrCAC.
* Krippendorff's alpha: units with < 2 ratings are not pairable and ignored
  (Krippendorff 2011).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from thematica.errors import InvalidInput
from thematica.reliability.patterns import (
    Level,
    _as_matrix,
    _check_level,
    _check_ratio,
    _Patterns,
    _prepare,
    _two_coders,
)

_BLOCK = 4_000_000  # float64 elements a kernel may allocate at once


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


# ---------------------------------------------------------------------- registry
# The kernel behind each public function, and the keyword options it accepts;
# bootstrap_ci uses these to evaluate a coefficient (or a keyword partial of one)
# on all resamples at once.

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
