"""Where coders differ: overlapping coding grouped into places, each classified.

A *place* is a stretch of one source where the compared coders' segments
overlap one another (a connected group of overlapping segments, any code).
In each place the coders either agree (the same codes on the same spans) or
differ in one of three ways, checked in this order:

* ``missing``: some coder coded nothing there (e.g. "only A coded it");
* ``codes``: they used different codes;
* ``boundaries``: the same codes, on different spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Mapping, Sequence


class Difference(str, Enum):
    """How coders differ at a place (``AGREE`` when they do not)."""

    AGREE = "agree"
    MISSING = "missing"
    CODES = "codes"
    BOUNDARIES = "boundaries"


@dataclass(frozen=True, slots=True)
class Coding:
    """One segment as the comparison sees it."""

    segment_id: int
    source_id: int
    start: int
    end: int
    code_id: int
    coder_id: int


@dataclass(frozen=True, slots=True)
class Place:
    """A stretch of a source where coding overlaps, with each coder's segments there."""

    source_id: int
    start: int
    end: int
    difference: Difference
    codings: tuple[Coding, ...]

    def by_coder(self, coder_id: int) -> tuple[Coding, ...]:
        """The segments of one coder at this place."""
        return tuple(c for c in self.codings if c.coder_id == coder_id)

    def coders_without(self, coders: Iterable[int]) -> tuple[int, ...]:
        """Compared coders who coded nothing here."""
        present = {c.coder_id for c in self.codings}
        return tuple(c for c in coders if c not in present)


def places(codings: Sequence[Coding], coders: Sequence[int], sources: Iterable[int] | None = None) -> list[Place]:
    """Group the compared coders' segments into places and classify each, in text order.

    Only sources every compared coder has coded (``sources``, if given)
    are considered: a source one coder never looked at is missing data,
    not a disagreement.
    """
    wanted = set(coders)
    allowed = None if sources is None else set(sources)
    by_source: dict[int, list[Coding]] = {}
    for c in codings:
        if c.coder_id in wanted and (allowed is None or c.source_id in allowed):
            by_source.setdefault(c.source_id, []).append(c)
    result: list[Place] = []
    for source_id in sorted(by_source):
        items = sorted(by_source[source_id], key=lambda c: (c.start, c.end, c.segment_id))
        group: list[Coding] = []
        group_end = -1
        for c in items:
            if group and c.start >= group_end:
                result.append(_place(source_id, group, coders))
                group = []
            group.append(c)
            group_end = max(group_end, c.end) if len(group) > 1 else c.end
        if group:
            result.append(_place(source_id, group, coders))
    return result


def _place(source_id: int, group: list[Coding], coders: Sequence[int]) -> Place:
    start = min(c.start for c in group)
    end = max(c.end for c in group)
    return Place(source_id, start, end, classify(group, coders), tuple(group))


def classify(group: Sequence[Coding], coders: Sequence[int]) -> Difference:
    """How the coders differ on one group of overlapping segments."""
    codes: dict[int, set[int]] = {c: set() for c in coders}
    spans: dict[int, set[tuple[int, int, int]]] = {c: set() for c in coders}
    for c in group:
        codes[c.coder_id].add(c.code_id)
        spans[c.coder_id].add((c.code_id, c.start, c.end))
    if any(not found for found in codes.values()):
        return Difference.MISSING
    first = codes[coders[0]]
    if any(found != first for found in codes.values()):
        return Difference.CODES
    first_spans = spans[coders[0]]
    if any(found != first_spans for found in spans.values()):
        return Difference.BOUNDARIES
    return Difference.AGREE


def place_key(source_name: str, place: Place) -> str:
    """A stable name for a place: ``SOURCE:START-END``."""
    return f"{source_name}:{place.start}-{place.end}"


def counts(found: Sequence[Place]) -> Mapping[Difference, int]:
    """How many places of each kind."""
    tally = {d: 0 for d in Difference}
    for p in found:
        tally[p.difference] += 1
    return tally
