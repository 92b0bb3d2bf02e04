"""Recall and precision of identifier detection on the held-out annotated passages.

    .venv/bin/python benchmarks/deid_eval.py [--file tests/fixtures/deid/heldout.jsonl]

A gold span counts as found when detected candidates cover every letter and
digit of it (a redaction that leaves part of a name is a miss). A candidate
counts as correct when it overlaps a gold span. Also used by
tests/deid/test_heldout.py.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from thematica.deid import detect

HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "deid" / "heldout.jsonl"


@dataclass
class Scores:
    """Found / annotated per category, and correct / flagged over all candidates."""

    found: Counter[str] = field(default_factory=Counter)
    annotated: Counter[str] = field(default_factory=Counter)
    correct: int = 0
    flagged: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0

    def recall(self, category: str | None = None) -> float:
        if category is None:
            return sum(self.found.values()) / max(1, sum(self.annotated.values()))
        return self.found[category] / max(1, self.annotated[category])

    @property
    def precision(self) -> float:
        return self.correct / max(1, self.flagged)


def evaluate(path: Path = HELDOUT) -> Scores:
    """Run detection (no register, no lists: the detector alone) over every passage and score it."""
    scores = Scores()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        text = item["text"]
        t0 = time.perf_counter()
        cands = detect(text, speakers=["Interviewer"])
        scores.seconds += time.perf_counter() - t0
        scores.words += len(text.split())
        covered = [False] * len(text)
        for c in cands:
            for i in range(c.start, c.end):
                covered[i] = True
        for span in item["spans"]:
            scores.annotated[span["category"]] += 1
            letters = [i for i in range(span["start"], span["end"]) if text[i].isalnum()]
            if all(covered[i] for i in letters):
                scores.found[span["category"]] += 1
            else:
                scores.missed.append(f"{item['id']} {span['category']}: {span['text']!r}")
        for c in cands:
            scores.flagged += 1
            if any(c.start < s["end"] and c.end > s["start"] for s in item["spans"]):
                scores.correct += 1
            else:
                scores.false.append(f"{item['id']} {c.category}/{c.detector}: {c.text!r}")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--file", type=Path, default=HELDOUT)
    parser.add_argument("--show", action="store_true", help="List misses and false positives.")
    args = parser.parse_args()
    s = evaluate(args.file)
    print("| category | found / annotated | recall |")
    print("|---|---|---|")
    for cat in sorted(s.annotated):
        print(f"| {cat} | {s.found[cat]} / {s.annotated[cat]} | {s.recall(cat):.3f} |")
    print(f"| all | {sum(s.found.values())} / {sum(s.annotated.values())} | {s.recall():.3f} |")
    print(f"\nprecision {s.precision:.3f} ({s.correct} of {s.flagged} candidates overlap an identifier); "
          f"{s.words / max(s.seconds, 1e-9):,.0f} words/s")
    if args.show:
        print("\nmissed:", *s.missed, sep="\n  ")
        print("\nfalse positives:", *s.false, sep="\n  ")


if __name__ == "__main__":
    main()
