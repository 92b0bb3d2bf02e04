"""A Snapshot as a REFI-QDA ``project.qde`` plus the files of its ``sources/`` folder.

Element order follows the schema's sequences; wrappers (``Users``, ``Codes`` ...)
are written only when they have a child; every string is made legal XML;
output depends on the snapshot alone (no clock, no randomness). The mapping is
documented in ``docs/refi.md``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import re
from collections import defaultdict
from pathlib import PurePath
from typing import Callable

from lxml import etree

from ...errors import InvalidInput
from ...model import Phase
from ...text import sha256
from ..snapshot import CodeData, MemoData, SegmentData, Snapshot, SourceData, describe_provenance
from . import data_note
from .names import (
    DATA_NOTE_NAME,
    ORIGIN_PREFIX,
    PROJECT_NS,
    PROJECT_SCHEMA_LOCATION,
    VARIABLE_TYPES,
    XSI_NS,
    code_description,
    derived_guid,
    internal_path,
    is_guid,
    theme_description,
    xsd_datetime,
)

#: Largest internal file REFI-QDA allows (2^31 - 1 bytes, §8.5).
MAX_INTERNAL_BYTES = 2**31 - 1
OFFSET_UNITS = ("codepoints", "utf16")

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_EXT = re.compile(r"[a-z0-9]{1,10}")
_NSMAP = {None: PROJECT_NS, "xsi": XSI_NS}
_MEMO_LABELS = {"project": "Project memo", "journal": "Journal", "source": "Memo on source", "code": "Memo on code",
                "segment": "Memo on coded segment"}


def xml_text(value: str) -> str:
    """``value`` with characters XML 1.0 cannot hold replaced by U+FFFD."""
    return _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value


def rgb(colour: str) -> str | None:
    """A colour as ``#RRGGBB`` (upper case), or None when it is not hex."""
    match = _HEX.fullmatch(colour.strip())
    if not match:
        return None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits.upper()


def excerpt(text: str, width: int = 50) -> str:
    """The first non-blank line of ``text``, cut to ``width`` characters."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


class ProjectBuilder:
    """Builds the project element and the internal files for one snapshot (use :func:`build_project`)."""

    def __init__(self, snapshot: Snapshot, offsets: str) -> None:
        if offsets not in OFFSET_UNITS:
            raise InvalidInput(f"unknown offset unit {offsets!r}; use one of {', '.join(OFFSET_UNITS)}")
        self.s = snapshot
        self.links = data_note.NoteLinks(offsets=offsets)
        self.files: dict[str, bytes] = {}
        self.notes: list[etree._Element] = []
        self.project_notes: list[str] = []
        self.code_notes: dict[str, list[str]] = defaultdict(list)
        self.source_notes: dict[str, list[str]] = defaultdict(list)
        self.segment_notes: dict[str, list[str]] = defaultdict(list)
        self.coders = {c.guid for c in snapshot.coders}
        self.authors = {c.name.casefold(): c.guid for c in reversed(snapshot.coders)}
        self.codes = {c.guid: c for c in snapshot.codes}
        self.sources = {s.guid: s for s in snapshot.sources}
        self._check_guids()

    # -- helpers ------------------------------------------------------------------------------
    def el(self, parent: etree._Element | None, tag: str, text: str | None = None, **attrs: str | None) -> etree._Element:
        """A namespaced element with the attributes that are not None, in the order given."""
        q = f"{{{PROJECT_NS}}}{tag}"
        node = etree.Element(q, nsmap=_NSMAP) if parent is None else etree.SubElement(parent, q)
        for key, value in attrs.items():
            if value is not None:
                node.set(key, value)
        if text is not None:
            node.text = text
        return node

    def safe(self, guid: str, field: str, value: str) -> str:
        """``value`` made legal XML; the exact value is kept in the data note when that changed it."""
        clean = xml_text(value)
        if clean != value:
            self.links.raw.setdefault(guid, {})[field] = value
        return clean

    def _check_guids(self) -> None:
        s = self.s
        groups: list[tuple[str, list[str]]] = [
            ("coder", [c.guid for c in s.coders]), ("participant", [p.guid for p in s.participants]),
            ("source", [x.guid for x in s.sources]), ("code", [c.guid for c in s.codes]),
            ("segment", [x.guid for x in s.segments]), ("theme", [t.guid for t in s.themes]),
        ]
        for what, guids in groups:
            for guid in guids:
                if not is_guid(guid):
                    raise InvalidInput(f"{what} GUID {guid!r} is not a GUID (8-4-4-4-12 hex digits); cannot export")

    # -- the document -------------------------------------------------------------------------
    def build(self) -> etree._Element:
        s = self.s
        self._memo_notes()
        origin = s.origin if s.origin.startswith(ORIGIN_PREFIX) else ORIGIN_PREFIX
        settings = dict(s.settings)
        root = self.el(None, "Project", name=self.safe("project", "name", s.name), origin=xml_text(origin),
                       creationDateTime=xsd_datetime(settings.get("created_at", "")))
        root.set(f"{{{XSI_NS}}}schemaLocation", PROJECT_SCHEMA_LOCATION)
        if s.coders:
            users = self.el(root, "Users")
            for c in s.coders:
                self.el(users, "User", guid=c.guid, name=self.safe(c.guid, "name", c.name))
        if s.codes:
            self._codebook(self.el(self.el(root, "CodeBook"), "Codes"))
        variables = self._variables()
        if variables:
            holder = self.el(root, "Variables")
            for name, (guid, kind, description) in variables.items():
                var = self.el(holder, "Variable", guid=guid, name=self.safe(guid, "name", name), typeOfVariable=kind)
                if description:
                    self.el(var, "Description", xml_text(description))
        if s.participants:
            self._cases(self.el(root, "Cases"), variables)
        if s.sources:
            self._sources(self.el(root, "Sources"))
        self._narratives()
        data_guid = derived_guid("thematica-data", s.name)
        self.project_notes.append(data_guid)
        self.notes.append(self._note(data_guid, DATA_NOTE_NAME, None, None,
                                     "Data for re-importing this project into thematica (themes, phases, speaker "
                                     "turns ...). Other programs can ignore it.",
                                     data_note.dumps(data_note.data_document(s, self.links))))
        notes = self.el(root, "Notes")
        notes.extend(self.notes)
        if s.themes:
            self._sets(self.el(root, "Sets"))
        question = settings.get("research_question", "").strip()
        if question:
            self.el(root, "Description", xml_text(f"Research question: {question}"))
        for guid in self.project_notes:
            self.el(root, "NoteRef", targetGUID=guid)
        return root

    def _codebook(self, holder: etree._Element) -> None:
        children: dict[str | None, list[CodeData]] = defaultdict(list)
        for c in self.s.codes:
            children[c.parent_guid if c.parent_guid in self.codes else None].append(c)
        seen: set[str] = set()

        def add(parent: etree._Element, code: CodeData) -> None:
            seen.add(code.guid)
            node = self.el(parent, "Code", guid=code.guid, name=self.safe(code.guid, "name", code.name),
                           isCodable="true", color=rgb(code.colour))
            description = code_description(code.definition, code.inclusion, code.exclusion, code.example)
            if description:
                self.el(node, "Description", xml_text(description))
            for note in self.code_notes.get(code.guid, ()):
                self.el(node, "NoteRef", targetGUID=note)
            for child in children.get(code.guid, ()):
                add(node, child)

        for code in children[None]:
            add(holder, code)
        if len(seen) != len(self.s.codes):
            raise InvalidInput("the codes' parents form a cycle; cannot export the codebook")

    def _variables(self) -> dict[str, tuple[str, str, str]]:
        """Attribute name -> (variable GUID, typeOfVariable, description), defined attributes first."""
        defined = {a.name: a for a in self.s.attributes}
        values: dict[str, list[str]] = defaultdict(list)
        for p in self.s.participants:
            for name, value in p.attributes:
                values[name].append(value)
        names = list(defined) + sorted(n for n in values if n not in defined)
        result = {}
        for name in names:
            attr = defined.get(name)
            kind = VARIABLE_TYPES.get(attr.type, "Text") if attr else "Text"
            present = [v for v in values.get(name, ()) if v.strip()]
            if kind == "Float" and present and all(_integer(v) is not None for v in present):
                kind = "Integer"
            description = f"Categories: {'; '.join(attr.categories)}" if attr and attr.categories else ""
            result[name] = (derived_guid("variable", name), kind, description)
        return result

    def _cases(self, holder: etree._Element, variables: dict[str, tuple[str, str, str]]) -> None:
        by_case: dict[str, list[str]] = defaultdict(list)
        for src in self.s.sources:
            if src.participant_guid:
                by_case[src.participant_guid].append(src.guid)
        for p in self.s.participants:
            case = self.el(holder, "Case", guid=p.guid, name=self.safe(p.guid, "name", p.key))
            given = dict(p.attributes)
            for name, (guid, kind, _) in variables.items():
                if name in given and (element := _value(kind, given[name])) is not None:
                    value = self.el(case, "VariableValue")
                    self.el(value, "VariableRef", targetGUID=guid)
                    self.el(value, element[0], element[1])
            for source in by_case.get(p.guid, ()):
                self.el(case, "SourceRef", targetGUID=source)

    def _sources(self, holder: etree._Element) -> None:
        by_source: dict[str, list[SegmentData]] = defaultdict(list)
        for seg in self.s.segments:
            if seg.source_guid not in self.sources:
                raise InvalidInput(f"segment {seg.guid} refers to source {seg.source_guid}, which is not exported")
            by_source[seg.source_guid].append(seg)
        for src in self.s.sources:
            stem = src.guid.strip("{}")
            plain = f"{stem}.txt"
            self._add_file(plain, src.text.encode("utf-8"), src)
            rich = self._original(src)
            node = self.el(holder, "TextSource", guid=src.guid, name=self.safe(src.guid, "name", src.name),
                           richTextPath=rich, plainTextPath=internal_path(plain))
            to_units = _unit_converter(src.text, self.links.offsets)
            for seg in by_source.get(src.guid, ()):
                self._selection(node, src, seg, to_units)
            for note in self.source_notes.get(src.guid, ()):
                self.el(node, "NoteRef", targetGUID=note)

    def _original(self, src: SourceData) -> str | None:
        """Store the original file when it is more than the text; return the richTextPath for a .docx."""
        data = src.original
        if not data or data == src.text.encode("utf-8"):
            return None
        ext = PurePath(src.file_name).suffix.lower().lstrip(".")
        if not _EXT.fullmatch(ext):
            ext = src.kind.lower() if _EXT.fullmatch(src.kind.lower()) else "bin"
        name = f"{derived_guid('original', sha256(data))}.{ext}"
        self._add_file(name, data, src)
        self.links.originals[src.guid] = internal_path(name)
        return internal_path(name) if ext == "docx" else None

    def _add_file(self, name: str, data: bytes, src: SourceData) -> None:
        if len(data) > MAX_INTERNAL_BYTES:
            raise InvalidInput(f"source {src.name!r} is larger than REFI-QDA's limit of 2 GiB per file")
        self.files[name] = data

    def _selection(self, parent: etree._Element, src: SourceData, seg: SegmentData, to_units: Callable[[int], int]) -> None:
        if not (0 <= seg.start < seg.end <= len(src.text)) or src.text[seg.start : seg.end] != seg.text:
            raise InvalidInput(f"segment {seg.guid} does not match the text of source {src.name!r}; run `thematica check`")
        if seg.code_guid not in self.codes:
            raise InvalidInput(f"segment {seg.guid} refers to code {seg.code_guid}, which is not exported")
        if seg.coder_guid not in self.coders:
            raise InvalidInput(f"segment {seg.guid} refers to coder {seg.coder_guid}, who is not exported")
        when = xsd_datetime(seg.created_at)
        node = self.el(parent, "PlainTextSelection", guid=seg.guid, name=xml_text(seg.text),
                       startPosition=str(to_units(seg.start)), endPosition=str(to_units(seg.end)),
                       creatingUser=seg.coder_guid, creationDateTime=when)
        if seg.provenance:  # other tools show it; thematica reads the exact JSON back from its data note
            self.el(node, "Description", xml_text(describe_provenance(seg.provenance)))
        coding = self.el(node, "Coding", guid=derived_guid("coding", seg.guid), creatingUser=seg.coder_guid,
                         creationDateTime=when)
        self.el(coding, "CodeRef", targetGUID=seg.code_guid)
        for note in self.segment_notes.get(seg.guid, ()):
            self.el(node, "NoteRef", targetGUID=note)

    # -- notes and sets -----------------------------------------------------------------------
    def _note(self, guid: str, name: str, author: str | None, when: str | None, description: str, text: str) -> etree._Element:
        node = self.el(None, "Note", guid=guid, name=xml_text(name), creatingUser=author, creationDateTime=when)
        if description:
            self.el(node, "Description", xml_text(description))
        self.el(node, "PlainTextContent", text)
        return node

    def _memo_notes(self) -> None:
        seen: dict[tuple[str, ...], int] = defaultdict(int)
        segments = {seg.guid: seg for seg in self.s.segments}
        for memo in self.s.memos:
            key = (memo.target, memo.target_guid or "", memo.created_at, memo.author, memo.text)
            seen[key] += 1
            guid = derived_guid("memo", *key, str(seen[key]))
            self.links.memo_notes.append(guid)
            self.notes.append(self._note(guid, self._memo_name(memo, segments), self.authors.get(memo.author.casefold()),
                                         xsd_datetime(memo.created_at), _phase_line(memo.phase),
                                         self.safe(guid, "text", memo.text)))
            target = {"code": self.code_notes, "source": self.source_notes, "segment": self.segment_notes}.get(memo.target)
            if target is None:
                self.project_notes.append(guid)
            elif memo.target_guid:
                target[memo.target_guid].append(guid)
        for seg in self.s.segments:
            if seg.memo:
                guid = derived_guid("segment-memo", seg.guid)
                self.links.segment_memos[seg.guid] = guid
                self.segment_notes[seg.guid].insert(0, guid)
                code = self.codes.get(seg.code_guid)
                name = f"Memo on coded segment ({code.name if code else 'code'}): {excerpt(seg.memo)}"
                self.notes.append(self._note(guid, name, seg.coder_guid if seg.coder_guid in self.coders else None,
                                             xsd_datetime(seg.created_at), "", self.safe(seg.guid, "memo", seg.memo)))

    def _memo_name(self, memo: MemoData, segments: dict[str, SegmentData]) -> str:
        label = _MEMO_LABELS.get(memo.target, "Memo")
        when = xsd_datetime(memo.created_at)
        if memo.target == "journal" and when:
            label = f"Journal {when[:10]}"
        elif memo.target == "source" and memo.target_guid in self.sources:
            label = f"Memo on {self.sources[memo.target_guid].name}"
        elif memo.target == "code" and memo.target_guid in self.codes:
            label = f"Memo on code {self.codes[memo.target_guid].name}"
        elif memo.target == "segment" and memo.target_guid in segments:
            code = self.codes.get(segments[memo.target_guid].code_guid)
            label = f"Memo on coded segment ({code.name})" if code else label
        return f"{label}: {excerpt(memo.text)}" if excerpt(memo.text) else label

    def _narratives(self) -> None:
        for theme in self.s.themes:
            if theme.narrative:
                guid = derived_guid("narrative", theme.guid)
                self.links.narratives[theme.guid] = guid
                self.notes.append(self._note(guid, f"Theme narrative: {theme.name}", None, None, "",
                                             self.safe(guid, "text", theme.narrative)))

    def _sets(self, holder: etree._Element) -> None:
        names = {t.guid: t.name for t in self.s.themes}
        for theme in self.s.themes:
            node = self.el(holder, "Set", guid=theme.guid, name=self.safe(theme.guid, "name", theme.name))
            description = theme_description(theme.definition, theme.concept, theme.status,
                                             names.get(theme.parent_guid or "", ""))
            if description:
                self.el(node, "Description", xml_text(description))
            for code in dict.fromkeys(theme.code_guids):
                if code in self.codes:
                    self.el(node, "MemberCode", targetGUID=code)
            if theme.guid in self.links.narratives:
                self.el(node, "MemberNote", targetGUID=self.links.narratives[theme.guid])


def build_project(snapshot: Snapshot, offsets: str = "codepoints") -> tuple[etree._Element, dict[str, bytes]]:
    """The ``Project`` element and the internal files (name in ``sources/`` -> bytes) for ``snapshot``."""
    builder = ProjectBuilder(snapshot, offsets)
    root = builder.build()
    etree.cleanup_namespaces(root)  # one declaration, on the root
    return root, builder.files


def _phase_line(phase: int) -> str:
    try:
        return f"Written in phase {phase}: {Phase(phase).label}."
    except ValueError:
        return f"Written in phase {phase}."


def _integer(value: str) -> int | None:
    try:
        number = decimal.Decimal(value.strip())
    except decimal.InvalidOperation:
        return None
    return int(number) if number.is_finite() and number == number.to_integral_value() else None


def _value(kind: str, value: str) -> tuple[str, str] | None:
    """(element, text) of a VariableValue, or None when the value cannot be written as that type."""
    if kind == "Text":
        return "TextValue", xml_text(value)
    if not value.strip():
        return None
    if kind == "Integer":
        number = _integer(value)
        return None if number is None else ("IntegerValue", str(number))
    if kind == "Float":
        try:
            dec = decimal.Decimal(value.strip())
        except decimal.InvalidOperation:
            return None
        return ("FloatValue", format(dec, "f")) if dec.is_finite() else None
    try:
        return "DateValue", dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return None


def _unit_converter(text: str, offsets: str) -> Callable[[int], int]:
    """Code point -> the exported unit (UTF-16 code units count astral characters twice)."""
    if offsets == "codepoints":
        return lambda index: index
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    return lambda index: index + bisect.bisect_left(astral, index)
