"""The Excel round trip of a unit's self-assessment.

``workbook_bytes`` writes the unit's leaves, pre-filled, one row each: code, title, the rule in
plain words, the maximum, the value (the only cells a person edits, with a list to pick from for
options and yes/no), the points at download and last cycle's answer; hidden columns carry the
leaf code, the answer's version and the value at download, so an upload can tell what the person
changed offline from what somebody changed on the web since.

``workbook_read`` checks a filled workbook cell by cell and returns the changed rows, or raises
:class:`WorkbookRejected` listing every bad cell by sheet, row and column; nothing is applied
unless the whole file is valid and no leaf in it was changed on the web since the download.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.core import Framework, ParindexError, ValueRuleError, score_leaf
from parindex.core.numbers import format_decimal
from parindex.core.rules import ChoiceRule, YesNoRule, normalize_value
from parindex.results.models import Answer

from .forms import NA, NO, YES
from .models import Assessment
from .selectors import AssessmentPage
from .services import ImportConflict, self_leaf

FORMAT = "parindex.self-assessment/1"
SHEET = "Tự đánh giá"
META_SHEET = "parindex"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
# Columns (1-based): what a person reads, the one they fill, and the hidden bookkeeping.
COL_CODE, COL_TITLE, COL_RULE, COL_MAX, COL_VALUE, COL_POINTS, COL_PREVIOUS = range(1, 8)
COL_LEAF, COL_VERSION, COL_ORIGINAL = 8, 9, 10
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
# An .xlsx file is a ZIP archive: 5 MB of compressed XML can unpack a thousandfold, and openpyxl
# builds every cell in memory before the row count can be checked. A unit's own workbook unpacks
# to well under a megabyte; zipfile never unpacks a member past the size its directory states.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 500
VALUE_LETTER = get_column_letter(COL_VALUE)


class WorkbookRejected(ParindexError):
    """A workbook that cannot be applied; ``problems`` lists every bad cell."""

    def __init__(self, problems: list[CellProblem], rows: list[ChangedRow] | None = None) -> None:
        self.problems = problems
        # The changed rows that did pass, so their conflicts with the web can be listed as well.
        self.rows = rows or []
        super().__init__(
            _("%(count)d problem(s) in the file: nothing was applied.") % {"count": len(problems)}
        )


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f"!{self.column or ''}{self.row}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ChangedRow:
    leaf_code: str
    value: str
    version: int
    row: int


@dataclass(frozen=True)
class CellConflict:
    """A changed row whose leaf was saved on the web since the download: what is stored now."""

    sheet: str
    row: int
    column: str
    leaf_code: str
    attempted: str
    current: Answer


def cell_conflicts(rows: list[ChangedRow], conflicts: list[ImportConflict]) -> list[CellConflict]:
    """The service's conflicts placed back at their sheet, row and column."""
    row_of = {row.leaf_code: row.row for row in rows}
    return [
        CellConflict(SHEET, row_of[c.leaf_code], VALUE_LETTER, c.leaf_code, c.attempted, c.current)
        for c in conflicts
    ]


def filename(assessment: Assessment) -> str:
    """An ASCII file name safe in a Content-Disposition header, whatever the unit code holds."""
    code = re.sub(r"[^A-Za-z0-9_-]+", "-", assessment.unit.code).strip("-") or "unit"
    return f"tu-danh-gia-{assessment.cycle.year}-{code}.xlsx"


def workbook_bytes(assessment: Assessment, page: AssessmentPage, lang: str) -> bytes:
    """The unit's self-assessment as an .xlsx file, pre-filled with the stored answers."""
    fw = page.framework
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    bold = Font(bold=True)
    sheet["A1"] = _("Self-assessment: %(title)s") % {"title": assessment.cycle.title}
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = _("Unit: %(name)s (%(code)s)") % {
        "name": assessment.unit.name,
        "code": assessment.unit.code,
    }
    sheet["A3"] = _("Downloaded at %(when)s. Framework %(code)s, version %(version)s.") % {
        "when": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "code": fw.code,
        "version": fw.version,
    }
    sheet["A4"] = _(
        "Fill only the column “%(column)s”. Write a ratio as numerator/denominator (e.g. 45/50), "
        "“n/a” where the leaf allows it, and leave a cell empty to clear it. Then upload the file "
        "on the self-assessment page."
    ) % {"column": _("Declared value")}
    sheet["A4"].alignment = Alignment(wrap_text=False)
    headers = {
        COL_CODE: _("Code"),
        COL_TITLE: _("Leaf"),
        COL_RULE: _("How it is scored"),
        COL_MAX: _("Max"),
        COL_VALUE: _("Declared value"),
        COL_POINTS: _("Points at download"),
        COL_PREVIOUS: _("Last cycle"),
        COL_LEAF: "leaf",
        COL_VERSION: "version",
        COL_ORIGINAL: "original",
    }
    for column, label in headers.items():
        cell = sheet.cell(HEADER_ROW, column, label)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
    editable = PatternFill("solid", fgColor="FFF8D6")
    validations: dict[tuple[str, ...], DataValidation] = {}
    row = FIRST_ROW
    for area in page.areas:
        sheet.cell(row, COL_CODE, area.node.code).font = bold
        sheet.cell(row, COL_TITLE, area.node.title.get(lang)).font = bold
        row += 1
        for leaf_row in area.rows:
            leaf = leaf_row.leaf
            sheet.cell(row, COL_CODE, leaf.code)
            sheet.cell(row, COL_TITLE, leaf.title.get(lang)).alignment = Alignment(wrap_text=True)
            sheet.cell(row, COL_RULE, leaf_row.rule_text).alignment = Alignment(wrap_text=True)
            sheet.cell(row, COL_MAX, leaf.full_max)
            value_cell = sheet.cell(row, COL_VALUE, leaf_row.value or None)
            value_cell.number_format = "@"  # text: Excel must not turn 1/2 into a date
            if leaf_row.from_survey:
                value_cell.value = _("from the survey")
            else:
                value_cell.protection = Protection(locked=False)
                value_cell.fill = editable
                choices = _choices(leaf)
                if choices:
                    if choices not in validations:
                        validation = DataValidation(
                            type="list",
                            formula1='"' + ",".join(choices) + '"',
                            allow_blank=True,
                            showErrorMessage=True,
                            errorTitle=_("Not an option"),
                            error=_("Pick one of the values in the list."),
                        )
                        sheet.add_data_validation(validation)
                        validations[choices] = validation
                    validations[choices].add(value_cell)
            if leaf_row.score is not None and leaf_row.value:
                sheet.cell(row, COL_POINTS, leaf_row.score.points)
            if leaf_row.previous is not None:
                shown = leaf_row.previous.value
                if leaf_row.previous.points is not None:
                    shown += f" → {leaf_row.previous.points}"
                sheet.cell(row, COL_PREVIOUS, shown)
            if not leaf_row.from_survey:
                sheet.cell(row, COL_LEAF, leaf.code).number_format = "@"
                sheet.cell(row, COL_VERSION, leaf_row.version)
                sheet.cell(row, COL_ORIGINAL, leaf_row.value).number_format = "@"
            row += 1
    widths = {COL_CODE: 9, COL_TITLE: 60, COL_RULE: 44, COL_MAX: 8, COL_VALUE: 18}
    widths.update({COL_POINTS: 12, COL_PREVIOUS: 16})
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in (COL_LEAF, COL_VERSION, COL_ORIGINAL):
        sheet.column_dimensions[get_column_letter(column)].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_ROW, COL_TITLE)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False

    meta = book.create_sheet(META_SHEET)
    for key, value in (
        ("format", FORMAT),
        ("cycle", assessment.cycle_id),
        ("unit", assessment.unit.code),
        ("framework", f"{fw.code} {fw.version}"),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(leaf: Any) -> tuple[str, ...]:
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        choices = tuple(o.key for o in rule.options)
    elif isinstance(rule, YesNoRule):
        choices = (YES, NO)
    else:
        return ()
    return (*choices, NA) if leaf.allow_na else choices


def cell_text(value: object) -> str:
    """A cell's value as the text the core reads (numbers exactly as shown, never a float)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)))
    if isinstance(value, Decimal):
        return format_decimal(value)
    return normalize_value(str(value))


def workbook_read(assessment: Assessment, fw: Framework, upload: IO[bytes]) -> list[ChangedRow]:
    """The rows a person changed in a downloaded workbook, every value checked by the core.

    Raises :class:`WorkbookRejected` with every problem found (sheet, row, column) if anything
    is wrong; returns only rows whose value differs from the value at download.
    """
    not_a_workbook = WorkbookRejected(
        [CellProblem("—", None, None, _("The file is not an Excel workbook (.xlsx)."))]
    )
    try:
        with zipfile.ZipFile(upload) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise not_a_workbook from None
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
        raise WorkbookRejected([CellProblem("—", None, None, _("The sheet has too many rows."))])
    upload.seek(0)
    try:
        book = load_workbook(upload, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise not_a_workbook from None
    problems: list[CellProblem] = []
    if SHEET not in book.sheetnames or META_SHEET not in book.sheetnames:
        raise WorkbookRejected(
            [
                CellProblem(
                    "—",
                    None,
                    None,
                    _(
                        "This workbook was not downloaded from a self-assessment page (sheet "
                        "“%(sheet)s” missing). Download the unit's file and fill that one."
                    )
                    % {"sheet": SHEET},
                )
            ]
        )
    meta = {str(row[0]): row[1] for row in book[META_SHEET].iter_rows(values_only=True) if row[0]}
    if str(meta.get("cycle")) != str(assessment.cycle_id) or meta.get("unit") != (
        assessment.unit.code
    ):
        raise WorkbookRejected(
            [
                CellProblem(
                    META_SHEET,
                    None,
                    None,
                    _(
                        "This file belongs to unit %(unit)s, cycle %(cycle)s, not to this page. "
                        "Upload it on its own unit's page."
                    )
                    % {"unit": meta.get("unit"), "cycle": meta.get("cycle")},
                )
            ]
        )
    sheet = book[SHEET]
    if sheet.max_row > MAX_ROWS:
        raise WorkbookRejected([CellProblem(SHEET, None, None, _("The sheet has too many rows."))])
    changed: list[ChangedRow] = []
    seen: dict[str, int] = {}
    letter = get_column_letter
    for cells in sheet.iter_rows(min_row=FIRST_ROW):
        by_column = {cell.column: cell for cell in cells if hasattr(cell, "column")}
        leaf_cell = by_column.get(COL_LEAF)
        code = cell_text(leaf_cell.value) if leaf_cell is not None else ""
        if not code:
            continue
        row = leaf_cell.row  # type: ignore[union-attr]
        if code in seen:
            problems.append(
                CellProblem(
                    SHEET,
                    row,
                    letter(COL_LEAF),
                    _("Leaf %(code)s appears twice (first in row %(first)d).")
                    % {"code": code, "first": seen[code]},
                )
            )
            continue
        seen[code] = row
        try:
            leaf = self_leaf(fw, assessment.unit.type, code)
        except ParindexError as exc:
            problems.append(CellProblem(SHEET, row, letter(COL_LEAF), exc.message))
            continue
        version_value = by_column.get(COL_VERSION)
        try:
            version = int(version_value.value if version_value is not None else 0)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            problems.append(
                CellProblem(
                    SHEET,
                    row,
                    letter(COL_VERSION),
                    _("This hidden cell was changed; download again."),
                )
            )
            continue
        value_cell = by_column.get(COL_VALUE)
        raw = value_cell.value if value_cell is not None else None
        if value_cell is not None and value_cell.data_type == "f":
            problems.append(
                CellProblem(
                    SHEET,
                    row,
                    VALUE_LETTER,
                    _("Formulas are not read: write the value itself."),
                )
            )
            continue
        if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
            problems.append(
                CellProblem(
                    SHEET,
                    row,
                    VALUE_LETTER,
                    _(
                        "Excel read this cell as a date. Format the cell as text and write the "
                        "value again (e.g. 45/50)."
                    ),
                )
            )
            continue
        text = cell_text(raw)
        original_cell = by_column.get(COL_ORIGINAL)
        original = cell_text(original_cell.value) if original_cell is not None else ""
        if text == original:
            continue
        if text:
            try:
                score_leaf(fw, leaf, text)
            except ValueRuleError as exc:
                problems.append(
                    CellProblem(
                        SHEET,
                        row,
                        VALUE_LETTER,
                        _("Leaf %(code)s: %(reason)s") % {"code": code, "reason": exc.message},
                    )
                )
                continue
        changed.append(ChangedRow(code, text, version, row))
    if problems:
        raise WorkbookRejected(problems, changed)
    return changed
