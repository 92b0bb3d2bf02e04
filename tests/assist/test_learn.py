"""thematica.assist.learn on small synthetic data where the right code is learnable (no embedding model)."""

from __future__ import annotations

import numpy as np
import pytest

from thematica.assist import available
from thematica.assist import learn as L
from thematica.errors import InvalidInput

WORDS = {
    "food": ["meal", "lunch", "tasty", "dinner", "menu", "cold food"],
    "staff": ["nurse", "doctor", "kind", "rude", "helpful staff", "friendly"],
    "parking": ["car park", "parking", "ticket", "space", "drive", "expensive parking"],
}
CODES = list(WORDS)
FILLER = ["the", "was", "very", "and", "it", "today", "ward", "really"]


def synthetic(n: int, seed: int = 0, dim: int = 16) -> tuple[list[str], np.ndarray, list[str]]:
    """Texts with code-specific words, embeddings = the code's centroid + noise (unit rows), and codes."""
    rng = np.random.default_rng(seed)
    centroids = np.random.default_rng(99).normal(size=(len(CODES), dim))
    labels = [CODES[i % len(CODES)] for i in range(n)]
    texts, emb = [], []
    for code in labels:
        words = list(rng.choice(WORDS[code], size=2)) + list(rng.choice(FILLER, size=3))
        rng.shuffle(words)
        texts.append(" ".join(words))
        emb.append(centroids[CODES.index(code)] + rng.normal(scale=0.6, size=dim))
    e = np.asarray(emb)
    return texts, (e / np.linalg.norm(e, axis=1, keepdims=True)).astype(np.float32), labels


def multilabel(n: int, seed: int = 0, dim: int = 16) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Each unit carries each code independently (p = 0.35), possibly none: words and embedding add up."""
    rng = np.random.default_rng(seed)
    centroids = np.random.default_rng(98).normal(size=(len(CODES), dim))
    y = (rng.random((n, len(CODES))) < 0.35).astype(float)
    texts, emb = [], []
    for row in y:
        words = list(rng.choice(FILLER, size=3))
        vec = rng.normal(scale=0.3, size=dim)
        for j in np.flatnonzero(row):
            words += list(rng.choice(WORDS[CODES[j]], size=2))
            vec += centroids[j]
        rng.shuffle(words)
        texts.append(" ".join(words))
        emb.append(vec)
    e = np.asarray(emb)
    return texts, (e / np.linalg.norm(e, axis=1, keepdims=True)).astype(np.float32), y


@pytest.fixture(scope="module")
def single() -> tuple[list[str], np.ndarray, list[str]]:
    return synthetic(240)


@pytest.mark.parametrize("method", list(L.METHODS))
def test_every_method_learns_single_label(method: str, single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    model = L.make(method).fit(texts[:120], emb[:120], labels[:120])
    proba = model.predict_proba(texts[120:], emb[120:])
    assert proba.shape == (120, 3)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert model.codes == tuple(sorted(CODES))
    predicted = np.asarray(model.codes)[proba.argmax(axis=1)]
    assert (predicted == np.asarray(labels[120:])).mean() >= 0.9
    assert model.params and isinstance(model, L.Suggester)


@pytest.mark.parametrize("method", list(L.METHODS))
def test_every_method_learns_multi_label(method: str) -> None:
    texts, emb, y = multilabel(300)
    model = L.make(method).fit(texts[:200], emb[:200], y[:200], codes=CODES)
    assert model.multilabel and model.codes == tuple(CODES)
    proba = model.predict_proba(texts[200:], emb[200:])
    assert proba.shape == (100, 3) and ((proba >= 0) & (proba <= 1)).all()
    pred = L.decide(proba, multilabel=True)
    assert (pred == y[200:]).mean() >= 0.85
    assert (pred.sum(axis=1) == 0).any()  # units without any code stay uncoded


def test_codes_without_examples_score_zero(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    codebook = [*CODES, "unused"]
    for method in L.METHODS:
        model = L.make(method).fit(texts[:60], emb[:60], labels[:60], codes=codebook)
        proba = model.predict_proba(texts[60:80], emb[60:80])
        assert proba.shape == (20, 4)
        assert np.all(proba[:, 3] == 0)


def test_matches_scikit_learn_logistic_regression(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    from sklearn.linear_model import LogisticRegression

    _, emb, labels = single
    ours = L.make("lr-emb", C=2.0, tol=1e-8, max_iter=2000).fit(None, emb, labels)
    ref = LogisticRegression(C=2.0, tol=1e-10, max_iter=5000).fit(emb.astype(np.float64), labels)
    assert list(ref.classes_) == list(ours.codes)
    np.testing.assert_allclose(ours.predict_proba(None, emb), ref.predict_proba(emb), atol=2e-3)


def test_balanced_weights_and_sigmoid_match_scikit_learn() -> None:
    from sklearn.linear_model import LogisticRegression

    _, emb, y = multilabel(150, seed=3)
    ours = L.make("lr-emb", C=1.0, class_weight="balanced", tol=1e-8, max_iter=2000).fit(None, emb, y)
    proba = ours.predict_proba(None, emb)
    for j in range(y.shape[1]):
        ref = LogisticRegression(C=1.0, class_weight="balanced", tol=1e-10, max_iter=5000)
        ref.fit(emb.astype(np.float64), y[:, j])
        np.testing.assert_allclose(proba[:, j], ref.predict_proba(emb)[:, 1], atol=2e-3)


def test_explain_returns_training_examples_of_the_predicted_code(
    single: tuple[list[str], np.ndarray, list[str]],
) -> None:
    texts, emb, labels = single
    for method in L.METHODS:
        model = L.make(method).fit(texts[:120], emb[:120], labels[:120])
        proba = model.predict_proba(texts[120:130], emb[120:130])
        for i in range(10):
            top = model.codes[int(proba[i].argmax())]
            idx = model.explain(i, k=4)
            assert idx.size == 4 and len(set(idx.tolist())) == 4
            assert all(labels[j] == top for j in idx)
            sims = emb[idx] @ emb[120 + i]  # nearest first, in embedding space
            assert np.all(np.diff(sims) <= 1e-6)
            best = max((j for j in range(120) if labels[j] == top), key=lambda j: float(emb[j] @ emb[120 + i]))
            assert idx[0] == best
        other = next(c for c in model.codes if c != model.codes[int(proba[0].argmax())])
        assert all(labels[j] == other for j in model.explain(0, k=3, code=other))


def test_explain_without_embeddings_uses_tfidf(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, _, labels = single
    model = L.make("lr-tfidf").fit(texts[:120], None, labels[:120])
    proba = model.predict_proba(texts[120:125], None)
    idx = model.explain(2, k=2)
    assert all(labels[j] == model.codes[int(proba[2].argmax())] for j in idx)


def test_explain_needs_a_prediction_first(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    model = L.make("knn").fit(texts[:30], emb[:30], labels[:30])
    with pytest.raises(InvalidInput):
        model.explain(0)
    model.predict_proba(texts[30:32], emb[30:32])
    with pytest.raises(InvalidInput):
        model.explain(5)
    with pytest.raises(InvalidInput):
        model.explain(0, code="nope")
    # fitted with embeddings (explanations compare those), predicted without: no explanation
    text_model = L.make("lr-tfidf", C=3.0).fit(texts[:60], emb[:60], labels[:60])
    text_model.predict_proba(texts[60:62], None)
    with pytest.raises(InvalidInput):
        text_model.explain(0)
    text_model.predict_proba(texts[60:62], emb[60:62])
    assert text_model.explain(0, k=1).size == 1


def test_warm_refit_after_one_change_agrees_with_a_cold_fit(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    features = L.TextFeatures().fit(texts)
    rows = features.transform(texts)
    model = L.LogRegSuggester("both", C=3.0).fit(None, emb[:200], labels[:200], tfidf=rows[:200])
    changed = list(labels[:201])
    changed[0] = next(c for c in CODES if c != changed[0])  # a rejection recoded, and one unit accepted
    model.fit(None, emb[:201], changed, tfidf=rows[:201])
    assert model.n_iter_ <= model.params["refit_max_iter"]
    cold = L.make("lr-both", C=3.0, warm_start=False).fit(None, emb[:201], changed, tfidf=rows[:201])
    a = model.predict_proba(None, emb[201:], tfidf=rows[201:])
    b = cold.predict_proba(None, emb[201:], tfidf=rows[201:])
    assert (a.argmax(axis=1) == b.argmax(axis=1)).mean() >= 0.97
    assert np.abs(a - b).max() < 0.1


def test_warm_refit_when_a_code_gets_its_first_example(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    rows = L.TextFeatures().fit_transform(texts)
    first = np.array([i for i in range(150) if labels[i] != "parking"])  # no parking yet
    second = np.arange(170)  # then parking examples arrive
    model = L.make("lr-both", C=3.0)
    model.fit(None, emb[first], [labels[i] for i in first], codes=CODES, tfidf=rows[first])
    assert np.all(model.predict_proba(None, emb[170:], tfidf=rows[170:])[:, 2] == 0)
    model.fit(None, emb[second], labels[:170], codes=CODES, tfidf=rows[second])
    cold = L.make("lr-both", C=3.0).fit(None, emb[second], labels[:170], codes=CODES, tfidf=rows[second])
    a = model.predict_proba(None, emb[170:], tfidf=rows[170:])
    b = cold.predict_proba(None, emb[170:], tfidf=rows[170:])
    assert (a.argmax(axis=1) == b.argmax(axis=1)).mean() >= 0.97
    assert (np.asarray(CODES)[a.argmax(axis=1)] == np.asarray(labels[170:])).mean() >= 0.9


def test_precomputed_tfidf_must_be_given_again(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, _, labels = single
    rows = L.TextFeatures().fit_transform(texts)
    model = L.make("lr-tfidf", C=5.0).fit(None, None, labels[:100], tfidf=rows[:100])
    assert model.predict_proba(None, None, tfidf=rows[100:]).shape == (140, 3)
    with pytest.raises(InvalidInput):
        model.predict_proba(texts[100:], None)


def test_auto_C_uses_the_grid(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    model = L.LogRegSuggester("embeddings").fit(texts, emb, labels)
    assert model.params["C"] == "auto" and model.C_ in L.C_GRID
    assert model.class_weight_ in L.CLASS_WEIGHTS
    tiny = L.LogRegSuggester("embeddings").fit(texts[:12], emb[:12], labels[:12])  # too few units for CV
    assert tiny.C_ == tiny.params["default_C"]


def test_informativeness_orders_by_uncertainty() -> None:
    proba = np.array([[0.9, 0.05, 0.05], [0.5, 0.4, 0.1], [0.34, 0.33, 0.33], [1.0, 0.0, 0.0]])
    for kind in ("margin", "entropy"):
        info = L.informativeness(proba, kind=kind)
        assert list(np.argsort(-info)) == [2, 1, 0, 3]
        assert ((info >= 0) & (info <= 1 + 1e-12)).all()
    assert L.informativeness(proba)[3] == 0.0
    np.testing.assert_allclose(L.informativeness(proba)[1], 0.9)
    multi = np.array([[0.95, 0.02], [0.6, 0.1], [0.5, 0.99], [0.0, 1.0]])
    for kind in ("margin", "entropy"):
        info = L.informativeness(multi, multilabel=True, kind=kind)
        assert list(np.argsort(-info, kind="stable")) == [2, 1, 0, 3]
    np.testing.assert_allclose(L.informativeness(multi, multilabel=True), [0.1, 0.8, 1.0, 0.0])
    with pytest.raises(InvalidInput):
        L.informativeness(proba, kind="random")


def test_decide() -> None:
    proba = np.array([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]])
    np.testing.assert_array_equal(L.decide(proba, multilabel=False), [[0, 1, 0], [0, 0, 1]])
    np.testing.assert_array_equal(L.decide(proba, multilabel=True), [[0, 1, 0], [0, 0, 0]])
    np.testing.assert_array_equal(L.decide(proba, multilabel=True, min_codes=1), [[0, 1, 0], [0, 0, 1]])
    np.testing.assert_array_equal(L.decide(proba, multilabel=True, threshold=0.25), [[0, 1, 0], [1, 1, 1]])


def test_definition_scores() -> None:
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(3, 8))
    units = codes[[0, 2, 1, 1]] + rng.normal(scale=0.1, size=(4, 8))
    scores = L.definition_scores(units, codes)
    assert scores.shape == (4, 3) and ((scores > 0) & (scores < 1)).all()
    assert list(scores.argmax(axis=1)) == [0, 2, 1, 1]
    # monotone in cosine similarity, centred on DEFINITION_CENTER
    a = np.array([[1.0, 0.0]])
    sims = [0.1, 0.45, 0.8]
    c = np.array([[s, np.sqrt(1 - s * s)] for s in sims])
    row = L.definition_scores(a, c)[0]
    assert row[0] < row[1] < row[2]
    c[1] = [L.DEFINITION_CENTER, np.sqrt(1 - L.DEFINITION_CENTER**2)]
    assert abs(L.definition_scores(a, c)[0, 1] - 0.5) < 1e-3
    with pytest.raises(InvalidInput):
        L.definition_scores(np.ones((2, 3)), np.ones((2, 4)))


def test_lbfgs_minimises_a_quadratic() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(20, 20))
    h = a @ a.T + np.eye(20)
    b = rng.normal(size=20)
    x, it = L.lbfgs(lambda x: (0.5 * x @ h @ x - b @ x, h @ x - b), np.zeros(20), gtol=1e-10, max_iter=1000)
    np.testing.assert_allclose(x, np.linalg.solve(h, b), atol=1e-6)
    assert it > 0


def test_labels_and_inputs_are_checked(single: tuple[list[str], np.ndarray, list[str]]) -> None:
    texts, emb, labels = single
    with pytest.raises(InvalidInput):
        L.as_labels(["a", "b"], codes=["a"])
    with pytest.raises(InvalidInput):
        L.as_labels(np.array([[0, 2]]))
    with pytest.raises(InvalidInput):
        L.as_labels(np.zeros((2, 2)), codes=["a"])
    with pytest.raises(InvalidInput):
        L.make("svm")
    with pytest.raises(InvalidInput):
        L.make("lr-emb").fit(texts[:10], None, labels[:10])
    with pytest.raises(InvalidInput):
        L.make("lr-tfidf").fit(None, emb[:10], labels[:10])
    with pytest.raises(InvalidInput):
        L.make("knn").fit(texts[:10], emb[:10], labels[:9])
    lab = L.as_labels(["b", "a", "b"])
    assert lab.codes == ("a", "b") and list(lab.index) == [1, 0, 1] and not lab.multilabel


@pytest.mark.skipif(not available(), reason="the embedding model is not installed")
def test_with_the_real_embedder_quick() -> None:
    from thematica.assist.embedding import load_embedder

    coded = [
        ("The food was cold and tasteless.", "food"),
        ("Lunch arrived late and the meal was awful.", "food"),
        ("The nurses were kind and patient.", "staff"),
        ("A doctor explained everything with care.", "staff"),
        ("Parking cost a fortune and there were no spaces.", "parking"),
        ("I could not find a space in the car park.", "parking"),
    ]
    new = ["Dinner was delicious.", "The staff on the ward were lovely.", "The car park is far too expensive."]
    embedder = load_embedder()
    emb = embedder.embed([t for t, _ in coded] + new)
    model = L.make("knn", k=2).fit(None, emb[:6], [c for _, c in coded])
    proba = model.predict_proba(None, emb[6:])
    assert [model.codes[j] for j in proba.argmax(axis=1)] == ["food", "staff", "parking"]
