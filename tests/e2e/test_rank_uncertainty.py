"""Rank uncertainty in a browser: the PAR administrator opens the run's form on the ranking page,
starts 300 draws with a seed, and reads every unit's interval; the ranking shows the intervals
as a chart, the scorecard a unit's interval and band probabilities; each page fits a phone
(390 px) and a laptop (1366 px)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from web.factories import PASSWORD, World, admin_create, browse
from web.surveys_fixtures import GOOD_ROWS, QUESTIONNAIRE, responses_csv, upload

from parindex.surveys import services as surveys
from parindex.uncertainty.models import RankUncertaintyRun

from .test_phone_pages import LAPTOP, OVERFLOWING, PHONE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def inline_jobs(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def signed_in(browser: Browser, base_url: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=base_url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def test_a_run_from_the_ranking_page(browser: Browser, live_server, world: World) -> None:
    admin = admin_create()
    questionnaire = surveys.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
    client = browse(admin)
    client.post(
        f"/surveys/{questionnaire.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))}
    )
    client.post(f"/surveys/{questionnaire.pk}/aggregate/")

    page = signed_in(browser, live_server.url, LAPTOP)
    try:
        page.goto(f"/cycles/{world.current.pk}/")
        panel = page.locator("#rank-uncertainty")
        expect(panel).to_contain_text("chưa có lần chạy")
        panel.locator("summary", has_text="Chạy đánh giá độ bất định").click()
        page.fill("#id_draws", "300")
        page.fill("#id_seed", "2025")
        page.get_by_role("button", name="Bắt đầu chạy").click()
        expect(page).to_have_url(re.compile(rf"/uncertainty/{world.current.pk}/$"))
        expect(page.locator("dd.seed")).to_have_text("2025")
        expect(page.locator("table.rank-intervals tbody tr")).to_have_count(4)
        run = RankUncertaintyRun.objects.get()
        assert (run.state, run.draws, run.seed) == ("done", 300, 2025)

        page.goto(f"/cycles/{world.current.pk}/")
        expect(panel.locator("figure.chart svg")).to_have_count(3)
        page.goto(f"/cycles/{world.current.pk}/units/SNV/")
        expect(page.locator("#rank-uncertainty dd.rank-interval")).to_be_visible()
        expect(page.locator("dl.band-probabilities > div")).to_have_count(5)
    finally:
        page.context.close()

    urls = (
        f"/uncertainty/{world.current.pk}/",
        f"/cycles/{world.current.pk}/",
        f"/cycles/{world.current.pk}/units/SNV/",
    )
    problems = []
    for viewport in (PHONE, LAPTOP):
        page = signed_in(browser, live_server.url, viewport)
        try:
            for url in urls:
                page.goto(url)
                width, inner, culprit = page.evaluate(OVERFLOWING)
                if width > inner:
                    problems.append(f"{url}: {width}px wide in a {inner}px window: {culprit}")
        finally:
            page.context.close()
    assert not problems, "\n".join(problems)
