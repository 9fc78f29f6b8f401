"""Importing accounts from Excel: the template, then all-or-nothing — every problem listed by
sheet, row and column and nothing created unless the whole file is valid; a preview to
confirm; accounts created together, without passwords, each audited."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import load_workbook

from parindex.accounts import services
from parindex.accounts.models import AccountImport, Role, User
from parindex.audit.models import AuditEvent
from parindex.audit.selectors import events_for

from .accounts_fixtures import HEADER, Province, pending_create, upload, xlsx
from .factories import person

HTMX = {"HTTP_HX_REQUEST": "true"}

VALID = [
    ["le.van.c", "Lê Văn C", "c@example.vn", "unit_editor", "SNV", ""],
    ["le.van.c", "Lê Văn C", "c@example.vn", "unit_head", "STP", ""],
    ["pham.d", "Phạm D", "", "Thành viên tổ thẩm định", "", "4"],
    ["hoang.e", "Hoàng E", "e@example.vn", "council", "", ""],
]


def error_rows(html: str) -> list[tuple[str, str, str]]:
    """(sheet, row, column) of each problem listed on the page."""
    from .factories import table_rows

    return [tuple(row.cells[:3]) for row in table_rows(html) if len(row.cells) == 4]


def test_template(province: Province, admin_client) -> None:
    response = admin_client.get("/accounts/manage/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "parindex-accounts.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["accounts", "codes"]
    assert [c.value for c in workbook["accounts"][1]] == HEADER
    codes = [[c.value for c in row] for row in workbook["codes"].iter_rows()]
    assert [r[0] for r in codes[1:7]] == [r.value for r in Role]
    unit_codes = [r[3] for r in codes[1:] if r[3]]
    assert "SNV" in unit_codes
    assert "SKHDT" not in unit_codes  # closed on 28 February 2025
    assert [r[6] for r in codes[1:] if r[6]][:3] == ["1", "2", "3"]
    (roles,) = workbook["accounts"].data_validations.dataValidation
    assert str(roles.sqref) == "D2:D5001"
    assert roles.formula1 == "codes!$A$2:$A$7"


def test_the_filled_template_imports(province: Province, admin_client) -> None:
    workbook = load_workbook(
        io.BytesIO(admin_client.get("/accounts/manage/import/template.xlsx").content)
    )
    sheet = workbook["accounts"]
    for row in VALID:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(admin_client, buffer.getvalue())
    assert response.status_code == 302, response.content.decode()[:1500]


def test_valid_file_preview_then_create(province: Province, par_admin, admin_client) -> None:
    response = upload(admin_client, xlsx(VALID))
    account_import = AccountImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/manage/import/{account_import.pk}/"
    # Checked, not applied: nobody exists yet.
    assert not User.objects.filter(username__in=["le.van.c", "pham.d", "hoang.e"]).exists()
    preview = admin_client.get(response["Location"]).content.decode()
    assert "Tệp hợp lệ: sẽ tạo 3 tài khoản, không có mật khẩu." in preview
    assert "Thủ trưởng đơn vị · STP" in preview
    applied = admin_client.post(f"/accounts/manage/import/{account_import.pk}/apply/")
    assert applied.status_code == 302
    people = {
        u.username: u for u in User.objects.filter(username__in=["le.van.c", "pham.d", "hoang.e"])
    }
    assert len(people) == 3
    assert all(u.is_pending_activation for u in people.values())
    assert len({u.password for u in people.values()}) == 3  # distinct unusable values
    assert sorted(people["le.van.c"].roles.values_list("role", "unit__code")) == [
        ("unit_editor", "SNV"),
        ("unit_head", "STP"),
    ]
    assert list(people["pham.d"].roles.values_list("role", "area")) == [("appraiser", "4")]
    (event,) = events_for(target=people["le.van.c"])
    assert (event.action, event.actor_id) == ("account.create", par_admin.pk)
    assert event.reason == "Nhập từ tệp nhan-su.xlsx"
    assert [r["row"] for r in event.after["roles"]] == [2, 3]
    assert [e.action for e in events_for(target=account_import)] == [
        "account.import_check",
        "account.import_apply",
    ]
    done = admin_client.get(response["Location"]).content.decode()
    assert "Đã tạo 3 tài khoản" in done
    assert 'href="/accounts/manage/activations/"' in done


def test_codes_are_matched_without_regard_to_case(province, par_admin, admin_client) -> None:
    rows = [
        ["vu.f", "Vũ F", "", "unit_editor", "snv", ""],
        ["vu.f", "Vũ F", "", "appraiser", "", "b"],
    ]
    upload(admin_client, xlsx(rows))
    services.account_import_apply(actor=par_admin, account_import=AccountImport.objects.get())
    user = User.objects.get(username="vu.f")
    assert sorted(user.roles.values_list("role", "unit__code", "area")) == [
        ("appraiser", None, "B"),
        ("unit_editor", "SNV", ""),
    ]


def test_apply_twice_creates_once(province, admin_client) -> None:
    upload(admin_client, xlsx(VALID))
    account_import = AccountImport.objects.get()
    url = f"/accounts/manage/import/{account_import.pk}/apply/"
    admin_client.post(url)
    second = admin_client.post(url, follow=True)
    assert "Tệp này đã được nhập rồi." in second.content.decode()
    assert User.objects.filter(username="le.van.c").count() == 1
    assert AuditEvent.objects.filter(action="account.import_apply").count() == 1


CASES = [
    # (row, what is wrong, column reported, words of the message)
    (["", "Không Tên", "", "viewer", "", ""], "username", "Thiếu tên đăng nhập."),
    (["co dau cach", "X", "", "viewer", "", ""], "username", "không phải tên đăng nhập hợp lệ"),
    (["x1", "", "", "viewer", "", ""], "full_name", "Thiếu họ và tên."),
    (
        ["x2", "X Hai", "khong-phai-thu", "viewer", "", ""],
        "email",
        "không phải địa chỉ thư điện tử hợp lệ",
    ),
    (["x3", "X Ba", "", "giam.doc", "", ""], "role", "Không có vai trò “giam.doc”"),
    (["x4", "X Bốn", "", "", "", ""], "role", "Thiếu vai trò."),
    (["x5", "X Năm", "", "unit_editor", "", ""], "unit_code", "Vai trò của đơn vị cần có đơn vị."),
    (
        ["x6", "X Sáu", "", "unit_editor", "KHONGCO", ""],
        "unit_code",
        "Không có mã đơn vị “KHONGCO”.",
    ),
    (
        ["x7", "X Bảy", "", "unit_editor", "SKHDT", ""],
        "unit_code",
        "đã chấm dứt hoạt động ngày 2025-02-28",
    ),
    (
        ["x8", "X Tám", "", "appraiser", "", ""],
        "area_code",
        "Thành viên tổ thẩm định cần có lĩnh vực.",
    ),
    (["x9", "X Chín", "", "appraiser", "", "99"], "area_code", "Không có mã lĩnh vực “99”"),
    (
        ["x10", "X Mười", "", "appraiser", "SNV", "1"],
        "unit_code",
        "gắn với lĩnh vực, không gắn với đơn vị",
    ),
    (["x11", "X 11", "", "viewer", "SNV", ""], "unit_code", "Vai trò này áp dụng toàn tỉnh"),
    (["par.admin", "Trùng", "", "viewer", "", ""], "username", "Đã có tài khoản “par.admin”"),
    (
        ["x12", "X 12", "dung.roi@example.vn", "viewer", "", ""],
        "email",
        "đã thuộc về tài khoản “da.co”",
    ),
]


@pytest.mark.parametrize(
    ("row", "column", "message"), CASES, ids=[c[1] + ":" + c[2][:20] for c in CASES]
)
def test_each_problem_is_reported_where_it_is(
    province, par_admin, admin_client, row: list[str], column: str, message: str
) -> None:
    person("da.co", Role.VIEWER).__class__.objects.filter(username="da.co").update(
        email="dung.roi@example.vn"
    )
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = upload(admin_client, xlsx([VALID[0], row, VALID[3]]))
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert ("accounts", "3", column) in error_rows(html)
    assert "chưa tạo tài khoản nào" in html
    # Nothing at all: not the valid rows either, and no import kept.
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)
    assert not AccountImport.objects.exists()


def test_all_problems_at_once_across_rows(province, admin_client) -> None:
    rows = [
        ["trung.ten", "Nguyễn Một", "", "viewer", "", ""],
        ["trung.ten", "Nguyễn Hai", "", "council", "", ""],  # same username, another name
        ["trung.ten", "Nguyễn Một", "", "viewer", "", ""],  # same role twice
        ["TRUNG.TEN", "Nguyễn Một", "", "council", "", ""],  # spelled differently
        ["mot", "Một", "chung@example.vn", "viewer", "", ""],
        ["hai", "Hai", "chung@example.vn", "viewer", "", ""],  # e-mail of another person
        ["ba", "Ba", "ba@example.vn", "viewer", "", ""],
        ["ba", "Ba", "", "council", "", ""],  # another e-mail for the same person
        ["bon", "Bốn", "", "unit_editor", "", "1"],  # no unit, and an area
    ]
    html = upload(admin_client, xlsx(rows, sheet="Danh sách")).content.decode()
    found = error_rows(html)
    assert found == [
        ("Danh sách", "3", "full_name"),
        ("Danh sách", "4", "role"),
        ("Danh sách", "5", "username"),
        ("Danh sách", "7", "email"),
        ("Danh sách", "9", "email"),
        ("Danh sách", "10", "unit_code"),
    ]
    assert "Tên đăng nhập “trung.ten” có họ và tên “Nguyễn Một” ở dòng 2." in html
    assert "Cùng vai trò và phạm vi này đã có ở dòng 2." in html
    assert "Tệp có 6 lỗi; chưa tạo tài khoản nào." in html
    assert not User.objects.filter(username__in=["trung.ten", "mot", "hai", "ba", "bon"]).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not a workbook", "Tệp không phải là bảng tính Excel (.xlsx)."),
        (b"", "Tập tin được gửi là rỗng."),
        (
            xlsx([["a", "A", "", "viewer"]], header=["username", "full_name", "email", "role"]),
            "Thiếu cột “unit_code”.",
        ),
        (xlsx([]), "Trang tính không có dòng tài khoản nào."),
    ],
    ids=["pdf", "empty-file", "missing-columns", "no-rows"],
)
def test_bad_files(province, admin_client, data: bytes, message: str) -> None:
    response = upload(admin_client, data)
    assert message in response.content.decode()
    assert not AccountImport.objects.exists()


def test_size_and_row_limits(province, admin_client, monkeypatch) -> None:
    from parindex.accounts import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    html = upload(admin_client, xlsx(VALID)).content.decode()
    assert "Tệp có hơn 3 dòng; hãy chia thành nhiều tệp." in html
    monkeypatch.setattr(spreadsheet, "MAX_BYTES", 100)
    html = upload(admin_client, xlsx(VALID)).content.decode()
    assert "Tệp lớn hơn 0 MB." in html
    assert not AccountImport.objects.exists()


def test_the_database_is_checked_again_when_confirming(province, par_admin, admin_client) -> None:
    upload(admin_client, xlsx(VALID))
    account_import = AccountImport.objects.get()
    # Meanwhile somebody creates one of the accounts by hand.
    pending_create(par_admin, "hoang.e", email="", role=Role.VIEWER)
    preview = admin_client.get(f"/accounts/manage/import/{account_import.pk}/").content.decode()
    assert "Dữ liệu đã thay đổi kể từ khi kiểm tra tệp." in preview
    response = admin_client.post(f"/accounts/manage/import/{account_import.pk}/apply/", follow=True)
    assert "Tệp có 1 lỗi." in response.content.decode()
    assert not User.objects.filter(username__in=["le.van.c", "pham.d"]).exists()
    account_import.refresh_from_db()
    assert account_import.state == AccountImport.State.CHECKED


def test_htmx_upload(province, admin_client) -> None:
    bad = upload(admin_client, xlsx([["x", "", "", "viewer", "", ""]]), **HTMX)
    assert bad.status_code == 200
    assert "<html" not in bad.content.decode()
    assert "Thiếu họ và tên." in bad.content.decode()
    good = upload(admin_client, xlsx(VALID), **HTMX)
    assert good["HX-Redirect"] == f"/accounts/manage/import/{AccountImport.objects.get().pk}/"
    page = admin_client.get("/accounts/manage/import/").content.decode()
    assert 'hx-post="/accounts/manage/import/"' in page
    assert 'method="post" enctype="multipart/form-data"' in page
    assert '<progress id="import-progress"' in page


def test_large_file(province, par_admin, admin_client, capsys) -> None:
    """A province-sized file: 1,000 people in 2,000 rows, checked and created in one go."""
    rows = []
    for n in range(1000):
        rows.append(
            [
                f"cb{n:04d}",
                f"Cán bộ {n}",
                f"cb{n:04d}@example.vn",
                "unit_editor",
                "SNV" if n % 2 else "STP",
                "",
            ]
        )
        rows.append(
            [f"cb{n:04d}", f"Cán bộ {n}", f"cb{n:04d}@example.vn", "appraiser", "", str(1 + n % 8)]
        )
    data = xlsx(rows)
    started = time.perf_counter()
    response = upload(admin_client, data)
    checked = time.perf_counter()
    assert response.status_code == 302
    account_import = AccountImport.objects.get()
    users = services.account_import_apply(actor=par_admin, account_import=account_import)
    applied = time.perf_counter()
    assert len(users) == 1000
    assert User.objects.filter(username__startswith="cb", password__startswith="!").count() == 1000
    assert AuditEvent.objects.filter(action="account.create").count() == 1000
    with capsys.disabled():
        print(
            f"\n[accounts import] 2,000 rows ({len(data) // 1024} kB): checked in "
            f"{checked - started:.2f} s, 1,000 accounts created in {applied - checked:.2f} s"
        )
