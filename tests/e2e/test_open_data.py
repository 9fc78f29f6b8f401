"""Open data in the browser (issue 10, item 5): an anonymous visitor goes from the open-data
index to the demo's published 2023 cycle, downloads its CSV, JSON, .xlsx and framework file
through the page's links, and every figure read back equals the stored final results; the
demo's 2024 cycle, still in progress, is not listed and its page and files are 404."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page
from web.factories import framework_import_fast, framework_text

from parindex.cycles.models import Cycle
from parindex.demo import build as demo
from parindex.results.models import UnitResult

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_cycles(transactional_db: None) -> tuple[Cycle, Cycle]:
    """The demo province's published 2023 cycle and its 2024 cycle in progress, as
    ``manage.py demo`` builds them."""
    version = framework_import_fast(text=framework_text(), source_name=demo.DEMO_FRAMEWORK)
    units = demo.build_units()
    published = demo.build_cycle(2023, Cycle.State.PUBLISHED, version, units, log=lambda _: None)
    current = demo.build_cycle(2024, Cycle.State.IN_PROGRESS, version, units, log=lambda _: None)
    return published, current


def download(page: Page, link: Locator) -> tuple[str, bytes]:
    with page.expect_download() as started:
        link.click()
    saved = started.value
    return saved.suggested_filename, Path(saved.path()).read_bytes()


def stored(cycle: Cycle) -> dict[str, UnitResult]:
    rows = UnitResult.objects.filter(cycle=cycle, basis="final").select_related("unit")
    return {r.unit.code: r for r in rows}


def figure(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


def test_an_anonymous_visitor_downloads_the_open_data(
    page: Page, demo_cycles: tuple[Cycle, Cycle]
) -> None:
    published, current = demo_cycles
    results = stored(published)
    page.goto("/")
    page.locator("header nav a", has_text="Dữ liệu mở").click()
    listed = page.locator("table.opendata-cycles tbody tr")
    assert listed.count() == 1  # 2024 is in progress: not open data
    listed.locator("a").click()
    page.wait_for_url(f"**/open-data/{published.pk}/")
    assert page.locator("h2", has_text="Phương pháp tính").is_visible()
    links = page.locator("table.downloads a")

    name, data = download(page, links.nth(0))
    assert name == "2023_province-internal_ket-qua.csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    assert [r["unit"] for r in rows] == [
        r.unit.code for r in sorted(results.values(), key=lambda r: r.position)
    ]
    for row in rows:
        result = results[row["unit"]]
        assert (figure(row["points"]), figure(row["index"])) == (result.points, result.index)
        assert (int(row["rank"]), row["band"], row["group"]) == (
            result.rank,
            result.band,
            result.group,
        )
        for code, node in result.nodes.items():
            assert row[f"points_{code}"] == node["points"]

    name, data = download(page, links.nth(1))
    assert name == "2023_province-internal_ket-qua.json"
    document = json.loads(data)
    assert document["framework"]["code"] == "province-internal"
    assert document["cycle"]["year"] == 2023
    for unit in document["units"]:
        result = results[unit["unit"]]
        assert (figure(unit["points"]), figure(unit["max"]), figure(unit["index"])) == (
            result.points,
            result.max,
            result.index,
        )
        assert unit["nodes"] == result.nodes and unit["missing"] == result.missing
    assert len(document["units"]) == len(results)

    name, data = download(page, links.nth(2))
    assert name == "2023_province-internal_ket-qua.xlsx"
    sheet = load_workbook(io.BytesIO(data))["results"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    for line in sheet.iter_rows(min_row=2, values_only=True):
        cells = dict(zip(header, line, strict=True))
        result = results[str(cells["unit"])]
        assert isinstance(cells["index"], int | float)
        assert figure(cells["index"]) == result.index and cells["rank"] == result.rank
    assert sheet.max_row == len(results) + 1

    name, data = download(page, links.nth(3))
    assert name == "province-internal_2024.yaml"
    assert data.decode("utf-8") == published.framework_version.source_text
    assert hashlib.sha256(data).hexdigest() == published.framework_version.sha256

    # The cycle in progress: nothing of it, page or file.
    assert page.goto(f"/open-data/{current.pk}/").status == 404
    for kind in ("results.csv", "results.json", "results.xlsx", "framework.yaml"):
        assert page.request.get(f"/open-data/{current.pk}/{kind}").status == 404
