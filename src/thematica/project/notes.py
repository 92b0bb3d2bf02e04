"""Memos on the project, sources, codes and segments; the reflexive journal; the summary."""

from __future__ import annotations

from collections import Counter

from ..errors import InvalidInput, NotFound
from ..model import Memo, MemoTarget, Phase, ProjectSummary
from ..store import Writer
from ..store.convert import now
from .coding import CodingMixin


class NotesMixin(CodingMixin):
    """Memos and journal entries, each stamped with the phase they were written in."""

    def add_memo(self, text: str, *, on: MemoTarget | str = MemoTarget.PROJECT, target: str | int | None = None) -> Memo:
        """Write a memo on the project, a source, a code or a segment (``target`` names which)."""
        kind = _target(on)
        if kind is MemoTarget.JOURNAL:
            return self.add_journal_entry(text)
        target_id = self._target_id(kind, target)
        with self._change("memo.add", f"memo on {kind.value}" + (f" #{target_id}" if target_id else "")) as ch:
            memo_id = self._insert_memo(ch.writer, kind, target_id, text)
        return self._memo(memo_id)

    def add_journal_entry(self, text: str) -> Memo:
        """Add a reflexive journal entry, stamped with the current phase."""
        with self._change("journal.add", "journal entry") as ch:
            memo_id = self._insert_memo(ch.writer, MemoTarget.JOURNAL, None, text)
        return self._memo(memo_id)

    def memos(self, on: MemoTarget | str | None = None, target: str | int | None = None) -> list[Memo]:
        """Memos, optionally only those on one kind of thing or one thing."""
        kind = None if on is None else _target(on)
        target_id = None if kind is None or target is None else self._target_id(kind, target)
        with self._read() as r:
            return r.memos(kind, target_id)

    def journal(self) -> list[Memo]:
        """The reflexive journal, oldest first."""
        return self.memos(MemoTarget.JOURNAL)

    def _insert_memo(self, w: Writer, kind: MemoTarget, target_id: int | None, text: str) -> int:
        if not text.strip():
            raise InvalidInput("a memo needs some text")
        phase = Phase(int(w.meta().get("phase", "1")))
        values = {"target": kind.value, "target_id": target_id, "text": text.strip(), "phase": int(phase)}
        return w.insert("memo", {**values, "author": self.actor, "created_at": now()})

    def _target_id(self, kind: MemoTarget, target: str | int | None) -> int | None:
        if kind is MemoTarget.PROJECT:
            return None
        if target is None:
            raise InvalidInput(f"say which {kind.value} the memo is on")
        if kind is MemoTarget.SOURCE:
            return self.source(target).id
        if kind is MemoTarget.CODE:
            return self.code_by(target).id
        if not str(target).strip().lstrip("#").isdigit():
            raise InvalidInput(f"a segment is named by its number, not {target!r}")
        with self._read() as r:
            seg = r.segment(int(str(target).strip().lstrip("#")))
        if seg is None:
            raise NotFound(f"no segment #{target}")
        return seg.id

    def _memo(self, memo_id: int) -> Memo:
        return next(m for m in self.memos() if m.id == memo_id)

    def summary(self, top: int = 10) -> ProjectSummary:
        """Where the project stands: counts, segments per coder, most-used codes."""
        with self._read() as r:
            meta = r.meta()
            codes = {c.id: c.name for c in r.codes()}
            coders = {c.id: c.name for c in r.coders()}
            per_coder: Counter[str] = Counter()
            per_code: Counter[str] = Counter()
            visible = self.visible_coders(None)
            for code_id, coder_id, n in r.segment_counts():
                if code_id in codes and (visible is None or coder_id in visible):
                    per_coder[coders[coder_id]] += n
                    per_code[codes[code_id]] += n
            return ProjectSummary(
                name=meta.get("name", self.path.stem),
                phase=Phase(int(meta.get("phase", "1"))),
                sources=r.count("source"),
                participants=r.count("participant"),
                turns=r.count("turn"),
                codes=len(codes),
                segments_by_coder=dict(sorted(per_coder.items())),
                top_codes=per_code.most_common(top),
                memos=r.count("memo") - r.count("memo", target=MemoTarget.JOURNAL.value),
                journal_entries=r.count("memo", target=MemoTarget.JOURNAL.value),
            )


def _target(on: MemoTarget | str) -> MemoTarget:
    try:
        return MemoTarget(on)
    except ValueError:
        raise InvalidInput(f"a memo goes on project, source, code, segment or journal, not {on!r}") from None
