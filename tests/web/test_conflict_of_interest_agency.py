"""Conflict of interest by agency: nobody appraises a unit of their own agency, whether the
link is a unit role (an editor or head of the unit) or the agency whose appraisal team the
person sits on (*Tổ thẩm định Sở Nội vụ* appraising Sở Nội vụ). The team's own unit stays out
of its queue, every decision on it is refused, an assignment that would leave nothing but its
own units is refused, and an existing assignment is checked again on each decision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parindex.appraisals import services
from parindex.appraisals.models import AppraiserAssignment, LeafAppraisal
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle

from . import appraisals_fixtures as fx
from .appraisals_fixtures import AREA_2_LEAF, CHOICE_LEAF, Appraisal
from .confirming import confirmed_post
from .factories import browse, table_rows


def snv_team(ap: Appraisal, area: str = "1") -> AppraiserAssignment:
    """An appraiser with no unit role on unit A's (SNV) team: "Tổ thẩm định SNV"."""
    member = fx.appraiser_create("team.snv", area)
    return services.appraiser_assign(
        cycle=ap.cycle, user=member, area_code=area, actor=ap.admin, agency=ap.a.unit
    )


def test_an_agency_team_cannot_be_assigned_its_own_unit(appraisal: Appraisal) -> None:
    ap = appraisal
    assignment = snv_team(ap)
    member = assignment.user
    event = AuditEvent.objects.get(action="appraiser.assign", target_id=str(assignment.pk))
    assert event.after["agency"] == ap.a.unit.code
    assert event.after["own_units_left_out"] == [ap.a.unit.code]
    # Its own unit is not in its queue...
    html = browse(member).get(ap.url("queue")).content.decode()
    units = {r.attrs["data-unit"] for r in table_rows(html) if "data-unit" in r.attrs}
    assert ap.a.unit.code not in units and ap.b.unit.code in units
    # ...nor its leaf page, and any decision on it is refused with the reason.
    assert browse(member).get(ap.leaf_url("leaf", CHOICE_LEAF)).status_code == 403
    with pytest.raises(services.ConflictOfInterest) as refused:
        services.leaf_appraise(
            assessment=ap.a, leaf_code=CHOICE_LEAF, decision="accepted", actor=member
        )
    assert ap.a.unit.name in refused.value.message
    with pytest.raises(services.ConflictOfInterest):
        services.leaves_accept_untouched(targets=[services.Target(ap.a, CHOICE_LEAF)], actor=member)
    assert not LeafAppraisal.objects.filter(assessment=ap.a).exists()
    # The other unit is appraised as usual.
    services.leaf_appraise(
        assessment=ap.b, leaf_code=CHOICE_LEAF, decision="accepted", actor=member
    )


def test_a_team_whose_agency_is_every_unit_in_scope_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    only_snv = Cycle.objects.create(
        year=2026, title="Chỉ số CCHC năm 2026", framework_version=ap.world.version
    )
    only_snv.units.set([ap.a.unit])
    member = fx.appraiser_create("team.snv", "1")
    with pytest.raises(services.ConflictOfInterest):
        services.appraiser_assign(
            cycle=only_snv, user=member, area_code="1", actor=ap.admin, agency=ap.a.unit
        )
    assert not AppraiserAssignment.objects.filter(cycle=only_snv).exists()
    # The same through the page: refused with the message, nothing assigned.
    response = browse(ap.admin).post(
        reverse("appraisals:assignments", kwargs={"cycle_id": only_snv.pk}),
        {"user": member.pk, "area": "1", "agency": ap.a.unit.pk},
    )
    assert response.status_code == 422
    assert "cơ quan mình" in response.content.decode()


def test_the_assignment_page_names_the_team_and_its_own_unit(appraisal: Appraisal) -> None:
    ap = appraisal
    member = fx.appraiser_create("team.stp", "2")
    response = browse(ap.admin).post(
        ap.url("assignments"), {"user": member.pk, "area": "2", "agency": ap.b.unit.pk}
    )
    assert response.status_code == 302
    assignment = AppraiserAssignment.objects.get(cycle=ap.cycle, user=member)
    assert assignment.agency == ap.b.unit
    page = browse(ap.admin).get(ap.url("assignments")).content.decode()
    assert f"{ap.b.unit.code}" in page
    with pytest.raises(services.ConflictOfInterest):
        services.leaf_appraise(
            assessment=ap.b, leaf_code=AREA_2_LEAF, decision="accepted", actor=member
        )


def test_an_existing_assignment_is_checked_on_each_decision(appraisal: Appraisal) -> None:
    ap = appraisal
    # appraiser.2 was assigned to area 2 as nobody's team; later it joins unit B's team
    # (another area), which makes unit B its own agency for every area it appraises.
    services.appraiser_assign(
        cycle=ap.cycle, user=ap.appraiser_2, area_code="3", actor=ap.admin, agency=ap.b.unit
    )
    with pytest.raises(services.ConflictOfInterest):
        services.leaf_appraise(
            assessment=ap.b, leaf_code=AREA_2_LEAF, decision="accepted", actor=ap.appraiser_2
        )
    # The bulk acceptance leaves its own agency out of what it counts and accepts.
    response = confirmed_post(browse(ap.appraiser_2), ap.url("accept_untouched"), {"area": "2"})
    assert response.status_code == 302
    assert not LeafAppraisal.objects.filter(assessment=ap.b).exists()
    assert LeafAppraisal.objects.filter(assessment=ap.a, area_code="2").exists()
