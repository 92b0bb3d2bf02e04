"""Time the REFI-QDA writer on a synthetic snapshot and print JSON.

The snapshot is made in memory (no project): N sources of about 7,000 words
with speaker turns and a few emoji, M segments each coded by one of two coders
with one of 40 codes, a memo on every tenth segment, 8 themes. Measured:
building ``project.qde`` (``project_bytes``), schema validation, and the whole
``write_qdpx`` (build, validate, zip, write), best of ``--reps``.

Usage: python benchmarks/refi_export.py --n 200 --m 50 [--reps 3]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
import uuid
from pathlib import Path

from thematica.interop.refi.writer import project_bytes, validate, write_qdpx
from thematica.interop.snapshot import CodeData, CoderData, SegmentData, Snapshot, SourceData, ThemeData

WORDS = "we built the course together and letting go of power was hard at first café 😀 hope".split()


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthesise(n: int, m: int, seed: int = 1) -> Snapshot:
    rng = random.Random(seed)
    coders = tuple(CoderData(guid(rng), name) for name in ("alice", "bob"))
    codes = tuple(CodeData(guid(rng), f"code {i}", definition=f"definition {i}") for i in range(40))
    sources, segments = [], []
    for i in range(n):
        lines, turns, pos = [], [], 0
        for t in range(120):
            label = "Interviewer: " if t % 2 == 0 else "P: "
            said = " ".join(rng.choice(WORDS) for _ in range(58))
            lines.append(label + said)
            turns.append((pos + len(label), pos + len(label) + len(said), label[:-2], "interviewer" if t % 2 == 0 else "participant", None, None, None))
            pos += len(label) + len(said) + 1
        text = "\n".join(lines)
        source = SourceData(guid(rng), f"P{i:03}", "txt", text, text.encode(), f"P{i:03}.txt", turns=tuple(turns))
        sources.append(source)
        for _ in range(m):
            start = rng.randrange(0, len(text) - 400)
            end = start + rng.randrange(20, 400)
            segments.append(SegmentData(guid(rng), source.guid, rng.choice(codes).guid, rng.choice(coders).guid, start, end,
                                        text[start:end], "a memo" if rng.random() < 0.1 else "",
                                        "2025-03-01T10:00:00.123456+00:00"))
    themes = tuple(ThemeData(guid(rng), f"theme {i}", code_guids=tuple(c.guid for c in codes[i * 5 : i * 5 + 5])) for i in range(8))
    return Snapshot("bench", "thematica bench", coders=coders, sources=tuple(sources), codes=codes,
                    segments=tuple(segments), themes=themes)


def best(reps: int, run) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--m", type=int, default=50)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    snapshot = synthesise(args.n, args.m)
    made = time.perf_counter() - started
    qde, files = project_bytes(snapshot)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bench.qdpx"
        result = {
            "sources": args.n,
            "segments": len(snapshot.segments),
            "text_mib": round(sum(len(s.text.encode()) for s in snapshot.sources) / 2**20, 1),
            "synthesise_s": round(made, 3),
            "build_qde_s": round(best(args.reps, lambda: project_bytes(snapshot)), 3),
            "validate_s": round(best(args.reps, lambda: validate(qde)), 3),
            "write_qdpx_s": round(best(args.reps, lambda: write_qdpx(snapshot, out)), 3),
            "qde_mib": round(len(qde) / 2**20, 2),
            "qdpx_mib": round(out.stat().st_size / 2**20, 2),
            "internal_files": len(files),
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
