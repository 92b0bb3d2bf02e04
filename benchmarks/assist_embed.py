"""Time local embeddings (all-MiniLM-L6-v2 int8 on onnxruntime) on the NHS feedback comments.

Embeds every ``feedback`` text of the phase-1 fixture (10,334 comments) at
several batch sizes, best of ``--reps`` each, and prints JSON: texts/s, total
seconds, load time and peak RSS. The bar is 10,000 texts in under 30 s on a
2-core machine. Also measured: batching in input order (no global sort by
length) and, with ``--compare-128``, the effect of truncating at 128 tokens
(cosine to the 256-token vectors, on the texts longer than 128 tokens).

Wall time on a shared machine mostly measures the neighbours: compare the
``cpu_seconds`` (all threads), whose half estimates wall time on 2 idle cores.

Usage: python benchmarks/assist_embed.py [--csv PATH] [--batch-sizes 16,32,64,128] [--reps 2]
       [--budgets 512,1024,2048] [--unsorted] [--compare-spinning] [--compare-128]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import time
from pathlib import Path

import numpy as np

from thematica.assist.embedding import DEFAULT_BATCH_SIZE, MAX_BATCH_TOKENS, MiniLMEmbedder, load_embedder

FIXTURE = Path(__file__).resolve().parents[2] / "shared/fixtures/nhs-feedback-phase1/phase1_text_data.csv"


def read_texts(path: Path) -> list[str]:
    """The ``feedback`` column, missing values as empty texts."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [row.get("feedback") or "" for row in csv.DictReader(fh)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(run) -> float:  # type: ignore[no-untyped-def]
    """Wall seconds of ``run()``."""
    t0 = time.perf_counter()
    run()
    return time.perf_counter() - t0


def timed_cpu(run) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall and CPU seconds (all threads) of ``run()``: on a shared machine CPU/threads estimates idle wall time."""
    c0, t0 = time.process_time(), time.perf_counter()
    run()
    return time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", type=Path, default=FIXTURE)
    ap.add_argument("--batch-sizes", default="16,32,64,128")
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--budgets", default="", help="also time these MAX_BATCH_TOKENS values, e.g. 512,2048")
    ap.add_argument("--unsorted", action="store_true", help="also time batching in input order")
    ap.add_argument("--compare-spinning", action="store_true", help="also time allow_spinning=1 and 1 thread")
    ap.add_argument("--compare-128", action="store_true", help="quality and speed of max_tokens=128")
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)", flush=True)

    texts = read_texts(args.csv)
    n = len(texts)
    t0 = time.perf_counter()
    emb = load_embedder()
    load_s = time.perf_counter() - t0
    emb.embed(["warm up"] * 8)

    report: dict[str, object] = {
        "texts": n,
        "load_s": round(load_s, 3),
        "default_batch_size": DEFAULT_BATCH_SIZE,
        "max_batch_tokens": MAX_BATCH_TOKENS,
    }
    per_batch: dict[str, dict[str, float]] = {}
    for bs in (int(b) for b in args.batch_sizes.split(",")):
        secs, cpu = min(timed_cpu(lambda: emb.embed(texts, batch_size=bs)) for _ in range(args.reps))
        per_batch[str(bs)] = {"seconds": round(secs, 2), "texts_per_s": round(n / secs, 1), "cpu_seconds": round(cpu, 2)}
        print(f"batch {bs:>4}: {secs:6.2f} s  {n / secs:7.1f} texts/s  cpu {cpu:6.2f} s", flush=True)
    report["sorted_by_length"] = per_batch
    best_bs = min(per_batch, key=lambda k: per_batch[k]["seconds"])
    report["best_batch_size"] = int(best_bs)
    report["best_seconds"] = per_batch[best_bs]["seconds"]
    report["best_texts_per_s"] = per_batch[best_bs]["texts_per_s"]
    report["seconds_per_10000"] = round(per_batch[best_bs]["seconds"] * 10_000 / n, 2)
    report["cpu_seconds_per_10000"] = round(per_batch[best_bs]["cpu_seconds"] * 10_000 / n, 2)
    report["meets_bar_30s_per_10000"] = report["seconds_per_10000"] < 30  # type: ignore[operator]

    if args.budgets:
        from thematica.assist import embedding

        default_budget = embedding.MAX_BATCH_TOKENS
        budgets: dict[str, dict[str, float]] = {}
        for budget in (int(b) for b in args.budgets.split(",")):
            embedding.MAX_BATCH_TOKENS = budget
            secs, cpu = min(timed_cpu(lambda: emb.embed(texts, batch_size=int(best_bs))) for _ in range(args.reps))
            budgets[str(budget)] = {"seconds": round(secs, 2), "cpu_seconds": round(cpu, 2)}
        embedding.MAX_BATCH_TOKENS = default_budget
        report["max_batch_tokens_compared"] = budgets

    if args.unsorted:
        bs = int(best_bs)

        def in_order() -> None:
            for i in range(0, n, bs):  # each call sorts only within its own batch
                emb.embed(texts[i : i + bs], batch_size=bs)

        secs = min(timed(in_order) for _ in range(args.reps))
        report["unsorted_same_batch_size"] = {"seconds": round(secs, 2), "texts_per_s": round(n / secs, 1)}

    if args.compare_spinning:
        bs = int(best_bs)
        for label, kwargs in (("allow_spinning", {"allow_spinning": True}), ("one_thread", {"threads": 1})):
            other = MiniLMEmbedder(**kwargs)  # type: ignore[arg-type]
            secs = min(timed(lambda: other.embed(texts, batch_size=bs)) for _ in range(args.reps))
            report[label] = {"seconds": round(secs, 2), "texts_per_s": round(n / secs, 1)}

    if args.compare_128:
        short = MiniLMEmbedder(max_tokens=128)
        lengths = np.array(emb.token_lengths(texts))  # type: ignore[attr-defined]
        long_idx = np.flatnonzero(lengths > 128)
        v256 = emb.embed([texts[i] for i in long_idx])
        v128 = short.embed([texts[i] for i in long_idx])
        cos = (v256 * v128).sum(axis=1)
        secs = min(timed(lambda: short.embed(texts, batch_size=int(best_bs))) for _ in range(args.reps))
        report["max_tokens_128"] = {
            "texts_longer_than_128": int(long_idx.size),
            "cosine_to_256_min": round(float(cos.min()), 4) if cos.size else None,
            "cosine_to_256_mean": round(float(cos.mean()), 4) if cos.size else None,
            "seconds": round(secs, 2),
        }

    report["load_average_after"] = round(os.getloadavg()[0], 2)
    report["peak_rss_mb"] = round(peak_rss_mb(), 1)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
