"""Tables and DataFrames of the coding, the git-friendly folder format, and Word comments as codes."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..analysis.tables import Table
from ..errors import Conflict, InvalidInput, NotFound
from ..interop import jsonl, tables, wordcomments
from ..interop.snapshot import Snapshot
from .refi import RefiMixin

if TYPE_CHECKING:
    import pandas

#: What ``export_table`` writes: kind -> the suffixes it takes.
TABLE_SUFFIXES = {"segments": (".csv", ".xlsx"), "presence": (".csv", ".xlsx"), "counts": (".csv", ".xlsx"),
                  "codebook": (".csv", ".xlsx", ".docx")}


class ExportsMixin(RefiMixin):
    """Coded segments as tables and DataFrames; JSON Lines folders; Word comments as codes."""

    # -- tables ------------------------------------------------------------------------------
    def exchange_table(self, kind: str, *, coder: str | None = None) -> Table:
        """``segments``, ``presence``, ``counts`` or ``codebook`` as a :class:`Table`.

        The segments table shows every coder's segments (or ``coder``'s);
        presence, counts and the codebook's counts use the analysis coder(s),
        as every other count does. A blind coder sees only their own.
        """
        if kind not in tables.KINDS:
            raise InvalidInput(f"a table is one of {', '.join(tables.KINDS)}, not {kind!r}")
        return tables.table(self.snapshot(), kind, coders=self._table_coders(kind, coder))

    def segments_frame(self, *, coder: str | None = None) -> pandas.DataFrame:
        """Coded segments, one row each: source, participant, attributes, code, coder, text, start, end, memo."""
        return tables.to_frame(self.exchange_table("segments", coder=coder), index=False)

    def presence_frame(self, *, coder: str | None = None) -> pandas.DataFrame:
        """Codes (index: code path) x participants: 1 where the participant's speech is coded with the code."""
        return tables.to_frame(self.exchange_table("presence", coder=coder))

    def counts_frame(self, *, coder: str | None = None) -> pandas.DataFrame:
        """Codes (index: code path) x participants: the number of coded segments."""
        return tables.to_frame(self.exchange_table("counts", coder=coder))

    def codebook_frame(self, *, coder: str | None = None) -> pandas.DataFrame:
        """The codebook (index: code path): documentation, level, segments and participants per code."""
        return tables.to_frame(self.exchange_table("codebook", coder=coder))

    def export_table(self, kind: str, path: Path | str, *, coder: str | None = None) -> Path:
        """Write a table as .csv or .xlsx (the codebook also as a readable .docx), chosen by the suffix."""
        path = Path(path)
        suffixes = TABLE_SUFFIXES.get(kind)
        if suffixes is None:
            raise InvalidInput(f"a table is one of {', '.join(tables.KINDS)}, not {kind!r}")
        if path.suffix.lower() not in suffixes:
            raise InvalidInput(f"the {kind} table is written as {' or '.join(suffixes)}, not {path.name!r}")
        if path.suffix.lower() == ".docx":
            coders = self._table_coders(kind, coder)
            return tables.write_codebook_docx(self.snapshot(), path, coders=coders, author=self.actor)
        return tables.write_table(self.exchange_table(kind, coder=coder), path)

    # -- the folder format -------------------------------------------------------------------
    def export_folder(self, path: Path | str) -> Path:
        """Write the project as a folder of JSON Lines and text files (see :mod:`thematica.interop.jsonl`)."""
        return jsonl.write_folder(self._visible_snapshot(), path)

    def import_folder(self, path: Path | str) -> dict[str, Any]:
        """Add a folder written by ``export_folder`` to this project, in one change (all or nothing).

        Returns a summary like ``import_qdpx``'s: file, format, origin, name, added (counts), notes.
        """
        snapshot = jsonl.read_folder(path)
        added = self.load_snapshot(snapshot, summary=f"imported folder {Path(path).name}")
        return _summary(path, "thematica folder", snapshot, added)

    # -- Word comments -----------------------------------------------------------------------
    def import_word_comments(
        self,
        path: Path | str,
        *,
        author_as_coder: bool = False,
        name: str | None = None,
        participant: str | None = None,
    ) -> dict[str, Any]:
        """Import a DOCX as a source whose comments become codes and coded segments (one change).

        Each comment's anchored text is a segment, its first paragraph the
        code (a "/" makes a path), later paragraphs and replies the memo.
        Segments are the current user's, or with ``author_as_coder`` each
        comment's author's. Returns a summary like ``import_folder``'s.
        """
        path = Path(path)
        snapshot = wordcomments.read_word_comments(
            path, coder=self.actor, author_as_coder=author_as_coder, name=name, participant=participant
        )
        taken = snapshot.sources[0].name
        if any(s.name == taken for s in self.sources()):
            raise Conflict(f"there is already a source named {taken!r}; import the comments under another name")
        added = self.load_snapshot(snapshot, summary=f"imported {path.name} with its comments as codes")
        return _summary(path, "Word comments", snapshot, added)

    # -- helpers -------------------------------------------------------------------------------
    def _table_coders(self, kind: str, coder: str | None) -> set[str] | None:
        """GUIDs of the coders a table shows (None: all): see ``exchange_table``."""
        wanted = self.analysis_coders(coder) if kind != "segments" else [self._coder_by_name(coder)] if coder else None
        return self._coder_guids(self.visible_coders(wanted))

    def _coder_guids(self, ids: list[int] | None) -> set[str] | None:
        if ids is None:
            return None
        with self._read() as r:
            by_id = r.guids()["coder"]
        return {by_id[i] for i in ids if i in by_id}

    def _visible_snapshot(self) -> Snapshot:
        """The snapshot, without other coders' segments when the person working codes blind."""
        snapshot = self.snapshot()
        keep = self._coder_guids(self.visible_coders(None))
        if keep is None:
            return snapshot
        segments = tuple(s for s in snapshot.segments if s.coder_guid in keep)
        kept = {s.guid for s in segments}
        memos = tuple(m for m in snapshot.memos if m.target != "segment" or m.target_guid in kept)
        return dataclasses.replace(snapshot, segments=segments, memos=memos)


    def import_exchange(self, path: Path | str) -> dict[str, object]:
        """Import a .qdpx (or bare .qde) project, a .qdc codebook, or a JSON Lines folder, by what it is."""
        path = Path(path)
        if not path.exists():
            raise NotFound(f"no such file or folder: {path}")
        if path.is_dir():
            return dict(self.import_folder(path))
        suffix = path.suffix.lower()
        if suffix == ".qdc":
            return dict(self.import_qdc(path))
        if suffix in (".qdpx", ".qde"):
            return dict(self.import_qdpx(path))
        raise InvalidInput(f"{path.name}: a project import reads .qdpx, .qde, .qdc or a folder from 'export jsonl'")


def _summary(path: Path | str, kind: str, snapshot: Snapshot, added: dict[str, int]) -> dict[str, Any]:
    """What an import did, in the shape every import method returns."""
    return {"file": str(path), "format": kind, "origin": snapshot.origin, "name": snapshot.name,
            "added": added, "notes": list(snapshot.notes)}
