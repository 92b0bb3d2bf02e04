"""Features and labels for code suggestions: TF-IDF of the units' texts, label matrices."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import numpy as np
from scipy import sparse

from thematica.errors import InvalidInput

Matrix: TypeAlias = "np.ndarray | sparse.csr_matrix"

#: Settings of the TF-IDF features (word 1-2-grams, sublinear tf, unit rows).
TFIDF_DEFAULTS: Mapping[str, Any] = {
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "min_df": 1,
    "max_df": 1.0,
    "lowercase": True,
    "strip_accents": "unicode",
}

# ------------------------------------------------------------------------ features


class TextFeatures:
    """TF-IDF of word 1-2-grams (sublinear tf, L2-normalised rows).

    Fit it once on all the units' texts (no labels are used) and pass the rows
    as ``tfidf=`` to a suggester's ``fit`` / ``predict_proba``, so a refit does
    not re-tokenise anything; or let the suggester fit its own on the coded texts.
    """

    def __init__(self, **params: Any) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.params: dict[str, Any] = {**TFIDF_DEFAULTS, **params}
        self._vectorizer = TfidfVectorizer(dtype=np.float32, **self.params)

    def fit(self, texts: Sequence[str]) -> TextFeatures:
        """Learn the vocabulary and IDF from ``texts``."""
        self._vectorizer.fit(_texts(texts))
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF rows of ``texts`` (CSR, float32, unit or zero rows)."""
        return self._vectorizer.transform(_texts(texts)).tocsr()

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """``fit(texts)`` then ``transform(texts)``."""
        return self._vectorizer.fit_transform(_texts(texts)).tocsr()

    @property
    def n_features(self) -> int:
        """The vocabulary size."""
        return len(self._vectorizer.vocabulary_)


def corpus_features(texts: Sequence[str], **params: Any) -> tuple[TextFeatures, sparse.csr_matrix]:
    """TextFeatures fitted on every unit of a corpus (no labels used) and the units' rows.

    ``min_df=2`` by default: an n-gram found in one unit of the whole corpus
    cannot link that unit to any other, so dropping it loses nothing for
    suggestions within the corpus and makes every fit faster.
    """
    features = TextFeatures(**{"min_df": 2, **params})
    return features, features.fit_transform(texts)


def _texts(texts: Sequence[str] | None) -> list[str]:
    if texts is None:
        raise InvalidInput("this method needs the units' texts")
    return ["" if t is None else str(t) for t in texts]


def _unit_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm (zero rows stay zero), float32; unit rows are returned as they are."""
    x = np.asarray(x, dtype=np.float32)
    norm = np.sqrt(np.einsum("ij,ij->i", x, x))[:, None]
    if np.allclose(norm, 1.0, atol=1e-4):
        return x
    return np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)


# -------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Labels:
    """Labels as a 0/1 matrix ``y`` (n_units, n_codes) over ``codes``, and their shape."""

    y: np.ndarray
    codes: tuple[Hashable, ...]
    multilabel: bool

    @property
    def index(self) -> np.ndarray:
        """Single-label: the column of each unit's code."""
        return self.y.argmax(axis=1)


def as_labels(labels: Any, codes: Sequence[Hashable] | None = None) -> Labels:
    """Normalise single-label (1-D codes) or multi-label (2-D 0/1) labels to :class:`Labels`.

    For 1-D labels ``codes`` defaults to the sorted distinct codes and must
    contain every label; for 2-D labels it names the columns (default 0..m-1).
    """
    arr = np.asarray(labels, dtype=object if not hasattr(labels, "dtype") else None)
    if arr.ndim == 2:
        y = np.asarray(labels, dtype=np.float64)
        if not np.isin(y, (0.0, 1.0)).all():
            raise InvalidInput("multi-label labels must be a 0/1 matrix")
        names = tuple(codes) if codes is not None else tuple(range(y.shape[1]))
        if len(names) != y.shape[1]:
            raise InvalidInput(f"{len(names)} codes for {y.shape[1]} label columns")
        return Labels(y, names, True)
    if arr.ndim != 1:
        raise InvalidInput("labels must be 1-D (one code per unit) or 2-D (units x codes, 0/1)")
    values = arr.tolist()
    names = tuple(codes) if codes is not None else tuple(sorted(set(values), key=str))
    position = {c: j for j, c in enumerate(names)}
    unknown = {v for v in values if v not in position}
    if unknown:
        raise InvalidInput(f"labels not among the codes: {sorted(map(str, unknown))[:5]}")
    y = np.zeros((len(values), len(names)))
    y[np.arange(len(values)), [position[v] for v in values]] = 1.0
    return Labels(y, names, False)
