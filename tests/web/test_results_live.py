"""Live, exact totals: every save that changes a unit's inputs (an answer on the page or from
Excel, a submission, an appraisal decision, a settlement) stores that unit's self and final
results again, and its group's ranks, in the same transaction, through the core's
``recompute_unit``: what is stored is exactly what a whole ``compute`` of the cycle stores, the
pages show it on the next load without a release, and one refresh costs the same number of
queries whatever the number of units in the cycle."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parindex.accounts.models import Role, User
from parindex.appraisals import services
from parindex.appraisals.services import AppraisalError
from parindex.assessments.models import Assessment
from parindex.assessments.services import answer_save, answers_import, cycle_open
from parindex.audit.models import AuditEvent
from parindex.core import Node
from parindex.cycles.models import Cycle
from parindex.results import services as results_services
from parindex.results.models import Answer, Basis, UnitResult
from parindex.results.services import cycle_compute, unit_results_refresh
from parindex.shared.numbers import format_number
from parindex.units.models import Unit, UnitType

from . import appraisals_fixtures as fx
from .appraisals_fixtures import AREA_2_LEAF, CHOICE_LEAF, DEDUCTION_LEAF, RATIO_LEAF, Appraisal
from .factories import COMMUNES, DEPARTMENTS, World, answers_create, browse, value_for

STORED = (
    "group",
    "points",
    "max",
    "index",
    "rank",
    "band",
    "position",
    "nodes",
    "missing",
    "areas",
)
STORED_ALL = (*STORED, "leaves")
QUALITIES = (0.2, 0.55, 0.8, 1.0)
SHARES = (Decimal(0), Decimal("0.3"), Decimal("0.5"), Decimal(1))
REASON = "Theo hồ sơ kiểm chứng."


def stored(cycle_id: int) -> dict[tuple[str, str], dict[str, Any]]:
    """Every stored result of the cycle: (unit code, basis) → its stored figures."""
    return {
        (row.pop("unit__code"), row.pop("basis")): row
        for row in UnitResult.objects.filter(cycle_id=cycle_id).values(
            "unit__code", "basis", *STORED_ALL
        )
    }


def recomputed(cycle_id: int) -> dict[tuple[str, str], dict[str, Any]]:
    """What a whole computation of the cycle stores on both bases (then rolled back)."""
    with rolled_back():
        cycle = Cycle.objects.get(pk=cycle_id)
        cycle_compute(cycle=cycle, basis=Basis.SELF)
        cycle_compute(cycle=cycle, basis=Basis.FINAL)
        return stored(cycle_id)


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def units_add(ap: Appraisal, prefix: str, kind: str, group: str, qualities: list[float]) -> None:
    """More units in the appraisal's cycle (draft assessments), answered, both bases stored."""
    units = [
        Unit.objects.create(code=f"{prefix}{n:02d}", name=f"{prefix} {n}", type=kind, group=group)
        for n in range(len(qualities))
    ]
    ap.cycle.units.add(*units)
    cycle_open(cycle=ap.cycle, windows=fx.windows_open(timezone.now()), actor=ap.admin)
    answers_create(
        ap.cycle, ap.world.fw, units, {u.code: q for u, q in zip(units, qualities, strict=True)}
    )
    cycle_compute(cycle=ap.cycle, basis=Basis.SELF)
    cycle_compute(cycle=ap.cycle, basis=Basis.FINAL)


def self_leaves(ap: Appraisal, kind: str) -> list[Node]:
    return [
        leaf
        for leaf in ap.world.fw.leaves
        if leaf.applies(kind) and leaf.source != "survey" and leaf.kind == "normal"
    ]


def points_at(leaf: Node, share: Decimal) -> Decimal:
    assert leaf.max is not None
    step = leaf.framework_rounding
    return step * int(leaf.max / step * share)


# -- the incremental path equals a whole computation ---------------------------------------------


@pytest.fixture
def live(world: World, admin: User) -> Appraisal:
    """The appraisal world: unit A replied (its adjusted and flagged leaves can be settled),
    unit B submitted (its leaves can be decided), two more departments ranked with them, and
    three more communes in the commune's group, drafts like the ward and the commune."""
    ap = fx.build_appraisal(world, admin)
    units_add(ap, "SZ", UnitType.DEPARTMENT, DEPARTMENTS, [0.7, 0.85])
    units_add(ap, "XN", UnitType.COMMUNE, COMMUNES, [0.6, 0.85, 0.95])
    fx.replied(ap)
    return ap


answer_edit = st.tuples(
    st.just("answer"),
    st.sampled_from(["P01", "X01", "XN00", "XN01", "XN02"]),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(QUALITIES),
)
decision_edit = st.tuples(
    st.just("decide"),
    st.sampled_from([CHOICE_LEAF, RATIO_LEAF, DEDUCTION_LEAF, AREA_2_LEAF]),
    st.sampled_from(["accepted", "value", "points", "flagged"]),
    st.integers(min_value=0, max_value=3),
)
settlement_edit = st.tuples(
    st.just("settle"),
    st.sampled_from([CHOICE_LEAF, RATIO_LEAF]),
    st.sampled_from(["keep", "unit", "value", "points"]),
    st.integers(min_value=0, max_value=3),
)


def apply_edit(ap: Appraisal, edit: tuple[str, str, Any, Any]) -> None:
    """One save through its service; a refused one (e.g. an adjustment to the declared value)
    leaves nothing behind, as on the page."""
    kind, target, choice, n = edit
    fw = ap.world.fw
    try:
        if kind == "answer":
            assessment = Assessment.objects.select_related("unit").get(
                cycle=ap.cycle, unit__code=target
            )
            leaves = self_leaves(ap, assessment.unit.type)
            leaf = leaves[choice % len(leaves)]
            current = Answer.objects.filter(
                cycle=ap.cycle, unit=assessment.unit, leaf_code=leaf.code
            ).first()
            answer_save(
                assessment=assessment,
                leaf_code=leaf.code,
                value=value_for(leaf, n),
                version=current.version if current else 0,
                actor=ap.admin,
            )
        elif kind == "decide":
            leaf = fw.by_code[target]
            services.leaf_appraise(
                assessment=Assessment.objects.get(pk=ap.b.pk),
                leaf_code=target,
                decision="adjusted" if choice in ("value", "points") else choice,
                value=value_for(leaf, QUALITIES[n]) if choice == "value" else "",
                points=points_at(leaf, SHARES[n]) if choice == "points" else None,
                reason=REASON,
                actor=ap.appraiser_2 if target == AREA_2_LEAF else ap.appraiser,
            )
        else:
            leaf = fw.by_code[target]
            services.leaf_settle(
                assessment=Assessment.objects.get(pk=ap.a.pk),
                leaf_code=target,
                outcome="new" if choice in ("value", "points") else choice,
                value=value_for(leaf, QUALITIES[n]) if choice == "value" else "",
                points=points_at(leaf, SHARES[n]) if choice == "points" else None,
                reason=REASON,
                actor=ap.appraiser,
            )
    except AppraisalError:
        pass


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(st.one_of(answer_edit, decision_edit, settlement_edit), min_size=1, max_size=6)
)
def test_live_results_equal_a_whole_computation_after_any_edits(
    live: Appraisal, edits: list[tuple[str, str, Any, Any]]
) -> None:
    ap = live
    with rolled_back():
        before = stored(ap.cycle.pk)
        with mock.patch.object(
            results_services, "_cycle_compute", wraps=results_services._cycle_compute
        ) as whole:
            for edit in edits:
                apply_edit(ap, edit)
        assert not whole.called, "every save took the one-unit path"
        after = stored(ap.cycle.pk)
        expected = recomputed(ap.cycle.pk)
        assert after.keys() == expected.keys() == before.keys()
        for key, figures in expected.items():
            for name in STORED_ALL:
                assert after[key][name] == figures[name], (key, name)


def test_an_excel_import_and_a_submission_keep_the_results_exact(live: Appraisal) -> None:
    ap = live
    ward = Assessment.objects.select_related("unit").get(cycle=ap.cycle, unit=ap.world.ward)
    leaves = self_leaves(ap, ward.unit.type)[:4]
    versions = dict(
        Answer.objects.filter(cycle=ap.cycle, unit=ward.unit).values_list("leaf_code", "version")
    )
    answers_import(
        assessment=ward,
        values=[(leaf.code, value_for(leaf, 0.2), versions.get(leaf.code, 0)) for leaf in leaves],
        actor=ap.admin,
        reason="Excel import",
    )
    assert stored(ap.cycle.pk) == recomputed(ap.cycle.pk)
    # Results stored before these saves existed (or changed behind the services' back) are
    # made exact again by the next save of the unit, here its submission.
    UnitResult.objects.filter(cycle=ap.cycle, unit=ward.unit).update(points=0, index=None)
    head = fx.person("head.ward", Role.UNIT_HEAD, ward.unit)
    fx.submit_unit(ward, head)
    assert stored(ap.cycle.pk) == recomputed(ap.cycle.pk)


def test_a_cycle_without_stored_results_is_computed_whole_on_its_first_save(
    live: Appraisal,
) -> None:
    ap = live
    UnitResult.objects.filter(cycle=ap.cycle).delete()
    services.leaf_appraise(
        assessment=ap.b,
        leaf_code=DEDUCTION_LEAF,
        decision="adjusted",
        points="0.25",
        reason=REASON,
        actor=ap.appraiser,
    )
    after = stored(ap.cycle.pk)
    assert {basis for _code, basis in after} == {Basis.SELF, Basis.FINAL}
    assert after == recomputed(ap.cycle.pk)


# -- the pages show the new figures on the next load ---------------------------------------------


def final_total(html: str) -> str:
    found = re.search(r'<dd class="final-total">\s*([^<\s]+)', html)
    assert found, "the page shows the final total"
    return found.group(1)


def test_a_decision_reaches_the_appraisal_page_and_the_scorecard_on_the_next_load(
    world: World, admin: User
) -> None:
    ap = fx.build_appraisal(world, admin)
    places = ap.world.fw.places
    client = browse(ap.appraiser)
    scorecard = f"/cycles/{ap.cycle.pk}/units/{ap.b.unit.code}/"
    before = UnitResult.objects.get(cycle=ap.cycle, unit=ap.b.unit, basis=Basis.FINAL).points
    assert final_total(client.get(ap.unit_url(assessment=ap.b)).content.decode()) == (
        format_number(before, places, "vi")
    )
    for leaf_code, decision, points in (
        (DEDUCTION_LEAF, "adjusted", "0"),
        (CHOICE_LEAF, "flagged", None),
        (RATIO_LEAF, "adjusted", "0.5"),
    ):
        services.leaf_appraise(
            assessment=ap.b,
            leaf_code=leaf_code,
            decision=decision,
            points=points,
            reason=REASON,
            actor=ap.appraiser,
        )
    final = UnitResult.objects.get(cycle=ap.cycle, unit=ap.b.unit, basis=Basis.FINAL)
    expected = recomputed(ap.cycle.pk)[(ap.b.unit.code, Basis.FINAL)]
    assert final.points == expected["points"] != before
    assert final.leaves[RATIO_LEAF]["points"] == "0.50"
    shown = format_number(final.points, places, "vi")
    assert final_total(client.get(ap.unit_url(assessment=ap.b)).content.decode()) == shown
    page = client.get(scorecard)
    assert page.context["result"].basis == Basis.FINAL
    assert page.context["result"].points == final.points
    assert f"{shown} / " in page.content.decode()
    ap.refresh()
    assert ap.b.state == "in_appraisal"  # nothing was released


# -- the cost does not grow with the cycle -------------------------------------------------------


def decision_queries(world: World, admin: User, units: int) -> tuple[int, int]:
    """Queries of one decision on unit B, and of its refresh alone, in a cycle of ``units``
    units: the extra ones are departments answered like B, so B's decision moves it below
    all of them, whatever their number."""
    ap = fx.build_appraisal(world, admin)
    units_add(ap, "SZ", UnitType.DEPARTMENT, DEPARTMENTS, [0.7] * (units - 4))
    assert ap.cycle.units.count() == units
    ap.b.refresh_from_db()
    with CaptureQueriesContext(connection) as decision:
        services.leaf_appraise(
            assessment=ap.b,
            leaf_code=DEDUCTION_LEAF,
            decision="adjusted",
            points="0",
            reason=REASON,
            actor=ap.appraiser,
        )
    last = UnitResult.objects.filter(cycle=ap.cycle, basis=Basis.FINAL, group=DEPARTMENTS).order_by(
        "-position"
    )[0]
    assert last.unit_id == ap.b.unit_id  # B moved past every department answered like it
    cycle = Cycle.objects.select_related("framework_version").get(pk=ap.cycle.pk)
    unit = Unit.objects.get(pk=ap.b.unit_id)
    with CaptureQueriesContext(connection) as refresh:
        unit_results_refresh(cycle=cycle, unit=unit)
    assert stored(ap.cycle.pk) == recomputed(ap.cycle.pk)
    return len(decision), len(refresh)


def test_one_decision_costs_the_same_queries_with_10_and_40_units(
    world: World, admin: User
) -> None:
    with rolled_back():
        small = decision_queries(world, admin, 10)
    with rolled_back():
        large = decision_queries(world, admin, 40)
    assert small == large


def _tables_in_order(queries: list[dict[str, str]]) -> list[str]:
    return [
        table
        for query in queries
        for table in ("audit_audithead", "results_unitresult")
        if table in query["sql"]
    ]


@pytest.mark.parametrize("path", ["page", "excel"])
def test_a_save_takes_the_audit_head_after_refreshing_the_results(
    live: Appraisal, path: str
) -> None:
    """Every writer of the platform waits for the audit chain's head until the holder commits:
    a save records its event after the unit is recomputed and its group ranked, so the head is
    held for the event's insert and the commit, not the whole refresh."""
    ap = live
    ward = Assessment.objects.select_related("unit").get(cycle=ap.cycle, unit=ap.world.ward)
    leaves = self_leaves(ap, ward.unit.type)[:2]
    versions = dict(
        Answer.objects.filter(cycle=ap.cycle, unit=ward.unit).values_list("leaf_code", "version")
    )
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        if path == "page":
            answer_save(
                assessment=ward,
                leaf_code=leaves[0].code,
                value=value_for(leaves[0], 0.2),
                version=versions.get(leaves[0].code, 0),
                actor=ap.admin,
            )
        else:
            answers_import(
                assessment=ward,
                values=[
                    (leaf.code, value_for(leaf, 0.2), versions.get(leaf.code, 0)) for leaf in leaves
                ],
                actor=ap.admin,
                reason="Excel import",
            )
    tables = _tables_in_order(queries.captured_queries)
    assert "results_unitresult" in tables and "audit_audithead" in tables
    first_head = tables.index("audit_audithead")
    assert "results_unitresult" not in tables[first_head:], tables
    events = AuditEvent.objects.filter(action="answer.value", unit_id=ward.unit_id)
    assert events.count() == len(leaves) if path == "excel" else events.count() >= 1
