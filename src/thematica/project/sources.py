"""Sources, turns, participants and their attributes."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Callable, Collection, Mapping, Sequence

from .. import ingest
from ..errors import Conflict, ImportError_, InvalidInput, NotFound, ThematicaError
from ..ingest import read_table
from ..ingest.base import ReadDocument, SurveyMapping
from ..model import AttributeDef, AttributeType, Participant, Role, Source, Turn
from ..store import Writer
from ..store.convert import attribute_from_text, attribute_to_text, now
from ..text import passages, sha256
from .core import ProjectCore, new_guid

_PARTICIPANT_STEM = re.compile(r"^((?:P|R|ID|Participant|Respondent)[-_ ]?\d+)(?:\b|_)", re.IGNORECASE)
_CATEGORY_MAX = 12


class SourcesMixin(ProjectCore):
    """Bringing transcripts and participants in, and reading them back."""

    # -- reading -----------------------------------------------------------------
    def sources(self) -> list[Source]:
        """All sources, by name."""
        with self._read() as r:
            return r.sources()

    def source(self, ref: str | int) -> Source:
        """A source by name or id."""
        for src in self.sources():
            if src.name == ref or (isinstance(ref, int) or str(ref).isdigit()) and src.id == int(ref):
                return src
        raise NotFound(f"no source {ref!r}")

    def source_text(self, ref: str | int) -> str:
        """A source's canonical text."""
        source_id = self.source(ref).id
        with self._read() as r:
            return r.source_text(source_id) or ""

    def source_original(self, ref: str | int) -> bytes:
        """The bytes of the file a source was imported from."""
        source_id = self.source(ref).id
        with self._read() as r:
            return r.source_original(source_id) or b""

    def turns(self, source: str | int | None = None) -> list[Turn]:
        """Speaker turns of one source, or of all."""
        source_id = None if source is None else self.source(source).id
        with self._read() as r:
            return r.turns(source_id)

    # -- import ----------------------------------------------------------------------
    def import_file(
        self,
        path: Path | str,
        *,
        name: str | None = None,
        participant: str | None = None,
        encoding: str | None = None,
        speaker_pattern: str | None = None,
        interviewer_labels: Collection[str] | None = None,
    ) -> Source:
        """Import one transcript (TXT, MD, DOCX, PDF, RTF, ODT, VTT, SRT) as a source with its turns."""
        return self.import_files(
            [path], name=name, participant=participant, encoding=encoding,
            speaker_pattern=speaker_pattern, interviewer_labels=interviewer_labels,
        )[0]

    def import_files(
        self,
        paths: Sequence[Path | str],
        *,
        name: str | None = None,
        participant: str | None = None,
        encoding: str | None = None,
        speaker_pattern: str | None = None,
        interviewer_labels: Collection[str] | None = None,
        progress: Callable[[Path], None] | None = None,
    ) -> list[Source]:
        """Import transcripts as one change: all of them, or none.

        Every file is read first; if any cannot be read, or a name is taken,
        the error names each such file and the project is left as it was.
        Then all sources are written in one transaction and one audit event,
        so ``undo`` takes the whole import back. ``progress`` is called after
        each file is read.
        """
        files = [Path(p) for p in paths]
        if name is not None and len(files) != 1:
            raise InvalidInput("a source name can be given for one file only")
        docs: list[ReadDocument] = []
        problems: list[tuple[Path, ThematicaError]] = []
        for path in files:
            try:
                docs.append(ingest.read_file(
                    path, encoding=encoding, speaker_pattern=speaker_pattern, interviewer_labels=interviewer_labels
                ))
            except ThematicaError as exc:
                problems.append((path, exc))
            if progress:
                progress(path)
        _raise_problems(problems)
        names = [(name or doc.name).strip() for doc in docs]
        taken = sorted({n for n in names if names.count(n) > 1})
        if taken:
            raise Conflict(f"several files would become the source {taken[0]!r}; import them under other names")
        summary = f"imported {names[0]} ({docs[0].kind})" if len(docs) == 1 else f"imported {len(docs)} sources"
        with self._change("source.import", summary) as ch:
            ids = [self._add_document(ch.writer, doc, n, participant) for doc, n in zip(docs, names, strict=True)]
            ch.details = {"sources": ids, "files": [d.file_name for d in docs], "turns": sum(len(d.turns) for d in docs)}
            by_id = {s.id: s for s in ch.writer.sources()}
        return [by_id[i] for i in ids]

    def import_survey(
        self,
        path: Path | str,
        mapping: SurveyMapping,
        *,
        encoding: str | None = None,
        sheet: str | None = None,
        types: Mapping[str, AttributeType | str] | None = None,
    ) -> list[Source]:
        """Import open-ended survey answers: one source per answer column, respondents as participants."""
        data = ingest.read_survey(Path(path), mapping, encoding=encoding, sheet=sheet)
        with self._change("survey.import", f"imported survey {Path(path).name}") as ch:
            w = ch.writer
            self._upsert_participants(w, data.respondents, create_missing=True, types=types)
            ids = [self._add_document(w, doc, doc.name, None) for doc in data.documents]
            ch.details = {"sources": ids, "respondents": len(data.respondents)}
        return [s for s in self.sources() if s.id in ids]

    def _add_document(self, w: Writer, doc: ReadDocument, name: str, participant: str | None) -> int:
        if not name:
            raise InvalidInput("a source needs a name")
        if w.source_id(name) is not None:
            raise Conflict(f"there is already a source named {name!r}; import it under another name")
        keys: dict[str, int] = {}

        def participant_id(key: str) -> int:
            if key not in keys:
                keys[key] = w.participant_id(key) or self._insert_participant(w, key)
            return keys[key]

        owner_key = participant or _owner_key(doc)
        owner_id = participant_id(owner_key) if owner_key else None
        source_id = w.insert(
            "source",
            {
                "guid": new_guid(),
                "name": name,
                "kind": doc.kind,
                "text": doc.text,
                "length": len(doc.text),
                "participant_id": owner_id,
                "sha256": sha256(doc.original),
                "encoding": doc.encoding,
                "file_name": doc.file_name,
                "imported_at": now(),
            },
        )
        w.add_original(source_id, doc.original, doc.text)
        rows = []
        for index, span in enumerate(doc.turns):
            pid = None
            if span.role is Role.PARTICIPANT:
                pid = participant_id(span.participant_key) if span.participant_key else owner_id
            rows.append(
                {
                    "source_id": source_id,
                    "idx": index,
                    "start": span.start,
                    "end": span.end,
                    "speaker": span.speaker,
                    "role": span.role.value,
                    "participant_id": pid,
                    "begin": span.begin,
                    "end_time": span.end_time,
                }
            )
        w.insert_children("turn", rows)  # removed with the source on undo (ON DELETE CASCADE)
        w.index_passages(source_id, passages(doc.text))
        return source_id

    def _insert_participant(self, w: Writer, key: str) -> int:
        return w.insert("participant", {"guid": new_guid(), "key": key, "created_at": now()})

    # -- participants --------------------------------------------------------------------
    def participants(self) -> list[Participant]:
        """Participants with their typed attributes, by key."""
        with self._read() as r:
            values = r.attribute_values()
            return [Participant(pid, key, values.get(pid, {})) for pid, key in r.participants()]

    def participant(self, key: str) -> Participant:
        """One participant by key."""
        for p in self.participants():
            if p.key == key:
                return p
        raise NotFound(f"no participant {key!r}")

    def attributes(self) -> list[AttributeDef]:
        """The attribute definitions (name, type, categories)."""
        with self._read() as r:
            return [d for _, d in r.attribute_defs()]

    def import_participants(
        self,
        path: Path | str,
        *,
        id_column: str | None = None,
        types: Mapping[str, AttributeType | str] | None = None,
        create_missing: bool = False,
        encoding: str | None = None,
    ) -> list[Participant]:
        """Import a participants CSV: an id column plus any attribute columns.

        Each id must name a participant already in the project, or a source
        (which is then linked to it); other ids are an error unless
        ``create_missing``. Attribute types are inferred (number, date,
        category, text) unless given in ``types``.
        """
        path = Path(path)
        rows = read_table(path, encoding=encoding)
        if not rows:
            raise InvalidInput(f"{path.name} has no rows")
        columns = list(rows[0].keys())
        key_col = id_column or columns[0]
        if key_col not in columns:
            raise InvalidInput(f"{path.name} has no column {key_col!r} (columns: {', '.join(columns)})")
        table: dict[str, dict[str, str]] = {}
        for number, row in enumerate(rows, start=2):
            key = (row.get(key_col) or "").strip()
            if not key:
                raise InvalidInput(f"{path.name} line {number}: empty {key_col!r}")
            if key in table:
                raise InvalidInput(f"{path.name} line {number}: participant {key!r} appears twice")
            table[key] = {c: (v or "").strip() for c, v in row.items() if c and c != key_col}
        with self._change("participants.import", f"imported {len(table)} participants from {path.name}") as ch:
            self._upsert_participants(ch.writer, table, create_missing=create_missing, types=types)
        return self.participants()

    def _upsert_participants(
        self,
        w: Writer,
        table: Mapping[str, Mapping[str, str]],
        *,
        create_missing: bool,
        types: Mapping[str, AttributeType | str] | None,
    ) -> None:
        keys = {key: pid for pid, key in w.participants()}
        by_source = {s.name: s for s in w.sources()}
        unknown = [k for k in table if k not in keys and k not in by_source]
        if unknown and not create_missing:
            raise NotFound(
                f"{len(unknown)} id(s) match no participant or source: {', '.join(unknown[:10])}"
                + (" ..." if len(unknown) > 10 else "")
                + " (import their transcripts first, or allow new participants)"
            )
        for key in table:
            if key not in keys:
                keys[key] = self._insert_participant(w, key)
            src = by_source.get(key)
            if src is not None and src.participant_id != keys[key]:
                w.update("source", src.id, {"participant_id": keys[key]})
        defs = {d.name: (aid, d) for aid, d in w.attribute_defs()}
        columns = sorted({c for values in table.values() for c in values})
        declared = {column: _attribute_type(kind) for column, kind in (types or {}).items()}
        unknown_columns = sorted(set(declared) - set(columns))
        if unknown_columns:
            raise InvalidInput(f"no column {', '.join(unknown_columns)} to give a type (columns: {', '.join(columns)})")
        for column in columns:
            cells = [values.get(column, "") for values in table.values()]
            wanted = declared.get(column) or _infer_type(cells, defs.get(column))
            present = [c for c in cells if c]
            categories = sorted(set(present)) if wanted is AttributeType.CATEGORY else []
            if column in defs:
                aid, old = defs[column]
                if old.type is not wanted:
                    raise Conflict(f"attribute {column!r} is {old.type.value}, not {wanted.value}")
                if categories:
                    merged = sorted(set(old.categories) | set(categories))
                    w.update("attribute_def", aid, {"categories": json.dumps(merged)})
            else:
                aid = w.insert(
                    "attribute_def", {"name": column, "type": wanted.value, "categories": json.dumps(categories)}
                )
            for key, values in table.items():
                cell = values.get(column, "")
                if not cell:
                    continue
                try:
                    stored = attribute_to_text(attribute_from_text(wanted, cell))
                except InvalidInput as exc:
                    raise InvalidInput(f"participant {key}, {column}: {exc}") from None
                existing = w.attribute_value_id(keys[key], aid)
                if existing is None:
                    w.insert("attribute_value", {"participant_id": keys[key], "attribute_id": aid, "value": stored})
                else:
                    w.update("attribute_value", existing, {"value": stored})

    def link_source(self, source: str | int, participant: str | None) -> Source:
        """Link a source to a participant (or unlink it with None)."""
        src = self.source(source)
        with self._change("source.link", f"linked {src.name} to {participant or 'nobody'}") as ch:
            pid = None
            if participant is not None:
                keys = {key: p for p, key in ch.writer.participants()}
                if participant not in keys:
                    raise NotFound(f"no participant {participant!r}")
                pid = keys[participant]
            ch.writer.update("source", src.id, {"participant_id": pid})
        return self.source(src.id)


def _raise_problems(problems: Sequence[tuple[Path, ThematicaError]]) -> None:
    """Raise one error that names every file that could not be read."""
    if not problems:
        return
    if len(problems) == 1:
        path, exc = problems[0]
        if path.name in str(exc):
            raise exc
        raise type(exc)(f"{path.name}: {exc}") from exc
    lines = "; ".join(str(exc) if path.name in str(exc) else f"{path.name}: {exc}" for path, exc in problems)
    raise ImportError_(f"{len(problems)} files cannot be imported, so none was: {lines}")


def _owner_key(doc: ReadDocument) -> str | None:
    """The participant a transcript belongs to: the one P-label in its turns, else an id-like file stem."""
    labelled = {t.participant_key for t in doc.turns if t.participant_key}
    if len(labelled) == 1:
        return labelled.pop()
    if labelled:
        return None  # a group interview: each turn names its own participant
    match = _PARTICIPANT_STEM.match(doc.name)
    return match.group(1) if match else None


def _attribute_type(kind: AttributeType | str) -> AttributeType:
    try:
        return AttributeType(kind.strip().lower() if isinstance(kind, str) else kind)
    except ValueError:
        names = ", ".join(t.value for t in AttributeType)
        raise InvalidInput(f"attribute type must be one of {names}, not {kind!r}") from None


def _infer_type(cells: Sequence[str], existing: tuple[int, AttributeDef] | None) -> AttributeType:
    if existing is not None:
        return existing[1].type
    present = [c for c in cells if c]
    if not present:
        return AttributeType.TEXT
    if all(_is_number(c) for c in present):
        return AttributeType.NUMBER
    if all(_is_date(c) for c in present):
        return AttributeType.DATE
    distinct = len(set(present))
    label_like = all(len(c) <= 24 and len(c.split()) <= 2 for c in present)
    if label_like and distinct <= _CATEGORY_MAX and distinct <= max(2, len(present) // 2):
        return AttributeType.CATEGORY
    return AttributeType.TEXT


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True
