"""Small-cell control (k-anonymity) for participant attributes.

Before a participants table or an attribute-based matrix leaves the project,
every combination of the attributes reported together must describe at least
``k`` people (default 3): a 34-year-old male physiotherapist is one person.

:func:`check_groups` finds the combinations smaller than ``k`` and suggests
fixes a researcher can choose from: report a number in bands ("30–39"),
merge rare categories into "Other", or leave a column out. Each suggestion
says whether it alone makes the table safe, and the least information-losing
fix that works comes first. :func:`apply_suggestion` produces the coarsened
rows so the caller can show them.

Missing values (``None``, NaN, or an absent key) are their own value, "not
recorded": being the only participant with no recorded age identifies too.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

from ..errors import InvalidInput
from .coarsening import _suggest
from .groups import (
    BAND_WIDTHS,
    DEFAULT_K,
    NOT_RECORDED,
    OTHER,
    DisclosureReport,
    SmallGroup,
    Suggestion,
    _check_columns,
    _check_k,
    _key,
    _small_groups,
    _table,
    band_value,
    show_value,
)


def check_groups(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    k: int = DEFAULT_K,
) -> DisclosureReport:
    """Check that every combination of ``columns`` describes at least ``k`` participants.

    ``rows`` holds one mapping per participant (attribute name -> value).
    With no columns the whole table is one group, so fewer than ``k``
    participants in all is itself a small group.
    """
    _check_k(k)
    cols = _check_columns(columns)
    table = _table(rows, cols)
    small = _small_groups(table, k)
    groups = sorted(
        (SmallGroup(tuple(zip(cols, combo)), size) for combo, size in small.items()),
        key=lambda g: (g.size, tuple(show_value(v) for _, v in g.combination)),
    )
    suggestions = [] if not groups else _suggest(table, cols, k, small)
    return DisclosureReport(ok=not groups, k=k, columns=cols, small_groups=groups,
                            suggestions=suggestions)


def apply_suggestion(
    rows: Sequence[Mapping[str, object]], suggestion: Suggestion
) -> list[dict[str, object]]:
    """Return copies of ``rows`` coarsened as ``suggestion`` says (the input is not changed)."""
    column = suggestion.column
    out: list[dict[str, object]] = []
    merged = set(suggestion.merged)
    for row in rows:
        if not isinstance(row, Mapping):
            raise InvalidInput("Each participant must be a mapping of attribute names to values.")
        new = dict(row)
        if suggestion.kind == "drop":
            new.pop(column, None)
        elif suggestion.kind == "band":
            if suggestion.width is None:
                raise InvalidInput("A band suggestion needs a width.")
            value = _key(row.get(column))
            if column in row or value is not None:
                new[column] = None if value is None else band_value(value, suggestion.width)
        elif suggestion.kind == "merge":
            if _key(row.get(column)) in merged:
                new[column] = OTHER
        else:
            raise InvalidInput(f"Unknown kind of suggestion: {suggestion.kind!r}.")
        out.append(new)
    return out


def coarsen_until_safe(
    rows: Sequence[Mapping[str, object]],
    columns: Sequence[str],
    k: int = DEFAULT_K,
) -> tuple[list[dict[str, object]], list[str], list[Suggestion]]:
    """Apply the best suggestion, check again, and repeat until no group is smaller than k.

    For when no single suggestion is enough. Returns the coarsened rows, the
    columns still reported, and the suggestions applied in order. If even
    that cannot help (fewer than k participants in all), the last report
    still fails: check the result with :func:`check_groups`.
    """
    _check_k(k)
    cols = list(_check_columns(columns))
    _table(rows, ())  # every row a mapping
    current = [dict(row) for row in rows]
    applied: list[Suggestion] = []
    # every step strictly coarsens one column, so this bound is never reached
    for _ in range(1 + len(cols) * (len(BAND_WIDTHS) + len(current) + 2)):
        report = check_groups(current, cols, k)
        if report.ok or not report.suggestions:
            break
        step = report.suggestions[0]
        current = apply_suggestion(current, step)
        if step.kind == "drop":
            cols.remove(step.column)
        applied.append(step)
    return current, cols, applied


def check_attribute_groups(group_sizes: Mapping[str, int], k: int = DEFAULT_K) -> list[str]:
    """The labels of the groups (e.g. matrix columns by attribute value) with 1 to k-1 participants.

    An empty group (0) discloses no one and is not reported. Order follows ``group_sizes``.
    """
    _check_k(k)
    small: list[str] = []
    for label, size in group_sizes.items():
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 0:
            raise InvalidInput(f"The size of group {label!r} must be a whole number "
                               f"of participants, not {size!r}.")
        if 0 < size < k:
            small.append(label)
    return small


__all__ = [
    "BAND_WIDTHS",
    "DEFAULT_K",
    "NOT_RECORDED",
    "OTHER",
    "DisclosureReport",
    "SmallGroup",
    "Suggestion",
    "apply_suggestion",
    "band_value",
    "check_attribute_groups",
    "coarsen_until_safe",
    "check_groups",
    "show_value",
]
