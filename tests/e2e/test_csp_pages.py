"""Chromium under the site's Content-Security-Policy: the key pages break none of its rules and
still work.

Every page is watched for ``securitypolicyviolation`` events (a blocked inline script, handler,
style or eval), console errors and failed requests (a favicon that is not there). The pages: the
published ranking with its chart and its htmx filter, a scorecard with its chart, and a unit's
self-assessment with its deadline countdown, its live preview of the points, a refused save
shown in place and the Excel upload with its progress bar and refusal.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect
from web.factories import PASSWORD, World, admin_create, person

from parindex.accounts.models import Role
from parindex.assessments.models import Stage
from parindex.assessments.services import cycle_open
from parindex.cycles.models import Cycle
from parindex.results.models import Answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
DAY = datetime.timedelta(days=1)

# Runs in every document before its own scripts (Playwright's init scripts are not subject to
# the page's policy): records what the policy blocked.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " "
    + (e.sourceFile || "") + ":" + e.lineNumber + " " + (e.sample || ""));
});
"""


@dataclass
class Watch:
    page: Page
    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations || []")  # type: ignore[no-any-return]

    def assert_clean(self) -> None:
        assert self.violations() == []
        assert self.console == []
        assert self.failed == []


def noted(message: ConsoleMessage) -> bool:
    """Errors and warnings, but not the status of an answer: refusals (403, 409, 422) are part
    of the pages, and a missing file is caught as a 404 response."""
    if message.text.startswith("Failed to load resource"):
        return False
    return message.type in ("error", "warning")


def watch(page: Page) -> Watch:
    seen = Watch(page)
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}") if noted(m) else None)
    page.on("pageerror", lambda e: seen.console.append(f"pageerror: {e}"))
    page.on(
        "response",
        lambda r: seen.failed.append(f"{r.status} {r.url}") if r.status == 404 else None,
    )
    return seen


def assert_policy(policy: str | None) -> None:
    assert policy is not None
    assert "script-src 'self';" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def log_in(page: Page, username: str, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def test_ranking_filter_and_scorecard_charts_under_the_policy(page: Page, world: World) -> None:
    seen = watch(page)
    response = page.goto(f"/cycles/{world.published.pk}/")
    assert response is not None
    assert_policy(response.headers.get("content-security-policy"))
    expect(page.locator("figure.chart svg")).to_be_visible()
    page.select_option("#type-filter", label="Cấp xã")
    page.wait_for_url(re.compile(r"[?&]type=commune(&|$)"))
    results = page.locator("#results")
    expect(results.locator("table.ranking tbody tr")).to_have_count(2)
    expect(results).not_to_contain_text("Sở Nội vụ")
    seen.assert_clean()

    page.get_by_role("link", name="Phường 1").click()
    expect(page.locator("h1")).to_contain_text("Phường 1")
    expect(page.locator("figure.chart svg")).to_be_visible()
    seen.assert_clean()


def test_self_assessment_countdown_preview_and_refusals_under_the_policy(
    page: Page, world: World, tmp_path: Path
) -> None:
    admin = admin_create()
    person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    now = timezone.now()
    cycle = Cycle.objects.create(
        year=2025, title="Chỉ số CCHC năm 2025", framework_version=world.version
    )
    cycle.units.set(world.units)
    cycle_open(
        cycle=cycle, windows={Stage.SELF_ASSESSMENT: (now - DAY, now + 10 * DAY)}, actor=admin
    )
    url = f"/assessments/{cycle.pk}/{world.unit_a.code}/"
    seen = watch(page)
    log_in(page, "editor.a", url)

    with page.expect_response(re.compile(re.escape(url) + "$")) as loaded:
        page.reload()
    assert_policy(loaded.value.headers.get("content-security-policy"))

    # The countdown is kept running by the page's static script.
    countdown = page.locator(".countdown[data-remaining]").first
    expect(countdown).to_contain_text("còn 9 ngày")
    expect(countdown).to_have_attribute("data-t0", re.compile(r"^\d+$"))

    # The live preview (htmx) and a refused save (422), shown in place.
    leaf = page.locator('article[data-leaf="1.1.2"]')
    leaf.locator('input[name="numerator"]').fill("45")
    leaf.locator('input[name="denominator"]').fill("50")
    expect(leaf.locator(".score")).to_contain_text("Tỷ lệ 45/50 = 90% ≥ mức 80%")
    leaf.locator('input[name="numerator"]').fill("60")
    leaf.locator("button.save").click()
    leaf = page.locator('article[data-leaf="1.1.2"]')
    expect(leaf.locator(".errors")).to_be_visible()
    assert not Answer.objects.filter(cycle=cycle).exists()
    seen.assert_clean()

    # The Excel upload: a file that is not a workbook is refused in place, the bar filled.
    page.goto(f"{url}excel/upload/")
    bad = tmp_path / "tu-danh-gia.xlsx"
    bad.write_bytes(b"not a workbook")
    page.locator('#excel-import input[type="file"]').set_input_files(str(bad))
    page.locator("#excel-import button[type=submit]").click()
    expect(page.locator("#excel-result .errors")).to_be_visible()
    progress = page.locator("#excel-import progress")
    expect(progress).to_be_visible()
    assert progress.evaluate("bar => bar.value") == 100
    assert not Answer.objects.filter(cycle=cycle).exists()
    seen.assert_clean()
