"""Detection on annotated interview passages written for the test by people who did not see the detector.

Sets 1 and 2 were used to find failure classes (development sets now); sets
3 and 4 were each evaluated once at first look (person recall 0.929 and
0.925, all identifiers 0.909 and 0.900) and then used for error analysis;
set 5 was written during the last round and evaluated once, after it:
person recall 0.963 and all identifiers 0.935 (the issue's bars: 0.95, 0.90).
The floors below are the figures measured then, so a change that loses
recall or precision fails here.
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
    ("heldout3.jsonl", 0.93, 0.92, 0.97),
    ("heldout4.jsonl", 0.92, 0.92, 0.99),
    ("heldout5.jsonl", 0.95, 0.93, 0.99),
])
def test_recall_and_precision_hold(name: str, person: float, overall: float, precision: float) -> None:
    scores = _evaluate(name)
    assert scores.recall("person") >= person, scores.missed
    assert scores.recall() >= overall, scores.missed
    assert scores.precision >= precision, scores.false
