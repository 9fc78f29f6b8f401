"""Accounts in the browser: the PAR administrator creates an account and sends its activation
link; the person opens it, chooses a password and logs in; the administrator imports a file
(htmx upload, preview, confirm) and prints the pending activations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core import mail
from openpyxl import Workbook
from playwright.sync_api import Page, expect
from web.factories import PASSWORD, World, admin_create

from parindex.accounts.models import User

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Cai-cach-hanh-chinh-2025"


def log_in(page: Page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("header .who")).to_be_visible()


def test_create_activate_and_log_in(
    page: Page, browser, live_server, world: World, artifacts: Path
) -> None:
    admin_create()
    log_in(page, "admin", PASSWORD)
    page.get_by_role("link", name="Tài khoản").click()
    expect(page.locator("h1")).to_have_text("Tài khoản")
    page.get_by_role("link", name="Tạo tài khoản").click()
    page.fill("#id_username", "nguyen.thi.lan")
    page.fill("#id_full_name", "Nguyễn Thị Lan")
    page.fill("#id_email", "lan@example.vn")
    page.select_option("#id_roles-0-role", "unit_editor")
    page.select_option("#id_roles-0-unit", label="SNV — Sở Nội vụ")
    page.select_option("#id_roles-1-role", "appraiser")
    page.select_option("#id_roles-1-area", value="2")
    page.screenshot(path=artifacts / "accounts-create.png", full_page=True)
    page.get_by_role("button", name="Tạo tài khoản").click()
    expect(page.locator("h1")).to_contain_text("Nguyễn Thị Lan")
    expect(page.locator("dl.summary")).to_contain_text("Chờ kích hoạt")
    page.get_by_role("button", name="Gửi đường dẫn kích hoạt").click()
    expect(page.locator("p.message")).to_contain_text(
        "Đã gửi đường dẫn kích hoạt tới lan@example.vn"
    )
    page.screenshot(path=artifacts / "accounts-detail.png", full_page=True)

    (message,) = mail.outbox
    link = re.search(r"(http://\S+/accounts/activate/\S+/)", message.body).group(1)
    assert link.startswith(live_server.url)

    person = browser.new_context(base_url=live_server.url).new_page()
    person.goto(link)
    expect(person).to_have_url(re.compile(r"/set-password/$"))
    expect(person.locator("h1")).to_have_text("Kích hoạt tài khoản")
    person.fill("#id_new_password1", NEW_PASSWORD)
    person.fill("#id_new_password2", NEW_PASSWORD)
    person.get_by_role("button", name="Đặt mật khẩu").click()
    expect(person).to_have_url(re.compile(r"/accounts/login/$"))
    expect(person.locator("p.message")).to_contain_text("Mật khẩu đã được đặt")
    log_in(person, "nguyen.thi.lan", NEW_PASSWORD)
    expect(person.locator("header .who")).to_have_text("Nguyễn Thị Lan")
    expect(person.get_by_role("link", name="Tài khoản")).to_have_count(0)
    # The link was used up.
    person.goto(link)
    expect(person.locator("p.errors")).to_contain_text("không còn hiệu lực")
    person.context.close()

    page.reload()
    expect(page.locator("dl.summary")).to_contain_text("Đang hoạt động")
    expect(page.locator("table.history")).to_contain_text("Người dùng tự đặt mật khẩu (kích hoạt)")


def test_import_with_preview_then_print_the_links(
    page: Page, world: World, artifacts: Path, tmp_path: Path
) -> None:
    admin_create()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "accounts"
    sheet.append(["username", "full_name", "email", "role", "unit_code", "area_code"])
    sheet.append(["tran.b", "Trần B", "", "unit_head", "STP", ""])
    sheet.append(["le.c", "Lê C", "", "sai_vai_tro", "", ""])
    bad = tmp_path / "sai.xlsx"
    workbook.save(bad)
    sheet.delete_rows(3)
    sheet.append(["le.c", "Lê C", "", "council", "", ""])
    good = tmp_path / "dung.xlsx"
    workbook.save(good)

    log_in(page, "admin", PASSWORD)
    page.goto("/accounts/manage/import/")
    page.set_input_files("#id_file", str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    errors = page.locator("table.import-errors")
    expect(errors).to_contain_text("sai_vai_tro")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(1)).to_have_text("3")
    page.screenshot(path=artifacts / "accounts-import-errors.png", full_page=True)
    assert not User.objects.filter(username="tran.b").exists()

    page.set_input_files("#id_file", str(good))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page).to_have_url(re.compile(r"/accounts/manage/import/\d+/$"))
    expect(page.locator("main")).to_contain_text("Tệp hợp lệ: sẽ tạo 2 tài khoản")
    page.get_by_role("button", name="Tạo 2 tài khoản").click()
    expect(page.locator("main")).to_contain_text("Đã tạo 2 tài khoản")
    page.get_by_role("link", name="Gửi đường dẫn kích hoạt").click()
    page.get_by_role(
        "button", name="Cấp đường dẫn cho mọi người chưa có đường dẫn còn hiệu lực"
    ).click()
    links = page.locator("table.activations code.link")
    expect(links).to_have_count(2)
    page.emulate_media(media="print")
    page.screenshot(path=artifacts / "accounts-activations-print.png", full_page=True)
    expect(page.locator("header.top")).to_be_hidden()
    expect(links.first).to_be_visible()


def test_upload_progress_is_shown(page: Page, world: World, tmp_path: Path) -> None:
    """A large file on a slow line: the bar follows the bytes sent, then the preview opens."""
    admin_create()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "accounts"
    sheet.append(["username", "full_name", "email", "role", "unit_code", "area_code"])
    for n in range(3000):
        sheet.append([f"cb{n:04d}", f"Cán bộ {n}", "", "viewer", "", ""])
    big = tmp_path / "lon.xlsx"
    workbook.save(big)

    log_in(page, "admin", PASSWORD)
    page.goto("/accounts/manage/import/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 40_000},
    )
    page.set_input_files("#id_file", str(big))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    bar = page.locator("#import-progress")
    expect(bar).to_be_visible()
    page.wait_for_function("document.getElementById('import-progress').value > 0", timeout=10_000)
    expect(page.locator("#import-progress-text")).to_contain_text("%")
    expect(page).to_have_url(re.compile(r"/accounts/manage/import/\d+/$"), timeout=30_000)
    expect(page.locator("main")).to_contain_text("Tệp hợp lệ: sẽ tạo 3000 tài khoản")
