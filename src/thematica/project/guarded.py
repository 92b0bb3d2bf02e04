"""Every output leaves through the disclosure check.

Reports, REFI-QDA files, JSON Lines folders and tables are written to a
temporary place, checked for real identifiers (and, where participants'
attributes are shown, for groups smaller than k), and only then moved to
where they were asked for. A blocked output leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from pathlib import Path
from typing import Any, Literal, Sequence

from ..analysis.tables import Table
from ..errors import InvalidInput, OutputBlocked
from ..interop import tables
from ..report.data import AttributeSummary
from .disclosure import DisclosureMixin
from .reporting import _check_report_formats, _report_folder


class GuardedOutputsMixin(DisclosureMixin):
    """Outputs with the identifier and small-group checks built in."""

    # the report and tables see attributes as the reporting rules coarsen them
    def _reportable_attributes(self) -> list[dict[str, Any]]:
        return list(self.reported_attributes().values())

    def _omitted_attributes(self) -> set[str]:
        return {name for name, rule in self.reporting_rules().items() if rule.kind == "omit"}

    def write_report(
        self,
        out_dir: Path | str,
        *,
        formats: Sequence[str] = ("docx", "html", "md"),
        coder: str | None = None,
        stem: str = "report",
        allow_identifiers: bool = False,
        allow_small_groups: bool = False,
    ) -> list[Path]:
        """Write the findings report (see ``ReportingMixin``), after the identifier and small-group checks."""
        _check_report_formats(formats)
        if not allow_small_groups:
            self._require_small_cells_reported(self._participant_summaries(), "the report")
        out = _report_folder(out_dir, formats)
        staging = out.parent / f".{out.name}.{uuid.uuid4().hex[:8]}.checking"
        try:
            written = super().write_report(staging, formats=formats, coder=coder, stem=stem)
            self._release(staging, out, "the report", allow_identifiers)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return [out / p.relative_to(staging) for p in written]

    def _release(self, staging: Path, out: Path, what: str, allow_identifiers: bool) -> None:
        """Check everything in ``staging`` and move it into ``out``."""
        moved = out / f".{uuid.uuid4().hex[:8]}.checked"
        with self._checked_output(moved, what, allow_identifiers=allow_identifiers) as tmp:
            staging.rename(tmp)
        try:
            for item in moved.iterdir():
                target = out / item.name
                if target.is_dir():
                    shutil.rmtree(target)
                item.replace(target)
        finally:
            shutil.rmtree(moved, ignore_errors=True)

    def _require_small_cells_reported(self, summaries: Sequence[AttributeSummary], what: str) -> None:
        k = self.disclosure_k
        small = [f"{s.name}={value} ({n})" for s in summaries for value, n in s.counts if n < k]
        if not small:
            return
        advice = []
        for s in summaries:
            if any(n < k for _, n in s.counts):
                report = self.disclosure_check([s.name])
                advice += [f"suggestion: {g.description}" for g in report.suggestions[:1]]
        raise OutputBlocked(
            f"{what} not written: {len(small)} participant group(s) smaller than k={k} ({small[0]}); "
            "set a reporting rule (thematica deid disclosure) or override",
            small + advice,
        )

    def export_qdpx(self, path: Path | str, *, offsets: Literal["codepoints", "utf16"] = "codepoints",
                    allow_identifiers: bool = False) -> Path:
        """Write the project as a REFI-QDA ``.qdpx`` after the identifier check; returns its path."""
        with self._checked_output(Path(path), "the REFI-QDA export", allow_identifiers=allow_identifiers) as tmp:
            super().export_qdpx(tmp, offsets=offsets)
        return Path(path)

    def export_qdc(self, path: Path | str, *, allow_identifiers: bool = False) -> Path:
        """Write the codebook as a REFI-QDA ``.qdc`` after the identifier check; returns its path."""
        with self._checked_output(Path(path), "the REFI-QDA codebook", allow_identifiers=allow_identifiers) as tmp:
            super().export_qdc(tmp)
        return Path(path)

    def export_folder(self, path: Path | str, *, allow_identifiers: bool = False) -> Path:
        """Write the JSON Lines folder after the identifier check; returns its path."""
        target = Path(path)
        if target.exists() and not target.is_dir():
            raise InvalidInput(f"{target} is a file: a folder export needs a folder")
        with self._checked_output(target, "the folder export", allow_identifiers=allow_identifiers) as tmp:
            if target.is_dir():  # export over a copy, so the writer's own rules (only over an export) still hold
                shutil.copytree(target, tmp, symlinks=True)
            super().export_folder(tmp)
        return target

    def exchange_table(self, kind: str, *, coder: str | None = None) -> Table:
        """The table ``kind``; participants' attributes in it follow the reporting rules."""
        table = super().exchange_table(kind, coder=coder)
        if kind != "segments" or not self.reporting_rules():
            return table
        return self._coarsened_segments(table)

    def _coarsened_segments(self, table: Table) -> Table:
        reported = self.reported_attributes()
        names = [a.name for a in self.attributes()]
        shown = {tables.column_name(a): a for a in names}
        keep = [i for i, c in enumerate(table.columns) if c not in shown or shown[c] not in self._omitted_attributes()]
        person = table.columns.index("participant")
        rows = []
        for row in table.rows:
            values = reported.get(row[person], {})
            rows.append(tuple(values.get(shown[c]) if c in shown else row[i] for i, c in enumerate(table.columns) if i in keep))
        return dataclasses.replace(table, columns=tuple(table.columns[i] for i in keep), rows=tuple(rows))

    def export_table(self, kind: str, path: Path | str, *, coder: str | None = None,
                     allow_identifiers: bool = False) -> Path:
        """Write a table (see ``ExportsMixin``) after the identifier check.

        The segments table is row-level working data (like a REFI-QDA export):
        its attributes follow the reporting rules, but it is not refused for
        small groups; aggregate outputs (the report, matrices by attribute) are.
        """
        path = Path(path)
        with self._checked_output(path, f"the {kind} table", allow_identifiers=allow_identifiers) as tmp:
            super().export_table(kind, tmp.with_suffix(path.suffix) if tmp.suffix != path.suffix else tmp, coder=coder)
        return path

    def write_table(self, table: Table, path: Path | str, *, allow_identifiers: bool = False,
                    allow_small_groups: bool = False) -> Path:
        """Write a query table (matrix, co-occurrence ...) as CSV/XLSX after the disclosure checks."""
        path = Path(path)
        if table.groups and not allow_small_groups:
            k = self.disclosure_k
            small = [f"{label} ({n})" for label, n in table.groups if n < k]
            if small:
                raise OutputBlocked(
                    f"{table.title} not written: {len(small)} column group(s) smaller than k={k} ({small[0]}); "
                    "set a reporting rule for the attribute (thematica deid disclosure) or override", small)
        if path.suffix.lower() not in (".csv", ".xlsx"):
            raise InvalidInput(f"a table is written as .csv or .xlsx, not {path.name!r}")
        with self._checked_output(path, table.title, allow_identifiers=allow_identifiers) as tmp:
            table.write(tmp)
        return path
