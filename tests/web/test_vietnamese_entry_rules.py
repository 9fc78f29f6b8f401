"""Entry that cannot silently mislead, on the page and in Excel alike (issue: `950/1.000` was
read as 950/1 and scored full points).

The self-assessment form and the Excel round trip read a number as the person's language writes
it (``0,5`` in Vietnamese), refuse what could mean two numbers (``1.000``) with a message saying
what was understood and how to write it, refuse a ratio above the leaf's ``max_percent``, and
accept a choice by its title or its key; both refuse with the same words."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from parindex.assessments import excel
from parindex.results.models import Answer

from .assessments_fixtures import HX, Open
from .factories import browse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
THOUSANDS_VI = "«1.000» có hai cách hiểu: 1000 (dấu chấm phân cách hàng nghìn) hoặc 1"
ABOVE_VI = "tỷ lệ 25/20 = 125% vượt quá mức tối đa 100% của tiêu chí"


def stored(opened: Open, code: str) -> str | None:
    answer = Answer.objects.filter(cycle=opened.cycle, unit=opened.a.unit, leaf_code=code).first()
    return answer.value if answer else None


def save(client, opened: Open, code: str, data: dict[str, str], lang: str = "vi"):  # type: ignore[no-untyped-def]
    if lang != "vi":
        client.post("/i18n/setlang/", {"language": lang, "next": "/"})
    return client.post(opened.leaf_url(code), {"version": "0", **data}, **HX)


def workbook_with(client, opened: Open, cells: dict[tuple[str, int], object]) -> SimpleUploadedFile:  # type: ignore[no-untyped-def]
    book = load_workbook(io.BytesIO(client.get(opened.url("excel_download")).content))
    sheet = book[excel.SHEET]
    rows = {
        sheet.cell(r, excel.COL_LEAF).value: r
        for r in range(excel.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, excel.COL_LEAF).value
    }
    for (code, column), value in cells.items():
        sheet.cell(rows[code], column).value = value
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("tu-danh-gia.xlsx", out.getvalue(), content_type=XLSX)


def upload(client, opened: Open, cells: dict[tuple[str, int], object]):  # type: ignore[no-untyped-def]
    return client.post(
        opened.url("excel_upload"), {"file": workbook_with(client, opened, cells)}, **HX
    )


def test_page_refuses_a_thousands_dot_and_says_how_to_write_it(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    response = save(client, opened, "1.1.2", {"numerator": "950", "denominator": "1.000"})
    assert response.status_code == 422
    assert THOUSANDS_VI in response.content.decode()
    assert stored(opened, "1.1.2") is None
    preview = client.post(
        opened.leaf_url("1.1.2", "leaf_preview"), {"numerator": "950", "denominator": "1.000"}
    )
    assert THOUSANDS_VI in preview.content.decode()
    assert (
        save(client, opened, "1.1.2", {"numerator": "950", "denominator": "1000"}).status_code
        == 200
    )
    assert stored(opened, "1.1.2") == "950/1000"


def test_english_page_gives_the_english_message(opened: Open, editor_a) -> None:
    response = save(
        browse(editor_a), opened, "1.1.2", {"numerator": "950", "denominator": "1.000"}, "en"
    )
    assert response.status_code == 422
    assert "the dot may be a thousands separator" in response.content.decode()


def test_page_refuses_a_ratio_above_max_percent(opened: Open, editor_a) -> None:
    response = save(browse(editor_a), opened, "1.1.2", {"numerator": "25", "denominator": "20"})
    assert response.status_code == 422
    assert ABOVE_VI in response.content.decode()
    assert stored(opened, "1.1.2") is None


def test_vietnamese_decimal_comma_is_read_as_a_decimal(opened: Open, editor_a) -> None:
    """4.4 takes points in steps: 0,5 typed in the Vietnamese UI is half a point."""
    client = browse(editor_a)
    assert save(client, opened, "4.4", {"value": "0,5"}).status_code == 200
    assert stored(opened, "4.4") == "0.5"


def test_choice_shows_titles_and_accepts_a_title(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    page = client.get(opened.url("page")).content.decode()
    assert "Ban hành chậm" in page and ">cham (" not in page
    assert save(client, opened, "1.1.1", {"value": "Ban hành chậm"}).status_code == 200
    assert stored(opened, "1.1.1") == "cham"


def test_excel_refuses_what_the_page_refuses_with_the_same_words(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    response = upload(
        client,
        opened,
        {
            ("1.1.2", excel.COL_NUMERATOR): 950,
            ("1.1.2", excel.COL_DENOMINATOR): "1.000",  # typed as text
        },
    )
    assert response.status_code == 422
    assert THOUSANDS_VI in response.content.decode()
    response = upload(
        client,
        opened,
        {("1.1.2", excel.COL_NUMERATOR): 25, ("1.1.2", excel.COL_DENOMINATOR): 20},
    )
    assert response.status_code == 422 and ABOVE_VI in response.content.decode()
    assert stored(opened, "1.1.2") is None


@pytest.mark.parametrize("typed", ["Ban hành chậm", "  ban hành   CHẬM ", "cham", "Issued late"])
def test_excel_reads_a_choice_by_title_or_key_and_stores_the_key(
    opened: Open, editor_a, typed: str
) -> None:
    client = browse(editor_a)
    response = upload(client, opened, {("1.1.1", excel.COL_VALUE): typed})
    assert response.status_code == 200, response.content.decode()[:1500]
    assert stored(opened, "1.1.1") == "cham"


def test_excel_refuses_a_title_without_diacritics(opened: Open, editor_a) -> None:
    response = upload(browse(editor_a), opened, {("1.1.1", excel.COL_VALUE): "Ban hanh cham"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "không phải là một phương án" in body and "Ban hành chậm" in body


def test_excel_numeric_ratio_cells_are_applied_exactly(opened: Open, editor_a) -> None:
    client = browse(editor_a)
    response = upload(
        client,
        opened,
        {("1.1.2", excel.COL_NUMERATOR): 950, ("1.1.2", excel.COL_DENOMINATOR): 1000},
    )
    assert response.status_code == 200, response.content.decode()[:1500]
    assert stored(opened, "1.1.2") == "950/1000"
