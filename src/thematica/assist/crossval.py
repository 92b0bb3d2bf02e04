"""Cross-validation helpers of the suggestion models: folds, strata, sample weights, a fast kappa."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .scoring import decide


def _remap(theta: np.ndarray, dims: Sequence[int], old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Parameters laid out for the ``new`` active codes: the shared codes' columns kept, new ones 0."""
    keep_old = np.flatnonzero(np.isin(old, new))
    keep_new = np.searchsorted(new, old[keep_old])
    out, at_old = [], 0
    for d in (*dims, 1):  # each block's (d, k) weights, then the (1, k) intercepts
        block_old = theta[at_old : at_old + d * old.size].reshape(d, old.size)
        block_new = np.zeros((d, new.size))
        block_new[:, keep_new] = block_old[:, keep_old]
        out.append(block_new.ravel())
        at_old += d * old.size
    return np.concatenate(out)


def _sample_weight(y: np.ndarray, class_weight: str | None, multilabel: bool) -> np.ndarray:
    n = y.shape[0]
    if multilabel:
        if class_weight != "balanced":
            return np.ones_like(y)
        pos = y.sum(axis=0)
        return np.where(y > 0, n / (2.0 * pos), n / (2.0 * (n - pos)))
    if class_weight != "balanced":
        return np.ones(n)
    counts = y.sum(axis=0)
    per = n / (np.count_nonzero(counts) * np.maximum(counts, 1.0))
    return y @ per


def _folds(y: np.ndarray, multilabel: bool, n_folds: int) -> list[np.ndarray] | None:
    """Test indices of stratified folds (by code, or by a unit's rarest code); None if too few units."""
    n = y.shape[0]
    if n < 10 * n_folds:
        return None
    strata = stratum(y, multilabel)
    rng = np.random.default_rng(0)
    fold = np.empty(n, dtype=np.int64)
    offset = 0
    for s in np.unique(strata):
        members = rng.permutation(np.flatnonzero(strata == s))
        fold[members] = (np.arange(members.size) + offset) % n_folds
        offset += members.size
    return [np.flatnonzero(fold == f) for f in range(n_folds)]


def stratum(y: np.ndarray, multilabel: bool) -> np.ndarray:
    """A stratum per unit: its code (single-label) or its rarest code, -1 for none (multi-label)."""
    if not multilabel:
        return y.argmax(axis=1)
    freq = y.sum(axis=0)
    ranked = np.where(y > 0, freq[None, :], np.inf)
    return np.where(y.any(axis=1), ranked.argmin(axis=1), -1)


def default_min_codes(y: np.ndarray) -> int:
    """1 when >= 95% of the coded units carry a code (then every unit is expected to get one), else 0."""
    return int(y.shape[0] > 0 and float(y.any(axis=1).mean()) >= 0.95)


def _cv_kappa(y: np.ndarray, proba: np.ndarray, multilabel: bool, min_codes: int = 0) -> float:
    """Cohen's kappa of the decisions against ``y`` (pooled over codes when multi-label)."""
    pred = decide(proba, multilabel=multilabel, min_codes=min_codes)
    if multilabel:
        a, b = y.ravel(), pred.ravel()
    else:
        a, b = y.argmax(axis=1), pred.argmax(axis=1)
    return _kappa_fast(a, b)


def _kappa_fast(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two integer label vectors (0 when undefined)."""
    cats, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inv[: a.size], inv[a.size :]
    po = float(np.mean(ia == ib))
    pe = float(np.bincount(ia, minlength=cats.size) @ np.bincount(ib, minlength=cats.size)) / a.size**2
    return 0.0 if pe >= 1 else (po - pe) / (1 - pe)
