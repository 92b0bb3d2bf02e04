"""reliability.stats against independent reference implementations, on random data (to 1e-9).

References (test-time only): scikit-learn (Cohen), statsmodels (Fleiss, complete data),
krippendorff (alpha, GPL-3.0 - never imported by thematica itself) and irrCAC
(Gwet's AC1, Fleiss and Brennan-Prediger with missing data, percent agreement).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thematica.reliability import stats as S

pd = pytest.importorskip("pandas")
krippendorff = pytest.importorskip("krippendorff")
irr_raw = pytest.importorskip("irrCAC.raw")
sm_ir = pytest.importorskip("statsmodels.stats.inter_rater")
sk_metrics = pytest.importorskip("sklearn.metrics")

TOL = 1e-9
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def ratings(
    draw: st.DrawFn,
    coders: tuple[int, int] = (2, 5),
    units: tuple[int, int] = (3, 25),
    cats: tuple[int, int] = (2, 4),
    missing: bool = True,
) -> np.ndarray:
    """units x coders matrix of categories 0..q-1, NaN for missing (when allowed)."""
    c = draw(st.integers(*coders))
    n = draw(st.integers(*units))
    q = draw(st.integers(*cats))
    cells = draw(st.lists(st.integers(-1 if missing else 0, q - 1), min_size=n * c, max_size=n * c))
    x = np.array(cells, dtype=float).reshape(n, c)
    x[x < 0] = np.nan
    return x


def defined(value: float) -> bool:
    return not math.isnan(value)


@FAST
@given(ratings(coders=(2, 2), missing=False))
def test_cohen_matches_sklearn(x: np.ndarray) -> None:
    ours = S.cohen_kappa(x)
    if defined(ours):
        assert ours == pytest.approx(sk_metrics.cohen_kappa_score(x[:, 0], x[:, 1]), abs=TOL)


@FAST
@given(ratings(coders=(2, 2)))
def test_cohen_uses_units_rated_by_both(x: np.ndarray) -> None:
    both = ~np.isnan(x).any(axis=1)
    if both.sum() < 1:
        return
    ours = S.cohen_kappa(x)
    if defined(ours):
        assert ours == pytest.approx(sk_metrics.cohen_kappa_score(x[both, 0], x[both, 1]), abs=TOL)


@FAST
@given(ratings(coders=(2, 2)))
def test_confusion_matches_sklearn(x: np.ndarray) -> None:
    both = ~np.isnan(x).any(axis=1)
    if not both.any():
        assert S.confusion(x).sum() == 0
        return
    cats = S.categories(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns when only one label occurs
        ref = sk_metrics.confusion_matrix(x[both, 0], x[both, 1], labels=cats)
    assert S.confusion(x).tolist() == ref.tolist()


@FAST
@given(ratings(missing=False))
def test_fleiss_matches_statsmodels_on_complete_data(x: np.ndarray) -> None:
    ours = S.fleiss_kappa(x)
    if defined(ours):
        table, _ = sm_ir.aggregate_raters(x.astype(int))
        assert ours == pytest.approx(sm_ir.fleiss_kappa(table, method="fleiss"), abs=TOL)


@pytest.mark.parametrize("level", S.LEVELS)
@settings(max_examples=50, deadline=None)
@given(x=ratings(cats=(2, 5)), values=st.permutations([0.0, 1.0, 2.5, 4.0, 10.0]))
def test_alpha_matches_krippendorff(level: str, x: np.ndarray, values: list[float]) -> None:
    # map categories to unevenly spaced (non-negative, for the ratio level) values
    lut = np.array(values + [np.nan])
    y = lut[np.where(np.isnan(x), -1, x).astype(int)]
    if not ((~np.isnan(y)).sum(axis=1) >= 2).any():
        return
    ours = S.krippendorff_alpha(y, level)
    if defined(ours):
        ref = krippendorff.alpha(y.T, level_of_measurement=level)
        assert ours == pytest.approx(ref, abs=TOL)


def irrcac(x: np.ndarray) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return irr_raw.CAC(pd.DataFrame(x), digits=15)


def irr_value(cac: object, method: str) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(getattr(cac, method)()["est"]["coefficient_value"])


@SLOW
@given(ratings(units=(4, 25)))
def test_gwet_fleiss_bp_percent_match_irrcac_with_missing(x: np.ndarray) -> None:
    rated = ~np.isnan(x).all(axis=1)
    pairable = (~np.isnan(x)).sum(axis=1) >= 2
    if pairable.sum() < 1 or rated.sum() < 3 or S.categories(x).size < 2:
        return
    cac = irrcac(x)
    assert S.gwet_ac1(x) == pytest.approx(irr_value(cac, "gwet"), abs=TOL)
    assert S.brennan_prediger(x) == pytest.approx(irr_value(cac, "bp"), abs=TOL)
    assert S.percent_agreement(x) == pytest.approx(cac.pa, abs=TOL)  # type: ignore[attr-defined]
    ours = S.fleiss_kappa(x)
    if defined(ours):
        assert ours == pytest.approx(irr_value(cac, "fleiss"), abs=TOL)
        alpha = S.krippendorff_alpha(x)
        if defined(alpha) and pairable.sum() >= 2:
            assert alpha == pytest.approx(irr_value(cac, "krippendorff"), abs=TOL)


@SLOW
@given(ratings(coders=(2, 2), units=(4, 25), missing=False), st.integers(3, 5))
def test_gwet_with_declared_unused_categories_matches_irrcac(x: np.ndarray, q: int) -> None:
    cats = list(range(max(q, int(np.nanmax(x)) + 1)))
    cac = irr_raw.CAC(pd.DataFrame(x), categories=[float(c) for c in cats], digits=15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = float(cac.gwet()["est"]["coefficient_value"])
        ref_bp = float(cac.bp()["est"]["coefficient_value"])
    assert S.gwet_ac1(x, categories=cats) == pytest.approx(ref, abs=TOL)
    assert S.brennan_prediger(x, categories=cats) == pytest.approx(ref_bp, abs=TOL)


@pytest.mark.parametrize("level", S.LEVELS)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_alpha_with_many_categories_matches_krippendorff(level: str, seed: int) -> None:
    """Above 16 categories alpha sums without q x q matrices (except ratio); same values."""
    rng = np.random.default_rng(seed)
    truth = rng.uniform(0, 60, 80)
    x = np.round(truth[:, None] + rng.normal(0, 4, (80, 3)))
    x = np.clip(x, 0, None)
    x[rng.random(x.shape) < 0.15] = np.nan
    assert S.categories(x).size > 16
    ref = krippendorff.alpha(x.T, level_of_measurement=level)
    assert S.krippendorff_alpha(x, level) == pytest.approx(ref, abs=TOL)
