"""A unit's scorecard: its figures, the node tree, each leaf's explanation, the profile chart."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from parindex.core import UnitInfo, compute, load_framework, score_leaf
from parindex.core.display import value_label
from parindex.core.report import unit_json
from parindex.cycles.models import Cycle
from parindex.results.models import Basis, UnitResult
from parindex.results.services import cycle_answers
from parindex.units.models import Unit

from .factories import MISSING_LEAF, Row, World, browse, communes_add, table_rows


def url(cycle: Cycle, unit: Unit | str) -> str:
    code = unit if isinstance(unit, str) else unit.code
    return f"/cycles/{cycle.pk}/units/{code}/"


def scorecard_rows(html: str) -> dict[str, Row]:
    """The rows of the node tree by code (the comparison with the previous cycle has its own
    table, of areas)."""
    return {row.attrs["data-code"]: row for row in table_rows(html) if "data-code" in row.attrs}


@pytest.mark.parametrize(
    ("persona", "own_unpublished", "other_unpublished"),
    [
        ("anonymous", 302, 302),
        ("viewer", 200, 200),
        ("admin", 200, 200),
        ("editor_a", 200, 403),
    ],
)
def test_access(
    world: World, visit, persona: str, own_unpublished: int, other_unpublished: int
) -> None:
    """Unit A's and unit B's scorecards, from unit A's editor's point of view."""
    client = visit(persona)
    for unit in world.units:
        assert client.get(url(world.published, unit)).status_code == 200
    response = client.get(url(world.current, world.unit_a))
    assert response.status_code == own_unpublished
    if own_unpublished == 302:
        assert response["Location"] == (
            f"/accounts/login/?next=/cycles/{world.current.pk}/units/SNV/"
        )
    assert client.get(url(world.current, world.unit_b)).status_code == other_unpublished


def test_access_of_the_other_editor(world: World, visit) -> None:
    client = visit("editor_b")
    assert client.get(url(world.current, world.unit_b)).status_code == 200
    assert client.get(url(world.current, world.unit_a)).status_code == 403
    assert client.get(url(world.current, world.commune)).status_code == 403


def test_unknown_unit_or_cycle(world: World, visit) -> None:
    client = visit("admin")
    assert client.get(url(world.current, "NOPE")).status_code == 404
    assert client.get("/cycles/999999/units/SNV/").status_code == 404


def test_summary_figures(world: World, visit) -> None:
    result = world.result(world.current, world.unit_a)
    html = visit("viewer").get(url(world.current, world.unit_a)).content.decode()
    assert "<h1>Sở Nội vụ" in html
    assert f"<dd>{result.points:.2f} / {result.max:.2f}</dd>".replace(".", ",") in html
    assert f'<dd class="strong">{result.index:.2f}</dd>'.replace(".", ",") in html
    assert f'<dd>{result.rank} <span class="muted">(Sở, ban, ngành)</span></dd>' in html
    assert '<span class="band band-TOT">Tốt</span>' in html
    assert "Kết quả này chưa được công bố" in html


def test_node_tree_equals_the_stored_result(world: World, visit) -> None:
    for unit in world.units:
        result = world.result(world.current, unit)
        html = visit("viewer").get(url(world.current, unit)).content.decode()
        rows = scorecard_rows(html)
        assert list(rows) == [n.code for n in world.fw.all_nodes if n.code in result.nodes]
        for code, figures in result.nodes.items():
            expected = [
                figures["points"].replace(".", ","),
                figures["max"].replace(".", ","),
                (figures["index"] or "—").replace(".", ","),
            ]
            assert rows[code].cells[2:] == expected, (unit.code, code)


def test_each_leaf_explained(world: World, visit) -> None:
    result = world.result(world.current, world.unit_b)
    html = visit("viewer").get(url(world.current, world.unit_b)).content.decode()
    rows = scorecard_rows(html)
    assert result.leaves
    for code, leaf in result.leaves.items():
        shown = value_label(world.fw.by_code[code], leaf["value"], "vi")
        assert f"Giá trị: {shown}" in rows[code].cells[1], code
        explained = score_leaf(world.fw, world.fw.by_code[code], leaf["value"]).explanation
        assert escape(explained.vi) in html, code


def test_missing_answer_is_marked(world: World, visit) -> None:
    result = world.result(world.current, world.unit_a)
    assert result.missing == [MISSING_LEAF]
    html = visit("viewer").get(url(world.current, world.unit_a)).content.decode()
    rows = scorecard_rows(html)
    assert "missing" in rows[MISSING_LEAF].classes
    assert "Chưa có giá trị: 0 điểm" in rows[MISSING_LEAF].cells[1]
    assert [code for code, row in rows.items() if "missing" in row.classes] == [MISSING_LEAF]
    assert "<dt>Tiêu chí chưa kê khai</dt><dd>1</dd>" in html


def test_profile_chart_with_group_mean(world: World, visit) -> None:
    html = visit("viewer").get(url(world.current, world.unit_a)).content.decode()
    chart = html[html.index('<figure class="chart"') :]
    assert "<svg" in chart
    assert "Bình quân nhóm" in chart


def test_unit_editor_sees_no_group_mean_before_publication(world: World, visit) -> None:
    """With two departments in the group, the mean would give unit B's figures away."""
    client = visit("editor_a")
    unpublished = client.get(url(world.current, world.unit_a)).content.decode()
    assert "<svg" in unpublished
    assert "Bình quân nhóm" not in unpublished
    assert "Bình quân nhóm" in client.get(url(world.published, world.unit_a)).content.decode()


def test_english_explanations(world: World, visit) -> None:
    client = visit("viewer")
    client.cookies["django_language"] = "en"
    result = world.result(world.current, world.unit_b)
    html = client.get(url(world.current, world.unit_b)).content.decode()
    code, leaf = next(iter(result.leaves.items()))
    explained = score_leaf(world.fw, world.fw.by_code[code], leaf["value"]).explanation
    assert escape(explained.en) in html
    assert escape(explained.vi) not in html


def test_stored_results_equal_core_compute(world: World) -> None:
    """The figures a scorecard shows are the core's: every stored result of the published cycle
    (final basis) equals ``unit_json`` of ``compute`` run directly on the cycle's answers."""
    cycle = world.published
    version = cycle.framework_version
    fw = load_framework(version.source_text, version.source_name)
    units = [
        UnitInfo(u.code, u.name, u.type, u.group or None) for u in cycle.units.order_by("code")
    ]
    expected = {
        unit.unit.code: unit_json(unit, fw.places)
        for unit in compute(fw, cycle_answers(cycle), units).units
    }
    stored = UnitResult.objects.filter(cycle=cycle, basis=Basis.FINAL).select_related("unit")
    assert len(stored) == len(expected) == len(world.units)

    def fixed(value: Decimal | None) -> str | None:
        return None if value is None else f"{value:.{fw.places}f}"

    for result in stored:
        assert {
            "unit": result.unit.code,
            "name": result.unit.name,
            "type": result.unit.type,
            "group": result.group or None,
            "points": fixed(result.points),
            "max": fixed(result.max),
            "index": fixed(result.index),
            "rank": result.rank,
            "band": result.band or None,
            "nodes": result.nodes,
            "missing": result.missing,
        } == expected[result.unit.code]


def test_query_count_does_not_grow_with_units(
    world: World, viewer, django_assert_max_num_queries
) -> None:
    """A scorecard costs the same queries whatever the size of its unit's group: the group's
    means are summed by the database, the change since the previous cycle reads the unit's own
    earlier results."""
    client = browse(viewer)
    client.get(url(world.current, world.commune))  # the chart cache and the framework parse
    with CaptureQueriesContext(connection) as small:
        response = client.get(url(world.current, world.commune))
    assert response.status_code == 200
    count = len(small)  # now: the connection keeps the last 9,000 queries only
    communes_add(world, 30)
    client.get(url(world.current, world.commune))
    with django_assert_max_num_queries(count):
        html = client.get(url(world.current, world.commune)).content.decode()
    assert scorecard_rows(html)
