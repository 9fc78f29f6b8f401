"""The documents of a published cycle, downloaded in the browser through the links of its pages
(issue 10, done when): the demo's published 2023 cycle, built by the demo's own steps; each file
read back (python-docx, openpyxl, poppler's pdftotext) and checked against the stored results.

Each kind of download has its test; they share ``demo_2023`` (the cycle) and ``download`` (a
link clicked, the file saved). The open data of the same cycle (CSV, JSON, .xlsx and the
framework file) is downloaded by an anonymous visitor in the last test."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page
from web.documents_reading import (
    TOTALS,
    docx_paragraphs,
    docx_row_flags,
    docx_table,
    lines_before_first_row,
    pdf_fonts,
    pdf_pages,
    row_line,
    vi,
    workbook_sheet,
)
from web.factories import framework_import_fast, framework_text

from parindex.core import Framework
from parindex.cycles.models import Cycle
from parindex.demo import build as demo
from parindex.frameworks.selectors import core_framework
from parindex.results.models import UnitResult

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DECISION = "Quyết định số 123/QĐ-UBND"  # the demo's, dated 15/03/2024
DECIDED = "15/03/2024"
UNIT = "SNV"


@dataclass
class Downloaded:
    name: str
    data: bytes


@pytest.fixture
def demo_2023(transactional_db: None) -> Cycle:
    """The demo province's register and its published 2023 cycle (both bases stored, the
    decision's number and date), as ``manage.py demo`` builds them."""
    version = framework_import_fast(text=framework_text(), source_name=demo.DEMO_FRAMEWORK)
    units = demo.build_units()
    return demo.build_cycle(2023, Cycle.State.PUBLISHED, version, units, log=lambda _: None)


def download(page: Page, link: Locator) -> Downloaded:
    """Click a download link; the file the browser saved."""
    with page.expect_download() as started:
        link.click()
    saved = started.value
    return Downloaded(saved.suggested_filename, Path(saved.path()).read_bytes())


def results_of(cycle: Cycle, basis: str) -> list[UnitResult]:
    return list(
        UnitResult.objects.filter(cycle=cycle, basis=basis)
        .select_related("unit")
        .order_by("position")
    )


def bands(fw: Framework) -> dict[str, str]:
    return {b.code: b.label("vi") for b in fw.bands}


def test_the_scoring_table_as_word_and_pdf(page: Page, demo_2023: Cycle, tmp_path: Path) -> None:
    cycle = demo_2023
    fw = core_framework(cycle.framework_version)
    final = UnitResult.objects.get(cycle=cycle, unit__code=UNIT, basis="final")
    own = UnitResult.objects.get(cycle=cycle, unit__code=UNIT, basis="self")
    of = UnitResult.objects.filter(cycle=cycle, basis="final", group=final.group).count()
    page.goto(f"/cycles/{cycle.pk}/units/{UNIT}/")  # the public scorecard
    links = page.locator("p.downloads a")

    word = download(page, links.filter(has_text="Word"))
    assert word.name == f"2023_{UNIT}_bang-diem.docx"
    table = docx_table(word.data)
    rows = {row[0]: row for row in table[1:] if row[0]}
    assert list(rows) == [n.code for n in fw.all_nodes if n.code in final.nodes]
    for code, figures in final.nodes.items():
        # No appraisal in 2023: no appraised figure and nothing said.
        assert rows[code][1:] == [
            fw.by_code[code].title.get("vi"),
            vi(figures["max"]),
            vi(own.nodes[code]["points"]),
            "",
            vi(figures["points"]),
            "",
            "",
        ]
    totals = {row[1]: row[2:6] for row in table[1:] if not row[0]}
    assert totals == {
        TOTALS["points"]: [vi(final.max), vi(own.points), "", vi(final.points)],
        TOTALS["index"]: ["", vi(own.index), "", vi(final.index)],
        TOTALS["rank"]: ["", f"{own.rank}/{of}", "", f"{final.rank}/{of}"],
        TOTALS["band"]: ["", bands(fw)[own.band], "", bands(fw)[final.band]],
    }
    assert {row[0]: row for row in table}["B"][5] == vi(final.nodes["B"]["points"])  # the bonus
    assert docx_row_flags(word.data)[0] == {"tblHeader", "cantSplit"}
    facts = docx_paragraphs(word.data)
    assert f"Quyết định công bố: {DECISION}" in facts
    assert f"Ngày ban hành quyết định: {DECIDED}" in facts

    pdf = download(page, links.filter(has_text="PDF"))
    assert pdf.name == f"2023_{UNIT}_bang-diem.pdf"
    pages = pdf_pages(pdf.data, tmp_path)
    assert len(pages) > 1
    assert pdf_fonts(pdf.data, tmp_path) == {"Liberation Serif"}
    header_words = {"STT", "Lĩnh", "vực,", "tiêu", "chí,", "chí", "thành", "phần", "Tối", "đa"}
    header_words |= {"Điểm", "tự", "đánh", "giá", "thẩm", "định", "cuối", "cùng", "Giải", "trình"}
    header_words |= {"của", "đơn", "vị", "Ý", "kiến"}
    for number, text in enumerate(pages, start=1):
        assert "Ý kiến thẩm định" in text, f"no header on page {number}"
        starts = list(final.nodes) + list(TOTALS.values())
        assert lines_before_first_row(text, header_words, starts) == [], f"page {number}"
    for code, figures in final.nodes.items():
        line = (code, vi(figures["max"]), vi(own.nodes[code]["points"]), vi(figures["points"]))
        # The row's number and its final points on one line of one page: the row is whole.
        assert sum(row_line(text, *line) for text in pages) == 1, code
    assert row_line(pages[-1], TOTALS["index"], vi(own.index), vi(final.index))


def test_the_ranking_annex_as_word_excel_and_pdf(
    page: Page, demo_2023: Cycle, tmp_path: Path
) -> None:
    cycle = demo_2023
    fw = core_framework(cycle.framework_version)
    results = results_of(cycle, "final")
    groups: dict[str, list[UnitResult]] = {}
    for result in results:
        groups.setdefault(result.group, []).append(result)
    areas = [n.code for n in fw.nodes if n.kind == "normal"]
    page.goto(f"/cycles/{cycle.pk}/")  # the public ranking
    links = page.locator("p.downloads a")

    def expected_row(n: int, result: UnitResult) -> list[str]:
        indices = [vi(result.nodes[a]["index"]) for a in areas]
        tail = [vi(result.points), vi(result.index), str(result.rank), bands(fw)[result.band]]
        return [str(n), result.unit.code, result.unit.name, *indices, *tail]

    word = download(page, links.filter(has_text="Word"))
    assert word.name == "2023_phu-luc-xep-hang.docx"
    expected: list[list[str]] = []
    for group, members in groups.items():
        expected.append([group] * (7 + len(areas)))
        expected += [expected_row(n, r) for n, r in enumerate(members, start=1)]
    assert docx_table(word.data)[1:] == expected
    assert f"(Kèm theo {DECISION} ngày {DECIDED})" in docx_paragraphs(word.data)

    excel = download(page, links.filter(has_text="Excel"))
    assert excel.name == "2023_phu-luc-xep-hang.xlsx"
    sheet = workbook_sheet(excel.data)
    rows = list(sheet.iter_rows())
    header = next(n for n, row in enumerate(rows, start=1) if row[1].value == "STT")
    assert sheet.freeze_panes == f"A{header + 1}"
    assert sheet.auto_filter.ref.startswith(f"A{header}:")
    dated = {row[0].value: row[1] for row in rows[:header]}["Ngày ban hành quyết định"]
    assert dated.is_date and dated.value == datetime.datetime(2024, 3, 15)
    body = rows[header : header + len(results)]
    for row, result in zip(body, results, strict=True):
        assert [row[0].value, row[2].value, row[3].value] == [
            result.group,
            result.unit.code,
            result.unit.name,
        ]
        numbers = [cell.value for cell in row[4 : 6 + len(areas)]]
        assert [Decimal(str(v)) for v in numbers] == [
            *(Decimal(result.nodes[a]["index"]) for a in areas),
            result.points,
            result.index,
        ]
        assert row[6 + len(areas)].value == result.rank

    pdf = download(page, links.filter(has_text="PDF"))
    assert pdf.name == "2023_phu-luc-xep-hang.pdf"
    pages = pdf_pages(pdf.data, tmp_path)
    assert len(pages) > 1
    header_words = {"STT", "Mã", "Đơn", "vị", "Lĩnh", "vực", "Điểm", "Chỉ", "số", "Thứ", "hạng"}
    header_words |= {"Xếp", "loại", *areas}
    starts = [*groups, *(str(n) for n in range(1, len(results) + 1))]
    for number, text in enumerate(pages, start=1):
        assert "Xếp loại" in text, f"no header on page {number}"
        assert lines_before_first_row(text, header_words, starts) == [], f"page {number}"
    for members in groups.values():
        for n, result in enumerate(members, start=1):
            line = (str(n), result.unit.code, vi(result.index), str(result.rank))
            assert sum(row_line(text, *line) for text in pages) == 1, result.unit.code


def stored(cycle: Cycle) -> dict[str, UnitResult]:
    rows = UnitResult.objects.filter(cycle=cycle, basis="final").select_related("unit")
    return {r.unit.code: r for r in rows}


def figure(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


def test_an_anonymous_visitor_downloads_the_open_data(page: Page, demo_2023: Cycle) -> None:
    """Open data (item 5): from the open-data index to the published cycle's CSV, JSON, .xlsx
    and framework file, every figure equal to the stored final results; the cycle in progress
    is not listed and its page and files are 404."""
    published = demo_2023
    in_scope = list(published.units.all())
    current = demo.build_cycle(
        2024, Cycle.State.IN_PROGRESS, published.framework_version, in_scope, log=lambda _: None
    )
    results = stored(published)
    page.goto("/")
    page.locator("header nav a", has_text="Dữ liệu mở").click()
    listed = page.locator("table.opendata-cycles tbody tr")
    assert listed.count() == 1  # 2024 is in progress: not open data
    listed.locator("a").click()
    page.wait_for_url(f"**/open-data/{published.pk}/")
    assert page.locator("h2", has_text="Phương pháp tính").is_visible()
    links = page.locator("table.downloads a")

    got = download(page, links.nth(0))
    name, data = got.name, got.data
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

    got = download(page, links.nth(1))
    name, data = got.name, got.data
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

    got = download(page, links.nth(2))
    name, data = got.name, got.data
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

    got = download(page, links.nth(3))
    name, data = got.name, got.data
    assert name == "province-internal_2024.yaml"
    assert data.decode("utf-8") == published.framework_version.source_text
    assert hashlib.sha256(data).hexdigest() == published.framework_version.sha256

    # The cycle in progress: nothing of it, page or file.
    assert page.goto(f"/open-data/{current.pk}/").status == 404
    for kind in ("results.csv", "results.json", "results.xlsx", "framework.yaml"):
        assert page.request.get(f"/open-data/{current.pk}/{kind}").status == 404
