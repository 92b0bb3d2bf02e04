"""Worked examples from the literature, degenerate cases and input checks for reliability.stats."""

from __future__ import annotations

import math

import numpy as np
import pytest

from thematica.errors import InvalidInput
from thematica.reliability import stats as S

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E
# ("Nominal data, any number of observers, missing data"): 4 observers x 12 units.
# Published: nominal .743, ordinal .815, interval .849, ratio .797.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],  # observer A
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],  # B
        [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],  # C
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],  # D
    ]
).T  # units x coders


def from_table(table: list[list[int]], labels: tuple[float, ...] = (1, 0)) -> np.ndarray:
    """Raw 2-coder data from a published cross-table (rows = coder 1, first label first)."""
    rows = [(a, b) for i, a in enumerate(labels) for j, b in enumerate(labels) for _ in range(table[i][j])]
    return np.array(rows, dtype=float)


# --------------------------------------------------------------- worked examples


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example(level: str, published: float) -> None:
    """Krippendorff (2011) p. 8 example with missing data, all four metrics."""
    krippendorff = pytest.importorskip("krippendorff")  # GPL-3.0: test-time reference only
    value = S.krippendorff_alpha(KRIPPENDORFF_2011, level)
    assert round(value, 3) == published
    expected = krippendorff.alpha(KRIPPENDORFF_2011.T, level_of_measurement=level)
    assert value == pytest.approx(expected, abs=1e-12)


def test_krippendorff_2011_data_gwet_coefficients() -> None:
    """The same 12 units as Gwet (2014) *Handbook of Inter-Rater Reliability*, 4th ed.,
    reproduced in the irrCAC documentation (dataset raw_4raters):
    AC1 = 0.77544, Fleiss' kappa = 0.76117, p_a = 0.81818."""
    assert S.gwet_ac1(KRIPPENDORFF_2011) == pytest.approx(0.77544, abs=5e-6)
    assert S.fleiss_kappa(KRIPPENDORFF_2011) == pytest.approx(0.76117, abs=5e-6)
    assert S.percent_agreement(KRIPPENDORFF_2011) == pytest.approx(0.81818, abs=5e-6)
    assert S.percent_agreement(KRIPPENDORFF_2011) == pytest.approx(9 / 11)


# Wikipedia, "Fleiss' kappa", worked example: 10 subjects x 14 raters x 5 categories,
# P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210 (also statsmodels' test_inter_rater.py).
FLEISS_WIKIPEDIA = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychol. Bull. 76:378,
# 30 patients x 6 psychiatrists x 5 diagnoses; published kappa = .430
# (the `diagnoses` data of R's irr package; kappam.fleiss gives 0.43).
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ],
    dtype=float,
)  # fmt: skip


def test_fleiss_wikipedia_example() -> None:
    raw = np.array([np.repeat(np.arange(1, 6), row) for row in FLEISS_WIKIPEDIA], dtype=float)
    assert raw.shape == (10, 14)
    assert round(S.percent_agreement(raw), 3) == 0.378
    assert round(S.fleiss_kappa(raw), 3) == 0.210
    sm = pytest.importorskip("statsmodels.stats.inter_rater")
    assert S.fleiss_kappa(raw) == pytest.approx(sm.fleiss_kappa(FLEISS_WIKIPEDIA), abs=1e-12)


def test_fleiss_1971_diagnoses() -> None:
    assert round(S.fleiss_kappa(FLEISS_1971), 3) == 0.430


def test_cohen_textbook_grant_example() -> None:
    """Wikipedia "Cohen's kappa", 50 grant proposals, 2 readers:
    yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> p_o = 0.70, p_e = 0.50, kappa = 0.40."""
    x = from_table([[20, 5], [10, 15]])
    assert S.percent_agreement(x) == pytest.approx(0.70)
    assert S.cohen_kappa(x) == pytest.approx(0.40, abs=1e-12)


def test_cohen_gerstman_xray_example() -> None:
    """Gerstman, *Epidemiology Kept Simple* (3rd ed., Wiley 2013), Illustrative Example 10.1:
    X-ray readings, a = 1467, d = 16232, N = 19790, margins f1 = 2249, g1 = 2776
    -> p_obs = 0.8943, p_exp = 0.7780, kappa = 0.524."""
    x = from_table([[1467, 2249 - 1467], [2776 - 1467, 16232]])
    assert len(x) == 19790
    assert round(S.percent_agreement(x), 4) == 0.8943
    assert round(S.cohen_kappa(x), 3) == 0.524


@pytest.mark.parametrize(
    ("table", "kappa", "ac1"),
    [
        ([[40, 9], [6, 45]], 0.70, 0.7007),  # Feinstein & Cicchetti (1990), table A
        ([[80, 10], [5, 5]], 0.32, 0.8080),  # table B: the paradox
    ],
)
def test_kappa_paradox_feinstein_cicchetti(table: list[list[int]], kappa: float, ac1: float) -> None:
    """Feinstein & Cicchetti (1990), "High agreement but low kappa: I", J Clin Epidemiol 43:543,
    as reproduced in Gerstman (2013) Table 10.6: both tables p_o = 0.85; kappa = 0.70 vs 0.32.
    The AC1 values are not from the paper: computed here (Gwet 2008) and checked against irrCAC."""
    x = from_table(table)
    assert S.percent_agreement(x) == pytest.approx(0.85)
    assert round(S.cohen_kappa(x), 2) == kappa
    assert S.gwet_ac1(x) == pytest.approx(ac1, abs=5e-5)
    assert S.brennan_prediger(x) == pytest.approx(0.70)  # PABAK = 2 p_o - 1
    raw = pytest.importorskip("irrCAC.raw")
    pd = pytest.importorskip("pandas")
    ref = raw.CAC(pd.DataFrame(x), digits=15).gwet()["est"]["coefficient_value"]
    assert S.gwet_ac1(x) == pytest.approx(ref, abs=1e-9)


def test_paradox_table_b_prevalence_and_bias() -> None:
    """Byrt, Bishop & Carlin (1993): PI = (a - d)/n, BI = (b - c)/n; for F&C table B
    (a = 80 both '+', d = 5 both '-') PI = 0.75, BI = 0.05, and
    kappa = (PABAK - PI^2 + BI^2) / (1 - PI^2 + BI^2)."""
    table = np.array([[80, 10], [5, 5]])
    pi, bi = S.prevalence_index(table), S.bias_index(table)
    assert (pi, bi) == (pytest.approx(0.75), pytest.approx(0.05))
    pabak = 2 * 0.85 - 1
    assert S.cohen_kappa(from_table(table.tolist())) == pytest.approx((pabak - pi**2 + bi**2) / (1 - pi**2 + bi**2))


# ------------------------------------------------------------------ small pieces


def test_confusion_and_categories() -> None:
    x = np.array([[0, 0], [0, 1], [1, 1], [1, 1], [nan, 1], [2, nan]])
    assert S.categories(x).tolist() == [0.0, 1.0, 2.0]
    assert S.confusion(x).tolist() == [[1, 1, 0], [0, 2, 0], [0, 0, 0]]
    assert S.confusion(x, categories=[0, 1, 2, 3]).shape == (4, 4)
    assert S.confusion(x[:4], categories=(0, 1)).tolist() == [[1, 1], [0, 2]]


def test_brennan_prediger_is_pabak_for_two_binary_coders() -> None:
    x = from_table([[30, 7], [3, 60]], labels=(0, 1))
    assert S.brennan_prediger(x) == pytest.approx(2 * 0.90 - 1)


def test_percent_agreement_with_three_coders_and_missing() -> None:
    x = np.array([[1, 1, 1], [1, 1, 0], [1, nan, 0], [0, nan, nan]])
    # pairs agreeing: 3/3, 1/3, 0/1; the last unit has one rating and is ignored
    assert S.percent_agreement(x) == pytest.approx((1 + 1 / 3 + 0) / 3)


def test_accepts_lists_and_dataframes() -> None:
    pd = pytest.importorskip("pandas")
    rows = [[0, 0], [1, 1], [1, 0], [0, None]]
    frame = pd.DataFrame(rows, dtype="Float64")  # nullable: pd.NA for missing
    assert S.cohen_kappa(rows) == S.cohen_kappa(frame) == S.cohen_kappa(np.array(rows, dtype=float))


# ------------------------------------------------------------- degenerate cases


def test_constant_codes_are_perfect_agreement_but_undefined_kappa() -> None:
    x = np.zeros((20, 2))
    assert S.percent_agreement(x) == 1.0
    for fn in (S.cohen_kappa, S.fleiss_kappa, S.krippendorff_alpha, S.gwet_ac1, S.brennan_prediger):
        assert math.isnan(fn(x))
    # with both categories known, AC1 and BP are defined (chance agreement < 1)
    assert S.gwet_ac1(x, categories=(0, 1)) == 1.0
    assert S.brennan_prediger(x, categories=(0, 1)) == 1.0


def test_constant_but_different_coders_is_kappa_zero() -> None:
    x = np.column_stack([np.zeros(10), np.ones(10)])
    assert S.percent_agreement(x) == 0.0
    assert S.cohen_kappa(x) == 0.0
    assert S.brennan_prediger(x) == -1.0


def test_agreement_reports_undefined_as_none_with_reason() -> None:
    res = S.agreement(np.zeros((20, 2)), categories=(0, 1), reps=200)
    assert res.percent == 1.0 and res.ac1 == 1.0 and res.bp == 1.0
    for name in ("cohen", "fleiss", "alpha"):
        assert res.coefficient(name) is None
        assert "undefined" in res.reasons[name] and "category 0" in res.reasons[name]
        assert name not in res.ci
    assert res.ci["percent"] == (1.0, 1.0)
    assert res.table is not None and res.table.tolist() == [[20, 0], [0, 0]]
    assert (res.prevalence, res.bias) == (1.0, 0.0)
    # without the categories, AC1 and BP say how to make them defined
    plain = S.agreement(np.zeros((20, 2)), ci=False)
    assert plain.ac1 is None and "categories=(0, 1)" in plain.reasons["ac1"]
    assert plain.ci == {} and plain.ci_level is None
    assert "prevalence" in plain.reasons


def test_agreement_three_coders() -> None:
    res = S.agreement(KRIPPENDORFF_2011, ci=False, alpha_level="interval")
    assert res.coders == 4 and res.units == 11 and res.rated_units == 12
    assert res.cohen is None and "exactly 2 coders" in res.reasons["cohen"]
    assert round(res.alpha or 0, 3) == 0.849
    assert res.table is None and res.prevalence is None
    assert res.categories == (1.0, 2.0, 3.0, 4.0, 5.0)


def test_agreement_two_coders_full() -> None:
    x = from_table([[80, 10], [5, 5]])
    res = S.agreement(x, reps=500, seed=3)
    assert res.units == res.rated_units == 100
    assert res.cohen == pytest.approx(S.cohen_kappa(x))
    assert res.table is not None and res.table.tolist() == [[5, 5], [10, 80]]  # sorted: 0 ('-') first
    assert res.prevalence == pytest.approx(-0.75) and res.bias == pytest.approx(-0.05)
    assert set(res.ci) == set(S.STATISTICS)
    for name, (lo, hi) in res.ci.items():  # type: ignore[misc]
        assert lo <= res.coefficient(name) <= hi  # type: ignore[operator]
    assert res.as_dict()["table"] == [[5, 5], [10, 80]]
    with pytest.raises(ValueError):
        res.table[0, 0] = 1  # type: ignore[index]
    only = S.agreement(x, statistics=("alpha",), ci=False)
    assert only.cohen is None and only.reasons["cohen"] == "not requested" and only.alpha is not None


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "data",
    [
        np.array([[1.0], [0.0]]),  # one coder
        np.array([1.0, 0.0, 1.0]),  # not a table
        np.array([[1, nan], [nan, 0]]),  # no unit rated twice
        np.full((3, 2), nan),
        np.array([[1, np.inf], [0, 0]]),
        [["a", "b"], ["a", "a"]],
    ],
)
def test_invalid_input(data: object) -> None:
    for fn in (S.percent_agreement, S.fleiss_kappa, S.krippendorff_alpha, S.gwet_ac1, S.agreement):
        with pytest.raises(InvalidInput):
            fn(data)  # type: ignore[operator]


def test_invalid_arguments() -> None:
    x = from_table([[5, 1], [2, 6]])
    three = np.column_stack([x, x[:, 0]])
    with pytest.raises(InvalidInput, match="exactly 2 coders"):
        S.cohen_kappa(three)
    with pytest.raises(InvalidInput, match="exactly 2 coders"):
        S.confusion(three)
    with pytest.raises(InvalidInput, match="level"):
        S.krippendorff_alpha(x, "bogus")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="outside the given categories"):
        S.gwet_ac1(x, categories=(0, 2))
    with pytest.raises(InvalidInput, match="ratio"):
        S.krippendorff_alpha(x - 1, "ratio")
    with pytest.raises(InvalidInput, match="unknown statistic"):
        S.agreement(x, statistics=("kappa",))
    with pytest.raises(InvalidInput):
        S.bootstrap_ci(S.cohen_kappa, x, reps=0)
    with pytest.raises(InvalidInput):
        S.bootstrap_ci(S.cohen_kappa, x, level=95)
    for bad in ([[1, 2, 3]], [[1, -1], [0, 0]], [[0, 0], [0, 0]]):
        with pytest.raises(InvalidInput):
            S.prevalence_index(bad)
