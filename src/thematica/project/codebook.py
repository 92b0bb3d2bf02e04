"""The codebook: hierarchical codes, their documentation, and operations on them."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..errors import InvalidInput, NotFound
from ..ingest import read_table
from ..model import Code, CodeOrigin, CodeStatus
from ..store import Writer
from ..store.convert import now
from .core import ProjectCore, new_guid
from .trees import check_unique, clean_name, descendants

#: Columns of the codebook CSV, in order (import accepts any order and subset, but needs ``name``).
CODEBOOK_COLUMNS = ("name", "parent", "origin", "status", "colour", "definition", "inclusion", "exclusion", "example")
_TEXT_FIELDS = ("colour", "definition", "inclusion", "exclusion", "example")

CodeRef = str | int | Code


class CodebookMixin(ProjectCore):
    """Create, document, rename, move, merge, split, delete and restore codes."""

    def codes(self, include_deleted: bool = False) -> list[Code]:
        """All codes, in creation order."""
        with self._read() as r:
            return r.codes(include_deleted)

    def code_by(self, ref: CodeRef, include_deleted: bool = False) -> Code:
        """A code by id, name (case-insensitive) or ``Parent/Child`` path."""
        return _resolve(self.codes(include_deleted=include_deleted), ref)

    def code_path(self, code: CodeRef) -> str:
        """``Parent/Child`` path of a code."""
        codes = {c.id: c for c in self.codes(include_deleted=True)}
        return _path(codes, _resolve(list(codes.values()), code).id)

    def descendants(self, code: CodeRef) -> list[Code]:
        """A code's sub-codes at any depth (not the code itself)."""
        codes = self.codes()
        return _descendants(codes, _resolve(codes, code).id)

    def create_code(
        self,
        name: str,
        *,
        parent: CodeRef | None = None,
        origin: CodeOrigin | str = CodeOrigin.INDUCTIVE,
        status: CodeStatus | str = CodeStatus.ACTIVE,
        colour: str = "",
        definition: str = "",
        inclusion: str = "",
        exclusion: str = "",
        example: str = "",
    ) -> Code:
        """Add a code to the codebook."""
        fields = {"colour": colour, "definition": definition, "inclusion": inclusion, "exclusion": exclusion}
        fields["example"] = example
        with self._change("code.create", f"created code {name.strip()}") as ch:
            code_id = self._insert_code(ch.writer, name, parent, _origin(origin), _status(status), fields)
            ch.details = {"code_id": code_id}
        return self.code_by(code_id)

    def _insert_code(
        self, w: Writer, name: str, parent: CodeRef | None, origin: CodeOrigin, status: CodeStatus, fields: Mapping[str, str]
    ) -> int:
        name = _clean_name(name)
        codes = w.codes()
        _check_unique(codes, name)
        parent_id = None if parent in (None, "") else _resolve(codes, parent).id  # type: ignore[arg-type]
        return w.insert(
            "code",
            {
                "guid": new_guid(),
                "name": name,
                "parent_id": parent_id,
                "origin": origin.value,
                "status": status.value,
                "deleted": 0,
                "created_at": now(),
                **{k: (fields.get(k) or "").strip() for k in _TEXT_FIELDS},
            },
        )

    def update_code(self, code: CodeRef, **fields: Any) -> Code:
        """Change a code's documentation: colour, definition, inclusion, exclusion, example, origin, status."""
        allowed = set(_TEXT_FIELDS) | {"origin", "status"}
        unknown = set(fields) - allowed
        if unknown:
            raise InvalidInput(f"a code has no field {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {k: str(v).strip() for k, v in fields.items() if k in _TEXT_FIELDS}
        if "origin" in fields:
            values["origin"] = _origin(fields["origin"]).value
        if "status" in fields:
            values["status"] = _status(fields["status"]).value
        with self._change("code.update", "") as ch:
            target = _resolve(ch.writer.codes(), code)
            ch.summary = f"updated {', '.join(sorted(values))} of code {target.name}"
            ch.details = {"code_id": target.id}
            ch.writer.update("code", target.id, values)
        return self.code_by(target.id)

    def rename_code(self, code: CodeRef, new_name: str) -> Code:
        """Rename a code."""
        with self._change("code.rename", "") as ch:
            codes = ch.writer.codes()
            target = _resolve(codes, code)
            name = _clean_name(new_name)
            if name == target.name:
                raise InvalidInput(f"the code is already called {name!r}")
            _check_unique([c for c in codes if c.id != target.id], name)
            ch.summary = f"renamed code {target.name} to {name}"
            ch.details = {"code_id": target.id, "old": target.name, "new": name}
            ch.writer.update("code", target.id, {"name": name})
        return self.code_by(target.id)

    def move_code(self, code: CodeRef, parent: CodeRef | None) -> Code:
        """Put a code under another (or at the top with ``None``)."""
        with self._change("code.move", "") as ch:
            codes = ch.writer.codes()
            target = _resolve(codes, code)
            parent_id = None if parent in (None, "") else _new_parent(codes, target, parent)  # type: ignore[arg-type]
            where = _resolve(codes, parent_id).name if parent_id else "the top level"
            ch.summary = f"moved code {target.name} under {where}"
            ch.details = {"code_id": target.id, "parent_id": parent_id}
            ch.writer.update("code", target.id, {"parent_id": parent_id})
        return self.code_by(target.id)

    def merge_codes(self, sources: Sequence[CodeRef], into: CodeRef) -> Code:
        """Merge codes into ``into``: their segments and sub-codes move over, they are deleted (restorable).

        A segment that would duplicate one already on the target (same
        coder, same span) is removed rather than doubled.
        """
        with self._change("code.merge", "") as ch:
            w = ch.writer
            codes = w.codes()
            target = _resolve(codes, into)
            merged = [_resolve(codes, ref) for ref in sources]
            if any(c.id == target.id for c in merged):
                raise InvalidInput("a code cannot be merged into itself")
            if any(target.id in {d.id for d in _descendants(codes, c.id)} for c in merged):
                raise InvalidInput(f"cannot merge a code into its own sub-code {target.name}")
            have = {(s.coder_id, s.source_id, s.start, s.end) for s in w.segments(code_ids=[target.id])}
            moved = dropped = 0
            for seg in w.segments(code_ids=[c.id for c in merged]):
                key = (seg.coder_id, seg.source_id, seg.start, seg.end)
                if key in have:
                    self._delete_segment(w, seg.id)
                    dropped += 1
                else:
                    w.update("segment", seg.id, {"code_id": target.id})
                    have.add(key)
                    moved += 1
            merged_ids = {c.id for c in merged}
            for child in codes:
                if child.parent_id in merged_ids and child.id not in merged_ids:
                    w.update("code", child.id, {"parent_id": target.id})
            for c in merged:
                w.update("code", c.id, {"deleted": 1})
            names = ", ".join(c.name for c in merged)
            ch.summary = f"merged {names} into {target.name} ({moved} segments moved, {dropped} duplicates dropped)"
            ch.details = {"into": target.id, "merged": sorted(merged_ids), "moved": moved, "dropped": dropped}
        return self.code_by(target.id)

    def split_code(
        self, code: CodeRef, new_names: Sequence[str], moves: Mapping[int, str] | None = None
    ) -> list[Code]:
        """Split a code: create sibling codes ``new_names`` and move the segments in ``moves`` (segment id -> new name) to them."""
        if not new_names:
            raise InvalidInput("name at least one new code to split into")
        with self._change("code.split", "") as ch:
            w = ch.writer
            target = _resolve(w.codes(), code)
            created: dict[str, int] = {}
            for name in new_names:
                fields = {"colour": target.colour}
                created[_clean_name(name).casefold()] = self._insert_code(
                    w, name, target.parent_id, target.origin, CodeStatus.ACTIVE, fields
                )
            segments = {s.id: s for s in w.segments(code_ids=[target.id])}
            for seg_id, name in (moves or {}).items():
                if seg_id not in segments:
                    raise NotFound(f"segment #{seg_id} is not coded with {target.name}")
                new_id = created.get(name.strip().casefold())
                if new_id is None:
                    raise InvalidInput(f"{name!r} is not one of the new codes")
                w.update("segment", seg_id, {"code_id": new_id})
            ch.summary = f"split {target.name} into {', '.join(new_names)} ({len(moves or {})} segments moved)"
            ch.details = {"code_id": target.id, "new": sorted(created.values())}
        return [self.code_by(i) for i in created.values()]

    def delete_code(self, code: CodeRef) -> list[Code]:
        """Delete a code and its sub-codes; their segments are kept and come back with ``restore_code``."""
        with self._change("code.delete", "") as ch:
            codes = ch.writer.codes()
            target = _resolve(codes, code)
            gone = [target, *_descendants(codes, target.id)]
            for c in gone:
                ch.writer.update("code", c.id, {"deleted": 1})
            ch.summary = f"deleted code {target.name}" + (f" and {len(gone) - 1} sub-codes" if len(gone) > 1 else "")
            ch.details = {"code_ids": [c.id for c in gone]}
        return gone

    def restore_code(self, code: CodeRef) -> Code:
        """Bring back a deleted code, its deleted sub-codes, and all their segments."""
        with self._change("code.restore", "") as ch:
            everything = ch.writer.codes(include_deleted=True)
            target = _resolve([c for c in everything if c.deleted], code)
            live = [c for c in everything if not c.deleted]
            for c in [target, *[d for d in _descendants(everything, target.id) if d.deleted]]:
                _check_unique(live, c.name)
                ch.writer.update("code", c.id, {"deleted": 0})
                live.append(c)
            if target.parent_id is not None and not any(c.id == target.parent_id for c in live):
                ch.writer.update("code", target.id, {"parent_id": None})
            ch.summary = f"restored code {target.name}"
            ch.details = {"code_id": target.id}
        return self.code_by(target.id)

    # -- CSV -----------------------------------------------------------------------------
    def export_codebook_csv(self) -> str:
        """The codebook as CSV text (columns: CODEBOOK_COLUMNS; parent by path)."""
        codes = self.codes()
        by_id = {c.id: c for c in codes}
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CODEBOOK_COLUMNS)
        for c in tree_order(codes):
            parent = _path(by_id, c.parent_id) if c.parent_id else ""
            writer.writerow(
                [c.name, parent, c.origin.value, c.status.value, c.colour, c.definition, c.inclusion, c.exclusion, c.example]
            )
        return out.getvalue()

    def import_codebook_csv(self, path: Path | str, *, encoding: str | None = None) -> tuple[int, int]:
        """Import codes from a CSV (or XLSX) table; existing codes (same name) get its non-empty fields.

        Returns (created, updated).
        """
        path = Path(path)
        rows = read_table(path, encoding=encoding)
        if not rows or "name" not in rows[0]:
            raise InvalidInput(f"{path.name} needs a 'name' column (columns: {', '.join(CODEBOOK_COLUMNS)})")
        created = updated = 0
        with self._change("codebook.import", "") as ch:
            w = ch.writer
            pending = [(n, r) for n, r in enumerate(rows, start=2)]
            while pending:  # parents may come after their children in the file
                progress, later = False, []
                for number, row in pending:
                    name = (row.get("name") or "").strip()
                    if not name:
                        raise InvalidInput(f"{path.name} line {number}: empty name")
                    codes = w.codes()
                    parent = (row.get("parent") or "").strip()
                    if parent and _find(codes, parent) is None:
                        later.append((number, row))
                        continue
                    progress = True
                    fields = {k: (row.get(k) or "").strip() for k in _TEXT_FIELDS}
                    existing = _find(codes, name)
                    if existing is None:
                        self._insert_code(
                            w, name, parent or None, _origin(row.get("origin") or "inductive"),
                            _status(row.get("status") or "active"), fields,
                        )
                        created += 1
                    else:
                        values: dict[str, object] = {k: v for k, v in fields.items() if v}
                        if (row.get("origin") or "").strip():
                            values["origin"] = _origin(row["origin"]).value
                        if (row.get("status") or "").strip():
                            values["status"] = _status(row["status"]).value
                        if parent:
                            values["parent_id"] = _new_parent(codes, existing, parent)
                        changed = {k: v for k, v in values.items() if getattr(existing, k, None) != v}
                        if changed:
                            w.update("code", existing.id, changed)
                            updated += 1
                if not progress:
                    missing = sorted({(r.get("parent") or "").strip() for _, r in later})
                    raise NotFound(f"{path.name}: unknown parent code(s) {', '.join(missing)}")
                pending = later
            ch.summary = f"imported codebook {path.name}: {created} created, {updated} updated"
        return created, updated


# -- helpers on a list of codes ------------------------------------------------------------
def _find(codes: Sequence[Code], ref: CodeRef) -> Code | None:
    if isinstance(ref, Code):
        ref = ref.id
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().lstrip("#").isdigit()):
        wanted = int(str(ref).strip().lstrip("#"))
        return next((c for c in codes if c.id == wanted), None)
    key = ref.strip().casefold()
    for c in codes:
        if c.name.casefold() == key:
            return c
    if "/" not in key:
        return None
    by_id = {c.id: c for c in codes}
    leaf = key.rsplit("/", 1)[1]
    for c in codes:
        if c.name.casefold() == leaf.strip() and _path(by_id, c.id).casefold() == key:
            return c
    return None


def _resolve(codes: Sequence[Code], ref: CodeRef) -> Code:
    found = _find(codes, ref)
    if found is None:
        shown = ref.name if isinstance(ref, Code) else ref
        raise NotFound(f"no code {shown!r}")
    return found


def _path(by_id: Mapping[int, Code], code_id: int | None) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    while code_id is not None and code_id in by_id and code_id not in seen:
        seen.add(code_id)
        parts.append(by_id[code_id].name)
        code_id = by_id[code_id].parent_id
    return "/".join(reversed(parts))


def _descendants(codes: Sequence[Code], code_id: int) -> list[Code]:
    return descendants(codes, code_id)


def tree_order(codes: Sequence[Code]) -> list[Code]:
    """Codes depth first, parents before children, siblings by name."""
    ids = {c.id for c in codes}
    children: dict[int | None, list[Code]] = {}
    for c in codes:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    ordered: list[Code] = []

    def walk(parent: int | None) -> None:
        for c in sorted(children.get(parent, []), key=lambda c: c.name.casefold()):
            ordered.append(c)
            walk(c.id)

    walk(None)
    return ordered


def _new_parent(codes: Sequence[Code], code: Code, parent: CodeRef) -> int:
    """The id of ``parent`` as a new parent for ``code``, refusing cycles."""
    found = _resolve(codes, parent)
    if found.id == code.id or found.id in {d.id for d in _descendants(codes, code.id)}:
        raise InvalidInput(f"cannot put {code.name} under itself or one of its sub-codes ({found.name})")
    return found.id


def _check_unique(codes: Sequence[Code], name: str) -> None:
    check_unique(codes, name, "code")


def _clean_name(name: str) -> str:
    cleaned = clean_name(name, "code")
    if cleaned.startswith("#"):
        raise InvalidInput(f"{cleaned!r} would be read as a code number; choose a name with letters")
    if "/" in cleaned:
        raise InvalidInput("a code name cannot contain '/' (it separates parent and child)")
    return cleaned


def _origin(value: CodeOrigin | str) -> CodeOrigin:
    try:
        return CodeOrigin(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        raise InvalidInput(f"origin must be deductive, inductive or in-vivo, not {value!r}") from None


def _status(value: CodeStatus | str) -> CodeStatus:
    try:
        return CodeStatus(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        raise InvalidInput(f"status must be draft, active or retired, not {value!r}") from None
