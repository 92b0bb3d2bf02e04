"""The ``thematica:data`` note read back: checked field by field before anything in it is used.

The writer (:mod:`.data_note`) puts what REFI-QDA has no element for in one
JSON note. It is used only when ``Project@origin`` says thematica wrote the
file, and only after every value has the type and range it must have: the
file is still untrusted, so a damaged or forged note is reported and ignored
(the file is then read like any other tool's).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ...model import (
    AttributeType,
    CodeOrigin,
    CoderKind,
    CodeStatus,
    MemoTarget,
    Phase,
    Role,
    ThemeStatus,
)
from ..snapshot import CodeData, MemoData, ThemeData
from .data_note import loads
from .document import norm_guid
from .offsets import CODEPOINTS, CountingRule

_RULES = {"codepoints": CODEPOINTS, "utf16": CountingRule("utf16", 2)}
_SURROGATE = re.compile("[\ud800-\udfff]")


class Invalid(ValueError):
    """The note does not have the shape the writer gives it."""


def _str(value: Any, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise Invalid(f"{where} is not text")
    if _SURROGATE.search(value):
        raise Invalid(f"{where} holds a lone surrogate, which is not text")
    return value


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(f"{where} is not an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid(f"{where} is not a list")
    return value


def _enum(value: Any, allowed: type, where: str) -> str:
    text = _str(value, where)
    if text not in {m.value for m in allowed}:  # type: ignore[attr-defined]
        raise Invalid(f"{where} has the unknown value {text!r}")
    return text  # type: ignore[return-value]


def _pairs(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in _list(value, where):
        pair = _list(item, where)
        if len(pair) != 2:
            raise Invalid(f"{where} holds an item that is not a pair")
        out.append((_str(pair[0], where) or "", _str(pair[1], where) or ""))
    return tuple(out)


def _number(value: Any, where: str) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Invalid(f"{where} is not a number")
    return value


def _time(value: Any, where: str) -> str:
    """A timestamp as thematica stores them (ISO 8601), or ""."""
    text = _str(value, where) or ""
    if text:
        try:
            dt.datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{where} {text[:40]!r} is not a timestamp") from None
    return text


def _g(value: str | None) -> str | None:
    return norm_guid(value) if value else None


def _gitems(value: Any, where: str) -> list[tuple[str, Any]]:
    """An object's items with its keys (GUIDs) normalised like the XML's."""
    return [(norm_guid(k), v) for k, v in _dict(value, where).items()]


def _turn(value: Any, where: str) -> tuple[int, int, str, str, str | None, float | None, float | None]:
    item = _list(value, where)
    if len(item) != 7 or not all(isinstance(x, int) and not isinstance(x, bool) for x in item[:2]):
        raise Invalid(f"{where} is not a turn")
    return (item[0], item[1], _str(item[2], where) or "", _enum(item[3], Role, where),
            _g(_str(item[4], where, optional=True)), _number(item[5], where),
            _number(item[6], where))  # type: ignore[return-value]


@dataclass(frozen=True, slots=True)
class SourceExtra:
    """What a source carries in the data note besides its text."""

    kind: str
    file_name: str
    original: str | None  # internal:// path of the original file, None when the text's UTF-8 is the original
    participant: str | None
    turns: tuple[tuple[int, int, str, str, str | None, float | None, float | None], ...]


class ThematicaData:
    """The checked contents of a data note; every accessor returns plain, typed values."""

    def __init__(self, document: dict[str, Any]) -> None:
        d = document
        self.rule: CountingRule = _RULES.get(_str(d.get("offsets", "codepoints"), "offsets") or "", CODEPOINTS)
        if d.get("offsets", "codepoints") not in _RULES:
            raise Invalid("offsets names an unknown unit")
        self.settings = _pairs(d.get("settings", []), "settings")
        self.coders = {g: (_str(_dict(v, "coder").get("role", ""), "coder role") or "",
                           _enum(_dict(v, "coder").get("kind", "person"), CoderKind, "coder kind"))
                       for g, v in _gitems(d.get("coders", {}), "coders")}
        self.attributes: list[tuple[str, str, tuple[str, ...]]] = []
        for item in _list(d.get("attributes", []), "attributes"):
            a = _dict(item, "attribute")
            categories = tuple(_str(c, "category") or "" for c in _list(a.get("categories", []), "categories"))
            kind = _enum(a.get("type"), AttributeType, "attribute type")
            self.attributes.append((_str(a.get("name"), "attribute name") or "", kind, categories))
        self.participants = {g: _pairs(v, "participant attributes")
                             for g, v in _gitems(d.get("participants", {}), "participants")}
        self.sources: dict[str, SourceExtra] = {}
        for g, v in _gitems(d.get("sources", {}), "sources"):
            s = _dict(v, "source")
            self.sources[g] = SourceExtra(
                _str(s.get("kind", "txt"), "source kind") or "txt", _str(s.get("file_name", ""), "file name") or "",
                _str(s.get("original"), "original", optional=True),
                _g(_str(s.get("participant"), "participant", optional=True)),
                tuple(_turn(t, "turn") for t in _list(s.get("turns", []), "turns")),
            )
        self.codes: dict[str, CodeData] = {}  # names come from the XML
        for g, v in _gitems(d.get("codes", {}), "codes"):
            c = _dict(v, "code")
            text = {k: _str(c.get(k, ""), f"code {k}") or ""
                    for k in ("colour", "definition", "inclusion", "exclusion", "example")}
            self.codes[g] = CodeData(g, "", _g(_str(c.get("parent"), "code parent", optional=True)), **text,
                                     origin=_enum(c.get("origin", "inductive"), CodeOrigin, "code origin"),
                                     status=_enum(c.get("status", "active"), CodeStatus, "code status"))
        self.segments = {g: _time(_dict(v, "segment").get("created_at", ""), "segment time")
                         for g, v in _gitems(d.get("segments", {}), "segments")}
        self.provenance = {g: _str(_dict(v, "segment").get("provenance", ""), "segment provenance") or ""
                           for g, v in _gitems(d.get("segments", {}), "segments")}
        self.segment_memos = {g: norm_guid(_str(v, "segment memo"))
                              for g, v in _gitems(d.get("segment_memos", {}), "segment_memos")}
        self.memos: list[tuple[str, MemoData]] = []  # (note GUID, the memo without its text, which is the note's)
        for item in _list(d.get("memos", []), "memos"):
            m = _dict(item, "memo")
            phase = m.get("phase")
            if not isinstance(phase, int) or isinstance(phase, bool) or phase not in {int(p) for p in Phase}:
                raise Invalid("memo phase is not a phase (1-6)")
            memo = MemoData(_enum(m.get("target"), MemoTarget, "memo target"),
                            _g(_str(m.get("target_guid"), "memo target", optional=True)), "", phase,
                            _str(m.get("author", ""), "memo author") or "", _time(m.get("created_at", ""), "memo time"))
            self.memos.append((norm_guid(_str(m.get("note"), "memo note")), memo))
        self.themes: list[ThemeData] = []  # names come from the sets
        for item in _list(d.get("themes", []), "themes"):
            t = _dict(item, "theme")
            text = {k: _str(t.get(k, ""), f"theme {k}") or "" for k in ("definition", "concept", "narrative")}
            self.themes.append(ThemeData(
                norm_guid(_str(t.get("guid"), "theme guid")), "", _g(_str(t.get("parent"), "theme parent", optional=True)),
                status=_enum(t.get("status", "candidate"), ThemeStatus, "theme status"), **text,
                code_guids=tuple(norm_guid(_str(x, "theme code")) for x in _list(t.get("codes", []), "theme codes")),
                quote_guids=tuple(norm_guid(_str(x, "theme quote")) for x in _list(t.get("quotes", []), "theme quotes")),
            ))
        self.raw = {g: {k: _str(x, "raw value") or "" for k, x in _dict(v, "raw").items()}
                    for g, v in _gitems(d.get("raw", {}), "raw")}

    def exact(self, guid: str, field: str, value: str) -> str:
        """The exact value the writer had to alter to make legal XML, else ``value``."""
        return self.raw.get(guid, {}).get(field, value)


def read_data_note(text: str) -> tuple[ThematicaData | None, str]:
    """The checked data note, or (None, why it cannot be used)."""
    document = loads(text)
    if document is None:
        return None, "it is not JSON of a known thematica format"
    try:
        return ThematicaData(document), ""
    except Invalid as exc:
        return None, str(exc)
    except (TypeError, AttributeError, ValueError, RecursionError) as exc:  # pragma: no cover - belt and braces
        return None, f"it is damaged ({exc})"
