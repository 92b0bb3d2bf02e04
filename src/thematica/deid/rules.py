"""Reporting rules: how an attribute is coarsened before it leaves the project.

A researcher answers a small-group warning by choosing, per attribute, to
report it in bands ("30–39" instead of 34), to merge rare values into
"Other", or to leave it out. The rules are project settings; the report,
tables and attribute matrices apply them.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from ..errors import InvalidInput

KINDS = ("band", "merge", "omit")
OTHER = "Other"
MISSING = "not recorded"


@dataclass(frozen=True)
class ReportingRule:
    """Coarsen ``attribute``: ``band`` (numbers in bands ``width`` wide), ``merge`` (rare values into
    "Other"), or ``omit`` (leave the attribute out of every output)."""

    attribute: str
    kind: str
    width: float | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput(f"a reporting rule is one of {', '.join(KINDS)}, not {self.kind!r}")
        if self.kind == "band" and (self.width is None or not self.width > 0):
            raise InvalidInput("a band needs a width above 0 (for example 10 for ages 30–39)")


def band(value: float, width: float) -> str:
    """The band a number falls in, aligned to multiples of ``width``: 34 in 10s -> "30–39"."""
    low = math.floor(value / width) * width
    high = low + width
    if float(width).is_integer() and float(value).is_integer():
        return f"{int(low)}–{int(high) - 1}"
    return f"{low:g}–{high:g}"


def coarsen(
    rows: Sequence[Mapping[str, Any]], rules: Mapping[str, ReportingRule], k: int
) -> list[dict[str, Any]]:
    """Apply the rules to participants' attribute rows (omitted attributes are dropped)."""
    merge_small: dict[str, set[Any]] = {}
    for name, each in rules.items():
        if each.kind == "merge":
            counts = Counter(row.get(name) for row in rows if row.get(name) is not None)
            merge_small[name] = {v for v, n in counts.items() if n < k}
    out = []
    for row in rows:
        new: dict[str, Any] = {}
        for name, value in row.items():
            rule = rules.get(name)
            if rule is not None and rule.kind == "omit":
                continue
            if rule is None or value is None:
                new[name] = value
            elif rule.kind == "band":
                new[name] = band(float(value), float(rule.width or 1)) if _is_number(value) else value
            else:
                new[name] = OTHER if value in merge_small.get(name, set()) else value
        out.append(new)
    return out


def rules_from_json(text: str | None) -> dict[str, ReportingRule]:
    """Rules as stored in the project settings."""
    if not text:
        return {}
    return {name: ReportingRule(name, r["kind"], r.get("width")) for name, r in json.loads(text).items()}


def rules_to_json(rules: Mapping[str, ReportingRule]) -> str:
    """Rules for the project settings (sorted, so the same rules give the same text)."""
    return json.dumps(
        {name: {"kind": r.kind, **({"width": r.width} if r.width is not None else {})} for name, r in sorted(rules.items())},
        ensure_ascii=False,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
