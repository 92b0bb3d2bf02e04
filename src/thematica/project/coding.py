"""Coding segments, retrieving them, searching and counting words."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Sequence

from ..analysis.frequencies import word_frequencies
from ..analysis.search import matches, snippet
from ..errors import InvalidInput, NotFound
from ..model import (
    AttributeValue,
    CodeOrigin,
    CodeStatus,
    Extract,
    Role,
    SearchHit,
    Segment,
)
from ..store import SegmentRow, Writer, parse_query
from ..store.convert import now, parse_time
from ..text import check_bounds, find_quote
from .codebook import CodebookMixin, CodeRef, _descendants, _resolve
from .core import new_guid
from .sources import SourcesMixin

_CONTEXT = 120


@dataclass(frozen=True, slots=True)
class SegmentSpec:
    """One segment to code in bulk: source (name or id), span, code, optional coder and memo."""

    source: str | int
    start: int
    end: int
    code: CodeRef
    coder: str | None = None
    memo: str = ""


class CodingMixin(SourcesMixin, CodebookMixin):
    """Apply codes to text, take them off, and get coded text back."""

    def code(
        self,
        source: str | int,
        start: int,
        end: int,
        code: CodeRef,
        *,
        coder: str | None = None,
        memo: str = "",
    ) -> Segment:
        """Code ``source[start:end]`` (code-point offsets) with ``code``, as ``coder`` (default: you)."""
        with self._change("segment.code", "") as ch:
            seg = self._insert_segment(ch.writer, SegmentSpec(source, start, end, code, coder, memo))
            ch.summary = f"coded {seg.text[:40]!r} with #{seg.code_id}"
            ch.details = {"segment_id": seg.id, "source_id": seg.source_id, "code_id": seg.code_id}
        return seg

    def code_quote(
        self,
        source: str | int,
        quote: str,
        code: CodeRef,
        *,
        occurrence: int | None = None,
        coder: str | None = None,
        memo: str = "",
    ) -> Segment:
        """Code the place in ``source`` where ``quote`` occurs (it must be unambiguous, or name the occurrence)."""
        start, end = find_quote(self.source_text(source), quote, occurrence)
        return self.code(source, start, end, code, coder=coder, memo=memo)

    def code_many(self, specs: Iterable[SegmentSpec], summary: str = "") -> list[Segment]:
        """Code many segments in one transaction and one audit event (all or nothing)."""
        with self._change("segment.code_many", summary) as ch:
            resolver = _Resolver(self, ch.writer, bulk=True)
            segments = [self._insert_segment(ch.writer, spec, resolver) for spec in specs]
            ch.summary = summary or f"coded {len(segments)} segments"
            ch.details = {"segments": len(segments)}
        return segments

    def code_in_vivo(
        self, source: str | int, start: int, end: int, *, parent: CodeRef | None = None, coder: str | None = None
    ) -> Segment:
        """Make an in-vivo code named by the selected words, and code the selection with it."""
        with self._change("segment.in_vivo", "") as ch:
            w = ch.writer
            resolver = _Resolver(self, w)
            source_id, length = resolver.source(source)
            check_bounds(length, start, end)
            words = resolver.span(source_id, start, end)
            name = " ".join(words.split()).strip(" .,;:!?\"'")[:80]
            if not name:
                raise InvalidInput("select some words to make an in-vivo code")
            existing = [c for c in w.codes() if c.name.casefold() == name.casefold()]
            fields = {"example": words}
            code_id = existing[0].id if existing else self._insert_code(
                w, name, parent, CodeOrigin.IN_VIVO, CodeStatus.ACTIVE, fields
            )
            seg = self._insert_segment(w, SegmentSpec(source_id, start, end, code_id, coder), _Resolver(self, w))
            ch.summary = f"in-vivo code {name!r}"
            ch.details = {"segment_id": seg.id, "code_id": code_id}
        return seg

    def _insert_segment(self, w: Writer, spec: SegmentSpec, resolver: "_Resolver | None" = None) -> Segment:
        resolver = resolver or _Resolver(self, w)
        source_id, length = resolver.source(spec.source)
        check_bounds(length, spec.start, spec.end)
        code_id = resolver.code(spec.code)
        coder_id = resolver.coder(spec.coder)
        text = resolver.span(source_id, spec.start, spec.end)
        created = now()
        values = {
            "guid": new_guid(),
            "source_id": source_id,
            "code_id": code_id,
            "coder_id": coder_id,
            "start": spec.start,
            "end": spec.end,
            "text": text,
            "memo": spec.memo,
            "created_at": created,
        }
        seg_id = w.insert("segment", values)
        return Segment(seg_id, source_id, spec.start, spec.end, text, code_id, coder_id, spec.memo, parse_time(created))

    def uncode(self, segment_id: int) -> Segment:
        """Remove one segment (undo brings it back)."""
        with self._change("segment.uncode", "") as ch:
            seg = ch.writer.segment(segment_id)
            if seg is None:
                raise NotFound(f"no segment #{segment_id}")
            self._delete_segment(ch.writer, seg.id)
            ch.summary = f"uncoded segment #{seg.id} ({seg.text[:40]!r})"
            ch.details = {"segment_id": seg.id}
        return seg

    def set_segment_memo(self, segment_id: int, memo: str) -> Segment:
        """Write the memo of one segment."""
        with self._change("segment.memo", f"memo on segment #{segment_id}") as ch:
            if ch.writer.segment(segment_id) is None:
                raise NotFound(f"no segment #{segment_id}")
            ch.writer.update("segment", segment_id, {"memo": memo})
        with self._read() as r:
            return r.segment(segment_id)  # type: ignore[return-value]

    def set_segment_span(self, segment_id: int, start: int, end: int) -> Segment:
        """Move a segment's boundaries to ``start..end`` of its source: one audited change (undo puts them back)."""
        with self._change("segment.span", "") as ch:
            w = ch.writer
            seg = w.segment(segment_id)
            if seg is None:
                raise NotFound(f"no segment #{segment_id}")
            check_bounds(_Resolver(self, w).source(seg.source_id)[1], start, end)
            text = w.source_span(seg.source_id, start, end)
            w.update("segment", seg.id, {"start": start, "end": end, "text": text})
            ch.summary = f"moved the boundaries of segment #{seg.id} to {text[:40]!r}"
            ch.details = {"segment_id": seg.id, "old": [seg.start, seg.end], "new": [start, end]}
        return replace(seg, start=start, end=end, text=text)

    def recode(self, segment_ids: Sequence[int], code: CodeRef) -> None:
        """Move segments to another code."""
        with self._change("segment.recode", "") as ch:
            target = _resolve(ch.writer.codes(), code)
            for seg_id in segment_ids:
                if ch.writer.segment(seg_id) is None:
                    raise NotFound(f"no segment #{seg_id}")
                ch.writer.update("segment", seg_id, {"code_id": target.id})
            ch.summary = f"moved {len(segment_ids)} segments to {target.name}"

    # -- retrieval ---------------------------------------------------------------------
    def segment(self, segment_id: int) -> Segment:
        """One segment by number (a blind coder finds only their own)."""
        with self._read() as r:
            seg = r.segment(segment_id)
        allowed = self.visible_coders(None)
        if seg is None or (allowed is not None and seg.coder_id not in allowed):
            raise NotFound(f"no segment #{segment_id}")
        return seg

    def segments(
        self, *, code: CodeRef | None = None, source: str | int | None = None, coder: str | None = None
    ) -> list[Segment]:
        """Segments, optionally of one code (not its sub-codes), source or coder."""
        code_ids = None if code is None else [self.code_by(code).id]
        source_id = None if source is None else self.source(source).id
        coder_ids = self.visible_coders(None if coder is None else [self._coder_by_name(coder)])
        with self._read() as r:
            return r.segments(code_ids=code_ids, source_id=source_id, coder_ids=coder_ids)

    def extracts(
        self,
        code: CodeRef | Sequence[CodeRef] | None = None,
        *,
        subcodes: bool = True,
        source: str | int | None = None,
        coder: str | None = None,
        where: Mapping[str, AttributeValue] | None = None,
        exclude_interviewer: bool = False,
        context: int = _CONTEXT,
    ) -> list[Extract]:
        """Coded extracts with context, by code (with sub-codes), source, coder and participant attributes."""
        with self._read() as r:
            codes = r.codes()
            code_ids = None
            if code is not None:
                refs = [code] if isinstance(code, (str, int)) or hasattr(code, "parent_id") else list(code)
                chosen = [_resolve(codes, ref) for ref in refs]  # type: ignore[arg-type]
                ids = {c.id for c in chosen}
                if subcodes:
                    for c in chosen:
                        ids.update(d.id for d in _descendants(codes, c.id))
                code_ids = sorted(ids)
            source_ids = None if source is None else [self.source(source).id]
            coder_ids = self.visible_coders(None if coder is None else [self._coder_by_name(coder)])
            rows = r.segment_rows(code_ids=code_ids, source_ids=source_ids, coder_ids=coder_ids)
            if where:
                known = {d.name for _, d in r.attribute_defs()}
                unknown = sorted(set(where) - known)
                if unknown:
                    raise InvalidInput(f"no participant attribute {unknown[0]!r} (attributes: {', '.join(sorted(known))})")
            allowed = _participants_where(r.attribute_values(), dict(r.participants()), where) if where else None
        result = []
        for row in rows:
            if exclude_interviewer and row.role == Role.INTERVIEWER.value:
                continue
            if allowed is not None and row.participant not in allowed:
                continue
            result.append(_extract(row, context))
        return result

    def _coder_by_name(self, name: str) -> int:
        for c in self.coders():
            if c.name.casefold() == name.strip().casefold():
                return c.id
        raise NotFound(f"no coder named {name!r}")

    def search(self, query: str, *, limit: int = 50, participants_only: bool = False) -> list[SearchHit]:
        """Full-text search, best first, with snippets; ``participants_only`` keeps participants' speech only."""
        if limit < 1:
            raise InvalidInput("limit must be at least 1")
        terms = parse_query(query).terms
        result = []
        with self._read() as r:
            names = {s.id: s.name for s in r.sources()}
            for hit in r.search_passages(query, limit, participants_only=participants_only):
                spans = r.participant_spans(hit.source_id, hit.start, hit.start + len(hit.body)) if participants_only else None
                found = [
                    (offset, length) for offset, length in matches(hit.body, terms)
                    if spans is None or _inside(spans, hit.start + offset)
                ]
                if not found:  # the index matched tokens the text does not show as such (rare)
                    continue
                offset, length = found[0]
                start = hit.start + offset
                text = snippet(hit.body, offset, length)
                result.append(SearchHit(hit.source_id, names.get(hit.source_id, "?"), start, start + length, text, hit.score))
        return result

    def word_frequencies(
        self, *, limit: int = 50, participants_only: bool = True, source: str | int | None = None
    ) -> list[tuple[str, int]]:
        """The most frequent words (stop words out), in participants' speech by default."""
        source_ids = None if source is None else [self.source(source).id]
        with self._read() as r:
            texts = r.source_texts(source_ids)
            turns = r.turns(None if source_ids is None else source_ids[0]) if participants_only else []
        return word_frequencies(texts, turns if participants_only else None, limit)


class _Resolver:
    """Looks up sources, codes and coders once per transaction (bulk coding stays fast)."""

    def __init__(self, project: CodingMixin, w: Writer, bulk: bool = False) -> None:
        self._project, self._w, self._bulk = project, w, bulk
        self._sources: dict[str | int, tuple[int, int]] = {}
        self._texts: dict[int, str] = {}
        self._codes: dict[CodeRef, int] = {}
        self._coders: dict[str | None, int] = {}

    def source(self, ref: str | int) -> tuple[int, int]:
        """(id, length) of a source named or numbered ``ref``."""
        if ref not in self._sources:
            sources = self._w.sources()
            found = next((s for s in sources if s.name == ref), None)
            if found is None and (isinstance(ref, int) or str(ref).isdigit()):
                found = next((s for s in sources if s.id == int(ref)), None)
            if found is None:
                raise NotFound(f"no source {ref!r}")
            self._sources[ref] = (found.id, found.length)
        return self._sources[ref]

    def span(self, source_id: int, start: int, end: int) -> str:
        """The text of a span: from the whole text in bulk work, else cut by the database."""
        if not self._bulk:
            return self._w.source_span(source_id, start, end)
        if source_id not in self._texts:
            self._texts[source_id] = self._w.source_text(source_id) or ""
        return self._texts[source_id][start:end]

    def code(self, ref: CodeRef) -> int:
        key = ref.id if hasattr(ref, "parent_id") else ref  # type: ignore[union-attr]
        if key not in self._codes:
            self._codes[key] = _resolve(self._w.codes(), ref).id
        return self._codes[key]

    def coder(self, name: str | None) -> int:
        if name not in self._coders:
            self._coders[name] = self._project._coder_id(self._w, name)
        return self._coders[name]


def _extract(row: SegmentRow, width: int) -> Extract:
    before, after = row.before[-width:], row.after[:width]
    if len(row.before) > width and " " in before:
        before = before[before.index(" ") + 1 :]
    if len(row.after) >= width and " " in after:
        after = after[: after.rindex(" ")]
    return Extract(
        segment=row.segment,
        code=row.code,
        coder=row.coder,
        source=row.source,
        participant=row.participant,
        speaker=row.speaker,
        role=Role(row.role) if row.role else None,
        before=before,
        after=after,
    )


def _participants_where(
    values: Mapping[int, Mapping[str, AttributeValue]], keys: Mapping[int, str], where: Mapping[str, AttributeValue]
) -> set[str]:
    chosen = set()
    for pid, key in keys.items():
        attrs = values.get(pid, {})
        if all(_same(attrs.get(name), wanted) for name, wanted in where.items()):
            chosen.add(key)
    return chosen


def _same(value: AttributeValue | None, wanted: AttributeValue) -> bool:
    if value is None:
        return False
    if isinstance(value, float):
        try:
            return value == float(wanted)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
    return str(value).casefold() == str(wanted).casefold()


def _inside(spans: Sequence[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]
