"""De-identification: the identifier register, scanning, the review queue, applying pseudonyms.

The register maps each real identifier (with its variants) to one
pseudonym. A scan only proposes candidates; nothing changes in a source
until the researcher has reviewed them and calls :meth:`deid_apply`, which
writes the de-identified text, carries every segment, turn and resolution
over by an offset map and, unless the original is kept, purges it from the
file. Audit events of these operations never quote a real identifier.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..deid.detect import CATEGORIES, detect
from ..deid.matcher import TermMatcher, person_variants
from ..deid.pseudonyms import GENERIC, cleaner, link_register, next_pseudonym, replacements
from ..deid.rewrite import OffsetMap, rewrite
from ..errors import Conflict, InvalidInput, NotFound
from ..ingest import read_table
from ..model import DeidCandidate, Identifier
from ..store import Writer
from ..store import deid as store
from ..store.convert import now
from ..text import passages, sha256
from .core import new_guid
from .exports import ExportsMixin

DECISIONS = ("accept", "reject", "always", "never")
_CONTEXT = 60


@dataclass(frozen=True)
class QueueEntry:
    """A candidate in its context, for review."""

    candidate: DeidCandidate
    source: str
    before: str
    after: str
    replacement: str


@dataclass(frozen=True)
class ScanReport:
    """What a scan found: new candidates per source and per detector."""

    sources: int
    new: int
    pending: int
    by_detector: dict[str, int]
    by_category: dict[str, int]


@dataclass(frozen=True)
class FlaggedSegment:
    """A segment whose text was mostly identifiers: after de-identification it may say little."""

    segment_id: int
    source: str
    code: str
    before_length: int
    replaced: int
    text: str


@dataclass
class ApplyReport:
    """What applying de-identification did."""

    sources: list[str] = field(default_factory=list)
    replacements: int = 0
    segments_moved: int = 0
    flagged: list[FlaggedSegment] = field(default_factory=list)
    kept_original: bool = False
    left_pending: int = 0
    notes_cleaned: int = 0
    backups: list[str] = field(default_factory=list)


class DeidMixin(ExportsMixin):
    """The identifier register, scan, review queue and apply (see the module docstring)."""

    # -- the register ------------------------------------------------------------------
    def identifiers(self) -> list[Identifier]:
        """The identifier register (real values are None once the key was removed)."""
        with self._read() as r:
            return store.identifiers(r.conn)

    def identifier(self, ref: str | int) -> Identifier:
        """A register entry by id, pseudonym or (while the key is here) real value or variant."""
        wanted = str(ref).strip().casefold()
        for entry in self.identifiers():
            if str(entry.id) == wanted or entry.replacement.casefold() == wanted:
                return entry
            if any(t.casefold() == wanted for t in entry.terms):
                return entry
        raise NotFound(f"no identifier {ref!r} in the register")

    def add_identifier(
        self,
        value: str,
        category: str = "person",
        *,
        replacement: str | None = None,
        variants: Iterable[str] = (),
    ) -> Identifier:
        """Add a real identifier and its pseudonym to the register (one audited change)."""
        with self._change("deid.register.add") as ch:
            entry = self._add_identifier(ch.writer, value, category, replacement, variants)
            ch.summary = f"added identifier #{entry.id} ({entry.category}) as {entry.replacement}"
        return entry

    def import_identifiers(self, path: Path | str) -> list[Identifier]:
        """Add identifiers from a CSV/XLSX list: columns value, category, replacement, variants (``;``-separated)."""
        rows = [{k.strip().casefold(): v for k, v in row.items()} for row in read_table(Path(path))]
        if rows and "value" not in rows[0]:
            raise InvalidInput(f"{Path(path).name}: needs a 'value' column (and optionally category, replacement, variants)")
        added: list[Identifier] = []
        with self._change("deid.register.import") as ch:
            for number, row in enumerate(rows, start=2):
                value = (row.get("value") or "").strip()
                if not value:
                    continue
                variants = [v.strip() for v in (row.get("variants") or "").split(";") if v.strip()]
                try:
                    added.append(self._add_identifier(
                        ch.writer, value, (row.get("category") or "person").strip() or "person",
                        (row.get("replacement") or "").strip() or None, variants,
                    ))
                except (InvalidInput, Conflict) as exc:
                    raise type(exc)(f"{Path(path).name}, row {number}: {exc}") from None
            ch.summary = f"imported {len(added)} identifiers from {Path(path).name}"
        return added

    def _add_identifier(
        self, w: Writer, value: str, category: str, replacement: str | None, variants: Iterable[str]
    ) -> Identifier:
        value = " ".join(value.split())
        category = category.strip().casefold()
        if not value:
            raise InvalidInput("an identifier needs a value")
        if category not in CATEGORIES:
            raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
        existing = store.identifiers(w.conn)
        terms = [value, *(" ".join(v.split()) for v in variants)]
        if category == "person":
            terms += person_variants(value)
        taken = {t.casefold(): e for e in existing for t in e.terms}
        clash = next((t for t in terms if t.casefold() in taken), None)
        if clash is not None and clash.casefold() == value.casefold():
            raise Conflict(f"that identifier is already in the register as {taken[clash.casefold()].replacement}")
        # a part of a name shared with an entry already there (two people called Sarah) stays with the first
        variants_kept = list(dict.fromkeys(t for t in terms[1:] if t.casefold() not in taken and t.casefold() != value.casefold()))
        if replacement is None:
            replacement = next_pseudonym(existing, category)
        replacement = replacement.strip()
        if not replacement:
            raise InvalidInput("a pseudonym cannot be empty")
        if any(replacement.casefold() == t.casefold() for t in terms):
            raise InvalidInput("a pseudonym cannot be the identifier itself")
        guid = new_guid()
        row_id = w.insert("identifier", {
            "guid": guid, "category": category, "value": value, "variants": json.dumps(variants_kept, ensure_ascii=False),
            "replacement": replacement, "created_at": now(),
        })
        return Identifier(row_id, guid, category, value, tuple(variants_kept), replacement)

    def update_identifier(
        self, ref: str | int, *, replacement: str | None = None, variants: Sequence[str] | None = None
    ) -> Identifier:
        """Change an entry's pseudonym or its list of variants."""
        entry = self.identifier(ref)
        values: dict[str, str] = {}
        if replacement is not None:
            if not replacement.strip():
                raise InvalidInput("a pseudonym cannot be empty")
            values["replacement"] = replacement.strip()
        if variants is not None:
            if entry.value is None:
                raise InvalidInput("the key was removed: re-import it before changing variants")
            values["variants"] = json.dumps([" ".join(v.split()) for v in variants if v.strip()], ensure_ascii=False)
        with self._change("deid.register.update", f"changed identifier #{entry.id}") as ch:
            ch.writer.update("identifier", entry.id, values)
        return self.identifier(entry.id)

    def remove_identifier(self, ref: str | int) -> None:
        """Take an entry out of the register (its accepted candidates become generic replacements)."""
        entry = self.identifier(ref)
        with self._change("deid.register.remove", f"removed identifier #{entry.id} ({entry.replacement})") as ch:
            for cand in store.candidates(ch.writer.conn):
                if cand.identifier_id == entry.id:
                    ch.writer.update("deid_candidate", cand.id, {"identifier_id": None})
            ch.writer.delete("identifier", entry.id)

    def allow_list(self) -> list[str]:
        """Terms that are never identifiers (the researcher's "never" decisions)."""
        with self._read() as r:
            return store.allow_terms(r.conn)

    def allow_term(self, term: str) -> None:
        """Never flag ``term`` again; pending candidates with that text are rejected."""
        with self._change("deid.allow", "added a term to the never-identifier list") as ch:
            self._allow(ch.writer, term)

    def _allow(self, w: Writer, term: str) -> None:
        term = " ".join(term.split())
        if not term:
            raise InvalidInput("an allowed term cannot be empty")
        if store.allow_term_id(w.conn, term) is None:
            w.insert("deid_allow", {"term": term, "created_at": now()})
        for cand in store.candidates(w.conn, status="pending"):
            if cand.text.casefold() == term.casefold():
                w.update("deid_candidate", cand.id, {"status": "rejected"})

    # -- scanning ----------------------------------------------------------------------
    def deid_scan(
        self, sources: Sequence[str | int] | None = None, *, progress: Callable[[int, int], None] | None = None
    ) -> ScanReport:
        """Look for identifiers in sources (default: all) and queue new candidates for review.

        Candidates already decided are kept; pending ones are replaced by this
        scan's. Nothing in any source changes.
        """
        targets = [self.source(s) for s in sources] if sources is not None else self.sources()
        by_detector: Counter[str] = Counter()
        by_category: Counter[str] = Counter()
        new = 0
        with self._change("deid.scan") as ch:
            w = ch.writer
            register = store.identifiers(w.conn)
            known = [(t, e.category) for e in register for t in e.terms]
            allow = store.allow_terms(w.conn)
            turns = w.turns()
            speakers = {t.speaker for t in turns}
            for done, src in enumerate(targets, start=1):
                text = w.source_text(src.id) or ""
                decided = {(c.start, c.end) for c in store.candidates(w.conn, source_id=src.id) if c.status != "pending"}
                store.erase(w, "deid_candidate", [("source_id", src.id), ("status", "pending")])
                rows = []
                for cand in detect(text, known=known, allow=allow, speakers=speakers):
                    if (cand.start, cand.end) in decided:
                        continue
                    rows.append({
                        "source_id": src.id, "start": cand.start, "end": cand.end, "text": cand.text,
                        "category": cand.category, "detector": cand.detector, "confidence": float(cand.confidence),
                        "status": "pending", "identifier_id": None, "created_at": now(),
                    })
                    by_detector[cand.detector] += 1
                    by_category[cand.category] += 1
                link_register(rows, register)
                w.insert_many("deid_candidate", rows)
                new += len(rows)
                if progress:
                    progress(done, len(targets))
            pending = len(store.candidates(w.conn, status="pending"))
            ch.summary = f"scanned {len(targets)} sources for identifiers: {new} candidates to review"
            ch.details = {"sources": len(targets), "candidates": new, "by_detector": dict(by_detector)}
        return ScanReport(len(targets), new, pending, dict(by_detector), dict(by_category))

    # -- the review queue --------------------------------------------------------------
    def deid_candidates(self, *, status: str | None = "pending", source: str | int | None = None) -> list[DeidCandidate]:
        """Scan candidates (default: those waiting for a decision), in reading order."""
        source_id = None if source is None else self.source(source).id
        with self._read() as r:
            return store.candidates(r.conn, source_id=source_id, status=status)

    def deid_queue(
        self, *, status: str | None = "pending", source: str | int | None = None, limit: int | None = None
    ) -> list[QueueEntry]:
        """Candidates with their context and the pseudonym they would get, for review."""
        source_id = None if source is None else self.source(source).id
        with self._read() as r:
            page = store.candidate_page(r.conn, source_id=source_id, status=status, limit=limit, context=_CONTEXT)
            names = {s.id: s.name for s in r.sources()}
            register = {e.id: e for e in store.identifiers(r.conn)}
        entries = []
        for c, before, after in page:
            entry = register.get(c.identifier_id) if c.identifier_id else None
            entries.append(QueueEntry(
                c, names.get(c.source_id, "?"), before, after,
                entry.replacement if entry else GENERIC.get(c.category, "[redacted]"),
            ))
        return entries

    def deid_groups(self, status: str = "pending") -> list[tuple[str, str, int, list[int]]]:
        """Candidates grouped by their text (case-insensitive): (text, category, count, candidate ids), biggest first."""
        with self._read() as r:
            rows = store.candidate_texts(r.conn, status)
        groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for row in rows:
            groups[" ".join(row[1].split()).casefold()].append(row)
        out = [
            (g[0][1], Counter(c for _, _, c in g).most_common(1)[0][0], len(g), [i for i, _, _ in g])
            for g in groups.values()
        ]
        return sorted(out, key=lambda t: (-t[2], t[0].casefold()))

    def deid_decide(
        self,
        candidate_ids: Sequence[int],
        decision: str,
        *,
        category: str | None = None,
        replacement: str | None = None,
    ) -> int:
        """Decide candidates: ``accept`` (replace here), ``reject`` (leave here), ``always``
        (add to the register: replace everywhere) or ``never`` (allow-list: never flag).

        ``always`` and ``never`` also settle every pending candidate with the
        same text. Returns how many candidates were decided.
        """
        if decision not in DECISIONS:
            raise InvalidInput(f"a decision is one of {', '.join(DECISIONS)}, not {decision!r}")
        if category is not None and category not in CATEGORIES:
            raise InvalidInput(f"category must be one of {', '.join(CATEGORIES)}, not {category!r}")
        if not candidate_ids:
            raise InvalidInput("no candidates to decide")
        with self._change("deid.review") as ch:
            w = ch.writer
            every = {c.id: c for c in store.candidates(w.conn)}
            missing = [i for i in candidate_ids if i not in every]
            if missing:
                raise NotFound(f"no candidate #{missing[0]}")
            chosen = [every[i] for i in dict.fromkeys(candidate_ids)]
            decided = 0
            if decision in ("accept", "reject"):
                for c in chosen:
                    values: dict[str, object] = {"status": "accepted" if decision == "accept" else "rejected"}
                    if category and decision == "accept":
                        values["category"] = category
                    w.update("deid_candidate", c.id, values)
                    decided += 1
            elif decision == "never":
                for text in dict.fromkeys(" ".join(c.text.split()) for c in chosen):
                    self._allow(w, text)
                for c in chosen:
                    w.update("deid_candidate", c.id, {"status": "rejected"})
                now_rejected = {c.id for c in store.candidates(w.conn, status="rejected")}
                decided = sum(1 for i, c in every.items() if i in now_rejected and (c.status == "pending" or i in candidate_ids))
            else:  # always
                register = store.identifiers(w.conn)
                for text in dict.fromkeys(" ".join(c.text.split()) for c in chosen):
                    entry = next((e for e in register if any(t.casefold() == text.casefold() for t in e.terms)), None)
                    if entry is None:
                        first = next(c for c in chosen if " ".join(c.text.split()) == text)
                        entry = self._add_identifier(w, text, category or first.category, replacement, ())
                        register.append(entry)
                    for c in store.candidates(w.conn):
                        if " ".join(c.text.split()).casefold() == text.casefold() and (c.status == "pending" or c.id in candidate_ids):
                            w.update("deid_candidate", c.id, {"status": "accepted", "identifier_id": entry.id})
                            decided += 1
            ch.summary = f"{decision}: {decided} identifier candidates"
            ch.details = {"decision": decision, "candidates": decided}
        return decided

    def deid_accept_register(self) -> int:
        """Accept every pending candidate that is a register entry (they will get its pseudonym)."""
        ids = [c.id for c in self.deid_candidates() if c.identifier_id is not None]
        return self.deid_decide(ids, "accept") if ids else 0

    # -- applying ----------------------------------------------------------------------
    def deid_apply(
        self, *, keep_original: bool = False, allow_pending: bool = False, sources: Sequence[str | int] | None = None
    ) -> ApplyReport:
        """Write the de-identified text of each source (cannot be undone).

        Replaces every accepted candidate and every occurrence of a register
        entry (except occurrences the researcher rejected), carries segments,
        turns and resolutions over by the offset map, flags segments that were
        mostly identifiers, re-indexes search, and, unless ``keep_original``,
        purges the original text and file and vacuums the project file so the
        originals cannot be recovered from it. Refuses while candidates are
        pending review, unless ``allow_pending``.
        """
        targets = [self.source(s) for s in sources] if sources is not None else self.sources()
        report = ApplyReport(kept_original=keep_original)
        with self._change("deid.apply") as ch:
            w = ch.writer
            ids = {s.id for s in targets}
            pending = [c for c in store.candidates(w.conn, status="pending") if c.source_id in ids]
            if pending and not allow_pending:
                raise InvalidInput(
                    f"{len(pending)} identifier candidates are still waiting for review "
                    "(decide them, or apply anyway and leave them as they are)"
                )
            report.left_pending = len(pending)
            register = store.identifiers(w.conn)
            by_id = {e.id: e for e in register}
            matcher = TermMatcher((t, e.id) for e in register for t in e.terms)
            for src in targets:
                text = w.source_text(src.id) or ""
                cands = store.candidates(w.conn, source_id=src.id)
                reps = replacements(text, cands, matcher, by_id)
                if not reps:
                    continue
                new_text, omap = rewrite(text, reps)
                self._carry_over(w, src.id, src.name, text, new_text, omap, keep_original, report)
                report.sources.append(src.name)
                report.replacements += len(reps)
            clean = cleaner(register)
            report.notes_cleaned = store.clean_notes(w, clean)
            if not keep_original:
                store.scrub_history(w, clean)
            ch.summary = (
                f"de-identified {len(report.sources)} sources ({report.replacements} replacements"
                f"{'; originals kept' if keep_original else '; originals purged'})"
            )
            ch.details = {"sources": report.sources, "replacements": report.replacements,
                          "flagged_segments": [f.segment_id for f in report.flagged], "kept_original": keep_original}
            if report.sources:
                store.reindex_fulltext(w)
            w.changes.clear()  # irreversible: the undo records would hold the original text
        if not keep_original:
            self._store.compact()
        report.backups = [str(p) for p in sorted(self.path.parent.glob(self.path.name + "*.bak"))]
        return report

    def _carry_over(
        self, w: Writer, source_id: int, name: str, old: str, new: str, omap: OffsetMap,
        keep_original: bool, report: ApplyReport,
    ) -> None:
        codes = {c.id: c.name for c in w.codes(include_deleted=True)}
        if keep_original and store.original_text(w.conn, source_id) is None:
            w.insert("source_version", {"source_id": source_id, "kind": "original", "text": old,
                                        "sha256": sha256(old.encode("utf-8")), "created_at": now()})
        store.overwrite(w, "source", source_id, {"text": new, "length": len(new), "deidentified_at": now()})
        # the file now is the de-identified text (NULL data: its UTF-8 bytes); the original file is dropped
        store.clear_original_file(w, source_id)
        if not keep_original:
            store.erase(w, "source_version", [("source_id", source_id)])
        for seg in w.segments(source_id=source_id, include_deleted_codes=True):
            moved = omap.span(seg.start, seg.end)
            store.overwrite(w, "segment", seg.id, {"start": moved.start, "end": moved.end, "text": new[moved.start : moved.end]})
            report.segments_moved += 1
            if moved.lost_meaning:
                report.flagged.append(FlaggedSegment(seg.id, name, codes.get(seg.code_id, "?"), moved.original_length,
                                                     moved.replaced, new[moved.start : moved.end]))
        for turn in w.turns(source_id):
            moved = omap.span(turn.start, turn.end)
            store.overwrite(w, "turn", turn.id, {"start": moved.start, "end": moved.end})
        for res_id, start, end in store.resolution_spans(w.conn, source_id):
            moved = omap.span(start, end)
            store.overwrite(w, "resolution", res_id, {"start": moved.start, "end": moved.end})
        store.erase(w, "deid_candidate", [("source_id", source_id)])
        store.replace_passages(w, source_id, passages(new))

    def deid_status(self) -> dict[str, int]:
        """Counts for a dashboard: register entries, candidates by status, de-identified sources."""
        with self._read() as r:
            cands = store.candidates(r.conn, status=None)
            register = store.identifiers(r.conn)
            done = store.deidentified_sources(r.conn)
        counts = Counter(c.status for c in cands)
        return {
            "identifiers": len(register), "key_removed": sum(1 for e in register if e.value is None),
            "pending": counts["pending"], "accepted": counts["accepted"], "rejected": counts["rejected"],
            "deidentified_sources": len(done), "sources": len(self.sources()),
        }
