"""A document as an .xlsx (openpyxl): a sheet whose rows are records, for filtering and sums.

Numbers are numeric cells shown with the framework's decimals, dates are date cells; the
section (a ranking group) is a column of its own, so every row stands alone under Excel's
filters; the header row is frozen and repeated on each printed page; text is never evaluated
(``parindex.spreadsheets.make_inert``)."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from parindex.shared.documents import decimal_format, sheet_table
from parindex.spreadsheets import make_inert

from .tables import AREA, TOTAL, Document, Value

CM_TO_CHARACTERS = 5.0  # an Excel column width is counted in characters of the default font
DATE_FORMAT = "DD/MM/YYYY"


def xlsx_bytes(doc: Document) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = (doc.sheet_title or doc.stem)[:31]
    grouped = bool(doc.section_label)
    width = len(doc.columns) + (1 if grouped else 0)
    for n, line in enumerate(doc.heading):
        sheet.append([line])
        sheet.merge_cells(start_row=n + 1, start_column=1, end_row=n + 1, end_column=width)
        cell = sheet.cell(n + 1, 1)
        cell.font = Font(bold=n < 2, size=13)
        cell.alignment = Alignment(horizontal="center")
    sheet.append([])
    for fact in doc.facts:
        sheet.append([fact.label, fact.value])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        _number_format(sheet.cell(sheet.max_row, 2), fact.value, doc.places)
    sheet.append([])
    labels = [column.label for column in doc.columns]
    sheet.append([doc.section_label, *labels] if grouped else labels)
    header_row = sheet.max_row
    for section in doc.sections:
        for row in section.rows:
            values = [_cell_value(v) for v in row.cells]
            sheet.append([section.title, *values] if grouped else values)
            for column, value in enumerate(row.cells, start=2 if grouped else 1):
                _number_format(sheet.cell(sheet.max_row, column), value, doc.places)
            if row.level in (AREA, TOTAL):
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
    last_row = sheet.max_row
    widths = [column.width_cm * CM_TO_CHARACTERS for column in doc.columns]
    sheet_table(
        sheet,
        header_row=header_row,
        last_row=last_row,
        widths=[20.0, *widths] if grouped else widths,
        filters=True,
    )
    for line in doc.notes:
        sheet.append([line])
    for cells in sheet.iter_rows():
        make_inert(cells)  # names and remarks are text people typed: never formulas
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Value) -> Value:
    return None if value == "" else value


def _number_format(cell: Any, value: Value, places: int) -> None:
    if isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    elif isinstance(value, Decimal):
        cell.number_format = decimal_format(places)
    elif isinstance(value, int):
        cell.number_format = "0"
