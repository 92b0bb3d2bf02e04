"""Groups of participants: the values, report types and helpers that the small-group check and its suggestions share."""

from __future__ import annotations

import math
import numbers
import re
from collections import Counter
from collections.abc import Mapping, Sequence
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
