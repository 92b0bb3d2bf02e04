"""Learning curves of thematica's code suggestions against researchers' own codes.

For each coded share p (default 5, 10, 20, 50 %) and seed, a random p of the
units (stratified by code where possible) is taken as "coded"; every method
learns from it alone and predicts the other units, and the predictions are
compared with the analysts' codes there (Cohen's kappa, Gwet's AC1, micro and
macro F1, fit and predict time). See thematica.assist.evaluate.

Datasets:

* ``nhs``: NHS patient feedback, phase 1 of pxtextmining (Care Opinion,
  CC BY-NC-SA 4.0): 10,334 comments, one subcategory code each (44 codes);
  empty comments are dropped (10,302 left).
* ``flaky``: the flaky-tests developer survey (MIT): the open answers of
  four questions, cut into segments coded by consensus, possibly with several
  themes (multi-label). Codes are per question, so they are named
  "sq6: not relevant" etc.; each sheet's last row (no text, every theme of the
  sheet listed) is a header, not a unit, and is dropped, as is one segment
  without text (157 segments, 49 codes; one segment has no theme).
* ``project PATH``: a thematica project: participants' sentences of the coded sources with the codes
  of the analysis coder's overlapping segments (multi-label).

Usage:
  python benchmarks/assist_eval.py --dataset nhs --cache /tmp/assist_cache --json out.json
  python benchmarks/assist_eval.py --dataset flaky --seeds 5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from thematica.assist.evaluate import SHARES, Evaluation, evaluate, score
from thematica.assist.learn import METHODS, NEEDS_EMBEDDINGS, as_labels, definition_scores

FIXTURES = Path("/work/shared/fixtures")
NHS_CSV = FIXTURES / "nhs-feedback-phase1" / "phase1_text_data.csv"
FLAKY_CSV = FIXTURES / "survey-flaky-tests" / "flaky_thematic_long.csv"


@dataclass
class Dataset:
    """Units' texts with gold codes: 1-D codes (single-label) or a 0/1 matrix over ``codes``."""

    name: str
    texts: list[str]
    labels: Any
    codes: list[str]
    multilabel: bool
    code_names: dict[str, str] | None = None


def load_nhs(path: Path = NHS_CSV) -> Dataset:
    """The NHS phase-1 comments (column ``feedback``) with their code (column ``code``); empty ones dropped."""
    import pandas as pd

    frame = pd.read_csv(path)
    frame = frame[frame["feedback"].fillna("").str.strip() != ""]
    codes = sorted(frame["code"].unique())
    names = dict(zip(frame["code"], frame["subcategory"].astype(str).str.strip()))
    return Dataset("nhs", frame["feedback"].tolist(), frame["code"].tolist(), codes, False, names)


def load_flaky(path: Path = FLAKY_CSV) -> Dataset:
    """The flaky-test survey segments with their consensus themes (multi-label, per question)."""
    import pandas as pd

    frame = pd.read_csv(path)
    frame = frame[frame["text"].notna()]  # each sheet's header row (no text, all its themes), one empty segment
    question = frame["source_file"].str.extract(r"(sq\d+)\.ods$")[0]
    per_unit = [
        [f"{q}: {c.strip()}" for c in str(codes).split(";") if c.strip()] if isinstance(codes, str) else []
        for q, codes in zip(question, frame["codes"])
    ]
    names = sorted({c for unit in per_unit for c in unit})
    column = {c: j for j, c in enumerate(names)}
    y = np.zeros((len(per_unit), len(names)), dtype=np.float64)
    for i, unit in enumerate(per_unit):
        y[i, [column[c] for c in unit]] = 1.0
    return Dataset("flaky", frame["text"].astype(str).tolist(), y, names, True)


def load_project_units(path: Path) -> Dataset:
    """A thematica project's units: participants' sentences of the coded sources, labelled with the codes of the
    analysis coder's overlapping segments (multi-label; a sentence may have none)."""
    import thematica

    project = thematica.open_project(path)
    try:
        data = project.coding_units(None)
        rows = np.flatnonzero(data.in_coded)
        names = {c.id: c.name for c in project.codes(include_deleted=True)}
        codes = [names.get(c, str(c)) for c in data.codes]
        return Dataset(path.stem, [data.texts[i] for i in rows], data.labels[rows], codes, True)
    finally:
        project.close()


def embeddings_for(data: Dataset, cache: Path | None) -> tuple[np.ndarray, dict[str, Any]]:
    """The units' embeddings (from ``cache`` when there, keyed by texts and model file) and provenance."""
    from thematica.assist.embedding import load_embedder

    embedder = load_embedder()
    info: dict[str, Any] = {
        "model_id": embedder.model_id,
        "version": embedder.version,
        "file_sha256": embedder.file_sha256,
    }
    key = hashlib.sha256("\x00".join(data.texts).encode() + embedder.file_sha256.encode()).hexdigest()[:16]
    file = cache / f"{data.name}-{key}.npy" if cache is not None else None
    if file is not None and file.exists():
        return np.load(file), {**info, "cached": str(file)}
    t0 = time.perf_counter()
    emb = embedder.embed(data.texts)
    info["embed_s"] = round(time.perf_counter() - t0, 2)
    if file is not None:
        file.parent.mkdir(parents=True, exist_ok=True)
        np.save(file, emb)
    return emb, info


def zero_shot(data: Dataset, embeddings: np.ndarray) -> dict[str, float] | None:
    """Scores of :func:`definition_scores` from the code names alone (no coded units), on every unit."""
    if not data.code_names:
        return None
    from thematica.assist.embedding import load_embedder

    names = load_embedder().embed([data.code_names[c] for c in data.codes])
    proba = definition_scores(embeddings, names)
    result = score(as_labels(data.labels, data.codes), proba)
    return {k: float(v) for k, v in result.items() if k != "per_code"}


def markdown(ev: Evaluation) -> str:
    """The summary as markdown: one row per method and share (means over seeds, kappa +/- sd).

    Multi-label: kappa and AC1 are pooled over (unit, code) cells; two more
    columns give their means over the codes (each code present / absent).
    """
    frame = ev.summary()
    extra = " kappa/code | AC1/code |" if ev.multilabel else ""
    lines = [
        "| method | p | coded | kappa | AC1 | micro F1 | macro F1 |" + extra + " fit s | predict s |",
        "|---|---:|---:|---:|---:|---:|---:|" + "---:|---:|" * ev.multilabel + "---:|---:|",
    ]
    for row in frame.itertuples(index=False):
        sd = f" ± {row.kappa_sd:.3f}" if row.seeds > 1 and np.isfinite(row.kappa_sd) else ""
        per = f" {row.kappa_per_code:.3f} | {row.ac1_per_code:.3f} |" if ev.multilabel else ""
        lines.append(
            f"| {row.method} | {row.share:.0%} | {row.n_coded:.0f} | {row.kappa:.3f}{sd} | {row.ac1:.3f} "
            f"| {row.micro_f1:.3f} | {row.macro_f1:.3f} |{per} {row.fit_s:.2f} | {row.predict_s:.2f} |"
        )
    return "\n".join(lines)


def kappa_grid(ev: Evaluation) -> str:
    """Kappa as method x share (markdown)."""
    pivot = ev.summary().pivot(index="method", columns="share", values="kappa")
    head = "| method | " + " | ".join(f"{s:.0%}" for s in pivot.columns) + " |"
    rule = "|---|" + "---:|" * len(pivot.columns)
    rows = [f"| {m} | " + " | ".join(f"{v:.3f}" for v in pivot.loc[m]) + " |" for m in pivot.index]
    return "\n".join([head, rule, *rows])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", nargs="+", default=["nhs"], metavar="nhs|flaky|project PATH")
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated, of: " + ", ".join(METHODS))
    parser.add_argument("--p", default=",".join(str(round(s * 100)) for s in SHARES), help="coded shares in %%")
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (1..N), averaged")
    parser.add_argument("--cache", type=Path, default=None, help="folder to cache embeddings in (default: none)")
    parser.add_argument("--no-embeddings", action="store_true", help="text-only methods (no embedding model)")
    parser.add_argument("--json", type=Path, default=None, help="write the full results here")
    args = parser.parse_args(argv)

    kind = args.dataset[0]
    if kind == "nhs":
        data = load_nhs()
    elif kind == "flaky":
        data = load_flaky()
    elif kind == "project" and len(args.dataset) == 2:
        data = load_project_units(Path(args.dataset[1]))
    else:
        parser.error("--dataset must be nhs, flaky or project PATH")
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    shares = [float(p) / 100 for p in args.p.split(",")]
    embeddings, model_info = None, None
    if args.no_embeddings:
        methods = [m for m in methods if m not in NEEDS_EMBEDDINGS]
    else:
        embeddings, model_info = embeddings_for(data, args.cache)

    t0 = time.perf_counter()
    ev = evaluate(
        data.texts,
        data.labels,
        embeddings=embeddings,
        codes=data.codes,
        methods=methods,
        shares=shares,
        seeds=range(1, args.seeds + 1),
        progress=lambda r: print(f"  {r.method} p={r.share:.0%} seed={r.seed}: kappa {r.kappa:.3f}", file=sys.stderr),
    )
    elapsed = time.perf_counter() - t0
    n_codes = len(data.codes)
    shape = "multi-label" if data.multilabel else "single-label"
    print(f"## {data.name}: {len(data.texts)} units, {n_codes} codes, {shape}, seeds 1-{args.seeds}\n")
    print(markdown(ev))
    print("\nCohen's kappa (method x coded share):\n")
    print(kappa_grid(ev))
    baseline = zero_shot(data, embeddings) if embeddings is not None else None
    if baseline is not None:
        print(
            "\nNo coded units, code names only (definition_scores, every unit): "
            f"kappa {baseline['kappa']:.3f}, AC1 {baseline['ac1']:.3f}, "
            f"micro F1 {baseline['micro_f1']:.3f}, macro F1 {baseline['macro_f1']:.3f}"
        )
    print(f"\n({elapsed:.0f} s in all)")
    if args.json is not None:
        out = {
            "dataset": data.name,
            "machine": platform.platform(),
            "embedding_model": model_info,
            "elapsed_s": round(elapsed, 1),
            "summary": json.loads(ev.summary().to_json(orient="records")),
            "zero_shot_code_names": baseline,
            **ev.to_dict(),
        }
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
