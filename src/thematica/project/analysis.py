"""Queries over the coding and the themes: matrices, co-occurrence, saturation, theme review, status."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Sequence

from ..analysis import queries
from ..analysis.queries import CooccurMode, Measure, Percent
from ..analysis.tables import Table
from ..errors import InvalidInput
from ..model import CoderKind, Extract, MemoTarget, Phase, Theme, ThemeStatus
from ..store import SegmentFact
from .themes import ThemeRef, ThemesMixin, _descendants, _find_theme

#: The project setting naming whose coding analyses count by default.
ANALYSIS_CODER = "analysis_coder"


@dataclass(frozen=True, slots=True)
class ThemeReview:
    """Phase 4 data for one theme: its extracts and how widely it is supported."""

    theme: Theme
    codes: tuple[str, ...]
    subthemes: tuple[str, ...]
    extracts: tuple[Extract, ...]
    participants: tuple[str, ...]
    participants_total: int
    sources: int
    segments: int
    shared_segments: int  # segments whose code also serves another theme


@dataclass(frozen=True, slots=True)
class ThemeWarnings:
    """What phase 4 should look at across all themes."""

    thin_themes: tuple[tuple[str, int], ...]  # (theme, participants) below the threshold
    codes_without_theme: tuple[str, ...]
    codes_in_several_themes: tuple[tuple[str, tuple[str, ...]], ...]
    empty_themes: tuple[str, ...]
    shared_segments: int


@dataclass(frozen=True, slots=True)
class PhaseCheck:
    """One thing a phase still lacks: what, how many, a few examples."""

    phase: Phase
    what: str
    count: int
    examples: tuple[str, ...] = ()


class AnalysisMixin(ThemesMixin):
    """Counting what was coded: by participant, group, theme and source."""

    def analysis_coders(self, coder: str | None = None) -> list[int] | None:
        """Whose segments analyses count: ``coder``; else the consensus layer once it has coding;
        else the project's analysis coder (setting ``analysis_coder``); else everyone (None)."""
        if coder:
            return [self._coder_by_name(coder)]
        if self.blind:  # a blind coder's analyses count their own coding
            return self.visible_coders(None)
        consensus = next((c for c in self.coders() if c.kind is CoderKind.CONSENSUS), None)
        if consensus is not None:
            with self._read() as r:
                if r.count("segment", coder_id=consensus.id):
                    return [consensus.id]
        name = self.settings().get(ANALYSIS_CODER)
        if name:
            return [self._coder_by_name(name)]
        coders = self.coders()
        if any(c.kind is CoderKind.ASSISTANT for c in coders):  # the assistant's proposals are not findings
            return [c.id for c in coders if c.kind is not CoderKind.ASSISTANT]
        return None

    def segment_facts(self, coder: str | None = None, *, include_interviewer: bool = False) -> list[SegmentFact]:
        """Segments as counting records (participant, role, words) for the analysis coder(s)."""
        coders = self.visible_coders(self.analysis_coders(coder))
        with self._read() as r:
            facts = r.segment_facts()
        return [
            f for f in facts
            if (coders is None or f.coder_id in coders) and (include_interviewer or f.role != "interviewer")
        ]

    def theme_code_ids(self, ref: ThemeRef, *, subthemes: bool = True) -> set[int]:
        """The codes of a theme, and of its subthemes at any depth."""
        themes = self.themes()
        theme = _find_theme(themes, ref)
        ids = set(theme.code_ids)
        if subthemes:
            for child in _descendants(themes, theme.id):
                ids.update(child.code_ids)
        return ids & {c.id for c in self.codes()}  # a deleted or merged-away code no longer counts

    def _reportable_attributes(self) -> list[dict[str, Any]]:
        """Each participant's attributes as they may be reported (overridden by the disclosure rules)."""
        return [dict(p.attributes) for p in self.participants()]

    def _omitted_attributes(self) -> set[str]:
        """Attributes a reporting rule leaves out of every output (overridden by the disclosure rules)."""
        return set()

    def matrix(
        self,
        rows: str = "codes",
        columns: str = "participants",
        *,
        how: Measure = "segments",
        percent: Percent = None,
        coder: str | None = None,
        include_interviewer: bool = False,
    ) -> Table:
        """Matrix coding: codes or themes (rows) by participants or an attribute's values (columns)."""
        facts = self.segment_facts(coder, include_interviewer=include_interviewer)
        if rows == "codes":
            row_sets = {self.code_path(c.id): {c.id} for c in self.codes() if any(f.code_id == c.id for f in facts)}
        elif rows == "themes":
            row_sets = {t.name: self.theme_code_ids(t.id) for t in self.themes()}
        else:
            raise InvalidInput(f"rows are codes or themes, not {rows!r}")
        people = self.participants()
        if columns == "participants":
            column_sets = {p.key: {p.id} for p in people}
        else:
            if columns not in {a.name for a in self.attributes()}:
                raise InvalidInput(f"columns are participants or an attribute ({', '.join(a.name for a in self.attributes())}), not {columns!r}")
            if columns in self._omitted_attributes():
                raise InvalidInput(f"{columns!r} is left out of every output by a reporting rule")
            groups: dict[str, set[int]] = defaultdict(set)
            for p, reported in zip(people, self._reportable_attributes(), strict=True):
                value = reported.get(columns)
                groups[_label(value) if value is not None else "(none)"].add(p.id)
            column_sets = dict(sorted(groups.items(), key=lambda kv: _sort_key(kv[0])))
        title = f"{rows.capitalize()} by {columns}"
        table = queries.matrix(facts, row_sets, column_sets, how=how, percent=percent, title=title, row_header=rows[:-1])
        if columns == "participants":
            return table
        return dataclasses.replace(table, groups=tuple((label, len(ids)) for label, ids in column_sets.items()))

    def cooccurrence(self, mode: CooccurMode = "overlap", *, coder: str | None = None) -> Table:
        """Which codes meet: on the same span, overlapping, or in the same speaker turn."""
        facts = self.segment_facts(coder, include_interviewer=True)
        return queries.cooccurrence(facts, {c.id: c.name for c in self.codes()}, mode)

    def saturation(self, *, coder: str | None = None) -> Table:
        """New codes per source in coding order, and the cumulative curve."""
        facts = self.segment_facts(coder, include_interviewer=True)
        sources = {s.id: s.name for s in self.sources()}
        return queries.saturation(facts, sources, {c.id: c.name for c in self.codes()})

    def theme_review(self, ref: ThemeRef, *, coder: str | None = None, context: int = 120) -> ThemeReview:
        """Everything phase 4 asks of one theme: extracts, participants, sources, segments, overlap."""
        themes = self.themes()
        theme = _find_theme(themes, ref)
        code_ids = self.theme_code_ids(theme.id)
        facts = [f for f in self.segment_facts(coder) if f.code_id in code_ids]
        keys = {p.id: p.key for p in self.participants()}
        others = {c for t in themes if t.id != theme.id and t.id not in {d.id for d in _descendants(themes, theme.id)} for c in t.code_ids}
        chosen = self.analysis_coders(coder)
        coder_name = None if chosen is None else next(c.name for c in self.coders() if c.id == chosen[0])
        extracts = self.extracts(sorted(code_ids), subcodes=False, coder=coder_name, exclude_interviewer=True, context=context) if code_ids else []
        codes = {c.id: c.name for c in self.codes()}
        return ThemeReview(
            theme=theme,
            codes=tuple(codes[c] for c in sorted(code_ids, key=lambda c: codes.get(c, "")) if c in codes),
            subthemes=tuple(t.name for t in _descendants(themes, theme.id)),
            extracts=tuple(extracts),
            participants=tuple(sorted({keys[f.participant_id] for f in facts if f.participant_id in keys})),
            participants_total=len(keys),
            sources=len({f.source_id for f in facts}),
            segments=len(facts),
            shared_segments=sum(1 for f in facts if f.code_id in others),
        )

    def coverage(self, *, coder: str | None = None) -> Table:
        """Participants (rows) by themes (columns): segments of each theme per participant."""
        facts = self.segment_facts(coder)
        themes = self.themes()
        sets = {t.name: self.theme_code_ids(t.id) for t in themes}
        rows = []
        for person in self.participants():
            mine = [f for f in facts if f.participant_id == person.id]
            rows.append((person.key, *[sum(1 for f in mine if f.code_id in sets[t.name]) for t in themes]))
        return Table("Participants by theme", ("participant", *sets), tuple(rows), ("segments per participant and theme",))

    def theme_warnings(self, min_participants: int = 2, *, coder: str | None = None) -> ThemeWarnings:
        """Thin themes, codes in no theme or in several, empty themes, segments shared between themes."""
        themes = self.themes()
        facts = self.segment_facts(coder)
        codes = {c.id: c.name for c in self.codes()}
        thin = []
        for theme in themes:
            ids = self.theme_code_ids(theme.id)
            n = len({f.participant_id for f in facts if f.code_id in ids and f.participant_id is not None})
            if n < min_participants:
                thin.append((theme.name, n))
        homes: dict[int, list[str]] = defaultdict(list)
        for theme in themes:
            for code_id in theme.code_ids:
                homes[code_id].append(theme.name)
        used = {f.code_id for f in facts}
        return ThemeWarnings(
            thin_themes=tuple(thin),
            codes_without_theme=tuple(sorted(codes[c] for c in codes if c not in homes and c in used)),
            codes_in_several_themes=tuple(sorted((codes[c], tuple(n)) for c, n in homes.items() if len(n) > 1 and c in codes)),
            empty_themes=tuple(t.name for t in themes if not self.theme_code_ids(t.id)),
            shared_segments=sum(1 for f in facts if len(homes.get(f.code_id, ())) > 1),
        )

    def phase_checks(self) -> list[PhaseCheck]:
        """What each of the six phases still lacks (an empty list: nothing obvious)."""
        checks: list[PhaseCheck] = []
        sources, codes, themes = self.sources(), self.codes(), self.themes()
        memo_targets = {m.target_id for m in self.memos(MemoTarget.SOURCE)}
        facts = self.segment_facts(include_interviewer=True)
        coded_sources = {f.source_id for f in facts}
        used_codes = {f.code_id for f in facts}
        in_theme = {c for t in themes for c in t.code_ids}

        def add(phase: Phase, what: str, names: Sequence[str]) -> None:
            if names:
                checks.append(PhaseCheck(phase, what, len(names), tuple(names[:5])))

        add(Phase.FAMILIARISE, "sources without a familiarisation memo", [s.name for s in sources if s.id not in memo_targets])
        add(Phase.GENERATE_CODES, "sources not coded yet", [s.name for s in sources if s.id not in coded_sources])
        add(Phase.GENERATE_CODES, "codes without a definition", [c.name for c in codes if not c.definition])
        add(Phase.GENERATE_CODES, "codes never applied", [c.name for c in codes if c.id not in used_codes])
        if codes and not themes:
            add(Phase.SEARCH_THEMES, "no candidate themes yet", ["(none)"])
        add(Phase.SEARCH_THEMES, "codes in no theme", [c.name for c in codes if c.id in used_codes and c.id not in in_theme])
        add(Phase.REVIEW_THEMES, "themes not reviewed yet", [t.name for t in themes if t.status is ThemeStatus.CANDIDATE])
        warnings = self.theme_warnings() if themes else None
        if warnings:
            add(Phase.REVIEW_THEMES, "themes supported by fewer than 2 participants", [n for n, _ in warnings.thin_themes])
            add(Phase.REVIEW_THEMES, "codes serving several themes", [n for n, _ in warnings.codes_in_several_themes])
        add(Phase.DEFINE_THEMES, "themes without a definition", [t.name for t in themes if not t.definition])
        add(Phase.DEFINE_THEMES, "themes without a central organising concept", [t.name for t in themes if not t.concept])
        add(Phase.REPORT, "themes without a written narrative", [t.name for t in themes if not t.narrative])
        add(Phase.REPORT, "themes not marked final", [t.name for t in themes if t.status is not ThemeStatus.FINAL])
        return checks


def _label(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sort_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), "")
    except ValueError:
        return (1, 0.0, label.casefold())


__all__ = ["AnalysisMixin", "ThemeReview", "ThemeWarnings", "PhaseCheck", "ANALYSIS_CODER"]
