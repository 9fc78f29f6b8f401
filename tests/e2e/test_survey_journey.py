"""The survey, end to end in a browser: the administrator imports a questionnaire and issues
links, two respondents answer on the web form (a reused link is refused), a bad response file is
refused with its errors and nothing stored, a good one is imported, and the coverage board and
the unit's scorecard show the survey values, n and the stored margins; the respondent's page
fits a phone's width."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web.factories import PASSWORD, World, admin_create
from web.surveys_fixtures import GOOD_ROWS, QUESTIONNAIRE, responses_csv, row

from parindex.surveys.models import SurveyForm, SurveyLeafResult

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def inline_jobs(settings) -> None:  # type: ignore[no-untyped-def]
    """Jobs run in the request here; the threaded runner has its own test (test_surveys_import)."""
    settings.PARINDEX_SURVEY_JOBS_INLINE = True


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page.locator(".who")).to_be_visible()


def test_survey_journey(
    page: Page, browser, live_server, world: World, tmp_path: Path, artifacts: Path
) -> None:
    admin_create()
    log_in(page, "admin")

    # 1. The administrator imports the questionnaire into the 2024 cycle.
    page.get_by_role("link", name="Khảo sát").click()
    page.get_by_role("link", name=world.current.title).first.click()
    expect(page.locator("h1")).to_contain_text("Khảo sát")
    (tmp_path / "phieu.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    page.set_input_files("input[type=file]", str(tmp_path / "phieu.yaml"))
    page.get_by_role("button", name="Nhập").click()
    expect(page.locator(".message")).to_contain_text("Đã nhập phiếu khảo sát test-survey 2024")
    expect(page.locator("section.leaf-questions")).to_have_count(9)
    expect(page.locator("fieldset.question").first).to_contain_text("60%")

    # 2. … and issues two links for Sở Nội vụ, group ND, then opens the printable list.
    page.get_by_role("link", name="Đường dẫn khảo sát").click()
    page.select_option("#id_unit", "SNV")
    page.select_option("#id_group", "ND")
    page.fill("#id_count", "2")
    page.get_by_role("button", name="Cấp đường dẫn").click()
    expect(page.locator(".message")).to_contain_text("Đã cấp 2 đường dẫn cho Sở Nội vụ")
    page.get_by_role("link", name=re.compile("Danh sách in")).click()
    urls = page.locator("code.url").all_inner_texts()
    assert len(urls) == 2 and all("/surveys/r/" in u for u in urls)

    # 3. Two respondents answer on their phones, without an account; one link is reused.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    respondent = phone.new_page()
    for url, option in zip(urls, ("A", "B"), strict=True):
        respondent.goto(url)
        expect(respondent.locator("p.about")).to_contain_text("Sở Nội vụ")
        # Nothing wider than the phone: no sideways scrolling to reach an option.
        assert respondent.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            respondent.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        )
        for fieldset in respondent.locator("fieldset.question").all():
            fieldset.locator(f"input[value={option}]").check()
        respondent.get_by_role("button", name="Gửi câu trả lời").click()
        expect(respondent.locator("h1")).to_have_text("Xin cảm ơn")
    respondent.screenshot(path=artifacts / "survey-respondent-done.png")
    respondent.goto(urls[0])
    expect(respondent.locator("h1")).to_have_text("Đường dẫn đã được sử dụng")
    phone.close()
    assert SurveyForm.objects.filter(channel="web").count() == 2

    # 4. A bad response file is refused with its errors; nothing is stored.
    page.get_by_role("link", name="Tệp phiếu trả lời").click()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        responses_csv([*GOOD_ROWS, row("s1", "LD", "SNV", "A"), row("z9", "ND", "SNV", "F")])
    )
    page.set_input_files("input[type=file]", str(bad))
    page.get_by_role("button", name="Nhập").click()
    errors = page.locator("ul.job-errors li")
    expect(errors).to_have_count(11)  # the duplicate, and F in each of the 10 questions
    expect(errors.first).to_contain_text(
        "bad.csv:11, cột response, giá trị «s1»: mã phiếu trùng lặp"
    )
    expect(page.locator(".errors")).to_contain_text("Không có gì được lưu.")
    assert SurveyForm.objects.count() == 2

    # … and a good one is imported.
    page.get_by_role("link", name="Nhập tệp khác").click()
    good = tmp_path / "kobo.csv"
    good.write_bytes(responses_csv(GOOD_ROWS))
    page.set_input_files("input[type=file]", str(good))
    page.get_by_role("button", name="Nhập").click()
    expect(page.locator(".job progress")).to_have_attribute("value", "100")
    expect(page.locator(".message")).to_contain_text("Đã thêm 9 phiếu")
    page.screenshot(path=artifacts / "survey-import-done.png", full_page=True)

    # 5. The coverage board: SNV has 2 LD and 5 ND forms (3 imported, 2 from the web).
    page.get_by_role("link", name="Xem tiến độ thu phiếu").click()
    snv = page.locator("tr[data-unit=SNV]")
    expect(snv.locator("td[data-group=LD]")).to_contain_text("2 / 2")
    expect(snv.locator("td[data-group=ND]")).to_contain_text("5 / 3")
    expect(page.locator("tr[data-unit=STP] td[data-group=LD].below")).to_contain_text("1 / 2")
    expect(page.locator("figure.chart svg")).to_be_visible()
    page.screenshot(path=artifacts / "survey-coverage.png", full_page=True)

    # 6. Aggregate and recompute: one action, then the results and the unit's scorecard.
    page.get_by_role("link", name="Kết quả").click()
    page.get_by_role("button", name="Tổng hợp và tính lại kỳ đánh giá").click()
    expect(page.locator(".message")).to_contain_text("đã được tính lại")
    page.get_by_role("link", name="Xem kết quả").click()
    # SNV: LD 80 (n 2); ND scores 100, 60, 20, 100, 60 → 68 (n 5): (80 + 2 × 68) / 3 = 72.00
    # The margin shown is the stored one, to the digit.
    stored = SurveyLeafResult.objects.get(unit=world.unit_a, leaf_code="1.5")
    assert str(stored.value) == "72.00"
    shown = page.locator("tr[data-unit=SNV] td[data-leaf='1.5']")
    margin = str(stored.margin).replace(".", ",")  # the page writes Vietnamese numbers
    expect(shown).to_have_text(re.compile(rf"^\s*72,00 ± {re.escape(margin)}\s*$"))
    expect(page.locator("tr[data-unit=STP] td[data-leaf='1.5']")).to_contain_text("không đủ phiếu")
    page.goto(f"/cycles/{world.current.pk}/units/SNV/")
    figures = page.locator("[data-survey='1.5']")
    expect(figures).to_contain_text("72,00%")
    expect(figures).to_contain_text("LD n = 2")
    expect(figures).to_contain_text("ND n = 5")
    expect(figures).to_contain_text(f"72,00% ± {margin}")
    page.screenshot(path=artifacts / "survey-scorecard.png", full_page=True)
    page.goto(f"/cycles/{world.current.pk}/units/STP/")
    expect(page.locator("[data-survey='1.5']")).to_contain_text("Khảo sát không đủ phiếu")
