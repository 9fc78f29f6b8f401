"""The improvement plan in the browser: the administrator opens the points-lost view and creates
tasks from the top nodes; a lead agency reports progress with evidence; the dashboard shows it;
the what-if view shows the projected index and rank."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from web import evidence_samples as samples
from web.factories import PASSWORD, World, admin_create, person
from web.plans_fixtures import leads_create

from parindex.accounts.models import Role
from parindex.evidence.models import Evidence
from parindex.plans.models import Task
from parindex.plans.services import plan_create

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, username: str, next_url: str) -> None:
    page.goto(next_url)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(next_url)}$"))


def test_points_lost_to_tasks_progress_dashboard_and_what_if(
    page: Page,
    browser: Browser,
    live_server,
    world: World,
    settings,
    tmp_path: Path,
    artifacts: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    leads_create()
    admin_create()
    plan = plan_create(
        number="252/KH-UBND",
        title="Kế hoạch nâng cao Chỉ số CCHC giai đoạn 2024-2026",
        issued_on=world.published.published_at.date(),  # type: ignore[union-attr]
        issuer="Ủy ban nhân dân tỉnh",
        start_year=2024,
        end_year=2026,
        framework_version=world.version,
    )

    # The administrator opens the points-lost view of the 2024 results.
    losses = f"/plans/{plan.pk}/points-lost/?cycle={world.current.pk}"
    log_in(page, "admin", losses)
    expect(page.locator("h1")).to_have_text("Điểm bị mất")
    expect(page.locator("#losses .chart svg")).to_be_visible()  # the Pareto chart
    rows = page.locator("table.losses tbody tr")
    top = [rows.nth(i).locator("strong.code").inner_text() for i in range(2)]
    for i in range(2):
        rows.nth(i).locator("input[type=checkbox]").check()
    page.screenshot(path=artifacts / "plan-points-lost.png", full_page=True)
    page.get_by_role("button", name="Tạo nhiệm vụ dự thảo từ các tiêu chí đã chọn").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.locator("p.message")).to_contain_text("Đã tạo 2 nhiệm vụ dự thảo")
    created = list(Task.objects.filter(plan=plan).order_by("pk"))
    assert [t.node_codes[0] for t in created] == top
    assert all(t.status == Task.Status.DRAFT and t.expected_points for t in created)

    # The administrator confirms the first draft: it enters the plan, not started.
    task = created[0]
    page.goto(f"/plans/tasks/{task.pk}/edit/")
    page.select_option("#id_status", "not_started")
    page.get_by_role("button", name="Lưu").click()
    expect(page).to_have_url(re.compile(rf"/plans/tasks/{task.pk}/$"))
    expect(page.locator("span.state")).to_have_text("Chưa thực hiện")

    # The lead agency reports progress with a file of evidence.
    person("editor.lead", Role.UNIT_EDITOR, task.lead_agency)
    lead_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    lead = lead_context.new_page()
    log_in(lead, "editor.lead", f"/plans/tasks/{task.pk}/")
    lead.fill("#id_percent", "100")
    lead.fill("#id_text", "Đã khắc phục toàn bộ tồn tại ở tiêu chí này.")
    lead.set_input_files(
        "#id_files",
        files=[
            {
                "name": "Báo cáo khắc phục.pdf",
                "mimeType": "application/pdf",
                "buffer": samples.pdf("Khắc phục"),
            }
        ],
    )
    lead.get_by_role("button", name="Gửi báo cáo").click()
    expect(lead.locator("p.message")).to_contain_text("Đã gửi báo cáo tiến độ")
    report = lead.locator("article.report").first
    expect(report).to_contain_text("100%")
    expect(report.locator("ul.evidence")).to_contain_text("Báo cáo khắc phục.pdf")
    expect(lead.locator("span.state")).to_have_text("Hoàn thành")
    assert Evidence.objects.filter(unit=task.lead_agency).count() == 1
    lead.screenshot(path=artifacts / "plan-task-report.png", full_page=True)
    lead_context.close()

    # The dashboard shows it: one task done, the other still a draft.
    page.goto(f"/plans/{plan.pk}/")
    expect(page.locator("#count-done")).to_have_text("1")
    done_row = page.locator("table.tasks tr.status-done")
    expect(done_row).to_contain_text(task.title)
    expect(done_row).to_contain_text("100")
    expect(page.locator("table.tasks tr.status-draft")).to_have_count(1)
    expect(page.locator(".chart svg")).to_be_visible()  # the timeline
    page.screenshot(path=artifacts / "plan-dashboard.png", full_page=True)

    # The what-if view: the unit that lost most on the top node regains it.
    unit = task.lead_agency if task.lead_agency in world.units else world.unit_b
    page.goto(f"/plans/{plan.pk}/what-if/?cycle={world.current.pk}&scope=unit:{unit.code}")
    page.locator(f"input[name=nodes][value='{top[0]}']").check()
    page.locator(f"input[name=nodes][value='{top[1]}']").check()
    page.get_by_role("button", name="Tính giả định").click()
    expect(page.locator("#projection")).to_be_visible()
    expect(page.locator("#projected-index")).to_contain_text("→")
    expect(page.locator("#projected-rank")).to_contain_text("→")
    before, after = (
        float(x.strip().replace(",", "."))
        for x in page.locator("#projected-index").inner_text().split("→")
    )
    assert after >= before
    page.screenshot(path=artifacts / "plan-what-if.png", full_page=True)
