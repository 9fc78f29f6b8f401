"""Exports carry data, never formulas: text people typed (a task title, a unit name, an area
title) that starts with = + - @ comes out of every .xlsx as a text cell, unchanged, and text
holding a control character never breaks an export."""

from __future__ import annotations

import hashlib
import io

from openpyxl import load_workbook

from parindex.accounts import spreadsheet
from parindex.frameworks.models import FrameworkVersion
from parindex.spreadsheets import make_inert, put_text
from parindex.units.models import Unit

from . import assessments_fixtures as afx
from . import plans_fixtures as fx
from .factories import World

HOSTILE = ['=HYPERLINK("http://x","y")', "=1+1", "@SUM(A1)", "+1", "-2+3"]


def text_cells(data: bytes) -> dict[str, tuple[str, str]]:
    """Every string-like cell of a workbook: value -> (data type, sheet)."""
    book = load_workbook(io.BytesIO(data))
    return {
        str(cell.value): (cell.data_type, sheet.title)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    }


def test_helpers_type_formula_text_as_text() -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    put_text(sheet, 1, 1, "=1+1")
    sheet.append(["=2+2", 3, "x"])
    make_inert(sheet[2])
    out = io.BytesIO()
    book.save(out)
    cells = text_cells(out.getvalue())
    assert cells["=1+1"][0] == "s" and cells["=2+2"][0] == "s"
    assert load_workbook(out).active.cell(2, 2).value == 3  # numbers stay numbers


def test_plan_appendix_cells_are_inert(pw: fx.PlanWorld, world: World, visit) -> None:
    pw.plan.title = "=1+1"
    pw.plan.save(update_fields=["title"])
    pw.task_a.title = HOSTILE[0]
    pw.task_a.expected_result = "@SUM(A1)"
    pw.task_a.save(update_fields=["title", "expected_result"])
    coordinating = pw.task_a.coordinating_agencies.first()
    assert coordinating is not None
    Unit.objects.filter(pk=coordinating.pk).update(name="-2+3")
    pw.task_b.title = "Rà soát\x01 thủ tục"  # a control character pasted in a title
    pw.task_b.save(update_fields=["title"])
    response = visit("viewer").get(f"/plans/{pw.plan.pk}/appendix.xlsx")
    assert response.status_code == 200
    cells = text_cells(response.content)
    for value in ("=1+1", HOSTILE[0], "@SUM(A1)", "-2+3"):
        assert cells[value][0] == "s", value
    assert "Rà soát\ufffd thủ tục" in cells
    sheet = load_workbook(io.BytesIO(response.content)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert 1 in numbers  # the task numbers are still numeric cells


def test_accounts_template_cells_are_inert() -> None:
    data = spreadsheet.template_workbook(
        units=[("U1", "=1+1"), ("U2", HOSTILE[0])], areas=[("1", "@SUM(A1)"), ("2", "+1")]
    )
    cells = text_cells(data)
    for value in ("=1+1", HOSTILE[0], "@SUM(A1)", "+1"):
        assert cells[value] == ("s", spreadsheet.CODES_SHEET), value


def test_self_assessment_titles_are_inert(opened: afx.Open, world: World, visit) -> None:
    """A framework whose area and leaf titles start with = (loaded by an administrator, but
    text all the same) gives text cells in the unit's workbook."""
    version = world.version
    text = version.source_text.replace('"Công tác chỉ đạo, điều hành CCHC"', '"=1+1"').replace(
        '"Ban hành kế hoạch CCHC năm của cơ quan, đơn vị đúng thời hạn"', '"@SUM(A1)"'
    )
    assert text != version.source_text
    FrameworkVersion.objects.filter(pk=version.pk).update(
        source_text=text, sha256=hashlib.sha256(text.encode()).hexdigest()
    )
    response = visit("editor_a").get(opened.url("excel_download"))
    assert response.status_code == 200
    cells = text_cells(response.content)
    assert cells["=1+1"][0] == "s"
    assert cells["@SUM(A1)"][0] == "s"
