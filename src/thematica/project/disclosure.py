"""Disclosure control: the re-identification key, checking outputs, and small groups.

Every report and export is written to a temporary place, its text is
extracted and checked for any real identifier in the register (or, once the
key was removed, any term whose keyed fingerprint is on record); a hit blocks
the output and lists where, unless the researcher overrides it explicitly
(which is audited). Participants' attributes leave the project only after a
check that no reported group is smaller than k (default 3).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from ..deid import disclosure as small_groups
from ..deid import keyfile, outputs
from ..deid.matcher import TermMatcher
from ..deid.pseudonyms import cleaner
from ..deid.rules import ReportingRule, coarsen, rules_from_json, rules_to_json
from ..errors import InvalidInput, KeyFileError, OutputBlocked
from ..model import Identifier
from ..store import deid as store
from ..store.convert import now
from .core import new_guid
from .deid import DeidMixin

KEY_FORMAT = "thematica-register/1"
DEFAULT_K = 3
_WORD = re.compile(r"\w+(?:['’\-]\w+)*")
_MAX_FINDINGS = 20


@dataclass(frozen=True)
class OutputCheck:
    """The result of checking outputs: identifier hits (as readable lines) and files that could not be read."""

    findings: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no identifier was found."""
        return not self.findings


class DisclosureMixin(DeidMixin):
    """The key, the output check and the small-group check (see the module docstring)."""

    # -- the re-identification key ---------------------------------------------------------
    def export_key(self, path: Path | str, passphrase: str, *, overwrite: bool = False) -> int:
        """Write the register's real values to a file encrypted with ``passphrase``; returns how many entries."""
        register = self.identifiers()
        if not register:
            raise InvalidInput("the register is empty: there is no key to export")
        if any(e.value is None for e in register):
            raise InvalidInput("the key was removed from this project: export it from the key file you kept")
        payload = {
            "format": KEY_FORMAT,
            "identifiers": [
                {"guid": e.guid, "category": e.category, "value": e.value, "variants": list(e.variants),
                 "replacement": e.replacement} for e in register
            ],
        }
        keyfile.write_key_file(Path(path), payload, passphrase, project_guid=self._project_guid(), overwrite=overwrite)
        with self._change("deid.key.export", f"exported the re-identification key ({len(register)} entries)") as ch:
            ch.writer.set_meta("deid.key_digest", _register_digest(register))
        return len(register)

    def import_key(self, path: Path | str, passphrase: str) -> int:
        """Put the real values of a key file back into the register (re-identification); returns how many."""
        payload, header = keyfile.read_key_file(Path(path), passphrase)
        if payload.get("format") != KEY_FORMAT:
            raise KeyFileError(f"{Path(path).name} is not a thematica register key")
        if header.project_guid != self._project_guid():
            raise KeyFileError(f"{Path(path).name} is the key of another project")
        entries = payload.get("identifiers", [])
        with self._change("deid.key.import", f"re-imported the re-identification key ({len(entries)} entries)") as ch:
            w = ch.writer
            by_guid = {e.guid: e for e in store.identifiers(w.conn)}
            for item in entries:
                values = {"value": item["value"], "variants": json.dumps(item.get("variants", []), ensure_ascii=False)}
                if item["guid"] in by_guid:
                    w.update("identifier", by_guid[item["guid"]].id, values)
                else:
                    w.insert("identifier", {**values, "guid": item["guid"], "category": item["category"],
                                            "replacement": item["replacement"], "created_at": now()})
        return len(entries)

    def remove_key(self, *, force: bool = False) -> int:
        """Remove the register's real values from the project (cannot be undone; export the key first).

        Keyed fingerprints of every term stay, so outputs are still checked.
        The audit trail's quotes of real values are cleaned and the file is
        vacuumed. Returns how many entries lost their real values.
        """
        register = [e for e in self.identifiers() if e.value is not None]
        if not register:
            raise InvalidInput("there is no key in this project to remove")
        settings = self.settings()
        if not force and settings.get("deid.key_digest") != _register_digest(self.identifiers()):
            raise InvalidInput("export the key first (the register changed since the last export, or was never exported)")
        with self._change("deid.key.remove", f"removed the re-identification key ({len(register)} entries)") as ch:
            w = ch.writer
            secret = self._fingerprint_secret(w)
            digests = {_fingerprint(secret, t) for e in register for t in e.terms}
            known = store.fingerprints(w.conn)
            w.insert_many("deid_fingerprint", [{"digest": d} for d in sorted(digests - known)])
            longest = max((len(_WORD.findall(t)) for e in register for t in e.terms), default=1)
            w.set_meta("deid.fingerprint_words", str(max(longest, int(settings.get("deid.fingerprint_words", "1")))))
            for e in register:
                store.overwrite(w, "identifier", e.id, {"value": None, "variants": "[]"})
            store.erase(w, "deid_candidate")
            store.scrub_history(w, cleaner(register))
            w.changes.clear()
        self._store.compact()
        return len(register)

    def _project_guid(self) -> str:
        guid = self.settings().get("guid")
        if guid:
            return guid
        with self._change("setting.set", "gave the project a GUID") as ch:
            guid = new_guid()
            ch.writer.set_meta("guid", guid)
        return guid

    @staticmethod
    def _fingerprint_secret(w: Any) -> bytes:
        secret = w.meta().get("deid.secret")
        if not secret:
            secret = secrets.token_hex(32)
            w.set_meta("deid.secret", secret)
        return bytes.fromhex(secret)

    # -- checking outputs ------------------------------------------------------------------
    def identifier_finder(self) -> Callable[[str], Iterable[tuple[int, int, object]]] | None:
        """A function finding register identifiers in a text, or None when there is nothing to look for."""
        with self._read() as r:
            register = store.identifiers(r.conn)
            digests = store.fingerprints(r.conn)
            meta = r.meta()
        matcher = TermMatcher((t, e) for e in register for t in e.terms) if any(e.terms for e in register) else None
        if matcher is None and not digests:
            return None
        secret = bytes.fromhex(meta["deid.secret"]) if digests else b""
        longest = int(meta.get("deid.fingerprint_words", "1"))

        def find(text: str) -> Iterator[tuple[int, int, object]]:
            if matcher is not None:
                for m in matcher.finditer(text):
                    yield m.start, m.end, m.key
            if digests:
                yield from _fingerprint_hits(text, secret, digests, longest)

        return find

    def check_outputs(self, paths: Sequence[Path | str], *, names: dict[str, str] | None = None) -> OutputCheck:
        """Look for real identifiers in written outputs (files or folders); nothing is changed."""
        find = self.identifier_finder()
        chunks, unchecked = outputs.extract_all([Path(p) for p in paths])
        if find is None:
            return OutputCheck([], unchecked)
        findings = []
        for hit in outputs.scan_chunks(chunks, find):
            what = hit.key.replacement if isinstance(hit.key, Identifier) else "a removed identifier"
            where = hit.location
            for tmp, real in (names or {}).items():
                where = where.replace(tmp, real)
            findings.append(f"{where}: identifier of {what} in “{hit.context}”")
        return OutputCheck(findings, unchecked)

    def check_text(self, text: str, location: str = "text") -> list[str]:
        """Real identifiers in a piece of text (a narrative, a quote list), as readable findings."""
        find = self.identifier_finder()
        if find is None:
            return []
        hits = outputs.scan_chunks([outputs.Chunk(location, text)], find)
        return [f"{h.location}: “{h.context}”" for h in hits]

    def check_notes(self) -> list[str]:
        """Real identifiers in the project's own writing: memos, journal, narratives, definitions, segment memos."""
        find = self.identifier_finder()
        if find is None:
            return []
        chunks = [outputs.Chunk(f"memo #{m.id} ({m.target.value})", m.text) for m in self.memos()]
        for t in self.themes():
            chunks += [outputs.Chunk(f"theme {t.name!r}: {part}", getattr(t, part))
                       for part in ("name", "definition", "concept", "narrative") if getattr(t, part)]
        for c in self.codes():
            chunks += [outputs.Chunk(f"code {c.name!r}: {part}", getattr(c, part))
                       for part in ("name", "definition", "inclusion", "exclusion", "example") if getattr(c, part)]
        chunks += [outputs.Chunk(f"segment #{s.id} memo", s.memo) for s in self.segments() if s.memo]
        return [f"{h.location}: “{h.context}”" for h in outputs.scan_chunks(chunks, find)]

    @contextmanager
    def _checked_output(self, target: Path, what: str, *, allow_identifiers: bool = False) -> Iterator[Path]:
        """Yield a temporary path to write ``target`` to; it is moved into place only if the check passes."""
        target = Path(target)
        if not target.parent.is_dir():
            raise InvalidInput(f"cannot write {target}: there is no folder {target.parent}")
        tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.checking{target.suffix}")
        try:
            yield tmp
            if not tmp.exists():
                return
            result = self.check_outputs([tmp], names={tmp.name: target.name})
            if result.findings:
                if not allow_identifiers:
                    shown = result.findings[:_MAX_FINDINGS]
                    more = len(result.findings) - len(shown)
                    raise OutputBlocked(
                        f"{what} not written: {len(result.findings)} real identifier(s) found"
                        + (f" (first: {shown[0]})" if shown else ""),
                        shown + ([f"... and {more} more"] if more else []),
                    )
                with self._change("deid.override", f"wrote {target.name} with {len(result.findings)} identifier(s), "
                                  "overriding the output check") as ch:
                    ch.details = {"output": str(target), "findings": len(result.findings)}
            _replace(tmp, target)
        finally:
            if tmp.is_dir():
                shutil.rmtree(tmp, ignore_errors=True)
            elif tmp.exists():
                tmp.unlink()

    # -- small groups ------------------------------------------------------------------------
    @property
    def disclosure_k(self) -> int:
        """The smallest group of participants an output may describe (default 3)."""
        return int(self.settings().get("deid.k", str(DEFAULT_K)))

    def set_disclosure_k(self, k: int) -> int:
        """Set k for the small-group check."""
        if k < 1:
            raise InvalidInput("k must be at least 1")
        with self._change("deid.k", f"set the smallest reportable group to {k}") as ch:
            ch.writer.set_meta("deid.k", str(int(k)))
        return k

    def reporting_rules(self) -> dict[str, ReportingRule]:
        """How each attribute is coarsened before it leaves the project."""
        return rules_from_json(self.settings().get("deid.rules"))

    def set_reporting_rule(self, attribute: str, kind: str | None, width: float | None = None) -> None:
        """Report ``attribute`` in bands, with rare values merged, or not at all (``kind=None`` clears it)."""
        if attribute not in {a.name for a in self.attributes()}:
            raise InvalidInput(f"no attribute {attribute!r}")
        rules = self.reporting_rules()
        if kind is None:
            rules.pop(attribute, None)
        else:
            rules[attribute] = ReportingRule(attribute, kind, width)
        with self._change("deid.rule", f"reporting rule for {attribute}: {kind or 'none'}") as ch:
            ch.writer.set_meta("deid.rules", rules_to_json(rules))

    def reported_attributes(self) -> dict[str, dict[str, Any]]:
        """Participant key -> attributes as they may be reported (reporting rules applied)."""
        people = self.participants()
        rows = coarsen([dict(p.attributes) for p in people], self.reporting_rules(), self.disclosure_k)
        return {p.key: row for p, row in zip(people, rows, strict=True)}

    def disclosure_check(self, columns: Sequence[str] | None = None, *, k: int | None = None) -> small_groups.DisclosureReport:
        """Would reporting these attributes together (default: all reported ones) describe fewer than k people?"""
        reported = list(self.reported_attributes().values())
        omitted = self._omitted_attributes()
        every = [a.name for a in self.attributes()]
        wanted = list(columns) if columns is not None else [n for n in every if n not in omitted]
        unknown = [c for c in wanted if c not in every]
        if unknown:
            raise InvalidInput(f"no attribute {unknown[0]!r}")
        shown = [c for c in wanted if c not in omitted]
        rows = [{c: row.get(c) for c in shown} for row in reported]
        return small_groups.check_groups(rows, shown, k or self.disclosure_k)


def _register_digest(register: Sequence[Identifier]) -> str:
    data = json.dumps(sorted([e.guid, e.value, list(e.variants), e.replacement] for e in register), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _normal(term: str) -> str:
    return " ".join(w.casefold() for w in _WORD.findall(term))


def _fingerprint(secret: bytes, term: str) -> str:
    return hmac.new(secret, _normal(term).encode("utf-8"), hashlib.sha256).hexdigest()


def _fingerprint_hits(text: str, secret: bytes, digests: set[str], longest: int) -> Iterator[tuple[int, int, object]]:
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(m.group().casefold() for m in words[i : i + n])
            if hmac.new(secret, phrase.encode("utf-8"), hashlib.sha256).hexdigest() in digests:
                yield words[i].start(), words[i + n - 1].end(), None
                i += n - 1
                break
        i += 1


def _replace(tmp: Path, target: Path) -> None:
    if tmp.is_dir() and target.exists():
        if not target.is_dir():
            raise InvalidInput(f"{target} exists and is not a folder")
        shutil.rmtree(target)
    os.replace(tmp, target)
