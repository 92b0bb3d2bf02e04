"""Candidate themes: codes grouped by what their coded extracts and definitions say.

Each code is a vector: the mean of its segments' embeddings, blended with
the embedding of its name and definition. Vectors are centred (the direction
every code of one study shares says nothing about how they differ), then
grouped by average-link agglomerative clustering on cosine distance, into
``n`` groups or into the number of groups (2 to 12) with the best silhouette;
each group is described by the words that set its extracts apart (TF-IDF
against the other groups). These are suggestions for phase 3, never applied
by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..errors import InvalidInput

#: The most groups tried when choosing their number by silhouette.
MAX_GROUPS = 12
#: How much a code's definition counts against its extracts (when it has both).
DEFINITION_WEIGHT = 0.3


@dataclass(frozen=True)
class CandidateTheme:
    """A suggested group: its codes (ids), the words that characterise it, and how close its codes are (0–1)."""

    codes: tuple[int, ...]
    keywords: tuple[str, ...]
    cohesion: float


def code_vectors(
    extracts: Sequence[np.ndarray | None], definitions: Sequence[np.ndarray | None]
) -> np.ndarray:
    """One unit vector per code from its extracts' mean embedding and its definition's embedding."""
    rows = []
    for ex, de in zip(extracts, definitions, strict=True):
        if ex is None and de is None:
            raise InvalidInput("a code needs coded extracts or a definition to be grouped")
        if ex is None:
            v = de
        elif de is None:
            v = ex
        else:
            v = (1 - DEFINITION_WEIGHT) * _unit(ex) + DEFINITION_WEIGHT * _unit(de)
        rows.append(_unit(np.asarray(v, dtype=np.float64)))
    return np.vstack(rows)


def group_codes(
    vectors: np.ndarray,
    documents: Sequence[str],
    *,
    n_groups: int | None = None,
) -> list[list[int]]:
    """Indices of codes per group (agglomerative, average link, cosine), biggest group first."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    n = len(vectors)
    if n != len(documents):
        raise InvalidInput("one document per code is needed")
    if n < 3:
        return [list(range(n))]
    if n_groups is not None and not 1 <= n_groups <= n:
        raise InvalidInput(f"the number of groups must be between 1 and {n}")
    centred = vectors - vectors.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)

    def cut(k: int) -> np.ndarray:
        labels: np.ndarray = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(centred)
        return labels

    if n_groups is not None:
        labels = cut(n_groups)
    else:
        tries = [(float(silhouette_score(centred, lab, metric="cosine")), k, lab)
                 for k in range(2, min(MAX_GROUPS, n - 1) + 1) for lab in [cut(k)]]
        labels = max(tries, key=lambda t: (t[0], -t[1]))[2]
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(int(label), []).append(i)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def describe(groups: Sequence[Sequence[int]], vectors: np.ndarray, documents: Sequence[str], keywords: int = 6) -> list[tuple[tuple[str, ...], float]]:
    """For each group: its most distinctive words (TF-IDF of its codes' extracts against the other groups) and cohesion."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [" ".join(documents[i] for i in g) for g in groups]
    out = []
    try:
        tfidf = TfidfVectorizer(stop_words=sorted(_STOP), sublinear_tf=True, max_df=0.9 if len(texts) > 2 else 1.0,
                                token_pattern=r"(?u)\b[^\W\d_][^\W\d_]{2,}\b")
        matrix = tfidf.fit_transform(texts)
        vocab = np.array(tfidf.get_feature_names_out())
    except ValueError:  # nothing but stop words
        matrix, vocab = None, np.array([])
    for k, g in enumerate(groups):
        words: tuple[str, ...] = ()
        if matrix is not None:
            row = matrix[k].toarray().ravel()
            top = [i for i in np.argsort(-row)[:keywords] if row[i] > 0]
            words = tuple(str(vocab[i]) for i in top)
        sims = vectors[list(g)] @ vectors[list(g)].T
        cohesion = 1.0 if len(g) == 1 else float((sims.sum() - len(g)) / (len(g) * (len(g) - 1)))
        out.append((words, round(max(0.0, cohesion), 3)))
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _stop_words() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    speech = ("yeah know like said say says think thought just really mean sort kind thing things lot bit "
              "um uh erm er mm oh okay ok right well actually basically got get getting going go went come came "
              "way time people want did does doing don didn isn wasn ll ve re maybe quite little want")
    return frozenset(ENGLISH_STOP_WORDS) | frozenset(speech.split())


_STOP = _stop_words()
