"""Time de-identification on the shared 200-transcript corpus and print JSON.

Measured on a fresh project: importing the corpus (not part of the figure),
``deid_scan`` over every source (the bar: under 60 s), the review queue and
its grouping, accepting every candidate in bulk, and ``deid_apply`` with the
originals purged (rewrite, segments carried over, search re-indexed, file
vacuumed).

Usage: python benchmarks/deid_scan.py [--n 200] [--m 50] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

import thematica
from run import add_corpus_options, corpus_files  # type: ignore[import-not-found]

FIRST = ("Sarah", "Priya", "Tomasz", "Aoife", "Kwame", "Jackie", "Mohammed", "Siobhán", "Dev", "Grace")
LAST = ("Jones", "Patel", "Nowak", "O'Connor", "Mensah", "Hughes", "Rahman", "Smith-Lowe")
PLACES = ("Rowan Ward", "St Mary's Hospital", "Kelsham", "Ashby Lane", "Northfield Recovery College")
SENTENCES = (
    "I talked it through with {first} {last} on {place} in March 2021.",
    "{first} said I was 34 then, and {first}'s idea was to ring 07700 900123.",
    "Back then {first} worked at {place}, near NG7 2UH.",
    "My co-trainer {first} and I met at {place} on 12/03/2022.",
)


def plant_identifiers(files: list[Path], out: Path, seed: int = 1) -> list[Path]:
    """Copies of the transcripts with an identifier-bearing sentence after every fourth participant turn."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    planted = []
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if line.startswith("P") and i % 4 == 2:
                lines[i] = line + " " + rng.choice(SENTENCES).format(
                    first=rng.choice(FIRST), last=rng.choice(LAST), place=rng.choice(PLACES))
        target = out / path.name
        target.write_text("\n".join(lines), encoding="utf-8")
        planted.append(target)
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_corpus_options(parser)
    parser.add_argument("--apply", action="store_true", help="Also accept everything and apply (purging originals).")
    args = parser.parse_args()
    files = corpus_files(args)
    result: dict[str, object] = {"sources": len(files)}
    with tempfile.TemporaryDirectory() as tmp:
        files = plant_identifiers(files, Path(tmp) / "planted")
        project = thematica.init_project(Path(tmp) / "bench")
        project.import_files(files)
        words = sum(len(project.source_text(s.name).split()) for s in project.sources())
        t0 = time.perf_counter()
        scan = project.deid_scan()
        result["scan_seconds"] = round(time.perf_counter() - t0, 2)
        result["words"] = words
        result["words_per_second"] = round(words / float(result["scan_seconds"]))  # type: ignore[arg-type]
        result["candidates"] = scan.new
        result["by_category"] = scan.by_category
        t0 = time.perf_counter()
        queue = project.deid_queue(limit=200)
        result["queue_200_ms"] = round(1000 * (time.perf_counter() - t0), 1)
        t0 = time.perf_counter()
        groups = project.deid_groups()
        result["groups"] = len(groups)
        result["groups_ms"] = round(1000 * (time.perf_counter() - t0), 1)
        result["queue_entries"] = len(queue)
        if args.apply:
            t0 = time.perf_counter()
            project.deid_decide([c.id for c in project.deid_candidates()], "accept")
            result["accept_all_seconds"] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            applied = project.deid_apply()
            result["apply_seconds"] = round(time.perf_counter() - t0, 2)
            result["replacements"] = applied.replacements
        project.close()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
