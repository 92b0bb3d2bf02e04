"""A REFI-QDA project or codebook XML, parsed into plain values (no files read, no offsets converted).

Tolerant of what real exports do (see the fixtures' SPEC): elements are
matched on their local names in any ``urn:QDA-XML`` namespace (or none);
GUIDs in any case, with or without braces, are normalised to lower case
without braces; empty wrappers and missing dates are fine. What is odd is
recorded in ``warnings``; what cannot be understood at all raises
:class:`~thematica.errors.ImportError_`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree

from ...errors import ImportError_

_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


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


def norm_guid(value: str | None) -> str:
    """A GUID in lower case without braces ("" for none); a value that is no GUID is only trimmed and lowered."""
    if not value:
        return ""
    value = value.strip()
    match = _GUID.match(value)
    return (match.group(1) if match else value.strip("{}")).lower()


@dataclass(slots=True)
class CodingDoc:
    """A ``Coding``: one code applied to a selection (or a whole source)."""

    guid: str
    code: str
    user: str
    created: str
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SelectionDoc:
    """A ``PlainTextSelection``: offsets as the producer counted them."""

    guid: str
    name: str
    start: int | None
    end: int | None
    user: str
    created: str
    description: str
    codings: list[CodingDoc] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    raw_start: str = ""
    raw_end: str = ""


@dataclass(slots=True)
class TextDoc:
    """A text: a ``TextSource``, a PDF ``Representation``, a ``Transcript`` or a ``Note``."""

    element: str
    guid: str
    name: str
    plain_path: str
    rich_path: str
    content: str | None
    description: str
    user: str
    created: str
    selections: list[SelectionDoc] = field(default_factory=list)
    codings: list[CodingDoc] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    values: list[tuple[str, str, str]] = field(default_factory=list)  # (variable guid, value type, value)
    owner: str = ""  # the PDF or A/V source a Representation / Transcript belongs to
    owner_name: str = ""


@dataclass(slots=True)
class MediaDoc:
    """A source thematica cannot read as text: picture, PDF (its pages), audio, video."""

    element: str
    guid: str
    name: str
    path: str
    codings: int  # on the whole source
    selections: dict[str, int] = field(default_factory=dict)  # selection GUID -> its codings


@dataclass(slots=True)
class CodeDoc:
    """A ``Code``, its parent's GUID, and its raw attributes."""

    guid: str
    name: str
    parent: str
    color: str
    codable: bool
    description: str
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class CaseDoc:
    """A ``Case`` and what it refers to."""

    guid: str
    name: str
    description: str
    values: list[tuple[str, str, str]]
    sources: list[str]
    codes: list[str]
    selections: list[str]


@dataclass(slots=True)
class SetDoc:
    """A ``Set`` of codes, sources and notes."""

    guid: str
    name: str
    description: str
    codes: list[str]
    sources: list[str]
    notes: list[str]


@dataclass(slots=True)
class LinkDoc:
    """A ``Link`` between two objects."""

    guid: str
    name: str
    origin: str
    target: str


@dataclass(slots=True)
class ProjectDoc:
    """Everything a ``.qde`` (or, with only codes and sets, a ``.qdc``) holds."""

    root: str
    name: str
    origin: str
    namespace: str
    creating_user: str = ""
    created: str = ""
    description: str = ""
    users: list[tuple[str, str]] = field(default_factory=list)
    codes: list[CodeDoc] = field(default_factory=list)
    variables: list[tuple[str, str, str, str]] = field(default_factory=list)  # guid, name, type, description
    cases: list[CaseDoc] = field(default_factory=list)
    texts: list[TextDoc] = field(default_factory=list)
    media: list[MediaDoc] = field(default_factory=list)
    notes: list[TextDoc] = field(default_factory=list)
    links: list[LinkDoc] = field(default_factory=list)
    sets: list[SetDoc] = field(default_factory=list)
    graphs: list[str] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def local(element: etree._Element) -> str:
    """An element's tag without its namespace."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def children(element: etree._Element, *names: str) -> Iterator[etree._Element]:
    """Child elements with one of ``names`` (local names, any namespace)."""
    for child in element:
        if local(child) in names:
            yield child


def child(element: etree._Element, name: str) -> etree._Element | None:
    """The first child element called ``name``."""
    return next(children(element, name), None)


def wrapped(element: etree._Element, wrapper: str, *names: str) -> Iterator[etree._Element]:
    """Items inside every ``wrapper`` child (``Users/User`` ...); an empty or missing wrapper gives none."""
    for box in children(element, wrapper):
        yield from children(box, *names)


def text_of(element: etree._Element | None) -> str:
    """All text inside an element ("" when absent)."""
    return "" if element is None else "".join(element.itertext())


def _int(value: str | None) -> int | None:
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


def _attr(element: etree._Element, name: str) -> str:
    return element.get(name) or ""


def _refs(element: etree._Element, name: str, attribute: str = "targetGUID") -> list[str]:
    return [norm_guid(e.get(attribute)) for e in children(element, name) if e.get(attribute)]


def _values(element: etree._Element) -> list[tuple[str, str, str]]:
    result = []
    for value in children(element, "VariableValue"):
        ref = child(value, "VariableRef")
        if ref is None or not ref.get("targetGUID"):
            continue
        typed = [c for c in value if local(c).endswith("Value")]
        if typed:
            result.append((norm_guid(ref.get("targetGUID")), local(typed[0]), text_of(typed[0]).strip()))
    return result


def _coding(element: etree._Element) -> CodingDoc:
    ref = child(element, "CodeRef")
    return CodingDoc(
        guid=norm_guid(element.get("guid")),
        code=norm_guid(ref.get("targetGUID")) if ref is not None else "",
        user=norm_guid(element.get("creatingUser")),
        created=_attr(element, "creationDateTime"),
        notes=_refs(element, "NoteRef"),
    )


def _selection(element: etree._Element) -> SelectionDoc:
    return SelectionDoc(
        guid=norm_guid(element.get("guid")),
        name=_attr(element, "name"),
        start=_int(element.get("startPosition")),
        end=_int(element.get("endPosition")),
        user=norm_guid(element.get("creatingUser")),
        created=_attr(element, "creationDateTime"),
        description=text_of(child(element, "Description")),
        codings=[_coding(c) for c in children(element, "Coding")],
        notes=_refs(element, "NoteRef"),
        raw_start=_attr(element, "startPosition"),
        raw_end=_attr(element, "endPosition"),
    )


def _text(element: etree._Element, owner: str = "", owner_name: str = "") -> TextDoc:
    content = child(element, "PlainTextContent")
    return TextDoc(
        element=local(element),
        guid=norm_guid(element.get("guid")),
        name=_attr(element, "name"),
        plain_path=_attr(element, "plainTextPath"),
        rich_path=_attr(element, "richTextPath"),
        content=None if content is None else text_of(content),
        description=text_of(child(element, "Description")),
        user=norm_guid(element.get("creatingUser")),
        created=_attr(element, "creationDateTime"),
        selections=[_selection(s) for s in children(element, "PlainTextSelection")],
        codings=[_coding(c) for c in children(element, "Coding")],
        notes=_refs(element, "NoteRef"),
        values=_values(element),
        owner=owner,
        owner_name=owner_name,
    )


def _codes(element: etree._Element, parent: str, out: list[CodeDoc]) -> None:
    for code in children(element, "Code"):
        guid = norm_guid(code.get("guid"))
        codable = (code.get("isCodable") or "true").strip().lower() in ("true", "1")
        out.append(CodeDoc(guid, _attr(code, "name"), parent, _attr(code, "color"), codable,
                           text_of(child(code, "Description")), _refs(code, "NoteRef")))
        _codes(code, guid, out)


_MEDIA_SELECTIONS = {"PictureSource": "PictureSelection", "PDFSource": "PDFSelection",
                     "AudioSource": "AudioSelection", "VideoSource": "VideoSelection"}


def _sources(doc: ProjectDoc, sources: Iterator[etree._Element]) -> None:
    for source in sources:
        kind = local(source)
        if kind == "TextSource":
            doc.texts.append(_text(source))
            continue
        guid = norm_guid(source.get("guid"))
        selections = {norm_guid(s.get("guid")): len(list(children(s, "Coding")))
                      for s in children(source, _MEDIA_SELECTIONS.get(kind, ""))}
        doc.media.append(MediaDoc(kind, guid, _attr(source, "name"), _attr(source, "path"),
                                  len(list(children(source, "Coding"))), selections))
        for nested in children(source, "Representation", "Transcript", "TextDescription"):
            doc.texts.append(_text(nested, owner=guid, owner_name=_attr(source, "name")))


def parse_project(root: etree._Element, label: str) -> ProjectDoc:
    """Read a ``Project`` (.qde) or ``CodeBook`` (.qdc) root element into a :class:`ProjectDoc`."""
    name = local(root)
    namespace = etree.QName(root).namespace or ""
    if name not in ("Project", "CodeBook"):
        raise ImportError_(f"{label} is not a REFI-QDA file: its root element is <{name or root.tag}>, "
                           "not <Project> or <CodeBook>")
    doc = ProjectDoc(root=name, name=_attr(root, "name"), origin=_attr(root, "origin"), namespace=namespace)
    if not namespace:
        doc.warnings.append(f"{label} declares no XML namespace; read as REFI-QDA anyway")
    elif not namespace.startswith("urn:QDA-XML:"):
        doc.warnings.append(f"{label} uses the unknown namespace {namespace!r}; read as REFI-QDA anyway")
    doc.creating_user = norm_guid(root.get("creatingUserGUID"))
    doc.created = _attr(root, "creationDateTime")
    if name == "CodeBook":
        _codes(next(children(root, "Codes"), root.makeelement("Codes")), "", doc.codes)
        for item in wrapped(root, "Sets", "Set"):
            doc.sets.append(SetDoc(norm_guid(item.get("guid")), _attr(item, "name"), text_of(child(item, "Description")),
                                   [norm_guid(m.get("guid") or m.get("targetGUID")) for m in children(item, "MemberCode")],
                                   [], []))
        return doc
    doc.description = text_of(child(root, "Description"))
    doc.project_notes = _refs(root, "NoteRef")
    doc.users = [(norm_guid(u.get("guid")), _attr(u, "name")) for u in wrapped(root, "Users", "User")]
    for book in children(root, "CodeBook"):
        for codes in children(book, "Codes"):
            _codes(codes, "", doc.codes)
    doc.variables = [(norm_guid(v.get("guid")), _attr(v, "name"), _attr(v, "typeOfVariable"), text_of(child(v, "Description")))
                     for v in wrapped(root, "Variables", "Variable")]
    for case in wrapped(root, "Cases", "Case"):
        doc.cases.append(CaseDoc(norm_guid(case.get("guid")), _attr(case, "name"), text_of(child(case, "Description")),
                                 _values(case), _refs(case, "SourceRef"), _refs(case, "CodeRef"), _refs(case, "SelectionRef")))
    _sources(doc, wrapped(root, "Sources", "TextSource", "PictureSource", "PDFSource", "AudioSource", "VideoSource"))
    doc.notes = [_text(n) for n in wrapped(root, "Notes", "Note")]
    doc.links = [LinkDoc(norm_guid(k.get("guid")), _attr(k, "name"), norm_guid(k.get("originGUID")),
                         norm_guid(k.get("targetGUID")))
                 for k in wrapped(root, "Links", "Link")]
    for item in wrapped(root, "Sets", "Set"):
        doc.sets.append(SetDoc(norm_guid(item.get("guid")), _attr(item, "name"), text_of(child(item, "Description")),
                               _refs(item, "MemberCode"), _refs(item, "MemberSource"), _refs(item, "MemberNote")))
    doc.graphs = [_attr(g, "name") or norm_guid(g.get("guid")) for g in wrapped(root, "Graphs", "Graph")]
    return doc
