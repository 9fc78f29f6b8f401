"""Printing the ranking, a scorecard, the statistics by area and a plan: Chromium's print media
on A4 landscape. The header, the navigation, forms and buttons are not printed; no table is
wider than the printable width, and no box scrolls or clips one; in the PDF every ranking row
keeps all its columns (the last area's index on the row's own line, which a scroll box cut off
before), the table header repeats on every page and no row is split across two."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from web.factories import PASSWORD, World, communes_add
from web.plans_fixtures import plan_world_build

from parindex.results.models import UnitResult

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A4 landscape less the @page margins of parindex.css (10 mm each side), in CSS pixels.
PRINTABLE_WIDTH = round((297 - 2 * 10) / 25.4 * 96)  # 1047
PRINT_VIEWPORT = {"width": PRINTABLE_WIDTH, "height": 700}

# What the print media shows that it should not, and every table or box wider than the page.
PRINT_PROBLEMS = """(limit) => {
  const shown = (el) =>
    el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string"
    ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const problems = [];
  const left_out = "header, nav, footer, form, button, .button, .downloads";
  for (const el of document.querySelectorAll(left_out)) {
    if (shown(el)) problems.push("printed: " + name(el));
  }
  for (const el of document.querySelectorAll("main table, main .scroll, main .table-scroll")) {
    const width = el.getBoundingClientRect().width;
    if (width > limit + 0.5) problems.push(name(el) + " is " + Math.round(width) + "px wide");
    if (el.scrollWidth > el.clientWidth + 1) problems.push(name(el) + " clips its content");
  }
  if (document.documentElement.scrollWidth > limit + 0.5) {
    problems.push("page is " + document.documentElement.scrollWidth + "px wide");
  }
  return problems;
}"""


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def pdf_pages(data: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, laid out as printed (poppler's pdftotext -layout)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
    path = tmp_path / "printed.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text.split("\f")[:-1]


def vi(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def test_pages_print_on_a4_landscape_without_navigation(
    page: Page, world: World, viewer, tmp_path: Path, artifacts: Path
) -> None:
    communes_add(world, 60)  # the ranking runs over several pages
    plan = plan_world_build(world, published=False).plan
    current = world.current.pk
    pages = {
        "ranking": reverse("cycle_ranking", kwargs={"cycle_id": current}),
        "scorecard": reverse(
            "unit_scorecard", kwargs={"cycle_id": current, "unit_code": world.unit_a.code}
        ),
        "statistics": reverse("cycle_statistics", kwargs={"cycle_id": current}),
        "plan": reverse("plans:detail", kwargs={"plan_id": plan.pk}),
    }
    log_in(page, "viewer")
    page.set_viewport_size(PRINT_VIEWPORT)
    page.emulate_media(media="print")
    for name, url in pages.items():
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert page.evaluate(PRINT_PROBLEMS, PRINTABLE_WIDTH) == [], name
        if name != "ranking":
            page.pdf(path=str(artifacts / f"print-{name}.pdf"), prefer_css_page_size=True)

    # The ranking as Chromium prints it: the page size comes from the stylesheet.
    page.goto(pages["ranking"])
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "print-ranking.pdf").write_bytes(pdf)
    printed = pdf_pages(pdf, tmp_path)
    assert len(printed) > 1
    header = re.compile(r"Đơn vị\s+Điểm\s+Chỉ số\s+Xếp loại")
    results = UnitResult.objects.filter(cycle_id=current).select_related("unit")
    for result in results:
        lines = [
            (number, line)
            for number, text in enumerate(printed)
            for line in text.splitlines()
            if re.search(rf"\b{re.escape(result.unit.name)}\s+{vi(result.points)}\s", line)
        ]
        assert len(lines) == 1, (result.unit.name, lines)  # one row, whole on one line
        number, line = lines[0]
        last_area = vi(Decimal(result.nodes["8"]["index"]))
        assert line.rstrip().endswith(last_area), line  # column 8 is on the page
        assert header.search(printed[number]), number  # the header repeats on that page
