"""Resampling engine for the percentile bootstrap of agreement coefficients.

Units are resampled with replacement (Efron & Tibshirani 1993, ch. 13, the
percentile interval). Every coefficient in :mod:`thematica.reliability.stats`
depends on the data only through the multiset of *unit patterns* (the row of
codes a unit received), so one bootstrap replicate is fully described by how
often each distinct pattern was drawn: a Multinomial(n, freq / n) vector. For
two coders and a binary code there are at most 8 non-empty patterns (the 2x2
table plus the half-missing rows), which makes 1000 replicates over any number
of units a (1000 x 8) matrix product: O(reps), independent of n.

This module holds only the resampling and the percentile step; the
coefficients themselves are vectorised over replicates in ``coefficients``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from thematica.errors import InvalidInput

# Upper bound on the float64 elements a chunk of replicates may allocate
# (about 32 MB); chunks never change results, only peak memory.
_BUDGET = 4_000_000


def check_settings(reps: int, level: float) -> None:
    """Raise InvalidInput unless ``reps`` is a positive integer and 0 < level < 1."""
    if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 1:
        raise InvalidInput(f"bootstrap reps must be a positive whole number, got {reps!r}")
    if not isinstance(level, (int, float, np.floating)) or not 0.0 < float(level) < 1.0:
        raise InvalidInput(f"confidence level must be between 0 and 1 (e.g. 0.95), got {level!r}")


def replicate_patterns(
    kernel: Callable[[np.ndarray], np.ndarray],
    freq: np.ndarray,
    *,
    reps: int,
    seed: int | None,
    cost: int,
) -> np.ndarray:
    """Bootstrap a pattern-level statistic; returns its values, one row per replicate.

    ``freq`` holds how many units show each distinct pattern; ``kernel`` maps a
    (k, P) matrix of pattern weights (one row per replicate) to a (k,) or (k, S)
    array of statistic values. Drawing Multinomial(n, freq / n) weights is
    exactly resampling the n units with replacement. ``cost`` is the number of
    float64 elements the kernel allocates per replicate; it only sets the chunk
    size. Deterministic for a given seed.
    """
    n = int(round(float(freq.sum())))
    p = freq / freq.sum()
    rng = np.random.default_rng(seed)
    chunk = int(max(1, min(reps, _BUDGET // max(int(cost), 1))))
    parts = []
    for start in range(0, reps, chunk):
        size = min(chunk, reps - start)
        weights = rng.multinomial(n, p, size=size).astype(np.float64)
        parts.append(np.asarray(kernel(weights), dtype=np.float64))
    return np.concatenate(parts, axis=0)


def replicate_rows(
    statistic: Callable[[np.ndarray], Any],
    x: np.ndarray,
    *,
    reps: int,
    seed: int | None,
) -> np.ndarray:
    """Bootstrap any callable by resampling the rows (units) of ``x``.

    The fallback for statistics the pattern engine does not know: one call per
    replicate (a loop over replicates, not units). A replicate where the
    statistic raises InvalidInput / ZeroDivisionError or returns None counts
    as undefined (NaN).
    """
    rng = np.random.default_rng(seed)
    n = x.shape[0]
    out = np.full(reps, np.nan)
    for r in range(reps):
        sample = x[rng.integers(0, n, size=n)]
        try:
            with np.errstate(all="ignore"):
                value = statistic(sample)
        except (InvalidInput, ZeroDivisionError):
            continue
        if value is not None:
            out[r] = float(value)
    return out


def percentile_interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """Percentile interval of the defined (finite) replicate values.

    Replicates where the statistic is undefined (NaN) are skipped; when none is
    defined the interval is (nan, nan).
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return (float("nan"), float("nan"))
    tail = (1.0 - float(level)) / 2.0
    lo, hi = np.quantile(finite, [tail, 1.0 - tail])
    return (float(lo), float(hi))


__all__ = ["check_settings", "replicate_patterns", "replicate_rows", "percentile_interval"]
