"""Vietnamese number and option entry in Chromium, on a desktop and on a phone: a unit editor
types a ratio on the self-assessment page («1.000» is refused as ambiguous, a ratio above the
leaf's maximum percentage is refused, 950/1000 is saved and shown as 950/1.000), picks an option
by its title, then fills the unit's Excel workbook with an option typed as its title and a
denominator typed as text; the pages of the walk show every number one Vietnamese way, never an
option key, and none is wider than the screen."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from playwright.sync_api import Browser, Page, expect
from web.factories import PASSWORD, World, admin_create, person

from parindex.accounts.models import Role
from parindex.assessments import excel
from parindex.assessments.models import Stage
from parindex.assessments.services import cycle_open
from parindex.core import score_leaf
from parindex.core.messages import localize_number
from parindex.core.numbers import format_decimal
from parindex.core.rules import ChoiceRule
from parindex.cycles.models import Cycle
from parindex.plans.models import Plan
from parindex.plans.services import plan_create
from parindex.results.models import Answer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CHOICE, RATIO = "1.1.1", "1.1.2"  # see frameworks/province-internal.yaml
DAY = datetime.timedelta(days=1)
SIZES = [
    pytest.param({"width": 1366, "height": 900}, id="desktop"),
    pytest.param({"width": 390, "height": 844}, id="phone"),
]
# A number written the English way where points are shown: 95.35, 1.5 (a leaf code such as
# 1.1.2 has a second dot, a thousands group such as 1.000 three digits).
DOT_DECIMAL = re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])")
# Anywhere in a page's text, only two decimals can be told from a node code such as 1.1.
DOT_DECIMAL_2 = re.compile(r"(?<![\d.,])\d+\.\d{2}(?![\d.])")
# Where each page shows points, indices and other figures.
FIGURES = {
    "self-assessment": ".score, .leaf-head .max, .previous, #assessment-summary dd, .area-points",
    "scorecard": "dl dd, td.num",
    "ranking": "td.num",
    "what-if": "#projection dd, #projection td.num, label.choice .muted",
}


@dataclass
class Scene:
    world: World
    cycle: Cycle
    plan: Plan
    url: str
    widths: list[tuple[str, int, int, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(params=SIZES)
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.param


@pytest.fixture
def scene(world: World) -> Scene:
    admin = admin_create()
    person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    cycle = Cycle.objects.create(
        year=2025, title="Chỉ số CCHC năm 2025", framework_version=world.version
    )
    cycle.units.set(world.units)
    now = timezone.now()
    cycle_open(
        cycle=cycle, windows={Stage.SELF_ASSESSMENT: (now - DAY, now + 10 * DAY)}, actor=admin
    )
    plan = plan_create(
        number="252/KH-UBND",
        title="Kế hoạch nâng cao Chỉ số CCHC giai đoạn 2023-2026",
        issued_on=datetime.date(2023, 3, 1),
        issuer="Ủy ban nhân dân tỉnh",
        start_year=2023,
        end_year=2026,
        framework_version=world.version,
    )
    return Scene(world, cycle, plan, f"/assessments/{cycle.pk}/{world.unit_a.code}/")


@pytest.fixture
def editor(browser: Browser, live_server, scene: Scene, viewport: dict[str, int]):  # type: ignore[no-untyped-def]
    """The unit editor, signed in through the login page, in Vietnamese, at the viewport."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", viewport=viewport)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"/accounts/login/?next={scene.url}")
    page.fill("#id_username", "editor.a")
    page.fill("#id_password", PASSWORD)
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(scene.url) + "$"))
    yield page
    context.close()


def answer(scene: Scene, code: str) -> Answer | None:
    return Answer.objects.filter(cycle=scene.cycle, unit=scene.world.unit_a, leaf_code=code).first()


def vi(points: object) -> str:
    """Points as the page's figures show them: 1,50."""
    return localize_number(str(points), "vi")


def vi_plain(points: Decimal) -> str:
    """Points as the explanations and option labels write them: 1,5."""
    return localize_number(format_decimal(points), "vi")


def option_keys(scene: Scene) -> set[str]:
    return {
        option.key
        for leaf in scene.world.fw.leaves
        if isinstance(leaf.rule, ChoiceRule)
        for option in leaf.rule.options
    }


def measure(page: Page, scene: Scene, name: str) -> None:
    """Record how wide the page is against the window, and its widest element if too wide."""
    width, inner, culprit = page.evaluate(
        """() => {
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
    )
    scene.widths.append((name, width, inner, culprit))


def check_vietnamese(page: Page, scene: Scene, name: str, figures: str) -> None:
    """One number format, and option titles rather than keys, in what the page shows; what is
    wrong is collected, so that one run lists it for every page of the walk."""
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    dotted = [text[max(0, m.start() - 50) : m.end() + 20] for m in DOT_DECIMAL_2.finditer(text)]
    if dotted:
        scene.problems.append(f"{name}: numbers written with a dot decimal: {dotted}")
    shown = page.locator(figures).all_inner_texts()
    assert shown, f"{name}: no figures found with {figures!r}"
    dotted = sorted({t for t in shown if DOT_DECIMAL.search(t)})
    if dotted:
        scene.problems.append(f"{name}: figures written with a dot decimal: {dotted}")
    keys = {
        text[max(0, m.start() - 50) : m.end() + 20]
        for k in option_keys(scene)
        for m in re.finditer(rf"(?<!\w){re.escape(k)}(?!\w)", text)
    }
    if keys:
        scene.problems.append(f"{name}: option keys shown instead of titles: {sorted(keys)}")


def walk(page: Page, scene: Scene, tmp_path: Path) -> None:
    """The editor's walk; each step's outcome is asserted as it happens, the number format and
    the widths of the pages are collected in ``scene``."""
    world = scene.world
    fw = world.fw

    # 1. A ratio on the page: «1.000» is ambiguous, 25/20 is above 100%, 950/1000 is saved.
    leaf = page.locator(f'article[data-leaf="{RATIO}"]')
    leaf.locator('input[name="numerator"]').fill("950")
    leaf.locator('input[name="denominator"]').fill("1.000")
    leaf.locator("button.save").click()
    leaf = page.locator(f'article[data-leaf="{RATIO}"]')
    expect(leaf.locator(".errors")).to_contain_text("«1.000» có hai cách hiểu")
    assert answer(scene, RATIO) is None
    measure(page, scene, "self-assessment, ambiguous denominator")

    leaf.locator('input[name="numerator"]').fill("25")
    leaf.locator('input[name="denominator"]').fill("20")
    leaf.locator("button.save").click()
    leaf = page.locator(f'article[data-leaf="{RATIO}"]')
    expect(leaf.locator(".errors")).to_contain_text("vượt quá mức tối đa 100%")
    assert answer(scene, RATIO) is None

    leaf.locator('input[name="numerator"]').fill("950")
    leaf.locator('input[name="denominator"]').fill("1000")
    expect(leaf.locator(".score")).to_contain_text("950/1.000 = 95%")
    expect(leaf.locator(".score")).to_contain_text("chưa lưu")
    assert answer(scene, RATIO) is None
    leaf.locator("button.save").click()
    leaf = page.locator(f'article[data-leaf="{RATIO}"]')
    expect(leaf.locator(".message")).to_have_text("Đã lưu.")
    saved = answer(scene, RATIO)
    assert saved is not None and saved.value == "950/1000"
    ratio_points = score_leaf(fw, fw.node(RATIO), "950/1000").points
    expect(leaf.locator(".score")).to_contain_text("950/1.000 = 95%")
    expect(leaf.locator(".score [data-points]")).to_have_text(vi(ratio_points))
    expect(leaf.locator(".score")).to_contain_text(f"→ {vi_plain(ratio_points)} điểm")

    # 2. An option picked by its title.
    choice = page.locator(f'article[data-leaf="{CHOICE}"]')
    select = choice.locator('select[name="value"]')
    late = score_leaf(fw, fw.node(CHOICE), "cham").points
    select.select_option(label=f"Ban hành chậm ({vi_plain(late)} điểm)")
    expect(choice.locator(".score")).to_contain_text("Ban hành chậm")
    choice.locator("button.save").click()
    choice = page.locator(f'article[data-leaf="{CHOICE}"]')
    expect(choice.locator(".message")).to_have_text("Đã lưu.")
    assert answer(scene, CHOICE).value == "cham"  # type: ignore[union-attr]
    expect(choice.locator(".score")).to_contain_text("Ban hành chậm")
    expect(choice.locator(".score [data-points]")).to_have_text(vi(late))
    page.reload()
    choice = page.locator(f'article[data-leaf="{CHOICE}"]')
    expect(choice.locator('select[name="value"] option:checked')).to_have_text(
        f"Ban hành chậm ({vi_plain(late)} điểm)"
    )
    expect(page.locator(f'article[data-leaf="{RATIO}"] .score')).to_contain_text("950/1.000 = 95%")
    check_vietnamese(page, scene, "self-assessment", FIGURES["self-assessment"])
    measure(page, scene, "self-assessment")

    # 3. Excel: the option typed as its title, the denominator typed as text «1.000».
    with page.expect_download() as download:
        page.locator(f'a[href="{scene.url}excel/"]').click()
    assert download.value.suggested_filename == f"tu-danh-gia-2025-{world.unit_a.code}.xlsx"
    downloaded = tmp_path / download.value.suggested_filename
    download.value.save_as(downloaded)
    book = load_workbook(downloaded)
    sheet = book[excel.SHEET]
    rows = {
        sheet.cell(r, excel.COL_LEAF).value: r
        for r in range(excel.FIRST_ROW, sheet.max_row + 1)
        if sheet.cell(r, excel.COL_LEAF).value
    }
    assert sheet.cell(rows[CHOICE], excel.COL_VALUE).value == "Ban hành chậm"
    sheet.cell(rows[CHOICE], excel.COL_VALUE).value = "Không ban hành"
    sheet.cell(rows[RATIO], excel.COL_NUMERATOR).value = 950
    sheet.cell(rows[RATIO], excel.COL_DENOMINATOR).value = "1.000"
    ambiguous = tmp_path / "tu-danh-gia-1.xlsx"
    book.save(ambiguous)
    before = {a.leaf_code: (a.value, a.version) for a in Answer.objects.filter(cycle=scene.cycle)}

    page.locator(f'a[href="{scene.url}excel/upload/"]').click()
    expect(page).to_have_url(re.compile(re.escape(scene.url) + "excel/upload/$"))
    page.locator('#excel-import input[type="file"]').set_input_files(str(ambiguous))
    page.locator("#excel-import button[type=submit]").click()
    problems = page.locator("#excel-result table.problems tbody tr")
    expect(problems).to_have_count(1)
    denominator = get_column_letter(excel.COL_DENOMINATOR)
    expect(problems.first.locator("td").nth(1)).to_have_text(str(rows[RATIO]))
    expect(problems.first.locator("td").nth(2)).to_have_text(denominator)
    expect(problems.first.locator("td").nth(3)).to_contain_text("«1.000» có hai cách hiểu")
    after = {a.leaf_code: (a.value, a.version) for a in Answer.objects.filter(cycle=scene.cycle)}
    assert after == before
    measure(page, scene, "Excel upload, refused")

    sheet.cell(rows[RATIO], excel.COL_DENOMINATOR).value = 1000
    fixed = tmp_path / "tu-danh-gia-2.xlsx"
    book.save(fixed)
    page.locator('#excel-import input[type="file"]').set_input_files(str(fixed))
    page.locator("#excel-import button[type=submit]").click()
    applied = page.locator("#excel-result .message")
    expect(applied).to_contain_text(CHOICE)
    expect(applied).not_to_contain_text(RATIO)  # 950/1000, as saved on the page
    assert answer(scene, CHOICE).value == "khong_ban_hanh"  # type: ignore[union-attr]
    assert answer(scene, RATIO).value == "950/1000"  # type: ignore[union-attr]
    measure(page, scene, "Excel upload, applied")

    # Its points are those of picking "Không ban hành" on the page.
    not_issued = score_leaf(fw, fw.node(CHOICE), "khong_ban_hanh").points
    page.goto(scene.url)
    choice = page.locator(f'article[data-leaf="{CHOICE}"]')
    expect(choice.locator(".score [data-points]")).to_have_text(vi(not_issued))
    expect(choice.locator(".score")).to_contain_text("Không ban hành")
    expect(choice.locator('select[name="value"] option:checked')).to_have_text(
        f"Không ban hành ({vi_plain(not_issued)} điểm)"
    )
    choice.locator('select[name="value"]').select_option(
        label=f"Ban hành chậm ({vi_plain(late)} điểm)"
    )
    expect(choice.locator(".score")).to_contain_text("chưa lưu")
    choice.locator('select[name="value"]').select_option(
        label=f"Không ban hành ({vi_plain(not_issued)} điểm)"
    )
    expect(choice.locator(".score")).to_contain_text("Không ban hành")
    expect(choice.locator(".score [data-points]")).to_have_text(vi(not_issued))
    check_vietnamese(page, scene, "self-assessment after import", FIGURES["self-assessment"])

    # 4. The published cycle's scorecard and ranking, and the plan's what-if.
    published = world.published
    page.goto(f"/cycles/{published.pk}/units/{world.unit_a.code}/")
    expect(page.locator("table.scorecard")).to_be_visible()
    check_vietnamese(page, scene, "scorecard", FIGURES["scorecard"])
    measure(page, scene, "scorecard")

    page.goto(f"/cycles/{published.pk}/")
    expect(page.locator("table.ranking").first).to_be_visible()
    check_vietnamese(page, scene, "ranking", FIGURES["ranking"])
    measure(page, scene, "ranking")

    page.goto(
        f"/plans/{scene.plan.pk}/what-if/?cycle={published.pk}&scope=unit:{world.unit_a.code}"
    )
    page.locator("input[name=nodes]").first.check()
    page.locator("#whatif-form button[type=submit]").click()
    expect(page.locator("#projection")).to_be_visible()
    check_vietnamese(page, scene, "what-if", FIGURES["what-if"])
    measure(page, scene, "what-if")


def test_vietnamese_entry_on_the_page_in_excel_and_one_number_format(
    editor: Page, scene: Scene, tmp_path: Path
) -> None:
    walk(editor, scene, tmp_path)
    assert not scene.problems, "\n".join(scene.problems)


def test_no_page_of_the_walk_is_wider_than_the_screen(
    editor: Page, scene: Scene, tmp_path: Path
) -> None:
    walk(editor, scene, tmp_path)
    too_wide = [
        f"{name}: {width}px wide in a {inner}px window; overflowing: {culprit}"
        for name, width, inner, culprit in scene.widths
        if width > inner
    ]
    assert not too_wide, "\n".join(too_wide)
