"""The PAR office runs a year in Chromium with the demo's accounts, never through Django admin
(issue 9, done when): the cycle wizard opens the new cycle copied from last year (a dissolved
department and a province of the national table are not offered), the editor of the Department
of Home Affairs fills its last leaves and its head submits, withdraws and submits again, an
appraiser's decision moves the unit's points and its group's ranks on the next load, the
explanation round runs (release, reply, settlement), the council approves and the office
publishes, refused first without the decision's number; every hand-off through its confirmation
page with its counts. Every page of the journey fits a 390 px phone and a 1366 px laptop.

The two other departments of the new cycle, whose people's accounts the demo does not print,
submit through the services, and the appraisal teams other than the one on the pages accept
their areas through the services, as they would on their own pages."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from web.evidence_samples import pdf

from parindex.accounts.models import Role, User
from parindex.appraisals import demo as appraisals_demo
from parindex.appraisals.models import Decision, LeafAppraisal
from parindex.assessments import demo as assessments_demo
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.services import answer_evidence_link, assessment_submit
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_reference
from parindex.frameworks.selectors import core_framework
from parindex.units.models import Unit
from parindex.units.selectors import national_units

from .test_phone_pages import OVERFLOWING

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTHS = (390, 1366)
CHOICE, RATIO = "1.1.1", "1.1.2"  # area 1, both need evidence (province-internal.yaml)
SCOPE = ("SNV", "STC", "STP")  # the new cycle's departments
DISSOLVED = "SKHDT"  # merged into the Department of Finance on 1 March 2025
GROUP = "Sở, ban, ngành"
LOCAL = "%Y-%m-%dT%H:%M"


@dataclass
class Journey:
    """The people's browsers, every address they asked for, the pages too wide."""

    browser: Browser
    base: str
    passwords: dict[str, str]
    requested: list[str] = field(default_factory=list)
    too_wide: list[str] = field(default_factory=list)

    def sign_in(self, username: str) -> Page:
        context = self.browser.new_context(
            base_url=self.base, locale="vi-VN", viewport={"width": WIDTHS[1], "height": 900}
        )
        context.set_default_timeout(15_000)
        context.on("request", lambda request: self.requested.append(request.url))
        page = context.new_page()
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", self.passwords[username])
        page.locator("form.login button[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        return page

    def fits(self, page: Page) -> None:
        """The page, once loaded with its styles, is no wider than a phone's or a laptop's
        window."""
        page.wait_for_load_state("load")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            wide, inner, culprit = page.evaluate(OVERFLOWING)
            if wide > inner:
                path = urlsplit(page.url).path
                self.too_wide.append(f"{path}: {wide} px wide at {inner} px ({culprit})")

    def visit(self, page: Page, url: str) -> Page:
        page.goto(url)
        self.fits(page)
        return page


@pytest.fixture
def journey(browser: Browser, live_server, settings, tmp_path: Path) -> Iterator[Journey]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("demo", stdout=out)
    passwords = dict(re.findall(r"^  (\S+) +(\S+)$", out.getvalue(), re.M))
    journey = Journey(browser, live_server.url, passwords)
    yield journey
    for context in browser.contexts:
        context.close()


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime(LOCAL)


def ranking(page: Page) -> dict[str, tuple[str, str]]:
    """The group's rows of the ranking page: unit name → (rank, points)."""
    rows = page.locator(f'table.ranking[data-group="{GROUP}"] tbody tr')
    found = {}
    for row in rows.all():
        cells = row.locator("td").all_inner_texts()
        found[cells[1].strip()] = (cells[0].strip(), cells[2].strip())
    return found


def submit(journey: Journey, head: Page) -> None:
    """The head submits from the self-assessment page, through the confirmation page."""
    head.get_by_role("link", name="Nộp hồ sơ tự đánh giá").click()
    expect(head.locator("ul.confirm-counts")).to_contain_text("0 nội dung còn thiếu")
    journey.fits(head)
    head.get_by_role("button", name="Nộp ngay").click()
    expect(head.locator(".state").first).to_have_text("Đã nộp")


def units_submit(cycle: Cycle, snv_values: dict[str, str]) -> None:
    """SNV declared but for the two leaves its editor fills on the page, its other evidence
    linked; STP a little below it, STC well below, both submitted by their heads."""
    fw = core_framework(cycle.framework_version)
    by_code = {
        a.unit.code: a for a in Assessment.objects.filter(cycle=cycle).select_related("unit")
    }
    editor = User.objects.get(username="editor.snv")
    snv = by_code["SNV"]
    assessments_demo.fill(
        snv, {k: v for k, v in snv_values.items() if k not in (CHOICE, RATIO)}, editor
    )
    report = evidence_reference(
        unit=snv.unit,
        user=editor,
        number="12/BC-SNV",
        issued_on=timezone.localdate(),
        issuer=snv.unit.name,
        title="Báo cáo kết quả CCHC năm 2028",
    )
    for leaf in assessments_demo.needing_evidence(fw, snv.unit, snv_values):
        if leaf.code not in (CHOICE, RATIO):
            answer_evidence_link(assessment=snv, leaf_code=leaf.code, evidence=report, actor=editor)
    below = {"STP": {CHOICE: "dung_han", RATIO: "40/45"}, "STC": {CHOICE: "cham", RATIO: "20/45"}}
    for n, (code, changed) in enumerate(below.items(), start=1):
        assessment = by_code[code]
        head = assessments_demo.unit_person(Role.UNIT_HEAD, assessment.unit, None)
        values = {**snv_values, **changed}
        assessments_demo.fill(assessment, values, head)
        assessments_demo.attach_required(assessment, fw, values, head, n, timezone.localdate())
        assessment_submit(assessment=assessment, actor=head)


def other_teams_accept(cycle: Cycle) -> None:
    """Every team but the one on the pages accepts its areas' untouched leaves."""
    fw = core_framework(cycle.framework_version)
    teams = appraisals_demo.teams_build(fw, None)
    now = timezone.now()
    for assessment in Assessment.objects.filter(cycle=cycle).select_related(
        "cycle", "cycle__framework_version", "unit"
    ):
        appraisals_demo.appraise(fw, teams, assessment, at=now, question=False)


def test_the_office_runs_a_year_without_django_admin(journey: Journey, tmp_path: Path) -> None:
    now = timezone.now()
    dissolved = Unit.objects.get(code=DISSOLVED)
    province = Unit.objects.filter(national_units()).order_by("code").first()
    assert dissolved.valid_to is not None and province is not None

    # 1. The wizard: last year's cycle copied, the scope narrowed, every stage open from now.
    admin = journey.sign_in("admin")
    journey.fits(admin)
    admin.locator('a[href="/cycles/new/"]').first.click()
    journey.fits(admin)
    admin.get_by_role("link", name=re.compile("Sao chép từ năm trước")).click()
    journey.fits(admin)
    offered = set(admin.locator("#unit-picker tbody tr td:nth-child(2)").all_inner_texts())
    assert "SNV" in offered and "X01" in offered
    assert DISSOLVED not in offered and province.code not in offered
    assert admin.locator("#unit-picker input[name=units]:checked").count() == len(offered)
    for box in admin.locator("#unit-picker input[name=units]").all():
        if box.get_attribute("value") not in SCOPE:
            box.uncheck()
    for n, stage in enumerate(Stage):
        admin.fill(
            f'input[name="{stage.value}_opens"]', local(now - datetime.timedelta(hours=5 - n))
        )
        admin.fill(f'input[name="{stage.value}_closes"]', local(now + datetime.timedelta(days=10)))
    admin.locator('button[name="action"][value="preview"]').click()
    journey.fits(admin)
    expect(admin.locator("#count-units")).to_have_text("3")
    expect(admin.locator("#nothing-created")).to_be_visible()
    admin.locator('button[name="action"][value="create"]').click()
    expect(admin.locator(".messages, .message").first).to_contain_text("3")
    journey.fits(admin)
    cycle = Cycle.objects.get(year=2028)
    assert cycle.framework_version.code == "province-internal"
    assert sorted(cycle.units.values_list("code", flat=True)) == sorted(SCOPE)
    fw = core_framework(cycle.framework_version)
    snv_values = assessments_demo.values_for(fw, Unit.objects.get(code="SNV"), 2028)
    snv_values.update({CHOICE: "dung_han", RATIO: "45/45"})
    units_submit(cycle, snv_values)
    self_url = f"/assessments/{cycle.pk}/SNV/"

    # 2. The editor fills the last two leaves and their evidence.
    editor = journey.visit(journey.sign_in("editor.snv"), self_url)
    ratio = editor.locator(f'article[data-leaf="{RATIO}"]')
    ratio.locator('input[name="numerator"]').fill("45")
    ratio.locator('input[name="denominator"]').fill("45")
    ratio.locator("button.save").click()
    expect(editor.locator(f'article[data-leaf="{RATIO}"] .message')).to_have_text("Đã lưu.")
    choice = editor.locator(f'article[data-leaf="{CHOICE}"]')
    choice.locator('select[name="value"]').select_option("dung_han")
    choice.locator("button.save").click()
    expect(editor.locator(f'article[data-leaf="{CHOICE}"] .message')).to_have_text("Đã lưu.")
    plan = tmp_path / "ke-hoach-cchc-2028.pdf"
    plan.write_bytes(pdf("Ke hoach CCHC 2028"))
    for code in (RATIO, CHOICE):
        leaf = editor.locator(f'article[data-leaf="{code}"]')
        leaf.locator("summary", has_text="Thêm tài liệu kiểm chứng").click()
        if code == RATIO:
            leaf.locator('input[type="file"]').set_input_files(str(plan))
            leaf.locator("button", has_text="Tải lên và gắn").click()
        else:
            leaf.locator('select[name="evidence"]').select_option(label="ke-hoach-cchc-2028.pdf")
            leaf.locator("button", has_text="Gắn").first.click()
        expect(editor.locator(f'article[data-leaf="{code}"] .evidence-links')).to_contain_text(
            "ke-hoach-cchc-2028.pdf"
        )
    expect(editor.locator(".missing-evidence")).to_have_count(0)
    journey.fits(editor)

    # 3. The head submits, withdraws, submits again: each from its confirmation page.
    head = journey.visit(journey.sign_in("head.snv"), self_url)
    submit(journey, head)
    head.get_by_role("link", name="Rút lại hồ sơ đã nộp").click()
    expect(head.locator("ul.confirm-counts")).to_contain_text("Còn 1 lần rút lại")
    journey.fits(head)
    head.locator('button[name="withdraw"]').click()
    expect(head.locator(".state").first).to_have_text("Đang tự đánh giá")
    submit(journey, head)

    # 4. An appraiser's decision: the unit's points and its group's ranks on the next load.
    appraiser = journey.sign_in("appraiser.vpubnd")
    ranking_url = f"/cycles/{cycle.pk}/?basis=final"
    before = ranking(journey.visit(appraiser, ranking_url))
    snv, stp = Unit.objects.get(code="SNV").name, Unit.objects.get(code="STP").name
    assert (before[snv][0], before[stp][0]) == ("1", "2"), before
    journey.visit(appraiser, f"/appraisals/{cycle.pk}/leaves/SNV/{CHOICE}/")
    adjust = appraiser.locator("form.adjust")
    adjust.locator('select[name="value"]').select_option("khong_ban_hanh")
    adjust.locator('textarea[name="reason"]').fill("Kế hoạch CCHC năm 2028 chưa được ban hành.")
    adjust.locator('button[name="adjust"]').click()
    expect(appraiser.locator(".message")).to_contain_text("Đã điều chỉnh")
    after = ranking(journey.visit(appraiser, ranking_url))
    assert (after[snv][0], after[stp][0]) == ("2", "1"), after
    assert after[snv][1] != before[snv][1] and after[stp][1] == before[stp][1]
    journey.visit(appraiser, f"/appraisals/{cycle.pk}/leaves/SNV/{RATIO}/")
    flag = appraiser.locator("form.flag")
    flag.locator('textarea[name="reason"]').fill("Đề nghị giải trình danh sách nhiệm vụ.")
    flag.locator('button[name="flag"]').click()
    expect(appraiser.locator(".message")).to_contain_text("Đã yêu cầu giải trình")
    # The team accepts its other leaves from its queue, through the confirmation page.
    journey.visit(appraiser, f"/appraisals/{cycle.pk}/")
    appraiser.locator("form.bulk button").click()
    counts = appraiser.locator("ul.confirm-counts li")
    expect(counts.nth(1)).to_contain_text("3 đơn vị")
    leaves = int(counts.first.inner_text().split()[0])
    journey.fits(appraiser)
    appraiser.locator('form.confirm button[name="confirmed"]').click()
    expect(appraiser.locator(".message")).to_contain_text("như kê khai")
    accepted = LeafAppraisal.objects.filter(
        assessment__cycle=cycle,
        decision=Decision.ACCEPTED,
        appraised_by__username="appraiser.vpubnd",
    )
    assert leaves > 0 and accepted.count() == leaves
    other_teams_accept(cycle)

    # 5. The office releases the appraisals: SNV returned, the two others finished.
    journey.visit(admin, f"/appraisals/{cycle.pk}/tracking/")
    admin.get_by_role("link", name="Chuyển kết quả cho mọi đơn vị đã thẩm định xong").click()
    expect(admin.locator("table.confirm-rows tbody tr")).to_have_count(3)
    journey.fits(admin)
    admin.locator('form.confirm button[name="confirmed"]').click()
    expect(admin.locator(".message").first).to_be_visible()
    states = dict(Assessment.objects.filter(cycle=cycle).values_list("unit__code", "state"))
    assert states == {"SNV": "returned", "STP": "appraised", "STC": "appraised"}

    # 6. The unit replies: agrees with the adjustment, disputes the flag with a document.
    unit_url = f"/appraisals/{cycle.pk}/units/SNV/"
    journey.visit(editor, unit_url)
    agreed = editor.locator(f'article[data-leaf="{CHOICE}"]')
    agreed.locator('input[name="agrees"][value="yes"]').check()
    agreed.locator('button[name="reply"]').click()
    expect(editor.locator(".message")).to_contain_text("Đã lưu giải trình")
    disputed = editor.locator(f'article[data-leaf="{RATIO}"]')
    disputed.locator('input[name="agrees"][value="no"]').check()
    disputed.locator('textarea[name="reason"]').fill("Đã hoàn thành 45/45 nhiệm vụ, xem danh sách.")
    listing = tmp_path / "danh-sach-nhiem-vu.pdf"
    listing.write_bytes(pdf("Danh sach nhiem vu 2028"))
    disputed.locator('input[name="file"]').set_input_files(str(listing))
    disputed.locator('input[name="title"]').fill("Danh sách nhiệm vụ hoàn thành")
    disputed.locator('button[name="reply"]').click()
    expect(editor.locator(".message")).to_contain_text("Đã lưu giải trình")
    journey.fits(editor)
    editor.get_by_role("button", name="Gửi giải trình").click()
    expect(editor.locator(".state").first).to_have_text("Đã giải trình")

    # 7. The appraiser settles the disputed leaf on the unit's figure and closes the round.
    journey.visit(appraiser, f"/appraisals/{cycle.pk}/leaves/SNV/{RATIO}/")
    settle = appraiser.locator("form.settle")
    settle.locator('input[name="outcome"][value="unit"]').check()
    settle.locator('textarea[name="reason"]').fill("Danh sách xác nhận số liệu của đơn vị.")
    settle.locator('button[name="settle"]').click()
    expect(appraiser.locator(".message")).to_contain_text("Đã kết luận")
    journey.visit(appraiser, unit_url)
    appraiser.locator('button[name="close"]').click()
    expect(appraiser.locator(".message")).to_contain_text("Vòng giải trình đã đóng")

    # 8. The office names the council; its chair approves from the confirmation page.
    journey.visit(admin, f"/appraisals/{cycle.pk}/council/members/")
    for username, role in (("council", "chair"), ("council.member", "member")):
        admin.locator('select[name="user"]').select_option(
            label=str(User.objects.get(username=username))
        )
        admin.locator('select[name="role"]').select_option(role)
        admin.locator('button[name="name"]').click()
    journey.fits(admin)
    council = journey.visit(journey.sign_in("council"), f"/appraisals/{cycle.pk}/council/")
    council.locator("a#approve").click()
    counts = council.locator("ul.confirm-counts")
    expect(counts).to_contain_text("3 đơn vị")
    expect(counts).to_contain_text("0 đơn vị")
    journey.fits(council)
    council.locator('input[name="vote"][value="approve"]').check()
    council.locator('form.confirm button[name="confirmed"]').click()
    expect(council.locator(".message")).to_contain_text("đã được phê duyệt")

    # 9. Publication: refused without the decision's number, done with it.
    journey.visit(admin, f"/appraisals/{cycle.pk}/council/")
    admin.locator("a#publish").click()
    expect(admin.locator("ul.confirm-counts")).to_contain_text("3 đơn vị")
    journey.fits(admin)
    admin.locator("#id_decision").fill("   ")  # the browser's check passes, the number is empty
    admin.locator("#id_decision_date").fill(timezone.localdate().isoformat())
    admin.locator('form.confirm button[name="confirmed"]').click()
    expect(admin.locator("p.errors")).to_contain_text("số và ngày")
    cycle.refresh_from_db()
    assert not cycle.is_published
    admin.locator("#id_decision").fill("15/QĐ-UBND")
    admin.locator("#id_decision_date").fill(timezone.localdate().isoformat())
    admin.locator('form.confirm button[name="confirmed"]').click()
    expect(admin.locator(".message")).to_contain_text("Kết quả đã được công bố")
    journey.fits(admin)
    cycle.refresh_from_db()
    assert cycle.is_published and cycle.publication_decision == "15/QĐ-UBND"

    assert not [url for url in journey.requested if urlsplit(url).path.startswith("/admin/")]
    assert not journey.too_wide, "\n".join(journey.too_wide)
