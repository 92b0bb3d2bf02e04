"""Comparing coders: units, agreement statistics, the disagreement queue and its resolution."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum
from typing import Sequence

from ..errors import InvalidInput, NotFound
from ..model import Coder
from ..reliability.disagreements import Coding, Difference, Place, place_key, places
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


class ReliabilityMixin(CodersMixin):
    """Where coders differ, and the agreed coding that settles it."""

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
        with self._read() as r:
            segments = r.segments(coder_ids=list(coder_ids))
        codings = [Coding(s.id, s.source_id, s.start, s.end, s.code_id, s.coder_id) for s in segments]
        coded: dict[int, set[int]] = {c: set() for c in coder_ids}
        for c in codings:
            coded[c.coder_id].add(c.source_id)
        return codings, coded

    def _places(self, coders: Sequence[Coder]) -> list[Place]:
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
            decided = {(s, a, b): d for s, a, b, d, _ in r.resolutions()}
        items = []
        for p in found:
            decision = decided.get((p.source_id, p.start, p.end))
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
        found = self._places(self.compared_coders(coders))
        with self._read() as r:
            decided = {(s, a, b) for s, a, b, _, _ in r.resolutions()}
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
                w.delete("segment", old.id)
        text = w.source_text(place.source_id) or ""
        for code_id, start, end in spans:
            w.insert("segment", {
                "guid": new_guid(), "source_id": place.source_id, "code_id": code_id, "coder_id": consensus,
                "start": start, "end": end, "text": text[start:end], "memo": rationale.strip(), "created_at": now(),
            })
        return len(spans)


def _decision(value: Decision | str) -> Decision:
    try:
        return Decision(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        names = ", ".join(d.value for d in Decision)
        raise InvalidInput(f"a decision is one of {names}, not {value!r}") from None


__all__ = ["Decision", "QueueItem", "QueueProgress", "ReliabilityMixin"]
