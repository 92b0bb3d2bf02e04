"""The heart of Project: opening, the change context, phase, coders, audit and undo."""

from __future__ import annotations

import getpass
import os
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Hashable, Iterator, Sequence, TypeVar

from ..errors import Conflict, InvalidInput, NotFound, NothingToUndo
from ..model import AuditEvent, Coder, Phase
from ..store import Reader, Store, Writer
from ..store.convert import now

T = TypeVar("T")
#: Operations that ``undo`` stops at: reverting them would need the real identifiers they removed.
IRREVERSIBLE = frozenset({"deid.apply", "deid.key.remove"})

#: The project-file suffix; `thematica` finds a project by it.
SUFFIX = ".thematica"


def default_actor() -> str:
    """Who is making changes: $THEMATICA_USER, else the login name."""
    name = os.environ.get("THEMATICA_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers)
        return "researcher"


def new_guid() -> str:
    """A fresh GUID for an object that may travel to other tools (REFI-QDA)."""
    return str(uuid.uuid4())


@dataclass
class Change:
    """What a change context hands its body: the writer, and the event text to fill in."""

    writer: Writer
    summary: str
    details: dict[str, Any] = field(default_factory=dict)


class ProjectCore:
    """Opening, transactions with audit events, phase, coders, log and undo."""

    def __init__(self, store: Store, actor: str | None = None) -> None:
        self._store = store
        self.actor = actor or default_actor()
        self._memos_by_epoch: dict[Hashable, tuple[int | None, Any]] = {}

    # -- lifecycle -------------------------------------------------------------
    @property
    def path(self) -> Path:
        """The project file."""
        return self._store.path

    @property
    def backup_path(self) -> Path | None:
        """The copy made before this file was upgraded on open, if it was."""
        return self._store.backup

    def close(self) -> None:
        """Close the project file."""
        self._store.close()

    def __enter__(self) -> "ProjectCore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ------------------------------------------------------------
    @contextmanager
    def _change(self, operation: str, summary: str = "", **details: Any) -> Iterator[Change]:
        """One transaction and its audit event; nothing is written if the body raises."""
        with self._store.write() as writer:
            phase = Phase(int(writer.meta().get("phase", "1")))  # the phase the change was made in
            change = Change(writer, summary, dict(details))
            yield change
            writer.append_event(self.actor, phase, operation, change.summary, change.details)

    def _memoised(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, remembered until the project next changes (any committed change moves the epoch)."""
        with self._read() as r:
            epoch = r.epoch()
        found = self._memos_by_epoch.get(key)
        if found is not None and found[0] == epoch:
            return found[1]  # type: ignore[no-any-return]
        value = compute()
        if len(self._memos_by_epoch) > 32:
            self._memos_by_epoch.clear()
        self._memos_by_epoch[key] = (epoch, value)
        return value

    @contextmanager
    def _read(self) -> Iterator[Reader]:
        with self._store.read() as reader:
            yield reader

    # -- settings and phase ---------------------------------------------------------
    @property
    def name(self) -> str:
        """The project's name."""
        with self._read() as r:
            return r.meta().get("name", self.path.stem)

    @property
    def phase(self) -> Phase:
        """The Braun & Clarke phase the analysis is in."""
        with self._read() as r:
            return Phase(int(r.meta().get("phase", "1")))

    def set_phase(self, phase: Phase | int) -> Phase:
        """Move the analysis to another phase (audited)."""
        try:
            new = Phase(int(phase))
        except ValueError:
            raise InvalidInput(f"phase must be 1 to 6, not {phase}") from None
        with self._change("phase.set", f"moved to phase {int(new)}: {new.label}", phase=int(new)) as ch:
            ch.writer.set_meta("phase", str(int(new)))
        return new

    def settings(self) -> dict[str, str]:
        """Project settings (name, phase, research question, created ...)."""
        with self._read() as r:
            return r.meta()

    def set_setting(self, key: str, value: str) -> None:
        """Set a free-form project setting such as ``research_question``."""
        if key in ("phase", "format"):
            raise InvalidInput(f"{key!r} cannot be set directly")
        with self._change("setting.set", f"set {key}", key=key) as ch:
            ch.writer.set_meta(key, value)

    # -- coders ----------------------------------------------------------------------
    def coders(self) -> list[Coder]:
        """Everyone who codes in this project."""
        with self._read() as r:
            return r.coders()

    def add_coder(self, name: str, role: str = "") -> Coder:
        """Register a coder (a person, or later the assistant)."""
        name = name.strip()
        if not name:
            raise InvalidInput("a coder needs a name")
        with self._change("coder.add", f"added coder {name}") as ch:
            coder_id = self._insert_coder(ch.writer, name, role)
        return Coder(coder_id, name, role)

    def _insert_coder(self, w: Writer, name: str, role: str = "") -> int:
        if any(c.name.casefold() == name.casefold() for c in w.coders()):
            raise Conflict(f"there is already a coder named {name!r}")
        return w.insert("coder", {"guid": new_guid(), "name": name, "role": role, "created_at": now()})

    def _coder_id(self, w: Writer, name: str | None, create: bool = True) -> int:
        """The id of coder ``name`` (default: the actor), registering them on first use."""
        wanted = (name or self.actor).strip()
        for coder in w.coders():
            if coder.name.casefold() == wanted.casefold():
                return coder.id
        if not create:
            raise NotFound(f"no coder named {wanted!r}")
        return self._insert_coder(w, wanted)

    @property
    def blind(self) -> bool:
        """True when the person working is a blind coder: they see only their own segments."""
        me = self._me()
        return bool(me and me.blind)

    def _me(self) -> Coder | None:
        return next((c for c in self.coders() if c.name.casefold() == self.actor.casefold()), None)

    def visible_coders(self, requested: Sequence[int] | None) -> list[int] | None:
        """The coder ids a query may show: all asked for, or only the blind coder's own."""
        me = self._me()
        if me is None or not me.blind:
            return None if requested is None else list(requested)
        if requested is not None and set(requested) - {me.id}:
            raise InvalidInput(f"{me.name} codes blind: only their own segments can be shown")
        return [me.id]

    def _delete_segment(self, w: Writer, segment_id: int) -> None:
        """Delete a segment and, first, its uses as a key extract (so undo restores both)."""
        for link in w.segment_quote_links(segment_id):
            w.delete("theme_quote", link)
        w.delete("segment", segment_id)

    # -- audit trail and undo --------------------------------------------------------
    def log(self, limit: int | None = 50) -> list[AuditEvent]:
        """The audit trail, newest first."""
        with self._read() as r:
            return r.audit_events(limit)

    def undo(self) -> AuditEvent:
        """Revert the newest change not yet undone; returns the event it reverted.

        The revert is itself an audited change, so the trail keeps both.
        """
        with self._store.write() as w:
            event = w.last_undoable_event()
            if event is None:
                raise NothingToUndo("there is no change left to undo")
            if event.operation in IRREVERSIBLE:
                raise NothingToUndo(
                    f"change #{event.id} ({event.summary}) cannot be undone: it removed real identifiers "
                    "from the project; nothing before it can be undone either"
                )
            w.revert(event.id)
            phase = Phase(int(w.meta().get("phase", "1")))
            undo_id = w.append_event(
                self.actor, phase, "undo", f"undid #{event.id}: {event.summary}", {}, undo_of=event.id
            )
            w.mark_undone(event.id, undo_id)
        return event

    def check(self) -> list[str]:
        """Integrity problems in the project file (empty when all is well)."""
        with self._read() as r:
            problems = r.check_integrity()
            texts = r.source_texts()
            for seg in r.segments(include_deleted_codes=True):
                if texts.get(seg.source_id, "")[seg.start : seg.end] != seg.text:
                    problems.append(f"segment #{seg.id} no longer matches its source text")
        return problems
