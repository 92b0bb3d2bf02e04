"""Notes, sets and everything else around the texts, as memos, themes and notes (the half of :class:`.objects.Objects`
that follows the sources: notes can point at selections, and themes at segments).

See ``docs/refi-import.md`` for what becomes what.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from ...text import canonicalise
from ..snapshot import CodeData, MemoData, SourceData, ThemeData
from .document import ProjectDoc, SelectionDoc, TextDoc, iso
from .names import ORIGIN_PREFIX, split_theme_description

if TYPE_CHECKING:
    from .trusted import ThematicaData

#: Phase given to memos from other tools (they were written while coding).
FOREIGN_MEMO_PHASE = 2
_LISTED = 20
_THEME_STATUSES = ("candidate", "reviewed", "defined", "final")


class MemosMixin:
    """Notes to memos, sets to themes, and the notes on what is left behind."""

    doc: ProjectDoc
    notes: list[str]
    data: ThematicaData | None
    data_note: str
    users: dict[str, str]
    note_docs: dict[str, TextDoc]
    loose: list[MemoData]

    def label(self, guid: str, value: str) -> str:  # pragma: no cover - provided by Objects
        raise NotImplementedError

    def exact(self, guid: str, field: str, value: str) -> str:  # pragma: no cover - provided by Objects
        raise NotImplementedError

    def comment(self, selection: SelectionDoc, source: SourceData, text: str) -> None:
        """A selection with a Description but no coding (MAXQDA comments): a memo on its source, quoting it."""
        quote = text if len(text) <= 80 else text[:79].rstrip() + "…"
        body = canonicalise(selection.description).strip()
        self.loose.append(MemoData("source", source.guid, f'On "{quote}": {body}', FOREIGN_MEMO_PHASE,
                                   self.users.get(selection.user, ""), iso(selection.created)))

    # -- notes → memos ---------------------------------------------------------------------------------
    def memos(self, placed: dict[str, list[str]], sources: dict[str, str], codes: dict[str, str],
              note_text: Callable[[TextDoc], str]) -> tuple[MemoData, ...]:
        """Memos from Notes: thematica's own from its data note, others by what refers to them."""
        used = {self.data_note} if self.data_note else set()
        result: list[MemoData] = list(self.loose)
        if self.data:
            used.update(self.data.segment_memos.values())
            used.update(g for s in self.doc.sets for g in s.notes)  # theme narratives: their text is in the data note
            for guid, memo in self.data.memos:
                note = self.note_docs.get(guid)
                if note is None:
                    self.notes.append(f"a memo's note {guid} is missing from the file; that memo was not imported")
                    continue
                used.add(note.guid)
                result.append(replace(memo, text=self.exact(note.guid, "text", note.content or "")))
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
            for target, on, prefix in dict.fromkeys(targets.get(note.guid, [("project", None, "")])):
                result.append(MemoData(target, on, prefix + body, FOREIGN_MEMO_PHASE, author, iso(note.created)))
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
            result: list[ThemeData] = []
            for t in self.data.themes:
                if t.guid in {x.guid for x in result}:
                    continue
                if t.guid not in names:
                    self.notes.append(f"theme {t.guid} is in thematica's data note but not among the sets; not imported")
                    continue
                result.append(replace(t, name=names[t.guid], code_guids=tuple(g for g in t.code_guids if g in known),
                                      quote_guids=tuple(g for g in t.quote_guids if g in segments)))
            return tuple(result)
        if self.doc.origin.startswith(ORIGIN_PREFIX):
            return self._described_themes(known)
        if self.doc.sets:
            listed = ", ".join(f"{_nfc(s.name)} ({len(s.codes)} codes, {len(s.sources)} sources)"
                               for s in self.doc.sets[:_LISTED])
            more = f" and {len(self.doc.sets) - _LISTED} more" if len(self.doc.sets) > _LISTED else ""
            self.notes.append(f"{len(self.doc.sets)} set(s) not imported (thematica has no sets; "
                              f"only its own themes travel as sets): {listed}{more}")
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
