"""Read REFI-QDA files into a :class:`~thematica.interop.snapshot.Snapshot`.

    >>> snapshot = read_qdpx("study.qdpx")      # a whole project (a bare .qde works too)
    >>> codebook = read_qdc("codebook.qdc")     # codes only

Every file is untrusted (see :mod:`.safety`). Offsets are converted per
producing tool and *verified* against the text (see :mod:`.offsets`);
whatever cannot be carried over is said plainly in ``Snapshot.notes``, and a
selection that cannot be placed exactly is reported there, never guessed.
What each REFI element becomes is listed in ``docs/refi-import.md``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ...errors import ImportError_
from ...text import canonicalise
from ..snapshot import SegmentData, Snapshot, SourceData
from .container import Files, decode_raw, find_qde
from .document import ProjectDoc, SelectionDoc, TextDoc, parse_project
from .names import derived_guid
from .objects import Objects
from .offsets import (
    CANDIDATES,
    EXACT,
    WRONG,
    CountingRule,
    TextMap,
    clean_edges,
    producer_rule,
    same_text,
)
from .safety import SafeArchive, is_zip, looks_like_xml, parse_xml, read_xml_file

_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")
_MAX_LISTED = 20


def read_qdpx(path: Path | str) -> Snapshot:
    """Read a ``.qdpx`` project (or a bare ``.qde``, whose source files are then missing)."""
    path = Path(path)
    if not path.is_file():
        raise ImportError_(f"{path} does not exist or is not a file")
    if is_zip(path):
        with SafeArchive(path) as archive:
            entry = find_qde(archive)
            label = f"{path.name} ({entry})"
            doc = parse_project(parse_xml(archive.read(entry), label), label)
            if doc.root != "Project":
                raise ImportError_(f"{label} holds a codebook, not a project; import it as a .qdc codebook")
            return _Build(doc, Files(archive, entry), path.name).snapshot()
    data = read_xml_file(path)
    if not looks_like_xml(data):
        raise ImportError_(f"{path.name} is neither a .qdpx (zip) file nor a REFI-QDA .qde (XML) file")
    doc = parse_project(parse_xml(data, path.name), path.name)
    if doc.root != "Project":
        raise ImportError_(f"{path.name} is a codebook, not a project; import it as a .qdc codebook")
    return _Build(doc, None, path.name).snapshot()


def read_qdc(path: Path | str) -> Snapshot:
    """Read a ``.qdc`` codebook: its codes (and, when thematica wrote it, its themes)."""
    path = Path(path)
    if not path.is_file():
        raise ImportError_(f"{path} does not exist or is not a file")
    if is_zip(path):
        raise ImportError_(f"{path.name} is a zip (.qdpx project), not a .qdc codebook; import it as a project")
    doc = parse_project(parse_xml(read_xml_file(path), path.name), path.name)
    if doc.root != "CodeBook":
        raise ImportError_(f"{path.name} is a project (.qde), not a .qdc codebook; import it as a project")
    return _Build(doc, None, path.name).snapshot()


class _Build:
    """Turns a parsed document (and the archive's files) into a Snapshot, collecting notes."""

    def __init__(self, doc: ProjectDoc, files: Files | None, label: str) -> None:
        self.doc, self.files, self.label = doc, files, label
        self.notes: list[str] = list(doc.warnings)
        self.producer, self.rule = producer_rule(doc.origin)
        self.objects = Objects(doc, self.notes)

    def snapshot(self) -> Snapshot:
        o = self.objects
        codes = o.codes()
        if self.doc.root == "CodeBook":
            themes = o.themes(codes, set())
            return Snapshot(name=Path(self.label).stem, origin=self.doc.origin, codes=codes, themes=themes,
                            notes=tuple(self.notes))
        if self.files is None:
            self.notes.append(f"{self.label} is a bare project file without its source files: no text could be imported")
        attributes, participants = o.participants()
        sources, segments, placed = self._sources()
        sources, participants = o.attach_sources(sources, participants, {t.guid: t.values for t in self.doc.texts})
        attributes = o.typed(attributes, participants)
        coders = o.coders()
        memos = o.project_memo() + o.memos(placed, {s.guid: s.name for s in sources}, {c.guid: c.name for c in codes},
                                           self._note_text)
        themes = o.themes(codes, {s.guid for s in segments})
        o.leftovers(placed, {s.guid for s in sources})
        snapshot = Snapshot(
            name=o.exact("project", "name", self.doc.name) or Path(self.label).stem, origin=self.doc.origin,
            coders=coders, attributes=attributes, participants=participants, sources=sources, codes=codes,
            segments=segments, memos=memos, themes=themes, notes=tuple(self.notes),
        )
        return o.order(snapshot)

    # -- sources and their selections ------------------------------------------------------------
    def _sources(self) -> tuple[tuple[SourceData, ...], tuple[SegmentData, ...], dict[str, list[str]]]:
        """Text sources read and their codings placed; ``placed`` maps selection GUID -> segment GUIDs."""
        sources: list[SourceData] = []
        segments: list[SegmentData] = []
        placed: dict[str, list[str]] = {}
        names: Counter[str] = Counter()
        read_paths: set[str] = set()
        missing: list[str] = []
        taken: set[str] = set()
        kept: list[TextDoc] = []
        for text in self.doc.texts:
            if text.element == "TextDescription":
                self.notes.append(f"the text description of a picture ({text.name or text.guid}) was not imported")
                continue
            path_key = text.plain_path.strip().casefold()
            if text.element == "Transcript" and path_key in read_paths and not text.selections:
                continue  # the same file as a text source (ATLAS.ti lists it twice)
            read_paths.add(path_key)
            loaded = self._load_text(text)
            if loaded is None:
                missing.append(text.name or text.guid)
                self._unplaced_all(text, "its text could not be read")
                continue
            textmap, original, file_name = loaded
            if text.element == "Representation" and text.owner:  # a PDF's text: the source is the PDF
                text.guid, text.name = text.owner, text.owner_name or text.name
            if text.guid in taken or not text.guid:
                new = derived_guid("source", text.guid, str(len(taken)))
                self.notes.append(f"{_element_label(text)} {text.name!r} has {'a repeated' if text.guid else 'no'} GUID; "
                                  f"imported under the new GUID {new}")
                text.guid = new
            taken.add(text.guid)
            source = self._source(text, textmap, original, file_name, names)
            sources.append(source)
            kept.append(text)
            segments.extend(self._segments(text, textmap, source, placed))
        rich = [s.name for s, t in zip(sources, kept) if t.rich_path and s.kind == "txt" and not self.objects.data]
        if rich:
            self.notes.append(f"the formatted (.docx) version of {len(rich)} source(s) was not kept, only its plain text: "
                              + ", ".join(rich[:_MAX_LISTED]))
        if missing and self.files is None:
            self.notes.append(f"text sources not imported (a bare .qde has no source files): {', '.join(missing)}")
        return tuple(sources), tuple(segments), placed

    def _source(self, text: TextDoc, textmap: TextMap, original: bytes, file_name: str, names: Counter[str]) -> SourceData:
        name = self._unique_name(text, names)
        data = self.objects.data
        extra = data.sources.get(text.guid) if data else None
        if extra is None:
            kind = "docx" if file_name.lower().endswith(".docx") else "txt"  # what the kept bytes are
            return SourceData(text.guid, name, kind, textmap.canonical, original, file_name)
        if extra.original and self.files is not None:
            stored, _, why = self.files.read(extra.original)
            if stored is None:
                self.notes.append(f"source {name!r}: its original file is missing ({why}); its text is kept as the original")
            original = stored or original
        turns = tuple(t for t in extra.turns if 0 <= t[0] <= t[1] <= len(textmap.canonical))
        if len(turns) != len(extra.turns):
            lost = len(extra.turns) - len(turns)
            self.notes.append(f"source {name!r}: {lost} speaker turn(s) outside the text were left out")
        return SourceData(text.guid, name, extra.kind, textmap.canonical, original, extra.file_name or file_name,
                          extra.participant, turns)

    def _unique_name(self, text: TextDoc, names: Counter[str]) -> str:
        base = self.objects.label(text.guid, text.name or "").strip() or f"source {text.guid[:8]}"
        name, n = base, 1
        while names[name.casefold()]:
            n += 1
            name = f"{base} ({n})"
        names[name.casefold()] += 1
        if name != base:
            self.notes.append(f"two sources are named {base!r}; the second is imported as {name!r}")
        return name

    def _load_text(self, text: TextDoc) -> tuple[TextMap, bytes, str] | None:
        """The raw text a producer counted over, the bytes it was read from and their file name; None (noted) when unreadable."""
        what = f"{_element_label(text)} {text.name or text.guid!r}"
        if text.plain_path and self.files is not None:
            data, entry, why = self.files.read(text.plain_path)
            if data is not None:
                raw, had_bom, problem = decode_raw(data)
                if problem:
                    self.notes.append(f"{what}: {problem}")
                if _BINARY.search(raw):
                    self.notes.append(f"{what}: {entry} is not text; not imported")
                    return None
                return TextMap(raw, had_bom=had_bom), data, _file_name(text, entry)
            self.notes.append(f"{what}: plain text not found ({why})")
        if text.content is not None:
            return TextMap(text.content), text.content.encode("utf-8"), _file_name(text, "")
        if text.rich_path and text.rich_path.lower().endswith(".docx") and self.files is not None:
            data, entry, why = self.files.read(text.rich_path)
            if data is not None:
                from ...ingest.files import ReadOptions
                from ...ingest.office import read_docx

                try:
                    read = read_docx(Path(PurePosixPath(entry).name), data, ReadOptions())
                except ImportError_ as exc:
                    self.notes.append(f"{what}: {exc}; not imported")
                    return None
                self.notes.append(f"{what}: no plain text in the file; text taken from its .docx, offsets verified against it")
                return TextMap(read.text), data, _file_name(text, entry)
        if self.files is not None or not text.plain_path:
            self.notes.append(f"{what} has no text thematica can read; not imported")
        return None

    def _segments(self, text: TextDoc, textmap: TextMap, source: SourceData, placed: dict[str, list[str]]) -> list[SegmentData]:
        """One segment per Coding of every selection that can be placed exactly; the rest reported."""
        o = self.objects
        rule = self._choose_rule(text, textmap, source.name)
        out: list[SegmentData] = []
        problems: list[str] = []
        for selection in text.selections:
            span, why = self._place(selection, textmap, rule)
            if span is None:
                if selection.codings or selection.description:
                    problems.append(f"selection {selection.guid} ({selection.raw_start}-{selection.raw_end}): {why}; "
                                    f"{len(selection.codings)} coding(s) not imported")
                continue
            start, end = span
            placed[selection.guid] = []
            if not selection.codings and selection.description.strip():
                o.comment(selection, source, textmap.canonical[start:end])
            for coding in selection.codings:
                segment = o.segment(selection, coding, source.guid, start, end, textmap.canonical[start:end])
                if segment is not None:
                    out.append(segment)
                    placed[selection.guid].append(segment.guid)
        for coding in text.codings:  # whole-source codings
            if not textmap.canonical.strip():
                problems.append(f"whole-source coding {coding.guid}: the text is empty")
                continue
            whole = SelectionDoc(guid=coding.guid, name="", start=0, end=len(textmap.canonical), user=coding.user,
                                 created=coding.created, description="")
            segment = o.segment(whole, coding, source.guid, 0, len(textmap.canonical), textmap.canonical)
            if segment is not None:
                out.append(segment)
                self.notes.append(f"source {source.name!r}: a coding of the whole source became one segment over all its text")
        for line in problems[:_MAX_LISTED]:
            self.notes.append(f"source {source.name!r}: {line}")
        if len(problems) > _MAX_LISTED:
            self.notes.append(f"source {source.name!r}: {len(problems) - _MAX_LISTED} more selections could not be placed")
        return out

    def _place(self, selection: SelectionDoc, textmap: TextMap, rule: CountingRule) -> tuple[tuple[int, int] | None, str]:
        if selection.start is None or selection.end is None:
            return None, "its positions are not whole numbers"
        start, end = selection.start, selection.end
        if start > end:
            start, end = end, start
        if start == end:
            return None, "it is empty (zero length)"
        span = textmap.place(start, end, rule)
        if span is None:
            return None, f"its positions fall outside the text or inside a character (counting {rule.describe()})"
        if span[0] >= span[1]:
            return None, "it covers only part of a character"
        if same_text(selection.name, textmap.canonical[span[0] : span[1]]) != WRONG:
            return span, ""
        if self._names_are_text:
            for other in CANDIDATES:  # this one selection may still verify under another rule
                alt = textmap.place(start, end, other)
                if alt and alt[0] < alt[1] and same_text(selection.name, textmap.canonical[alt[0] : alt[1]]) == EXACT:
                    self.notes.append(f"selection {selection.guid}: placed counting {other.describe()}, where its text matched")
                    return alt, ""
        if _occurs(selection.name, textmap):
            return None, "the text at its positions is not the text its name gives, which occurs elsewhere in the source"
        if self._names_are_text:
            self.notes.append(f"selection {selection.guid}: its name {selection.name[:40]!r} is not text of the source "
                              "(a renamed quotation?); placed by its positions, which the source's other selections verify")
        return span, ""

    def _choose_rule(self, text: TextDoc, textmap: TextMap, name: str) -> CountingRule:
        """The counting rule that fits this source's selections best (the producer's own when it fits)."""
        data = self.objects.data
        default = data.rule if data else self.rule
        selections = [s for s in text.selections if s.start is not None and s.end is not None and s.start != s.end]
        self._names_are_text = False
        if not selections:
            return default
        scores = {default: _Score.of(selections, textmap, default)}
        if not scores[default].perfect(len(selections)):
            rules = list(CANDIDATES)
            if textmap.had_bom:
                rules += [CountingRule(r.unit, r.crlf, True) for r in CANDIDATES[:3]]
            for rule in rules:
                scores.setdefault(rule, _Score.of(selections, textmap, rule))
        best = max(scores, key=lambda r: (scores[r].key(), r == default))
        score = scores[best]
        self._names_are_text = score.matches > 0
        how = (f"{score.matches} of {len(selections)} selections verified by their text" if score.matches else
               f"{score.edges} of {2 * len(selections)} selection ends on word boundaries; "
               "the file gives no selected text to check")
        if best != default:
            self.notes.append(f"source {name!r}: offsets do not fit {self.producer}'s usual counting ({default.describe()}); "
                              f"read as {best.describe()} ({how})")
        elif self.producer != "thematica" or not score.perfect(len(selections)):
            self.notes.append(f"source {name!r}: offsets read as {self.producer} counts them, {best.describe()} ({how})")
        return best

    def _unplaced_all(self, text: TextDoc, why: str) -> None:
        codings = sum(len(s.codings) for s in text.selections) + len(text.codings)
        if codings:
            self.notes.append(f"{_element_label(text)} {text.name or text.guid!r}: {why}, so its "
                              f"{len(text.selections)} selection(s) and {codings} coding(s) were not imported")

    def _note_text(self, note: TextDoc) -> str:
        """A Note's text: its PlainTextContent, else its plain-text file."""
        if note.content is not None:
            return note.content
        if note.plain_path and self.files is not None:
            data, _, why = self.files.read(note.plain_path)
            if data is not None:
                return decode_raw(data)[0]
            self.notes.append(f"note {note.name or note.guid!r}: {why}")
        return ""


@dataclass(frozen=True, slots=True)
class _Score:
    """How well a counting rule fits a source's selections."""

    matches: int  # selections whose name is their text
    exact: int  # ... character for character
    mismatches: int  # selections whose name is other text
    mapped: int  # selections that fall on whole characters inside the text
    edges: int  # selection ends on word boundaries

    @classmethod
    def of(cls, selections: list[SelectionDoc], textmap: TextMap, rule: CountingRule) -> "_Score":
        matches = exact = mismatches = mapped = edges = 0
        canonical = textmap.canonical
        for s in selections:
            a, b = sorted((s.start or 0, s.end or 0))
            span = textmap.place(a, b, rule)
            if span is None or span[0] >= span[1]:
                continue
            mapped += 1
            edges += clean_edges(canonical, *span)
            verdict = same_text(s.name, canonical[span[0] : span[1]])
            matches += bool(verdict)
            exact += verdict == EXACT
            mismatches += verdict == WRONG
        return cls(matches, exact, mismatches, mapped, edges)

    def key(self) -> tuple[int, int, int, int]:
        return self.matches - self.mismatches, self.exact, self.mapped, self.edges

    def perfect(self, count: int) -> bool:
        """Every selection placed, none contradicted by its text, and verified (by text, else by word edges)."""
        if self.mapped != count or self.mismatches:
            return False
        if self.matches:
            return self.exact == self.matches  # a loose match (whitespace, cut short) may fit another rule better
        return self.edges >= 0.9 * 2 * count


def _occurs(name: str, textmap: TextMap) -> bool:
    """Whether a selection's name (its text, perhaps cut short with an ellipsis) occurs anywhere in the source."""
    wanted = " ".join(canonicalise(name).split())
    for ellipsis in ("…", "..."):
        if wanted.endswith(ellipsis):
            wanted = wanted[: -len(ellipsis)].rstrip()
    return bool(wanted) and wanted in textmap.collapsed()


def _file_name(text: TextDoc, entry: str) -> str:
    """The name of the file the text came from: the source's name with the entry's extension."""
    suffix = PurePosixPath(entry).suffix if entry else ".txt"
    name = (text.name or text.guid).strip()
    return name if name.lower().endswith(suffix.lower()) else f"{name}{suffix}"


def _element_label(text: TextDoc) -> str:
    return {"TextSource": "text source", "Representation": "PDF text", "Transcript": "transcript", "Note": "note"}.get(
        text.element, text.element)


__all__ = ["read_qdpx", "read_qdc"]
