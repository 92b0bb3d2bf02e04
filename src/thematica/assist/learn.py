"""Code suggestions learned from the researcher's own coding: pure models over units.

A *unit* is a passage of text (a comment, a sentence). The researcher has coded
some units; a :class:`Suggester` learns from them and scores every code for
other units. Nothing here touches a project or the network: inputs are text
lists and numpy / scipy arrays, outputs are arrays.

Labels come in two shapes:

* single-label, a 1-D sequence with one code per unit (every unit carries
  exactly one code): ``predict_proba`` rows sum to 1 over the codes;
* multi-label, a 2-D 0/1 array ``(n_units, n_codes)`` (a unit may carry
  several codes or none): each code gets an independent probability.

``codes`` names the columns (for single-label it may list codes that have no
coded example yet; they score 0). Methods, in :data:`METHODS`:

* ``knn``: k nearest coded units by cosine similarity of the embeddings,
  votes weighted by 1 / cosine distance;
* ``lr-emb``: L2-regularised logistic regression on the embeddings;
* ``lr-tfidf``: the same on TF-IDF of word 1-2-grams (sublinear tf);
* ``lr-both``: the same on both, side by side (each block has unit-norm rows,
  so neither dominates by scale).

Logistic regression is softmax (single-label) or one sigmoid per code
(multi-label), fitted by a small L-BFGS written here so that a refit after one
accept / reject starts from the previous weights (``warm_start``) and takes a
few iterations (see ``benchmarks/assist_retrain.py``). The objective is
scikit-learn's: mean weighted log-loss + ||W||^2 / (2 C n), intercept
unpenalised, so ``C`` means what it means there. By default C and the class
weighting are chosen by 3-fold cross-validation on the coded units only
(kappa of the predictions).

Codes that have only a definition, and no coded example, are scored by
:func:`definition_scores`; :func:`informativeness` orders units for review.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
from scipy import sparse

from thematica.errors import InvalidInput

from .crossval import _cv_kappa, _folds, _remap, _sample_weight, default_min_codes, stratum
from .features import TFIDF_DEFAULTS, Labels, Matrix, TextFeatures, _texts, _unit_rows, as_labels, corpus_features
from .optimise import _logits, _Problem, _sigmoid, lbfgs
from .scoring import DEFINITION_CENTER, DEFINITION_SCALE, decide, definition_scores, informativeness

#: The C grid searched by ``C="auto"`` (ascending: each fit warm-starts the next).
C_GRID: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0, 100.0)
#: The class weightings searched by ``class_weight="auto"``.
CLASS_WEIGHTS: tuple[str | None, ...] = (None, "balanced")


# --------------------------------------------------------------------- suggesters


@runtime_checkable
class Suggester(Protocol):
    """A code-suggestion model: learns from coded units, scores codes for any unit."""

    name: str
    params: dict[str, Any]
    codes: tuple[Hashable, ...]
    multilabel: bool

    def fit(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        labels: Any,
        *,
        codes: Sequence[Hashable] | None = None,
        tfidf: sparse.csr_matrix | None = None,
    ) -> Suggester:
        """Learn from coded units (texts and/or embeddings, labels); returns self."""
        ...

    def predict_proba(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        *,
        tfidf: sparse.csr_matrix | None = None,
    ) -> np.ndarray:
        """(n, n_codes) scores in [0, 1], columns in ``codes`` order; remembered for ``explain``."""
        ...

    def explain(self, i: int, k: int = 3, code: Hashable | None = None) -> np.ndarray:
        """Indices into the training set: the k coded units of ``code`` nearest to unit ``i``."""
        ...


class _Base:
    """Shared plumbing: label handling, feature blocks, nearest-example explanations."""

    name = "base"
    uses_embeddings = True
    uses_tfidf = False

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}
        self.codes: tuple[Hashable, ...] = ()
        self.multilabel = False
        self._y: np.ndarray | None = None
        self._space: Matrix | None = None  # training rows for explanations (unit norm)
        self._space_kind = ""  # "embeddings" or "tfidf"
        self._query: Matrix | None = None
        self._last_proba: np.ndarray | None = None
        self._features: TextFeatures | None = None

    # -- features
    def _tfidf_rows(self, texts: Sequence[str] | None, tfidf: sparse.csr_matrix | None, fit: bool) -> sparse.csr_matrix:
        if tfidf is not None:
            if fit:
                self._features = None
            return sparse.csr_matrix(tfidf, dtype=np.float32)
        if fit:
            self._features = TextFeatures(**self.params.get("tfidf", {}))
            return self._features.fit_transform(_texts(texts))
        if self._features is None:
            raise InvalidInput("the model was fitted on precomputed tfidf rows: pass tfidf= here too")
        return self._features.transform(_texts(texts))

    def _embedding_rows(self, embeddings: np.ndarray | None, n: int) -> np.ndarray:
        if embeddings is None:
            raise InvalidInput(f"method {self.name!r} needs the units' embeddings")
        e = np.asarray(embeddings)
        if e.ndim != 2 or e.shape[0] != n:
            raise InvalidInput(f"embeddings must be a ({n}, dim) array, got shape {e.shape}")
        return _unit_rows(e)

    def _blocks(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        tfidf: sparse.csr_matrix | None,
        *,
        fit: bool,
    ) -> tuple[list[Matrix], Matrix | None]:
        """The model's design blocks and the rows to compare units in (embeddings if any, else TF-IDF).

        When fitting, this also fixes which of the two explanations use; a
        prediction without them gets no comparison rows (``explain`` refuses).
        """
        n = _count(texts, embeddings, tfidf)
        blocks: list[Matrix] = []
        if self.uses_tfidf:
            blocks.append(self._tfidf_rows(texts, tfidf, fit))
        emb = None
        if embeddings is not None or self.uses_embeddings:
            emb = self._embedding_rows(embeddings, n)
            if self.uses_embeddings:
                weight = float(self.params.get("embedding_weight", 1.0))
                blocks.append(emb if weight == 1.0 else emb * np.float32(weight))
        kind = "embeddings" if emb is not None else "tfidf"
        if fit:
            self._space_kind = kind
        elif kind != self._space_kind:
            return blocks, None
        return blocks, (emb if emb is not None else blocks[0])

    # -- explanations
    def explain(self, i: int, k: int = 3, code: Hashable | None = None) -> np.ndarray:
        """Indices into the training set of the ``k`` units coded ``code`` most similar to unit ``i``.

        ``i`` is a row of the last ``predict_proba`` call; ``code`` defaults to
        that unit's top-scoring code. Similarity is cosine on the embeddings
        (TF-IDF when the model had none); nearest first.
        """
        if self._last_proba is None or self._space is None or self._y is None:
            raise InvalidInput("call predict_proba before explain")
        if self._query is None:
            raise InvalidInput(
                f"explain needs the units' {self._space_kind}, as given to fit: pass them to predict_proba"
            )
        if not 0 <= i < self._last_proba.shape[0]:
            raise InvalidInput(f"unit {i} is not among the {self._last_proba.shape[0]} predicted units")
        j = int(self._last_proba[i].argmax()) if code is None else self._column(code)
        members = np.flatnonzero(self._y[:, j] > 0)
        if members.size == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64)
        q = self._query[i : i + 1]
        sims = np.asarray((self._space[members] @ q.T).todense() if sparse.issparse(q) else self._space[members] @ q.T)
        sims = sims.ravel()
        order = np.argsort(-sims, kind="stable")[:k]
        return members[order].astype(np.int64)

    def _column(self, code: Hashable) -> int:
        try:
            return self.codes.index(code)
        except ValueError:
            raise InvalidInput(f"unknown code {code!r}") from None

    def _remember(self, space: Matrix | None, proba: np.ndarray) -> np.ndarray:
        self._query, self._last_proba = space, proba
        return proba


def _count(texts: Sequence[str] | None, embeddings: np.ndarray | None, tfidf: Matrix | None) -> int:
    for x in (embeddings, tfidf):
        if x is not None:
            return int(x.shape[0])
    if texts is None:
        raise InvalidInput("no units: give texts, embeddings or tfidf rows")
    return len(texts)


class KNNSuggester(_Base):
    """k nearest coded units by cosine similarity, votes weighted by 1 / cosine distance.

    The score of a code is the weighted share of the neighbours carrying it.
    Uses the embeddings, or TF-IDF rows when ``features="tfidf"``.
    """

    name = "knn"

    def __init__(self, k: int = 10, features: str = "embeddings", min_distance: float = 1e-3) -> None:
        super().__init__()
        if features not in ("embeddings", "tfidf"):
            raise InvalidInput("features must be 'embeddings' or 'tfidf'")
        self.uses_embeddings = features == "embeddings"
        self.uses_tfidf = features == "tfidf"
        self.params = {"k": int(k), "features": features, "weights": "1/cosine distance", "min_distance": min_distance}

    def fit(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        labels: Any,
        *,
        codes: Sequence[Hashable] | None = None,
        tfidf: sparse.csr_matrix | None = None,
    ) -> KNNSuggester:
        """Store the coded units (nothing to optimise)."""
        lab = as_labels(labels, codes)
        blocks, space = self._blocks(texts, embeddings, tfidf, fit=True)
        if blocks[0].shape[0] != lab.y.shape[0]:
            raise InvalidInput("labels and units differ in number")
        self._train = blocks[0]
        self._space, self._y, self.codes, self.multilabel = space, lab.y, lab.codes, lab.multilabel
        return self

    def predict_proba(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        *,
        tfidf: sparse.csr_matrix | None = None,
    ) -> np.ndarray:
        """Weighted neighbour votes per code (rows sum to 1 for single-label)."""
        if self._y is None:
            raise InvalidInput("fit the model first")
        blocks, space = self._blocks(texts, embeddings, tfidf, fit=False)
        q = blocks[0]
        n_train = self._train.shape[0]
        k = min(int(self.params["k"]), n_train)
        out = np.zeros((q.shape[0], self._y.shape[1]))
        for start in range(0, q.shape[0], 1024):  # bounded memory: 1024 x n_train similarities at a time
            sims = q[start : start + 1024] @ self._train.T
            sims = sims.toarray() if sparse.issparse(sims) else np.asarray(sims)
            nn = (
                np.argpartition(-sims, k - 1, axis=1)[:, :k]
                if k < n_train
                else np.tile(np.arange(n_train), (sims.shape[0], 1))
            )
            s = np.take_along_axis(sims, nn, axis=1).astype(np.float64)
            w = 1.0 / np.maximum(1.0 - s, float(self.params["min_distance"]))
            votes = np.einsum("ij,ijk->ik", w, self._y[nn])
            out[start : start + sims.shape[0]] = votes / w.sum(axis=1, keepdims=True)
        return self._remember(space, np.clip(out, 0.0, 1.0))


class LogRegSuggester(_Base):
    """L2-regularised logistic regression on embeddings, TF-IDF, or both.

    Softmax over the codes (single-label) or one sigmoid per code (multi-label).
    ``class_weight="balanced"`` weighs units by n / (n_codes n_code) (single-label)
    or each code's positives and negatives by n / (2 n_pos), n / (2 n_neg)
    (multi-label). ``C="auto"`` and / or ``class_weight="auto"`` choose them from
    :data:`C_GRID` x :data:`CLASS_WEIGHTS` by 3-fold cross-validation on the coded
    units (Cohen's kappa of the predictions; ``default_C`` and no weighting when
    there are under 30 coded units). The search runs on the first fit only;
    later fits keep its choice (make a new model to search again).

    With ``warm_start``, a refit starts from the last weights (and L-BFGS
    curvature pairs) and stops after at most ``refit_max_iter`` iterations: an
    accept / reject moves the optimum very little, and each refit continues
    towards the current optimum, so nothing drifts (a new model fits fully).
    That needs the same feature columns, i.e. embeddings and / or TF-IDF rows
    passed as ``tfidf=`` from one :class:`TextFeatures` of the whole corpus
    (see :func:`corpus_features`); with texts alone each fit has its own
    vocabulary and fits from scratch.
    """

    def __init__(
        self,
        features: str = "embeddings",
        C: float | str = "auto",
        class_weight: str | None = "auto",
        *,
        default_C: float = 3.0,
        embedding_weight: float = 1.0,
        tfidf: Mapping[str, Any] | None = None,
        warm_start: bool = True,
        max_iter: int = 300,
        refit_max_iter: int = 5,
        tol: float = 1e-4,
    ) -> None:
        super().__init__()
        if features not in ("embeddings", "tfidf", "both"):
            raise InvalidInput("features must be 'embeddings', 'tfidf' or 'both'")
        if not (C == "auto" or (isinstance(C, (int, float)) and C > 0)):
            raise InvalidInput("C must be a positive number or 'auto'")
        if class_weight not in (None, "balanced", "auto"):
            raise InvalidInput("class_weight must be None, 'balanced' or 'auto'")
        self.uses_embeddings = features in ("embeddings", "both")
        self.uses_tfidf = features in ("tfidf", "both")
        self.name = {"embeddings": "lr-emb", "tfidf": "lr-tfidf", "both": "lr-both"}[features]
        self.params = {
            "features": features,
            "C": C,
            "default_C": float(default_C),
            "class_weight": class_weight,
            "embedding_weight": float(embedding_weight),
            "warm_start": warm_start,
            "max_iter": int(max_iter),
            "refit_max_iter": int(refit_max_iter),
            "tol": float(tol),
            "solver": "L-BFGS (thematica), softmax or per-code sigmoid, loss + ||W||^2/(2 C n)",
        }
        if self.uses_tfidf:
            self.params["tfidf"] = {**TFIDF_DEFAULTS, **(tfidf or {})}
        self.C_: float | None = None
        self.class_weight_: str | None = None
        self.n_iter_: int = 0
        self._theta: np.ndarray | None = None
        self._active_cols = np.zeros(0, dtype=np.int64)
        self._dims: tuple[int, ...] = ()
        self._fitted_codes: tuple[Hashable, ...] = ()
        self._history: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])

    # -- fitting
    def fit(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        labels: Any,
        *,
        codes: Sequence[Hashable] | None = None,
        tfidf: sparse.csr_matrix | None = None,
    ) -> LogRegSuggester:
        """Fit on the coded units (warm when possible); "auto" settings by internal CV on the first fit."""
        lab = as_labels(labels, codes)
        blocks, space = self._blocks(texts, embeddings, tfidf, fit=True)
        if blocks[0].shape[0] != lab.y.shape[0]:
            raise InvalidInput("labels and units differ in number")
        was_multilabel, self.multilabel = self.multilabel, lab.multilabel
        active = self._active(lab.y)
        dims = tuple(b.shape[1] for b in blocks)
        # a warm start needs the same feature columns: fixed TF-IDF rows (tfidf=) or none
        same_features = (not self.uses_tfidf or tfidf is not None) and dims == self._dims
        warm = bool(self.params["warm_start"]) and self._theta is not None and same_features
        warm = warm and lab.multilabel == was_multilabel and lab.codes == self._fitted_codes
        if self.C_ is None:
            self.C_, self.class_weight_ = self._choose(blocks, lab.y)
        init, cap = None, None
        if warm and self._theta is not None:
            if np.array_equal(active, self._active_cols):
                init, cap = self._theta, int(self.params["refit_max_iter"])
            else:  # a code gained its first example or lost its last: carry the others over, fit fully
                init = _remap(self._theta, dims, self._active_cols, active)
                self._history = ([], [])
        else:
            self._history = ([], [])
        self.codes, self._y, self._space = lab.codes, lab.y, space
        self._theta, self.n_iter_ = self._solve(
            blocks, lab.y, active, self.C_, self.class_weight_, init, cap, self._history
        )
        self._active_cols, self._dims, self._fitted_codes = active, dims, lab.codes
        return self

    def _active(self, y: np.ndarray) -> np.ndarray:
        """Columns that can be learned: with an example (single-label); with positives and negatives (multi)."""
        pos = y.sum(axis=0)
        if self.multilabel:
            return np.flatnonzero((pos > 0) & (pos < y.shape[0]))
        return np.flatnonzero(pos > 0)

    def _solve(
        self,
        blocks: list[Matrix],
        y: np.ndarray,
        active: np.ndarray,
        C: float,
        class_weight: str | None,
        init: np.ndarray | None,
        max_iter: int | None = None,
        history: tuple[list[np.ndarray], list[np.ndarray]] | None = None,
    ) -> tuple[np.ndarray, int]:
        ya = y[:, active]
        size = sum(b.shape[1] for b in blocks) * active.size + active.size
        if active.size == 0 or (not self.multilabel and active.size == 1):
            return np.zeros(size), 0
        prob = _Problem(
            blocks=blocks,
            blocks_t=[sparse.csr_matrix(b.T) if sparse.issparse(b) else b.T for b in blocks],
            y=ya,
            weight=_sample_weight(ya, class_weight, self.multilabel),
            multilabel=self.multilabel,
            C=C,
        )
        x0 = init
        if x0 is None or x0.size != size:
            x0 = np.zeros(size)
            if history is not None:
                history[0].clear()
                history[1].clear()
        return lbfgs(
            prob.loss_grad,
            x0,
            max_iter=max_iter or int(self.params["max_iter"]),
            gtol=float(self.params["tol"]),
            history=history,
        )

    def _choose(self, blocks: list[Matrix], y: np.ndarray) -> tuple[float, str | None]:
        """(C, class_weight): the fixed ones, the "auto" ones by 3-fold CV on the coded units (kappa)."""
        auto_c, auto_w = self.params["C"] == "auto", self.params["class_weight"] == "auto"
        c_grid = C_GRID if auto_c else (float(self.params["C"]),)
        w_grid = CLASS_WEIGHTS if auto_w else (self.params["class_weight"],)
        folds = _folds(y, self.multilabel, n_folds=3) if (auto_c or auto_w) else None
        if folds is None:
            return (float(self.params["default_C"]) if auto_c else c_grid[0]), (None if auto_w else w_grid[0])
        scores = np.zeros((len(w_grid), len(c_grid)))
        floor = default_min_codes(y) if self.multilabel else 0
        for test in folds:
            train = np.setdiff1d(np.arange(y.shape[0]), test)
            sub = [b[train] for b in blocks]
            held = [b[test] for b in blocks]
            act = self._active(y[train])
            for w_i, weighting in enumerate(w_grid):
                theta = None
                for c_i, C in enumerate(c_grid):  # ascending C, each warm-started from the last
                    theta, _ = self._solve(sub, y[train], act, C, weighting, theta, max_iter=150)
                    proba = self._proba_from(theta, held, act, y.shape[1])
                    scores[w_i, c_i] += _cv_kappa(y[test], proba, self.multilabel, floor)
        w_best, c_best = np.unravel_index(int(np.argmax(scores)), scores.shape)
        return float(c_grid[c_best]), w_grid[w_best]

    # -- prediction
    def _proba_from(self, theta: np.ndarray, blocks: list[Matrix], active: np.ndarray, n_codes: int) -> np.ndarray:
        n = blocks[0].shape[0]
        out = np.zeros((n, n_codes))
        if active.size == 0:
            return out
        if not self.multilabel and active.size == 1:
            out[:, active[0]] = 1.0
            return out
        ka = active.size
        ws, at = [], 0
        for b in blocks:
            ws.append(theta[at : at + b.shape[1] * ka].reshape(b.shape[1], ka))
            at += b.shape[1] * ka
        z = _logits(blocks, ws, theta[at : at + ka])
        if self.multilabel:
            out[:, active] = _sigmoid(z)
        else:
            z -= z.max(axis=1, keepdims=True)
            e = np.exp(z)
            out[:, active] = e / e.sum(axis=1, keepdims=True)
        return out

    def predict_proba(
        self,
        texts: Sequence[str] | None,
        embeddings: np.ndarray | None,
        *,
        tfidf: sparse.csr_matrix | None = None,
    ) -> np.ndarray:
        """Probabilities per code (softmax rows, or independent sigmoids when multi-label)."""
        if self._theta is None or self._y is None:
            raise InvalidInput("fit the model first")
        blocks, space = self._blocks(texts, embeddings, tfidf, fit=False)
        proba = self._proba_from(self._theta, blocks, self._active_cols, self._y.shape[1])
        if self.multilabel:  # codes every coded unit carries
            proba[:, self._y.all(axis=0)] = 1.0
        return self._remember(space, proba)


# ------------------------------------------------------------------------ registry

#: The methods compared by :mod:`thematica.assist.evaluate`: name -> factory(**params).
METHODS: Mapping[str, Callable[..., Suggester]] = {
    "knn": lambda **kw: KNNSuggester(**kw),
    "lr-emb": lambda **kw: LogRegSuggester("embeddings", **kw),
    "lr-tfidf": lambda **kw: LogRegSuggester("tfidf", **{"default_C": 10.0, **kw}),
    "lr-both": lambda **kw: LogRegSuggester("both", **kw),
}
#: Methods that need embeddings (the others run on texts alone).
NEEDS_EMBEDDINGS: frozenset[str] = frozenset({"knn", "lr-emb", "lr-both"})
#: The method thematica uses unless told otherwise.
DEFAULT_METHOD = "lr-both"


def make(method: str, **params: Any) -> Suggester:
    """A new, unfitted suggester of a registered ``method``."""
    try:
        factory = METHODS[method]
    except KeyError:
        raise InvalidInput(f"unknown method {method!r}; known: {', '.join(METHODS)}") from None
    return factory(**params)


__all__ = [
    "CLASS_WEIGHTS",
    "C_GRID",
    "DEFAULT_METHOD",
    "DEFINITION_CENTER",
    "DEFINITION_SCALE",
    "METHODS",
    "NEEDS_EMBEDDINGS",
    "TFIDF_DEFAULTS",
    "KNNSuggester",
    "Labels",
    "LogRegSuggester",
    "Suggester",
    "TextFeatures",
    "as_labels",
    "corpus_features",
    "decide",
    "default_min_codes",
    "definition_scores",
    "informativeness",
    "lbfgs",
    "make",
    "stratum",
]
