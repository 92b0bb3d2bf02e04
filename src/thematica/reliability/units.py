"""Units of analysis, and which coder coded each unit with which code.

A comparison first cuts the texts into units (sentences, paragraphs, speaker
turns, predefined spans, or characters), then asks, for every coder and
code, whether the coder's segments cover each unit. Everything is arrays:
unit ``i`` is ``source[i], start[i], end[i]`` (code points, end exclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from typing import Mapping, Sequence

import numpy as np

from ..errors import InvalidInput
from ..model import Role

_SOURCE_STRIDE = np.int64(1) << 40  # positions of different sources never meet on one axis


class UnitKind(str, Enum):
    """How a comparison cuts the text."""

    CHARACTER = "character"
    SENTENCE = "sentence"
    PARAGRAPH = "paragraph"
    TURN = "turn"
    PREDEFINED = "predefined"


@dataclass(frozen=True)
class Units:
    """Units of analysis as parallel arrays; ``weight`` is 1 except for character runs (their length)."""

    kind: UnitKind
    source: np.ndarray
    start: np.ndarray
    end: np.ndarray
    weight: np.ndarray

    def __len__(self) -> int:
        return int(self.source.size)

    @cached_property
    def keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Starts and ends on one axis for all sources (``source * 2**40 + offset``)."""
        base = self.source * _SOURCE_STRIDE
        return base + self.start, base + self.end

    @cached_property
    def ordered(self) -> bool:
        """True when units are in text order and do not overlap (both key arrays ascend)."""
        starts, ends = self.keys
        return bool(np.all(np.diff(starts) >= 0) and np.all(np.diff(ends) >= 0) and np.all(starts[1:] >= ends[:-1]))


# A sentence ends after . ! ? or … (and any closing quotes or brackets) followed by space; a line break ends one too.
_SENTENCE_END = re.compile(r"([.!?…][\"'’”)\]]*)\s+|\n+")


def unit_kind(value: UnitKind | str) -> UnitKind:
    """Parse a unit kind, with a clear error."""
    try:
        return UnitKind(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        names = ", ".join(k.value for k in UnitKind)
        raise InvalidInput(f"the unit of analysis is one of {names}, not {value!r}") from None


def scopes(
    texts: Mapping[int, str], turns: Sequence[tuple[int, int, int, str]], participants_only: bool = True
) -> dict[int, list[tuple[int, int]]]:
    """The stretches of each source that are compared: participants' turns (or all turns), else the whole text.

    ``turns`` are (source id, start, end, role) tuples.
    """
    spans: dict[int, list[tuple[int, int]]] = {}
    with_turns = {t[0] for t in turns}
    for source_id, start, end, role in turns:
        if source_id in texts and (not participants_only or role == Role.PARTICIPANT.value):
            spans.setdefault(source_id, []).append((start, end))
    for source_id, text in texts.items():
        if source_id not in with_turns:
            spans[source_id] = [(0, len(text))]
        else:
            spans.setdefault(source_id, [])
    return {k: sorted(v) for k, v in spans.items()}


def text_units(
    kind: UnitKind, texts: Mapping[int, str], scope: Mapping[int, list[tuple[int, int]]]
) -> Units:
    """Sentence, paragraph or turn units inside the comparison's scope.

    Sentences and paragraphs are cut once per text, then clipped to the
    scope (a unit never crosses from one speaker's turn into the next).
    """
    if kind not in (UnitKind.TURN, UnitKind.PARAGRAPH, UnitKind.SENTENCE):
        raise InvalidInput(f"{kind.value} units are not cut from the text")
    sources: list[int] = []
    starts: list[int] = []
    ends: list[int] = []
    for source_id in sorted(scope):
        text = texts[source_id]
        if kind is UnitKind.TURN:
            pieces = [_strip(text, lo, hi) for lo, hi in scope[source_id]]
        else:
            pieces = _clip(_pieces(text, _SENTENCE_END if kind is UnitKind.SENTENCE else _PARAGRAPH_END), scope[source_id], text)
        for a, b in pieces:
            if b > a:
                sources.append(source_id)
                starts.append(a)
                ends.append(b)
    return _units(kind, sources, starts, ends)


_PARAGRAPH_END = re.compile(r"\n+")


def _pieces(text: str, pattern: re.Pattern[str]) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the pieces ``pattern`` cuts the whole text into."""
    cuts = [(m.end(1) if m.lastindex else m.start(), m.end()) for m in pattern.finditer(text)]
    starts = np.array([0] + [b for _, b in cuts], dtype=np.int64)
    ends = np.array([a for a, _ in cuts] + [len(text)], dtype=np.int64)
    return starts, ends


def _clip(pieces: tuple[np.ndarray, np.ndarray], spans: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """The pieces inside each span, cut at the span's edges, without surrounding spaces (vectorised)."""
    starts, ends = pieces
    lo = np.array([a for a, _ in spans], dtype=np.int64)
    hi = np.array([b for _, b in spans], dtype=np.int64)
    first = np.searchsorted(ends, lo, side="right")
    last = np.searchsorted(starts, hi, side="left")
    counts = np.maximum(last - first, 0)
    if not counts.sum():
        return []
    owner = np.repeat(np.arange(lo.size), counts)
    index = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + first[owner]
    a = np.maximum(starts[index], lo[owner]).tolist()
    b = np.minimum(ends[index], hi[owner]).tolist()
    return [_strip(text, x, y) if x < y and (text[x].isspace() or text[y - 1].isspace()) else (x, y) for x, y in zip(a, b, strict=True)]


def predefined_units(spans: Sequence[tuple[int, int, int]]) -> Units:
    """Units given as (source, start, end), e.g. survey answers or a lead coder's marked passages."""
    ordered = sorted(set(spans))
    if not ordered:
        raise InvalidInput("there are no predefined units to compare on")
    return _units(UnitKind.PREDEFINED, [s for s, _, _ in ordered], [a for _, a, _ in ordered], [b for _, _, b in ordered])


def character_units(
    scope: Mapping[int, list[tuple[int, int]]], boundaries: Mapping[int, np.ndarray]
) -> Units:
    """Characters, as runs between every segment boundary (each run is coded alike throughout; weight = length)."""
    sources: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    ends: list[np.ndarray] = []
    for source_id in sorted(scope):
        for lo, hi in scope[source_id]:
            cuts = boundaries.get(source_id, np.empty(0, dtype=np.int64))
            inner = cuts[(cuts > lo) & (cuts < hi)]
            points = np.unique(np.concatenate(([lo], inner, [hi])))
            if points.size < 2:
                continue
            starts.append(points[:-1])
            ends.append(points[1:])
            sources.append(np.full(points.size - 1, source_id))
    if not starts:
        return _units(UnitKind.CHARACTER, [], [], [])
    start, end = np.concatenate(starts), np.concatenate(ends)
    return Units(UnitKind.CHARACTER, np.concatenate(sources), start, end, (end - start).astype(np.float64))


def _units(kind: UnitKind, sources: Sequence[int], starts: Sequence[int], ends: Sequence[int]) -> Units:
    source = np.asarray(sources, dtype=np.int64)
    return Units(kind, source, np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64), np.ones(source.size))


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def coverage(units: Units, segments: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """For each unit, how many of its characters the segments (source, start, end) cover (overlaps counted once).

    Every source is laid on one axis (``source * 2**40 + offset``), so all
    units are answered by one binary search against the merged segments.
    """
    covered = np.zeros(len(units))
    if not segments or len(units) == 0:
        return covered
    spans = np.array(segments, dtype=np.int64)
    keys = spans[:, 0] * _SOURCE_STRIDE
    merged = _merge(sorted(zip((keys + spans[:, 1]).tolist(), (keys + spans[:, 2]).tolist(), strict=True)))
    lo = np.array([a for a, _ in merged], dtype=np.int64)
    hi = np.array([b for _, b in merged], dtype=np.int64)
    prefix = np.concatenate(([0], np.cumsum(hi - lo)))
    starts, ends = units.keys
    if units.ordered:  # only the units that can meet a segment need the search
        first = np.searchsorted(ends, lo, side="right")
        last = np.searchsorted(starts, hi, side="left")
        keep = first < last
        first, last = first[keep], last[keep]
        hit = np.zeros(len(units) + 1, dtype=np.int64)
        np.add.at(hit, first, 1)
        np.add.at(hit, last, -1)
        near = np.flatnonzero(np.cumsum(hit[:-1]) > 0)
    else:
        near = np.arange(len(units))
    covered[near] = _covered_before(ends[near], lo, hi, prefix) - _covered_before(starts[near], lo, hi, prefix)
    return covered


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _covered_before(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, prefix: np.ndarray) -> np.ndarray:
    """Characters below position x covered by the disjoint sorted intervals [lo, hi)."""
    index = np.searchsorted(lo, x, side="right")  # intervals starting at or before x
    full = prefix[np.maximum(index - 1, 0)]
    last = np.clip(x - lo[np.maximum(index - 1, 0)], 0, (hi - lo)[np.maximum(index - 1, 0)])
    return np.where(index > 0, full + last, 0)


def coded(units: Units, segments: Sequence[tuple[int, int, int]], min_share: float = 0.0) -> np.ndarray:
    """1.0 where the segments cover the unit (any overlap, or at least ``min_share`` of it), else 0.0."""
    if not 0.0 <= min_share <= 1.0:
        raise InvalidInput(f"the minimum share of a unit is between 0 and 1, not {min_share}")
    cover = coverage(units, segments)
    length = (units.end - units.start).astype(np.float64)
    if min_share == 0.0:
        return (cover > 0).astype(np.float64)
    return (cover >= min_share * length - 1e-9).astype(np.float64) * (cover > 0)
