"""Imports are bounded: a workbook's archive is checked before openpyxl opens it, a sheet is
read no further than its limits, a control character or an over-long cell is refused by row and
column, and a file with thousands of problems lists the first ones and counts the rest."""

from __future__ import annotations

import datetime
import io
import zipfile

from openpyxl import Workbook

from parindex.accounts import spreadsheet
from parindex.surveys.models import Questionnaire, SurveyForm, SurveyJob

from .surveys_fixtures import HEADER, row, upload

ACCOUNT_HEADER = list(spreadsheet.COLUMNS)
LOOKUP = spreadsheet.Lookup(
    units={}, areas={}, usernames=set(), emails={}, today=datetime.date(2025, 1, 1)
)


def book_bytes(rows: list[list[object]], far: tuple[int, int] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in rows:
        sheet.append(cells)
    if far is not None:  # a cell far away: the sheet then declares a huge used range
        sheet.cell(*far, "x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, replace: dict[str, str] | None = None, pad: int = 0) -> bytes:
    """The workbook with text replaced inside its XML (``_x0000_`` is how an .xlsx writes a NUL),
    and a part of ``pad`` zero bytes added: a few kilobytes that declare ``pad`` unpacked."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item.filename)
            for old, new in (replace or {}).items():
                content = content.replace(old.encode(), new.encode())
            target.writestr(item.filename, content)
        if pad:
            target.writestr("xl/media/padding.bin", b"\0" * pad)
    return out.getvalue()


# -- accounts ---------------------------------------------------------------------------------


def test_accounts_zip_bomb_refused_before_opening() -> None:
    data = rewritten(book_bytes([ACCOUNT_HEADER, ["an", "An", "", "viewer", "", ""]]), pad=64 << 20)
    assert len(data) < 200_000
    _sheet, rows, errors = spreadsheet.read_rows(data)
    assert rows == [] and len(errors) == 1
    assert "20 MB" in errors[0].message


def test_accounts_huge_declared_range_refused_without_reading_it() -> None:
    data = book_bytes([ACCOUNT_HEADER, ["an", "An", "", "viewer", "", ""]], far=(1048576, 16384))
    assert len(data) < 20_000
    _sheet, rows, errors = spreadsheet.read_rows(data)
    assert rows == []
    assert [(e.row, e.field) for e in errors] == [(1048576, "")]
    assert "5000" in errors[0].message


def test_accounts_control_character_and_long_cell_named_by_row_and_column() -> None:
    data = rewritten(
        book_bytes(
            [
                ACCOUNT_HEADER,
                ["an", "NAMEWITHNUL", "", "viewer", "", ""],
                ["binh", "Bình", "b@example.org", "viewer", "x" * 5000, ""],
            ]
        ),
        {"NAMEWITHNUL": "Nguyễn\x7fAn"},
    )
    _sheet, rows, errors = spreadsheet.read_rows(data)
    assert rows == []
    assert [(e.row, e.field) for e in errors] == [(2, "full_name"), (3, "unit_code")]
    assert "U+007F" in errors[0].message
    assert "254" in errors[1].message and len(errors[1].message) < 200


def test_accounts_email_longer_than_its_column_refused() -> None:
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".org"
    assert len(email) > 254
    _people, errors = spreadsheet.check_rows(
        "accounts",
        [{"row": 2, "username": "an", "full_name": "An", "email": email, "role": "viewer"}],
        LOOKUP,
    )
    assert [(e.row, e.field) for e in errors] == [(2, "email")]


def test_accounts_many_problems_first_hundred_then_a_count() -> None:
    rows = [
        {"row": n, "username": f"u{n}", "full_name": "X", "email": "", "role": "nope"}
        for n in range(2, 5002)
    ]
    _people, errors = spreadsheet.check_rows("accounts", rows, LOOKUP)
    assert len(errors) == 101
    assert errors[99].row == 101
    assert errors[100].message == "… và 4.900 lỗi khác."
    assert sum(len(e.message) for e in errors) < 100_000


# -- survey responses -------------------------------------------------------------------------


def post(visit, survey: Questionnaire, content: bytes, name: str) -> SurveyJob:  # type: ignore[no-untyped-def]
    visit("admin").post(f"/surveys/{survey.pk}/responses/", {"file": upload(content, name)})
    return SurveyJob.objects.order_by("-pk").first()


def survey_rows(rows: list[str]) -> list[list[object]]:
    return [HEADER.split(","), *(r.split(",") for r in rows)]


def test_survey_zip_bomb_refused_before_opening(survey: Questionnaire, visit) -> None:
    data = rewritten(book_bytes(survey_rows([row("s1", "LD", "SNV", "A")])), pad=1100 << 20)
    assert len(data) < 2_000_000
    job = post(visit, survey, data, "bomb.xlsx")
    assert job.state == "failed"
    assert job.errors == [
        "bomb.xlsx: tệp bảng tính giải nén ra hơn 1.024 MB dữ liệu: hãy xuất lại tệp, hoặc xuất "
        "dạng CSV"
    ]
    assert SurveyForm.objects.count() == 0


def test_survey_huge_shared_string_errors_stay_small(survey: Questionnaire, visit) -> None:
    """A 2 MB string shared by every row's group cell: each error used to quote it whole."""
    rows = [row(f"s{n}", "HUGE", "SNV", "A") for n in range(300)]
    data = rewritten(book_bytes(survey_rows(rows)), {">HUGE<": ">" + "Z" * 2_000_000 + "<"})
    assert len(data) < 1_000_000
    job = post(visit, survey, data, "huge.xlsx")
    assert job.state == "failed"
    stored = SurveyJob.objects.filter(pk=job.pk).values_list("errors", flat=True).get()
    assert sum(len(e) for e in stored) < 100_000
    assert stored[0].startswith('huge.xlsx, trang tính "Sheet", dòng 2, cột group')
    assert "200" in stored[0]


def test_survey_control_character_named_by_row_and_column(survey: Questionnaire, visit) -> None:
    good = row("s1", "LD", "SNV", "A")
    bad = row("s2X", "LD", "SNV", "A")
    data = rewritten(book_bytes(survey_rows([good, bad])), {"s2X": "s2\x7f"})
    job = post(visit, survey, data, "nul.xlsx")
    assert job.state == "failed"
    assert job.errors[0].startswith('nul.xlsx, trang tính "Sheet", dòng 3, cột response')
    assert "U+007F" in job.errors[0]
    csv = ("\n".join([HEADER, good, bad.replace("s2X", "s2\x01")]) + "\n").encode()
    job = post(visit, survey, csv, "ctl.csv")
    assert job.state == "failed"
    assert job.errors[0].startswith("ctl.csv:3, cột response")
    assert SurveyForm.objects.count() == 0


def test_survey_sheet_declaring_too_many_columns(survey: Questionnaire, visit) -> None:
    data = book_bytes(survey_rows([row("s1", "LD", "SNV", "A")]), far=(3, 16384))
    job = post(visit, survey, data, "wide.xlsx")
    assert job.state == "failed"
    assert "16.384 cột" in job.errors[0]


def test_xml_that_is_not_well_formed_is_not_a_workbook() -> None:
    """A character reference XML forbids (``&#0;``) is a broken file, never a server error."""
    accounts = rewritten(
        book_bytes([ACCOUNT_HEADER, ["an", "NAMEX", "", "viewer", "", ""]]), {"NAMEX": "a&#0;b"}
    )
    _sheet, rows, errors = spreadsheet.read_rows(accounts)
    assert rows == [] and [e.message for e in errors] == [
        "Tệp không phải là bảng tính Excel (.xlsx)."
    ]
