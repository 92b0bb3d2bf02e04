"""Word comments as codes: a DOCX whose comments mark passages becomes a coded source.

Each comment's anchored text (between ``w:commentRangeStart`` and
``w:commentRangeEnd`` in ``word/document.xml``) becomes a segment of the
source, and the comment's first paragraph its code; later paragraphs and
replies (``word/commentsExtended.xml``) become the segment's memo. A "/" in
the comment makes a code path ("Power / Letting go": "Letting go" under
"Power"); a leading "#" is dropped. Whitespace at either end of an anchor is
left out of the segment.

Offsets land on exactly the canonical text that :func:`thematica.ingest.read_file`
gives for the same file: the document is walked the way the DOCX reader walks
it (paragraphs and table cells in body order, runs outside text boxes), and
each marker's place in that raw text is carried through canonicalisation.
"""

from __future__ import annotations

import bisect
import io
import re
import uuid
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from ..errors import ImportError_, InvalidInput
from ..ingest import read_file
from ..ingest.base import ReadDocument
from ..model import Role
from ..text import canonicalise
from .snapshot import (
    CodeData,
    CoderData,
    ParticipantData,
    SegmentData,
    Snapshot,
    SourceData,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
_EXTENDED_REL = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _R, _TXBX = _w("p"), _w("r"), _w("txbxContent")
_START, _END = _w("commentRangeStart"), _w("commentRangeEnd")
_CONTAINERS = frozenset(_w(t) for t in ("tbl", "tr", "tc", "sdt", "sdtContent", "customXml"))
_PARTICIPANT_STEM = re.compile(r"^((?:P|R|ID|Participant|Respondent)[-_ ]?\d+)(?:\b|_)", re.IGNORECASE)
_MAX_PART = 50 * 1024 * 1024  # bytes of one XML part we are willing to parse
_SKIPPED = {  # why a comment made no segment: (said of one, said of several)
    "point": ("marks no passage of the body (a point comment, or one in a text box, header or note)",
              "mark no passage of the body (point comments, or in text boxes, headers or notes)"),
    "empty": ("anchors no text", "anchor no text"),
    "untitled": ("has no text to name a code", "have no text to name a code"),
}


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment from comments.xml: id, author, its paragraphs, and the comment it replies to."""

    id: str
    author: str
    paragraphs: tuple[str, ...]
    parent: str | None = None


@dataclass
class _Anchors:
    """Where each comment's range starts and ends in the raw (uncanonicalised) text."""

    paragraphs: list[str] = field(default_factory=list)
    starts: dict[str, int] = field(default_factory=dict)
    ends: dict[str, int] = field(default_factory=dict)
    position: int = 0


def read_word_comments(
    path: Path | str,
    *,
    coder: str,
    author_as_coder: bool = False,
    name: str | None = None,
    participant: str | None = None,
) -> Snapshot:
    """A snapshot of one DOCX: the source, a code per distinct comment, a segment per comment.

    ``coder`` codes every segment, unless ``author_as_coder`` makes each
    comment's author its coder (comments without an author stay ``coder``'s).
    ``name`` names the source (default: the file's stem); ``participant`` is
    whose interview it is (default: as ``import`` decides, from the speaker
    labels or an id-like file name). What could not be carried over is in
    the snapshot's ``notes``.
    """
    path = Path(path)
    if path.suffix.lower() != ".docx":
        raise InvalidInput(f"{path.name}: comments are read from .docx files only")
    doc = read_file(path)
    data = doc.original
    comments = _read_comments(path, data)
    anchors = _read_anchors(path, data)
    if not comments:
        raise InvalidInput(f"{path.name} has no comments; import it as a transcript with 'thematica import'")
    to_text = _offset_map(anchors, doc.text, path)
    notes: list[str] = []
    replies: dict[str, list[Comment]] = defaultdict(list)
    for c in comments.values():
        root = _root(c, comments)
        if root != c.id:
            replies[root].append(c)
    codes = _Codes()
    coders: dict[str, CoderData] = {}
    source_guid = str(uuid.uuid4())
    segments, skipped = [], defaultdict(list)
    for c in comments.values():
        if c.parent is not None:
            continue
        if c.id not in anchors.starts or c.id not in anchors.ends:
            skipped["point"].append(c.id)
            continue
        start, end = _trim(doc.text, to_text(anchors.starts[c.id]), to_text(anchors.ends[c.id]))
        if start >= end:
            skipped["empty"].append(c.id)
            continue
        title, memo = _title_and_memo(c, replies.get(c.id, []))
        code_guid = codes.add(title, notes)
        if code_guid is None:
            skipped["untitled"].append(c.id)
            continue
        who = (c.author.strip() if author_as_coder else "") or coder
        if author_as_coder and not c.author.strip():
            notes.append(f"comment {c.id} has no author, so its segment is {coder}'s")
        coder_data = coders.setdefault(who.casefold(), CoderData(str(uuid.uuid4()), who))
        segments.append(SegmentData(str(uuid.uuid4()), source_guid, code_guid, coder_data.guid, start, end,
                                    doc.text[start:end], memo))
    for reason, ids in skipped.items():
        one, many = _SKIPPED[reason]
        notes.append(f"{_plural(len(ids), 'comment')} {one if len(ids) == 1 else many}, so "
                     f"{'it was' if len(ids) == 1 else 'they were'} left out (id {', '.join(ids)})")
    if not segments:
        raise InvalidInput(f"{path.name}: no comment marks a passage that could become a segment; " + "; ".join(notes))
    people, owner, turns = _participants(doc, participant)
    source = SourceData(source_guid, (name or doc.name).strip(), doc.kind, doc.text, doc.original, doc.file_name,
                        owner, turns)
    return Snapshot(
        name=doc.name, origin="Word comments", coders=tuple(coders.values()), participants=people,
        sources=(source,), codes=codes.all(), segments=tuple(segments), notes=tuple(notes),
    )


# -- the XML parts -------------------------------------------------------------------------------
def _parser() -> etree.XMLParser:
    """No entities, no DTD, no network: a part cannot reach outside the file."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_blank_text=False)


def _part(path: Path, archive: zipfile.ZipFile, name: str) -> Any:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return None
    if info.file_size > _MAX_PART:
        raise ImportError_(f"{path.name}: {name} is too large to read ({info.file_size} bytes)")
    try:
        return etree.fromstring(archive.read(info), _parser())
    except (etree.XMLSyntaxError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ImportError_(f"{path.name}: {name} is not well-formed XML ({exc})") from None


def _related(path: Path, archive: zipfile.ZipFile, kind: str, default: str | None) -> str | None:
    """The part word/document.xml relates to with ``kind`` (else ``default``)."""
    rels = _part(path, archive, "word/_rels/document.xml.rels")
    if rels is None:
        return default
    for rel in rels.iter(f"{{{_REL}}}Relationship"):
        if rel.get("Type") == kind and rel.get("TargetMode") != "External":
            target = PurePosixPath("word") / (rel.get("Target") or "")
            parts: list[str] = []
            for piece in target.parts:
                if piece == "..":
                    if parts:
                        parts.pop()
                elif piece not in ("", "."):
                    parts.append(piece)
            return "/".join(parts).lstrip("/")
    return default


def _read_comments(path: Path, data: bytes) -> dict[str, Comment]:
    """The comments, in document order of comments.xml, with reply links from commentsExtended.xml."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = _part(path, archive, _related(path, archive, _COMMENTS_REL, "word/comments.xml") or "")
            extended = _part(path, archive, _related(path, archive, _EXTENDED_REL, None) or "")
    except zipfile.BadZipFile as exc:
        raise ImportError_(f"{path.name} is not a valid DOCX file ({exc})") from None
    if root is None:
        return {}
    comments: dict[str, Comment] = {}
    last_para: dict[str, str] = {}  # w14:paraId of a comment's last paragraph -> comment id
    for element in root.iter(_w("comment")):
        cid = element.get(_w("id"))
        if cid is None or cid in comments:
            continue
        paragraphs = [_comment_paragraph(p) for p in element.iter(_P)]
        comments[cid] = Comment(cid, element.get(_w("author")) or "", tuple(paragraphs))
        ids = [p.get(f"{{{W14}}}paraId") for p in element.iter(_P)]
        if ids and ids[-1]:
            last_para[ids[-1].upper()] = cid
    if extended is not None:
        for ex in extended.iter(f"{{{W15}}}commentEx"):
            child = last_para.get((ex.get(f"{{{W15}}}paraId") or "").upper())
            parent = last_para.get((ex.get(f"{{{W15}}}paraIdParent") or "").upper())
            if child and parent and child != parent:
                c = comments[child]
                comments[child] = Comment(c.id, c.author, c.paragraphs, parent)
    return comments


def _comment_paragraph(p: Any) -> str:
    pieces = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")):
        tag = etree.QName(el).localname
        pieces.append(el.text or "" if tag == "t" else {"tab": "\t", "noBreakHyphen": "-"}.get(tag, "\n"))
    return "".join(pieces)


def _root(comment: Comment, comments: dict[str, Comment]) -> str:
    seen = {comment.id}
    while comment.parent is not None and comment.parent in comments and comment.parent not in seen:
        seen.add(comment.parent)
        comment = comments[comment.parent]
    return comment.id


def _read_anchors(path: Path, data: bytes) -> _Anchors:
    """The body's paragraphs as the DOCX reader joins them, and each comment marker's place in them."""
    import docx
    from docx.opc.exceptions import OpcError

    try:
        body = docx.Document(io.BytesIO(data)).element.body  # python-docx's own (entity-free) parser
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError, etree.LxmlError) as exc:
        raise ImportError_(f"{path.name} is not a valid DOCX file ({exc})") from None
    anchors = _Anchors()
    _walk_body(body, anchors)
    return anchors


def _walk_body(element: Any, a: _Anchors) -> None:
    """Mirror of the DOCX reader's paragraph walk; markers between paragraphs fall on the nearer edge."""
    for child in element.iterchildren():
        if child.tag == _P:
            if a.paragraphs:
                a.position += 1  # the "\n" that joins paragraphs
            pieces: list[str] = []
            _walk_paragraph(child, a, pieces)
            a.paragraphs.append("".join(pieces))
        elif child.tag in _CONTAINERS:
            _walk_body(child, a)
        elif child.tag == _START:
            a.starts.setdefault(child.get(_w("id")), a.position + (1 if a.paragraphs else 0))
        elif child.tag == _END:
            a.ends.setdefault(child.get(_w("id")), a.position)


def _walk_paragraph(element: Any, a: _Anchors, pieces: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _TXBX:
            continue  # text boxes are not read
        if tag == _R:
            text = child.text  # python-docx's run text: w:t, w:tab, w:br, w:cr ... as the reader sees them
            pieces.append(text)
            a.position += len(text)
        elif tag == _START:
            a.starts.setdefault(child.get(_w("id")), a.position)
            continue
        elif tag == _END:
            a.ends.setdefault(child.get(_w("id")), a.position)
            continue
        _walk_paragraph(child, a, pieces)


def _offset_map(a: _Anchors, text: str, path: Path) -> Any:
    """A function from raw offsets to offsets in ``text``, the reader's canonical text."""
    raw = "\n".join(a.paragraphs)
    length = len(raw)
    if raw == text:
        return lambda k: min(max(k, 0), length)
    if canonicalise(raw) != text:
        raise ImportError_(f"{path.name}: the comments cannot be placed (the document reads differently here)")
    starts, offset = [], 0
    for p in a.paragraphs:
        starts.append(offset)
        offset += len(p) + 1
    pieces = [canonicalise(p) for p in a.paragraphs]
    if "\n".join(pieces) == text:  # paragraph by paragraph: only the paragraph holding a marker is redone
        begins, offset = [], 0
        for piece in pieces:
            begins.append(offset)
            offset += len(piece) + 1

        def by_paragraph(k: int) -> int:
            k = min(max(k, 0), length)
            i = max(bisect.bisect_right(starts, k) - 1, 0)
            inner = min(k - starts[i], len(a.paragraphs[i]))
            return begins[i] + min(len(canonicalise(a.paragraphs[i][:inner])), len(pieces[i]))

        return by_paragraph
    return lambda k: min(len(canonicalise(raw[: min(max(k, 0), length)])), len(text))


# -- codes, participants --------------------------------------------------------------------------
class _Codes:
    """Codes named by comments, one per distinct path (case-insensitive), parents made as needed."""

    def __init__(self) -> None:
        self.by_path: dict[str, CodeData] = {}

    def add(self, title: str, notes: list[str]) -> str | None:
        parts = []
        for piece in title.split("/"):
            cleaned = " ".join(piece.split()).lstrip("#").strip()
            if cleaned.isdigit():
                notes.append(f"the comment {title!r} names a number; its code is called 'Code {cleaned}'")
                cleaned = f"Code {cleaned}"
            if cleaned:
                parts.append(cleaned)
        parent: str | None = None
        for depth in range(len(parts)):
            key = "/".join(parts[: depth + 1]).casefold()
            if key not in self.by_path:
                self.by_path[key] = CodeData(str(uuid.uuid4()), parts[depth], parent, origin="inductive")
            parent = self.by_path[key].guid
        return parent

    def all(self) -> tuple[CodeData, ...]:
        return tuple(self.by_path.values())


def _title_and_memo(c: Comment, replies: list[Comment]) -> tuple[str, str]:
    lines = [p.strip() for p in c.paragraphs if p.strip()]
    title = lines[0] if lines else ""
    memo = lines[1:]
    for reply in replies:
        said = " ".join(p.strip() for p in reply.paragraphs if p.strip())
        if said:
            memo.append(f"{reply.author.strip() or 'reply'}: {said}")
    return title, "\n".join(memo)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _participants(doc: ReadDocument, participant: str | None) -> tuple[tuple[ParticipantData, ...], str | None, tuple]:
    """Participants named by the turns (and the owner), as import does it; the owner's GUID; turns."""
    labelled = {t.participant_key for t in doc.turns if t.participant_key}
    owner_key = participant
    if owner_key is None:
        if len(labelled) == 1:
            owner_key = next(iter(labelled))
        elif not labelled:
            match = _PARTICIPANT_STEM.match(doc.name)
            owner_key = match.group(1) if match else None
    keys = sorted(labelled | ({owner_key} if owner_key else set()))
    guids = {k: str(uuid.uuid4()) for k in keys}
    owner = guids.get(owner_key or "")
    turns = []
    for t in doc.turns:
        person = None
        if t.role is Role.PARTICIPANT:
            person = guids[t.participant_key] if t.participant_key else owner
        turns.append((t.start, t.end, t.speaker, t.role.value, person, t.begin, t.end_time))
    return tuple(ParticipantData(guids[k], k) for k in keys), owner, tuple(turns)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


__all__ = ["Comment", "read_word_comments"]
