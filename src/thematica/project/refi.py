"""REFI-QDA (.qdpx projects, .qdc codebooks) to and from a project.

Exports write ``Project.snapshot()`` through :mod:`thematica.interop.refi.writer`;
imports read a file into a Snapshot (:mod:`thematica.interop.refi.reader`,
which treats every file as untrusted) and add it with ``load_snapshot``: one
change, all or nothing, so a file that fails leaves the project untouched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ..errors import Conflict, InvalidInput
from ..interop.refi import reader, writer
from ..interop.snapshot import Snapshot
from ..store.convert import attribute_from_text
from .exchange import ExchangeMixin


class RefiMixin(ExchangeMixin):
    """Export to and import from REFI-QDA files."""

    def export_qdpx(self, path: Path | str, *, offsets: Literal["codepoints", "utf16"] = "codepoints") -> Path:
        """Write the whole project as a REFI-QDA project exchange file (``.qdpx``); returns its path.

        ``offsets="utf16"`` counts selections in UTF-16 code units, as NVivo reads them.
        """
        return writer.write_qdpx(self.snapshot(), Path(path), offsets=offsets)

    def export_qdc(self, path: Path | str) -> Path:
        """Write the codebook (codes, and themes as sets) as a REFI-QDA codebook (``.qdc``); returns its path."""
        return writer.write_qdc(self.snapshot(), Path(path))

    def import_qdpx(self, path: Path | str) -> dict[str, Any]:
        """Add a REFI-QDA project (``.qdpx``, or a bare ``.qde``) to this project in one change.

        Returns a summary: the file, the tool that wrote it, counts of what was
        added, and notes on everything that could not be carried over.
        """
        path = Path(path)
        return self._load_refi(path, reader.read_qdpx(path), "project")

    def import_qdc(self, path: Path | str) -> dict[str, Any]:
        """Add the codes of a REFI-QDA codebook (``.qdc``) to this project in one change; returns a summary."""
        path = Path(path)
        return self._load_refi(path, reader.read_qdc(path), "codebook")

    def _load_refi(self, path: Path, snapshot: Snapshot, what: str) -> dict[str, Any]:
        tool = snapshot.origin or "an unnamed tool"
        self._refuse_clashes(snapshot, path)
        added = self.load_snapshot(snapshot, summary=f"imported REFI-QDA {what} {path.name} (from {tool})")
        return {"file": str(path), "format": f"REFI-QDA {what}", "origin": snapshot.origin, "name": snapshot.name,
                "added": added, "notes": list(snapshot.notes)}

    def _refuse_clashes(self, snapshot: Snapshot, path: Path) -> None:
        """What the loader would trip over, said before anything is written: a source or participant whose GUID
        is here under another name, an attribute value that is not of the type this project gives the attribute."""
        with self._read() as r:
            guids = r.guids()
            names = {guids["source"].get(s.id): s.name for s in r.sources()}
            keys = {guids["participant"].get(pid): key for pid, key in r.participants()}
            types = {d.name: d.type for _, d in r.attribute_defs()}
        for s in snapshot.sources:
            if s.guid in names and names[s.guid] != s.name:
                raise Conflict(f"{path.name}: source {s.name!r} has the same GUID as source {names[s.guid]!r} already in "
                               "this project (imported before, then renamed?); nothing was imported")
        for p in snapshot.participants:
            if p.guid in keys and keys[p.guid] != p.key:
                raise Conflict(f"{path.name}: participant {p.key!r} has the same GUID as participant {keys[p.guid]!r} "
                               "already in this project; nothing was imported")
            for name, value in p.attributes:
                if name in types and value.strip():
                    try:
                        attribute_from_text(types[name], value)
                    except InvalidInput:
                        raise Conflict(f"{path.name}: participant {p.key!r} has {name} {value!r}, but {name!r} is a "
                                       f"{types[name].value} attribute in this project; nothing was imported") from None
