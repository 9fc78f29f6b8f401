"""The province's national position: index and rank by year against the national average and the
band thresholds, the plan's targets beside the results, the notice that the tables are partial,
and Tiền Giang's history kept under its own name after it merged into Đồng Tháp."""

from __future__ import annotations

import pytest

from parindex.national import demo as national_demo
from parindex.plans import demo as plans_demo
from parindex.plans.models import Plan, Task
from parindex.units.models import Succession, Unit

from . import plans_fixtures as fx
from .factories import World, admin_create, table_rows

LEADS_OF_PLAN_252 = {"SNV", "STP", "STTTT", "STC", "SKHCN", "VPUBND", "SGDDT", "SYT"}


@pytest.fixture
def demo(world: World) -> Plan:
    """The national data files and Plan 252/KH-UBND, as the demo builds them."""
    fx.leads_create()
    Unit.objects.bulk_create(
        [
            Unit(code="SGDDT", name="Sở Giáo dục và Đào tạo", type="department"),
            Unit(code="SYT", name="Sở Y tế", type="department"),
        ]
    )
    admin_create()
    tien_giang = national_demo.build(log=lambda _: None)
    return plans_demo.build(log=lambda _: None, province=tien_giang)


def test_demo_plan_252(demo: Plan) -> None:
    plan = demo
    assert plan.number == "252/KH-UBND" and plan.issued_on.isoformat() == "2018-09-19"
    assert plan.published and plan.period == "2018–2020"
    assert "nhóm khá" in plan.goals and "năm sau cao hơn năm trước" in plan.goals
    assert plan.areas.count() == 9
    tasks = Task.objects.filter(plan=plan)
    assert {t.lead_agency.code for t in tasks} == LEADS_OF_PLAN_252
    assert all(t.node_codes for t in tasks)
    fw_codes = {n.code for n in plan.framework_version.nodes.all()}
    assert {c for t in tasks for c in t.node_codes} <= fw_codes
    national = {(t.year, t.band, t.rank) for t in plan.targets.filter(scope="national")}
    assert national == {(2018, "B", None), (2019, "B", 53), (2020, "B", 47)}
    assert sum(t.reports.count() for t in tasks) >= len(tasks)
    # Merged on 1/7/2025: Tiền Giang is closed, linked to the new Đồng Tháp, results kept.
    tien_giang = Unit.objects.get(code="TIEN-GIANG")
    assert tien_giang.valid_to is not None and tien_giang.valid_to.isoformat() == "2025-06-30"
    successor = Succession.objects.get(predecessor=tien_giang).successor
    assert successor.code == "DONG-THAP-2025"
    assert {s.predecessor.code for s in Succession.objects.filter(successor=successor)} == {
        "TIEN-GIANG",
        "DONG-THAP",
    }
    assert tien_giang.national_results.count() >= 4


def test_position_page(demo: Plan, visit) -> None:
    response = visit("anonymous").get("/national/TIEN-GIANG/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bảng số liệu chưa đầy đủ" in html  # the partial-tables notice
    assert "baoapbac.vn" in html and "baodautu.vn" in html  # sources named
    rows = {row.cells[0]: row.cells for row in table_rows(html.split('class="position"')[1])}
    assert rows["2018"][1:6] == ["73,69", "76,92", "-3,23", "54/63", "—"]  # 2018 groups unsure
    assert rows["2019"][4] == "48/63" and rows["2019"][2] == "—"  # 2019 average not found
    assert rows["2020"][1:6] == ["80,89", "83,72", "-2,83", "57/63", "B"]
    assert "≤ 47" in rows["2020"][6] and "252/KH-UBND" in rows["2020"][6]
    assert rows["2020"][7].startswith("thứ hạng: không")  # 57 is not within 47
    assert rows["2019"][7].startswith("thứ hạng: có")  # 48 is within 53
    assert html.count("<svg") == 2  # index and rank charts
    assert "A ≥ 90" in html and "B ≥ 80" in html
    # Merged on 1/7/2025: the history stays under Tiền Giang's own name.
    assert "Đồng Tháp (từ 01/7/2025)" in html and "01/07/2025" in html


def test_targets_of_an_unpublished_plan_are_hidden_from_the_public(demo: Plan, visit) -> None:
    Plan.objects.filter(pk=demo.pk).update(published=False)
    public = visit("anonymous").get("/national/TIEN-GIANG/").content.decode()
    assert "252/KH-UBND" not in public
    inside = visit("viewer").get("/national/TIEN-GIANG/").content.decode()
    assert "252/KH-UBND" in inside


def test_year_table_and_unknown_province(demo: Plan, visit) -> None:
    client = visit("anonymous")
    html = client.get("/national/?year=2018").content.decode()
    names = [row.cells[1] for row in table_rows(html)]
    assert names[:4] == ["Quảng Ninh", "Hà Nội", "Đồng Tháp", "Đà Nẵng"]
    assert "Tiền Giang" in names and "Bảng số liệu chưa đầy đủ" in html
    fragment = client.get("/national/?year=2021", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Hải Phòng" in fragment
    assert client.get("/national/SNV/").status_code == 404
    assert client.get("/national/NOPE/").status_code == 404
    assert client.get("/national/?year=abc").status_code == 404
    # The plan's page links to the province's position.
    assert "/national/TIEN-GIANG/" in client.get(f"/plans/{demo.pk}/").content.decode()


def test_national_pages_read_in_a_few_queries(
    demo: Plan, visit, django_assert_max_num_queries
) -> None:
    client = visit("viewer")
    with django_assert_max_num_queries(12):
        assert client.get("/national/?year=2021").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/national/TIEN-GIANG/").status_code == 200
