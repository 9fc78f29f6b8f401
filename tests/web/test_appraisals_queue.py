"""The appraiser's queue and leaf page: filters by unit, status and area (htmx fragment),
bulk "accept as declared" of the untouched leaves (one transaction, one audit event per leaf),
accept / adjust / flag one leaf, the first action starting the appraisal, mandatory reasons,
points within range, stale edits refused, and results hidden from the unit until release."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest

from parindex.appraisals import services
from parindex.appraisals.models import Decision, LeafAppraisal
from parindex.appraisals.services import decisions
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State
from parindex.results.models import AppraisedValue

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, DEDUCTION_LEAF, RATIO_LEAF, Appraisal
from .confirming import confirmed_post
from .factories import browse, table_rows

appraisal = fx.appraisal
HX = {"HTTP_HX_REQUEST": "true"}


def queue_rows(html: str) -> list[tuple[str, str, str]]:
    """(unit code, leaf code, status) of every queue row."""
    return [
        (row.attrs["data-unit"], row.attrs["data-leaf"], row.attrs["data-status"])
        for row in table_rows(html)
        if "data-leaf" in row.attrs and "data-status" in row.attrs
    ]


def test_the_queue_lists_the_areas_leaves_of_submitted_units(appraisal: Appraisal) -> None:
    ap = appraisal
    response = browse(ap.appraiser).get(ap.url("queue"))
    assert response.status_code == 200
    rows = queue_rows(response.content.decode())
    units = {unit for unit, _, _ in rows}
    assert units == {"SNV", "STP"}  # the ward and the commune have not submitted
    area_1 = [
        leaf.code
        for leaf in services.appraisable(ap.world.fw, "department")
        if services.area_of(ap.world.fw)[leaf.code] == "1"
    ]
    assert [leaf for unit, leaf, _ in rows if unit == "SNV"] == area_1
    assert all(status == "untouched" for _, _, status in rows)


def test_filters_by_unit_status_and_htmx_fragment(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    client = browse(ap.appraiser)
    by_unit = queue_rows(client.get(ap.url("queue"), {"unit": "STP"}).content.decode())
    assert {unit for unit, _, _ in by_unit} == {"STP"}
    adjusted = queue_rows(client.get(ap.url("queue"), {"status": "adjusted"}).content.decode())
    assert adjusted == [("SNV", CHOICE_LEAF, "adjusted")]
    flagged = client.get(ap.url("queue"), {"status": "flagged", "unit": "SNV"}, **HX)
    body = flagged.content.decode()
    assert "<html" not in body  # only the fragment
    assert queue_rows(body) == [("SNV", RATIO_LEAF, "flagged")]
    nothing = queue_rows(client.get(ap.url("queue"), {"status": "settled"}).content.decode())
    assert nothing == []


def test_bulk_accept_of_the_untouched_leaves(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    before = AuditEvent.objects.filter(action="appraisal.accepted").count()
    response = confirmed_post(browse(ap.appraiser), ap.url("accept_untouched"), {"unit": "SNV"})
    assert response.status_code == 302
    area_1 = [
        leaf.code
        for leaf in services.appraisable(ap.world.fw, "department")
        if services.area_of(ap.world.fw)[leaf.code] == "1"
    ]
    accepted = set(
        LeafAppraisal.objects.filter(assessment=ap.a, decision=Decision.ACCEPTED).values_list(
            "leaf_code", flat=True
        )
    )
    assert accepted == set(area_1) - {CHOICE_LEAF, RATIO_LEAF}
    # Unit B is untouched (the filter named unit A), and each leaf has its audit event.
    assert not LeafAppraisal.objects.filter(assessment=ap.b).exists()
    after = AuditEvent.objects.filter(action="appraisal.accepted").count()
    assert after - before == len(accepted)
    # The adjusted and flagged leaves were left as they were.
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF).decision == "adjusted"


def test_bulk_accept_checks_the_appraiser_once_per_unit_and_area(appraisal: Appraisal) -> None:
    """Accepting a queue of many leaves asks who may appraise them once for each unit and area,
    not once per leaf (each check reads the person's roles, teams and assignments)."""
    ap = appraisal
    areas = services.area_of(ap.world.fw)
    targets = [
        services.Target(assessment, leaf.code)
        for assessment in (ap.a, ap.b)
        for leaf in services.untouched_leaves(assessment)
        if areas[leaf.code] == "1"
    ]
    assert len(targets) > 4
    with mock.patch.object(decisions, "check_appraiser", wraps=decisions.check_appraiser) as seen:
        accepted = services.leaves_accept_untouched(targets=targets, actor=ap.appraiser)
    assert accepted == len(targets)
    assert sorted((call.args[1].unit.code, call.args[2]) for call in seen.call_args_list) == [
        ("SNV", "1"),
        ("STP", "1"),
    ]


def test_bulk_accept_is_all_or_nothing(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.close_stage(ap.cycle, "appraisal")
    response = confirmed_post(browse(ap.appraiser), ap.url("accept_untouched"), {})
    assert response.status_code == 302
    assert not LeafAppraisal.objects.exists()


def test_the_first_action_starts_the_appraisal(appraisal: Appraisal) -> None:
    ap = appraisal
    assert ap.a.state == State.SUBMITTED
    client = browse(ap.appraiser)
    response = client.post(
        ap.leaf_url("decide", DEDUCTION_LEAF),
        {"decision": "accepted", "version": 0, "from": "queue"},
        **HX,
    )
    assert response.status_code == 200
    assert 'data-status="accepted"' in response.content.decode()
    ap.a.refresh_from_db()
    assert ap.a.state == State.IN_APPRAISAL
    assert AuditEvent.objects.filter(
        action="assessment.start_appraisal", unit_id=ap.a.unit_id
    ).exists()


def test_a_decision_from_the_queue_on_a_unit_no_longer_in_it_is_refused_in_the_leaf(
    appraisal: Appraisal,
) -> None:
    """A queue row left open in a tab after the round was released: its decision (htmx, from
    the queue) found no queue row to send back and failed with a server error."""
    ap = appraisal
    fx.released(ap, ap.a)
    response = browse(ap.appraiser).post(
        ap.leaf_url("decide", CHOICE_LEAF),
        {"decision": "accepted", "version": 1, "from": "queue"},
        **HX,
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    ap.a.refresh_from_db()
    assert ap.a.state == State.RETURNED


def test_adjust_needs_a_reason(appraisal: Appraisal) -> None:
    ap = appraisal
    client = browse(ap.appraiser)
    url = ap.leaf_url("decide", CHOICE_LEAF)
    refused = client.post(
        url, {"decision": "adjusted", "value": "cham", "reason": " ", "version": 0}
    )
    assert refused.status_code == 422
    assert not LeafAppraisal.objects.exists()
    ap.a.refresh_from_db()
    assert ap.a.state == State.SUBMITTED  # nothing changed, not even the state
    done = client.post(
        url, {"decision": "adjusted", "value": "cham", "reason": "Quá hạn.", "version": 0}
    )
    assert done.status_code == 302
    la = LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF)
    assert (la.decision, la.value, la.points) == ("adjusted", "cham", None)
    assert AppraisedValue.objects.get(unit=ap.a.unit, leaf_code=CHOICE_LEAF).value == "cham"
    event = AuditEvent.objects.get(action="appraisal.adjusted")
    assert event.reason == "Quá hạn."
    assert event.after["self_points"] == "1.00" and event.after["appraised_points"] == "0.50"


def test_flag_needs_a_comment(appraisal: Appraisal) -> None:
    ap = appraisal
    with pytest.raises(services.AppraisalError):
        services.leaf_appraise(
            assessment=ap.a, leaf_code=RATIO_LEAF, decision="flagged", actor=ap.appraiser
        )


@pytest.mark.parametrize(
    ("points", "accepted"),
    [
        ("0", True),
        ("2", True),
        ("1.25", True),
        ("2.01", False),
        ("-0.5", False),
        ("1.255", False),
        ("abc", False),
    ],
)
def test_points_set_directly_lie_in_range_and_on_the_rounding(
    appraisal: Appraisal, points: str, accepted: bool
) -> None:
    ap = appraisal  # the ratio leaf: max 2, rounding 0.01
    response = browse(ap.appraiser).post(
        ap.leaf_url("decide", RATIO_LEAF),
        {"decision": "adjusted", "points": points, "reason": "Điểm thẩm định.", "version": 0},
    )
    if accepted:
        assert response.status_code == 302
        stored = AppraisedValue.objects.get(unit=ap.a.unit, leaf_code=RATIO_LEAF)
        assert stored.points == Decimal(points) and stored.value == ""
    else:
        assert response.status_code == 422
        assert not LeafAppraisal.objects.exists()


def test_a_value_the_rule_refuses_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    with pytest.raises(services.AppraisalError, match=r"Value not accepted|không"):
        services.leaf_appraise(
            assessment=ap.a,
            leaf_code=CHOICE_LEAF,
            decision="adjusted",
            value="tot_lam",
            reason="x",
            actor=ap.appraiser,
        )


def test_a_stale_decision_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    client = browse(ap.appraiser)
    url = ap.leaf_url("decide", CHOICE_LEAF)
    assert client.post(url, {"decision": "accepted", "version": 0}).status_code == 302
    stale = client.post(url, {"decision": "flagged", "reason": "?", "version": 0})
    assert stale.status_code == 409
    assert LeafAppraisal.objects.get(assessment=ap.a, leaf_code=CHOICE_LEAF).decision == "accepted"


def test_the_leaf_page_shows_declared_self_points_and_evidence(appraisal: Appraisal) -> None:
    ap = appraisal
    response = browse(ap.appraiser).get(ap.leaf_url("leaf", CHOICE_LEAF))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<dd class="declared">Ban hành đúng thời hạn</dd>' in body  # by its title
    assert "Kế hoạch CCHC năm 2025" in body  # the evidence the unit attached
    assert 'class="self">1,00<' in body


def test_results_stay_hidden_from_the_unit_until_release(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.adjust_and_flag(ap)
    fx.accept_all(ap, ap.a)
    services.results_refresh(ap.cycle)
    editor = browse(ap.editor_a)
    page = editor.get(ap.unit_url()).content.decode()
    assert "Kế hoạch ban hành ngày 20/01" not in page  # the appraisers' reason
    assert 'data-status="adjusted"' not in page
    scorecard = editor.get(f"/cycles/{ap.cycle.pk}/units/SNV/?basis=final")
    assert scorecard.status_code == 200
    assert 'data-basis="self"' in scorecard.content.decode()
    # Province-wide readers see it; after the release, so does the unit.
    assert "Kế hoạch ban hành ngày 20/01" in browse(ap.admin).get(ap.unit_url()).content.decode()
    services.assessment_release(assessment=ap.a, actor=ap.admin)
    page = editor.get(ap.unit_url()).content.decode()
    assert "Kế hoạch ban hành ngày 20/01" in page
    scorecard = editor.get(f"/cycles/{ap.cycle.pk}/units/SNV/?basis=final")
    assert 'data-basis="final"' in scorecard.content.decode()


def test_queue_query_count_does_not_grow_with_units(
    appraisal: Appraisal, django_assert_max_num_queries
) -> None:
    ap = appraisal
    client = browse(ap.appraiser)
    client.get(ap.url("queue"))  # warm the framework cache
    with django_assert_max_num_queries(20):
        client.get(ap.url("queue"))
