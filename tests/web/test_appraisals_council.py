"""The council (*Hội đồng thẩm định*) and publication: the council page (self vs final totals,
largest adjustments, open leaves), approval freezing a snapshot with the hash of its inputs
(stable, and changing when any input changes), reopening (council role and a reason; the
snapshot kept as superseded), and publication making the ranking and scorecards public on the
final basis."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parindex.appraisals import services
from parindex.appraisals.selectors import council_page as council_selectors
from parindex.appraisals.views import council_page as council_views
from parindex.assessments.models import Assessment, Stage, StageWindow
from parindex.assessments.services import cycle_open
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.notifications.models import Notification
from parindex.results.models import Answer, AppraisedValue, ResultSnapshot
from parindex.results.services import cycle_compute, inputs_sha256
from parindex.units.models import Unit, UnitType

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, RATIO_LEAF, Appraisal
from .confirming import confirmed_post
from .factories import answers_create, browse, table_rows

appraisal = fx.appraisal
# The decision publishing the results: its number and date are required.
DECISION = {"decision": "12/QĐ-UBND", "decision_date": datetime.date(2025, 1, 15)}


def test_the_council_page_lists_totals_adjustments_and_open_leaves(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.replied(ap)
    response = browse(ap.council).get(ap.url("council"))
    assert response.status_code == 200
    rows = {
        r.attrs["data-unit"]: r.cells
        for r in table_rows(response.content.decode())
        if "data-unit" in r.attrs
    }
    assert set(rows) == {"SNV", "STP", "P01", "X01"}
    snv = rows["SNV"]
    assert snv[-1] == "−0,50"  # the agreed adjustment of 1.1.1; 1.1.2 is still disputed
    body = response.content.decode()
    assert f"<b>{RATIO_LEAF}</b>" in body  # still open
    assert f"<b>{CHOICE_LEAF}</b>" in body  # among the largest adjustments


def test_approval_needs_every_unit_appraised(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    response = browse(ap.council).post(ap.url("approve"))
    assert response.status_code == 422
    assert not ResultSnapshot.objects.exists()
    assert Cycle.objects.get(pk=ap.cycle.pk).state == Cycle.State.IN_PROGRESS


def test_approval_needs_the_council_role_and_the_council_period(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    assert browse(ap.admin).post(ap.url("approve")).status_code == 403
    fx.close_stage(ap.cycle, "council")
    assert browse(ap.council).post(ap.url("approve")).status_code == 403
    assert not ResultSnapshot.objects.exists()


def test_approval_freezes_a_snapshot_with_the_hash_of_its_inputs(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    mail.outbox.clear()
    response = confirmed_post(browse(ap.council), ap.url("approve"), {"vote": "approve"})
    assert response.status_code == 302
    snapshot = ResultSnapshot.objects.get(cycle=ap.cycle)
    assert snapshot.inputs_sha256 == inputs_sha256(ap.cycle)
    assert snapshot.framework_sha256 == ap.world.version.sha256
    assert {row["unit"] for row in snapshot.results} == {"SNV", "STP", "P01", "X01"}
    snv = next(row for row in snapshot.results if row["unit"] == "SNV")
    assert snv["leaves"][CHOICE_LEAF]["points"] == "0.50"
    assert set(Assessment.objects.filter(cycle=ap.cycle).values_list("state", flat=True)) == {
        State.APPROVED
    }
    assert Cycle.objects.get(pk=ap.cycle.pk).state == Cycle.State.APPROVED
    assert AuditEvent.objects.filter(action="assessment.approve").count() == 4
    assert AuditEvent.objects.filter(action="results.snapshot").exists()
    assert Notification.objects.filter(verb="results_approved", recipient=ap.admin).exists()


def test_the_inputs_hash_is_stable_and_changes_with_any_input(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    first = inputs_sha256(ap.cycle)
    assert inputs_sha256(ap.cycle) == first
    services.results_refresh(ap.cycle)  # recomputing results is not an input
    assert inputs_sha256(ap.cycle) == first
    answer = Answer.objects.get(cycle=ap.cycle, unit=ap.b.unit, leaf_code=RATIO_LEAF)
    answer.value, original = "1/100", answer.value
    answer.save()
    changed_answer = inputs_sha256(ap.cycle)
    assert changed_answer != first
    answer.value = original
    answer.save()
    assert inputs_sha256(ap.cycle) == first
    appraised = AppraisedValue.objects.get(unit=ap.a.unit, leaf_code=CHOICE_LEAF)
    appraised.value = "khong_ban_hanh"
    appraised.save()
    assert inputs_sha256(ap.cycle) not in (first, changed_answer)
    appraised.value = "cham"
    appraised.save()
    assert inputs_sha256(ap.cycle) == first
    ap.cycle.units.remove(ap.world.commune)
    assert inputs_sha256(ap.cycle) != first


def test_reopening_needs_the_council_and_a_reason(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    assert browse(ap.admin).post(ap.url("reopen"), {"reason": "Sai số liệu"}).status_code == 403
    assert browse(ap.council).post(ap.url("reopen"), {"reason": " "}).status_code == 422
    response = browse(ap.council).post(ap.url("reopen"), {"reason": "Sai số liệu", "unit": "SNV"})
    assert response.status_code == 302
    snapshot = ResultSnapshot.objects.get(cycle=ap.cycle)
    assert snapshot.superseded_at is not None and snapshot.superseded_reason == "Sai số liệu"
    superseded = AuditEvent.objects.get(action="results.snapshot_superseded")
    assert superseded.reason == "Sai số liệu" and superseded.actor == ap.council
    ap.refresh()
    assert ap.a.state == State.APPRAISED and ap.b.state == State.APPROVED
    assert ap.cycle.state == Cycle.State.IN_PROGRESS
    # The council may still revise a figure, then approves again: a second snapshot.
    services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="new",
        value="85/100",
        reason="Hội đồng đề nghị xác định lại.",
        actor=ap.appraiser,
    )
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    snapshots = list(ResultSnapshot.objects.filter(cycle=ap.cycle).order_by("created_at", "id"))
    assert len(snapshots) == 2
    assert snapshots[0].inputs_sha256 != snapshots[1].inputs_sha256
    assert snapshots[1].is_current and not snapshots[0].is_current


def test_publication_makes_the_pages_public_on_the_final_basis(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    anonymous = Client()
    assert anonymous.get(f"/cycles/{ap.cycle.pk}/").status_code == 302  # to the login page
    response = confirmed_post(
        browse(ap.council),
        ap.url("publish"),
        {"decision": "Quyết định 12/QĐ-UBND", "decision_date": str(timezone.localdate())},
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(pk=ap.cycle.pk)
    assert cycle.state == Cycle.State.PUBLISHED and cycle.published_at is not None
    assert cycle.publication_decision == "Quyết định 12/QĐ-UBND"
    assert set(Assessment.objects.filter(cycle=cycle).values_list("state", flat=True)) == {
        State.PUBLISHED
    }
    ranking = anonymous.get(f"/cycles/{cycle.pk}/")
    assert ranking.status_code == 200
    assert 'data-basis="final"' in ranking.content.decode()
    scorecard = anonymous.get(f"/cycles/{cycle.pk}/units/SNV/")
    assert scorecard.status_code == 200
    html = scorecard.content.decode()
    row = next(r for r in table_rows(html) if r.attrs.get("data-code") == CHOICE_LEAF)
    assert row.cells[2:5] == ["1,00", "0,50", "0,50"]
    assert Notification.objects.filter(verb="results_published", recipient=ap.editor_a).exists()


def test_publication_is_refused_when_an_input_changed_after_approval(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    Answer.objects.filter(cycle=ap.cycle, unit=ap.b.unit, leaf_code=RATIO_LEAF).update(value="1/2")
    with pytest.raises(services.AppraisalError):
        services.cycle_publish(cycle=ap.cycle, actor=ap.council)
    assert Cycle.objects.get(pk=ap.cycle.pk).state == Cycle.State.APPROVED


def test_publication_outside_its_period_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    fx.close_stage(ap.cycle, "publication")
    events = AuditEvent.objects.count()
    page = browse(ap.council).get(ap.url("council")).content.decode()
    assert "Chưa đến hoặc đã hết thời gian công bố kết quả." in page
    response = browse(ap.council).post(ap.url("publish"), {"decision": "Quyết định 12/QĐ-UBND"})
    assert response.status_code == 403
    assert "chưa công bố gì" in response.content.decode()
    with pytest.raises(services.StageClosed):
        services.cycle_publish(cycle=ap.cycle, actor=ap.admin)
    # Nothing changed: the cycle stays approved and unpublished, no event, nobody notified.
    cycle = Cycle.objects.get(pk=ap.cycle.pk)
    assert cycle.state == Cycle.State.APPROVED and cycle.published_at is None
    assert cycle.publication_decision == ""
    assert set(Assessment.objects.filter(cycle=cycle).values_list("state", flat=True)) == {
        State.APPROVED
    }
    assert AuditEvent.objects.count() == events
    assert not Notification.objects.filter(verb="results_published").exists()


def test_a_cycle_without_a_publication_stage_publishes_as_before(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    StageWindow.objects.filter(cycle=ap.cycle, stage=Stage.PUBLICATION).delete()
    services.cycle_publish(cycle=ap.cycle, actor=ap.council, **DECISION)
    assert Cycle.objects.get(pk=ap.cycle.pk).is_published


def test_the_administrator_may_publish_but_not_approve(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.all_appraised(ap)
    with pytest.raises(services.AppraisalError):
        services.cycle_approve(cycle=ap.cycle, actor=ap.admin)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    services.cycle_publish(cycle=ap.cycle, actor=ap.admin, **DECISION)
    assert Cycle.objects.get(pk=ap.cycle.pk).is_published


def test_stored_totals_and_adjustments_are_those_computed_now(appraisal: Appraisal) -> None:
    """The page reads both bases' stored results: the same totals, ranks and largest
    adjustments as computing the cycle now with the core."""
    ap = appraisal
    fx.replied(ap)
    fw = core_framework(ap.cycle.framework_version)
    assessments = {a.unit.code: a for a in Assessment.objects.filter(cycle=ap.cycle)}
    rows, changes = council_selectors._computed(ap.cycle, fw, assessments)
    shown = council_selectors.council(ap.cycle, largest=100)
    assert shown.rows == rows
    key = lambda c: (c.unit_code, c.leaf.code, c.self_points, c.final_points)  # noqa: E731
    assert sorted(map(key, shown.adjustments)) == sorted(map(key, changes))
    assert changes


def test_the_council_page_at_two_sizes(
    appraisal: Appraisal, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries
) -> None:
    """The same number of queries with 25 more units; the totals a page at a time."""
    ap = appraisal
    fx.replied(ap)
    monkeypatch.setattr(council_views, "COUNCIL_PAGE_ROWS", 3)
    client = browse(ap.council)
    client.get(ap.url("council"))
    with CaptureQueriesContext(connection) as small:
        client.get(ap.url("council"))
    count = len(small)  # now: the connection keeps the last 9,000 queries only
    units = [
        Unit.objects.create(code=f"XT{n:02d}", name=f"Xã Thử {n}", type=UnitType.COMMUNE)
        for n in range(25)
    ]
    ap.cycle.units.add(*units)
    answers_create(ap.cycle, ap.world.fw, units, {u.code: 0.7 for u in units})
    cycle_open(cycle=ap.cycle, windows=fx.windows_open(timezone.now()), actor=ap.admin)
    cycle_compute(cycle=ap.cycle)
    with django_assert_num_queries(count):
        html = client.get(ap.url("council")).content.decode()
    assert len([r for r in table_rows(html) if "data-unit" in r.attrs]) == 3
    assert "Trang 1 / 10" in html
    last = client.get(ap.url("council"), {"page": "10"}).content.decode()
    assert len([r for r in table_rows(last) if "data-unit" in r.attrs]) == 2
