"""Inter-coder agreement: percent agreement, Cohen, Fleiss, Krippendorff, Gwet, Brennan-Prediger.

The public face of :mod:`thematica.reliability`: :func:`agreement` computes
every requested coefficient with its bootstrap interval and the 2-coder
diagnostics into an :class:`Agreement`; :func:`bootstrap_ci` gives the
percentile interval of one coefficient. Every coefficient function is
re-exported here, so ``from thematica.reliability.stats import ...`` is the
one import callers need. The work is done in:

* :mod:`thematica.reliability.patterns`: input checks, category encoding, the
  distinct-pattern representation and unit weights (data conventions there);
* :mod:`thematica.reliability.coefficients`: the vectorised kernels and the
  coefficient functions, with the sources of their formulas (Cohen 1960;
  Fleiss 1971; Brennan & Prediger 1981; Byrt, Bishop & Carlin 1993; Gwet
  2008, 2014; Krippendorff 2011), missing-data rules and undefined cases;
* :mod:`thematica.reliability.bootstrap`: resampling and the percentile
  interval (Efron & Tibshirani 1993, ch. 13).

Reliability data are a *units x coders* matrix of floats, NaN where a coder
did not rate a unit; invalid input raises :class:`thematica.errors.InvalidInput`.
Undefined coefficients are ``float("nan")`` from the functions and ``None``
with a reason in :class:`Agreement`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from thematica.errors import InvalidInput
from thematica.reliability import bootstrap as _boot
from thematica.reliability.coefficients import (
    _DENSE_Q,
    _KERNELS,
    _OPTIONS,
    _PUBLIC,
    _cross_table,
    _point,
    bias_index,
    brennan_prediger,
    categories,
    cohen_kappa,
    confusion,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    prevalence_index,
)
from thematica.reliability.patterns import (
    LEVELS,
    Level,
    _check_level,
    _check_ratio,
    _label,
    _matrix,
    _Patterns,
    _prepare,
    _two_coders,
)

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


# ------------------------------------------------------------------- bootstrap


def _kernel_for(statistic: Callable[..., Any]) -> tuple[str, dict[str, Any]] | None:
    """The pattern kernel behind a coefficient function (or a keyword partial of one), else None."""
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
