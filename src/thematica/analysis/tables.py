"""Table: what every query returns, ready for the screen, CSV, XLSX or pandas."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported only when a DataFrame is asked for
    import pandas


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table: ``columns`` names, ``rows`` of values (first column usually the row label).

    ``notes`` explain how the numbers were counted (shown under the table).
    """

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    notes: tuple[str, ...] = field(default=())
    #: For a matrix by attribute values: (column label, participants in the group), for the small-group check.
    groups: tuple[tuple[str, int], ...] = field(default=())

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        """All values of one column."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def cell(self, row_label: Any, column: str) -> Any:
        """The value in the row whose first cell is ``row_label``, in ``column``."""
        index = self.columns.index(column)
        for row in self.rows:
            if row[0] == row_label:
                return row[index]
        raise KeyError(row_label)

    def to_dataframe(self) -> pandas.DataFrame:
        """A pandas DataFrame indexed by the first column."""
        import pandas

        frame = pandas.DataFrame(list(self.rows), columns=list(self.columns))
        return frame.set_index(self.columns[0])

    def to_csv(self) -> str:
        """CSV text (header row first)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(self.rows)
        return out.getvalue()

    def write(self, path: Path) -> Path:
        """Write the table as .csv or .xlsx, chosen by the suffix."""
        path = Path(path)
        if path.suffix.lower() == ".xlsx":
            from openpyxl import Workbook

            book = Workbook()
            sheet = book.active
            sheet.title = re.sub(r"[\[\]:*?/\\]", " ", self.title)[:31].strip() or "table"  # Excel's rules
            sheet.append(list(self.columns))
            for row in self.rows:
                sheet.append(list(row))
            for note in self.notes:
                sheet.append([note])
            book.save(path)
        else:
            path.write_text(self.to_csv(), encoding="utf-8")
        return path
