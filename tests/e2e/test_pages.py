"""What a person sees in the browser: home, ranking, the htmx filter, a scorecard, the language
switch, logging in to an unpublished cycle, the framework browser and the framework upload."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from web.factories import PASSWORD, World, admin_create, framework_text

from parindex.frameworks.models import FrameworkVersion

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_published_ranking_filter_and_scorecard(page: Page, world: World, artifacts: Path) -> None:
    page.goto("/")
    cycles = page.locator("table.list")
    expect(cycles).to_contain_text("Chỉ số CCHC năm 2023")
    expect(cycles).not_to_contain_text("Chỉ số CCHC năm 2024")

    page.get_by_role("link", name="Chỉ số CCHC năm 2023").click()
    expect(page).to_have_url(re.compile(rf"/cycles/{world.published.pk}/(\?|$)"))
    expect(page.locator("h1")).to_have_text("Xếp hạng — Chỉ số CCHC năm 2023")
    expect(page.locator("section.group h2")).to_have_count(3)
    expect(page.locator("section.group h2").first).to_contain_text("Phường, thị trấn")
    expect(page.locator("span.band-TOT").first).to_have_text("Tốt")
    expect(page.locator("span.band-KHA").first).to_have_text("Khá")
    expect(page.locator("figure.chart svg")).to_be_visible()
    page.screenshot(path=artifacts / "ranking.png", full_page=True)

    # The filter swaps the results in place: no new page, the address follows.
    page.evaluate("window.stillTheSamePage = true")
    page.select_option("#type-filter", label="Cấp xã")
    page.wait_for_url(re.compile(r"[?&]type=commune(&|$)"))
    results = page.locator("#results")
    expect(results).not_to_contain_text("Sở Nội vụ")
    expect(results).not_to_contain_text("Sở Tư pháp")
    expect(results.locator("table.ranking tbody tr")).to_have_count(2)
    assert page.evaluate("window.stillTheSamePage") is True

    page.get_by_role("link", name="Phường 1").click()
    expect(page).to_have_url(re.compile(rf"/cycles/{world.published.pk}/units/P01/(\?|$)"))
    index = world.result(world.published, world.ward).index
    expect(page.locator("h1")).to_contain_text("Phường 1")
    expect(page.locator("dl.summary")).to_contain_text(f"Chỉ số{index:.2f}".replace(".", ","))
    expect(page.locator("table.scorecard tr.depth-0")).to_have_count(10)
    explanation = page.locator('tr[data-code="1.1.2"] .explain')
    expect(explanation).to_contain_text("Giá trị: 75/100")
    expect(explanation).to_contain_text("Tỷ lệ 75/100 = 75% ≥ mức 60% → 0,75 điểm")
    chart = page.locator("figure.chart svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Bình quân nhóm")
    page.screenshot(path=artifacts / "scorecard.png", full_page=True)


def test_switch_to_english(page: Page, world: World) -> None:
    page.goto(f"/cycles/{world.published.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.get_by_role("button", name="EN").click()
    expect(page).to_have_url(re.compile(rf"/cycles/{world.published.pk}/(\?|$)"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Ranking")
    expect(page.locator("table.ranking th").nth(3)).to_have_text("Index")
    expect(page.locator("span.band-TOT").first).to_have_text("Good")


def test_unpublished_cycle_asks_to_log_in(page: Page, world: World, viewer) -> None:
    ranking = f"/cycles/{world.current.pk}/"
    page.goto(ranking)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", "viewer")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{ranking}(\?|$)"))
    expect(page.locator("h1")).to_have_text("Xếp hạng — Chỉ số CCHC năm 2024")
    expect(page.locator("p.notice")).to_be_visible()
    expect(page.locator("table.ranking tbody tr")).to_have_count(4)


def test_framework_browser(page: Page, world: World) -> None:
    page.goto("/")
    page.get_by_role("link", name="Bộ chỉ số", exact=True).click()
    page.get_by_role("link", name=world.version.title_vi).click()
    expect(page).to_have_url(re.compile(rf"/frameworks/{world.version.pk}/$"))
    areas = page.locator("table.framework tr.depth-0")
    expect(areas).to_have_count(10)
    expect(areas.first).to_contain_text("Công tác chỉ đạo, điều hành CCHC")
    expect(page.locator('tr[data-code="1.1.1"]')).to_contain_text(
        "Chọn một phương án (Ban hành đúng thời hạn: 1; Ban hành chậm: 0,5; Không ban hành: 0)"
    )
    expect(page.locator('tr[data-code="1.3.2"]')).to_contain_text("Có: 1 điểm; không: 0")


def test_framework_upload(page: Page, world: World, tmp_path: Path) -> None:
    admin_create()
    page.goto("/frameworks/import/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/frameworks/import/$"))
    upload = page.locator("form[enctype='multipart/form-data']")

    broken = tmp_path / "sai.yaml"
    text = framework_text().replace("    lead: SNV\n", "    lead: SNV\n    colour: red\n", 1)
    broken.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    colour: red") + 1
    page.set_input_files("#id_file", str(broken))
    upload.locator("button[type=submit]").click()
    expect(page.locator("div.errors")).to_contain_text(f"sai.yaml:{line}, mục 1: khóa lạ 'colour'")
    expect(page).to_have_url(re.compile(r"/frameworks/import/$"))

    valid = tmp_path / "nam-2030.yaml"
    valid.write_text(framework_text().replace('"2024"', '"2030"', 1), encoding="utf-8")
    page.set_input_files("#id_file", str(valid))
    upload.locator("button[type=submit]").click()
    version = FrameworkVersion.objects.get(version="2030")
    expect(page).to_have_url(re.compile(rf"/frameworks/{version.pk}/$"))
    expect(page.locator("main")).to_contain_text(
        "Đã nhập bộ chỉ số province-internal phiên bản 2030."
    )
    expect(page.locator("table.framework tr.depth-0")).to_have_count(10)
