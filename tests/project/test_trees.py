"""The tree and naming helpers codes and themes share."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from thematica.errors import Conflict, InvalidInput
from thematica.project.trees import check_unique, clean_name, descendants


@dataclass(frozen=True)
class Item:
    id: int
    name: str
    parent_id: int | None = None


def test_descendants_level_by_level_in_order_and_safe_from_cycles() -> None:
    items = [Item(1, "a"), Item(2, "b", 1), Item(3, "c", 1), Item(4, "d", 2), Item(5, "e", 9)]
    assert [i.id for i in descendants(items, 1)] == [2, 3, 4]
    looped = [Item(1, "a", 2), Item(2, "b", 1)]
    assert [i.id for i in descendants(looped, 1)] == [2]


def test_names() -> None:
    assert clean_name("  Letting   go ", "code") == "Letting go"
    for bad in ("", "  ", "12", "#12"):
        with pytest.raises(InvalidInput):
            clean_name(bad, "theme")
    with pytest.raises(Conflict, match="theme named"):
        check_unique([Item(1, "Hope")], "hope", "theme")
