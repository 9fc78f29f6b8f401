"""Staff pages on a phone (390 px) and on a laptop (1366 px): each persona's main pages are no
wider than the window (wide tables scroll inside their own box, long codes wrap, charts
shrink), and the header's menu opens on a phone to show every link and «Đăng xuất»."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect
from web.appraisals_fixtures import Appraisal, build_appraisal
from web.factories import PASSWORD, World, admin_create
from web.plans_fixtures import plan_world_build
from web.surveys_fixtures import QUESTIONNAIRE

from parindex.national import demo as national_demo
from parindex.plans.models import Plan
from parindex.surveys import services as surveys
from parindex.units.models import Unit

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}

# The right edge of what sticks out of the window, outside any box that scrolls or clips.
OVERFLOWING = """() => {
  const inner = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (typeof el.className === "string" && el.className.trim()
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const found = [];
  if (width > inner) {
    for (const el of document.body.querySelectorAll("*")) {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement.getBoundingClientRect().right;
      if (right > inner + 0.5 && parent <= inner + 0.5 && !clipped(el)) {
        const where = el.parentElement.closest("[id], table, form, section");
        found.push(name(el) + (where ? " in " + name(where) : "")
          + " (right edge " + Math.round(right) + "px)");
      }
    }
  }
  return [width, inner, found.slice(0, 4).join("; ")];
}"""


@dataclass
class Office:
    world: World
    ap: Appraisal
    plan: Plan
    survey_cycle: int
    questionnaire: int
    province: Unit


@pytest.fixture(autouse=True)
def inline_jobs(settings) -> None:  # type: ignore[no-untyped-def]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def office(world: World) -> Office:
    admin = admin_create()
    ap = build_appraisal(world, admin)
    plan = plan_world_build(world, published=True).plan
    questionnaire = surveys.questionnaire_import(
        cycle=world.current, text=QUESTIONNAIRE, source_name="q.yaml", user=admin
    )
    province = national_demo.build(log=lambda _: None)
    return Office(world, ap, plan, world.current.pk, questionnaire.pk, province)


def pages(office: Office) -> dict[str, dict[str, str]]:
    """Each persona's main pages, by name."""
    ap, world = office.ap, office.world
    cycle = {"cycle_id": ap.cycle.pk}
    published = world.published.pk
    common = {
        "home": reverse("home"),
        "ranking": reverse("cycle_ranking", kwargs={"cycle_id": published}),
        "statistics": reverse("cycle_statistics", kwargs={"cycle_id": published}),
        "scorecard": reverse(
            "unit_scorecard", kwargs={"cycle_id": published, "unit_code": world.unit_a.code}
        ),
        "plans": reverse("plans:list"),
        "plan": reverse("plans:detail", kwargs={"plan_id": office.plan.pk}),
        "national": reverse("national:index"),
        "national position": reverse("national:position", kwargs={"code": office.province.code}),
        "open data": reverse("opendata:index"),
        "open data cycle": reverse("opendata:cycle", kwargs={"cycle_id": published}),
    }
    return {
        "admin": {
            **common,
            "self-assessment": reverse(
                "assessments:page", kwargs={**cycle, "unit_code": world.unit_a.code}
            ),
            "appraisal unit": ap.unit_url(),
            "tracking": reverse("appraisals:tracking", kwargs=cycle),
            "council": reverse("appraisals:council", kwargs=cycle),
            "audit log": reverse("audit:log"),
            "accounts": reverse("accounts:manage"),
            "survey cycle": reverse("surveys:cycle", kwargs={"cycle_id": office.survey_cycle}),
            "survey coverage": reverse(
                "surveys:coverage", kwargs={"questionnaire_id": office.questionnaire}
            ),
            "cycles": reverse("cycles:list"),
            "cycle wizard": reverse("cycles:new"),
        },
        "editor.a": {
            **common,
            "self-assessment": reverse(
                "assessments:page", kwargs={**cycle, "unit_code": world.unit_a.code}
            ),
            "self-assessment leaf": reverse(
                "assessments:leaf",
                kwargs={**cycle, "unit_code": world.unit_a.code, "leaf_code": "1.1.2"},
            ),
        },
        "appraiser": {
            **common,
            "appraisal queue": reverse("appraisals:queue", kwargs=cycle),
            "appraisal unit": ap.unit_url(),
            "appraisal leaf": ap.leaf_url("leaf", "1.1.2"),
        },
        "council": {
            **common,
            "council": reverse("appraisals:council", kwargs=cycle),
        },
    }


def signed_in(browser: Browser, base_url: str, username: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(base_url=base_url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def sign_out_reachable(page: Page, phone: bool) -> str | None:
    """«Đăng xuất» shows, after opening the header's menu on a phone; None if it does."""
    sign_out = page.get_by_role("button", name="Đăng xuất")
    if phone:
        if sign_out.is_visible():
            return "the menu is open before it is opened"
        page.locator("header.top details.menu > summary").click()
    if not sign_out.is_visible():
        return "«Đăng xuất» is not visible"
    box = sign_out.bounding_box()
    inner = page.evaluate("window.innerWidth")
    if box is None or box["x"] < 0 or box["x"] + box["width"] > inner:
        return f"«Đăng xuất» is outside the window: {box}"
    return None


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_staff_pages_fit_the_window(
    browser: Browser, live_server, office: Office, viewport: dict[str, int]
) -> None:
    phone = viewport is PHONE
    problems: list[str] = []
    for username, urls in pages(office).items():
        page = signed_in(browser, live_server.url, username, viewport)
        try:
            for name, url in urls.items():
                response = page.goto(url)
                assert response is not None
                if response.status != 200:
                    problems.append(f"{username} {name} ({url}): HTTP {response.status}")
                    continue
                width, inner, culprit = page.evaluate(OVERFLOWING)
                if width > inner:
                    problems.append(
                        f"{username} {name} ({url}): {width}px wide in a {inner}px window; "
                        f"overflowing: {culprit}"
                    )
            page.goto(reverse("home"))
            unreachable = sign_out_reachable(page, phone)
            if unreachable:
                problems.append(f"{username}: {unreachable}")
        finally:
            page.context.close()
    assert not problems, "\n".join(problems)
