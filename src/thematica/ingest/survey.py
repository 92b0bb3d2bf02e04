"""Survey tables (CSV/TSV, XLSX): one document per open-answer column, plus respondents.

The first non-blank row is the header. Blank rows are skipped. Each answer
column becomes a document whose text is the non-empty answers (stripped)
separated by a blank line, and whose turns are those answers, spoken by the
respondent. Cells are compared and stored as text (numbers without a spurious
".0", dates as ISO 8601).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
import zlib
from pathlib import Path
from xml.etree.ElementTree import ParseError

import openpyxl
from lxml import etree
from openpyxl.utils.exceptions import InvalidFileException

from ..errors import EmptyDocument, ImportError_, InvalidInput, UnsupportedFormat
from ..model import Role
from ..text import canonicalise
from .base import ReadDocument, SurveyData, SurveyMapping, TurnSpan
from .files import decode, read_bytes, reason

#: Suffixes :func:`read_survey` reads.
SURVEY_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".xlsx")

_XLSX_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError,
    InvalidFileException, ParseError, etree.LxmlError,
)  # fmt: skip
_Rows = list[tuple[int, list[str]]]


def read_survey(
    path: Path,
    mapping: SurveyMapping,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
) -> SurveyData:
    """Read a survey table: ``mapping`` names the id, answer and attribute columns.

    ``encoding`` applies to CSV/TSV (else detected); ``sheet`` to XLSX (else the first).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SURVEY_SUFFIXES:
        raise UnsupportedFormat(
            f"{path.name}: surveys are read from {', '.join(SURVEY_SUFFIXES)} files, "
            f"not {suffix or 'files without a suffix'}"
        )
    if not mapping.id_column.strip() or not mapping.text_columns:
        raise InvalidInput("a survey mapping needs an id column and at least one answer column")
    data = read_bytes(path)
    rows, used = _table_rows(path, data, encoding, sheet)
    return _survey(path, data, used, mapping, rows)


def read_table(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> list[dict[str, str]]:
    """A CSV/TSV/XLSX table as one dict per row, keyed by the header (the first non-blank row).

    Blank rows are skipped; cells are text, stripped; missing cells are "".
    """
    path = Path(path)
    if path.suffix.lower() not in SURVEY_SUFFIXES:
        raise UnsupportedFormat(f"{path.name}: tables are read from {', '.join(SURVEY_SUFFIXES)} files")
    rows = [cells for _, cells in _table_rows(path, read_bytes(path), encoding, sheet)[0] if any(cells)]
    if not rows:
        raise EmptyDocument(f"{path.name} holds no table")
    header = rows[0]
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    if doubled:
        raise InvalidInput(f"{path.name} has more than one column named {doubled[0]!r}; make the names unique")
    return [{name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header) if name} for cells in rows[1:]]


def _table_rows(path: Path, data: bytes, encoding: str | None, sheet: str | None) -> tuple[_Rows, str | None]:
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path, data, sheet), None
    decoded = decode(data, encoding, path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else None
    return _csv_rows(path, decoded.text, delimiter), decoded.encoding


def _csv_rows(path: Path, text: str, delimiter: str | None) -> _Rows:
    delimiter = delimiter or _sniff(text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportError_(f"{path.name} is not a valid CSV file ({reason(exc)})") from exc
    return [(number, [cell.strip() for cell in record]) for number, record in enumerate(records, 1)]


def _sniff(text: str) -> str:
    """The delimiter among , ; and tab: csv.Sniffer's guess if the header line has it,
    else the one the header line has most of (a comma if none)."""
    header = text.lstrip("\n").split("\n", 1)[0]
    try:
        guess = csv.Sniffer().sniff(text[:20000], delimiters=",;\t").delimiter
    except csv.Error:
        guess = ""
    if guess and guess in header:
        return guess
    return max(",;\t", key=header.count) if any(d in header for d in ",;\t") else ","


def _xlsx_rows(path: Path, data: bytes, sheet: str | None) -> _Rows:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _XLSX_ERRORS as exc:
        raise ImportError_(f"{path.name} is not a valid XLSX file ({reason(exc)})") from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            names = ", ".join(repr(name) for name in book.sheetnames)
            raise InvalidInput(f"{path.name} has no sheet {sheet!r}; its sheets are: {names}")
        if not book.worksheets:
            raise EmptyDocument(f"{path.name} has no worksheets")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        if not hasattr(worksheet, "reset_dimensions"):
            raise InvalidInput(f"sheet {sheet!r} of {path.name} is a chart, not a table")
        worksheet.reset_dimensions()  # some writers record wrong dimensions
        return [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(worksheet.iter_rows(values_only=True), 1)
        ]
    except _XLSX_ERRORS as exc:
        raise ImportError_(f"{path.name} is not a valid XLSX file ({reason(exc)})") from exc
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text a reader sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return canonicalise(str(value)).strip()


def _column(path: Path, header: list[str], name: str) -> int:
    wanted = canonicalise(name).strip()
    found = [index for index, label in enumerate(header) if label == wanted]
    if not found:
        available = ", ".join(repr(label) for label in header if label)
        raise InvalidInput(f"{path.name} has no column {name!r}; its columns are: {available}")
    if len(found) > 1:
        raise InvalidInput(
            f"{path.name} has {len(found)} columns named {name!r}; make the names unique"
        )
    return found[0]


def _survey(
    path: Path, data: bytes, encoding: str | None, mapping: SurveyMapping, rows: _Rows
) -> SurveyData:
    rows = [(number, cells) for number, cells in rows if any(cells)]
    if not rows:
        raise EmptyDocument(f"{path.name} holds no table")
    (_, header), body = rows[0], rows[1:]
    id_at = _column(path, header, mapping.id_column)
    text_at = [(name, _column(path, header, name)) for name in mapping.text_columns]
    attribute_at = [(name, _column(path, header, name)) for name in mapping.attribute_columns]
    if not body:
        raise EmptyDocument(f"{path.name} has a header but no answers below it")

    def cell(cells: list[str], index: int) -> str:
        return cells[index] if index < len(cells) else ""

    respondents: dict[str, dict[str, str]] = {}
    first_row: dict[str, int] = {}
    answers: dict[str, list[tuple[str, str]]] = {name: [] for name, _ in text_at}
    for number, cells in body:
        rid = cell(cells, id_at)
        if not rid:
            raise InvalidInput(
                f"row {number} of {path.name} has no respondent id in {mapping.id_column!r}"
            )
        if rid in first_row:
            raise InvalidInput(
                f"respondent id {rid!r} occurs twice in {path.name} "
                f"(rows {first_row[rid]} and {number})"
            )
        first_row[rid] = number
        respondents[rid] = {name: cell(cells, index) for name, index in attribute_at}
        for name, index in text_at:
            if answer := cell(cells, index):
                answers[name].append((rid, answer))
    documents = tuple(
        _answers_document(path, data, encoding, header[index], answers[name])
        for name, index in text_at
    )
    return SurveyData(documents, respondents)


def _answers_document(
    path: Path, data: bytes, encoding: str | None, column: str, answers: list[tuple[str, str]]
) -> ReadDocument:
    if not answers:
        raise EmptyDocument(f"column {column!r} of {path.name} has no answers")
    turns: list[TurnSpan] = []
    offset = 0
    for rid, answer in answers:
        turns.append(TurnSpan(offset, offset + len(answer), rid, Role.PARTICIPANT, rid))
        offset += len(answer) + 2
    text = "\n\n".join(answer for _, answer in answers)
    return ReadDocument(column, "survey", text, tuple(turns), data, path.name, encoding)
