"""A project as a folder of JSON Lines and text files: readable, diffable, kept in git.

    project.json          format, name, origin, settings, notes
    sources.jsonl         one source per line (text kept beside it)
    sources/<guid>.txt    the canonical text (UTF-8, "\\n" newlines)
    sources/<guid>.orig   the original file's bytes, only when they differ from the text's UTF-8
    coders.jsonl  attributes.jsonl  participants.jsonl  codes.jsonl
    segments.jsonl  memos.jsonl  themes.jsonl
    .gitattributes        "* -text": git never rewrites the newlines

Each line is one JSON object with sorted keys. Records are in a stable
order: by GUID; segments by (source, start, end, GUID); attributes by name;
memos by time; themes in tree order (parents first, siblings in their
order). So two exports of the same project are byte-identical, and a change
shows as the lines it touched. :func:`read_folder` gives back the snapshot
in that order (:func:`normalise` puts any snapshot in it).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any, Callable, TypeVar

from ..errors import InvalidInput
from .snapshot import (
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

FORMAT = "thematica-folder/1"
PROJECT_FILE = "project.json"
SOURCES_DIR = "sources"
#: record files, in the order they are read
FILES = ("coders", "attributes", "participants", "sources", "codes", "segments", "memos", "themes")
_GUID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.{}-]{0,127}$")
_GITATTRIBUTES = "* -text\n*.orig binary\n"
T = TypeVar("T")


# -- order ---------------------------------------------------------------------------------
def normalise(snapshot: Snapshot) -> Snapshot:
    """The snapshot with its records in the folder's order (what :func:`read_folder` returns)."""
    s = snapshot
    return dataclasses.replace(
        s,
        settings=tuple(sorted(dict(s.settings).items())),
        coders=tuple(sorted(s.coders, key=lambda c: c.guid)),
        attributes=tuple(sorted(s.attributes, key=lambda a: a.name)),
        participants=tuple(sorted(s.participants, key=lambda p: p.guid)),
        sources=tuple(sorted(s.sources, key=lambda x: x.guid)),
        codes=tuple(sorted(s.codes, key=lambda c: c.guid)),
        segments=tuple(sorted(s.segments, key=lambda g: (g.source_guid, g.start, g.end, g.guid))),
        memos=tuple(sorted(s.memos, key=lambda m: (m.created_at, m.target, m.target_guid or "", m.author, m.text))),
        themes=tuple(s.themes),
    )


# -- writing -------------------------------------------------------------------------------
def write_folder(snapshot: Snapshot, folder: Path | str) -> Path:
    """Write a snapshot into ``folder`` (new, empty, or an earlier export of this format, which is replaced)."""
    folder = Path(folder)
    _check_target(folder)
    s = normalise(snapshot)
    _check_guids(s)
    files: dict[str, bytes] = {
        PROJECT_FILE: _dumps({"format": FORMAT, "name": s.name, "origin": s.origin,
                              "settings": dict(s.settings), "notes": list(s.notes)}, indent=2),
        ".gitattributes": _GITATTRIBUTES.encode(),
    }
    source_records = []
    for src in s.sources:
        data = _encode(src.text, f"source {src.name!r}")
        if not src.original:
            original = "none"
        elif src.original == data:
            original = "text"
        else:
            original = "file"
            files[f"{SOURCES_DIR}/{src.guid}.orig"] = src.original
        files[f"{SOURCES_DIR}/{src.guid}.txt"] = data
        record = _record(src, exclude=("text", "original"))
        record.update(original=original, length=len(src.text), sha256=hashlib.sha256(data).hexdigest(),
                      turns=[list(t) for t in src.turns])
        source_records.append(record)
    records: dict[str, list[dict[str, Any]]] = {
        "coders": [_record(c) for c in s.coders],
        "attributes": [_record(a) for a in s.attributes],
        "participants": [_record(p) for p in s.participants],
        "sources": source_records,
        "codes": [_record(c) for c in s.codes],
        "segments": [_record(g) for g in s.segments],
        "memos": [_record(m) for m in s.memos],
        "themes": [_record(t) for t in s.themes],
    }
    for name, items in records.items():
        files[f"{name}.jsonl"] = b"".join(_dumps(r) for r in items)
    try:
        (folder / SOURCES_DIR).mkdir(parents=True, exist_ok=True)
        for stale in (folder / SOURCES_DIR).iterdir():  # an earlier export's sources that are gone now
            if stale.is_file() and stale.suffix in (".txt", ".orig") and f"{SOURCES_DIR}/{stale.name}" not in files:
                stale.unlink()
        for relative, content in files.items():
            target = folder / relative
            temporary = target.with_name(target.name + ".tmp")
            temporary.write_bytes(content)
            os.replace(temporary, target)
    except OSError as exc:
        raise InvalidInput(f"cannot write the folder {folder}: {exc.strerror or exc}") from None
    return folder


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"{folder} is a file; name a folder to export into")
    if not folder.exists() or not any(p for p in folder.iterdir() if p.name not in (".git", ".gitattributes")):
        return
    if not _is_export(folder):
        raise InvalidInput(f"{folder} is not empty and holds no earlier export; choose a new or empty folder")


def _is_export(folder: Path) -> bool:
    try:
        meta = json.loads((folder / PROJECT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("format") == FORMAT


def _check_guids(s: Snapshot) -> None:
    seen: set[str] = set()
    for src in s.sources:
        if not _GUID.match(src.guid):
            raise InvalidInput(f"source {src.name!r} has a GUID that cannot name a file: {src.guid!r}")
        if src.guid.casefold() in seen:  # one file name on a case-insensitive disk
            raise InvalidInput(f"two sources share the GUID {src.guid!r} (letter case aside)")
        seen.add(src.guid.casefold())


def _record(item: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    out = {}
    for f in dataclasses.fields(item):
        if f.name in exclude:
            continue
        value = getattr(item, f.name)
        out[f.name] = [list(v) if isinstance(v, tuple) else v for v in value] if isinstance(value, tuple) else value
    return out


def _dumps(value: Any, indent: int | None = None) -> bytes:
    try:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False, indent=indent)
    except ValueError as exc:
        raise InvalidInput(f"a value cannot be written as JSON ({exc})") from None
    return _encode(text, "a record") + b"\n"


def _encode(text: str, what: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput(f"{what} holds characters that are not valid Unicode (lone surrogates)") from None


# -- reading -------------------------------------------------------------------------------
def read_folder(folder: Path | str) -> Snapshot:
    """Read a folder written by :func:`write_folder` back into a snapshot (checked throughout)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder" + ("" if folder.exists() else " (it does not exist)"))
    meta = _load_json(folder / PROJECT_FILE)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise InvalidInput(f"{folder / PROJECT_FILE} is not a thematica folder export ({FORMAT})")
    settings = meta.get("settings", {})
    notes = meta.get("notes", [])
    if not isinstance(settings, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in settings.items()):
        raise InvalidInput(f"{PROJECT_FILE}: settings must map names to text")
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise InvalidInput(f"{PROJECT_FILE}: notes must be a list of text")
    for key in ("name", "origin"):
        if not isinstance(meta.get(key, ""), str):
            raise InvalidInput(f"{PROJECT_FILE}: {key} must be text")
    reader = _Reader(folder)
    snapshot = Snapshot(
        name=meta.get("name", ""),
        origin=meta.get("origin", ""),
        settings=tuple(sorted(settings.items())),
        coders=reader.read("coders", CoderData),
        attributes=reader.read("attributes", AttributeData),
        participants=reader.read("participants", ParticipantData),
        sources=reader.read("sources", SourceData, reader.source),
        codes=reader.read("codes", CodeData),
        segments=reader.read("segments", SegmentData),
        memos=reader.read("memos", MemoData),
        themes=reader.read("themes", ThemeData),
        notes=tuple(notes),
    )
    _check_references(snapshot)
    return snapshot


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"{path.parent} has no {path.name}: it is not a thematica folder export") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(f"{path} cannot be read as JSON ({exc})") from None


class _Reader:
    """Reads the record files, turning every problem into one InvalidInput naming file and line."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.where = ""

    def read(self, name: str, kind: type[T], build: Callable[[dict[str, Any]], T] | None = None) -> tuple[T, ...]:
        path = self.folder / f"{name}.jsonl"
        if not path.exists():
            raise InvalidInput(f"{self.folder} has no {path.name}: the export is incomplete")
        try:
            data = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{path.name} cannot be read as UTF-8 text ({exc})") from None
        items = []
        for number, line in enumerate(data.split("\n"), start=1):  # never splitlines(): U+2028 may be in text
            if not line.strip():
                continue
            self.where = f"{path.name} line {number}"
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InvalidInput(f"{self.where} is not JSON ({exc})") from None
            if not isinstance(record, dict):
                raise InvalidInput(f"{self.where} is not a JSON object")
            items.append(build(record) if build else self.make(kind, record))
        return tuple(items)

    def make(self, kind: type[T], record: dict[str, Any]) -> T:
        fields = {f.name: f for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
        unknown = sorted(set(record) - set(fields))
        if unknown:
            raise InvalidInput(f"{self.where}: unknown field {', '.join(unknown)}")
        missing = [n for n, f in fields.items() if n not in record and f.default is dataclasses.MISSING]
        if missing:
            raise InvalidInput(f"{self.where}: missing {', '.join(missing)}")
        values = {}
        for name, value in record.items():
            values[name] = self.value(name, fields[name].type, value)
        return kind(**values)

    def value(self, name: str, annotation: Any, value: Any) -> Any:
        text = annotation.__name__ if isinstance(annotation, type) else str(annotation)
        if text.startswith("tuple[tuple["):  # participant attributes: pairs of text
            ok = isinstance(value, list) and all(
                isinstance(v, list) and len(v) == 2 and all(isinstance(x, str) for x in v) for v in value)
            if not ok:
                raise InvalidInput(f"{self.where}: {name} must be a list of [name, value] pairs")
            return tuple(tuple(v) for v in value)
        if text.startswith("tuple[str"):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InvalidInput(f"{self.where}: {name} must be a list of text")
            return tuple(value)
        if text == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                raise InvalidInput(f"{self.where}: {name} must be a whole number")
            return value
        if text.startswith("str | None"):
            if value is not None and not isinstance(value, str):
                raise InvalidInput(f"{self.where}: {name} must be text or null")
            return value
        if not isinstance(value, str):
            raise InvalidInput(f"{self.where}: {name} must be text")
        return value

    def source(self, record: dict[str, Any]) -> SourceData:
        record = dict(record)
        extra = {k: record.pop(k, None) for k in ("original", "length", "sha256", "turns")}
        if extra["original"] not in ("none", "text", "file"):
            raise InvalidInput(f"{self.where}: original must be none, text or file")
        guid = record.get("guid")
        if not isinstance(guid, str) or not _GUID.match(guid):
            raise InvalidInput(f"{self.where}: guid must be a GUID (letters, digits, '-', '_', '.')")
        here = self.where
        text_path = self.folder / SOURCES_DIR / f"{guid}.txt"
        try:
            data = text_path.read_bytes()
            text = data.decode("utf-8").replace("\r\n", "\n")  # tolerate git's autocrlf
        except FileNotFoundError:
            raise InvalidInput(f"{here}: {SOURCES_DIR}/{guid}.txt is missing") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"{SOURCES_DIR}/{guid}.txt cannot be read as UTF-8 text ({exc})") from None
        if extra["sha256"] != hashlib.sha256(text.encode("utf-8")).hexdigest() or extra["length"] != len(text):
            raise InvalidInput(f"{SOURCES_DIR}/{guid}.txt was changed after the export (its length or SHA-256 differ)")
        original = b""
        if extra["original"] == "text":
            original = text.encode("utf-8")
        elif extra["original"] == "file":
            try:
                original = (self.folder / SOURCES_DIR / f"{guid}.orig").read_bytes()
            except OSError:
                raise InvalidInput(f"{here}: {SOURCES_DIR}/{guid}.orig is missing") from None
        built = self.make(SourceData, {**record, "text": text})
        return dataclasses.replace(built, original=original, turns=self.turns(extra["turns"], len(text)))

    def turns(self, value: Any, length: int) -> tuple[Any, ...]:
        if value is None:
            return ()
        turns = []
        for turn in value if isinstance(value, list) else [None]:
            if not (isinstance(turn, list) and len(turn) == 7):
                raise InvalidInput(f"{self.where}: turns must be lists of 7 values")
            start, end, speaker, role, person, begin, until = turn
            ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
            texts = isinstance(speaker, str) and isinstance(role, str) and (person is None or isinstance(person, str))
            times = all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in (begin, until))
            if not (ints and texts and times) or not 0 <= start <= end <= length:
                raise InvalidInput(f"{self.where}: a turn is malformed or outside the text: {turn!r}")
            turns.append((start, end, speaker, role, person,
                          None if begin is None else float(begin), None if until is None else float(until)))
        return tuple(turns)


def _check_references(s: Snapshot) -> None:
    """Every GUID unique, every reference resolved, every segment's text its source's."""
    for label, items in (("coder", s.coders), ("participant", s.participants), ("source", s.sources),
                         ("code", s.codes), ("segment", s.segments), ("theme", s.themes)):
        guids = [i.guid for i in items]
        if len(set(guids)) != len(guids):
            duplicate = next(g for g in guids if guids.count(g) > 1)
            raise InvalidInput(f"two {label}s share the GUID {duplicate!r}")
    sources = {x.guid: x for x in s.sources}
    codes, coders = {c.guid for c in s.codes}, {c.guid for c in s.coders}
    people = {p.guid for p in s.participants}
    for x in s.sources:
        if x.participant_guid is not None and x.participant_guid not in people:
            raise InvalidInput(f"source {x.name!r} names a participant that participants.jsonl does not have")
    for c in s.codes:
        if c.parent_guid is not None and c.parent_guid not in codes:
            raise InvalidInput(f"code {c.name!r} has a parent that codes.jsonl does not have")
    for g in s.segments:
        if g.source_guid not in sources or g.code_guid not in codes or g.coder_guid not in coders:
            raise InvalidInput(f"segment {g.guid} refers to a source, code or coder the folder does not have")
        text = sources[g.source_guid].text
        if not 0 <= g.start < g.end <= len(text) or text[g.start : g.end] != g.text:
            raise InvalidInput(f"segment {g.guid} does not match its source's text at {g.start}..{g.end}")


__all__ = ["FORMAT", "FILES", "normalise", "read_folder", "write_folder"]
