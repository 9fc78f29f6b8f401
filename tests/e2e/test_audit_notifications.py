"""In the browser: the bell and marking a notification read without leaving the page; the
audit log filtered through htmx, down to a leaf's change history."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from playwright.sync_api import Page, expect
from web.factories import PASSWORD, World, admin_create, person

from parindex.accounts.models import Role
from parindex.audit.services import audit_record
from parindex.notifications.models import Notification
from parindex.notifications.services import notify

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, username: str, next_url: str) -> None:
    page.goto(next_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(next_url)}$"))


def test_bell_and_mark_read_in_place(page: Page, world: World) -> None:
    editor = person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    notify(recipients=[editor], verb="x", message="Hạn nộp tự đánh giá sắp đến", email=False)
    notify(recipients=[editor], verb="x", message="Đã có kết quả thẩm định", email=False)
    log_in(page, "editor.a", "/notifications/")
    expect(page.locator("a.bell .count")).to_have_text("2")
    page.evaluate("window.stillTheSamePage = true")
    item = page.locator("li.notification", has_text="Đã có kết quả thẩm định")
    item.get_by_role("button", name="Đánh dấu đã đọc").click()
    expect(item.get_by_role("button", name="Đánh dấu đã đọc")).to_have_count(0)
    assert page.evaluate("window.stillTheSamePage") is True  # swapped by htmx, not reloaded
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
    page.reload()
    expect(page.locator("a.bell .count")).to_have_text("1")


def test_audit_log_filter_and_leaf_history(page: Page, world: World) -> None:
    admin_create()
    with transaction.atomic():
        for unit, value in ((world.unit_a, "2"), (world.unit_b, "1"), (world.unit_a, "3")):
            audit_record(
                actor=None,
                action="answer.value",
                cycle_id=world.current.pk,
                unit_id=unit.pk,
                leaf_code="1.1.1",
                before=None,
                after={"value": value},
                reason=f"giá trị {value}",
            )
    log_in(page, "admin", "/audit/")
    # The three values, beside the creation of the administrator's own account.
    leaf_rows = page.locator("table.audit-log > tbody > tr").filter(
        has=page.get_by_role("link", name="1.1.1")
    )
    expect(leaf_rows).to_have_count(3)
    page.evaluate("window.stillTheSamePage = true")
    page.select_option("#id_unit", world.unit_b.code)
    expect(page.locator("table.audit-log > tbody > tr")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"unit={world.unit_b.code}"))
    assert page.evaluate("window.stillTheSamePage") is True
    page.select_option("#id_unit", world.unit_a.code)
    expect(page.locator("table.audit-log > tbody > tr")).to_have_count(2)
    page.locator("table.audit-log > tbody > tr").first.get_by_role("link", name="1.1.1").click()
    expect(page.locator("h1")).to_have_text("Lịch sử thay đổi")
    rows = page.locator("section.audit-history > div > table > tbody > tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("giá trị 2")
    expect(rows.nth(1)).to_contain_text("giá trị 3")
