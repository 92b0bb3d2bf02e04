"""Detection on annotated interview passages written for the test by people who did not see the detector.

Sets 1 and 2 were used to find failure classes (development sets now); set 3
was looked at once before the last change; set 4 was evaluated once, after
it. The floors below are the figures measured then (see docs/deid.md), so a
change that loses recall fails here. The issue's bar for person names (0.95)
is met on sets 1 and 2 but not yet on the unseen sets 3 and 4 (0.936, 0.925); all
identifiers: 0.915 and 0.8998 (494 of 549), against a bar of 0.90.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "deid_eval.py"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "deid"


def _evaluate(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("deid_eval", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("deid_eval", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module.evaluate(FIXTURES / name)


@pytest.mark.parametrize(("name", "person", "overall", "precision"), [
    ("heldout.jsonl", 0.98, 0.97, 0.97),
    ("heldout2.jsonl", 0.97, 0.97, 0.97),
    ("heldout3.jsonl", 0.93, 0.91, 0.96),
    ("heldout4.jsonl", 0.92, 0.89, 0.97),
])
def test_recall_and_precision_hold(name: str, person: float, overall: float, precision: float) -> None:
    scores = _evaluate(name)
    assert scores.recall("person") >= person, scores.missed
    assert scores.recall() >= overall, scores.missed
    assert scores.precision >= precision, scores.false
