"""Benchmark thematica on the shared corpus and print JSON.

The corpus comes from ../shared/bench/make_corpus.py (deterministic: N
transcripts of 6-9 k words, a 40-code codebook, M coded segments each). The
runner measures, on a fresh project each repetition:

* import: every transcript (.txt) through ``Project.import_files``
  (one transaction per file, turns detected, full-text indexed);
* code_one_by_one: every segment through ``Project.code`` (one transaction
  and one audit event each);
* code_bulk: every segment again through ``Project.code_many`` (one transaction);
* extracts_one_code: all segments of the most-used code with context
  (``Project.extracts``), median over the codes;
* search: ``Project.search`` for several words and a phrase, median;
* peak RSS of the process, and the project file's size.

With ``--taguette results.json`` (from ../shared/bench/taguette) it adds the
ratios Taguette time / thematica time for the matching measurements.

Usage: python benchmarks/run.py --n 200 --m 50 [--reps 3] [--taguette PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import thematica
from thematica import SegmentSpec

HERE = Path(__file__).resolve().parent
MAKE_CORPUS = HERE.parent.parent / "shared" / "bench" / "make_corpus.py"
SEARCHES = ("recovery", "waiting times", '"peer trainers"', "supervis*", "hope OR optimism")


def make_corpus(n: int, m: int, seed: int, out: Path) -> Path:
    """Generate (or reuse) the shared benchmark corpus."""
    if (out / "manifest.json").exists():
        return out
    if not MAKE_CORPUS.exists():
        sys.exit(f"cannot find {MAKE_CORPUS}; pass --corpus DIR")
    subprocess.run(
        [sys.executable, str(MAKE_CORPUS), "--n", str(n), "--m", str(m), "--seed", str(seed), "--out", str(out)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out


def add_corpus_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose the shared corpus: --n, --m, --seed, --corpus."""
    parser.add_argument("--n", type=int, default=200, help="transcripts")
    parser.add_argument("--m", type=int, default=50, help="coded segments per transcript")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--corpus", type=Path, default=None, help="an existing corpus folder")


def corpus_files(args: argparse.Namespace) -> list[Path]:
    """The corpus's transcripts (.txt), generating the corpus first if needed."""
    corpus = args.corpus or Path(tempfile.gettempdir()) / f"thematica-corpus_n{args.n}_m{args.m}_s{args.seed}"
    make_corpus(args.n, args.m, args.seed, corpus)
    return sorted((corpus / "docs").glob("*.txt"))[: args.n]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run_once(corpus: Path, workdir: Path) -> dict[str, Any]:
    """One full measurement on a fresh project."""
    files = sorted((corpus / "docs").glob("*.txt"))
    codebook = json.loads((corpus / "codebook.json").read_text())
    segments = json.loads((corpus / "segments.json").read_text())
    project = thematica.init_project(workdir / "bench", name="benchmark", actor="bench")
    result: dict[str, Any] = {"documents": len(files)}

    result["import_s"], _ = timed(lambda: project.import_files(files))
    words = sum(len(project.source_text(s.name).split()) for s in project.sources())
    result["words"] = words
    result["turns"] = sum(s.turn_count for s in project.sources())

    def add_codes() -> None:  # "THEME/code" names become a parent code and its child
        for entry in codebook:
            parent, _, name = entry["name"].rpartition("/")
            if parent and parent not in {c.name for c in project.codes()}:
                project.create_code(parent, origin="deductive")
            project.create_code(name, parent=parent or None, definition=entry.get("description", ""))

    result["codebook_s"], _ = timed(add_codes)
    specs = [
        SegmentSpec(doc, seg["start"], seg["end"], seg["code"], "coder-a")
        for doc, items in sorted(segments.items())
        for seg in items
    ]
    result["segments"] = len(specs)

    def one_by_one() -> None:
        for spec in specs:
            project.code(spec.source, spec.start, spec.end, spec.code, coder=spec.coder)

    result["code_one_by_one_s"], _ = timed(one_by_one)
    result["code_one_by_one_ms_each"] = 1000 * result["code_one_by_one_s"] / len(specs)
    bulk = second_coder(specs, sorted({s.code for s in specs}))
    result["code_bulk_s"], _ = timed(lambda: project.code_many(bulk))
    result["second_coder_segments"] = len(bulk)

    counts = Counter(spec.code for spec in specs)
    top_code, top_n = counts.most_common(1)[0]
    # "segments of one code": one coder's layer (what Taguette lists), and both layers
    layer = [timed(lambda c=c: project.extracts(c, coder="coder-a"))[0] for c in list(counts)[:10]]
    top, extracts = min((timed(lambda: project.extracts(top_code, coder="coder-a")) for _ in range(5)), key=lambda r: r[0])
    assert len(extracts) == top_n, (len(extracts), top_n)
    result["extracts_one_code_ms"] = 1000 * statistics.median(layer)
    result["extracts_top_code_ms"] = 1000 * top
    result["extracts_top_code_n"] = top_n
    both, _ = timed(lambda: project.extracts(top_code))
    result["extracts_top_code_both_coders_ms"] = 1000 * both

    search_times = {}
    for query in SEARCHES:
        project.search(query)  # warm
        search_times[query] = 1000 * statistics.median(timed(lambda q=query: project.search(q))[0] for _ in range(5))
    result["search_ms"] = search_times
    result["search_median_ms"] = statistics.median(search_times.values())
    result["search_participants_only_ms"] = 1000 * timed(lambda: project.search("recovery", participants_only=True))[0]

    result.update(agreement_measures(project))
    result["undo_last_ms"] = 1000 * timed(project.undo)[0]  # reverts the second coder's bulk coding
    result["status_ms"] = 1000 * timed(project.summary)[0]
    result.update(themes_and_report(project, codebook, workdir))
    result["word_frequencies_s"] = timed(lambda: project.word_frequencies(limit=50))[0]
    project.close()
    result["project_file_mb"] = (workdir / "bench.thematica").stat().st_size / 1e6
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def second_coder(specs: list[SegmentSpec], codes: list[str]) -> list[SegmentSpec]:
    """A plausible second coder (deterministic): 70% the same, 10% other boundaries, 10% another code, 10% left out."""
    rng = random.Random(7)
    result = []
    for spec in specs:
        roll = rng.random()
        if roll < 0.7:
            result.append(SegmentSpec(spec.source, spec.start, spec.end, spec.code, "coder-b"))
        elif roll < 0.8:
            cut = max(1, (spec.end - spec.start) // 3)
            result.append(SegmentSpec(spec.source, spec.start + cut, spec.end, spec.code, "coder-b"))
        elif roll < 0.9:
            result.append(SegmentSpec(spec.source, spec.start, spec.end, rng.choice(codes), "coder-b"))
    return result


def agreement_measures(project: thematica.Project) -> dict[str, Any]:
    """Issue 4's measurements: agreement over every sentence (about 100,000 units), and the review queue."""
    result: dict[str, Any] = {}
    for ci in (False, True):
        seconds, comparison = timed(lambda ci=ci: project.compare(
            ["coder-a", "coder-b"], unit="sentence", participants_only=False, ci=ci))
        result["agree_sentences_ci_s" if ci else "agree_sentences_s"] = seconds
    result["agree_units"] = comparison.units
    result["agree_codes"] = len(comparison.per_code)
    result["agree_pooled_kappa"] = comparison.pooled.agreement.cohen
    result["agree_turns_s"], _ = timed(lambda: project.compare(["coder-a", "coder-b"], unit="turn"))
    result["disagreement_queue_s"], queue = timed(lambda: project.disagreements(["coder-a", "coder-b"]))
    result["disagreements"] = len(queue)
    return result


def themes_and_report(project: thematica.Project, codebook: list[dict[str, str]], workdir: Path) -> dict[str, Any]:
    """Issue 3's measurements: 8 themes over the codebook, queries on them, the full DOCX report."""
    groups: dict[str, list[str]] = {}
    for entry in codebook:
        parent, _, _ = entry["name"].rpartition("/")
        groups.setdefault(parent, []).append(entry["name"])
    result: dict[str, Any] = {}

    def make_themes() -> None:
        for name, codes in list(groups.items())[:8]:
            project.create_theme(f"Theme {name.title()}", codes=codes, definition=f"About {name.lower()}")

    result["create_8_themes_s"], _ = timed(make_themes)
    first = project.themes()[0].name
    result["matrix_themes_by_participant_first_ms"] = 1000 * timed(lambda: project.matrix("themes", "participants"))[0]
    result["matrix_themes_by_participant_ms"] = 1000 * statistics.median(
        timed(lambda: project.matrix("themes", "participants"))[0] for _ in range(5)
    )
    result["matrix_codes_by_participant_ms"] = 1000 * statistics.median(
        timed(lambda: project.matrix("codes", "participants", how="participants"))[0] for _ in range(3)
    )
    result["theme_review_ms"] = 1000 * statistics.median(timed(lambda: project.theme_review(first))[0] for _ in range(5))
    result["cooccurrence_overlap_ms"] = 1000 * timed(lambda: project.cooccurrence("overlap"))[0]
    result["saturation_ms"] = 1000 * timed(project.saturation)[0]
    result["report_docx_s"], _ = timed(lambda: project.write_report(workdir / "report", formats=("docx",)))
    result["report_all_formats_s"], _ = timed(lambda: project.write_report(workdir / "report2"))
    return result


def taguette_ratios(path: Path, n: int, ours: dict[str, Any]) -> dict[str, Any]:
    """Taguette's medians for the same corpus size, and how many times faster thematica is."""
    data = json.loads(path.read_text())
    runs = [r for r in data.get("runs", []) if r.get("n_docs") == n]
    if not runs:
        return {"error": f"no Taguette runs for N={n} in {path}"}

    def median(key: str) -> float | None:
        values = [v for v in (_dig(r, key) for r in runs) if isinstance(v, (int, float))]
        return statistics.median(values) if values else None

    list_s = median("phases.list_tag.api_all_pages_median_s")
    tg = {
        "runs": len(runs),
        "import_s": median("phases.import.total_s"),
        "code_one_by_one_s": median("phases.highlights.total_s"),
        "list_one_code_ms": list_s * 1000 if list_s else None,
        "peak_rss_mb": median("peak_rss_mb"),
    }
    ratios = {}
    for ours_key, tg_key in (("import_s", "import_s"), ("code_one_by_one_s", "code_one_by_one_s"),
                             ("extracts_top_code_ms", "list_one_code_ms")):
        if tg.get(tg_key) and ours.get(ours_key):
            ratios[ours_key] = round(tg[tg_key] / ours[ours_key], 1)
    return {"taguette": tg, "times_faster_than_taguette": ratios}


def _dig(record: dict[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="transcripts")
    parser.add_argument("--m", type=int, default=50, help="segments per transcript")
    parser.add_argument("--seed", type=int, default=20240611)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--corpus", type=Path, help="an existing corpus folder (default: generate one)")
    parser.add_argument("--taguette", type=Path, help="Taguette harness results.json to compare with")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="thematica-bench-") as tmp:
        corpus = args.corpus or make_corpus(args.n, args.m, args.seed, Path(tmp) / f"corpus_n{args.n}")
        runs = []
        for rep in range(args.reps):
            work = Path(tmp) / f"run{rep}"
            work.mkdir()
            runs.append(run_once(corpus, work))
    medians = {
        key: statistics.median(r[key] for r in runs)
        for key, value in runs[0].items()
        if isinstance(value, (int, float))
    }
    report: dict[str, Any] = {
        "tool": f"thematica {thematica.__version__}",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "n": args.n,
        "m": args.m,
        "reps": args.reps,
        "median": medians,
        "runs": runs,
    }
    if args.taguette:
        report["comparison"] = taguette_ratios(args.taguette, args.n, medians)
    text = json.dumps(report, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
