"""The points-lost page: nodes ranked by points lost from the stored results (the same figures
the core computes), the Pareto chart, the scopes, and draft tasks created from ticked nodes."""

from __future__ import annotations

from decimal import Decimal

from parindex.core.analysis import in_scope, points_lost, unit_nodes
from parindex.plans.models import Task
from parindex.results.services import cycle_compute
from parindex.units.models import Unit

from . import plans_fixtures as fx
from .factories import World, table_rows


def vi(number: Decimal) -> str:
    """A decimal as the Vietnamese pages show it (comma as the decimal separator)."""
    return str(number).replace(".", ",")


def url(p: fx.PlanWorld, **query: str) -> str:
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/plans/{p.plan.pk}/points-lost/?{text}"


def test_table_follows_the_core_figures(pw: fx.PlanWorld, world: World, visit) -> None:
    expected = points_lost(world.fw, unit_nodes(cycle_compute(cycle=world.current)))
    response = visit("viewer").get(url(pw, cycle=str(world.current.pk)))
    html = response.content.decode()
    rows = table_rows(html)
    assert len(rows) == len(expected) > 5
    for row, loss in zip(rows, expected, strict=True):
        # cells: #, node, lead, points, max, lost, share, cumulative, units
        assert row.cells[1].startswith(loss.code + " ")
        assert row.cells[3:8] == [
            vi(loss.points),
            vi(loss.max),
            vi(loss.lost),
            vi(loss.share),
            vi(loss.cumulative),
        ]
    assert "<svg" in html  # the Pareto chart
    assert 'type="checkbox"' not in html  # a viewer creates no task


def test_all_units_scope_names_every_unit_that_lost(pw: fx.PlanWorld, world: World, visit) -> None:
    expected = points_lost(world.fw, unit_nodes(cycle_compute(cycle=world.current)))
    html = visit("viewer").get(url(pw, cycle=str(world.current.pk), scope="all")).content.decode()
    rows = table_rows(html)
    assert len(rows) == len(expected)
    several = 0
    for row, loss in zip(rows, expected, strict=True):
        # The units that lost the node, most lost first, five named and the rest counted.
        named = ", ".join(f"{u.unit.name or u.unit.code} ({vi(u.lost)})" for u in loss.units[:5])
        rest = len(loss.units) - 5
        assert row.cells[-1] == (named + (f" và {rest} đơn vị khác" if rest > 0 else "")), loss.code
        several += len({u.unit.code for u in loss.units}) > 1
    # The scope is every unit: nodes lost by more than one unit, across both ranking groups.
    assert several > 0
    losers = {u.unit.code for loss in expected for u in loss.units}
    assert {world.unit_a.code, world.unit_b.code} <= losers
    assert len({Unit.objects.get(code=c).type for c in losers}) > 1


def test_scopes_and_levels(pw: fx.PlanWorld, world: World, visit) -> None:
    client = visit("viewer")
    html = client.get(url(pw, cycle=str(world.current.pk), scope="unit:STP")).content.decode()
    for row in table_rows(html):
        assert row.cells[-1].startswith("Sở Tư pháp (")
    communes = client.get(
        url(pw, cycle=str(world.current.pk), scope="type:commune", level="area")
    ).content.decode()
    codes = [row.cells[1].split()[0] for row in table_rows(communes)]
    assert set(codes) <= {"1", "2", "3", "4", "5", "6", "7", "8"}
    nodes = in_scope(unit_nodes(cycle_compute(cycle=world.current)), unit_type="commune")
    assert codes == [n.code for n in points_lost(world.fw, nodes, level="area")]


def test_htmx_returns_the_fragment(pw: fx.PlanWorld, world: World, visit) -> None:
    response = visit("viewer").get(url(pw, scope="all"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


def test_ticked_nodes_become_draft_tasks(pw: fx.PlanWorld, world: World, visit) -> None:
    cycle_compute(cycle=world.current)
    client = visit("admin")
    html = client.get(url(pw, cycle=str(world.current.pk))).content.decode()
    assert 'name="nodes"' in html
    losses = points_lost(world.fw, unit_nodes(cycle_compute(cycle=world.current)))
    picked = losses[:3]
    before = Task.objects.count()
    response = client.post(
        f"/plans/{pw.plan.pk}/points-lost/",
        {
            "cycle": world.current.pk,
            "scope": "all",
            "level": "leaf",
            "nodes": [loss.code for loss in picked],
        },
    )
    assert response["Location"] == f"/plans/{pw.plan.pk}/"
    created = list(Task.objects.order_by("-pk")[: len(picked)])
    assert Task.objects.count() == before + len(picked)
    by_node = {t.node_codes[0]: t for t in created}
    for loss in picked:
        task = by_node[loss.code]
        assert task.status == Task.Status.DRAFT
        assert task.expected_points == loss.lost
        assert f" {vi(loss.lost)} điểm " in task.expected_result, task.expected_result
        assert task.lead_agency == Unit.objects.get(code=loss.node.lead)
        assert task.source_cycle == world.current
        top = loss.code.split(".")[0]
        assert top in task.area.node_codes or any(
            loss.code.startswith(c + ".") for c in task.area.node_codes
        )


def test_nothing_ticked_creates_nothing(pw: fx.PlanWorld, world: World, visit) -> None:
    before = Task.objects.count()
    response = visit("admin").post(
        f"/plans/{pw.plan.pk}/points-lost/", {"cycle": world.current.pk, "scope": "all"}
    )
    assert response.status_code == 200
    assert Task.objects.count() == before


def test_unpublished_cycle_is_refused_to_a_unit_editor(
    pw: fx.PlanWorld, world: World, visit
) -> None:
    client = visit("editor_a")
    assert client.get(url(pw, cycle=str(world.current.pk))).status_code == 403
    assert client.get(url(pw, cycle=str(world.published.pk))).status_code == 200
    assert visit("viewer").get(url(pw, cycle="999999")).status_code == 404


def test_queries_do_not_grow_with_units(
    pw: fx.PlanWorld, world: World, visit, django_assert_max_num_queries
) -> None:
    client = visit("viewer")
    client.get(url(pw, cycle=str(world.current.pk)))
    with django_assert_max_num_queries(16):
        response = client.get(url(pw, cycle=str(world.current.pk)))
    assert response.status_code == 200
    assert Decimal(0) < sum(
        (Decimal(row.cells[5].replace(",", ".")) for row in table_rows(response.content.decode())),
        Decimal(0),
    )
