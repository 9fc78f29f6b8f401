"""A unit's self-assessment in the browser: an editor fills leaves and watches the points update
as she types (nothing saved until she saves), saves each leaf on its own, uploads evidence; the
unit head submits, once, and the page locks."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from web.evidence_samples import pdf
from web.factories import PASSWORD, World, admin_create, person

from parindex.accounts.models import Role
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.services import answer_evidence_link, cycle_open, missing_evidence
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_reference
from parindex.results.models import Answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def log_in(page: Page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_editor_fills_leaves_uploads_evidence_and_the_head_submits(
    page: Page, world: World, browser, live_server, artifacts: Path, tmp_path: Path
) -> None:
    admin = admin_create()
    editor = person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    person("head.a", Role.UNIT_HEAD, world.unit_a)
    now = timezone.now()
    cycle = Cycle.objects.create(
        year=2025, title="Chỉ số CCHC năm 2025", framework_version=world.version
    )
    cycle.units.set(world.units)
    cycle_open(
        cycle=cycle,
        windows={Stage.SELF_ASSESSMENT: (now - DAY, now + 10 * DAY)},
        actor=admin,
    )
    assessment = Assessment.objects.get(cycle=cycle, unit=world.unit_a)
    # Evidence for every required leaf but the two the editor handles in the browser.
    report = evidence_reference(
        unit=world.unit_a,
        user=editor,
        number="9/BC",
        issued_on=datetime.date(2025, 11, 1),
        issuer="Sở Nội vụ",
        title="Báo cáo CCHC năm 2025",
    )
    for leaf in missing_evidence(assessment):
        if leaf.code not in ("1.1.1", "1.1.2"):
            answer_evidence_link(
                assessment=assessment, leaf_code=leaf.code, evidence=report, actor=editor
            )
    url = f"/assessments/{cycle.pk}/{world.unit_a.code}/"

    log_in(page, "editor.a", url)
    expect(page.locator("h1")).to_contain_text("Sở Nội vụ")
    expect(page.locator(".countdown")).to_contain_text("còn 9 ngày")
    leaf = page.locator('article[data-leaf="1.1.2"]')
    score = leaf.locator(".score")
    expect(score).to_contain_text("Chưa có giá trị")

    # Points update as she types, from the core, before anything is saved.
    leaf.locator('input[name="numerator"]').fill("45")
    leaf.locator('input[name="denominator"]').fill("50")
    expect(score).to_contain_text("Tỷ lệ 45/50 = 90% ≥ mức 80% → 1,5 điểm")
    expect(score).to_contain_text("chưa lưu")
    leaf.locator('input[name="denominator"]').fill("45")
    expect(score).to_contain_text("Tỷ lệ 45/45 = 100% ≥ mức 100% → 2 điểm")
    assert not Answer.objects.filter(cycle=cycle).exists()

    # Each leaf saves on its own; the summary follows.
    leaf.locator("button.save").click()
    leaf = page.locator('article[data-leaf="1.1.2"]')
    expect(leaf.locator(".message")).to_have_text("Đã lưu.")
    expect(page.locator("#assessment-summary")).to_contain_text("Đã kê khai: 1/")
    choice = page.locator('article[data-leaf="1.1.1"]')
    choice.locator('select[name="value"]').select_option("cham")
    expect(choice.locator(".score")).to_contain_text("Lựa chọn «Ban hành chậm» → 0,5 điểm")
    choice.locator("button.save").click()
    expect(page.locator('article[data-leaf="1.1.1"] .message')).to_have_text("Đã lưu.")
    expect(page.locator("#assessment-summary")).to_contain_text("Đã kê khai: 2/")
    values = dict(Answer.objects.filter(cycle=cycle).values_list("leaf_code", "value"))
    assert values == {"1.1.2": "45/45", "1.1.1": "cham"}

    # Evidence: upload a file on one leaf, attach it from the library to the other.
    expect(page.locator(".missing-evidence")).to_contain_text("1.1.1")
    leaf = page.locator('article[data-leaf="1.1.2"]')
    leaf.locator("summary", has_text="Thêm tài liệu kiểm chứng").click()
    document = tmp_path / "ke-hoach-2025.pdf"
    document.write_bytes(pdf("Ke hoach CCHC 2025"))
    leaf.locator('input[type="file"]').set_input_files(str(document))
    leaf.locator("button", has_text="Tải lên và gắn").click()
    leaf = page.locator('article[data-leaf="1.1.2"]')
    expect(leaf.locator(".evidence-links")).to_contain_text("ke-hoach-2025.pdf")
    choice = page.locator('article[data-leaf="1.1.1"]')
    choice.locator("summary", has_text="Thêm tài liệu kiểm chứng").click()
    choice.locator('select[name="evidence"]').select_option(label="ke-hoach-2025.pdf")
    choice.locator("button", has_text="Gắn").first.click()
    expect(page.locator('article[data-leaf="1.1.1"] .evidence-links')).to_contain_text(
        "ke-hoach-2025.pdf"
    )
    expect(page.locator(".missing-evidence")).to_have_count(0)
    page.screenshot(path=artifacts / "self-assessment.png", full_page=False)

    # The head double-clicks "Submit now": one submission is recorded.
    head_context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    head = head_context.new_page()
    log_in(head, "head.a", url)
    head.get_by_role("link", name="Nộp hồ sơ tự đánh giá").click()
    expect(head.locator("h1")).to_have_text("Nộp hồ sơ tự đánh giá")
    head.get_by_role("button", name="Nộp ngay").dblclick()
    expect(head).to_have_url(re.compile(re.escape(url) + "$"))
    expect(head.locator(".message")).to_contain_text("Đã nộp hồ sơ tự đánh giá")
    expect(head.locator(".state")).to_have_text("Đã nộp")
    expect(head.locator("button.save")).to_have_count(0)
    head_context.close()
    assessment.refresh_from_db()
    assert assessment.state == "submitted" and assessment.submitted_by.username == "head.a"
    submissions = AuditEvent.objects.filter(action="assessment.submit", unit=world.unit_a)
    assert submissions.count() == 1
    assert submissions.get().after["state"] == "submitted"

    # The editor's open page is now stale: her next save is refused by the server.
    leaf = page.locator('article[data-leaf="1.2"]')
    leaf.locator('input[name="value"]').fill("1")
    leaf.locator("button.save").click()
    expect(page.locator('article[data-leaf="1.2"] .errors')).to_contain_text("đã được nộp")
    assert not Answer.objects.filter(cycle=cycle, leaf_code="1.2").exists()


def test_the_deadline_countdown_keeps_ticking_in_the_browser(page: Page, world: World) -> None:
    admin = admin_create()
    person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    now = timezone.now()
    cycle = Cycle.objects.create(
        year=2025, title="Chỉ số CCHC năm 2025", framework_version=world.version
    )
    cycle.units.set(world.units)
    closes = now + 2 * DAY + datetime.timedelta(minutes=30)
    cycle_open(cycle=cycle, windows={Stage.SELF_ASSESSMENT: (now - DAY, closes)}, actor=admin)
    url = f"/assessments/{cycle.pk}/{world.unit_a.code}/"
    # The page's clock is Playwright's from the first load, so time can be moved on at will.
    page.clock.install(time=now)
    log_in(page, "editor.a", url)
    countdown = page.locator(".countdown")
    expect(countdown).to_have_text("còn 2 ngày 0 giờ")
    page.clock.fast_forward("05:00:00")
    expect(countdown).to_have_text("còn 1 ngày 19 giờ")
    page.clock.fast_forward(2 * 24 * 3600 * 1000)
    expect(countdown).to_have_text("đã hết hạn")
