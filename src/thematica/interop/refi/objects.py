"""Users, codes, cases, notes and sets of a parsed REFI-QDA document, as Snapshot values.

Used by :mod:`.reader` (which handles the sources and their selections). When
thematica wrote the file, its ``thematica:data`` note (see :mod:`.trusted`)
restores what REFI-QDA cannot hold; otherwise each element is mapped as
``docs/refi.md`` describes and whatever has no place in thematica is noted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import replace
from typing import Callable, Iterable

from ...text import canonicalise
from ..snapshot import (
    AttributeData, CodeData, CoderData, MemoData, ParticipantData, SegmentData, Snapshot, SourceData, ThemeData,
)
from .document import CodingDoc, ProjectDoc, SelectionDoc, TextDoc
from .names import DATA_NOTE_NAME, ORIGIN_PREFIX, derived_guid, split_code_description, split_theme_description
from .trusted import ThematicaData, read_data_note

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_VARIABLE_TYPES = {"text": "text", "boolean": "category", "integer": "number", "float": "number", "date": "date",
                   "datetime": "text"}
#: Phase given to memos from other tools (they were written while coding).
FOREIGN_MEMO_PHASE = 2


def iso(value: str) -> str:
    """A REFI ``xsd:dateTime`` as thematica stores times (ISO 8601 with offset), or "" when missing or unreadable."""
    value = value.strip()
    if not value:
        return ""
    try:
        when = dt.datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value)
    except ValueError:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.isoformat()


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


class Objects:
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
            self.notes.append(f"the file holds thematica's data note from an earlier export, but {self.doc.origin or 'another tool'} "
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
                result.append(CodeData(c.guid, name, extra["parent"], extra["colour"], extra["definition"], extra["inclusion"],
                                       extra["exclusion"], extra["example"], extra["origin"], extra["status"]))
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
                self.notes.append(f"case {key!r}: its links to codes or selections were not imported (thematica links participants to sources)")
        return attributes, tuple(result)

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
                       values: dict[str, list[tuple[str, str, str]]]) -> tuple[tuple[SourceData, ...], tuple[ParticipantData, ...]]:
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
    def segment(self, selection: SelectionDoc, coding: CodingDoc, source: str, start: int, end: int, text: str) -> SegmentData | None:
        """One coding of a placed selection as a segment (None, noted, when its code is unknown)."""
        if coding.code not in self.code_guids:
            self.notes.append(f"coding {coding.guid or '(no GUID)'} refers to code {coding.code or '(none)'}, which the file does not define; not imported")
            return None
        data = self.data
        if data and selection.guid in data.segments and len(selection.codings) == 1:
            guid, created = selection.guid, data.segments[selection.guid]
            memo_note = data.segment_memos.get(guid)
            memo = self.exact(guid, "memo", self._note_content(memo_note)) if memo_note else ""
        else:
            guid, created = coding.guid or derived_guid("coding", selection.guid, coding.code), iso(coding.created or selection.created)
            memo = canonicalise(selection.description).strip()
        if guid in self.segment_guids:
            guid = derived_guid("segment", selection.guid, coding.code, guid)
            self.notes.append(f"coding GUID {coding.guid} occurs twice; the second got a new GUID")
        self.segment_guids.add(guid)
        return SegmentData(guid, source, coding.code, self.coder_for(coding.user, selection.user, self.doc.creating_user),
                           start, end, text, memo, created)

    def comment(self, selection: SelectionDoc, source: SourceData, text: str) -> None:
        """A selection with a Description but no coding (MAXQDA comments): a memo on its source, quoting it."""
        quote = text if len(text) <= 80 else text[:79].rstrip() + "…"
        body = canonicalise(selection.description).strip()
        self.loose.append(MemoData("source", source.guid, f'On "{quote}": {body}', FOREIGN_MEMO_PHASE,
                                   self.users.get(selection.user, ""), iso(selection.created)))

    def _note_content(self, guid: str) -> str:
        note = self.note_docs.get(guid)
        return note.content or "" if note else ""

    # -- notes → memos ---------------------------------------------------------------------------------
    def memos(self, placed: dict[str, list[str]], sources: dict[str, str], codes: dict[str, str],
              note_text: Callable[[TextDoc], str]) -> tuple[MemoData, ...]:
        """Memos from Notes: thematica's own from its data note, others by what refers to them."""
        used = {self.data_note} if self.data_note else set()
        result: list[MemoData] = list(self.loose)
        if self.data:
            used.update(self.data.segment_memos.values())
            used.update(g for s in self.doc.sets for g in s.notes)  # theme narratives: their text is in the data note
            for m in self.data.memos:
                note = self.note_docs.get(m["note"])
                if note is None:
                    self.notes.append(f"a memo's note {m['note']} is missing from the file; that memo was not imported")
                    continue
                used.add(note.guid)
                result.append(MemoData(m["target"], m["target_guid"], self.exact(note.guid, "text", note.content or ""),
                                       m["phase"], m["author"], m["created_at"]))
        targets = self._note_targets(placed, sources, codes)
        for note in self.doc.notes:
            if note.guid in used:
                continue
            text = canonicalise(note_text(note)).strip()
            parts = [p for p in (note.name.strip(), canonicalise(note.description).strip()) if p and not text.startswith(p)]
            body = "\n\n".join(parts + [text]) if text else "\n\n".join(parts)
            if not body:
                continue
            author = self.users.get(note.user, "")
            for target, guid, prefix in dict.fromkeys(targets.get(note.guid, [("project", None, "")])):
                result.append(MemoData(target, guid, prefix + body, FOREIGN_MEMO_PHASE, author, iso(note.created)))
        return tuple(result)

    def _note_targets(self, placed: dict[str, list[str]], sources: dict[str, str],
                      codes: dict[str, str]) -> dict[str, list[tuple[str, str | None, str]]]:
        """Note GUID -> [(memo target, target GUID, text prefix)] from NoteRefs and Links."""
        refs: dict[str, list[tuple[str, str | None, str]]] = {}
        add = lambda note, item: refs.setdefault(note, []).append(item)  # noqa: E731
        for note in self.doc.project_notes:
            add(note, ("project", None, ""))
        for c in self.doc.codes:
            for note in c.notes:
                add(note, ("code", c.guid, "") if c.guid in codes else ("project", None, f"On code {c.name}: "))
        selections: dict[str, tuple[str, SelectionDoc]] = {}
        for text in self.doc.texts:
            for note in text.notes:
                add(note, ("source", text.guid, "") if text.guid in sources else ("project", None, f"On {text.name}: "))
            for s in text.selections:
                selections[s.guid] = (text.guid, s)
                for note in s.notes + [n for c in s.codings for n in c.notes]:
                    add(note, self._selection_target(s, text.guid, placed, sources))
        media = {m.guid: _nfc(m.name) for m in self.doc.media}
        for m_sel in self.doc.media:
            for g in m_sel.selections:
                media.setdefault(g, f"a selection in {m_sel.name}")
        for link in self.doc.links:
            note, other = (link.origin, link.target) if link.origin in self.note_docs else (link.target, link.origin)
            if note not in self.note_docs:
                continue
            if other in selections:
                add(note, self._selection_target(selections[other][1], selections[other][0], placed, sources))
            elif other in sources:
                add(note, ("source", other, ""))
            elif other in codes:
                add(note, ("code", other, ""))
            elif other in media:
                add(note, ("project", None, f"On {media[other]}: "))
        return refs

    def _selection_target(self, s: SelectionDoc, source: str, placed: dict[str, list[str]],
                          sources: dict[str, str]) -> tuple[str, str | None, str]:
        if placed.get(s.guid):
            return "segment", placed[s.guid][0], ""
        where = f'On "{s.name}" ' if s.name else f"On positions {s.raw_start}-{s.raw_end} "
        if source in sources:
            return "source", source, where.rstrip() + ": "
        return "project", None, where + f"in {source}: "

    # -- sets → themes ---------------------------------------------------------------------------------
    def themes(self, codes: tuple[CodeData, ...], segments: set[str]) -> tuple[ThemeData, ...]:
        known = {c.guid for c in codes}
        if self.data:
            names = {s.guid: self.label(s.guid, s.name) for s in self.doc.sets}
            result = []
            for t in self.data.themes:
                if t["guid"] in {x.guid for x in result}:
                    continue
                if t["guid"] not in names:
                    self.notes.append(f"theme {t['guid']} is in thematica's data note but not among the sets; not imported")
                    continue
                result.append(ThemeData(t["guid"], names[t["guid"]], t["parent"], t["definition"], t["concept"], t["status"],
                                        t["narrative"], tuple(g for g in t["codes"] if g in known),
                                        tuple(g for g in t["quotes"] if g in segments)))
            return tuple(result)
        if self.doc.origin.startswith(ORIGIN_PREFIX):
            return self._described_themes(known)
        if self.doc.sets:
            listed = ", ".join(f"{_nfc(s.name)} ({len(s.codes)} codes, {len(s.sources)} sources)" for s in self.doc.sets[:_LISTED])
            more = f" and {len(self.doc.sets) - _LISTED} more" if len(self.doc.sets) > _LISTED else ""
            self.notes.append(f"{len(self.doc.sets)} set(s) not imported (thematica has no sets; only its own themes travel as sets): {listed}{more}")
        return ()

    def _described_themes(self, known: set[str]) -> tuple[ThemeData, ...]:
        """Themes from the sets thematica wrote, without its data note: the fields are in each Set's Description."""
        by_name = {s.name: s.guid for s in self.doc.sets}
        result = []
        for s in self.doc.sets:
            fields = split_theme_description(s.description)
            status = fields.get("status", "")
            parent = by_name.get(fields.get("parent", ""))
            result.append(ThemeData(s.guid, s.name, parent if parent != s.guid else None, fields.get("definition", ""),
                                    fields.get("concept", ""), status if status in _THEME_STATUSES else "candidate",
                                    fields.get("narrative", ""), tuple(g for g in s.codes if g in known)))
        if result:
            self.notes.append("themes were read from the sets' descriptions (no thematica data note): key extracts and "
                              "anything a description cannot hold were not restored")
        return tuple(_tree_order(result))

    # -- what is left ------------------------------------------------------------------------------------
    def leftovers(self, placed: dict[str, list[str]], imported: set[str]) -> None:
        """Say what the file holds that thematica does not import (``placed``: text selections that were;
        ``imported``: GUIDs of the sources that were, a PDF among them when its text was)."""
        doc = self.doc
        if doc.media:
            kinds = {"PictureSource": "picture", "PDFSource": "PDF", "AudioSource": "audio", "VideoSource": "video"}
            listed = ", ".join(f"{_nfc(m.name) or m.guid} ({kinds.get(m.element, m.element)}"
                               f"{', its text imported' if m.guid in imported else ''})" for m in doc.media[:_LISTED])
            more = f" and {len(doc.media) - _LISTED} more" if len(doc.media) > _LISTED else ""
            self.notes.append(f"attachments not imported: {listed}{more}")
            # a PDF region that is also a selection of the PDF's text (ATLAS.ti: same GUID) came in through the text
            lost = [(m, m.codings + sum(n for g, n in m.selections.items() if g not in placed)) for m in doc.media]
            lost = [(m, n) for m, n in lost if n]
            if lost:
                self.notes.append("codings of pictures, PDF regions, audio and video not imported: "
                                  + ", ".join(f"{_nfc(m.name) or m.guid} ({n})" for m, n in lost[:_LISTED]))
        links = [k for k in doc.links if k.origin not in self.note_docs and k.target not in self.note_docs]
        if links:
            self.notes.append(f"{len(links)} link(s) between objects not imported (thematica has no links)")
        if doc.graphs:
            self.notes.append(f"graph(s) not imported: {', '.join(map(_nfc, doc.graphs[:_LISTED]))}")
        if doc.description.strip() and not (self.data and doc.description.startswith("Research question: ")):
            self.notes.append("the project's description was imported as a project memo")

    def project_memo(self) -> tuple[MemoData, ...]:
        """The project's Description as a memo (foreign files only)."""
        text = canonicalise(self.doc.description).strip()
        if not text or self.data:
            return ()
        return (MemoData("project", None, text, FOREIGN_MEMO_PHASE, "", iso(self.doc.created)),)

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


_LISTED = 20


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
_THEME_STATUSES = ("candidate", "reviewed", "defined", "final")


def _tree_order(themes: list[ThemeData]) -> list[ThemeData]:
    """Parents before their children (a snapshot lists themes in tree order); a cycle is broken at its first theme."""
    ordered: list[ThemeData] = []
    done: set[str] = set()
    by_guid = {t.guid: t for t in themes}

    def visit(theme: ThemeData, trail: set[str]) -> None:
        if theme.guid in done:
            return
        parent = by_guid.get(theme.parent_guid or "")
        if parent is not None and parent.guid not in trail:
            visit(parent, trail | {theme.guid})
        elif parent is not None:
            theme = replace(theme, parent_guid=None)
        done.add(theme.guid)
        ordered.append(theme)

    for theme in themes:
        visit(theme, {theme.guid})
    return ordered
