"""How well code suggestions reproduce a researcher's coding: learning curves over the coded share.

For each share p and seed, :func:`evaluate` takes a random p of the units as
"coded" (stratified by code where possible, see :func:`coded_split`), fits
each method on them alone and predicts the held-out rest, then compares the
predictions with the held-out gold codes:

* single-label (one code per unit): Cohen's kappa and Gwet's AC1 over the
  assigned code as one nominal category (AC1's q = every code in the
  codebook); micro F1 (= accuracy) and macro F1;
* multi-label (units x codes, 0/1): kappa and AC1 per code as present /
  absent, and pooled over every (unit, code) cell; micro and macro F1.

Macro F1 averages the codes that occur in the held-out gold or the
predictions; so do ``kappa_per_code`` and ``ac1_per_code``, the means of the
per-code (present / absent) coefficients, kappa over the codes where it is
defined. Kappa and AC1 are thematica's own
(:mod:`thematica.reliability.coefficients`), with the gold coding as coder 1
and the model as coder 2. Nothing is printed; results are dataclasses and a
pandas summary.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from thematica.assist.learn import (
    METHODS,
    NEEDS_EMBEDDINGS,
    Labels,
    Suggester,
    as_labels,
    decide,
    default_min_codes,
    make,
    stratum,
)
from thematica.errors import InvalidInput
from thematica.reliability.coefficients import cohen_kappa, gwet_ac1

#: The coded shares of the learning curve.
SHARES: tuple[float, ...] = (0.05, 0.10, 0.20, 0.50)


# ------------------------------------------------------------------------- splits


def coded_split(labels: Labels, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(coded, held_out): sorted, disjoint unit indices covering every unit.

    round(share * n) units are coded (at least 1, at most n - 1). Stratified
    where possible: each stratum (a unit's code; for multi-label its rarest
    code, or none) gets floor(share * size) units, and the remaining places go
    to the strata with the largest remainders (ties at random), so a code with
    few units may get none.
    """
    n = labels.y.shape[0]
    if n < 2:
        raise InvalidInput("need at least 2 units to split")
    if not 0 < share < 1:
        raise InvalidInput("the coded share must be between 0 and 1")
    rng = np.random.default_rng(seed)
    target = min(max(round(share * n), 1), n - 1)
    strata = stratum(labels.y, labels.multilabel)
    names, sizes = np.unique(strata, return_counts=True)
    quota = share * sizes
    take = np.floor(quota).astype(np.int64)
    order = np.lexsort((rng.random(names.size), -(quota - take)))
    short = target - int(take.sum())
    if short > 0:
        take[order[:short]] += 1
    elif short < 0:  # cannot happen with floor, kept for safety
        for j in order[::-1][:-short]:
            take[j] = max(take[j] - 1, 0)
    coded = [rng.choice(np.flatnonzero(strata == s), size=int(t), replace=False) for s, t in zip(names, take) if t > 0]
    coded_idx = np.sort(np.concatenate(coded)) if coded else np.zeros(0, dtype=np.int64)
    held_out = np.setdiff1d(np.arange(n), coded_idx)
    return coded_idx.astype(np.int64), held_out.astype(np.int64)


# ---------------------------------------------------------------------- agreement


def agreement_nominal(gold: np.ndarray, pred: np.ndarray, n_categories: int) -> tuple[float, float]:
    """(Cohen's kappa, Gwet's AC1) of two codings of the same units, categories 0..n-1.

    AC1 counts every one of the ``n_categories`` (not only those used). NaN
    where a coefficient is undefined (e.g. kappa when both use one category).
    """
    gold = np.asarray(gold)
    pred = np.asarray(pred)
    if gold.shape != pred.shape or gold.ndim != 1 or gold.size == 0:
        raise InvalidInput("gold and predicted codes must be equal-length, non-empty 1-D arrays")
    data = np.column_stack([gold, pred]).astype(np.float64)
    return cohen_kappa(data), gwet_ac1(data, categories=np.arange(n_categories, dtype=np.float64))


def agreement_binary(gold: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    """(Cohen's kappa, Gwet's AC1) of two present / absent codings (0/1, any shape, flattened)."""
    return agreement_nominal(np.asarray(gold).ravel(), np.asarray(pred).ravel(), 2)


def f1_scores(gold: np.ndarray, pred: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(per-code F1, micro F1, macro F1) of 0/1 matrices (units x codes).

    Per-code F1 is 2TP / (2TP + FP + FN), NaN for a code neither coding used;
    macro F1 averages the others; micro F1 pools the counts.
    """
    g = np.asarray(gold) > 0
    p = np.asarray(pred) > 0
    tp = (g & p).sum(axis=0).astype(np.float64)
    fp = (~g & p).sum(axis=0).astype(np.float64)
    fn = (g & ~p).sum(axis=0).astype(np.float64)
    den = 2 * tp + fp + fn
    per = np.full(tp.shape, np.nan)
    np.divide(2 * tp, den, out=per, where=den > 0)
    total = float((2 * tp + fp + fn).sum())
    micro = float(2 * tp.sum() / total) if total > 0 else math.nan
    used = ~np.isnan(per)
    macro = float(per[used].mean()) if used.any() else math.nan
    return per, micro, macro


# ------------------------------------------------------------------------ results


@dataclass(frozen=True)
class CodeScore:
    """One code on the held-out units: gold and predicted counts, F1, kappa and AC1 (present / absent)."""

    code: str
    support: int
    predicted: int
    f1: float
    kappa: float
    ac1: float


@dataclass(frozen=True)
class Run:
    """One method fitted on one coded share (one seed) and scored on the held-out rest."""

    method: str
    share: float
    seed: int
    n_coded: int
    n_held_out: int
    kappa: float
    ac1: float
    micro_f1: float
    macro_f1: float
    kappa_per_code: float
    ac1_per_code: float
    fit_s: float
    predict_s: float
    params: dict[str, Any] = field(default_factory=dict)
    per_code: tuple[CodeScore, ...] = ()
    held_out: tuple[int, ...] = ()

    def row(self) -> dict[str, Any]:
        """The run's scalar fields (no per-code scores, params or indices)."""
        return {k: v for k, v in asdict(self).items() if k not in ("params", "per_code", "held_out")}


METRICS: tuple[str, ...] = (
    "kappa",
    "ac1",
    "micro_f1",
    "macro_f1",
    "kappa_per_code",
    "ac1_per_code",
    "fit_s",
    "predict_s",
)


@dataclass
class Evaluation:
    """All runs of a learning-curve evaluation, with the data's shape."""

    multilabel: bool
    codes: tuple[str, ...]
    n_units: int
    runs: list[Run] = field(default_factory=list)

    def summary(self) -> Any:
        """A pandas DataFrame: method x share, each metric's mean over seeds (and ``<metric>_sd``)."""
        import pandas as pd

        frame = pd.DataFrame([r.row() for r in self.runs])
        if frame.empty:
            return frame
        grouped = frame.groupby(["method", "share"], sort=False)
        mean = grouped[list(METRICS) + ["n_coded", "n_held_out"]].mean()
        sd = grouped[list(METRICS)].std(ddof=1).add_suffix("_sd")
        out = mean.join(sd)
        out.insert(0, "seeds", grouped.size())
        return out.reset_index()

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready dicts (NaN as None), held-out indices left out."""
        runs = []
        for r in self.runs:
            d = asdict(r)
            d.pop("held_out")
            runs.append(d)
        return _jsonable(
            {"multilabel": self.multilabel, "codes": list(self.codes), "n_units": self.n_units, "runs": runs}
        )


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.floating, float)):
        return None if not math.isfinite(float(x)) else float(x)
    if isinstance(x, np.integer):
        return int(x)
    return x


# --------------------------------------------------------------------- evaluation

MethodSpec = Sequence[str] | Mapping[str, Callable[[], Suggester]]


def score(gold: Labels, proba: np.ndarray, *, threshold: float = 0.5, min_codes: int = 0) -> dict[str, Any]:
    """Kappa, AC1, micro / macro F1 and per-code scores of predicted ``proba`` against ``gold``."""
    pred = decide(proba, multilabel=gold.multilabel, threshold=threshold, min_codes=min_codes)
    per_f1, micro, macro = f1_scores(gold.y, pred)
    if gold.multilabel:
        kappa, ac1 = agreement_binary(gold.y, pred)
    else:
        kappa, ac1 = agreement_nominal(gold.index, pred.argmax(axis=1), len(gold.codes))
    per_code = []
    for j, code in enumerate(gold.codes):
        k_j, a_j = agreement_binary(gold.y[:, j], pred[:, j])
        per_code.append(
            CodeScore(str(code), int(gold.y[:, j].sum()), int(pred[:, j].sum()), float(per_f1[j]), k_j, a_j)
        )
    return {
        "kappa": kappa,
        "ac1": ac1,
        "micro_f1": micro,
        "macro_f1": macro,
        "kappa_per_code": _mean_defined([c.kappa for c in per_code if c.support or c.predicted]),
        "ac1_per_code": _mean_defined([c.ac1 for c in per_code if c.support or c.predicted]),
        "per_code": tuple(per_code),
    }


def _mean_defined(values: Sequence[float]) -> float:
    finite = [v for v in values if math.isfinite(v)]
    return float(np.mean(finite)) if finite else math.nan


def evaluate(
    texts: Sequence[str] | None,
    labels: Any,
    *,
    embeddings: np.ndarray | None = None,
    codes: Sequence[Hashable] | None = None,
    methods: MethodSpec | None = None,
    shares: Sequence[float] = SHARES,
    seeds: Sequence[int] = (1,),
    params: Mapping[str, Mapping[str, Any]] | None = None,
    threshold: float = 0.5,
    min_codes: int | None = None,
    progress: Callable[[Run], None] | None = None,
) -> Evaluation:
    """The learning curve: every method x share x seed, fitted on the coded share only.

    ``labels``: 1-D codes (single-label) or a 0/1 units x codes matrix (multi-label,
    columns named by ``codes``). ``methods``: names in :data:`METHODS` (default:
    all that the inputs allow) or name -> factory. ``params``: extra constructor
    parameters per method name. Multi-label decisions are scores >= ``threshold``;
    ``min_codes`` (default: 1 when >= 95% of the coded units carry a code, else 0)
    gives a unit its top code when none passes. The same split is used for every
    method of a (share, seed). ``progress`` is called with each finished run.
    """
    gold = as_labels(labels, codes)
    n = gold.y.shape[0]
    if texts is not None and len(texts) != n:
        raise InvalidInput(f"{len(texts)} texts for {n} labelled units")
    if embeddings is not None and np.asarray(embeddings).shape[0] != n:
        raise InvalidInput(f"{np.asarray(embeddings).shape[0]} embeddings for {n} labelled units")
    factories = _factories(methods, embeddings is not None, params or {})
    text_list = list(texts) if texts is not None else None
    emb = np.asarray(embeddings) if embeddings is not None else None
    result = Evaluation(gold.multilabel, tuple(str(c) for c in gold.codes), n)
    for seed in seeds:
        for share in shares:
            coded, held = coded_split(gold, share, seed)
            train_labels: Any = gold.y[coded] if gold.multilabel else [gold.codes[j] for j in gold.index[coded]]
            held_gold = Labels(gold.y[held], gold.codes, gold.multilabel)
            floor = min_codes
            if floor is None:
                floor = default_min_codes(gold.y[coded]) if gold.multilabel else 0
            for name, factory in factories.items():
                model = factory()
                t0 = time.perf_counter()
                model.fit(_take(text_list, coded), _take(emb, coded), train_labels, codes=gold.codes)
                t1 = time.perf_counter()
                proba = model.predict_proba(_take(text_list, held), _take(emb, held))
                t2 = time.perf_counter()
                if proba.shape != held_gold.y.shape:
                    raise InvalidInput(f"method {name!r} returned scores of shape {proba.shape}")
                scores = score(held_gold, proba, threshold=threshold, min_codes=floor)
                run = Run(
                    method=name,
                    share=float(share),
                    seed=int(seed),
                    n_coded=int(coded.size),
                    n_held_out=int(held.size),
                    fit_s=t1 - t0,
                    predict_s=t2 - t1,
                    params=dict(getattr(model, "params", {})) | _fitted(model),
                    held_out=tuple(int(i) for i in held),
                    **scores,
                )
                result.runs.append(run)
                if progress is not None:
                    progress(run)
    return result


def _factories(
    methods: MethodSpec | None, have_embeddings: bool, params: Mapping[str, Mapping[str, Any]]
) -> dict[str, Callable[[], Suggester]]:
    if methods is None:
        methods = [m for m in METHODS if have_embeddings or m not in NEEDS_EMBEDDINGS]
    if isinstance(methods, Mapping):
        return dict(methods)
    out: dict[str, Callable[[], Suggester]] = {}
    for name in methods:
        if name not in METHODS:
            raise InvalidInput(f"unknown method {name!r}; known: {', '.join(METHODS)}")
        if name in NEEDS_EMBEDDINGS and not have_embeddings:
            raise InvalidInput(f"method {name!r} needs embeddings")
        out[name] = functools.partial(make, name, **dict(params.get(name, {})))
    return out


def _take(x: Any, idx: np.ndarray) -> Any:
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return x[idx]
    return [x[i] for i in idx]


def _fitted(model: Any) -> dict[str, Any]:
    """What fitting chose (C when tuned, iterations), for provenance."""
    out: dict[str, Any] = {}
    for attr, key in (("C_", "C_chosen"), ("class_weight_", "class_weight_chosen"), ("n_iter_", "n_iter")):
        if hasattr(model, attr):
            out[key] = getattr(model, attr)
    return out


__all__ = [
    "METRICS",
    "SHARES",
    "CodeScore",
    "Evaluation",
    "Run",
    "agreement_binary",
    "agreement_nominal",
    "coded_split",
    "evaluate",
    "f1_scores",
    "score",
]
