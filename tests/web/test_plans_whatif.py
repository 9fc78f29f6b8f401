"""The what-if page: the projected index, band and rank of a unit (or of all units) equal those
of a full recomputation by the core with the chosen leaves answered at their best."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

from parindex.core import Node, UnitInfo, compute
from parindex.core.rules import (
    ChoiceRule,
    CountRule,
    DeductionRule,
    PointsRule,
    ProportionalRule,
    RatioRule,
    SurveyRule,
    YesNoRule,
)
from parindex.core.whatif import Target, project
from parindex.results.services import cycle_answers

from . import plans_fixtures as fx
from .factories import World, table_rows


def best_answer(leaf: Node) -> str:
    """The value that earns the leaf's maximum under its rule."""
    rule = leaf.rule
    assert leaf.max is not None
    if isinstance(rule, ChoiceRule):
        return max(rule.options, key=lambda option: option.points).key
    if isinstance(rule, YesNoRule):
        return "có"
    if isinstance(rule, RatioRule | ProportionalRule):
        return "100%"  # the shipped ratios are capped at 100 % (max_percent)
    if isinstance(rule, CountRule):
        return str(math.ceil(leaf.max / rule.per_item))
    if isinstance(rule, DeductionRule):
        return "0"
    if isinstance(rule, PointsRule):
        return f"{leaf.max}"
    if isinstance(rule, SurveyRule):
        return "100"
    raise AssertionError(rule)


def recompute_with_best(world: World, unit_codes: set[str], nodes: list[str]):  # type: ignore[no-untyped-def]
    answers = {u: dict(v) for u, v in cycle_answers(world.current).items()}
    infos = [UnitInfo(u.code, u.name, u.type, u.group or None) for u in world.units]
    for unit in world.units:
        if unit.code not in unit_codes:
            continue
        for code in nodes:
            for leaf in world.fw.node(code).walk():
                if leaf.is_leaf and leaf.applies(unit.type):
                    if answers.get(unit.code, {}).get(leaf.code) == "n/a":
                        continue
                    answers.setdefault(unit.code, {})[leaf.code] = best_answer(leaf)
    return compute(world.fw, answers, infos)


def vi(number: Decimal | None) -> str:
    return "—" if number is None else str(number).replace(".", ",")


def test_projection_for_a_unit_equals_a_full_recomputation(
    pw: fx.PlanWorld, world: World, visit
) -> None:
    nodes = ["1.1", "2", "3.3"]
    query = "&".join(f"nodes={n}" for n in nodes)
    response = visit("viewer").get(
        f"/plans/{pw.plan.pk}/what-if/?cycle={world.current.pk}&scope=unit:STP&{query}&share=100"
    )
    html = response.content.decode()
    expected = recompute_with_best(world, {"STP"}, nodes).by_unit("STP")
    infos = [UnitInfo(u.code, u.name, u.type, u.group or None) for u in world.units]
    current = compute(world.fw, cycle_answers(world.current), infos).by_unit("STP")
    assert expected.index is not None and current.index is not None
    assert expected.index > current.index
    assert f"{vi(current.index)} → <strong>{vi(expected.index)}</strong>" in html
    assert f"{current.rank} → <strong>{expected.rank}</strong>" in html
    assert expected.band is not None and expected.band.label("vi") in html
    # The table lists the unit's own ranking group: the two departments.
    names = [row.cells[0] for row in table_rows(html.split('class="projection"')[1])]
    assert sorted(names) == ["Sở Nội vụ", "Sở Tư pháp"]


def test_projection_for_all_units_and_a_share(pw: fx.PlanWorld, world: World) -> None:
    """The page's computation, for every unit and half of each maximum, through the core."""
    infos = [UnitInfo(u.code, u.name, u.type, u.group or None) for u in world.units]
    answers = cycle_answers(world.current)
    projection = project(world.fw, answers, infos, [Target("1.2"), Target("3.3", Fraction(1, 2))])
    full = recompute_with_best(world, {u.code for u in world.units}, ["1.2"])
    assert any(
        not any(c.startswith("3.3.") for c in projection.overrides.get(u.code, {}))
        for u in world.units
    )
    for unit in world.units:
        if any(code.startswith("3.3.") for code in projection.overrides.get(unit.code, {})):
            continue  # shares of 3.3's leaves: checked in tests/core/test_analysis.py
        assert projection.unit(unit.code).after.index == full.by_unit(unit.code).index


def test_province_page_shows_the_mean_and_bands(pw: fx.PlanWorld, world: World, visit) -> None:
    response = visit("admin").get(
        f"/plans/{pw.plan.pk}/what-if/?cycle={world.current.pk}&scope=all&nodes=5&share=100"
    )
    html = response.content.decode()
    expected = recompute_with_best(world, {u.code for u in world.units}, ["5"])
    indices = [expected.by_unit(u.code).index for u in world.units]
    mean = sum((Fraction(i) for i in indices if i is not None), Fraction(0)) / len(indices)
    shown = html.split('id="projected-index">')[1].split("</dd>")[0]
    assert vi(Decimal(round(float(mean), 2)).quantize(Decimal("0.01"))) in shown
    assert len(table_rows(html.split('class="projection"')[1])) == 4


def test_bad_node_codes_are_reported(pw: fx.PlanWorld, world: World, visit) -> None:
    response = visit("viewer").get(
        f"/plans/{pw.plan.pk}/what-if/?cycle={world.current.pk}&scope=all&more=9.9,B&share=100"
    )
    html = response.content.decode()
    assert 'class="errors"' in html and "9.9" in html
    assert 'id="projection"' not in html


def test_anonymous_sees_what_if_of_a_published_plan_on_published_results(
    world: World, visit
) -> None:
    published = fx.plan_world_build(world, published=True)
    client = visit("anonymous")
    page = f"/plans/{published.plan.pk}/what-if/"
    assert client.get(f"{page}?cycle={world.published.pk}&nodes=1.1").status_code == 200
    assert client.get(f"{page}?cycle={world.current.pk}&nodes=1.1").status_code == 302


def test_appraised_points_stay_in_force(pw: fx.PlanWorld, world: World, visit) -> None:
    """The projection starts from the final results: points the appraisers set are kept."""
    from parindex.results.models import AppraisedValue, Basis, UnitResult
    from parindex.results.services import cycle_compute

    AppraisedValue.objects.create(
        cycle=world.current, unit=world.unit_b, leaf_code="1.4", points=Decimal("0")
    )
    cycle_compute(cycle=world.current)
    final = UnitResult.objects.get(cycle=world.current, unit=world.unit_b, basis=Basis.FINAL)
    html = (
        visit("viewer")
        .get(f"/plans/{pw.plan.pk}/what-if/?cycle={world.current.pk}&scope=unit:STP&nodes=2")
        .content.decode()
    )
    shown = html.split('id="projected-index">')[1].split("</dd>")[0]
    assert final.index is not None
    assert shown.startswith(f"{vi(final.index.quantize(Decimal('0.01')))} → ")
