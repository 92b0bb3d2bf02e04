"""Coded segments, code x participant matrices and the codebook as tables (CSV, XLSX, DOCX, pandas).

Every table is built from a :class:`~thematica.interop.snapshot.Snapshot`:

* ``segments``: one row per coded segment: source, participant, the
  participant's attributes (one column each), code path, coder, text,
  start, end (code points into the canonical text), memo;
* ``presence``: codes (rows) x participants (columns), 1 where the
  participant said something coded with the code, else 0;
* ``counts``: the same matrix with the number of segments;
* ``codebook``: every code with its documentation and how often it is used.

A segment's participant is whoever was speaking where it starts (the turn
that starts at or before it; nobody for interviewer turns; the source's
participant when the source has no turns), as in every other count.
``coders`` (a set of coder GUIDs) limits a table to those coders' segments.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

from ..analysis.tables import Table
from ..errors import InvalidInput
from ..report.document import Block, Heading, Meta, Paragraph, TableBlock
from ..report.docx_writer import write_docx
from .snapshot import CodeData, SegmentData, Snapshot, SourceData

#: The tables ``table()`` can build.
KINDS = ("segments", "presence", "counts", "codebook")
#: Fixed columns of the segments table; attribute columns go between participant and code.
SEGMENT_COLUMNS = ("source", "participant", "code", "coder", "text", "start", "end", "memo")
#: Columns of the codebook table (``name`` ... ``example`` as ``Project.import_codebook_csv`` reads them).
CODEBOOK_TABLE_COLUMNS = (
    "code", "name", "parent", "level", "origin", "status", "colour",
    "definition", "inclusion", "exclusion", "example", "segments", "participants",
)
_XLSX_CELL_MAX = 32767  # Excel refuses longer cells
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NATURAL = re.compile(r"(\d+)")


# -- building ------------------------------------------------------------------------------
def table(snapshot: Snapshot, kind: str, *, coders: Collection[str] | None = None) -> Table:
    """The table ``kind`` (one of :data:`KINDS`) of a snapshot."""
    builders = {"segments": segments_table, "presence": presence_table, "counts": counts_table,
                "codebook": codebook_table}
    if kind not in builders:
        raise InvalidInput(f"a table is one of {', '.join(KINDS)}, not {kind!r}")
    return builders[kind](snapshot, coders=coders)


def segments_table(snapshot: Snapshot, *, coders: Collection[str] | None = None) -> Table:
    """One row per coded segment, by source name, start, end, code path and coder."""
    view = _View(snapshot)
    attributes = view.attribute_names()
    shown = [column_name(a) for a in attributes]
    rows = []
    for seg in view.segments(coders):
        person = view.participant_of(seg)
        values = view.attribute_values(person, attributes)
        rows.append((
            view.sources[seg.source_guid].name, view.participant_keys.get(person or "", ""), *values,
            view.paths[seg.code_guid], view.coder_names.get(seg.coder_guid, ""), seg.text, seg.start, seg.end, seg.memo,
        ))
    rows.sort(key=lambda r: (_natural(r[0]), r[-3], r[-2], r[len(attributes) + 2], r[len(attributes) + 3]))
    columns = (*SEGMENT_COLUMNS[:2], *shown, *SEGMENT_COLUMNS[2:])
    notes = ("start and end count Unicode code points into the source's canonical text (end exclusive)",)
    return Table("Coded segments", columns, tuple(rows), notes)


def presence_table(snapshot: Snapshot, *, coders: Collection[str] | None = None) -> Table:
    """Codes x participants: 1 where a participant said something coded with the code, else 0."""
    counts = counts_table(snapshot, coders=coders)
    rows = tuple((row[0], *(1 if v else 0 for v in row[1:])) for row in counts.rows)
    return Table("Code presence by participant", counts.columns, rows,
                 ("1: at least one segment of the participant's speech is coded with the code",))


def counts_table(snapshot: Snapshot, *, coders: Collection[str] | None = None) -> Table:
    """Codes x participants: the number of segments (interviewer speech belongs to nobody)."""
    view = _View(snapshot)
    keys = view.participant_order()
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for seg in view.segments(coders):
        person = view.participant_of(seg)
        if person is not None:
            cells[(seg.code_guid, person)] += 1
    rows = tuple(
        (view.paths[c.guid], *(cells.get((c.guid, p), 0) for p in keys)) for c in view.tree()
    )
    columns = ("code", *(view.participant_keys[p] for p in keys))
    return Table("Coded segments by code and participant", columns, rows,
                 ("segments per code and participant; segments in interviewer speech are not counted",))


def codebook_table(snapshot: Snapshot, *, coders: Collection[str] | None = None) -> Table:
    """Every code in tree order, with its documentation, segments and distinct participants."""
    view = _View(snapshot)
    segments: dict[str, int] = defaultdict(int)
    people: dict[str, set[str]] = defaultdict(set)
    for seg in view.segments(coders):
        segments[seg.code_guid] += 1
        person = view.participant_of(seg)
        if person is not None:
            people[seg.code_guid].add(person)
    rows = []
    for code in view.tree():
        parent = view.paths.get(code.parent_guid or "", "")
        rows.append((
            view.paths[code.guid], code.name, parent, view.depth(code.guid) + 1, code.origin, code.status, code.colour,
            code.definition, code.inclusion, code.exclusion, code.example, segments[code.guid], len(people[code.guid]),
        ))
    return Table("Codebook", CODEBOOK_TABLE_COLUMNS, tuple(rows),
                 ("segments: coded segments; participants: distinct participants whose speech is coded",))


# -- writing ------------------------------------------------------------------------------
def write_table(data: Table, path: Path | str) -> Path:
    """Write a table as CSV (UTF-8, header first) or XLSX (one sheet, header frozen), by the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput(f"a table is written as .csv or .xlsx, not {path.name!r}")
    try:
        if suffix == ".csv":
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(data.columns)
            writer.writerows(["" if v is None else v for v in row] for row in data.rows)
            path.write_bytes(out.getvalue().encode("utf-8"))
        else:
            _write_xlsx(data, path)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _write_xlsx(data: Table, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", data.title)[:31].strip() or "table"
    sheet.append(list(data.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(c)) for c in data.columns]
    for number, row in enumerate(data.rows, start=2):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=col)
            if isinstance(value, str):
                value = _XLSX_ILLEGAL.sub("", value)[:_XLSX_CELL_MAX]
                cell.value = value
                cell.data_type = "s"  # text that starts with "=" stays text, never a formula
                if "\n" in value:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.value = value
            widths[col - 1] = max(widths[col - 1], min(len(str(value if value is not None else "")), 60))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = max(8, width + 2)
    sheet.freeze_panes = "A2"
    if data.rows:
        sheet.auto_filter.ref = sheet.dimensions
    if data.notes:
        notes = book.create_sheet("notes")
        for note in data.notes:
            notes.append([note])
    book.save(path)


def to_frame(data: Table, *, index: bool = True) -> Any:
    """A pandas DataFrame of a table, indexed by its first column unless ``index`` is false."""
    import pandas

    frame = pandas.DataFrame(list(data.rows), columns=list(data.columns))
    return frame.set_index(data.columns[0]) if index and data.columns else frame


def write_codebook_docx(snapshot: Snapshot, path: Path | str, *, coders: Collection[str] | None = None,
                        author: str = "") -> Path:
    """A readable codebook in Word: a summary table, then each code (as a heading, nested by depth)
    with its definition, inclusion and exclusion criteria, example, origin and counts."""
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise InvalidInput(f"the codebook document is a .docx file, not {path.name!r}")
    try:
        return write_docx(codebook_blocks(snapshot, coders=coders, author=author), path)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None


def codebook_blocks(snapshot: Snapshot, *, coders: Collection[str] | None = None, author: str = "") -> list[Block]:
    """The codebook document as report blocks (see :mod:`thematica.report.document`)."""
    data = codebook_table(snapshot, coders=coders)
    records = data.records()
    top = sum(1 for r in records if r["level"] == 1)
    blocks: list[Block] = [
        Meta(f"Codebook: {snapshot.name}", author),
        Paragraph("Codebook", "title"),
        Paragraph(snapshot.name, "subtitle"),
    ]
    if not records:
        return [*blocks, Paragraph("[The codebook is empty.]", "scaffold")]
    blocks.append(Paragraph(
        f"{_plural(len(records), 'code')}, {top} at the top level. For each code: the segments coded with it, "
        "and the number of participants whose speech they come from (interviewer speech counts for nobody).", "meta"))
    summary = tuple(
        ("\u2003" * (r["level"] - 1) + r["name"], r["origin"], str(r["segments"]), str(r["participants"]))
        for r in records
    )
    blocks.append(TableBlock("Table 1. Codes", ("Code", "Origin", "Segments", "Participants"), summary))
    for r in records:
        blocks.append(Heading(min(r["level"] + 1, 6), r["name"]))
        if r["parent"]:
            blocks.append(Paragraph(f"Under: {r['parent'].replace('/', ' › ')}", "meta"))
        if r["definition"]:
            blocks.append(Paragraph(f"Definition: {r['definition']}"))
        else:
            blocks.append(Paragraph("[No definition yet.]", "scaffold"))
        for key, label in (("inclusion", "Include when"), ("exclusion", "Exclude when"), ("example", "Example")):
            if r[key]:
                blocks.append(Paragraph(f"{label}: {r[key]}"))
        blocks.append(Paragraph(
            f"Origin: {r['origin']}. Status: {r['status']}. "
            f"{_plural(r['segments'], 'segment')} from {_plural(r['participants'], 'participant')}.", "meta"))
    return blocks


# -- helpers -------------------------------------------------------------------------------
class _View:
    """Look-ups over a snapshot: code paths and tree, participants, turns by source."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.s = snapshot
        self.sources: dict[str, SourceData] = {s.guid: s for s in snapshot.sources}
        self.codes: dict[str, CodeData] = {c.guid: c for c in snapshot.codes}
        self.coder_names = {c.guid: c.name for c in snapshot.coders}
        self.participant_keys = {p.guid: p.key for p in snapshot.participants}
        self._values = {p.guid: dict(p.attributes) for p in snapshot.participants}
        self._types = {a.name: a.type for a in snapshot.attributes}
        self.paths = {guid: self._path(guid) for guid in self.codes}
        self._turns = {s.guid: sorted(s.turns) for s in snapshot.sources}
        self._starts = {g: [t[0] for t in turns] for g, turns in self._turns.items()}

    def _path(self, guid: str) -> str:
        parts, seen = [], set()
        current: str | None = guid
        while current in self.codes and current not in seen:
            seen.add(current)
            parts.append(self.codes[current].name)
            current = self.codes[current].parent_guid
        return "/".join(reversed(parts))

    def depth(self, guid: str) -> int:
        """How many ancestors a code has (0 at the top level)."""
        count, seen = 0, {guid}
        parent = self.codes[guid].parent_guid
        while parent in self.codes and parent not in seen:
            seen.add(parent)
            count += 1
            parent = self.codes[parent].parent_guid
        return count

    def tree(self) -> list[CodeData]:
        """Codes depth first, parents before children, siblings by name."""
        children: dict[str | None, list[CodeData]] = defaultdict(list)
        for c in self.codes.values():
            parent = c.parent_guid if c.parent_guid in self.codes and c.parent_guid != c.guid else None
            children[parent].append(c)
        ordered: list[CodeData] = []
        seen: set[str] = set()
        stack = sorted(children[None], key=lambda c: (c.name.casefold(), c.guid), reverse=True)
        while stack:
            c = stack.pop()
            if c.guid in seen:
                continue
            seen.add(c.guid)
            ordered.append(c)
            stack.extend(sorted(children[c.guid], key=lambda c: (c.name.casefold(), c.guid), reverse=True))
        ordered.extend(c for c in self.codes.values() if c.guid not in seen)  # codes in a parent cycle
        return ordered

    def segments(self, coders: Collection[str] | None) -> Iterable[SegmentData]:
        wanted = None if coders is None else set(coders)
        for seg in self.s.segments:
            if seg.code_guid in self.codes and seg.source_guid in self.sources and (
                wanted is None or seg.coder_guid in wanted
            ):
                yield seg

    def participant_of(self, seg: SegmentData) -> str | None:
        """GUID of the participant speaking where the segment starts (None: the interviewer, or nobody)."""
        starts = self._starts[seg.source_guid]
        index = bisect.bisect_right(starts, seg.start) - 1
        if index < 0:
            return self.sources[seg.source_guid].participant_guid
        return self._turns[seg.source_guid][index][4]

    def participant_order(self) -> list[str]:
        return sorted(self.participant_keys, key=lambda g: (_natural(self.participant_keys[g]), g))

    def attribute_names(self) -> list[str]:
        names = [a.name for a in self.s.attributes]
        extra = sorted({k for p in self.s.participants for k, _ in p.attributes} - set(names))
        return names + extra

    def attribute_values(self, person: str | None, names: list[str]) -> list[Any]:
        if person is None:
            return [None] * len(names)
        values = self._values.get(person, {})
        return [_typed(values.get(n), self._types.get(n, "text")) for n in names]


def _typed(value: str | None, kind: str) -> Any:
    """An attribute value as a table cell: numbers as numbers, the rest as text, missing as None."""
    if value is None or value == "":
        return None
    if kind == "number":
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value


def column_name(attribute: str) -> str:
    """The segments table's column for an attribute (prefixed if it clashes with a fixed column)."""
    return f"participant {attribute}" if attribute in SEGMENT_COLUMNS else attribute


def _natural(text: str) -> tuple[Any, ...]:
    """A sort key that puts P2 before P10."""
    return tuple(int(part) if part.isdigit() else part.casefold() for part in _NATURAL.split(text))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


__all__ = [
    "KINDS", "SEGMENT_COLUMNS", "CODEBOOK_TABLE_COLUMNS", "table", "segments_table", "presence_table",
    "counts_table", "codebook_table", "write_table", "to_frame", "write_codebook_docx", "codebook_blocks",
]
