"""Response files as survey tools export them (CSV, or .xlsx), handed to the core as tables.

A file is bounded before the core reads it: a workbook's archive is checked (parts, declared
unpacked size, shared strings) before openpyxl opens it, a sheet wider than ``MAX_COLUMNS`` is
refused, and a cell holding a control character or longer than ``MAX_CELL_CHARS`` stops the
reading with its line and column (every cell of a response file is a code, an option or an id;
tool metadata columns, named ``_…``, are not read by the core and only cut short).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from parindex.core.cells import character_name, control_character
from parindex.core.messages import msg
from parindex.core.survey import SurveyError
from parindex.core.survey_aggregate import CsvTable, RowsTable, Table
from parindex.spreadsheets import archive_problem

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

MAX_CELL_CHARS = 200  # the longest a response id may be stored; codes and options are shorter
MAX_COLUMNS = 500
# A million forms of a few dozen questions unpack to well under a gigabyte of sheet XML; openpyxl
# holds the shared strings whole even in read-only mode, and a survey tool's are a few codes.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
MAX_PARTS = 500


def _csv_lines(path: Path, name: str) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from handle
    except UnicodeDecodeError:
        raise SurveyError(
            "the file is not UTF-8 text (save it as CSV UTF-8)", source=name
        ) from None


def _text(value: object) -> str:
    """A spreadsheet cell as the text a CSV export would hold (1.0 is "1")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


def _open_workbook(path: Path, name: str) -> Workbook:
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        problem = archive_problem(
            handle,
            max_unpacked=MAX_UNPACKED_BYTES,
            max_parts=MAX_PARTS,
            max_each={"xl/sharedStrings.xml": MAX_SHARED_STRINGS_BYTES},
        )
    if problem == "too_large":
        limit = MAX_UNPACKED_BYTES // (1024 * 1024)
        raise SurveyError(msg("file.unpacks_too_large", limit=limit), source=name)
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise SurveyError(
            f"not an Excel .xlsx workbook ({exc.__class__.__name__})", source=name
        ) from None


def _xlsx_rows(path: Path, name: str) -> Iterator[Sequence[str]]:
    workbook = _open_workbook(path, name)
    try:
        sheet = workbook.worksheets[0]
        declared = sheet.max_column or 0
        if declared > MAX_COLUMNS:
            raise SurveyError(
                msg("file.too_many_columns", count=declared, limit=MAX_COLUMNS),
                source=name,
                sheet=str(sheet.title),
                line=1,
            )
        width = declared or MAX_COLUMNS
        try:
            for row in sheet.iter_rows(max_col=width, values_only=True):
                cells = [_text(v) for v in row]
                while cells and not cells[-1]:  # a sheet's used range pads rows with empty cells
                    cells.pop()
                yield cells
        except SyntaxError as exc:  # a sheet that is not well-formed XML
            raise SurveyError(
                f"not an Excel .xlsx workbook ({exc.__class__.__name__})", source=name
            ) from None
    finally:
        workbook.close()


def _first_sheet_name(path: Path, name: str) -> str:
    workbook = _open_workbook(path, name)
    try:
        return str(workbook.worksheets[0].title)
    finally:
        workbook.close()


def is_xlsx(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def _bounded(
    numbered: Iterator[tuple[int, Sequence[str]]], source: str, sheet: str | None
) -> Iterator[tuple[int, Sequence[str]]]:
    """The rows, each checked for control characters and over-long cells (see the module)."""
    header: Sequence[str] | None = None
    for line, cells in numbered:
        if header is None:
            header = cells
        if (
            max(map(len, cells), default=0) <= MAX_CELL_CHARS
            and control_character("".join(cells)) is None
        ):
            yield line, cells
            continue
        kept = list(cells)
        for position, cell in enumerate(cells):
            column = header[position] if position < len(header) else str(position + 1)
            found = control_character(cell)
            if found is not None:
                message = msg("text.control_character", char=character_name(cell[found]))
            elif len(cell) > MAX_CELL_CHARS and line > 1 and column.startswith("_"):
                kept[position] = cell[:MAX_CELL_CHARS]  # tool metadata: not read by the core
                continue
            elif len(cell) > MAX_CELL_CHARS:
                message = msg("text.too_long", limit=MAX_CELL_CHARS)
            else:
                continue
            raise SurveyError(message, source=source, sheet=sheet, line=line, column=column[:50])
        yield line, kept


@dataclass(frozen=True)
class _BoundedTable:
    """A response table whose rows pass :func:`_bounded` (read either way)."""

    table: Table

    @property
    def source(self) -> str:
        return self.table.source

    @property
    def sheet(self) -> str | None:
        return self.table.sheet

    def rows(self) -> Iterator[Sequence[str]]:
        for _line, cells in self.numbered_rows():
            yield cells

    def numbered_rows(self) -> Iterator[tuple[int, Sequence[str]]]:
        return _bounded(self.table.numbered_rows(), self.source, self.sheet)


def response_table(path: Path, name: str) -> Table:
    if is_xlsx(name):
        # Only the first sheet holds forms: survey tools (KoBoToolbox, ODK) put the main form
        # there and repeat groups or notes on the sheets after it, which are not read.
        sheet = _first_sheet_name(path, name)
        return _BoundedTable(RowsTable(lambda: _xlsx_rows(path, name), name, sheet))
    return _BoundedTable(CsvTable(lambda: _csv_lines(path, name), name))


def count_rows(path: Path, name: str) -> int:
    """About how many forms the file holds (for the progress bar): lines or sheet rows − 1."""
    if is_xlsx(name):
        try:
            workbook = _open_workbook(path, name)
            rows = workbook.worksheets[0].max_row or 0
            workbook.close()
        except Exception:  # the import itself reports what is wrong with the file
            return 0
        return max(0, rows - 1)
    lines = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return max(0, lines - 1)
