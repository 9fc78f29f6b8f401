"""The Excel round trip: download a unit's self-assessment pre-filled, fill it offline (here with
openpyxl), upload it. A valid file applies every changed value in one transaction with audit
events; a file with bad cells lists each by sheet, row and column and changes nothing; so does a
file with a leaf changed on the web since the download, listing each such conflict."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from parindex.assessments import excel
from parindex.audit.models import AuditEvent
from parindex.results.models import Answer

from .assessments_fixtures import HX, Open
from .factories import browse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, opened: Open, assessment=None):  # type: ignore[no-untyped-def]
    response = client.get(opened.url("excel_download", assessment))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return load_workbook(io.BytesIO(response.content))


def rows_by_code(sheet) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        sheet.cell(row, excel.COL_LEAF).value: row
        for row in range(excel.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(row, excel.COL_LEAF).value
    }


def _number(text: str) -> object:
    """A typed cell: a number where Excel would make one, else the text as typed."""
    return int(text) if text.isdigit() else text


def fill(book, values: dict[str, object]) -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    sheet = book[excel.SHEET]
    rows = rows_by_code(sheet)
    for code, value in values.items():
        if isinstance(value, str) and "/" in value:  # a ratio: two numeric cells
            numerator, denominator = value.split("/")
            sheet.cell(rows[code], excel.COL_NUMERATOR).value = _number(numerator)
            sheet.cell(rows[code], excel.COL_DENOMINATOR).value = _number(denominator)
        else:
            sheet.cell(rows[code], excel.COL_VALUE).value = value
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tu-danh-gia.xlsx", out.getvalue(), content_type=XLSX)


def test_the_download_is_prefilled_with_rules_max_values_points_and_hidden_codes(
    opened: Open, editor_a
) -> None:
    client = browse(editor_a)
    client.post(
        opened.leaf_url("1.1.2"), {"numerator": "45", "denominator": "50", "version": "0"}, **HX
    )
    book = download(client, opened)
    sheet = book[excel.SHEET]
    assert book[excel.META_SHEET].sheet_state == "hidden"
    row = rows_by_code(sheet)["1.1.2"]
    assert sheet.cell(row, excel.COL_CODE).value == "1.1.2"
    assert "Theo tỷ lệ đạt" in sheet.cell(row, excel.COL_RULE).value
    assert sheet.cell(row, excel.COL_MAX).value == 2
    assert sheet.cell(row, excel.COL_VALUE).value is None  # a ratio is two numeric cells
    assert sheet.cell(row, excel.COL_NUMERATOR).value == 45
    assert sheet.cell(row, excel.COL_DENOMINATOR).value == 50
    assert not sheet.cell(row, excel.COL_NUMERATOR).protection.locked
    assert float(sheet.cell(row, excel.COL_POINTS).value) == 1.5
    assert sheet.cell(row, excel.COL_VERSION).value == 1
    for column in (excel.COL_LEAF, excel.COL_VERSION, excel.COL_ORIGINAL):
        letter = chr(ord("A") + column - 1)
        assert sheet.column_dimensions[letter].hidden
    assert sheet.protection.sheet  # only the value column is unlocked
    assert sheet.cell(row, excel.COL_CODE).protection.locked
    assert not sheet.cell(rows_by_code(sheet)["1.1.1"], excel.COL_VALUE).protection.locked
    # Choice and yes/no cells offer a list of titles (kept on a hidden sheet: titles hold commas).
    lists = book[excel.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    columns = [[cell.value for cell in column if cell.value] for column in lists.iter_cols()]
    assert ["Ban hành đúng thời hạn", "Ban hành chậm", "Không ban hành"] in columns
    assert ["Có", "Không"] in columns
    choice_row = rows_by_code(sheet)["1.1.1"]
    formulas = {
        dv.formula1
        for dv in sheet.data_validations.dataValidation
        if f"E{choice_row}" in str(dv.sqref)
    }
    assert len(formulas) == 1 and formulas.pop().startswith(f"'{excel.LISTS_SHEET}'!$")
    # Survey leaves are shown but not to be filled.
    assert "1.5" not in rows_by_code(sheet)


def test_round_trip_applies_the_changed_values_with_audit_events(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    book = download(client, opened)
    upload = fill(book, {"1.1.1": "cham", "1.1.2": "40/50", "1.2": 1, "4.3.1": "có", "4.4": 1.5})
    response = client.post(opened.url("excel_upload"), {"file": upload})
    assert response.status_code == 200, response.content.decode()[:2000]
    values = dict(
        Answer.objects.filter(cycle=opened.cycle, unit=opened.a.unit).values_list(
            "leaf_code", "value"
        )
    )
    assert values == {"1.1.1": "cham", "1.1.2": "40/50", "1.2": "1", "4.3.1": "có", "4.4": "1.5"}
    events = AuditEvent.objects.filter(action="answer.value", unit=opened.a.unit)
    assert events.count() == 5 and {e.reason for e in events} == {"Excel import"}
    assert "Đã áp dụng 5 giá trị" in response.content.decode()
    # Uploading the same file again changes nothing.
    again = client.post(opened.url("excel_upload"), {"file": fill(book, {})})
    assert again.status_code == 200
    assert AuditEvent.objects.filter(action="answer.value").count() == 5


def test_a_file_with_bad_cells_lists_each_by_sheet_row_and_column_and_changes_nothing(
    opened: Open, editor_a
) -> None:
    client = browse(editor_a)
    book = download(client, opened)
    rows = rows_by_code(book[excel.SHEET])
    upload = fill(
        book,
        {
            "1.1.1": "tot",  # not an option
            "1.1.2": "45/0",  # denominator 0
            "1.2": "-1",  # not a whole number
            "4.4": "3",  # above the max
            "2.2.2": "0.5",  # fine, but the file has errors: not applied either
        },
    )
    response = client.post(opened.url("excel_upload"), {"file": upload}, **HX)
    assert response.status_code == 422
    body = response.content.decode()
    for code, column in (("1.1.1", "E"), ("1.1.2", "F"), ("1.2", "E"), ("4.4", "E")):
        assert f'<td>{excel.SHEET}</td><td class="num">{rows[code]}</td><td>{column}</td>' in body
    assert "Tệp có 4 lỗi" in body
    assert not Answer.objects.filter(cycle=opened.cycle).exists()
    assert not AuditEvent.objects.filter(action="answer.value").exists()


def test_a_leaf_changed_on_the_web_since_the_download_is_a_conflict(
    opened: Open, editor_a, head_a
) -> None:
    client = browse(editor_a)
    book = download(client, opened)
    rows = rows_by_code(book[excel.SHEET])
    # Meanwhile the head saves 1.2 on the web.
    browse(head_a).post(opened.leaf_url("1.2"), {"value": "3", "version": "0"}, **HX)
    events = AuditEvent.objects.count()
    response = client.post(opened.url("excel_upload"), {"file": fill(book, {"1.2": 1, "2.3": 0})})
    assert response.status_code == 409
    body = response.content.decode()
    assert "chưa áp dụng giá trị nào" in body
    # Where the conflict is, the value in the file, the value stored now and who saved it.
    assert (
        f'<td>{excel.SHEET}</td><td class="num">{rows["1.2"]}</td><td>E</td><td>1.2</td>'
        f"<td>1</td><td>3</td><td>{head_a}"
    ) in body
    # All or nothing: the valid row 2.3 is not applied either.
    values = dict(Answer.objects.filter(cycle=opened.cycle).values_list("leaf_code", "value"))
    assert values == {"1.2": "3"}
    assert AuditEvent.objects.count() == events


def test_conflicts_are_listed_together_with_bad_cells(opened: Open, editor_a, head_a) -> None:
    client = browse(editor_a)
    book = download(client, opened)
    rows = rows_by_code(book[excel.SHEET])
    browse(head_a).post(opened.leaf_url("1.2"), {"value": "3", "version": "0"}, **HX)
    upload = fill(book, {"1.2": 1, "4.4": "3", "2.3": 0})  # 4.4 is above its max
    response = client.post(opened.url("excel_upload"), {"file": upload}, **HX)
    assert response.status_code == 422
    body = response.content.decode()
    assert f'<td class="num">{rows["4.4"]}</td><td>E</td>' in body
    assert f'<td class="num">{rows["1.2"]}</td><td>E</td><td>1.2</td>' in body
    assert str(head_a) in body
    values = dict(Answer.objects.filter(cycle=opened.cycle).values_list("leaf_code", "value"))
    assert values == {"1.2": "3"}


def test_a_workbook_of_another_unit_or_not_from_parindex_is_refused(
    opened: Open, editor_a, editor_b
) -> None:
    theirs = download(browse(editor_b), opened, opened.b)
    response = browse(editor_a).post(opened.url("excel_upload"), {"file": fill(theirs, {})})
    assert response.status_code == 422 and opened.b.unit.code in response.content.decode()
    blank = io.BytesIO()
    Workbook().save(blank)
    response = browse(editor_a).post(
        opened.url("excel_upload"),
        {"file": SimpleUploadedFile("x.xlsx", blank.getvalue(), content_type=XLSX)},
    )
    assert response.status_code == 422
    response = browse(editor_a).post(
        opened.url("excel_upload"),
        {"file": SimpleUploadedFile("x.xlsx", b"not a workbook", content_type=XLSX)},
    )
    assert response.status_code == 422 and "không phải là bảng tính" in response.content.decode()


def test_dates_and_formulas_in_value_cells_are_reported(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    book = download(client, opened)
    rows = rows_by_code(book[excel.SHEET])
    upload = fill(book, {"1.1.2": datetime.datetime(2025, 1, 2), "1.2": "=1+1"})
    response = client.post(opened.url("excel_upload"), {"file": upload})
    assert response.status_code == 422
    body = response.content.decode()
    assert f'<td class="num">{rows["1.1.2"]}</td><td>E</td>' in body
    assert f'<td class="num">{rows["1.2"]}</td><td>E</td>' in body


def test_excel_access(opened: Open, visit, editor_b, viewer) -> None:
    url_down, url_up = opened.url("excel_download"), opened.url("excel_upload")
    assert visit("anonymous").get(url_down).status_code == 302
    assert visit("anonymous").post(url_up).status_code == 302
    assert visit("editor_b").get(url_down).status_code == 403
    assert visit("editor_b").post(url_up).status_code == 403
    assert visit("viewer").get(url_down).status_code == 200  # province-wide read
    assert visit("viewer").post(url_up).status_code == 403
