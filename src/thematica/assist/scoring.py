"""From scores to decisions: thresholds, informativeness for review order, scores from definitions alone."""

from __future__ import annotations

import numpy as np

from thematica.errors import InvalidInput

from .features import _unit_rows

# ---------------------------------------------------------------------- decisions


def decide(proba: np.ndarray, *, multilabel: bool, threshold: float = 0.5, min_codes: int = 0) -> np.ndarray:
    """0/1 decisions from scores: the top code (single-label); codes >= ``threshold`` (multi-label).

    Multi-label: with ``min_codes=1`` a unit with no code over the threshold
    still gets its top-scoring code (for data where every unit is coded).
    """
    p = np.asarray(proba, dtype=np.float64)
    out = np.zeros_like(p)
    if p.size == 0:
        return out
    if not multilabel:
        out[np.arange(p.shape[0]), p.argmax(axis=1)] = 1.0
        return out
    out[p >= threshold] = 1.0
    if min_codes > 0:
        order = np.argsort(-p, axis=1)[:, :min_codes]
        short = out.sum(axis=1) < min_codes
        rows = np.repeat(np.flatnonzero(short), order.shape[1])
        out[rows, order[short].ravel()] = 1.0
    return out


def informativeness(proba: np.ndarray, *, multilabel: bool = False, kind: str = "margin") -> np.ndarray:
    """How much a researcher's decision on each unit would teach the model (higher = ask first).

    * ``margin`` (default): single-label 1 - (p1 - p2), one minus the gap between
      the two best codes; multi-label max over codes of 1 - |2p - 1|, the code
      nearest the 0.5 threshold. Both lie in [0, 1].
    * ``entropy``: Shannon entropy of the row divided by log(n_codes)
      (single-label); multi-label the largest per-code binary entropy in bits.
    """
    p = np.clip(np.asarray(proba, dtype=np.float64), 0.0, 1.0)
    if p.ndim != 2:
        raise InvalidInput("proba must be a (units, codes) array")
    if p.shape[1] == 0:
        return np.zeros(p.shape[0])
    if kind == "margin":
        if multilabel:
            return (1.0 - np.abs(2.0 * p - 1.0)).max(axis=1)
        if p.shape[1] == 1:
            return 1.0 - p[:, 0]
        top2 = -np.sort(-p, axis=1)[:, :2]
        return 1.0 - (top2[:, 0] - top2[:, 1])
    if kind == "entropy":
        with np.errstate(divide="ignore", invalid="ignore"):
            if multilabel:
                h = -(np.where(p > 0, p * np.log2(p), 0.0) + np.where(p < 1, (1 - p) * np.log2(1 - p), 0.0))
                return h.max(axis=1)
            h = -np.where(p > 0, p * np.log(p), 0.0).sum(axis=1)
            return h / np.log(p.shape[1]) if p.shape[1] > 1 else np.zeros(p.shape[0])
    raise InvalidInput("kind must be 'margin' or 'entropy'")


# ---------------------------------------------------------------- definitions only

#: Logistic calibration of cosine similarity (all-MiniLM-L6-v2) to a rough confidence,
#: p = 1 / (1 + exp(-(cos - DEFINITION_CENTER) / DEFINITION_SCALE)), fitted on the
#: 10,302 NHS comments x their 44 subcategory names (unit, code) pairs. There,
#: pairs scored < 0.05 carried the code 1.3% of the time, 0.05-0.2: 8%,
#: 0.2-0.5: 32%, >= 0.5: 50%; the top-scoring name was the analysts' code for
#: 30% of comments (kappa 0.26).
DEFINITION_CENTER = 0.65
DEFINITION_SCALE = 0.11


def definition_scores(
    unit_embeddings: np.ndarray,
    code_text_embeddings: np.ndarray,
    *,
    center: float = DEFINITION_CENTER,
    scale: float = DEFINITION_SCALE,
) -> np.ndarray:
    """Rough confidence (n_units, n_codes) that a code applies, from its definition alone.

    Cosine similarity between each unit and each code's text (name, definition,
    inclusion criteria or an example, embedded as one text; average several
    texts' embeddings per code beforehand), mapped through a logistic curve
    (``center``, ``scale``; defaults fitted to all-MiniLM-L6-v2 on NHS comments
    against their subcategory names, see :data:`DEFINITION_CENTER`). Rough: an
    ordering with a plausible scale, not a calibrated probability; longer
    definitions shift similarities, so learn from coded examples once there are some.
    """
    u = _unit_rows(np.atleast_2d(unit_embeddings))
    c = _unit_rows(np.atleast_2d(code_text_embeddings))
    if u.shape[1] != c.shape[1]:
        raise InvalidInput("unit and code embeddings differ in dimension")
    sims = u @ c.T
    return 1.0 / (1.0 + np.exp(-(sims - center) / scale))
