"""thematica.assist.evaluate: splits, agreement and F1 against references, no leakage, learnable data."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any, ClassVar

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score, f1_score

from thematica.assist import evaluate as E
from thematica.assist import learn as L
from thematica.errors import InvalidInput

from .test_learn import CODES, multilabel, synthetic

# ----------------------------------------------------------------------- agreement


def test_kappa_and_ac1_worked_example() -> None:
    # 2 x 2 table: gold rows, predicted columns [[40, 10], [5, 45]], n = 100
    gold = np.array([0] * 50 + [1] * 50)
    pred = np.array([0] * 40 + [1] * 10 + [0] * 5 + [1] * 45)
    kappa, ac1 = E.agreement_nominal(gold, pred, 2)
    # p_o = 0.85; kappa: p_e = 0.5 * 0.45 + 0.5 * 0.55 = 0.5 -> (0.85 - 0.5) / 0.5
    assert kappa == pytest.approx(0.7, abs=1e-12)
    # AC1: pi = (0.475, 0.525), p_e = 2 * 0.475 * 0.525 = 0.49875
    assert ac1 == pytest.approx((0.85 - 0.49875) / (1 - 0.49875), abs=1e-12)
    assert E.agreement_binary(gold, pred) == pytest.approx((kappa, ac1))


def test_ac1_counts_every_category_of_the_codebook() -> None:
    gold = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 1, 1, 1, 2, 0])
    _, ac1_3 = E.agreement_nominal(gold, pred, 3)
    _, ac1_5 = E.agreement_nominal(gold, pred, 5)
    pa = 4 / 6
    pi = (np.bincount(gold, minlength=5) + np.bincount(pred, minlength=5)) / 12
    for q, value in ((3, ac1_3), (5, ac1_5)):
        pe = float((pi[:q] * (1 - pi[:q])).sum()) / (q - 1)
        assert value == pytest.approx((pa - pe) / (1 - pe), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_kappa_agrees_with_scikit_learn(seed: int) -> None:
    rng = np.random.default_rng(seed)
    gold = rng.integers(0, 6, size=300)
    pred = np.where(rng.random(300) < 0.6, gold, rng.integers(0, 6, size=300))
    kappa, _ = E.agreement_nominal(gold, pred, 6)
    assert kappa == pytest.approx(cohen_kappa_score(gold, pred), abs=1e-12)
    assert E.agreement_binary(gold == 1, pred == 1)[0] == pytest.approx(cohen_kappa_score(gold == 1, pred == 1))


def test_f1_agrees_with_scikit_learn() -> None:
    rng = np.random.default_rng(4)
    gold = (rng.random((80, 5)) < 0.3).astype(int)
    pred = np.where(rng.random((80, 5)) < 0.7, gold, 1 - gold)
    gold[:, 4] = 0
    pred[:, 4] = 0  # a code neither used: left out of macro F1
    per, micro, macro = E.f1_scores(gold, pred)
    assert np.isnan(per[4])
    assert micro == pytest.approx(f1_score(gold, pred, average="micro"))
    assert macro == pytest.approx(f1_score(gold[:, :4], pred[:, :4], average="macro"))
    np.testing.assert_allclose(per[:4], f1_score(gold, pred, average=None, zero_division=0)[:4])
    # single-label: micro F1 is accuracy; macro over the codes present
    g = rng.integers(0, 4, 100)
    p = np.where(rng.random(100) < 0.6, g, rng.integers(0, 4, 100))
    _, micro1, macro1 = E.f1_scores(np.eye(6)[g], np.eye(6)[p])
    assert micro1 == pytest.approx((g == p).mean())
    assert macro1 == pytest.approx(f1_score(g, p, average="macro"))


# -------------------------------------------------------------------------- splits


def test_coded_split_is_a_stratified_partition() -> None:
    labels = L.as_labels(["a"] * 50 + ["b"] * 30 + ["c"] * 15 + ["d"] * 5)
    for share in E.SHARES:
        coded, held = E.coded_split(labels, share, seed=7)
        assert coded.size == round(share * 100)
        assert np.intersect1d(coded, held).size == 0
        np.testing.assert_array_equal(np.union1d(coded, held), np.arange(100))
        counts = labels.y[coded].sum(axis=0)
        sizes = labels.y.sum(axis=0)
        assert np.all(counts >= np.floor(share * sizes)) and np.all(counts <= np.floor(share * sizes) + 1)
    a, _ = E.coded_split(labels, 0.2, seed=1)
    b, _ = E.coded_split(labels, 0.2, seed=1)
    c, _ = E.coded_split(labels, 0.2, seed=2)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    with pytest.raises(InvalidInput):
        E.coded_split(labels, 1.0, seed=1)


def test_coded_split_multilabel_keeps_uncoded_units_in_proportion() -> None:
    _, _, y = multilabel(200, seed=2)
    labels = L.as_labels(y)
    coded, held = E.coded_split(labels, 0.5, seed=3)
    none = ~y.any(axis=1)
    assert abs(none[coded].sum() - none.sum() / 2) <= 1
    assert coded.size + held.size == 200


# ---------------------------------------------------------------------- evaluation


class Spy:
    """A suggester that records what it was fitted on and asked about (by text)."""

    log: ClassVar[list[tuple[str, list[str]]]] = []

    def __init__(self) -> None:
        self.name = "spy"
        self.params: dict[str, Any] = {"spy": True}
        self.codes: tuple[Hashable, ...] = ()
        self.multilabel = False

    def fit(self, texts: Any, embeddings: Any, labels: Any, *, codes: Any = None, tfidf: Any = None) -> Spy:
        self.codes = tuple(codes)
        Spy.log.append(("fit", list(texts)))
        assert embeddings is not None and len(embeddings) == len(texts)
        return self

    def predict_proba(self, texts: Any, embeddings: Any, *, tfidf: Any = None) -> np.ndarray:
        Spy.log.append(("predict", list(texts)))
        return np.full((len(texts), len(self.codes)), 1.0 / len(self.codes))

    def explain(self, i: int, k: int = 3, code: Any = None) -> np.ndarray:
        return np.zeros(0, dtype=np.int64)


def test_evaluation_never_leaks_held_out_units() -> None:
    n = 90
    texts = [f"unit {i}" for i in range(n)]
    labels = [CODES[i % 3] for i in range(n)]
    emb = np.random.default_rng(0).normal(size=(n, 4))
    Spy.log = []
    ev = E.evaluate(texts, labels, embeddings=emb, methods={"spy": Spy}, shares=(0.1, 0.5), seeds=(1, 2))
    assert len(ev.runs) == 4 and len(Spy.log) == 8
    for run, (fit, pred) in zip(ev.runs, zip(Spy.log[::2], Spy.log[1::2])):
        assert fit[0] == "fit" and pred[0] == "predict"
        fitted = {int(t.split()[1]) for t in fit[1]}
        predicted = [int(t.split()[1]) for t in pred[1]]
        assert predicted == list(run.held_out)  # exactly the held-out units, in order
        assert fitted.isdisjoint(predicted) and len(fitted) + len(predicted) == n
        assert len(fitted) == run.n_coded == round(run.share * n)
        assert run.n_held_out == len(predicted)


def test_evaluation_on_learnable_single_label_data() -> None:
    texts, emb, labels = synthetic(300, seed=5)
    ev = E.evaluate(texts, labels, embeddings=emb, shares=(0.1, 0.5), seeds=(1,))
    assert {r.method for r in ev.runs} == set(L.METHODS) and not ev.multilabel
    for run in ev.runs:
        assert run.kappa > 0.8 and run.ac1 > 0.8 and run.micro_f1 > 0.85 and run.macro_f1 > 0.85
        assert run.fit_s >= 0 and run.predict_s >= 0 and run.params
        assert {c.code for c in run.per_code} == set(CODES)
        assert sum(c.support for c in run.per_code) == run.n_held_out
    summary = ev.summary()
    assert len(summary) == 2 * len(L.METHODS)
    assert {"kappa", "ac1", "micro_f1", "macro_f1", "fit_s", "predict_s", "kappa_sd", "seeds"} <= set(summary.columns)
    json.dumps(ev.to_dict())  # JSON-ready


def test_evaluation_on_learnable_multi_label_data_without_embeddings() -> None:
    texts, _, y = multilabel(240, seed=6)
    ev = E.evaluate(texts, y, codes=CODES, shares=(0.5,), seeds=(1, 2))
    assert ev.multilabel and {r.method for r in ev.runs} == {"lr-tfidf"}
    for run in ev.runs:
        assert run.kappa > 0.7 and run.micro_f1 > 0.7
        assert [c.code for c in run.per_code] == CODES
    assert ev.summary()["seeds"].tolist() == [2]


def test_score_multilabel_is_pooled_over_cells() -> None:
    gold = L.Labels(np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0], [1.0, 1.0]]), ("a", "b"), True)
    proba = np.array([[0.9, 0.1], [0.2, 0.4], [0.1, 0.2], [0.7, 0.8]])
    s = E.score(gold, proba)
    pred = (proba >= 0.5).astype(int)
    assert s["kappa"] == pytest.approx(cohen_kappa_score(gold.y.ravel(), pred.ravel()))
    assert s["micro_f1"] == pytest.approx(f1_score(gold.y, pred, average="micro"))
    assert [c.predicted for c in s["per_code"]] == [2, 1]
    per_code = [cohen_kappa_score(gold.y[:, j], pred[:, j]) for j in range(2)]
    assert s["kappa_per_code"] == pytest.approx(np.mean(per_code))
    assert [c.kappa for c in s["per_code"]] == pytest.approx(per_code)


def test_evaluation_inputs_are_checked() -> None:
    texts, emb, labels = synthetic(30)
    with pytest.raises(InvalidInput):
        E.evaluate(texts[:10], labels)
    with pytest.raises(InvalidInput):
        E.evaluate(texts, labels, methods=["knn"])  # needs embeddings
    with pytest.raises(InvalidInput):
        E.evaluate(texts, labels, embeddings=emb, methods=["nope"])
