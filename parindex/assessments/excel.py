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
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.core import Framework, Node, ParindexError, ValueRuleError
from parindex.core.display import value_label
from parindex.core.messages import localize_number
from parindex.core.numbers import format_decimal
from parindex.core.rules import (
    ChoiceRule,
    ProportionalRule,
    RatioRule,
    RuleValueError,
    YesNoRule,
    is_na_word,
    normalize_value,
)
from parindex.core.typed import typed_number
from parindex.results.models import Answer
from parindex.spreadsheets import archive_problem, put_text

from .forms import NA, NO, YES, input_kind
from .models import Assessment
from .selectors import AreaBlock, AssessmentPage, LeafRow
from .services import ImportConflict, check_value, self_leaf

FORMAT = "parindex.self-assessment/1"
SHEET = "Tự đánh giá"
META_SHEET = "parindex"
LISTS_SHEET = "lists"
HEADER_ROW = 6
FIRST_ROW = HEADER_ROW + 1
# Columns (1-based): what a person reads, the ones they fill (the value, or for a ratio its
# numerator and denominator as numbers), and the hidden bookkeeping.
COL_CODE, COL_TITLE, COL_RULE, COL_MAX, COL_VALUE, COL_NUMERATOR, COL_DENOMINATOR = range(1, 8)
COL_POINTS, COL_PREVIOUS = 8, 9
COL_LEAF, COL_VERSION, COL_ORIGINAL = 10, 11, 12
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000
META_ROWS = 20  # the hidden sheet's rows read (it holds four)
# An .xlsx file is a ZIP archive: 5 MB of compressed XML can unpack a thousandfold. A unit's own
# workbook unpacks to about 60 kB; zipfile never unpacks a member past the size its directory
# states. The sheets are then read row by row (read-only), no further than MAX_ROWS and the
# columns the workbook writes, whatever size the sheet declares.
MAX_UNPACKED_BYTES = 5 * 1024 * 1024
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
    _heading(sheet, assessment, fw, lang)
    rows = _LeafRows(book, sheet, lang)
    row = FIRST_ROW
    for area in page.areas:
        rows.area(row, area)
        row += 1
        for leaf_row in area.rows:
            rows.leaf(row, leaf_row)
            row += 1
    _layout(sheet)
    _meta_sheet(book, assessment, fw)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _heading(sheet: Any, assessment: Assessment, fw: Framework, lang: str) -> None:
    """What the file is and how to fill it (rows 1-4), and the column headers."""
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
        "Fill only the yellow cells: “%(column)s”, or for a ratio its numerator and denominator "
        "as whole numbers (e.g. 45 and 50); pick options from the list; “%(na)s” where the leaf "
        "allows it; leave a cell empty to clear it. Then upload the file on the self-assessment "
        "page."
    ) % {"column": _("Declared value"), "na": na_word(lang)}
    sheet["A4"].alignment = Alignment(wrap_text=False)
    headers = {
        COL_CODE: _("Code"),
        COL_TITLE: _("Leaf"),
        COL_RULE: _("How it is scored"),
        COL_MAX: _("Max"),
        COL_VALUE: _("Declared value"),
        COL_NUMERATOR: _("Numerator (ratio)"),
        COL_DENOMINATOR: _("Denominator (ratio)"),
        COL_POINTS: _("Points at download"),
        COL_PREVIOUS: _("Last cycle"),
        COL_LEAF: "leaf",
        COL_VERSION: "version",
        COL_ORIGINAL: "original",
    }
    for column, label in headers.items():
        cell = sheet.cell(HEADER_ROW, column, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")


class _LeafRows:
    """Writes the rows of the self-assessment sheet: an area's heading, then one row per leaf
    (what a person reads, the cells they fill, the hidden bookkeeping). The options to pick
    from go to a hidden sheet, one list per distinct set of options."""

    def __init__(self, book: Workbook, sheet: Any, lang: str) -> None:
        self.sheet = sheet
        self.lang = lang
        self.bold = Font(bold=True)
        self.editable = PatternFill("solid", fgColor="FFF8D6")
        self.validations: dict[tuple[str, ...], DataValidation] = {}
        self.lists = book.create_sheet(LISTS_SHEET)
        self.lists.sheet_state = "hidden"
        self.lists.protection.sheet = True
        self.numbers = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not a number"),
            error=_("Write a number of 0 or more, without thousands separators."),
        )
        sheet.add_data_validation(self.numbers)

    def area(self, row: int, area: AreaBlock) -> None:
        put_text(self.sheet, row, COL_CODE, area.node.code).font = self.bold
        put_text(self.sheet, row, COL_TITLE, area.node.title.get(self.lang)).font = self.bold

    def leaf(self, row: int, leaf_row: LeafRow) -> None:
        sheet, lang, leaf = self.sheet, self.lang, leaf_row.leaf
        put_text(sheet, row, COL_CODE, leaf.code)
        put_text(sheet, row, COL_TITLE, leaf.title.get(lang)).alignment = Alignment(wrap_text=True)
        sheet.cell(row, COL_RULE, leaf_row.rule_text).alignment = Alignment(wrap_text=True)
        sheet.cell(row, COL_MAX, leaf.full_max)
        self.value(row, leaf_row)
        if leaf_row.score is not None and leaf_row.value:
            sheet.cell(row, COL_POINTS, leaf_row.score.points)
        if leaf_row.previous is not None:
            before = shown_value(leaf, leaf_row.previous.value, lang)
            if leaf_row.previous.points is not None:
                points = str(leaf_row.previous.points)
                before += f" → {localize_number(points, lang)}"
            put_text(sheet, row, COL_PREVIOUS, before)
        if not leaf_row.from_survey:
            sheet.cell(row, COL_LEAF, leaf.code).number_format = "@"
            sheet.cell(row, COL_VERSION, leaf_row.version)
            original = original_text(leaf, leaf_row.value, lang)
            put_text(sheet, row, COL_ORIGINAL, original).number_format = "@"

    def value(self, row: int, leaf_row: LeafRow) -> None:
        """The cells a person fills: none for a survey leaf; the numerator and denominator
        for a ratio (and the value cell for n/a where the leaf allows it); else the value, with
        a list to pick from for options and yes/no."""
        leaf = leaf_row.leaf
        shown = shown_value(leaf, leaf_row.value, self.lang)
        value_cell = put_text(self.sheet, row, COL_VALUE, shown)
        value_cell.number_format = "@"  # text: Excel must not turn 1/2 into a date
        if leaf_row.from_survey:
            value_cell.value = _("from the survey")
            return
        if is_ratio(leaf):
            value_cell.value = None
            numerator, denominator = ratio_parts(leaf_row.value)
            for column, part in ((COL_NUMERATOR, numerator), (COL_DENOMINATOR, denominator)):
                cell = self.sheet.cell(row, column, part)
                cell.protection = Protection(locked=False)
                cell.fill = self.editable
                cell.number_format = "General"
                self.numbers.add(cell)
            if leaf.allow_na:
                value_cell.protection = Protection(locked=False)
                value_cell.fill = self.editable
                value_cell.value = shown if leaf_row.value and is_na_word(leaf_row.value) else None
            return
        value_cell.protection = Protection(locked=False)
        value_cell.fill = self.editable
        choices = _choices(leaf, self.lang)
        if choices:
            self.choice_list(choices).add(value_cell)

    def choice_list(self, choices: tuple[str, ...]) -> DataValidation:
        """The list validation of a set of options, written on the hidden sheet once: an inline
        list splits on commas, and option titles have commas ("Công bố, duy trì, …")."""
        found = self.validations.get(choices)
        if found is not None:
            return found
        position = len(self.validations) + 1
        column = get_column_letter(position)
        for line, choice in enumerate(choices, start=1):
            put_text(self.lists, line, position, choice)
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${column}$1:${column}${len(choices)}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("Not an option"),
            error=_("Pick one of the values in the list."),
        )
        self.sheet.add_data_validation(validation)
        self.validations[choices] = validation
        return validation


def _layout(sheet: Any) -> None:
    """Column widths, the bookkeeping columns hidden, the headers frozen, the sheet protected
    (only the cells to fill are unlocked)."""
    widths = {COL_CODE: 9, COL_TITLE: 60, COL_RULE: 44, COL_MAX: 8, COL_VALUE: 26}
    widths.update({COL_NUMERATOR: 12, COL_DENOMINATOR: 12})
    widths.update({COL_POINTS: 12, COL_PREVIOUS: 16})
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    for column in (COL_LEAF, COL_VERSION, COL_ORIGINAL):
        sheet.column_dimensions[get_column_letter(column)].hidden = True
    sheet.freeze_panes = sheet.cell(FIRST_ROW, COL_TITLE)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False


def _meta_sheet(book: Workbook, assessment: Assessment, fw: Framework) -> None:
    """The hidden sheet an upload is checked against: format, cycle, unit, framework."""
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


def na_word(lang: str) -> str:
    return "n/a" if lang.startswith("en") else "không áp dụng"


def is_ratio(leaf: Node) -> bool:
    return isinstance(leaf.rule, RatioRule | ProportionalRule)


def ratio_parts(value: str) -> tuple[Decimal | None, Decimal | None]:
    """A stored ``a/b`` as two numbers for the numeric cells (none for n/a or other forms)."""
    numerator, slash, denominator = (value or "").partition("/")
    try:
        if slash:
            return Decimal(numerator.strip()), Decimal(denominator.strip())
    except ArithmeticError:
        pass
    return None, None


def shown_value(leaf: Node, value: str | None, lang: str) -> str:
    """A stored value as the sheet shows it: an option's title, Có/Không, không áp dụng."""
    if not value:
        return ""
    if leaf.allow_na and is_na_word(value):
        return na_word(lang)
    if isinstance(leaf.rule, ChoiceRule | YesNoRule):
        return value_label(leaf, value, lang)
    return value


def original_text(leaf: Node, value: str | None, lang: str) -> str:
    """What the hidden column keeps to tell an edited row from an untouched one."""
    if is_ratio(leaf) and value and not is_na_word(value):
        numerator, denominator = ratio_parts(value)
        if numerator is not None and denominator is not None:
            return f"{format_decimal(numerator)}/{format_decimal(denominator)}"
    return shown_value(leaf, value, lang)


def _choices(leaf: Node, lang: str) -> tuple[str, ...]:
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        choices = tuple(o.label(lang) for o in rule.options)
    elif isinstance(rule, YesNoRule):
        choices = (value_label(leaf, YES, lang), value_label(leaf, NO, lang))
    else:
        return ()
    return (*choices, na_word(lang)) if leaf.allow_na else choices


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


def workbook_read(
    assessment: Assessment, fw: Framework, upload: IO[bytes], lang: str = "vi"
) -> list[ChangedRow]:
    """The rows a person changed in a downloaded workbook, every value checked by the core.

    Raises :class:`WorkbookRejected` with every problem found (sheet, row, column) if anything
    is wrong; returns only rows whose value differs from the value at download.
    """
    not_a_workbook = WorkbookRejected(
        [CellProblem("—", None, None, _("The file is not an Excel workbook (.xlsx)."))]
    )
    problem = archive_problem(upload, max_unpacked=MAX_UNPACKED_BYTES, max_parts=MAX_PARTS)
    if problem == "not_a_workbook":
        raise not_a_workbook
    if problem == "too_large":
        raise WorkbookRejected([CellProblem("—", None, None, _("The sheet has too many rows."))])
    try:
        book = load_workbook(upload, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise not_a_workbook from None
    try:
        return _changed_rows(assessment, fw, book, lang)
    finally:
        book.close()


def _changed_rows(assessment: Assessment, fw: Framework, book: Any, lang: str) -> list[ChangedRow]:
    _check_origin(assessment, book)
    sheet = book[SHEET]
    too_many_rows = WorkbookRejected(
        [CellProblem(SHEET, None, None, _("The sheet has too many rows."))]
    )
    if (sheet.max_row or 0) > MAX_ROWS:
        raise too_many_rows
    problems: list[CellProblem] = []
    changed: list[ChangedRow] = []
    seen: dict[str, int] = {}
    rows = sheet.iter_rows(min_row=FIRST_ROW, max_row=MAX_ROWS + 1, max_col=COL_ORIGINAL)
    for number, cells in enumerate(rows, start=FIRST_ROW):
        if number > MAX_ROWS:  # the sheet declared fewer rows than it holds
            raise too_many_rows
        by_column = {cell.column: cell for cell in cells if hasattr(cell, "column")}
        found = _changed_row(assessment, fw, by_column, seen, lang)
        if isinstance(found, CellProblem):
            problems.append(found)
        elif found is not None:
            changed.append(found)
    if problems:
        raise WorkbookRejected(problems, changed)
    return changed


def _check_origin(assessment: Assessment, book: Any) -> None:
    """Refuse a workbook that was not downloaded from this unit's page for this cycle."""
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
    meta_rows = book[META_SHEET].iter_rows(max_row=META_ROWS, max_col=2, values_only=True)
    meta = {str(row[0]): row[1] for row in meta_rows if row and row[0]}
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


def _changed_row(
    assessment: Assessment,
    fw: Framework,
    by_column: dict[int, Any],
    seen: dict[str, int],
    lang: str,
) -> ChangedRow | CellProblem | None:
    """One row of the sheet: its change, its first problem, or None (no leaf, or unchanged).

    Its leaf must be listed once (``seen``: leaf code → first row) and be one the unit
    declares; the hidden version must be intact; the value, if it differs from the value at
    download, must be one the leaf's rule takes."""
    leaf_cell = by_column.get(COL_LEAF)
    code = cell_text(leaf_cell.value) if leaf_cell is not None else ""
    if leaf_cell is None or not code:
        return None
    row = leaf_cell.row
    if code in seen:
        return CellProblem(
            SHEET,
            row,
            get_column_letter(COL_LEAF),
            _("Leaf %(code)s appears twice (first in row %(first)d).")
            % {"code": code, "first": seen[code]},
        )
    seen[code] = row
    try:
        leaf = self_leaf(fw, assessment.unit.type, code)
    except ParindexError as exc:
        return CellProblem(SHEET, row, get_column_letter(COL_LEAF), exc.text(lang))
    version_value = by_column.get(COL_VERSION)
    try:
        version = int(version_value.value if version_value is not None else 0)
    except (TypeError, ValueError):
        message = _("This hidden cell was changed; download again.")
        return CellProblem(SHEET, row, get_column_letter(COL_VERSION), message)
    original_cell = by_column.get(COL_ORIGINAL)
    original = cell_text(original_cell.value) if original_cell is not None else ""
    try:
        text, column = _row_value(leaf, by_column, lang)
    except CellRefused as refused:
        return CellProblem(SHEET, row, refused.column, refused.reason)
    if text == original:
        return None
    if text:
        try:
            text = check_value(fw, leaf, text)
        except ValueRuleError as exc:
            reason = exc.text(lang)
            message = _("Leaf %(code)s: %(reason)s") % {"code": code, "reason": reason}
            return CellProblem(SHEET, row, column, message)
    return ChangedRow(code, text, version, row)


class CellRefused(Exception):
    """A cell that cannot be read as a value at all (a formula, a date, an ambiguous number)."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _cell_text(by_column: dict[int, Any], column: int, lang: str, *, number: bool) -> str:
    """One cell's text as the core reads it; a number typed as text is read in ``lang``."""
    letter = get_column_letter(column)
    cell = by_column.get(column)
    raw = cell.value if cell is not None else None
    if cell is not None and cell.data_type == "f":
        raise CellRefused(letter, _("Formulas are not read: write the value itself."))
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
        raise CellRefused(
            letter,
            _(
                "Excel read this cell as a date. Format the cell as text and write the "
                "value again (e.g. 45/50)."
            ),
        )
    text = cell_text(raw)
    if number and text and isinstance(raw, str):
        try:
            return typed_number(text, lang)
        except RuleValueError as exc:
            raise CellRefused(letter, exc.msg.render(lang)) from None
    return text


def _row_value(leaf: Node, by_column: dict[int, Any], lang: str) -> tuple[str, str]:
    """The value a row declares, and the column to name if the rule refuses it."""
    if not is_ratio(leaf):
        numeric = input_kind(leaf) in ("points", "count")
        return _cell_text(by_column, COL_VALUE, lang, number=numeric), VALUE_LETTER
    declared = _cell_text(by_column, COL_VALUE, lang, number=False)
    if declared and leaf.allow_na and is_na_word(declared):
        return NA, VALUE_LETTER
    numerator = _cell_text(by_column, COL_NUMERATOR, lang, number=True)
    denominator = _cell_text(by_column, COL_DENOMINATOR, lang, number=True)
    if not numerator and not denominator:
        return "", get_column_letter(COL_NUMERATOR)
    if not numerator or not denominator:
        raise CellRefused(
            get_column_letter(COL_DENOMINATOR if numerator else COL_NUMERATOR),
            _("Enter both the numerator and the denominator."),
        )
    return f"{numerator}/{denominator}", get_column_letter(COL_NUMERATOR)
