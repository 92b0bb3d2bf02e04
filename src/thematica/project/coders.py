"""Coders as first-class: blind coding, the consensus layer, and a coder's work exported and merged back."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import Conflict, InvalidInput, NotFound
from ..interop import coderfile
from ..model import Coder, CoderKind
from ..store import Writer
from ..store.convert import now
from ..version import __version__
from .analysis import AnalysisMixin
from .core import new_guid

#: The name of the consensus layer's coder.
CONSENSUS = "consensus"


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What merging a coder package did: nothing is dropped without being listed here."""

    coder: str
    segments_added: int = 0
    segments_already_there: int = 0
    codes_created: tuple[str, ...] = ()
    codes_matched_by_name: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = field(default=())


class CodersMixin(AnalysisMixin):
    """Who codes, who may see what, and moving one coder's work between copies of a project."""

    # -- coders ------------------------------------------------------------------
    def add_coder(self, name: str, role: str = "", *, blind: bool = False, recode_of: str | None = None) -> Coder:
        """Register a coder; ``blind`` coders see only their own segments; ``recode_of`` marks a re-coding."""
        name = name.strip()
        self._not_blind("add coders")
        if not name:
            raise InvalidInput("a coder needs a name")
        if name.casefold() == CONSENSUS:
            raise InvalidInput(f"{CONSENSUS!r} is the name of the agreed coding; choose another")
        with self._change("coder.add", f"added coder {name}") as ch:
            original = None if recode_of is None else self._coder_id(ch.writer, recode_of, create=False)
            coder_id = self._insert_coder(ch.writer, name, role)
            ch.writer.update("coder", coder_id, {"blind": int(blind), "recode_of": original})
        return next(c for c in self.coders() if c.id == coder_id)

    def set_coder(self, name: str, *, role: str | None = None, blind: bool | None = None) -> Coder:
        """Change a coder's role or blind setting."""
        values: dict[str, object] = {}
        if role is not None:
            values["role"] = role.strip()
        if blind is not None:
            values["blind"] = int(blind)
        if not values:
            raise InvalidInput("nothing to change: give a role or a blind setting")
        self._not_blind("change coders")
        with self._change("coder.set", "") as ch:
            coder_id = self._coder_id(ch.writer, name, create=False)
            ch.writer.update("coder", coder_id, values)
            ch.summary = f"changed {', '.join(sorted(values))} of coder {name}"
        return next(c for c in self.coders() if c.id == coder_id)

    def _not_blind(self, what: str) -> None:
        if self.blind:
            raise InvalidInput(f"{self.actor} codes blind and cannot {what}; ask the lead researcher")

    def person_coders(self) -> list[Coder]:
        """Coders who are people (not the consensus layer)."""
        return [c for c in self.coders() if c.kind is CoderKind.PERSON]

    def consensus_coder_id(self, w: Writer) -> int:
        """The consensus layer's coder, made on first use."""
        for c in w.coders():
            if c.kind is CoderKind.CONSENSUS:
                return c.id
        coder_id = w.insert("coder", {"guid": new_guid(), "name": CONSENSUS, "role": "agreed coding", "created_at": now()})
        w.update("coder", coder_id, {"kind": CoderKind.CONSENSUS.value})
        return coder_id

    # -- export and merge ------------------------------------------------------------
    def export_coder(self, name: str, path: Path | str) -> Path:
        """Write one coder's segments, the codes and sources they touch, to a coder package."""
        coder = next((c for c in self.coders() if c.name.casefold() == name.strip().casefold()), None)
        if coder is None:
            raise NotFound(f"no coder named {name!r}")
        self.visible_coders([coder.id])  # a blind coder may export only their own work
        with self._read() as r:
            segments = r.segments(coder_ids=[coder.id], include_deleted_codes=True)
            guids = r.guids()
            texts = r.source_texts({s.source_id for s in segments})
            codes = {c.id: c for c in r.codes(include_deleted=True)}
        names = {s.id: s.name for s in self.sources()}
        hashes = {sid: _text_hash(text) for sid, text in texts.items()}
        used = {s.code_id for s in segments}
        for code_id in list(used):  # keep the path to the root, so the tree can be rebuilt
            parent = codes[code_id].parent_id
            while parent is not None and parent not in used:
                used.add(parent)
                parent = codes[parent].parent_id
        package = coderfile.CoderPackage(
            coder_guid=guids["coder"][coder.id],
            coder_name=coder.name,
            coder_role=coder.role,
            exported_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            software=f"thematica {__version__}",
            sources=tuple(coderfile.PackedSource(names[sid], hashes[sid], len(texts[sid])) for sid in sorted(texts)),
            codes=tuple(
                coderfile.PackedCode(
                    guids["code"][c.id], c.name, guids["code"].get(c.parent_id) if c.parent_id else None,
                    c.definition, c.inclusion, c.exclusion, c.example, c.origin.value, c.colour,
                )
                for c in sorted((codes[i] for i in used), key=lambda c: c.id)
            ),
            segments=tuple(
                coderfile.PackedSegment(
                    guids["segment"][s.id], hashes[s.source_id], guids["code"][s.code_id], s.start, s.end, s.text,
                    s.memo, s.created_at.isoformat() if s.created_at else "",
                )
                for s in segments
            ),
        )
        return coderfile.write(package, Path(path))

    def merge_coder(self, path: Path | str) -> MergeReport:
        """Merge a coder package: sources by text hash, codes by GUID then name, segments by GUID.

        Merging the same package twice changes nothing. A segment whose source
        is not in this project, or whose text no longer matches, stops the
        whole merge (listed in the error): nothing is half-merged or dropped.
        A segment this project already has in a different form is kept as the
        project has it and reported as a conflict.
        """
        package = coderfile.read(Path(path))
        with self._change("coder.merge", "") as ch:
            report = self._merge(ch.writer, package)
            ch.summary = f"merged {report.segments_added} segments of {package.coder_name}"
            ch.details = {"conflicts": list(report.conflicts), "codes_created": list(report.codes_created)}
        return report

    def _merge(self, w: Writer, package: coderfile.CoderPackage) -> MergeReport:
        texts = w.source_texts()
        by_hash: dict[str, int] = {}
        for sid, text in texts.items():
            by_hash.setdefault(_text_hash(text), sid)
        problems = []
        for seg in package.segments:
            found = by_hash.get(seg.source_sha256)
            if found is None:
                name = next((s.name for s in package.sources if s.text_sha256 == seg.source_sha256), "?")
                problems.append(f"source {name!r} is not in this project (or its text differs)")
            elif texts[found][seg.start : seg.end] != seg.text:
                problems.append(f"segment {seg.guid} no longer matches its text")
        if problems:
            listed = "; ".join(sorted(set(problems))[:10])
            raise Conflict(f"cannot merge {package.coder_name}'s work, nothing was changed: {listed}")
        guids = w.guids()
        coder_id = next((i for i, g in guids["coder"].items() if g == package.coder_guid), None)
        if coder_id is None:
            existing = next((c for c in w.coders() if c.name.casefold() == package.coder_name.casefold()), None)
            coder_id = existing.id if existing else w.insert(
                "coder", {"guid": package.coder_guid, "name": package.coder_name, "role": package.coder_role, "created_at": now()}
            )
        code_ids, created, by_name = self._merge_codes(w, package.codes, guids["code"])
        known = {g: i for i, g in guids["segment"].items()}
        added = same = 0
        conflicts = []
        for seg in package.segments:
            sid = by_hash[seg.source_sha256]
            mine = known.get(seg.guid)
            if mine is not None:
                current = w.segment(mine)
                if current and (current.source_id, current.start, current.end, current.code_id) == (sid, seg.start, seg.end, code_ids[seg.code_guid]):
                    same += 1
                else:
                    conflicts.append(f"segment {seg.guid} differs here; the project's version was kept")
                continue
            w.insert("segment", {
                "guid": seg.guid, "source_id": sid, "code_id": code_ids[seg.code_guid], "coder_id": coder_id,
                "start": seg.start, "end": seg.end, "text": seg.text, "memo": seg.memo,
                "created_at": seg.created_at or now(),
            })
            added += 1
        return MergeReport(package.coder_name, added, same, tuple(created), tuple(by_name), tuple(conflicts))

    def _merge_codes(
        self, w: Writer, codes: Sequence[coderfile.PackedCode], code_guids: dict[int, str]
    ) -> tuple[dict[str, int], list[str], list[str]]:
        by_guid = {g: i for i, g in code_guids.items()}
        existing = w.codes(include_deleted=True)
        mapping: dict[str, int] = {}
        created: list[str] = []
        by_name: list[str] = []
        pending = list(codes)
        while pending:
            later = []
            for code in pending:
                if code.guid in by_guid:
                    mapping[code.guid] = by_guid[code.guid]
                    continue
                named = next((c for c in existing if c.name.casefold() == code.name.casefold() and not c.deleted), None)
                if named is not None:
                    mapping[code.guid] = named.id
                    by_name.append(code.name)
                    continue
                if code.parent_guid and code.parent_guid not in mapping and code.parent_guid not in by_guid:
                    later.append(code)
                    continue
                parent = mapping.get(code.parent_guid or "") or by_guid.get(code.parent_guid or "")
                new_id = w.insert("code", {
                    "guid": code.guid, "name": code.name, "parent_id": parent, "colour": code.colour,
                    "definition": code.definition, "inclusion": code.inclusion, "exclusion": code.exclusion,
                    "example": code.example, "origin": code.origin, "status": "active", "deleted": 0, "created_at": now(),
                })
                mapping[code.guid] = new_id
                created.append(code.name)
                existing = w.codes(include_deleted=True)
            if later and len(later) == len(pending):  # parents neither in the package nor here: top level
                later = [_orphan(c) for c in later]
            pending = later
        return mapping, created, by_name


def _orphan(code: coderfile.PackedCode) -> coderfile.PackedCode:
    return coderfile.PackedCode(
        code.guid, code.name, None, code.definition, code.inclusion, code.exclusion, code.example, code.origin, code.colour
    )


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
