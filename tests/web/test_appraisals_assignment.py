"""Appraiser assignment (*phân công thẩm định*) and conflicts of interest: the administrator
assigns people holding the appraiser role to the framework's areas (audited); nobody appraises
their own unit: an appraiser who holds a role in a unit in scope is assigned, but that unit is
left out of their queue and refused to their actions."""

from __future__ import annotations

import pytest

from parindex.accounts.models import Role, RoleAssignment
from parindex.appraisals import services
from parindex.appraisals.models import AppraiserAssignment, LeafAppraisal
from parindex.audit.models import AuditEvent

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, Appraisal
from .confirming import confirmed_post
from .factories import browse, person, table_rows

appraisal = fx.appraisal


def test_the_administrator_assigns_an_appraiser_to_an_area(appraisal: Appraisal) -> None:
    ap = appraisal
    newcomer = fx.appraiser_create("appraiser.stc", "6")
    client = browse(ap.admin)
    page = client.get(ap.url("assignments"))
    assert page.status_code == 200
    response = client.post(ap.url("assignments"), {"user": newcomer.pk, "area": "6"})
    assert response.status_code == 302
    assignment = AppraiserAssignment.objects.get(cycle=ap.cycle, user=newcomer)
    assert assignment.area_code == "6" and assignment.assigned_by == ap.admin
    event = AuditEvent.objects.get(action="appraiser.assign", target_id=str(assignment.pk))
    assert event.after["area"] == "6" and event.after["own_units_left_out"] == []
    again = client.post(ap.url("assignments"), {"user": newcomer.pk, "area": "6"})
    assert again.status_code == 422
    removed = confirmed_post(client, ap.url("unassign", assignment_id=assignment.pk))
    assert removed.status_code == 302
    assert not AppraiserAssignment.objects.filter(pk=assignment.pk).exists()
    assert AuditEvent.objects.filter(action="appraiser.unassign").exists()


def test_assignment_refusals(appraisal: Appraisal) -> None:
    ap = appraisal
    client = browse(ap.admin)
    # Not an area: a criterion code is not among the choices.
    assert (
        client.post(ap.url("assignments"), {"user": ap.appraiser.pk, "area": "1.1"}).status_code
        == 422
    )
    # Somebody without the appraiser role is not offered, and the service refuses them too.
    assert (
        client.post(ap.url("assignments"), {"user": ap.editor_b.pk, "area": "2"}).status_code == 422
    )
    with pytest.raises(services.AppraisalError):
        services.appraiser_assign(cycle=ap.cycle, user=ap.editor_b, area_code="2", actor=ap.admin)
    # Only the administrator assigns.
    with pytest.raises(services.AppraisalError):
        services.appraiser_assign(
            cycle=ap.cycle, user=ap.appraiser, area_code="3", actor=ap.appraiser_2
        )


def test_an_appraiser_holding_a_role_in_every_unit_is_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    everywhere = fx.appraiser_create("appraiser.everywhere", "3")
    for unit in ap.world.units:
        RoleAssignment.objects.create(user=everywhere, role=Role.UNIT_EDITOR, unit=unit)
    with pytest.raises(services.ConflictOfInterest):
        services.appraiser_assign(cycle=ap.cycle, user=everywhere, area_code="3", actor=ap.admin)
    assert not AppraiserAssignment.objects.filter(user=everywhere).exists()


def test_the_own_unit_is_left_out_of_the_queue(appraisal: Appraisal) -> None:
    ap = appraisal  # ``conflicted`` appraises area 1 and edits unit A (SNV)
    response = browse(ap.conflicted).get(ap.url("queue"))
    assert response.status_code == 200
    html = response.content.decode()
    units = {r.attrs["data-unit"] for r in table_rows(html) if "data-unit" in r.attrs}
    assert units == {"STP"}
    assert ap.a.unit.name in html  # named in the notice of units left out
    filtered = browse(ap.conflicted).get(ap.url("queue"), {"unit": "SNV"}).content.decode()
    assert not [r for r in table_rows(filtered) if "data-unit" in r.attrs]


def test_actions_on_the_own_unit_are_refused(appraisal: Appraisal) -> None:
    ap = appraisal
    client = browse(ap.conflicted)
    assert client.get(ap.leaf_url("leaf", CHOICE_LEAF)).status_code == 403
    refused = client.post(
        ap.leaf_url("decide", CHOICE_LEAF), {"decision": "accepted", "version": 0}
    )
    assert refused.status_code == 403
    with pytest.raises(services.ConflictOfInterest):
        services.leaf_appraise(
            assessment=ap.a, leaf_code=CHOICE_LEAF, decision="accepted", actor=ap.conflicted
        )
    with pytest.raises(services.ConflictOfInterest):
        services.leaves_accept_untouched(
            targets=[services.Target(ap.a, CHOICE_LEAF)], actor=ap.conflicted
        )
    assert not LeafAppraisal.objects.filter(assessment=ap.a).exists()
    # The bulk accept of the queue leaves the own unit alone, and works on the others.
    assert confirmed_post(client, ap.url("accept_untouched"), {}).status_code == 302
    assert not LeafAppraisal.objects.filter(assessment=ap.a).exists()
    assert LeafAppraisal.objects.filter(assessment=ap.b).exists()
    # The same person's own unit page shows nothing of the appraisal before the release.
    fx.adjust_and_flag(ap)
    page = client.get(ap.unit_url()).content.decode()
    assert "Kế hoạch ban hành ngày 20/01" not in page


def test_the_lead_agencys_units_are_listed_on_the_assignment_page(appraisal: Appraisal) -> None:
    ap = appraisal
    html = browse(ap.admin).get(ap.url("assignments")).content.decode()
    assert "SNV" in html and "STP" in html  # leads of areas 1 and 2
    assert "appraiser.snv" in html
    assert "SNV" in html.split("appraiser.snv", 1)[1][:400]  # its own unit, left out


def test_a_person_without_assignment_has_no_queue(appraisal: Appraisal) -> None:
    ap = appraisal
    loose = person("appraiser.loose", Role.APPRAISER)
    assert browse(loose).get(ap.url("queue")).status_code == 403
