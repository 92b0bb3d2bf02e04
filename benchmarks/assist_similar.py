"""Similar-passage queries on the shared 200-transcript corpus, once embeddings are cached; prints JSON.

Imports the corpus into a fresh project, embeds every passage (timed: the
one-off cost, cached in the project), then times ``Project.similar`` for
typed queries, a selection, a segment, with filters, in a fresh process
state (first query, which loads the cached vectors) and warm (median of the
rest). The bar: under 200 ms per query once embeddings are cached.

Usage: python benchmarks/assist_similar.py [--n 200] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import tempfile
import time
from pathlib import Path

import thematica
from run import add_corpus_options, corpus_files  # type: ignore[import-not-found]

QUERIES = ("letting go of control in the room", "waiting times for an appointment", "hope and recovery",
           "feeling judged by staff", "what peer trainers taught me")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_corpus_options(parser)
    parser.add_argument("--keep", type=Path, default=None,
                        help="Keep the embedded project in this folder and reuse it on the next run.")
    args = parser.parse_args()
    files = corpus_files(args)
    out: dict[str, object] = {"sources": len(files)}
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        existing = folder / "bench.thematica"
        if existing.exists():
            project = thematica.open_project(existing)
        else:
            project = thematica.init_project(existing)
            project.import_files(files)
        out["passages"] = len(project.assist_units("passage"))
        t0 = time.perf_counter()
        project.embed_units("passage")
        out["embed_seconds"] = round(time.perf_counter() - t0, 1)
        out["passages_per_second"] = round(int(out["passages"]) / float(out["embed_seconds"]), 1)  # type: ignore[call-overload]
        path = project.path
        project.close()
        project = thematica.open_project(path)  # a new session: vectors come from the project file
        t0 = time.perf_counter()
        project.similar(QUERIES[0], limit=20)
        out["first_query_ms"] = round(1000 * (time.perf_counter() - t0), 1)
        timings = []
        for q in QUERIES * 3:
            t0 = time.perf_counter()
            project.similar(q, limit=20)
            timings.append(1000 * (time.perf_counter() - t0))
        out["query_ms_median"] = round(statistics.median(timings), 1)
        out["query_ms_max"] = round(max(timings), 1)
        src = project.sources()[0]
        t0 = time.perf_counter()
        project.similar(source=src.name, start=100, end=400, limit=20)
        out["selection_ms"] = round(1000 * (time.perf_counter() - t0), 1)
        t0 = time.perf_counter()
        project.similar(QUERIES[1], limit=20, exclude_coded=True)
        out["exclude_coded_ms"] = round(1000 * (time.perf_counter() - t0), 1)
        out["file_mb"] = round(path.stat().st_size / 2**20, 1)
        project.close()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
