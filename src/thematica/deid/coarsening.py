"""Suggestions for coarser reporting when groups are too small: bands, merging rare values, dropping a column."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .groups import (
    _KIND_ORDER,
    _YEARS,
    OTHER,
    Combo,
    Suggestion,
    _as_band,
    _band_widths,
    _entropy,
    _is_number,
    _small_groups,
    band_value,
    show_value,
)


def _replace(table: list[Combo], index: int, fn: Callable[[object], object]) -> list[Combo]:
    return [combo[:index] + (fn(combo[index]),) + combo[index + 1:] for combo in table]


@dataclass(frozen=True, slots=True)
class _Outcome:
    groups: int
    people: int
    loss: float

    @property
    def fixes(self) -> bool:
        return self.groups == 0


def _outcome(after: list[Combo], k: int, column_before: Sequence[object],
             column_after: Sequence[object] | None) -> _Outcome:
    """What is still too small in ``after``, and the entropy of the column given up."""
    small = _small_groups(after, k)
    h_before = _entropy(column_before)
    h_after = 0.0 if column_after is None else _entropy(column_after)
    return _Outcome(len(small), sum(small.values()), max(0.0, h_before - h_after))


def _suggest(table: list[Combo], cols: tuple[str, ...], k: int,
             small: dict[Combo, int]) -> list[Suggestion]:
    out: list[Suggestion] = []
    drops: list[tuple[int, int, float, int, Suggestion]] = []
    for index, column in enumerate(cols):
        values = [combo[index] for combo in table]
        present = [v for v in values if v is not None]
        widths = _band_widths(present)
        if widths is not None:
            band = _suggest_band(table, index, column, values, k, widths)
            if band is not None:
                out.append(band)
        else:
            merge = _suggest_merge(table, index, column, values, k)
            if merge is not None:
                out.append(merge)
        drop, fixed = _suggest_drop(table, index, column, values, k, small)
        drops.append((-fixed, drop.remaining_people, drop.information_loss, index, drop))
    if drops:
        best = min(drops, key=lambda d: d[:4])
        # a drop that fixes nothing is offered only when there is nothing else to try
        if best[0] < 0 or not out:
            out.append(best[4])
    index_of = {c: i for i, c in enumerate(cols)}
    out.sort(key=lambda s: (
        not s.fixes,
        0 if s.fixes else s.remaining_people,
        0 if s.fixes else s.remaining_groups,
        round(s.information_loss, 9),
        _KIND_ORDER[s.kind],
        index_of[s.column],
    ))
    return out


def _band_words(column: str, width: int) -> str:
    return f"{width}-year bands" if _YEARS.search(column) else f"bands {width} wide"


def _examples(labels: Sequence[str]) -> str:
    return ", ".join(labels) if len(labels) <= 2 else f"{labels[0]}, {labels[1]}, ..."


def _still(outcome: _Outcome, k: int) -> str:
    groups = outcome.groups
    return (f"on its own this still leaves {groups} group{'s' if groups != 1 else ''} "
            f"smaller than {k} ({outcome.people} participant{'s' if outcome.people != 1 else ''})")


def _suggest_band(table: list[Combo], index: int, column: str, values: list[object],
                  k: int, widths: Sequence[int]) -> Suggestion | None:
    if not widths:
        return None
    tried: list[tuple[int, _Outcome, list[object]]] = []
    for width in widths:
        def fn(v: object, w: int = width) -> object:
            return None if v is None else band_value(v, w)
        after = _replace(table, index, fn)
        banded = [fn(v) for v in values]
        outcome = _outcome(after, k, values, banded)
        tried.append((width, outcome, banded))
        if outcome.fixes:
            break
    width, outcome, banded = tried[-1]
    if not outcome.fixes:
        width, outcome, banded = min(tried, key=lambda t: (t[1].people, t[1].groups, t[0]))
    if outcome.loss <= 1e-12:
        return None  # the bands change nothing
    labels = sorted({str(v) for v in banded if v is not None},
                    key=lambda label: _as_band(label) or (0.0, 0))
    exact = any(_is_number(v) for v in values)
    text = (f"Report {column} in {_band_words(column, width)} ({_examples(labels)}) "
            f"instead of {'exact values' if exact else 'the present bands'}")
    narrower = [w for w in widths if w < width]
    if outcome.fixes and narrower:
        if not _YEARS.search(column):
            names = "narrower bands"
        elif len(narrower) == 1:
            names = f"{narrower[0]}-year bands"
        else:
            names = ", ".join(f"{w}-" for w in narrower[:-1]) + f" and {narrower[-1]}-year bands"
        text += f"; {names} would still leave groups smaller than {k}"
    elif not outcome.fixes:
        text += f"; {_still(outcome, k)}"
    return Suggestion("band", column, text + ".", outcome.fixes, outcome.groups, outcome.people,
                      outcome.loss, width=width)


def _suggest_merge(table: list[Combo], index: int, column: str, values: list[object],
                   k: int) -> Suggestion | None:
    counts = Counter(values)
    rare = [v for v, c in counts.items() if c < k and v != OTHER]
    if not rare:
        return None
    order = sorted(counts, key=lambda v: (counts[v], show_value(v)))
    merged = set(rare)
    extended = False
    total = sum(counts[v] for v in merged) + counts.get(OTHER, 0)
    for value in order:  # grow "Other" until it is no longer a small group itself
        if total >= k:
            break
        if value in merged or value == OTHER:
            continue
        merged.add(value)
        total += counts[value]
        extended = True
    remaining = {v for v in counts if v not in merged and v != OTHER}
    if not remaining:
        return None  # everything in "Other" is the same as leaving the column out
    after = _replace(table, index, lambda v: OTHER if v in merged else v)
    merged_column = [OTHER if v in merged else v for v in values]
    outcome = _outcome(after, k, values, merged_column)
    ordered = tuple(sorted(merged, key=lambda v: (counts[v], show_value(v))))
    names = ", ".join(show_value(v) for v in ordered)
    if extended:
        text = (f"Merge the rarest {column} values ({names}) into “{OTHER}”, "
                f"so that group has at least {k} participants")
    else:
        text = f"Merge the {column} values with fewer than {k} participants ({names}) into “{OTHER}”"
    if not outcome.fixes:
        text += f"; {_still(outcome, k)}"
    return Suggestion("merge", column, text + ".", outcome.fixes, outcome.groups, outcome.people,
                      outcome.loss, merged=ordered)


def _count_unfixed(small: dict[Combo, int], index: int, table: list[Combo], k: int) -> int:
    sizes = Counter(combo[:index] + combo[index + 1:] for combo in table)
    return sum(1 for combo in small if sizes[combo[:index] + combo[index + 1:]] < k)


def _suggest_drop(table: list[Combo], index: int, column: str, values: list[object],
                  k: int, small: dict[Combo, int]) -> tuple[Suggestion, int]:
    """Leaving ``column`` out, and how many of the small groups that fixes."""
    fixed = len(small) - _count_unfixed(small, index, table, k)
    after = [combo[:index] + combo[index + 1:] for combo in table]
    outcome = _outcome(after, k, values, None)
    text = f"Leave {column} out of this table"
    if outcome.fixes:
        if len(table[0]) > 1:
            text += f"; the other attributes then describe at least {k} participants in every group"
    elif fixed == 0:
        text += f"; {_still(outcome, k)}"
    else:
        text += (f"; that removes {fixed} of the {len(small)} small groups, "
                 f"but {outcome.groups} remain{'s' if outcome.groups == 1 else ''} "
                 f"({outcome.people} participant{'s' if outcome.people != 1 else ''})")
    suggestion = Suggestion("drop", column, text + ".", outcome.fixes, outcome.groups,
                            outcome.people, outcome.loss)
    return suggestion, fixed
