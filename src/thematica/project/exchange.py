"""A project to and from a Snapshot: what exchange formats are built on."""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterable, Sequence

from ..errors import Conflict, InvalidInput
from ..interop.snapshot import (
    AttributeData,
    CodeData,
    CoderData,
    MemoData,
    ParticipantData,
    SegmentData,
    Snapshot,
    SourceData,
    ThemeData,
)
from ..model import AttributeType, MemoTarget, Role
from ..store import Writer
from ..store.convert import attribute_from_text, attribute_to_text, now
from ..text import passages, sha256
from .core import new_guid
from .reporting import ReportingMixin
from .themes import theme_tree


class ExchangeMixin(ReportingMixin):
    """Everything that travels, gathered in one snapshot, and a snapshot added back in one change."""

    def snapshot(self) -> Snapshot:
        """The project as plain values (live codes and themes; every coder's segments)."""
        with self._read() as r:
            guids = r.guids()
            texts = r.source_texts()
            originals = {s.id: r.source_original(s.id) or b"" for s in r.sources()}
            turns = r.turns()
            values = r.attribute_values()
            codes = r.codes()
            live = {c.id for c in codes}
            segments = [s for s in r.segments() if s.code_id in live]
            memos = r.memos()
            themes = r.themes()
            defs = r.attribute_defs()
            people = r.participants()
            coders = r.coders()
            settings = r.meta()
        pguid, theme_guids = guids["participant"], guids["theme"]
        by_source: dict[int, list] = {}
        for t in turns:
            by_source.setdefault(t.source_id, []).append(
                (t.start, t.end, t.speaker, t.role.value, pguid.get(t.participant_id) if t.participant_id else None,
                 t.begin, t.end_time)
            )
        targets = {"source": guids["source"], "code": guids["code"], "segment": guids["segment"]}
        return Snapshot(
            name=settings.get("name", self.path.stem),
            origin=f"thematica {self._version()}",
            settings=tuple(sorted((k, v) for k, v in settings.items() if k not in ("format", "phase"))),
            coders=tuple(CoderData(guids["coder"][c.id], c.name, c.role, c.kind.value) for c in coders),
            attributes=tuple(AttributeData(d.name, d.type.value, d.categories) for _, d in defs),
            participants=tuple(
                ParticipantData(pguid[pid], key, tuple(sorted((k, attribute_to_text(v)) for k, v in values.get(pid, {}).items())))
                for pid, key in people
            ),
            sources=tuple(
                SourceData(
                    guids["source"][s.id], s.name, s.kind, texts[s.id], originals[s.id], s.file_name,
                    pguid.get(s.participant_id) if s.participant_id else None, tuple(by_source.get(s.id, ())),
                )
                for s in self.sources()
            ),
            codes=tuple(
                CodeData(guids["code"][c.id], c.name, guids["code"].get(c.parent_id) if c.parent_id else None, c.colour,
                         c.definition, c.inclusion, c.exclusion, c.example, c.origin.value, c.status.value)
                for c in codes
            ),
            segments=tuple(
                SegmentData(guids["segment"][s.id], guids["source"][s.source_id], guids["code"][s.code_id],
                            guids["coder"][s.coder_id], s.start, s.end, s.text, s.memo,
                            s.created_at.isoformat() if s.created_at else "", s.provenance or "")
                for s in segments
            ),
            memos=tuple(
                MemoData(m.target.value, targets[m.target.value].get(m.target_id or -1) if m.target.value in targets else None,
                         m.text, int(m.phase), m.author, m.created_at.isoformat())
                for m in memos
            ),
            themes=tuple(
                ThemeData(theme_guids[t.id], t.name, theme_guids.get(t.parent_id) if t.parent_id else None, t.definition,
                          t.concept, t.status.value, t.narrative, tuple(guids["code"][c] for c in t.code_ids if c in live),
                          tuple(guids["segment"][q] for q in t.quote_ids if q in guids["segment"]))
                for _, t in theme_tree(themes)
            ),
        )

    @staticmethod
    def _version() -> str:
        from ..version import __version__

        return __version__

    def load_snapshot(self, snapshot: Snapshot, *, summary: str = "") -> dict[str, int]:
        """Add a snapshot to this project in one change (all or nothing); returns counts of what was added.

        Coders, codes and themes already here (same GUID, else same name) are
        reused; a source whose name is taken stops the whole import; every
        segment must match its source's text.
        """
        with self._change("snapshot.load", summary or f"imported {snapshot.name}") as ch:
            counts = _Loader(self, ch.writer).load(snapshot)
            ch.details = {"added": counts, "notes": list(snapshot.notes)}
        return counts


class _Loader:
    """Writes one snapshot through a Writer (see ExchangeMixin.load_snapshot)."""

    def __init__(self, project: ExchangeMixin, w: Writer) -> None:
        self.p, self.w = project, w
        self.counts: Counter[str] = Counter()

    def load(self, s: Snapshot) -> dict[str, int]:
        w = self.w
        coders = self._coders(s.coders)
        participants = self._participants(list(s.attributes), s.participants)
        sources = self._sources(s.sources, participants)
        codes = self._codes(s.codes)
        segments = self._segments(s.segments, sources, codes, coders)
        self._memos(s.memos, {**sources, **codes, **segments})
        self._themes(s.themes, codes, segments)
        present = w.meta()
        for key, value in s.settings:
            if key not in present and key != "name":
                w.set_meta(key, value)
        return dict(self.counts)

    def _coders(self, items: Iterable[CoderData]) -> dict[str, int]:
        guids = {g: i for i, g in self.w.guids()["coder"].items()}
        names = {c.name.casefold(): c.id for c in self.w.coders()}
        result = {}
        for c in items:
            found = guids.get(c.guid) or names.get(c.name.casefold())
            if found is None:
                found = self.w.insert("coder", {"guid": c.guid, "name": c.name, "role": c.role, "created_at": now()})
                if c.kind != "person":
                    self.w.update("coder", found, {"kind": c.kind})
                self.counts["coders"] += 1
            result[c.guid] = found
        return result

    def _participants(self, attributes: Sequence[AttributeData], items: Iterable[ParticipantData]) -> dict[str, int]:
        defs = {d.name: aid for aid, d in self.w.attribute_defs()}
        for a in attributes:
            if a.name not in defs:
                defs[a.name] = self.w.insert("attribute_def", {"name": a.name, "type": a.type, "categories": json.dumps(list(a.categories))})
        keys = {key: pid for pid, key in self.w.participants()}
        taken = set(self.w.guids()["participant"].values())
        types = {d.name: d.type for _, d in self.w.attribute_defs()}
        result = {}
        for p in items:
            pid = keys.get(p.key)
            if pid is None:  # identity is the key; a GUID used here for someone else gets a fresh one
                guid = p.guid if p.guid not in taken else new_guid()
                pid = self.w.insert("participant", {"guid": guid, "key": p.key, "created_at": now()})
                self.counts["participants"] += 1
            for name, value in p.attributes:
                if name not in defs:
                    defs[name] = self.w.insert("attribute_def", {"name": name, "type": "text", "categories": "[]"})
                kind = types.get(name) or AttributeType(next((a.type for a in attributes if a.name == name), "text"))
                try:
                    attribute_from_text(kind, value)
                except InvalidInput:
                    raise InvalidInput(f"participant {p.key}: {value!r} is not a {kind.value} for {name!r}; nothing was imported") from None
                if self.w.attribute_value_id(pid, defs[name]) is None:
                    self.w.insert("attribute_value", {"participant_id": pid, "attribute_id": defs[name], "value": value})
            result[p.guid] = pid
        return result

    def _sources(self, items: Iterable[SourceData], participants: dict[str, int]) -> dict[str, int]:
        result = {}
        guids = {g: i for i, g in self.w.guids()["source"].items()}
        for s in items:
            if self.w.source_id(s.name) is not None:
                raise Conflict(f"there is already a source named {s.name!r}; nothing was imported")
            if s.guid in guids:
                raise Conflict(f"the source {s.name!r} is already in this project under another name; nothing was imported")
            original = s.original or s.text.encode("utf-8")
            sid = self.w.insert("source", {
                "guid": s.guid, "name": s.name, "kind": s.kind, "text": s.text, "length": len(s.text),
                "participant_id": participants.get(s.participant_guid or ""), "sha256": sha256(original),
                "encoding": None, "file_name": s.file_name or s.name, "imported_at": now(),
            })
            self.w.add_original(sid, original, s.text)
            self.w.insert_children("turn", [
                {"source_id": sid, "idx": i, "start": a, "end": b, "speaker": speaker, "role": Role(role).value,
                 "participant_id": participants.get(pg or ""), "begin": begin, "end_time": until}
                for i, (a, b, speaker, role, pg, begin, until) in enumerate(s.turns)
            ])
            self.w.index_passages(sid, passages(s.text))
            result[s.guid] = sid
            self.counts["sources"] += 1
        return result

    def _codes(self, items: Iterable[CodeData]) -> dict[str, int]:
        guids = {g: i for i, g in self.w.guids()["code"].items()}
        names = {c.name.casefold(): c.id for c in self.w.codes()}
        result: dict[str, int] = {}
        pending = list(items)
        while pending:
            later = []
            for c in pending:
                found = guids.get(c.guid) or names.get(c.name.casefold())
                if found is not None:
                    result[c.guid] = found
                    continue
                if c.parent_guid and c.parent_guid not in result and c.parent_guid in {x.guid for x in pending}:
                    later.append(c)
                    continue
                new = self.w.insert("code", {
                    "guid": c.guid, "name": c.name, "parent_id": result.get(c.parent_guid or ""), "colour": c.colour,
                    "definition": c.definition, "inclusion": c.inclusion, "exclusion": c.exclusion, "example": c.example,
                    "origin": c.origin, "status": c.status, "deleted": 0, "created_at": now(),
                })
                result[c.guid] = names[c.name.casefold()] = new
                self.counts["codes"] += 1
            if len(later) == len(pending):
                raise InvalidInput("the codes' parents form a cycle")
            pending = later
        return result

    def _segments(self, items: Iterable[SegmentData], sources: dict[str, int], codes: dict[str, int], coders: dict[str, int]) -> dict[str, int]:
        known = {g: i for i, g in self.w.guids()["segment"].items()}
        texts: dict[int, str] = {}
        result = {}
        for s in items:
            if s.guid in known:
                result[s.guid] = known[s.guid]
                continue
            sid = sources.get(s.source_guid)
            if sid is None or s.code_guid not in codes or s.coder_guid not in coders:
                raise InvalidInput(f"segment {s.guid} refers to a source, code or coder the file does not have")
            text = texts.setdefault(sid, self.w.source_text(sid) or "")
            if not 0 <= s.start < s.end <= len(text) or text[s.start : s.end] != s.text:
                raise Conflict(f"segment {s.guid} does not match its source's text; nothing was imported")
            result[s.guid] = self.w.insert("segment", {
                "guid": s.guid, "source_id": sid, "code_id": codes[s.code_guid], "coder_id": coders[s.coder_guid],
                "start": s.start, "end": s.end, "text": s.text, "memo": s.memo, "created_at": s.created_at or now(),
                "provenance": s.provenance or None,
            })
            self.counts["segments"] += 1
        return result

    def _memos(self, items: Iterable[MemoData], targets: dict[str, int]) -> None:
        for m in items:
            target = MemoTarget(m.target)
            target_id = targets.get(m.target_guid or "") if m.target_guid else None
            if m.target_guid and target_id is None:
                continue
            self.w.insert("memo", {"target": target.value, "target_id": target_id, "text": m.text, "phase": m.phase,
                                   "author": m.author, "created_at": m.created_at or now()})
            self.counts["memos"] += 1

    def _themes(self, items: Iterable[ThemeData], codes: dict[str, int], segments: dict[str, int]) -> None:
        existing = {g: i for i, g in self.w.guids()["theme"].items()}
        result: dict[str, int] = {}
        for t in items:  # parents come first in a snapshot (tree order)
            if t.guid in existing:
                result[t.guid] = existing[t.guid]
                continue
            tid = self.w.insert("theme", {
                "guid": t.guid, "name": t.name, "parent_id": result.get(t.parent_guid or ""), "definition": t.definition,
                "concept": t.concept, "status": t.status, "narrative": t.narrative, "position": len(result) + 1,
                "deleted": 0, "created_at": now(),
            })
            self.w.insert("theme_name", {"theme_id": tid, "name": t.name, "at": now(), "actor": self.p.actor, "phase": 1})
            for g in dict.fromkeys(t.code_guids):
                if g in codes:
                    self.w.insert("theme_code", {"theme_id": tid, "code_id": codes[g]})
            for position, g in enumerate(t.quote_guids, start=1):
                if g in segments:
                    self.w.insert("theme_quote", {"theme_id": tid, "segment_id": segments[g], "position": position})
            result[t.guid] = tid
            self.counts["themes"] += 1
