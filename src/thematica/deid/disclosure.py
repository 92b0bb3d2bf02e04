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

import math
import numbers
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..errors import InvalidInput, OutputBlocked

#: The smallest group size allowed by default.
DEFAULT_K = 3
#: How a missing value is shown; it counts as a value of its own.
NOT_RECORDED = "not recorded"
#: The category rare values are merged into.
OTHER = "Other"
#: Band widths tried for numeric attributes, narrowest first.
BAND_WIDTHS: tuple[int, ...] = (5, 10, 20)

SuggestionKind = Literal["band", "merge", "drop"]
_KIND_ORDER = {"band": 0, "merge": 1, "drop": 2}
_YEARS = re.compile(r"(?<![a-z])(age|ages|year|years)(?![a-z])", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SmallGroup:
    """A combination of attribute values shared by fewer than k participants.

    ``combination`` is a tuple of (column, value) pairs in the order of the
    columns checked; a missing value is ``None``. ``size`` is how many
    participants share it.
    """

    combination: tuple[tuple[str, object], ...]
    size: int

    def describe(self) -> str:
        """The group in words, e.g. ``gender = man, age = 34 (1 participant)``."""
        people = f"{self.size} participant{'s' if self.size != 1 else ''}"
        if not self.combination:
            return f"all participants ({people})"
        parts = ", ".join(f"{column} = {show_value(value)}" for column, value in self.combination)
        return f"{parts} ({people})"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One way to coarsen the table, and what it achieves on its own.

    ``kind`` is "band" (report ``column`` in bands ``width`` wide), "merge"
    (report the values in ``merged`` as "Other") or "drop" (leave ``column``
    out). ``fixes`` is whether applying this suggestion alone leaves no group
    smaller than k; ``remaining_groups`` and ``remaining_people`` count what
    is still too small; ``information_loss`` is the information about the
    column that is given up, in bits (entropy before minus after).
    """

    kind: SuggestionKind
    column: str
    description: str
    fixes: bool
    remaining_groups: int
    remaining_people: int
    information_loss: float
    width: int | None = None
    merged: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class DisclosureReport:
    """The result of :func:`check_groups`.

    ``ok`` is true when every combination of ``columns`` describes at least
    ``k`` participants; otherwise ``small_groups`` lists the combinations
    that do not (smallest first) and ``suggestions`` the possible fixes
    (best first).
    """

    ok: bool
    k: int
    columns: tuple[str, ...]
    small_groups: list[SmallGroup] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def people_at_risk(self) -> int:
        """How many participants are in a group smaller than k."""
        return sum(group.size for group in self.small_groups)

    def findings(self) -> list[str]:
        """One plain line per small group, for a researcher to act on."""
        return [f"{group.describe()}: fewer than {self.k}" for group in self.small_groups]

    def raise_if_unsafe(self, what: str = "This output") -> None:
        """Raise OutputBlocked (with the findings) unless the report is ok."""
        if self.ok:
            return
        count = len(self.small_groups)
        hint = f" {self.suggestions[0].description}" if self.suggestions else ""
        raise OutputBlocked(
            f"{what} would show {count} group{'s' if count != 1 else ''} of fewer than "
            f"{self.k} participants ({', '.join(self.columns)}).{hint}",
            self.findings(),
        )


# ---------------------------------------------------------------- public functions


def show_value(value: object) -> str:
    """A value as a researcher would read it: ``None`` is "not recorded", 34.0 is "34"."""
    value = _key(value)
    if value is None:
        return NOT_RECORDED
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def band_value(value: object, width: int) -> str:
    """The band of ``width`` holding ``value``, aligned to multiples of width: ``34, 10 -> "30–39"``.

    Bands are half-open (39.5 is in "30–39"); a missing value gives "not
    recorded". A band label can be widened ("30–39", 20 -> "20–39") when the
    new width is a multiple of its own.
    """
    if isinstance(width, bool) or not isinstance(width, int) or width < 1:
        raise InvalidInput(f"A band width must be a whole number of at least 1, not {width!r}.")
    value = _key(value)
    if value is None:
        return NOT_RECORDED
    parsed = _as_band(value)
    if parsed is None:
        raise InvalidInput(f"Only numbers can be put in bands, not {value!r}.")
    low_value, own = parsed
    if own and (width % own or low_value % own):
        raise InvalidInput(f"The band {value!r} cannot be reported in bands {width} wide "
                           "without guessing; use a multiple of its width.")
    low = int(math.floor(low_value / width)) * width
    if width == 1:
        return str(low)
    return f"{low}–{low + width - 1}"


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


# ---------------------------------------------------------------- internals

Combo = tuple[object, ...]


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise InvalidInput(f"The smallest group size k must be a whole number of at least 1, not {k!r}.")


def _check_columns(columns: Sequence[str]) -> tuple[str, ...]:
    if isinstance(columns, str):
        raise InvalidInput("Give the attributes to check as a list of names, not a single string.")
    cols = tuple(columns)
    for column in cols:
        if not isinstance(column, str):
            raise InvalidInput(f"Attribute names must be text, not {column!r}.")
    duplicates = sorted({c for c in cols if cols.count(c) > 1})
    if duplicates:
        raise InvalidInput(f"Attribute listed more than once: {', '.join(duplicates)}.")
    return cols


def _key(value: object) -> object:
    """The grouping key of a value: missing (None, NaN) becomes None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _is_number(value: object) -> bool:
    return (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool)
        and math.isfinite(value)  # type: ignore[arg-type]
    )


_BAND_LABEL = re.compile(r"^(-?\d+)–(-?\d+)$")


def _as_band(value: object) -> tuple[float, int] | None:
    """(low end, width) of a number (width 0: exact) or of a band label like "30–39"."""
    if _is_number(value):
        return float(value), 0  # type: ignore[arg-type]
    if isinstance(value, str):
        match = _BAND_LABEL.match(value)
        if match:
            low, high = int(match[1]), int(match[2])
            if high > low:
                return float(low), high - low + 1
    return None


def _band_widths(present: Sequence[object]) -> list[int] | None:
    """The widths of BAND_WIDTHS a numeric (or already banded) column can use; None if not numeric."""
    parsed = [_as_band(v) for v in present]
    if not parsed or any(p is None for p in parsed):
        return None
    return [
        width for width in BAND_WIDTHS
        if all(not own or (width % own == 0 and low % own == 0)
               for low, own in parsed)  # type: ignore[misc]
    ]


def _table(rows: Sequence[Mapping[str, object]], cols: tuple[str, ...]) -> list[Combo]:
    table: list[Combo] = []
    for row in rows:
        if not isinstance(row, Mapping):
            raise InvalidInput("Each participant must be a mapping of attribute names to values.")
        combo = tuple(_key(row.get(c)) for c in cols)
        for column, value in zip(cols, combo):
            try:
                hash(value)
            except TypeError:
                raise InvalidInput(f"The value of {column!r} must be a single value, not {value!r}.") from None
        table.append(combo)
    return table


def _small_groups(table: list[Combo], k: int) -> dict[Combo, int]:
    return {combo: size for combo, size in Counter(table).items() if size < k}


def _entropy(values: Sequence[object]) -> float:
    total = len(values)
    if not total:
        return 0.0
    return -sum((c / total) * math.log2(c / total) for c in Counter(values).values())


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
