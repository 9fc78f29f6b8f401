"""The statistics by area of a cycle: who may read them (the ranking's rule), the figures against
the stored results, one table per ranking group and one for every unit, the basis rule, the
chart, and the .xlsx with numeric cells, a frozen header and filters."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from parindex.accounts.models import User
from parindex.cycles.models import Cycle
from parindex.results.models import Basis, UnitResult

from .factories import COMMUNES, DEPARTMENTS, WARDS, World, browse, communes_add, table_rows
from .test_security_holes import appraised_in_hiding


def url(cycle: Cycle, query: str = "") -> str:
    return f"/cycles/{cycle.pk}/statistics/{query}"


def xlsx_url(cycle: Cycle, query: str = "") -> str:
    return f"/cycles/{cycle.pk}/statistics.xlsx{query}"


def vi(value: Decimal) -> str:
    """A figure below 1000 as a Vietnamese page shows it, with two decimals."""
    return f"{value:.2f}".replace(".", ",")


def expected(cycle: Cycle, code: str, group: str | None, basis: str = Basis.FINAL) -> dict:
    """The figures of node ``code`` over the stored results, computed here from the JSON."""
    rows = UnitResult.objects.filter(cycle=cycle, basis=basis)
    if group is not None:
        rows = rows.filter(group=group)
    figures = [
        (Decimal(n[code]["points"]), Decimal(n[code]["max"]))
        for n in rows.values_list("nodes", flat=True)
        if code in n and Decimal(n[code]["max"]) > 0
    ]
    count = len(figures)
    cent = Decimal("0.01")
    mean = (sum(p for p, _ in figures) / count).quantize(cent, ROUND_HALF_UP)
    ratios = [p * 100 / m for p, m in figures]
    return {
        "units": str(count),
        "mean": vi(mean),
        "low": vi(min(p for p, _ in figures)),
        "high": vi(max(p for p, _ in figures)),
        "index_mean": vi((sum(ratios) / count).quantize(cent, ROUND_HALF_UP)),
        "index_low": vi(min(ratios).quantize(cent, ROUND_HALF_UP)),
        "full": str(sum(1 for p, m in figures if p == m)),
    }


@pytest.mark.parametrize(
    ("persona", "published", "unpublished"),
    [
        ("anonymous", 200, 302),
        ("viewer", 200, 200),
        ("admin", 200, 200),
        ("editor_a", 200, 403),
    ],
)
def test_access_is_the_rankings(
    world: World, visit, persona: str, published: int, unpublished: int
) -> None:
    client = visit(persona)
    for address in (url, xlsx_url):
        assert client.get(address(world.published)).status_code == published
        assert client.get(address(world.current)).status_code == unpublished
    assert client.get("/cycles/999999/statistics/").status_code in (404, 302)


def test_linked_from_the_ranking_page(world: World, visit) -> None:
    html = visit("viewer").get(f"/cycles/{world.current.pk}/").content.decode()
    assert f'href="/cycles/{world.current.pk}/statistics/?basis=final"' in html
    assert "Thống kê theo lĩnh vực" in html


def test_one_table_per_group_then_every_unit(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current)).content.decode()
    scopes = [
        part.split('"', 1)[0] for part in html.split('<table class="statistics" data-scope="')[1:]
    ]
    assert scopes == [WARDS, DEPARTMENTS, COMMUNES, "*"]  # the ranking's listing order
    assert "Tất cả đơn vị" in html and "Thống kê theo lĩnh vực" in html
    assert "Mean" not in html and "Trung bình" in html
    assert "Chỉ số (% điểm tối đa)" in html and "of the maximum" not in html


def test_figures_are_the_stored_results(world: World, visit) -> None:
    communes_add(world, 5)
    html = visit("viewer").get(url(world.current)).content.decode()
    tables = html.split('<table class="statistics" data-scope="')[1:]
    by_scope = {t.split('"', 1)[0]: table_rows(t) for t in tables}
    for scope, group in ((COMMUNES, COMMUNES), ("*", None)):
        for code in ("1", "1.1", "4", "8"):
            row = next(r for r in by_scope[scope] if r.attrs.get("data-code") == code)
            want = expected(world.current, code, group)
            # code, title, units, max, mean, low, high, index mean, low, high, full marks
            cells = row.cells
            assert (cells[2], cells[4], cells[5], cells[6]) == (
                want["units"],
                want["mean"],
                want["low"],
                want["high"],
            ), (scope, code)
            assert (cells[7], cells[8], cells[10]) == (
                want["index_mean"],
                want["index_low"],
                want["full"],
            ), (scope, code)
    assert "<svg" in html and 'class="chart"' in html


def test_the_basis_follows_the_rankings_rule(world: World, admin: User) -> None:
    """Unit A adjusted and still in appraisal: its own people (the conflicted appraiser is one)
    get the self basis only, as on the ranking; other readers get the final basis, and may ask
    for the self one."""
    ap = appraised_in_hiding(world, admin)
    stored = {
        basis: expected(ap.cycle, "1", DEPARTMENTS, basis) for basis in (Basis.SELF, Basis.FINAL)
    }
    assert stored[Basis.SELF]["mean"] != stored[Basis.FINAL]["mean"]

    def shown(user: User, query: str = "") -> tuple[str, str]:
        response = browse(user).get(url(ap.cycle, query))
        table = response.content.decode().split(f'data-scope="{DEPARTMENTS}"')[1]
        row = next(r for r in table_rows(table) if r.attrs.get("data-code") == "1")
        return response.context["basis"], row.cells[4]

    final, own = stored[Basis.FINAL]["mean"], stored[Basis.SELF]["mean"]
    assert shown(ap.viewer) == (Basis.FINAL, final)
    assert shown(ap.viewer, "?basis=self") == (Basis.SELF, own)
    assert shown(ap.conflicted, "?basis=final") == (Basis.SELF, own)
    # The workbook keeps the same rule.
    sheet = load_workbook(
        io.BytesIO(browse(ap.conflicted).get(xlsx_url(ap.cycle, "?basis=final")).content)
    ).active
    assert "Tự đánh giá" in sheet["A2"].value


def test_xlsx_numbers_are_numbers_with_a_frozen_filtered_header(world: World, visit) -> None:
    response = visit("anonymous").get(xlsx_url(world.published))
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="2023_thong-ke-linh-vuc.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref.startswith("A3:M")
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["Nhóm xếp hạng", "Mã", "Lĩnh vực / tiêu chí", "Số đơn vị"]
    assert header[-1] == "Số đơn vị đạt điểm tối đa"
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert {r[0] for r in rows} == {DEPARTMENTS, WARDS, COMMUNES, "Tất cả đơn vị"}
    every = {r[1]: r for r in rows if r[0] == "Tất cả đơn vị"}
    want = expected(world.published, "1", None)
    units, max_low, max_high, mean = every["1"][3:7]
    assert isinstance(units, int) and str(units) == want["units"]
    assert isinstance(mean, (int, float)) and vi(Decimal(str(mean))) == want["mean"]
    assert isinstance(max_low, (int, float)) and max_low <= max_high
    assert isinstance(every["1"][12], int) and str(every["1"][12]) == want["full"]
    assert sheet.cell(4, 7).number_format == "0.00"
