"""Users, codes, cases and codings of a parsed REFI-QDA document, as Snapshot values (notes and sets: :mod:`.memos`).

Used by :mod:`.reader` (which handles the sources and their selections). When
thematica wrote the file, its ``thematica:data`` note (see :mod:`.trusted`)
restores what REFI-QDA cannot hold; otherwise each element is mapped as
``docs/refi-import.md`` describes and whatever has no place in thematica is noted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from typing import Iterable

from ...text import canonicalise
from ..snapshot import (
    AttributeData,
    CodeData,
    CoderData,
    MemoData,
    ParticipantData,
    SegmentData,
    Snapshot,
    SourceData,
)
from .document import CodingDoc, ProjectDoc, SelectionDoc, iso
from .memos import MemosMixin
from .names import DATA_NOTE_NAME, ORIGIN_PREFIX, derived_guid, split_code_description
from .trusted import ThematicaData, read_data_note

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_VARIABLE_TYPES = {"text": "text", "boolean": "category", "integer": "number", "float": "number", "date": "date",
                   "datetime": "text"}


def colour(value: str) -> str | None:
    """A REFI colour as thematica writes them (``#rrggbb``); "" for none; None when unreadable."""
    value = value.strip()
    if not value:
        return ""
    match = _HEX.fullmatch(value)
    if not match:
        return None
    digits = match.group(1)
    return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits).lower()


class Objects(MemosMixin):
    """Maps everything but the texts; collects what it cannot carry in ``notes``."""

    def __init__(self, doc: ProjectDoc, notes: list[str]) -> None:
        self.doc, self.notes = doc, notes
        self.users = {guid: name for guid, name in doc.users if guid}
        self.extra_users: dict[str, CoderData] = {}
        self.needs_unknown = False
        self.code_guids = {c.guid for c in doc.codes}
        self.note_docs = {n.guid: n for n in doc.notes}
        self.data: ThematicaData | None = None
        self.data_note = ""
        self.segment_guids: set[str] = set()
        self.loose: list[MemoData] = []  # memos made from selection comments
        self._read_data_note()

    # -- the thematica data note -------------------------------------------------------------------------
    def _read_data_note(self) -> None:
        found = [n for n in self.doc.notes if n.name == DATA_NOTE_NAME]
        if not found:
            return
        self.data_note = found[0].guid
        if not self.doc.origin.startswith(ORIGIN_PREFIX):
            tool = self.doc.origin or "another tool"
            self.notes.append(f"the file holds thematica's data note from an earlier export, but {tool} "
                              "wrote it since; the note was ignored and the file read like any other tool's")
            return
        self.data, why = read_data_note(found[0].content or "")
        if self.data is None:
            self.notes.append(f"thematica's data note could not be used ({why}); the file was read as plain REFI-QDA")

    def exact(self, guid: str, field: str, value: str) -> str:
        """The exact value when the writer had to alter it for XML."""
        return self.data.exact(guid, field, value) if self.data else value

    def label(self, guid: str, value: str) -> str:
        """A name: exactly as thematica wrote it, else in NFC (macOS tools write decomposed accents)."""
        return self.data.exact(guid, "name", value) if self.data else unicodedata.normalize("NFC", value)

    # -- coders ----------------------------------------------------------------------------------------
    def coder_for(self, *guids: str) -> str:
        """The coder GUID for the first of ``guids`` that is given (unknown users become coders, noted once)."""
        for guid in guids:
            if not guid:
                continue
            if guid not in self.users and guid not in self.extra_users:
                self.extra_users[guid] = CoderData(guid, f"user {guid[:8]}")
                self.notes.append(f"user {guid} is not listed among the file's users; imported as coder 'user {guid[:8]}'")
            return guid
        self.needs_unknown = True
        return self.unknown_coder().guid

    def unknown_coder(self) -> CoderData:
        """The coder of codings that name nobody."""
        return CoderData(derived_guid("unknown-coder", self.doc.origin), f"unknown coder ({self.doc.origin or 'imported'})")

    def coders(self) -> tuple[CoderData, ...]:
        result = []
        for guid, name in self.users.items():
            role, kind = self.data.coders.get(guid, ("", "person")) if self.data else ("", "person")
            result.append(CoderData(guid, self.label(guid, name) or f"user {guid[:8]}", role, kind))
        result.extend(self.extra_users.values())
        if self.needs_unknown:
            result.append(self.unknown_coder())
            self.notes.append("some codings name no user; they are imported as coded by 'unknown coder'")
        return tuple(result)

    # -- codes -----------------------------------------------------------------------------------------
    def codes(self) -> tuple[CodeData, ...]:
        result: list[CodeData] = []
        seen: set[str] = set()
        names: Counter[str] = Counter()
        by_guid = {c.guid: c for c in self.doc.codes}
        folders = 0
        for c in self.doc.codes:
            if not c.guid or c.guid in seen:
                self.notes.append(f"code {c.name!r} has {'no' if not c.guid else 'a repeated'} GUID; it was not imported")
                continue
            seen.add(c.guid)
            name = self.label(c.guid, c.name).strip() or "(unnamed code)"
            names[name.casefold()] += 1
            if names[name.casefold()] > 1:
                parent = by_guid.get(c.parent)
                renamed = f"{name} ({parent.name})" if parent else f"{name} ({names[name.casefold()]})"
                while names[renamed.casefold()]:
                    renamed += "'"
                names[renamed.casefold()] += 1
                self.notes.append(f"two codes are named {name!r}; the second is imported as {renamed!r}")
                name = renamed
            extra = self.data.codes.get(c.guid) if self.data else None
            if extra is not None:
                result.append(replace(extra, guid=c.guid, name=name))
                continue
            fields = split_code_description(c.description)
            shade = colour(c.color)
            if shade is None:
                self.notes.append(f"code {name!r}: colour {c.color!r} is not #RRGGBB; left out")
            folders += not c.codable
            result.append(CodeData(c.guid, name, c.parent or None, shade or "", fields.get("definition", ""),
                                   fields.get("inclusion", ""), fields.get("exclusion", ""), fields.get("example", "")))
        if folders:
            self.notes.append(f"{folders} code(s) are marked not codable (folders); imported as ordinary codes")
        return tuple(result)

    # -- cases and variables -----------------------------------------------------------------------------
    def participants(self) -> tuple[tuple[AttributeData, ...], tuple[ParticipantData, ...]]:
        variables = {guid: (name, kind) for guid, name, kind, _ in self.doc.variables}
        if self.data:
            attributes = tuple(AttributeData(n, t, c) for n, t, c in self.data.attributes)
        else:
            attributes = tuple(self._attribute(name, kind) for name, kind in variables.values())
        result: list[ParticipantData] = []
        seen: set[str] = set()
        for case in self.doc.cases:
            if not case.guid or case.guid in seen:
                self.notes.append(f"case {case.name!r} has {'a repeated' if case.guid else 'no'} GUID; it was not imported")
                continue
            seen.add(case.guid)
            wanted = self.label(case.guid, case.name).strip() or f"case {case.guid[:8]}"
            key = self._free_key(wanted, result)
            if key != wanted:
                self.notes.append(f"two cases share the name {wanted!r}; the second is imported as participant {key!r}")
            if self.data and case.guid in self.data.participants:
                values = self.data.participants[case.guid]
            else:
                values = tuple(self._value(variables, v) for v in case.values if v[0] in variables)
            result.append(ParticipantData(case.guid, key, tuple(sorted(values))))
            if case.codes or case.selections:
                self.notes.append(f"case {key!r}: its links to codes or selections were not imported "
                                  "(thematica links participants to sources)")
        return attributes, tuple(result)

    def typed(self, attributes: tuple[AttributeData, ...],
              participants: tuple[ParticipantData, ...]) -> tuple[AttributeData, ...]:
        """The attributes, a number or date one made text when a value in the file is not of its type (noted)."""
        result = []
        for a in attributes:
            bad = [v for p in participants for n, v in p.attributes if n == a.name and v.strip() and not _fits(a.type, v)]
            if bad:
                self.notes.append(f"attribute {a.name!r}: {bad[0]!r} is not a {a.type}; the attribute was imported as text")
                a = AttributeData(a.name, "text")
            result.append(a)
        return tuple(result)

    def _attribute(self, name: str, kind: str) -> AttributeData:
        kind_key = kind.strip().lower()
        if kind_key == "boolean":
            return AttributeData(name, "category", ("false", "true"))
        return AttributeData(name, _VARIABLE_TYPES.get(kind_key, "text"))

    @staticmethod
    def _value(variables: dict[str, tuple[str, str]], value: tuple[str, str, str]) -> tuple[str, str]:
        guid, element, text = value
        if element == "BooleanValue":
            text = "true" if text.lower() in ("true", "1") else "false"
        return variables[guid][0], text

    def attach_sources(self, sources: tuple[SourceData, ...], participants: tuple[ParticipantData, ...],
                       values: dict[str, list[tuple[str, str, str]]],
                       ) -> tuple[tuple[SourceData, ...], tuple[ParticipantData, ...]]:
        """Link sources to the cases that refer to them; carry source-level variables as participants."""
        if self.data:
            return sources, participants
        owner: dict[str, str] = {}
        for case in self.doc.cases:
            for ref in case.sources:
                if ref in owner and owner[ref] != case.guid:
                    self.notes.append(f"source {ref} belongs to more than one case; it is linked to the first only")
                owner.setdefault(ref, case.guid)
        people = {p.guid: p for p in participants}
        order = [p.guid for p in participants]
        variables = {guid: (name, kind) for guid, name, kind, _ in self.doc.variables}
        linked = []
        for source in sources:
            pguid = owner.get(source.guid)
            own = [self._value(variables, v) for v in values.get(source.guid, ()) if v[0] in variables]
            if own:
                if pguid is None:
                    pguid = derived_guid("source-case", source.guid)
                    people[pguid] = ParticipantData(pguid, self._free_key(source.name, people.values()), ())
                    order.append(pguid)
                    self.notes.append(f"source {source.name!r} carries variables; they became participant {people[pguid].key!r}")
                p = people[pguid]
                have = dict(p.attributes)
                people[pguid] = replace(p, attributes=tuple(sorted({**dict(own), **have}.items())))
            linked.append(replace(source, participant_guid=pguid) if pguid else source)
        return tuple(linked), tuple(people[g] for g in order)

    @staticmethod
    def _free_key(name: str, people: Iterable[ParticipantData]) -> str:
        taken = {p.key for p in people}
        key, n = name, 1
        while key in taken:
            n += 1
            key = f"{name} ({n})"
        return key

    # -- segments --------------------------------------------------------------------------------------
    def segment(self, selection: SelectionDoc, coding: CodingDoc, source: str, start: int, end: int,
                text: str) -> SegmentData | None:
        """One coding of a placed selection as a segment (None, noted, when its code is unknown)."""
        if coding.code not in self.code_guids:
            self.notes.append(f"coding {coding.guid or '(no GUID)'} refers to code {coding.code or '(none)'}, "
                              "which the file does not define; not imported")
            return None
        data = self.data
        provenance = ""
        if data and selection.guid in data.segments and len(selection.codings) == 1:
            guid, created = selection.guid, data.segments[selection.guid]
            provenance = data.provenance.get(selection.guid, "")
            memo_note = data.segment_memos.get(guid)
            memo = self.exact(guid, "memo", self._note_content(memo_note)) if memo_note else ""
        else:
            guid = coding.guid or derived_guid("coding", selection.guid, coding.code)
            created = iso(coding.created or selection.created)
            memo = canonicalise(selection.description).strip()
        if guid in self.segment_guids:
            guid = derived_guid("segment", selection.guid, coding.code, guid)
            self.notes.append(f"coding GUID {coding.guid} occurs twice; the second got a new GUID")
        self.segment_guids.add(guid)
        return SegmentData(guid, source, coding.code, self.coder_for(coding.user, selection.user, self.doc.creating_user),
                           start, end, text, memo, created, provenance)

    def _note_content(self, guid: str) -> str:
        note = self.note_docs.get(guid)
        return note.content or "" if note else ""

    def order(self, snapshot: Snapshot) -> Snapshot:
        """Put collections in the order the data note lists them (the order of the project that wrote the file)."""
        d = self.data
        if not d:
            return snapshot

        def by(items: tuple, keys: Iterable[str]) -> tuple:  # type: ignore[type-arg]
            rank = {k: i for i, k in enumerate(keys)}
            return tuple(sorted(items, key=lambda x: rank.get(x.guid, len(rank))))

        return replace(snapshot, settings=d.settings, coders=by(snapshot.coders, d.coders),
                       participants=by(snapshot.participants, d.participants), sources=by(snapshot.sources, d.sources),
                       codes=by(snapshot.codes, d.codes), segments=by(snapshot.segments, d.segments))


def _fits(kind: str, value: str) -> bool:
    """Whether ``value`` reads as an attribute of type ``kind`` (as thematica's store parses it)."""
    try:
        if kind == "number":
            float(value)
        elif kind == "date":
            dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
