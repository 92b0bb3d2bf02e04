"""What codes and themes share: names that are unique and readable, and trees through ``parent_id``."""

from __future__ import annotations

from typing import Protocol, Sequence, TypeVar

from ..errors import Conflict, InvalidInput


class Node(Protocol):
    """Anything in a tree: a code or a theme."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def parent_id(self) -> int | None: ...


N = TypeVar("N", bound=Node)


def descendants(items: Sequence[N], item_id: int) -> list[N]:
    """Everything below ``item_id`` at any depth, level by level, siblings in their order (not the item itself)."""
    children: dict[int | None, list[N]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    found: list[N] = []
    seen = {item_id}
    frontier = [item_id]
    while frontier:
        level = [child for parent in frontier for child in children.get(parent, []) if child.id not in seen]
        seen.update(child.id for child in level)  # a damaged file with a cycle cannot loop forever
        found.extend(level)
        frontier = [child.id for child in level]
    return found


def check_unique(items: Sequence[Node], name: str, what: str) -> None:
    """Refuse a name another item already has (case-insensitively)."""
    if any(item.name.casefold() == name.casefold() for item in items):
        raise Conflict(f"there is already a {what} named {name!r}")


def clean_name(name: str, what: str) -> str:
    """A name with its spaces folded; refused if empty or if it would read as a number ("12", "#12")."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InvalidInput(f"a {what} needs a name")
    if cleaned.lstrip("#").isdigit():
        raise InvalidInput(f"{cleaned!r} would be read as a {what} number; choose a name with letters")
    return cleaned
