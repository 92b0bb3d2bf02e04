"""Themes as data: create, name, define, build from codes, merge, split, move, demote, quote."""

from __future__ import annotations

from typing import Mapping, Sequence

from ..errors import Conflict, InvalidInput, NotFound
from ..model import Code, CodeOrigin, CodeStatus, Phase, Theme, ThemeName, ThemeStatus
from ..store import Writer
from ..store.convert import now
from .codebook import CodeRef, _resolve
from .codebook import _descendants as _code_descendants
from .core import new_guid
from .notes import NotesMixin
from .trees import check_unique, clean_name, descendants

ThemeRef = str | int | Theme


class ThemesMixin(NotesMixin):
    """Braun & Clarke phases 3-5: codes grouped into themes, reviewed, defined and named."""

    def themes(self, include_deleted: bool = False) -> list[Theme]:
        """All themes (siblings in order), each with its codes and chosen quotes."""
        with self._read() as r:
            return r.themes(include_deleted)

    def theme(self, ref: ThemeRef, include_deleted: bool = False) -> Theme:
        """A theme by id or name (case-insensitive)."""
        return _find_theme(self.themes(include_deleted), ref)

    def subthemes(self, ref: ThemeRef) -> list[Theme]:
        """A theme's subthemes at any depth, in order (not the theme itself)."""
        themes = self.themes()
        return _descendants(themes, _find_theme(themes, ref).id)

    def theme_names(self, ref: ThemeRef) -> list[ThemeName]:
        """The naming history of a theme, oldest first."""
        theme = self.theme(ref, include_deleted=True)
        with self._read() as r:
            return r.theme_names(theme.id)

    def create_theme(
        self,
        name: str,
        *,
        parent: ThemeRef | None = None,
        definition: str = "",
        concept: str = "",
        codes: Sequence[CodeRef] = (),
    ) -> Theme:
        """Make a candidate theme (or a subtheme under ``parent``), optionally from codes."""
        with self._change("theme.create", "") as ch:
            w = ch.writer
            themes = w.themes()
            name = _clean_name(name)
            _check_unique(themes, name)
            parent_id = None if parent is None else _find_theme(themes, parent).id
            position = 1 + max((t.position for t in themes if t.parent_id == parent_id), default=0)
            theme_id = w.insert(
                "theme",
                {
                    "guid": new_guid(), "name": name, "parent_id": parent_id, "definition": definition.strip(),
                    "concept": concept.strip(), "status": ThemeStatus.CANDIDATE.value, "narrative": "",
                    "position": position, "deleted": 0, "created_at": now(),
                },
            )
            self._record_name(w, theme_id, name)
            all_codes = w.codes()
            members = list(dict.fromkeys(_resolve(all_codes, ref).id for ref in codes))
            for code_id in members:
                w.insert("theme_code", {"theme_id": theme_id, "code_id": code_id})
            ch.summary = f"created theme {name}" + (f" with {len(members)} codes" if members else "")
            ch.details = {"theme_id": theme_id}
        return self.theme(theme_id)

    def _record_name(self, w: Writer, theme_id: int, name: str) -> None:
        phase = int(w.meta().get("phase", str(int(Phase.FAMILIARISE))))
        w.insert("theme_name", {"theme_id": theme_id, "name": name, "at": now(), "actor": self.actor, "phase": phase})

    def rename_theme(self, ref: ThemeRef, new_name: str) -> Theme:
        """Rename a theme; the old name stays in its naming history."""
        with self._change("theme.rename", "") as ch:
            themes = ch.writer.themes()
            theme = _find_theme(themes, ref)
            name = _clean_name(new_name)
            if name == theme.name:
                raise InvalidInput(f"the theme is already called {name!r}")
            _check_unique([t for t in themes if t.id != theme.id], name)
            ch.writer.update("theme", theme.id, {"name": name})
            self._record_name(ch.writer, theme.id, name)
            ch.summary = f"renamed theme {theme.name} to {name}"
            ch.details = {"theme_id": theme.id, "old": theme.name, "new": name}
        return self.theme(theme.id)

    def define_theme(
        self,
        ref: ThemeRef,
        *,
        definition: str | None = None,
        concept: str | None = None,
        narrative: str | None = None,
        status: ThemeStatus | str | None = None,
    ) -> Theme:
        """Write a theme's definition, central organising concept, report narrative or status."""
        values: dict[str, str] = {}
        for key, value in (("definition", definition), ("concept", concept), ("narrative", narrative)):
            if value is not None:
                values[key] = value.strip()
        if status is not None:
            values["status"] = _status(status).value
        if not values:
            raise InvalidInput("nothing to change: give a definition, concept, narrative or status")
        with self._change("theme.define", "") as ch:
            theme = _find_theme(ch.writer.themes(), ref)
            ch.writer.update("theme", theme.id, values)
            ch.summary = f"set {', '.join(sorted(values))} of theme {theme.name}"
            ch.details = {"theme_id": theme.id}
        return self.theme(theme.id)

    def move_theme(self, ref: ThemeRef, parent: ThemeRef | None) -> Theme:
        """Make a theme a subtheme of another, or a top-level theme with ``None``."""
        with self._change("theme.move", "") as ch:
            themes = ch.writer.themes()
            theme = _find_theme(themes, ref)
            parent_id = None
            if parent is not None:
                target = _find_theme(themes, parent)
                if target.id == theme.id or target.id in {d.id for d in _descendants(themes, theme.id)}:
                    raise InvalidInput(f"cannot put {theme.name} under itself or one of its subthemes")
                parent_id = target.id
            position = 1 + max((t.position for t in themes if t.parent_id == parent_id), default=0)
            ch.writer.update("theme", theme.id, {"parent_id": parent_id, "position": position})
            ch.summary = f"moved theme {theme.name} " + ("to the top level" if parent_id is None else f"under #{parent_id}")
            ch.details = {"theme_id": theme.id, "parent_id": parent_id}
        return self.theme(theme.id)

    def assign_codes(self, ref: ThemeRef, codes: Sequence[CodeRef]) -> Theme:
        """Put codes into a theme (a code may serve several themes; `theme_warnings` flags it)."""
        with self._change("theme.assign", "") as ch:
            theme = _find_theme(ch.writer.themes(), ref)
            all_codes = ch.writer.codes()
            added: list[Code] = []
            for code in (_resolve(all_codes, c) for c in codes):
                if code.id not in theme.code_ids and code.id not in {c.id for c in added}:
                    ch.writer.insert("theme_code", {"theme_id": theme.id, "code_id": code.id})
                    added.append(code)
            if not added:
                raise InvalidInput(f"those codes are already in {theme.name}")
            ch.summary = f"put {', '.join(c.name for c in added)} into theme {theme.name}"
            ch.details = {"theme_id": theme.id, "code_ids": [c.id for c in added]}
        return self.theme(theme.id)

    def unassign_codes(self, ref: ThemeRef, codes: Sequence[CodeRef]) -> Theme:
        """Take codes out of a theme."""
        with self._change("theme.unassign", "") as ch:
            w = ch.writer
            theme = _find_theme(w.themes(), ref)
            removed = []
            for code in (_resolve(w.codes(), c) for c in codes):
                link = w.theme_link_id("theme_code", theme.id, "code_id", code.id)
                if link is None:
                    raise NotFound(f"{code.name} is not in theme {theme.name}")
                w.delete("theme_code", link)
                removed.append(code.name)
            ch.summary = f"took {', '.join(removed)} out of theme {theme.name}"
            ch.details = {"theme_id": theme.id}
        return self.theme(theme.id)

    def move_code_to_theme(self, code: CodeRef, from_theme: ThemeRef, to_theme: ThemeRef) -> None:
        """Move a code from one theme to another in one change."""
        with self._change("theme.move_code", "") as ch:
            w = ch.writer
            themes = w.themes()
            source, target = _find_theme(themes, from_theme), _find_theme(themes, to_theme)
            item = _resolve(w.codes(), code)
            link = w.theme_link_id("theme_code", source.id, "code_id", item.id)
            if link is None:
                raise NotFound(f"{item.name} is not in theme {source.name}")
            w.delete("theme_code", link)
            if item.id not in target.code_ids:
                w.insert("theme_code", {"theme_id": target.id, "code_id": item.id})
            ch.summary = f"moved {item.name} from theme {source.name} to {target.name}"

    def merge_themes(self, sources: Sequence[ThemeRef], into: ThemeRef) -> Theme:
        """Merge themes into one: their codes, quotes and subthemes move to it; they are deleted."""
        with self._change("theme.merge", "") as ch:
            w = ch.writer
            themes = w.themes()
            target = _find_theme(themes, into)
            merged = [_find_theme(themes, ref) for ref in sources]
            if any(t.id == target.id for t in merged):
                raise InvalidInput("a theme cannot be merged into itself")
            if any(target.id in {d.id for d in _descendants(themes, t.id)} for t in merged):
                raise InvalidInput(f"cannot merge a theme into its own subtheme {target.name}")
            codes, quotes = set(target.code_ids), set(target.quote_ids)
            merged_ids = {t.id for t in merged}
            for theme in merged:
                for code_id in theme.code_ids:
                    if code_id not in codes:
                        w.insert("theme_code", {"theme_id": target.id, "code_id": code_id})
                        codes.add(code_id)
                for position, segment_id in enumerate(theme.quote_ids, start=len(quotes) + 1):
                    if segment_id not in quotes:
                        row = {"theme_id": target.id, "segment_id": segment_id, "position": position}
                        w.insert("theme_quote", row)
                        quotes.add(segment_id)
                w.update("theme", theme.id, {"deleted": 1})
            for child in themes:
                if child.parent_id in merged_ids and child.id not in merged_ids:
                    w.update("theme", child.id, {"parent_id": target.id})
            ch.summary = f"merged {', '.join(t.name for t in merged)} into theme {target.name}"
            ch.details = {"into": target.id, "merged": sorted(merged_ids)}
        return self.theme(target.id)

    def split_theme(self, ref: ThemeRef, parts: Mapping[str, Sequence[CodeRef]]) -> list[Theme]:
        """Split a theme: new sibling themes named by ``parts``, each taking the listed codes from it."""
        if not parts:
            raise InvalidInput("name at least one new theme to split into")
        with self._change("theme.split", "") as ch:
            w = ch.writer
            themes = w.themes()
            theme = _find_theme(themes, ref)
            all_codes = w.codes()
            made = []
            position = 1 + max((t.position for t in themes if t.parent_id == theme.parent_id), default=0)
            for offset, (raw_name, codes) in enumerate(parts.items()):
                name = _clean_name(raw_name)
                _check_unique(themes, name)
                new_id = w.insert(
                    "theme",
                    {
                        "guid": new_guid(), "name": name, "parent_id": theme.parent_id, "definition": "",
                        "concept": "", "status": ThemeStatus.CANDIDATE.value, "narrative": "",
                        "position": position + offset, "deleted": 0, "created_at": now(),
                    },
                )
                self._record_name(w, new_id, name)
                for code in (_resolve(all_codes, c) for c in codes):
                    link = w.theme_link_id("theme_code", theme.id, "code_id", code.id)
                    if link is None:
                        raise NotFound(f"{code.name} is not in theme {theme.name}")
                    w.delete("theme_code", link)
                    w.insert("theme_code", {"theme_id": new_id, "code_id": code.id})
                made.append(new_id)
                themes = w.themes()
            ch.summary = f"split theme {theme.name} into {', '.join(parts)}"
            ch.details = {"theme_id": theme.id, "new": made}
        return [self.theme(i) for i in made]

    def demote_theme(self, ref: ThemeRef, *, parent_code: CodeRef | None = None) -> int:
        """Turn a theme back into a code: a new code with its name and definition, its codes beneath it.

        The theme is deleted; its subthemes move up to its parent. Returns the new code's id.
        """
        with self._change("theme.demote", "") as ch:
            w = ch.writer
            themes = w.themes()
            theme = _find_theme(themes, ref)
            codes = w.codes()
            if any(c.name.casefold() == theme.name.casefold() for c in codes):
                raise Conflict(f"there is already a code named {theme.name!r}; rename the theme first")
            parent = None if parent_code is None else _resolve(codes, parent_code)
            if parent is not None:
                below = set(theme.code_ids) | {d.id for c in theme.code_ids for d in _code_descendants(codes, c)}
                if parent.id in below:
                    raise InvalidInput(f"{parent.name} is one of the theme's codes; the new code cannot go under it")
            fields = {"definition": theme.definition}
            code_id = self._insert_code(w, theme.name, parent, CodeOrigin.INDUCTIVE, CodeStatus.ACTIVE, fields)
            for member in theme.code_ids:
                if member != code_id:
                    w.update("code", member, {"parent_id": code_id})
            for child in themes:
                if child.parent_id == theme.id:
                    w.update("theme", child.id, {"parent_id": theme.parent_id})
            w.update("theme", theme.id, {"deleted": 1})
            ch.summary = f"demoted theme {theme.name} to a code"
            ch.details = {"theme_id": theme.id, "code_id": code_id}
        return code_id

    def delete_theme(self, ref: ThemeRef) -> Theme:
        """Delete a theme (its subthemes move up); `restore_theme` or undo bring it back."""
        with self._change("theme.delete", "") as ch:
            themes = ch.writer.themes()
            theme = _find_theme(themes, ref)
            for child in themes:
                if child.parent_id == theme.id:
                    ch.writer.update("theme", child.id, {"parent_id": theme.parent_id})
            ch.writer.update("theme", theme.id, {"deleted": 1})
            ch.summary = f"deleted theme {theme.name}"
        return theme

    def restore_theme(self, ref: ThemeRef) -> Theme:
        """Bring back a deleted theme with its codes and quotes."""
        with self._change("theme.restore", "") as ch:
            everything = ch.writer.themes(include_deleted=True)
            theme = _find_theme([t for t in everything if t.deleted], ref)
            live = [t for t in everything if not t.deleted]
            _check_unique(live, theme.name)
            values: dict[str, object] = {"deleted": 0}
            if theme.parent_id is not None and not any(t.id == theme.parent_id for t in live):
                values["parent_id"] = None
            ch.writer.update("theme", theme.id, values)
            ch.summary = f"restored theme {theme.name}"
        return self.theme(theme.id)

    def choose_quote(self, ref: ThemeRef, segment_id: int) -> Theme:
        """Pick a coded segment as a key extract of a theme (quoted first in the report)."""
        with self._change("theme.quote", "") as ch:
            w = ch.writer
            theme = _find_theme(w.themes(), ref)
            segment = w.segment(segment_id)
            if segment is None:
                raise NotFound(f"no segment #{segment_id}")
            if segment_id in theme.quote_ids:
                raise InvalidInput(f"segment #{segment_id} is already a key extract of {theme.name}")
            w.insert("theme_quote", {"theme_id": theme.id, "segment_id": segment_id, "position": len(theme.quote_ids) + 1})
            ch.summary = f"chose segment #{segment_id} as a key extract of theme {theme.name}"
        return self.theme(theme.id)

    def drop_quote(self, ref: ThemeRef, segment_id: int) -> Theme:
        """Stop using a segment as a key extract of a theme."""
        with self._change("theme.unquote", "") as ch:
            theme = _find_theme(ch.writer.themes(), ref)
            link = ch.writer.theme_link_id("theme_quote", theme.id, "segment_id", segment_id)
            if link is None:
                raise NotFound(f"segment #{segment_id} is not a key extract of {theme.name}")
            ch.writer.delete("theme_quote", link)
            ch.summary = f"dropped segment #{segment_id} from the key extracts of theme {theme.name}"
        return self.theme(theme.id)


def theme_tree(themes: Sequence[Theme]) -> list[tuple[int, Theme]]:
    """Themes depth first, each with its depth (parents before children, siblings in order)."""
    ids = {t.id for t in themes}
    children: dict[int | None, list[Theme]] = {}
    for t in themes:
        children.setdefault(t.parent_id if t.parent_id in ids else None, []).append(t)
    ordered: list[tuple[int, Theme]] = []

    def walk(parent: int | None, depth: int) -> None:
        for child in sorted(children.get(parent, []), key=lambda t: (t.position, t.id)):
            ordered.append((depth, child))
            walk(child.id, depth + 1)

    walk(None, 0)
    return ordered


def _find_theme(themes: Sequence[Theme], ref: ThemeRef) -> Theme:
    if isinstance(ref, Theme):
        ref = ref.id
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().lstrip("#").isdigit()):
        wanted = int(str(ref).strip().lstrip("#"))
        found = next((t for t in themes if t.id == wanted), None)
    else:
        key = " ".join(ref.split()).casefold()
        found = next((t for t in themes if t.name.casefold() == key), None)
    if found is None:
        raise NotFound(f"no theme {ref!r}")
    return found


def _descendants(themes: Sequence[Theme], theme_id: int) -> list[Theme]:
    return descendants(themes, theme_id)


def _check_unique(themes: Sequence[Theme], name: str) -> None:
    check_unique(themes, name, "theme")


def _clean_name(name: str) -> str:
    return clean_name(name, "theme")


def _status(value: ThemeStatus | str) -> ThemeStatus:
    try:
        return ThemeStatus(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        names = ", ".join(s.value for s in ThemeStatus)
        raise InvalidInput(f"a theme's status is one of {names}, not {value!r}") from None
