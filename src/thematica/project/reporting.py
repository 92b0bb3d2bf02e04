"""Gathering a findings report: study facts, aggregated participants, themes with quotes, codebook, COREQ."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path
from typing import AbstractSet, Sequence

from ..errors import InvalidInput
from ..model import AttributeType, CodeOrigin, Extract, Role, Theme, Turn
from ..report import coreq
from ..report.data import (
    AttributeSummary,
    CodebookEntry,
    CoderInfo,
    Figure,
    Quote,
    ReportInput,
    StudyFacts,
    ThemeSection,
)
from ..store import SegmentFact
from ..text import words
from ..version import __version__
from .codebook import tree_order
from .reliability import Comparison, ReliabilityMixin

#: Settings keys under which the researcher's COREQ answers are stored ("coreq.21").
COREQ_PREFIX = "coreq."
#: The setting naming the unit of analysis the report's agreement figures use.
AGREEMENT_UNIT = "agreement_unit"
#: Quotes per theme a report gives, when the researcher chose fewer key extracts.
QUOTES_PER_THEME = 3


class ReportingMixin(ReliabilityMixin):
    """Everything the report needs, as plain values (see ``thematica.report.data``)."""

    def report_input(self, *, coder: str | None = None, figures_dir: Path | None = None) -> ReportInput:
        """Gather the report's content; with ``figures_dir``, draw its figures there too."""
        report = self._memoised(("report_input", coder), lambda: self._report_input(coder))
        if figures_dir is None:
            return report
        return _with_figures(report, self._figures(report, figures_dir, coder))

    def _report_input(self, coder: str | None) -> ReportInput:
        settings = self.settings()
        facts = self.segment_facts(coder)
        themes = self.themes()
        comparison = self._report_comparison()
        sections = tuple(self._section(t, themes, facts, coder, 0) for t in themes if t.parent_id is None)
        report = ReportInput(
            title=settings.get("name", self.path.stem),
            research_question=settings.get("research_question", ""),
            software=f"thematica {__version__}",
            generated_at=dt.datetime.now(dt.timezone.utc),
            facts=replace(self._study_facts(facts, themes, coder), agreement=(comparison.sentence(),) if comparison else (),
                          assistance=self._assistance_sentences(facts)),
            participants=self._participant_summaries(),
            themes=sections,
            codebook=self._codebook_entries(facts, themes),
            coreq_answers={int(k[len(COREQ_PREFIX):]): v for k, v in settings.items()
                           if k.startswith(COREQ_PREFIX) and k[len(COREQ_PREFIX):].isdigit()},
            settings=settings,
            tables=(self.coverage(coder=coder), *([comparison.table()] if comparison else [])),
        )
        return report

    def _assistance_sentences(self, facts: Sequence[SegmentFact]) -> tuple[str, ...]:
        """What the method section says about the local assistant, when it proposed any reported coding."""
        counted = {f.id for f in facts}
        proposed = [json.loads(s.provenance) for s in self.segments() if s.provenance and s.id in counted]
        accepted = [p for p in proposed if p.get("accepted_by")]
        if not proposed:
            return ()
        first = proposed[0]
        model = first.get("model", {}) if isinstance(first.get("model"), dict) else {}
        methods = sorted({str(p.get("method", "?")) for p in proposed})
        return (
            f"{len(accepted)} of the {len(counted)} reported codings were first proposed by thematica's local assistant "
            f"({model.get('model', 'a local model')}, sha256 {str(model.get('model_sha256', ''))[:12]}, run on the "
            f"researcher's computer; method {', '.join(methods)}) and accepted by the researcher; every such coding "
            "keeps its provenance in the project and in its REFI-QDA export.",
        )

    def _report_comparison(self) -> Comparison | None:
        """The coders' agreement for the method section, when two or more people coded shared sources."""
        try:
            return self.compare(unit=self.settings().get(AGREEMENT_UNIT, "sentence"))
        except InvalidInput:  # fewer than two coders, nothing shared, or a blind coder asking
            return None

    def _study_facts(self, facts: Sequence[SegmentFact], themes: Sequence[Theme], coder: str | None) -> StudyFacts:
        sources = self.sources()
        codes = self.codes()
        per_coder: dict[int, list[SegmentFact]] = defaultdict(list)
        with self._read() as r:
            for f in r.segment_facts():
                per_coder[f.coder_id].append(f)
            turns = r.turns()
            texts_words = sum(len(words(t)) for t in r.source_texts().values())
        durations = _durations(turns)
        saturation = self.saturation(coder=coder)
        depth = max((self.code_path(c.id).count("/") + 1 for c in codes), default=0)
        return StudyFacts(
            sources=len(sources),
            participants=len({s.participant_id for s in sources if s.participant_id} | {t.participant_id for t in turns if t.participant_id}),
            source_kinds=tuple(sorted(Counter(s.kind for s in sources).items())),
            words=texts_words,
            coders=tuple(
                CoderInfo(c.name, c.role, len(per_coder[c.id]), len({f.source_id for f in per_coder[c.id]}))
                for c in self.coders() if per_coder[c.id]
            ),
            codes=len(codes),
            codes_by_origin=tuple((o.value, sum(1 for c in codes if c.origin is o)) for o in CodeOrigin),
            code_depth=depth,
            themes=sum(1 for t in themes if t.parent_id is None),
            subthemes=sum(1 for t in themes if t.parent_id is not None),
            durations_minutes=tuple(durations),
            timed_sources=len(durations),
            new_codes_per_source=tuple((row[0], row[1]) for row in saturation.rows),
            memos=self.summary().memos,
            journal_entries=len(self.journal()),
            phase=int(self.phase),
        )

    def _participant_summaries(self) -> tuple[AttributeSummary, ...]:
        people = self._reportable_attributes()
        omitted = self._omitted_attributes()
        summaries = []
        for attribute in self.attributes():
            values = [p[attribute.name] for p in people if p.get(attribute.name) is not None]
            if attribute.name in omitted:
                continue
            missing = len(people) - len(values)
            if attribute.type is AttributeType.NUMBER and values and all(isinstance(v, (int, float)) for v in values):
                numbers = [float(v) for v in values]  # type: ignore[arg-type]
                summaries.append(AttributeSummary(
                    attribute.name, "number", min(numbers), max(numbers), statistics.median(numbers), missing=missing,
                ))
            else:
                shown = [v.isoformat() if isinstance(v, dt.date) else str(v) for v in values]
                counts = tuple(sorted(Counter(shown).items(), key=lambda kv: (-kv[1], kv[0])))
                kind = "category" if attribute.type is AttributeType.NUMBER else attribute.type.value
                summaries.append(AttributeSummary(attribute.name, kind, counts=counts, missing=missing))
        return tuple(summaries)

    def _section(
        self, theme: Theme, themes: Sequence[Theme], facts: Sequence[SegmentFact], coder: str | None, level: int
    ) -> ThemeSection:
        review = self.theme_review(theme.id, coder=coder, context=0)
        codes = {c.id: c.name for c in self.codes()}
        names = [n.name for n in self.theme_names(theme.id)]
        children = tuple(
            self._section(t, themes, facts, coder, level + 1) for t in themes if t.parent_id == theme.id
        )
        return ThemeSection(
            id=theme.id,
            name=theme.name,
            level=level,
            definition=theme.definition,
            concept=theme.concept,
            narrative=theme.narrative,
            status=theme.status.value,
            participants=len(review.participants),
            participants_total=review.participants_total,
            sources=review.sources,
            segments=review.segments,
            codes=tuple(codes[c] for c in theme.code_ids if c in codes),
            quotes=self._quotes(theme, review.extracts),
            children=children,
            former_names=tuple(dict.fromkeys(n for n in names if n != theme.name)),
        )

    def _quotes(self, theme: Theme, extracts: Sequence[Extract]) -> tuple[Quote, ...]:
        """The researcher's key extracts, then representative ones from the theme's own codes."""
        by_id = {x.segment.id: x for x in extracts}
        chosen = []
        for segment_id in theme.quote_ids:
            x = by_id.get(segment_id) or next(iter(self.extracts_by_segment([segment_id])), None)
            if x is not None:
                chosen.append(_quote(x, True))
        own = [x for x in extracts if x.segment.code_id in theme.code_ids and x.role is not Role.INTERVIEWER]
        picked = {q.segment_id for q in chosen}
        for x in representative(own, QUOTES_PER_THEME - len(chosen), avoid={q.participant for q in chosen}):
            if x.segment.id not in picked:
                chosen.append(_quote(x, False))
        return tuple(chosen)

    def extracts_by_segment(self, segment_ids: Sequence[int]) -> list[Extract]:
        """Extracts for particular segments (any code), without context."""
        wanted = set(segment_ids)
        with self._read() as r:
            rows = [row for row in r.segment_rows() if row.segment.id in wanted]
        return [Extract(row.segment, row.code, row.coder, row.source, row.participant, row.speaker,
                        Role(row.role) if row.role else None, "", "") for row in rows]

    def _codebook_entries(self, facts: Sequence[SegmentFact], themes: Sequence[Theme]) -> tuple[CodebookEntry, ...]:
        homes: dict[int, list[str]] = defaultdict(list)
        for t in themes:
            for c in t.code_ids:
                homes[c].append(t.name)
        segments = Counter(f.code_id for f in facts)
        people: dict[int, set[int]] = defaultdict(set)
        for f in facts:
            if f.participant_id is not None:
                people[f.code_id].add(f.participant_id)
        entries = []
        for code in tree_order(self.codes()):
            path = self.code_path(code.id)
            entries.append(CodebookEntry(
                name=code.name, path=path, depth=path.count("/"), origin=code.origin.value,
                definition=code.definition, inclusion=code.inclusion, exclusion=code.exclusion, example=code.example,
                segments=segments[code.id], participants=len(people[code.id]), themes=tuple(homes[code.id]),
            ))
        return tuple(entries)

    def _figures(self, report: ReportInput, out: Path, coder: str | None) -> tuple[Figure, ...]:
        from ..report import figures

        out.mkdir(parents=True, exist_ok=True)
        made = [figures.thematic_map(report.themes, out / "thematic-map.png")]
        counts = sorted(((e.name, e.segments) for e in report.codebook if e.segments), key=lambda kv: -kv[1])
        made.append(figures.code_frequencies(counts, out / "code-frequencies.png"))
        made.append(figures.saturation_curve(self.saturation(coder=coder), out / "saturation.png"))
        if report.themes:
            matrix = self.matrix("themes", "participants", coder=coder)
            made.append(figures.heatmap(matrix, out / "themes-by-participant.png", title="Segments per theme and participant"))
        return tuple(made)

    def set_coreq_answer(self, item: str | int, answer: str) -> int:
        """Store the researcher's answer to a COREQ item (number or topic, e.g. 21 or "duration")."""
        number = coreq.item_number(item)
        if not answer.strip():
            raise InvalidInput("give an answer (the item stays 'to be completed' until you do)")
        with self._change("coreq.set", f"answered COREQ item {number}", item=number) as ch:
            ch.writer.set_meta(f"{COREQ_PREFIX}{number}", answer.strip())
        return number

    def coreq(self, *, coder: str | None = None) -> list[coreq.CoreqAnswer]:
        """The 32 COREQ items, each answered from the project, from the researcher, or still missing."""
        return coreq.answer_items(self.report_input(coder=coder))

    def write_report(
        self,
        out_dir: Path | str,
        *,
        formats: Sequence[str] = ("docx", "html", "md"),
        coder: str | None = None,
        stem: str = "report",
    ) -> list[Path]:
        """Write the findings report (DOCX, HTML, Markdown) with its figures into ``out_dir``."""
        from ..report import write_report

        out = _report_folder(out_dir, formats)
        report = self.report_input(coder=coder, figures_dir=out / f"{stem}-figures")
        return write_report(report, out, formats=tuple(formats), stem=stem)

    def draw_thematic_map(self, out: Path) -> Figure:
        """Draw the thematic map (themes, subthemes, codes) to a PNG, with an SVG beside it."""
        from ..report import figures

        themes = self.report_input().themes
        out.parent.mkdir(parents=True, exist_ok=True)
        return figures.thematic_map(themes, out)


def _check_report_formats(formats: Sequence[str]) -> None:
    unknown = sorted(set(formats) - {"docx", "html", "md"})
    if unknown or not formats:
        raise InvalidInput(f"report formats are docx, html and md, not {', '.join(unknown) or 'none'}")


def _report_folder(out_dir: Path | str, formats: Sequence[str]) -> Path:
    """The report's folder, made if missing, once the formats are known to be docx, html or md."""
    _check_report_formats(formats)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot write to {out}: {exc.strerror}") from exc
    return out


def representative(extracts: Sequence[Extract], n: int, avoid: AbstractSet[str | None] = frozenset()) -> list[Extract]:
    """Up to ``n`` extracts that read well as quotes: 12-60 words, from as many participants as possible.

    Deterministic: by closeness to 30 words, then text order; one per participant
    before any participant is quoted twice, participants in ``avoid`` last.
    """
    if n <= 0:
        return []
    scored = sorted(extracts, key=lambda x: (abs(len(x.segment.text.split()) - 30), x.source, x.segment.start))
    fitting = [x for x in scored if 12 <= len(x.segment.text.split()) <= 60] or scored
    picked: list[Extract] = []
    used = set(avoid)
    for pass_avoid in (True, False):
        for x in fitting:
            if len(picked) == n:
                return picked
            if x in picked or (pass_avoid and x.participant in used):
                continue
            picked.append(x)
            used.add(x.participant)
    return picked


def _quote(x: Extract, chosen: bool) -> Quote:
    return Quote(x.segment.text, x.participant, x.source, x.segment.id, x.segment.start, x.segment.end, chosen)


def _durations(turns: Sequence[Turn]) -> list[float]:
    spans: dict[int, list[float]] = defaultdict(list)
    for t in turns:
        if t.begin is not None:
            spans[t.source_id].append(t.begin)
        if t.end_time is not None:
            spans[t.source_id].append(t.end_time)
    return sorted(round((max(v) - min(v)) / 60, 1) for v in spans.values() if len(v) > 1)


def _with_figures(report: ReportInput, figures: tuple[Figure, ...]) -> ReportInput:
    return replace(report, figures=figures)
