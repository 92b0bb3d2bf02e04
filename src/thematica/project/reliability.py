"""Comparing coders: units, agreement statistics, the disagreement queue and its resolution."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Sequence

import numpy as np

from ..analysis.tables import Table
from ..errors import InvalidInput, NotFound
from ..model import Coder
from ..reliability.disagreements import Coding, Difference, Place, place_key, places
from ..reliability.reading import agreement_table, reading
from ..reliability.stats import STATISTICS, Agreement, agreement
from ..reliability.units import (
    UnitKind,
    character_units,
    coded,
    predefined_units,
    scopes,
    text_units,
    unit_kind,
)
from ..store import Writer
from ..store.convert import now
from .coders import CodersMixin
from .core import new_guid


class Decision(str, Enum):
    """How a disagreement is settled in the consensus layer."""

    ACCEPT = "accept"  # one coder's coding of the place
    BOTH = "both"  # every compared coder's coding, identical ones once
    NEITHER = "neither"  # no consensus coding here
    SPANS = "spans"  # new boundaries (and codes) given by the researcher


@dataclass(frozen=True, slots=True)
class QueueItem:
    """One place where coders differ, as the review queue shows it."""

    key: str
    source: str
    start: int
    end: int
    difference: Difference
    text: str
    before: str
    after: str
    coding: dict[str, tuple[tuple[str, int, int, int], ...]]  # coder -> (code, start, end, segment id)
    resolved: str | None  # the decision, once resolved


@dataclass(frozen=True, slots=True)
class QueueProgress:
    """How far the review of disagreements has come."""

    places: int
    agreed: int
    disagreements: int
    resolved: int


@dataclass(frozen=True)
class CodeAgreement:
    """Agreement on one code (or all codes pooled): the coefficients and a plain reading."""

    code: str
    units: int
    coded: tuple[int, ...]  # units each compared coder coded with it
    agreement: Agreement
    reading: str


@dataclass(frozen=True)
class Comparison:
    """A comparison of coders over one kind of unit: per code, and pooled over every (unit, code) decision."""

    coders: tuple[str, ...]
    unit: UnitKind
    rule: str
    units: int
    sources: tuple[str, ...]
    per_code: tuple[CodeAgreement, ...]
    pooled: CodeAgreement
    intra: bool  # the same person re-coding (intra-coder consistency)

    def table(self) -> Table:
        """The agreement table: one row per code, then the pooled row."""
        rows = [(c.code, c.agreement, c.coded, c.reading) for c in (*self.per_code, self.pooled)]
        what = "Intra-coder consistency" if self.intra else "Inter-coder agreement"
        notes = (
            f"{self.units} {_unit_words(self.unit)} in {len(self.sources)} sources coded by {' and '.join(self.coders)}; "
            f"a unit counts as coded when {self.rule}.",
            "Pooled: every (unit, code) decision together. CIs: percentile bootstrap over units.",
        )
        return agreement_table(f"{what} ({', '.join(self.coders)}, by {self.unit.value})", self.coders, rows, notes)

    def sentence(self) -> str:
        """One sentence for a method section."""
        a = self.pooled.agreement
        figures = [f"{name} = {value:.2f}" for name, value in (
            ("Cohen's kappa" if a.cohen is not None else "Fleiss' kappa", a.cohen if a.cohen is not None else a.fleiss),
            ("Gwet's AC1", a.ac1), ("Krippendorff's alpha", a.alpha)) if value is not None]
        who = " and ".join(self.coders)
        what = "Intra-coder consistency" if self.intra else "Agreement between " + who
        return (
            f"{what} was assessed on {len(self.sources)} transcripts ({self.units} {_unit_words(self.unit)}, "
            f"{len(self.per_code)} codes): observed agreement {a.percent:.0%}"
            + (f", {', '.join(figures)}" if figures else "") + " (pooled over codes; per-code figures in the agreement table)."
        )


class ReliabilityMixin(CodersMixin):
    """Where coders differ, and the agreed coding that settles it."""

    def compare(
        self,
        coders: Sequence[str] | None = None,
        *,
        unit: UnitKind | str = UnitKind.TURN,
        codes: Sequence[str] | None = None,
        min_share: float = 0.0,
        statistics: Sequence[str] = STATISTICS,
        ci: bool = True,
        reps: int = 1000,
        participants_only: bool = True,
        units_from: str | None = None,
    ) -> Comparison:
        """Agreement between coders, per code and pooled, over units of analysis.

        ``unit`` is character, sentence, paragraph, turn (participants' turns
        by default) or predefined (survey answers, or the spans of
        ``units_from``, a coder who marked units out). A unit counts as coded
        with a code when the coder's segments overlap it (``min_share`` 0) or
        cover at least that share of it. Units in sources a coder never coded
        are missing for that coder, not "not coded".
        """
        key = ("compare", tuple(coders or ()), str(unit), tuple(codes or ()), min_share, tuple(statistics), ci, reps,
               participants_only, units_from)
        return self._memoised(key, lambda: self._compare(
            coders, unit, codes, min_share, statistics, ci, reps, participants_only, units_from))

    def _compare(
        self, coders: Sequence[str] | None, unit: UnitKind | str, codes: Sequence[str] | None, min_share: float,
        statistics: Sequence[str], ci: bool, reps: int, participants_only: bool, units_from: str | None,
    ) -> Comparison:
        kind = unit_kind(unit)
        chosen = self.compared_coders(coders)
        ids = [c.id for c in chosen]
        codings, coded_sources = self._codings(ids)
        shared = {s for s in set().union(*coded_sources.values()) if sum(s in v for v in coded_sources.values()) >= 2}
        if not shared:
            raise InvalidInput("these coders have not coded any source in common")
        with self._read() as r:
            texts = r.source_texts(shared)
            turns = [t for t in r.turn_spans() if t[0] in shared]
            marked = r.segments(coder_ids=[self._coder_by_name(units_from)]) if units_from else []
        scope = scopes(texts, turns, participants_only)
        kinds = {s.id: s.kind for s in self.sources()}
        if kind is UnitKind.PREDEFINED:
            spans = [(s.source_id, s.start, s.end) for s in marked if s.source_id in shared] if units_from else [
                (t[0], t[1], t[2]) for t in turns if kinds[t[0]] == "survey"]
            units = predefined_units(spans)
        elif kind is UnitKind.CHARACTER:
            cuts: dict[int, list[int]] = {}
            for c in codings:
                cuts.setdefault(c.source_id, []).extend((c.start, c.end))
            units = character_units(scope, {k: np.array(sorted(v), dtype=np.int64) for k, v in cuts.items()})
        else:
            units = text_units(kind, texts, scope)
        if len(units) == 0:
            raise InvalidInput("there are no units to compare in the sources these coders share")
        all_codes = {c.id: c for c in self.codes()}
        wanted = [self.code_by(c).id for c in codes] if codes else sorted({c.code_id for c in codings if c.code_id in all_codes})
        present = np.column_stack([np.isin(units.source, sorted(coded_sources[i])) for i in ids])
        by_pair: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
        for c in codings:
            by_pair.setdefault((c.coder_id, c.code_id), []).append((c.source_id, c.start, c.end))
        per_code, matrices = [], []
        for code_id in wanted:
            data = np.column_stack([coded(units, by_pair.get((i, code_id), []), min_share) for i in ids])
            data[~present] = np.nan
            matrices.append(data)
            per_code.append(self._code_agreement(self.code_path(code_id), data, units.weight, statistics, ci, reps))
        pooled = self._code_agreement("(all codes pooled)", np.vstack(matrices), np.tile(units.weight, len(matrices)), statistics, ci, reps)
        names = {s.id: s.name for s in self.sources()}
        rule = "the coder's segments overlap it" if min_share == 0 else f"the coder's segments cover at least {min_share:.0%} of it"
        intra = len(chosen) == 2 and (chosen[0].recode_of == chosen[1].id or chosen[1].recode_of == chosen[0].id)
        return Comparison(
            tuple(c.name for c in chosen), kind, rule, int(units.weight.sum()), tuple(sorted(names[s] for s in shared)),
            tuple(per_code), pooled, intra,
        )

    @staticmethod
    def _unweighted(weight: np.ndarray) -> bool:
        return bool(weight.size == 0 or (weight.min() == 1 and weight.max() == 1))

    def _code_agreement(
        self, label: str, data: np.ndarray, weight: np.ndarray, statistics: Sequence[str], ci: bool, reps: int
    ) -> CodeAgreement:
        weights = None if self._unweighted(weight) else weight
        result = agreement(data, statistics, ci, reps, categories=(0.0, 1.0), weights=weights)
        yes = data == 1.0  # NaN compares False
        coded_counts = tuple(int(n) for n in (yes.sum(axis=0) if weights is None else (yes * weight[:, None]).sum(axis=0)))
        rated = np.isfinite(data).any(axis=1)
        share = float(weight[rated & yes.any(axis=1)].sum() / weight[rated].sum()) if rated.any() else None
        return CodeAgreement(label, result.units, coded_counts, result, reading(result, share))

    def compared_coders(self, names: Sequence[str] | None = None) -> list[Coder]:
        """The coders to compare: those named, else every person who has coded."""
        people = self.person_coders()
        if names:
            chosen = []
            for name in names:
                found = next((c for c in self.coders() if c.name.casefold() == name.strip().casefold()), None)
                if found is None:
                    raise NotFound(f"no coder named {name!r}")
                chosen.append(found)
        else:
            with self._read() as r:
                active = {coder for _, coder, n in r.segment_counts() if n}
            chosen = [c for c in people if c.id in active]
        if len({c.id for c in chosen}) < 2:
            raise InvalidInput("a comparison needs at least two coders who have coded")
        if self.blind:
            raise InvalidInput("a blind coder cannot compare coding; ask the lead researcher")
        return chosen

    def _codings(self, coder_ids: Sequence[int]) -> tuple[list[Coding], dict[int, set[int]]]:
        """The coders' segments as codings, and the sources each coder has coded."""
        wanted = set(coder_ids)
        with self._read() as r:
            facts = r.segment_facts()
        codings = [Coding(f.id, f.source_id, f.start, f.end, f.code_id, f.coder_id) for f in facts if f.coder_id in wanted]
        coded: dict[int, set[int]] = {c: set() for c in coder_ids}
        for c in codings:
            coded[c.coder_id].add(c.source_id)
        return codings, coded

    def _places(self, coders: Sequence[Coder]) -> list[Place]:
        return self._memoised(("places", tuple(c.id for c in coders)), lambda: self._find_places(coders))

    def _find_places(self, coders: Sequence[Coder]) -> list[Place]:
        ids = [c.id for c in coders]
        codings, coded = self._codings(ids)
        shared = set.intersection(*coded.values()) if coded else set()
        return places(codings, ids, shared)

    def disagreements(
        self, coders: Sequence[str] | None = None, *, include_resolved: bool = False, context: int = 80
    ) -> list[QueueItem]:
        """The review queue: every place where the coders differ, in text order, with context."""
        chosen = self.compared_coders(coders)
        found = [p for p in self._places(chosen) if p.difference is not Difference.AGREE]
        names = {s.id: s.name for s in self.sources()}
        codes = {c.id: c.name for c in self.codes(include_deleted=True)}
        coder_names = {c.id: c.name for c in chosen}
        with self._read() as r:
            texts = r.source_texts({p.source_id for p in found})
            decided = {(s, a, b, who): d for s, a, b, d, _, who in r.resolutions()}
        team = tuple(sorted(c.name for c in chosen))
        items = []
        for p in found:
            decision = decided.get((p.source_id, p.start, p.end, team))
            if decision is not None and not include_resolved:
                continue
            text = texts[p.source_id]
            items.append(QueueItem(
                key=place_key(names[p.source_id], p),
                source=names[p.source_id], start=p.start, end=p.end, difference=p.difference,
                text=text[p.start : p.end],
                before=text[max(0, p.start - context) : p.start],
                after=text[p.end : p.end + context],
                coding={
                    coder_names[c.id]: tuple((codes[x.code_id], x.start, x.end, x.segment_id) for x in p.by_coder(c.id))
                    for c in chosen
                },
                resolved=decision,
            ))
        return items

    def queue_progress(self, coders: Sequence[str] | None = None) -> QueueProgress:
        """Places compared, agreed, disagreements and how many of them are resolved."""
        chosen = self.compared_coders(coders)
        found = self._places(chosen)
        team = tuple(sorted(c.name for c in chosen))
        with self._read() as r:
            decided = {(s, a, b) for s, a, b, _, _, who in r.resolutions() if who == team}
        differing = [p for p in found if p.difference is not Difference.AGREE]
        resolved = sum(1 for p in differing if (p.source_id, p.start, p.end) in decided)
        return QueueProgress(len(found), len(found) - len(differing), len(differing), resolved)

    def resolve(
        self,
        key: str,
        decision: Decision | str,
        *,
        coder: str | None = None,
        spans: Sequence[tuple[str, int, int]] = (),
        rationale: str = "",
        coders: Sequence[str] | None = None,
    ) -> int:
        """Settle one disagreement (by its queue key) in the consensus layer; returns the consensus segments written.

        ``accept`` takes ``coder``'s coding of the place; ``both`` takes every
        coder's; ``neither`` writes none; ``spans`` writes the given (code,
        start, end). Any earlier consensus coding inside the place is replaced.
        The rationale is kept as the memo of each consensus segment and with
        the resolution; the change is audited and can be undone.
        """
        choice = _decision(decision)
        chosen = self.compared_coders(coders)
        place = self._find_place(key, chosen)
        wanted = self._consensus_spans(place, choice, chosen, coder, spans)
        names = ", ".join(c.name for c in chosen)
        with self._change("disagreement.resolve", f"resolved {key}: {choice.value}", key=key) as ch:
            written = self._write_consensus(ch.writer, place, wanted, rationale)
            ch.writer.insert("resolution", {
                "source_id": place.source_id, "start": place.start, "end": place.end, "decision": choice.value,
                "rationale": rationale.strip(), "coders": json.dumps([c.name for c in chosen]),
                "actor": self.actor, "created_at": now(),
            })
            ch.details = {"decision": choice.value, "coders": names, "segments": written}
        return written

    def accept_agreements(self, coders: Sequence[str] | None = None) -> int:
        """Copy every place where the coders agree into the consensus layer (one change); returns segments written."""
        chosen = self.compared_coders(coders)
        agreed = [p for p in self._places(chosen) if p.difference is Difference.AGREE]
        with self._change("disagreement.accept_agreed", "") as ch:
            written = 0
            for place in agreed:
                spans = {(c.code_id, c.start, c.end) for c in place.by_coder(chosen[0].id)}
                written += self._write_consensus(ch.writer, place, sorted(spans), "coders agreed")
            ch.summary = f"copied {len(agreed)} agreed places ({written} segments) into the consensus layer"
        return written

    def _find_place(self, key: str, chosen: Sequence[Coder]) -> Place:
        names = {s.id: s.name for s in self.sources()}
        for place in self._places(chosen):
            if place_key(names[place.source_id], place) == key.strip():
                if place.difference is Difference.AGREE:
                    raise InvalidInput(f"the coders agree at {key}; there is nothing to resolve")
                return place
        raise NotFound(f"no place {key!r} where these coders differ (see 'thematica disagreements')")

    def _consensus_spans(
        self, place: Place, choice: Decision, chosen: Sequence[Coder], coder: str | None, spans: Sequence[tuple[str, int, int]]
    ) -> list[tuple[int, int, int]]:
        if choice is Decision.ACCEPT:
            who = next((c for c in chosen if coder and c.name.casefold() == coder.strip().casefold()), None)
            if who is None:
                raise InvalidInput(f"say whose coding to accept: one of {', '.join(c.name for c in chosen)}")
            return sorted({(c.code_id, c.start, c.end) for c in place.by_coder(who.id)})
        if choice is Decision.BOTH:
            return sorted({(c.code_id, c.start, c.end) for c in place.codings})
        if choice is Decision.NEITHER:
            return []
        if not spans:
            raise InvalidInput("give the agreed spans as CODE:START-END")
        result = []
        for code, start, end in spans:
            if not place.start <= start < end <= place.end:
                raise InvalidInput(f"{start}-{end} is outside the place {place.start}-{place.end}")
            result.append((self.code_by(code).id, start, end))
        return sorted(set(result))

    def _write_consensus(self, w: Writer, place: Place, spans: Sequence[tuple[int, int, int]], rationale: str) -> int:
        consensus = self.consensus_coder_id(w)
        for old in w.segments(source_id=place.source_id, coder_ids=[consensus]):
            if old.start < place.end and old.end > place.start:
                self._delete_segment(w, old.id)
        text = w.source_text(place.source_id) or ""
        for code_id, start, end in spans:
            w.insert("segment", {
                "guid": new_guid(), "source_id": place.source_id, "code_id": code_id, "coder_id": consensus,
                "start": start, "end": end, "text": text[start:end], "memo": rationale.strip(), "created_at": now(),
            })
        return len(spans)


def _unit_words(kind: UnitKind) -> str:
    return {
        UnitKind.CHARACTER: "characters", UnitKind.SENTENCE: "sentences", UnitKind.PARAGRAPH: "paragraphs",
        UnitKind.TURN: "speaker turns", UnitKind.PREDEFINED: "predefined units",
    }[kind]


def _decision(value: Decision | str) -> Decision:
    try:
        return Decision(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        names = ", ".join(d.value for d in Decision)
        raise InvalidInput(f"a decision is one of {names}, not {value!r}") from None


__all__ = ["CodeAgreement", "Comparison", "Decision", "QueueItem", "QueueProgress", "ReliabilityMixin"]
