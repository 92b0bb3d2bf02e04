"""Properties of reliability.stats: invariances, perfect agreement, the bootstrap, speed."""

from __future__ import annotations

import functools
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.errors import InvalidInput
from thematica.reliability import stats as S
from thematica.reliability.coefficients import (
    _KERNELS,
    _alpha_sums,
    _coincidences,
    _delta2,
    _point,
)
from thematica.reliability.patterns import _prepare

PROPS = settings(max_examples=60, deadline=None)


@st.composite
def ratings(draw: st.DrawFn, coders: tuple[int, int] = (2, 5), missing: bool = True) -> np.ndarray:
    c = draw(st.integers(*coders))
    n = draw(st.integers(3, 25))
    q = draw(st.integers(2, 4))
    cells = draw(st.lists(st.integers(-1 if missing else 0, q - 1), min_size=n * c, max_size=n * c))
    x = np.array(cells, dtype=float).reshape(n, c)
    x[x < 0] = np.nan
    if not ((~np.isnan(x)).sum(axis=1) >= 2).any():
        x[0, :2] = [0.0, 1.0]  # at least one pairable unit
    return x


def all_coefficients(x: np.ndarray, levels: tuple[str, ...] = S.LEVELS) -> dict[str, float]:
    out = {
        "percent": S.percent_agreement(x),
        "fleiss": S.fleiss_kappa(x),
        "ac1": S.gwet_ac1(x),
        "bp": S.brennan_prediger(x),
        **{f"alpha_{lv}": S.krippendorff_alpha(x, lv) for lv in levels},
    }
    if x.shape[1] == 2:
        out["cohen"] = S.cohen_kappa(x)
    return out


def same(a: dict[str, float], b: dict[str, float], keys: tuple[str, ...] | None = None) -> None:
    for key in keys or tuple(a):
        if math.isnan(a[key]):
            assert math.isnan(b[key]), key
        else:
            assert b[key] == pytest.approx(a[key], abs=1e-12), key


@PROPS
@given(st.integers(2, 6), st.lists(st.integers(0, 3), min_size=2, max_size=30))
def test_perfect_agreement_gives_one(coders: int, unit_values: list[int]) -> None:
    x = np.repeat(np.array(unit_values, dtype=float)[:, None], coders, axis=1)
    coef = all_coefficients(x)
    assert coef["percent"] == 1.0
    if len(set(unit_values)) >= 2:  # defined only with variation
        assert all(v == pytest.approx(1.0) for v in coef.values()), coef
    else:
        assert math.isnan(coef["fleiss"]) and math.isnan(coef["alpha_nominal"])


@PROPS
@given(ratings(), st.randoms(use_true_random=False))
def test_symmetric_in_coders_and_units(x: np.ndarray, rnd: object) -> None:
    coders = list(range(x.shape[1]))
    units = list(range(x.shape[0]))
    rnd.shuffle(coders)  # type: ignore[attr-defined]
    rnd.shuffle(units)  # type: ignore[attr-defined]
    same(all_coefficients(x), all_coefficients(x[units][:, coders]))


@PROPS
@given(ratings(), st.permutations([7.0, -3.0, 0.5, 100.0]))
def test_nominal_coefficients_invariant_under_relabelling(x: np.ndarray, labels: list[float]) -> None:
    lut = np.array(labels + [np.nan])
    y = lut[np.where(np.isnan(x), -1, x).astype(int)]
    keys = ("percent", "fleiss", "ac1", "bp", "alpha_nominal") + (("cohen",) if x.shape[1] == 2 else ())
    a, b = all_coefficients(x, ("nominal",)), all_coefficients(y, ("nominal",))
    same(a, b, keys)
    if x.shape[1] == 2:
        assert S.confusion(x).sum() == S.confusion(y).sum()


@PROPS
@given(ratings(), st.floats(0.1, 50), st.floats(-20, 20))
def test_alpha_ordinal_and_interval_invariances(x: np.ndarray, scale: float, shift: float) -> None:
    # ordinal: any increasing relabelling; interval: any affine map
    monotone = np.exp(x) * 3 + 1
    same(
        {"o": S.krippendorff_alpha(x, "ordinal")},
        {"o": S.krippendorff_alpha(monotone, "ordinal")},
    )
    a, b = S.krippendorff_alpha(x, "interval"), S.krippendorff_alpha(x * scale + shift, "interval")
    assert (math.isnan(a) and math.isnan(b)) or b == pytest.approx(a, abs=1e-9)


@PROPS
@given(ratings(coders=(2, 2), missing=False))
def test_byrt_bishop_carlin_identity(x: np.ndarray) -> None:
    """kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2) for 2 coders x 2 categories."""
    x = (x > 0).astype(float)
    table = S.confusion(x, categories=(0, 1))
    kappa = S.cohen_kappa(x)
    pabak = S.brennan_prediger(x, categories=(0, 1))
    assert pabak == pytest.approx(2 * S.percent_agreement(x) - 1)
    pi, bi = S.prevalence_index(table), S.bias_index(table)
    if not math.isnan(kappa):
        assert kappa == pytest.approx((pabak - pi**2 + bi**2) / (1 - pi**2 + bi**2), abs=1e-12)


# ------------------------------------------------------------------ bootstrap


def simulated(n: int, p: float = 0.3, accuracy: float = 0.88, seed: int = 1, missing: float = 0.0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.random(n) < p
    x = np.column_stack([np.where(rng.random(n) < accuracy, truth, ~truth) for _ in range(2)]).astype(float)
    x[rng.random(x.shape) < missing] = np.nan
    return x


@pytest.mark.parametrize(
    "statistic",
    [
        S.percent_agreement,
        S.cohen_kappa,
        S.fleiss_kappa,
        S.krippendorff_alpha,
        functools.partial(S.krippendorff_alpha, level="interval"),
        S.gwet_ac1,
        functools.partial(S.brennan_prediger, categories=(0, 1)),
    ],
)
def test_bootstrap_ci_contains_estimate_and_is_deterministic(statistic: object) -> None:
    x = simulated(300, missing=0.05)
    lo, hi = S.bootstrap_ci(statistic, x, reps=500, seed=7)  # type: ignore[arg-type]
    point = statistic(x)  # type: ignore[operator]
    assert lo < point < hi
    assert hi - lo < 0.35
    assert S.bootstrap_ci(statistic, x, reps=500, seed=7) == (lo, hi)  # type: ignore[arg-type]
    assert S.bootstrap_ci(statistic, x, reps=500, seed=8) != (lo, hi)  # type: ignore[arg-type]


def test_fast_bootstrap_agrees_with_row_resampling() -> None:
    """The multinomial-pattern engine and plain row resampling estimate the same interval."""
    x = simulated(400, missing=0.05, seed=3)
    fast = S.bootstrap_ci(S.cohen_kappa, x, reps=2000, seed=1)
    slow = S.bootstrap_ci(lambda d: S.cohen_kappa(d), x, reps=400, seed=1)
    assert fast == pytest.approx(slow, abs=0.04)


@settings(max_examples=25, deadline=None)
@given(ratings(), st.integers(0, 2**32 - 1))
def test_vectorised_replicates_equal_the_point_estimates(x: np.ndarray, seed: int) -> None:
    """Every row of the batched kernels equals the coefficient of the resampled data itself."""
    pat = _prepare(x)
    rng = np.random.default_rng(seed)
    w = rng.multinomial(int(pat.freq.sum()), pat.freq / pat.freq.sum(), size=4).astype(float)
    specs = [("percent", {}), ("fleiss", {}), ("ac1", {}), ("bp", {})]
    specs += [("alpha", {"level": lv}) for lv in S.LEVELS]
    if x.shape[1] == 2:
        specs.append(("cohen", {}))
    for r in range(w.shape[0]):
        sample = np.repeat(np.where(pat.rows < 0, np.nan, pat.cats[pat.rows]), w[r].astype(int), axis=0)
        if not ((~np.isnan(sample)).sum(axis=1) >= 2).any():
            continue
        resampled = _prepare(sample)
        for name, opts in specs:
            batch = _KERNELS[name](pat, w[r : r + 1], **opts)[0]
            direct = _point(name, resampled, **opts)
            if name in ("ac1", "bp") and resampled.q != pat.q:
                continue  # q comes from the full data's categories in the batch
            assert (math.isnan(batch) and math.isnan(direct)) or batch == pytest.approx(direct, abs=1e-9), name


def test_bootstrap_skips_undefined_resamples() -> None:
    # kappa is undefined in resamples that miss the lone disagreement-free '1' units
    x = np.array([[0, 0]] * 30 + [[1, 1]], dtype=float)
    lo, hi = S.bootstrap_ci(S.cohen_kappa, x, reps=300, seed=0)
    assert lo == hi == 1.0
    lo, hi = S.bootstrap_ci(S.cohen_kappa, np.zeros((10, 2)), reps=50)
    assert math.isnan(lo) and math.isnan(hi)


def test_agreement_cis_share_resamples_and_are_deterministic() -> None:
    x = simulated(500, seed=5)
    a = S.agreement(x, reps=400, seed=11)
    b = S.agreement(x, reps=400, seed=11)
    assert dict(a.ci) == dict(b.ci)
    assert a.ci["cohen"] == S.bootstrap_ci(S.cohen_kappa, x, reps=400, seed=11)


# ----------------------------------------------------------------------- speed


def test_speed_two_coders_forty_codes_hundred_thousand_units() -> None:
    """All point estimates for 2 coders x 40 codes x 100,000 units, far under a second."""
    codes = [simulated(100_000, p=0.02 + 0.01 * k, seed=k, missing=0.01) for k in range(40)]
    S.agreement(codes[0], ci=False)  # warm-up
    start = time.perf_counter()
    results = [S.agreement(x, ci=False, categories=(0, 1)) for x in codes]
    elapsed = time.perf_counter() - start
    assert all(r.cohen is not None for r in results)
    assert elapsed < 1.0, f"{elapsed:.2f} s"
    start = time.perf_counter()
    S.agreement(codes[0], reps=1000, categories=(0, 1))
    assert time.perf_counter() - start < 0.5  # the vectorised bootstrap is O(reps), not O(reps x units)


@settings(max_examples=60, deadline=None)
@given(ratings(), st.sampled_from(["nominal", "ordinal", "interval"]), st.integers(0, 2**32 - 1))
def test_alpha_large_q_shortcut_equals_coincidence_matrix(x: np.ndarray, level: str, seed: int) -> None:
    """The O(P q) sums (used for many categories) equal the coincidence-matrix route, also per replicate."""
    pat = _prepare(x * 1.5 + 2)
    rng = np.random.default_rng(seed)
    w = np.vstack([pat.freq, rng.multinomial(int(pat.freq.sum()), pat.freq / pat.freq.sum(), size=3)])
    o = _coincidences(pat, w)
    n_c = o.sum(axis=2)
    d2 = _delta2(level, pat.cats, n_c)
    n_c2, d_obs, d_exp = _alpha_sums(pat, w, level)
    assert n_c2 == pytest.approx(n_c)
    full_obs = (o * d2).sum(axis=(-2, -1))
    full_exp = (n_c[:, :, None] * n_c[:, None, :] * d2).sum(axis=(-2, -1))
    ok = full_exp > 0
    # the shortcut works on rescaled values: compare the ratio that alpha uses
    assert (d_exp[ok] > 0).all()
    assert d_obs[ok] / d_exp[ok] == pytest.approx(full_obs[ok] / full_exp[ok], abs=1e-9)


# ---------------------------------------------------------------- unit weights


@settings(max_examples=40, deadline=None)
@given(ratings(), st.data())
def test_weights_equal_repeating_units(x: np.ndarray, data: st.DataObject) -> None:
    """A unit of weight w counts as w identical units (frequency weights)."""
    w = np.array(data.draw(st.lists(st.integers(0, 4), min_size=len(x), max_size=len(x))))
    expanded = np.repeat(x, w, axis=0)
    if not ((~np.isnan(expanded)).sum(axis=1) >= 2).any():
        return
    for fn in (S.percent_agreement, S.fleiss_kappa, S.gwet_ac1, S.brennan_prediger):
        a, b = fn(x, weights=w), fn(expanded)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12), fn.__name__
    for level in S.LEVELS:
        a, b = S.krippendorff_alpha(x, level, weights=w), S.krippendorff_alpha(expanded, level)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12), level
    if x.shape[1] == 2:
        assert S.confusion(x, weights=w).tolist() == S.confusion(expanded).tolist()
        a, b = S.cohen_kappa(x, weights=w), S.cohen_kappa(expanded)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)


def test_weighted_bootstrap_resamples_rows() -> None:
    x = simulated(200, seed=9)
    w = np.random.default_rng(9).integers(1, 50, 200)
    res = S.agreement(x, weights=w, reps=400, seed=2, categories=(0, 1))
    assert res.units == res.rated_units == int(w.sum())
    assert res.table is not None and int(res.table.sum()) == int(w.sum())
    lo, hi = res.ci["cohen"]  # type: ignore[misc]
    assert lo < (res.cohen or 0) < hi
    assert res.ci["cohen"] == S.bootstrap_ci(S.cohen_kappa, x, reps=400, seed=2, weights=w)
    assert res.ci["cohen"] == S.bootstrap_ci(functools.partial(S.cohen_kappa, weights=w), x, reps=400, seed=2)
    # rows, not weight units, are resampled: wider than treating every weight unit as independent
    expanded = S.bootstrap_ci(S.cohen_kappa, np.repeat(x, w, axis=0), reps=400, seed=2)
    assert hi - lo > expanded[1] - expanded[0]


@pytest.mark.parametrize("weights", [[1, 2], [1, -1, 1, 1], [1, np.nan, 1, 1], "abcd"])
def test_invalid_weights(weights: object) -> None:
    x = np.array([[0, 0], [1, 1], [0, 1], [1, 1]], dtype=float)
    with pytest.raises(InvalidInput):
        S.agreement(x, weights=weights)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        S.bootstrap_ci(lambda d: 0.0, x, weights=[1, 1, 1, 1])
