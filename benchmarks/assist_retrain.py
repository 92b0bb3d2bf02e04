"""How long a code-suggestion model takes to retrain after one accept / reject (target: < 1 s at 10,000 units).

On the NHS comments (10,302 units; see assist_eval.py), for each method and
each number of coded units (20 % and 100 % of the corpus by default):

1. the first fit (for ``C="auto"`` this includes the 3-fold C search);
2. ``--events`` accept / reject events, one at a time: with uncoded units
   left, one more unit is coded (an accepted or corrected suggestion); with
   everything coded, one unit is recoded (a rejected suggestion). After each,
   the model is refitted (warm start) and every unit of the corpus re-scored;
   we record how the probability of the unit's new code moved (before the
   refit -> after), which shows that a refit takes the decision in;
3. the agreement of the warm model's top codes with a cold fit on the final
   labels (a warm refit stops early, so it should agree closely, not exactly).

TF-IDF rows are computed once for the whole corpus (``corpus_features``, no
labels used), as the application does. C and the class weighting are fixed
(``--C``, ``--class-weight``): the search of ``C="auto"`` runs on a first fit
only and is timed by assist_eval.py. Times are medians and maxima in seconds:
wall clock, and CPU (user + system, all threads) which does not grow when
other processes compete for the cores; on an idle machine the wall time is at
most the CPU time.

Usage: python benchmarks/assist_retrain.py [--cache /tmp/assist_cache] [--methods lr-both,lr-emb] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assist_eval import embeddings_for, load_nhs

from thematica.assist.learn import METHODS, corpus_features, make


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def run(
    method: str,
    emb: np.ndarray,
    rows: Any,
    labels: list[str],
    n_coded: int,
    events: int,
    seed: int,
    settings: dict[str, Any],
) -> dict[str, Any]:
    """Times of the first fit, of each refit after one event, and of re-scoring the corpus."""
    rng = np.random.default_rng(seed)
    n = len(labels)
    order = rng.permutation(n)
    coded = list(order[:n_coded])
    current = {int(i): labels[i] for i in coded}
    codes = sorted(set(labels))
    settings = settings if method.startswith("lr-") else {}
    model = make(method, **settings)
    cpu: list[float] = []

    def fit() -> float:
        idx = np.fromiter(current, dtype=np.int64)
        t0, c0 = time.perf_counter(), _cpu()
        model.fit(None, emb[idx], [current[i] for i in idx], codes=codes, tfidf=rows[idx])
        cpu.append(_cpu() - c0)
        return time.perf_counter() - t0

    first = fit()
    cpu.clear()
    refits, rescore, iters = [], [], []
    before, after = [], []
    spare = list(order[n_coded:])
    proba = model.predict_proba(None, emb, tfidf=rows)
    for e in range(events):
        if spare:
            i = int(spare.pop())
            current[i] = labels[i]
        else:
            i = int(coded[e])
            current[i] = codes[(codes.index(current[i]) + 1) % len(codes)]
        before.append(float(proba[i, codes.index(current[i])]))
        refits.append(fit())
        iters.append(int(getattr(model, "n_iter_", 0)))
        t0 = time.perf_counter()
        proba = model.predict_proba(None, emb, tfidf=rows)
        rescore.append(time.perf_counter() - t0)
        after.append(float(proba[i, codes.index(current[i])]))
    cold = make(method, **settings)
    idx = np.fromiter(current, dtype=np.int64)
    cold.fit(None, emb[idx], [current[i] for i in idx], codes=codes, tfidf=rows[idx])
    same = float((cold.predict_proba(None, emb, tfidf=rows).argmax(axis=1) == proba.argmax(axis=1)).mean())
    return {
        "method": method,
        "n_coded": n_coded,
        "first_fit_s": round(first, 3),
        "refit_median_s": round(statistics.median(refits), 3),
        "refit_max_s": round(max(refits), 3),
        "refit_cpu_median_s": round(statistics.median(cpu), 3),
        "refit_cpu_max_s": round(max(cpu), 3),
        "refit_iterations_median": statistics.median(iters),
        "rescore_median_s": round(statistics.median(rescore), 3),
        "agreement_with_cold_fit": round(same, 4),
        "p_new_code_before_mean": round(statistics.mean(before), 4),
        "p_new_code_after_mean": round(statistics.mean(after), 4),
        "params": {k: v for k, v in model.params.items() if k != "tfidf"},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--coded", default="20,100", help="coded shares of the corpus, in %%")
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--C", type=float, default=10.0, help="C of the lr-* methods")
    parser.add_argument("--class-weight", default="balanced", choices=["balanced", "none"])
    parser.add_argument("--cache", type=Path, default=None, help="folder to cache embeddings in (default: none)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)

    data = load_nhs()
    emb, model_info = embeddings_for(data, args.cache)
    t0 = time.perf_counter()
    features, rows = corpus_features(data.texts)
    tfidf_s = time.perf_counter() - t0
    settings = {"C": args.C, "class_weight": None if args.class_weight == "none" else args.class_weight}
    results = []
    for share in [float(s) / 100 for s in args.coded.split(",")]:
        n_coded = min(len(data.texts), round(share * len(data.texts)))
        for method in [m.strip() for m in args.methods.split(",") if m.strip()]:
            res = run(method, emb, rows, list(data.labels), n_coded, args.events, args.seed, settings)
            results.append(res)
            print(f"  {method} {n_coded}: refit {res['refit_median_s']} s", file=sys.stderr)
    load = os.getloadavg()[0]
    print(f"## Retraining after one accept / reject: NHS, {len(data.texts)} units, {args.events} events\n")
    print(f"TF-IDF of the corpus, once: {tfidf_s:.2f} s ({features.n_features} features); lr-* with {settings}")
    print(f"load average at the end: {load:.1f} on {os.cpu_count()} CPUs\n")
    print(
        "| method | coded | first fit s | refit median s (CPU) | refit max s (CPU) | iterations "
        "| re-score all s | top code = cold fit | p(new code) before -> after |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        print(
            f"| {r['method']} | {r['n_coded']} | {r['first_fit_s']:.2f} "
            f"| {r['refit_median_s']:.3f} ({r['refit_cpu_median_s']:.3f}) | {r['refit_max_s']:.3f} ({r['refit_cpu_max_s']:.3f}) "
            f"| {r['refit_iterations_median']:.0f} | {r['rescore_median_s']:.3f} | {r['agreement_with_cold_fit']:.1%} "
            f"| {r['p_new_code_before_mean']:.3f} -> {r['p_new_code_after_mean']:.3f} |"
        )
    if args.json is not None:
        out = {
            "machine": platform.platform(),
            "load_average": load,
            "embedding_model": model_info,
            "tfidf_s": tfidf_s,
            "settings": settings,
            "results": results,
        }
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
