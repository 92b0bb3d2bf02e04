"""Train the name-likeness model of ``thematica.deid.namelike`` (offline; numpy only).

Names (positive): ``deid/data/first_names.txt`` and ``surnames.txt``.
English words (negative): ``deid/data/common_words.txt`` plus the whole-word entries of the
assist tokenizer vocabulary (``assist/data/tokenizer.json``: WordPiece entries without ``##``,
letters only, three or more letters). Words on both sides ("hope", "brown") are ambiguous and
left out of both. Gazetteer place names (``uk_places.txt``) are left out of training and only
scored, as a separate check: an unknown place that looks like a name is still an identifier.

The vocabulary of an encyclopaedia-trained tokenizer holds proper nouns too ("hiroshi",
"karachi"); they are noise among the negatives. One round of cross-validated noise filtering
removes them: a vocabulary word that a model trained on the other folds calls a name with
probability above ``--noise`` is dropped from the negatives (the common-word list is never
filtered). The model is an L2-regularised logistic regression over character 2- to 4-grams with
boundary marks, trained by full-batch Adam; the classes are weighted equally (and first names
as much as surnames). Rare n-grams (fewer than ``--min-count`` training words) are not
features, and near-zero weights are pruned, to keep the data file small.

    .venv/bin/python benchmarks/train_namelike.py            # report, and write the data file
    .venv/bin/python benchmarks/train_namelike.py --dry-run  # report only

Prints a JSON report (held-out AUC and accuracy, filtered words, probe scores, file size).
The result is deterministic for a given set of lists and options.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from thematica.deid.matcher import normalise_token  # noqa: E402
from thematica.deid.namelike import DATA_FILE, N_MAX, N_MIN, ngrams  # noqa: E402

DATA = ROOT / "src" / "thematica" / "deid" / "data"
TOKENIZER = ROOT / "src" / "thematica" / "assist" / "data" / "tokenizer.json"
#: Words to show in the report: names of origins the lists cover thinly, medicines, words of the domain.
PROBES = ("tendayi kudzanai rufaro anesu nomvula tsitsi vytautas rasa audrius jolanta akihiro yoshiko "
          "kazuki ayumi tomoya gwilym iestyn bleddyn dilwyn llinos sertraline olanzapine quetiapine "
          "fluoxetine mindfulness trampoline spreadsheet toolkit wellbeing onboarding zumba pilates "
          "tupperware").split()


def _parts(word: str) -> list[str]:
    return [p for p in normalise_token(word).split("-") if p.isalpha() and len(p) >= 2]


def _read(name: str) -> set[str]:
    out: set[str] = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.update(_parts(line.strip()))
    return out


def load_sets() -> dict[str, set[str]]:
    """The word sets: first names, surnames, common words, vocabulary words, places."""
    first, sur = _read("first_names.txt"), _read("surnames.txt")
    common = _read("common_words.txt") | _read("world_terms.txt")
    vocab_all = json.loads(TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"]
    vocab = {w for w in vocab_all if not w.startswith("##") and re.fullmatch(r"[a-z]{3,}", w)}
    places = set()
    for line in (DATA / "uk_places.txt").read_text(encoding="utf-8").splitlines():
        for part in line.split():
            places.update(_parts(part))
    names = first | sur
    ambiguous = names & (common | vocab)
    places -= names | common
    return {
        "first": first - ambiguous, "sur": sur - first - ambiguous, "common": common - names,
        "vocab": vocab - names - common - places, "places": places - vocab, "ambiguous": ambiguous,
    }


class Features:
    """n-gram feature indices for a list of words (the vocabulary of n-grams is fixed at build)."""

    def __init__(self, words: list[str], min_count: int) -> None:
        counts: dict[str, int] = {}
        for w in words:
            for g in set(ngrams(w)):
                counts[g] = counts.get(g, 0) + 1
        self.names = sorted(g for g, c in counts.items() if c >= min_count)
        self.index = {g: i for i, g in enumerate(self.names)}

    def matrix(self, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cols) of the binary word-by-n-gram matrix."""
        rows: list[int] = []
        cols: list[int] = []
        for r, w in enumerate(words):
            for g in set(ngrams(w)):
                c = self.index.get(g)
                if c is not None:
                    rows.append(r)
                    cols.append(c)
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)


def train(words: list[str], y: np.ndarray, sw: np.ndarray, *, min_count: int, l2: float,
          steps: int = 600, lr: float = 0.05) -> tuple[Features, np.ndarray, float]:
    """Weighted L2 logistic regression by full-batch Adam; returns (features, weights, bias)."""
    feats = Features(words, min_count)
    rows, cols = feats.matrix(words)
    n, f = len(words), len(feats.names)
    sw = sw / sw.sum()
    w, b = np.zeros(f), 0.0
    m, v, mb, vb = np.zeros(f), np.zeros(f), 0.0, 0.0
    for t in range(1, steps + 1):
        z = b + np.bincount(rows, weights=w[cols], minlength=n)
        g = sw * (1.0 / (1.0 + np.exp(-z)) - y)
        gw = np.bincount(cols, weights=g[rows], minlength=f) + l2 * w
        gb = g.sum()
        m = 0.9 * m + 0.1 * gw
        v = 0.999 * v + 0.001 * gw * gw
        mb, vb = 0.9 * mb + 0.1 * gb, 0.999 * vb + 0.001 * gb * gb
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        b -= lr * (mb / (1 - 0.9**t)) / (np.sqrt(vb / (1 - 0.999**t)) + 1e-8)
    return feats, w, float(b)


def predict(model: tuple[Features, np.ndarray, float], words: list[str]) -> np.ndarray:
    feats, w, b = model
    rows, cols = feats.matrix(words)
    z = b + np.bincount(rows, weights=w[cols], minlength=len(words))
    return 1.0 / (1.0 + np.exp(-z))


def _pick(words: list[str], mask: np.ndarray) -> list[str]:
    return [w for w, m in zip(words, mask) if m]


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve (rank statistic, ties averaged)."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    s = scores[order]
    i = 0
    while i < len(s):  # average the ranks of ties
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        if j > i:
            ranks[order[i : j + 1]] = (i + j + 2) / 2
        i = j + 1
    pos = y == 1
    return float((ranks[pos].sum() - pos.sum() * (pos.sum() + 1) / 2) / (pos.sum() * (~pos).sum()))


def dataset(sets: dict[str, set[str]], vocab: set[str]) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """Words, labels, sample weights (each class half; first names as much as surnames) and groups."""
    groups = {"first": sorted(sets["first"]), "sur": sorted(sets["sur"]),
              "common": sorted(sets["common"]), "vocab": sorted(vocab)}
    mass = {"first": 0.25, "sur": 0.25}
    n_neg = len(groups["common"]) + len(groups["vocab"])
    words: list[str] = []
    y: list[float] = []
    sw: list[float] = []
    grp: list[str] = []
    for name, ws in groups.items():
        for word in ws:
            words.append(word)
            y.append(1.0 if name in mass else 0.0)
            sw.append(mass[name] / len(ws) if name in mass else 0.5 / n_neg)
            grp.append(name)
    return words, np.asarray(y), np.asarray(sw), grp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--l2", type=float, default=3e-5)
    ap.add_argument("--noise", type=float, default=0.9)
    ap.add_argument("--prune", type=float, default=0.15)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    sets = load_sets()
    report: dict[str, object] = {k: len(v) for k, v in sets.items()}

    # 1. a fixed held-out tenth of every group, never seen by training or noise filtering
    words, y, sw, grp = dataset(sets, sets["vocab"])
    test = rng.random(len(words)) < 0.1
    fold = rng.integers(0, 5, len(words))
    # 2. noise filtering of the vocabulary negatives by 5-fold cross-validation (training part only)
    oof = np.full(len(words), -1.0)
    for k in range(5):
        tr, ho = ~test & (fold != k), ~test & (fold == k)
        mdl = train(_pick(words, tr), y[tr], sw[tr], min_count=args.min_count, l2=args.l2)
        oof[ho] = predict(mdl, _pick(words, ho))
    noisy = [w for _, w in sorted((-p, w) for w, g, p in zip(words, grp, oof) if g == "vocab" and p > args.noise)]
    report["vocab_filtered"] = len(noisy)
    report["vocab_filtered_sample"] = noisy[:: max(1, len(noisy) // 40)][:40]
    dropped = set(noisy)
    clean = np.asarray([w not in dropped for w in words])
    tr = ~test & clean
    mdl = train(_pick(words, tr), y[tr], sw[tr], min_count=args.min_count, l2=args.l2)
    p = predict(mdl, _pick(words, test))
    yt, gt = y[test], np.asarray([g for g, t in zip(grp, test) if t])
    clean_t = gt != "vocab"
    report["heldout"] = {
        "auc_all": round(auc(p, yt), 4),
        "auc_names_vs_common_words": round(auc(p[clean_t], yt[clean_t]), 4),
        **{f"above_0.5_{g}": round(float((p[gt == g] > 0.5).mean()), 4) for g in ("first", "sur", "common", "vocab")},
    }
    words, y, sw = _pick(words, clean), y[clean], sw[clean]

    # 3. the final model, on everything; prune small weights
    feats, w, b = train(words, y, sw, min_count=args.min_count, l2=args.l2)
    keep = np.abs(w) >= args.prune
    weights = {g: round(float(x), 2) for g, x, k in zip(feats.names, w, keep) if k}
    pruned = (feats, np.where(keep, np.round(w, 2), 0.0), round(b, 3))
    fw = predict((feats, w, b), words)
    fp = predict(pruned, words)
    report["features"] = {"ngrams": len(feats.names), "kept": len(weights),
                          "max_change_from_pruning": round(float(np.abs(fw - fp).max()), 3),
                          "agreement_at_0.5": round(float(((fw > 0.5) == (fp > 0.5)).mean()), 4)}
    places = sorted(sets["places"])
    pp = predict(pruned, places)
    report["places_above_0.5"] = round(float((pp > 0.5).mean()), 3)
    report["probes"] = {x: round(float(s), 3) for x, s in zip(PROBES, predict(pruned, list(PROBES)))}
    payload = {
        "meta": {"model": "logistic regression on character n-grams with ^ $ boundary marks",
                 "n": [N_MIN, N_MAX], "min_count": args.min_count, "l2": args.l2, "noise": args.noise,
                 "prune": args.prune, "trained_by": "benchmarks/train_namelike.py",
                 "heldout": report["heldout"]},
        "bias": round(b, 3), "weights": dict(sorted(weights.items())),
    }
    blob = gzip.compress(json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode(), 9, mtime=0)
    report["file_bytes"] = len(blob)
    if not args.dry_run:
        (DATA / DATA_FILE).write_bytes(blob)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
