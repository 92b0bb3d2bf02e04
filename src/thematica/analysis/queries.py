"""Matrix coding, code co-occurrence and saturation, over segment facts.

Every function is pure: it takes the segments as :class:`SegmentFact`
records (who spoke, which code, how many words) and returns a :class:`Table`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Literal, Mapping, Sequence

from ..errors import InvalidInput
from ..store import SegmentFact
from .tables import Table

Measure = Literal["segments", "participants", "words", "sources"]
Percent = Literal["row", "column"] | None
CooccurMode = Literal["same", "overlap", "turn"]
MEASURES: tuple[str, ...] = ("segments", "participants", "words", "sources")


def measure(facts: Iterable[SegmentFact], how: Measure) -> int:
    """Segments counted, distinct participants or sources, or words, of ``facts``."""
    items = list(facts)
    if how == "segments":
        return len(items)
    if how == "participants":
        return len({f.participant_id for f in items if f.participant_id is not None})
    if how == "sources":
        return len({f.source_id for f in items})
    if how == "words":
        return sum(f.words for f in items)
    raise InvalidInput(f"measure must be one of {', '.join(MEASURES)}, not {how!r}")


def matrix(
    facts: Sequence[SegmentFact],
    rows: Mapping[str, set[int]],
    columns: Mapping[str, set[int]],
    *,
    how: Measure = "segments",
    percent: Percent = None,
    title: str = "Matrix",
    row_header: str = "code",
) -> Table:
    """Rows (label -> code ids) against columns (label -> participant ids), counted by ``how``.

    With ``percent="row"`` each cell is a share of its row's total; with
    ``"column"`` a share of its column's total: for participants, the
    column's group size (the share of the group who said it); otherwise the
    measure over all the column's segments.
    """
    if percent not in (None, "row", "column"):
        raise InvalidInput(f"percent is row or column, not {percent!r}")
    measure([], how)  # validates how
    by_participant: dict[int | None, list[SegmentFact]] = defaultdict(list)
    for fact in facts:
        by_participant[fact.participant_id].append(fact)
    column_facts = {label: [f for p in members for f in by_participant.get(p, ())] for label, members in columns.items()}
    values: list[tuple[str, list[float]]] = []
    for label, code_ids in rows.items():
        cells = [float(measure((f for f in column_facts[c] if f.code_id in code_ids), how)) for c in columns]
        values.append((label, cells))
    if percent == "row":
        totals_row = {
            label: measure((f for fs in column_facts.values() for f in fs if f.code_id in rows[label]), how)
            for label in rows
        }
        values = [(label, [_share(v, totals_row[label]) for v in cells]) for label, cells in values]
    elif percent == "column":
        if how == "participants":
            totals = [len(members) for members in columns.values()]
        else:
            totals = [measure(column_facts[c], how) for c in columns]
        values = [(label, [_share(v, t) for v, t in zip(cells, totals, strict=True)]) for label, cells in values]
    if percent is None:
        table_rows = tuple((label, *[int(v) for v in cells]) for label, cells in values)
    else:
        table_rows = tuple((label, *cells) for label, cells in values)
    note = f"{how} per cell" + ("" if percent is None else f", as % of the {percent} total")
    return Table(title, (row_header, *columns), table_rows, (note,))


def _share(value: float, total: float) -> float:
    return round(100.0 * value / total, 1) if total else 0.0


def cooccurrence(
    facts: Sequence[SegmentFact], codes: Mapping[int, str], mode: CooccurMode = "overlap"
) -> Table:
    """How often two codes meet: on the same span, on overlapping spans, or in the same turn.

    "same" counts spans coded with both; "overlap" counts pairs of segments
    that share at least one character; "turn" counts turns holding both.
    The diagonal is left empty.
    """
    if mode not in ("same", "overlap", "turn"):
        raise InvalidInput(f"co-occurrence is same, overlap or turn, not {mode!r}")
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    if mode == "same":
        spans: dict[tuple[int, int, int], set[int]] = defaultdict(set)
        for f in facts:
            spans[(f.source_id, f.start, f.end)].add(f.code_id)
        groups: Iterable[set[int]] = spans.values()
        _count_groups(groups, pairs)
    elif mode == "turn":
        turns: dict[int, set[int]] = defaultdict(set)
        for f in facts:
            if f.turn_id is not None:
                turns[f.turn_id].add(f.code_id)
        _count_groups(turns.values(), pairs)
    else:
        by_source: dict[int, list[SegmentFact]] = defaultdict(list)
        for f in facts:
            by_source[f.source_id].append(f)
        for items in by_source.values():
            items.sort(key=lambda f: (f.start, f.end))
            active: list[SegmentFact] = []
            for f in items:
                active = [g for g in active if g.end > f.start]
                for g in active:
                    if g.code_id != f.code_id:
                        pairs[_pair(g.code_id, f.code_id)] += 1
                active.append(f)
    used = sorted({f.code_id for f in facts if f.code_id in codes}, key=lambda c: codes[c].casefold())
    rows = []
    for a in used:
        rows.append((codes[a], *[None if a == b else pairs.get(_pair(a, b), 0) for b in used]))
    return Table(f"Code co-occurrence ({mode})", ("code", *[codes[c] for c in used]), tuple(rows), (_MODE_NOTES[mode],))


_MODE_NOTES = {
    "same": "spans coded with both codes",
    "overlap": "pairs of segments that overlap in the text",
    "turn": "speaker turns holding both codes",
}


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a <= b else (b, a)


def _count_groups(groups: Iterable[set[int]], pairs: dict[tuple[int, int], int]) -> None:
    for group in groups:
        ordered = sorted(group)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                pairs[(a, b)] += 1


def saturation(facts: Sequence[SegmentFact], sources: Mapping[int, str], codes: Mapping[int, str]) -> Table:
    """New codes per source in coding order (by each source's first coded segment), and the cumulative count."""
    first_coded: dict[int, str] = {}
    for f in facts:
        if f.source_id not in first_coded or f.created_at < first_coded[f.source_id]:
            first_coded[f.source_id] = f.created_at
    order = sorted(first_coded, key=lambda s: (first_coded[s], sources.get(s, "")))
    seen: set[int] = set()
    rows = []
    by_source: dict[int, list[SegmentFact]] = defaultdict(list)
    for f in facts:
        by_source[f.source_id].append(f)
    for source_id in order:
        new = sorted({f.code_id for f in by_source[source_id]} - seen, key=lambda c: codes.get(c, ""))
        seen.update(new)
        rows.append((sources.get(source_id, str(source_id)), len(new), len(seen), "; ".join(codes.get(c, "?") for c in new)))
    note = "sources in the order they were first coded; a code is new the first time any segment uses it"
    return Table("Saturation", ("source", "new codes", "cumulative codes", "codes first seen"), tuple(rows), (note,))
