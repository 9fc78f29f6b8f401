"""Response files as survey tools export them (CSV, or .xlsx), handed to the core as tables."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from parindex.core.survey import SurveyError
from parindex.core.survey_aggregate import CsvTable, RowsTable, Table

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook


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
        for row in sheet.iter_rows(values_only=True):
            cells = [_text(v) for v in row]
            while cells and not cells[-1]:  # a sheet's used range pads rows with empty cells
                cells.pop()
            yield cells
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


def response_table(path: Path, name: str) -> Table:
    if is_xlsx(name):
        # Only the first sheet holds forms: survey tools (KoBoToolbox, ODK) put the main form
        # there and repeat groups or notes on the sheets after it, which are not read.
        return RowsTable(lambda: _xlsx_rows(path, name), name, _first_sheet_name(path, name))
    return CsvTable(lambda: _csv_lines(path, name), name)


def count_rows(path: Path, name: str) -> int:
    """About how many forms the file holds (for the progress bar): lines or sheet rows − 1."""
    if is_xlsx(name):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(path, read_only=True)
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
