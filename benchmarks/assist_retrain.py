"""How long a code-suggestion model takes to retrain after one accept / reject (target: < 1 s at 10,000 units).

On the NHS comments (10,302 units; see assist_eval.py), for each method and
each number of coded units (20 % and 100 % of the corpus by default):

1. the first fit (for ``C="auto"`` this includes the 3-fold C search);
2. ``--events`` accept / reject events, one at a time: with uncoded units
   left, one more unit is coded (an accepted or corrected suggestion); with
   everything coded, one unit is recoded (a rejected suggestion). After each,
   the model is refitted (warm start) and every unit of the corpus re-scored;
3. the agreement of the warm model's top codes with a cold fit on the final
   labels (a warm refit stops early, so it should agree closely, not exactly).

TF-IDF rows are computed once for the whole corpus (``TextFeatures``, no labels
used), as the application does. Times are medians and maxima in seconds.

Usage: python benchmarks/assist_retrain.py [--cache /tmp/assist_cache] [--methods lr-both,lr-emb] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assist_eval import embeddings_for, load_nhs  # noqa: E402

from thematica.assist.learn import METHODS, TextFeatures, make  # noqa: E402


def run(
    method: str, emb: np.ndarray, rows: Any, labels: list[str], n_coded: int, events: int, seed: int
) -> dict[str, Any]:
    """Times of the first fit, of each refit after one event, and of re-scoring the corpus."""
    rng = np.random.default_rng(seed)
    n = len(labels)
    order = rng.permutation(n)
    coded = list(order[:n_coded])
    current = {int(i): labels[i] for i in coded}
    codes = sorted(set(labels))
    model = make(method)

    def fit() -> float:
        idx = np.fromiter(current, dtype=np.int64)
        t0 = time.perf_counter()
        model.fit(None, emb[idx], [current[i] for i in idx], codes=codes, tfidf=rows[idx])
        return time.perf_counter() - t0

    first = fit()
    refits, rescore, iters = [], [], []
    spare = list(order[n_coded:])
    for e in range(events):
        if spare:
            i = int(spare.pop())
            current[i] = labels[i]
        else:
            i = int(coded[e])
            current[i] = codes[(codes.index(current[i]) + 1) % len(codes)]
        refits.append(fit())
        iters.append(int(getattr(model, "n_iter_", 0)))
        t0 = time.perf_counter()
        proba = model.predict_proba(None, emb, tfidf=rows)
        rescore.append(time.perf_counter() - t0)
    cold = make(method, **({"C": model.C_} if getattr(model, "C_", None) else {}))
    idx = np.fromiter(current, dtype=np.int64)
    cold.fit(None, emb[idx], [current[i] for i in idx], codes=codes, tfidf=rows[idx])
    same = float((cold.predict_proba(None, emb, tfidf=rows).argmax(axis=1) == proba.argmax(axis=1)).mean())
    return {
        "method": method,
        "n_coded": n_coded,
        "first_fit_s": round(first, 3),
        "refit_median_s": round(statistics.median(refits), 3),
        "refit_max_s": round(max(refits), 3),
        "refit_iterations_median": statistics.median(iters),
        "rescore_median_s": round(statistics.median(rescore), 3),
        "agreement_with_cold_fit": round(same, 4),
        "C": getattr(model, "C_", None),
        "params": {k: v for k, v in model.params.items() if k != "tfidf"},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--coded", default="20,100", help="coded shares of the corpus, in %%")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cache", type=Path, default=None, help="folder to cache embeddings in (default: none)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    data = load_nhs()
    emb, model_info = embeddings_for(data, args.cache)
    t0 = time.perf_counter()
    features = TextFeatures()
    rows = features.fit_transform(data.texts)
    tfidf_s = time.perf_counter() - t0
    results = []
    for share in [float(s) / 100 for s in args.coded.split(",")]:
        n_coded = min(len(data.texts), int(round(share * len(data.texts))))
        for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
            res = run(method, emb, rows, list(data.labels), n_coded, args.events, args.seed)
            results.append(res)
            print(f"  {method} {n_coded}: refit {res['refit_median_s']} s", file=sys.stderr)
    print(f"## Retraining after one accept / reject: NHS, {len(data.texts)} units, {args.events} events\n")
    print(f"TF-IDF of the corpus, once: {tfidf_s:.2f} s ({features.n_features} features)\n")
    print("| method | coded | first fit s | refit median s | refit max s | iterations | re-score all s | = cold fit |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['method']} | {r['n_coded']} | {r['first_fit_s']:.2f} | {r['refit_median_s']:.3f} "
            f"| {r['refit_max_s']:.3f} | {r['refit_iterations_median']:.0f} | {r['rescore_median_s']:.3f} "
            f"| {r['agreement_with_cold_fit']:.1%} |"
        )
    if args.json is not None:
        out = {"machine": platform.platform(), "embedding_model": model_info, "tfidf_s": tfidf_s, "results": results}
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
