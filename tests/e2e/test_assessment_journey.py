"""The assessment cycle end to end in Chromium (issue 3, "Done when"): an editor fills leaves and
uploads evidence, the head submits, an appraiser adjusts one leaf and flags another, the
administrator releases the round, the editor disagrees with evidence, the appraiser settles, the
council approves and publishes, and an anonymous visitor sees the published ranking and
scorecard with the final points."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from web.appraisals_fixtures import submit_unit, windows_open
from web.evidence_samples import pdf
from web.factories import PASSWORD, World, admin_create, answers_create, person

from parindex.accounts.models import Role
from parindex.appraisals import services
from parindex.assessments.models import Assessment
from parindex.assessments.services import answer_evidence_link, cycle_open, missing_evidence
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_reference
from parindex.results.models import Answer, ResultSnapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHOICE, RATIO = "1.1.1", "1.1.2"  # both need evidence (see frameworks/province-internal.yaml)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def signed_in(browser: Browser, base_url: str, username: str, url: str) -> Page:
    """A fresh browser context (Vietnamese), signed in as ``username`` through the login page,
    on ``url``."""
    context = browser.new_context(base_url=base_url, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"/accounts/login/?next={url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    return page


def test_the_assessment_journey(
    page: Page, world: World, browser: Browser, live_server, artifacts: Path, tmp_path: Path
) -> None:
    base = live_server.url
    admin = admin_create()
    editor = person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    person("head.a", Role.UNIT_HEAD, world.unit_a)
    appraiser = person("appraiser", Role.APPRAISER)
    appraiser.roles.update(area="1")
    chair = person("council", Role.COUNCIL)
    cycle = Cycle.objects.create(
        year=2025, title="Chỉ số CCHC năm 2025", framework_version=world.version
    )
    cycle.units.set([world.unit_a, world.unit_b])
    cycle_open(cycle=cycle, windows=windows_open(timezone.now()), actor=admin)
    services.council_member_set(cycle=cycle, user=chair, role="chair", actor=admin)
    for area in world.fw.nodes:
        services.appraiser_assign(cycle=cycle, user=appraiser, area_code=area.code, actor=admin)
    # Unit B went through its appraisal already: every leaf accepted.
    answers_create(cycle, world.fw, [world.unit_a, world.unit_b], {"SNV": 0.9, "STP": 0.8})
    b = Assessment.objects.get(cycle=cycle, unit=world.unit_b)
    submit_unit(b, person("head.b", Role.UNIT_HEAD, world.unit_b))
    services.leaves_accept_untouched(
        targets=[services.Target(b, leaf.code) for leaf in services.untouched_leaves(b)],
        actor=appraiser,
    )
    services.assessment_release(assessment=b, actor=admin)
    # Unit A: declared except the two leaves the editor fills, evidence for the others.
    a = Assessment.objects.get(cycle=cycle, unit=world.unit_a)
    Answer.objects.filter(cycle=cycle, unit=world.unit_a, leaf_code__in=[CHOICE, RATIO]).delete()
    report = evidence_reference(
        unit=world.unit_a,
        user=editor,
        number="9/BC",
        issued_on=datetime.date(2025, 11, 1),
        issuer="Sở Nội vụ",
        title="Báo cáo CCHC năm 2025",
    )
    for leaf in missing_evidence(a):
        if leaf.code not in (CHOICE, RATIO):
            answer_evidence_link(assessment=a, leaf_code=leaf.code, evidence=report, actor=editor)
    self_url = f"/assessments/{cycle.pk}/SNV/"
    unit_url = f"/appraisals/{cycle.pk}/units/SNV/"

    # 1. The editor fills two leaves and uploads evidence for them.
    editor_page = signed_in(browser, base, "editor.a", self_url)
    ratio = editor_page.locator(f'article[data-leaf="{RATIO}"]')
    ratio.locator('input[name="numerator"]').fill("45")
    ratio.locator('input[name="denominator"]').fill("45")
    ratio.locator("button.save").click()
    expect(editor_page.locator(f'article[data-leaf="{RATIO}"] .message')).to_have_text("Đã lưu.")
    choice = editor_page.locator(f'article[data-leaf="{CHOICE}"]')
    choice.locator('select[name="value"]').select_option("dung_han")
    choice.locator("button.save").click()
    expect(editor_page.locator(f'article[data-leaf="{CHOICE}"] .message')).to_have_text("Đã lưu.")
    plan = tmp_path / "ke-hoach-cchc-2025.pdf"
    plan.write_bytes(pdf("Ke hoach CCHC 2025"))
    for code in (RATIO, CHOICE):
        leaf = editor_page.locator(f'article[data-leaf="{code}"]')
        leaf.locator("summary", has_text="Thêm tài liệu kiểm chứng").click()
        if code == RATIO:
            leaf.locator('input[type="file"]').set_input_files(str(plan))
            leaf.locator("button", has_text="Tải lên và gắn").click()
        else:
            leaf.locator('select[name="evidence"]').select_option(label="ke-hoach-cchc-2025.pdf")
            leaf.locator("button", has_text="Gắn").first.click()
        expect(editor_page.locator(f'article[data-leaf="{code}"] .evidence-links')).to_contain_text(
            "ke-hoach-cchc-2025.pdf"
        )
    expect(editor_page.locator(".missing-evidence")).to_have_count(0)

    # 2. The head submits.
    head = signed_in(browser, base, "head.a", self_url)
    head.get_by_role("link", name="Nộp hồ sơ tự đánh giá").click()
    head.get_by_role("button", name="Nộp ngay").click()
    expect(head.locator(".state")).to_have_text("Đã nộp")

    # 3. The appraiser adjusts one leaf and flags another, and accepts the rest as declared.
    queue_url = f"/appraisals/{cycle.pk}/"
    appraiser_page = signed_in(browser, base, "appraiser", queue_url)
    appraiser_page.locator("#unit-filter").select_option("SNV")
    row = appraiser_page.locator(f'tr[data-unit="SNV"][data-leaf="{CHOICE}"]')
    expect(row).to_have_attribute("data-status", "untouched")
    row.get_by_role("link", name="Xem xét").click()
    expect(appraiser_page.locator("dd.self")).to_have_text("1,00")
    adjust = appraiser_page.locator("form.adjust")
    adjust.locator('select[name="value"]').select_option("cham")
    adjust.locator('textarea[name="reason"]').fill("Kế hoạch ban hành ngày 20/01/2025, quá hạn.")
    adjust.locator('button[name="adjust"]').click()
    expect(appraiser_page.locator(".message")).to_contain_text("Đã điều chỉnh")
    expect(appraiser_page.locator("dd.appraised")).to_have_text("0,50")
    appraiser_page.goto(f"/appraisals/{cycle.pk}/leaves/SNV/{RATIO}/")
    flag = appraiser_page.locator("form.flag")
    flag.locator('textarea[name="reason"]').fill(
        "Đề nghị giải trình danh sách nhiệm vụ hoàn thành."
    )
    flag.locator('button[name="flag"]').click()
    expect(appraiser_page.locator(".message")).to_contain_text("Đã yêu cầu giải trình")
    appraiser_page.goto(f"{queue_url}?unit=SNV")
    appraiser_page.screenshot(path=artifacts / "appraisal-queue.png", full_page=False)
    appraiser_page.locator("form.bulk button").click()
    appraiser_page.locator('form.confirm button[name="confirmed"]').click()
    expect(appraiser_page.locator(".message")).to_contain_text("như kê khai")
    appraiser_page.goto(f"{queue_url}?unit=SNV&status=untouched")
    expect(appraiser_page.locator("table.queue")).to_have_count(0)

    # Before the release the unit sees nothing of it.
    editor_page.goto(unit_url)
    expect(editor_page.locator("p.notice")).to_contain_text("sau khi quản trị viên chuyển")
    expect(editor_page.locator("article.appraised")).to_have_count(0)

    # 4. The administrator releases the round.
    admin_page = signed_in(browser, base, "admin", unit_url)
    admin_page.get_by_role("link", name="Chuyển kết quả thẩm định cho đơn vị").click()
    expect(admin_page.locator("ul.confirm-counts")).to_contain_text("1 nội dung được đề nghị")
    admin_page.locator('form.confirm button[name="confirmed"]').click()
    expect(admin_page.locator(".message")).to_contain_text("đã chuyển kết quả thẩm định")

    # 5. The editor agrees with the adjustment, disagrees with the flag, with evidence.
    editor_page.goto(unit_url)
    agreed = editor_page.locator(f'article[data-leaf="{CHOICE}"]')
    expect(agreed.locator("dd.appraised")).to_contain_text("0,50")
    agreed.locator('input[name="agrees"][value="yes"]').check()
    agreed.locator('button[name="reply"]').click()
    expect(editor_page.locator(".message")).to_contain_text("Đã lưu giải trình")
    disputed = editor_page.locator(f'article[data-leaf="{RATIO}"]')
    disputed.locator('input[name="agrees"][value="no"]').check()
    disputed.locator('button[name="reply"]').click()  # no reason, no evidence: refused
    expect(editor_page.locator("p.errors")).to_contain_text("phải có lý do")
    disputed = editor_page.locator(f'article[data-leaf="{RATIO}"]')
    disputed.locator('input[name="agrees"][value="no"]').check()
    disputed.locator('textarea[name="reason"]').fill("Đã hoàn thành 45/45 nhiệm vụ, xem báo cáo.")
    list_file = tmp_path / "danh-sach-nhiem-vu.pdf"
    list_file.write_bytes(pdf("Danh sach nhiem vu 2025"))
    disputed.locator('input[name="file"]').set_input_files(str(list_file))
    disputed.locator('input[name="title"]').fill("Danh sách nhiệm vụ hoàn thành")
    disputed.locator('button[name="reply"]').click()
    expect(editor_page.locator(".message")).to_contain_text("Đã lưu giải trình")
    expect(editor_page.locator(f'article[data-leaf="{RATIO}"]')).to_contain_text(
        "Danh sách nhiệm vụ hoàn thành"
    )
    editor_page.screenshot(path=artifacts / "explanation-round.png", full_page=True)
    editor_page.get_by_role("button", name="Gửi giải trình").click()
    expect(editor_page.locator(".message")).to_contain_text("đã được gửi")
    expect(editor_page.locator(".state").first).to_have_text("Đã giải trình")

    # 6. The appraiser settles the disputed leaf on a new figure and closes the round.
    appraiser_page.goto(f"/appraisals/{cycle.pk}/leaves/SNV/{RATIO}/")
    expect(appraiser_page.locator("body")).to_contain_text("Danh sách nhiệm vụ hoàn thành")
    settle = appraiser_page.locator("form.settle")
    settle.locator('input[name="outcome"][value="new"]').check()
    settle.locator('input[name="numerator"]').fill("40")
    settle.locator('input[name="denominator"]').fill("45")
    settle.locator('textarea[name="reason"]').fill(
        "Danh sách cho thấy 40 nhiệm vụ hoàn thành đúng hạn."
    )
    settle.locator('button[name="settle"]').click()
    expect(appraiser_page.locator(".message")).to_contain_text("Đã kết luận")
    expect(appraiser_page.locator("dd.final")).to_have_text("1,50")
    appraiser_page.goto(unit_url)
    appraiser_page.locator('button[name="close"]').click()
    expect(appraiser_page.locator(".message")).to_contain_text("Vòng giải trình đã đóng")

    # 7. The council approves and publishes.
    council_url = f"/appraisals/{cycle.pk}/council/"
    council = signed_in(browser, base, "council", council_url)
    snv = council.locator('table.council tr[data-unit="SNV"]')
    expect(snv.locator("td.self")).to_have_text(re.compile(r"\d"))
    council.locator("a#approve").click()
    council.locator('input[name="vote"][value="approve"]').check()
    council.locator('form.confirm button[name="confirmed"]').click()
    expect(council.locator(".message")).to_contain_text("đã được phê duyệt")
    snapshot = ResultSnapshot.objects.get(cycle=cycle)
    expect(council.locator("table.snapshots")).to_contain_text(snapshot.inputs_sha256)
    council.screenshot(path=artifacts / "council.png", full_page=True)
    council.locator("a#publish").click()
    council.locator("#id_decision").fill("12/QĐ-UBND")
    council.locator("#id_decision_date").fill(timezone.localdate().isoformat())
    council.locator('form.confirm button[name="confirmed"]').click()
    expect(council.locator(".message")).to_contain_text("đã được công bố")

    # 8. An anonymous visitor sees the published ranking and scorecard, final points.
    visitor = page
    visitor.goto(f"/cycles/{cycle.pk}/")
    expect(visitor.locator("h1")).to_contain_text("Chỉ số CCHC năm 2025")
    expect(visitor.locator("p.basis")).to_have_attribute("data-basis", "final")
    visitor.get_by_role("link", name=world.unit_a.name).click()
    expect(visitor.locator("p.basis")).to_have_attribute("data-basis", "final")
    adjusted = visitor.locator(f'tr[data-code="{CHOICE}"]')
    expect(adjusted.locator("td.self-points")).to_have_text("1,00")
    expect(adjusted.locator("td.appraised-points")).to_have_text("0,50")
    expect(adjusted.locator("td.points")).to_have_text("0,50")
    settled = visitor.locator(f'tr[data-code="{RATIO}"]')
    expect(settled.locator("td.self-points")).to_have_text("2,00")
    expect(settled.locator("td.points")).to_have_text("1,50")
    visitor.screenshot(path=artifacts / "published-scorecard.png", full_page=False)
    cycle.refresh_from_db()
    assert cycle.is_published and cycle.published_at is not None
    for context in browser.contexts:
        if context is not page.context:
            context.close()
