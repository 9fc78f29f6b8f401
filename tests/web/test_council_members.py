"""The council of a cycle: the PAR administrator names its chair and members (audited), each
member records a decision (approve or object, with a note), and the results are approved only
when the chair approves, or a majority when the cycle's council says so; minutes are attached
through the evidence store; publication needs the decision's number and date, and keeps the
signed decision."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from parindex.accounts.models import Role
from parindex.appraisals import services
from parindex.appraisals.models import (
    CouncilDocument,
    CouncilMember,
    CouncilRule,
    CouncilVote,
)
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.results.models import ResultSnapshot

from . import appraisals_fixtures as fx
from . import evidence_samples as samples
from .appraisals_fixtures import Appraisal
from .confirming import confirmed_post
from .factories import browse, person


@pytest.fixture
def seated(appraisal: Appraisal) -> Appraisal:
    """Every unit appraised; the fixture's council member chairs, two more are members."""
    ap = appraisal
    fx.all_appraised(ap)
    for name in ("member.1", "member.2"):
        services.council_member_set(
            cycle=ap.cycle, user=person(name, Role.COUNCIL), role="member", actor=ap.admin
        )
    return ap


def member(ap: Appraisal, name: str):
    return CouncilMember.objects.get(cycle=ap.cycle, user__username=name).user


def test_the_administrator_names_the_council_audited(appraisal: Appraisal) -> None:
    ap = appraisal
    newcomer = person("member.new", Role.COUNCIL)
    client = browse(ap.admin)
    assert client.get(ap.url("council_members")).status_code == 200
    response = client.post(
        ap.url("council_members"), {"what": "member", "user": newcomer.pk, "role": "member"}
    )
    assert response.status_code == 302
    seat = CouncilMember.objects.get(cycle=ap.cycle, user=newcomer)
    event = AuditEvent.objects.get(action="council.member", target_id=str(seat.pk))
    assert event.actor == ap.admin and event.after == {"user": "member.new", "role": "member"}
    # One chair: a second is refused until the first is made a member.
    refused = client.post(
        ap.url("council_members"), {"what": "member", "user": newcomer.pk, "role": "chair"}
    )
    assert refused.status_code == 422
    # Somebody without the council role is refused; only the administrator names.
    with pytest.raises(services.AppraisalError):
        services.council_member_set(cycle=ap.cycle, user=ap.editor_a, role="member", actor=ap.admin)
    assert browse(ap.council).get(ap.url("council_members")).status_code == 403
    response = client.post(
        ap.url("council_members"), {"what": "settings", "rule": "majority", "secretariat": ""}
    )
    assert response.status_code == 302
    assert services.council_of(ap.cycle).rule == CouncilRule.MAJORITY
    assert AuditEvent.objects.filter(action="council.settings").exists()
    removed = client.post(ap.url("council_member_remove", member_id=seat.pk))
    assert removed.status_code == 302
    assert not CouncilMember.objects.filter(pk=seat.pk).exists()


def test_one_member_alone_cannot_approve_under_the_chair_rule(seated: Appraisal) -> None:
    ap = seated
    decided = services.council_vote(cycle=ap.cycle, actor=member(ap, "member.1"), vote="approve")
    assert decided.snapshot is None
    services.council_vote(
        cycle=ap.cycle, actor=member(ap, "member.2"), vote="approve", note="Đồng ý"
    )
    ap.refresh()
    assert ap.cycle.state != Cycle.State.APPROVED
    assert not ResultSnapshot.objects.filter(cycle=ap.cycle).exists()
    events = AuditEvent.objects.filter(action="council.vote")
    assert events.count() == 2 and events.last().after == {"vote": "approve", "note": "Đồng ý"}
    # Somebody not named to this cycle's council decides nothing.
    outsider = person("council.other", Role.COUNCIL)
    with pytest.raises(services.AppraisalError):
        services.council_vote(cycle=ap.cycle, actor=outsider, vote="approve")


def test_the_chairs_approval_approves(seated: Appraisal) -> None:
    ap = seated
    services.council_vote(
        cycle=ap.cycle, actor=member(ap, "member.1"), vote="object", note="Xem lại SNV"
    )
    client = browse(ap.council)
    page = client.get(ap.url("approve")).content.decode()
    assert "1 không đồng ý" in page
    # Without the confirmation page's token nothing is recorded.
    assert client.post(ap.url("approve"), {"vote": "approve"}).status_code == 302
    assert not CouncilVote.objects.filter(user=ap.council).exists()
    response = confirmed_post(client, ap.url("approve"), {"vote": "approve", "note": ""})
    assert response.status_code == 302
    ap.refresh()
    assert ap.cycle.state == Cycle.State.APPROVED
    assert ResultSnapshot.objects.filter(cycle=ap.cycle, superseded_at=None).count() == 1
    # The objection stays on record beside the approval.
    assert CouncilVote.objects.get(user__username="member.1").note == "Xem lại SNV"


def test_the_majority_rule(seated: Appraisal) -> None:
    ap = seated
    services.council_settings_set(
        cycle=ap.cycle, rule="majority", secretariat=ap.a.unit, actor=ap.admin
    )
    # Three members: the chair's approval alone is not a majority, a second one is.
    assert services.cycle_approve(cycle=ap.cycle, actor=ap.council) is None
    services.council_vote(cycle=ap.cycle, actor=member(ap, "member.1"), vote="object")
    ap.refresh()
    assert ap.cycle.state != Cycle.State.APPROVED
    decided = services.council_vote(cycle=ap.cycle, actor=member(ap, "member.2"), vote="approve")
    assert decided.snapshot is not None
    ap.refresh()
    assert ap.cycle.state == Cycle.State.APPROVED
    # Reopening supersedes the decisions: the next approval is decided afresh.
    services.cycle_reopen(cycle=ap.cycle, actor=ap.council, reason="Sai số liệu")
    assert not CouncilVote.objects.filter(cycle=ap.cycle, superseded_at=None).exists()
    assert CouncilVote.objects.filter(cycle=ap.cycle).count() == 3


def test_minutes_are_attached_through_the_evidence_store(seated: Appraisal) -> None:
    ap = seated
    minutes = SimpleUploadedFile("bien-ban.pdf", samples.pdf("Bien ban"), "application/pdf")
    client = browse(ap.council)
    # No agency keeps the council's documents yet: refused with a message, nothing stored.
    client.post(ap.url("council_document"), {"file": minutes})
    assert not CouncilDocument.objects.exists()
    services.council_settings_set(
        cycle=ap.cycle, rule="chair", secretariat=ap.a.unit, actor=ap.admin
    )
    minutes = SimpleUploadedFile("bien-ban.pdf", samples.pdf("Bien ban"), "application/pdf")
    response = client.post(ap.url("council_document"), {"file": minutes, "title": "Biên bản họp"})
    assert response.status_code == 302
    document = CouncilDocument.objects.get(cycle=ap.cycle)
    assert document.kind == "minutes" and document.evidence.unit == ap.a.unit
    assert AuditEvent.objects.filter(action="council.document").exists()
    assert AuditEvent.objects.filter(action="evidence.upload").exists()
    assert "Biên bản họp" in client.get(ap.url("council")).content.decode()


@pytest.fixture
def approved(seated: Appraisal) -> Appraisal:
    services.cycle_approve(cycle=seated.cycle, actor=seated.council)
    seated.refresh()
    assert seated.cycle.state == Cycle.State.APPROVED
    return seated


def test_publication_without_a_decision_number_is_refused(approved: Appraisal) -> None:
    ap = approved
    with pytest.raises(services.AppraisalError):
        services.cycle_publish(cycle=ap.cycle, actor=ap.admin)
    with pytest.raises(services.AppraisalError):
        services.cycle_publish(
            cycle=ap.cycle, actor=ap.admin, decision="", decision_date=datetime.date(2026, 1, 15)
        )
    with pytest.raises(services.AppraisalError):
        services.cycle_publish(cycle=ap.cycle, actor=ap.admin, decision="12/QĐ-UBND")
    response = confirmed_post(
        browse(ap.admin), ap.url("publish"), {"decision": "", "decision_date": "2026-01-15"}
    )
    assert response.status_code == 422
    assert "số và ngày" in response.content.decode()
    ap.refresh()
    assert ap.cycle.state == Cycle.State.APPROVED
    assert not AuditEvent.objects.filter(action="assessment.publish").exists()


def test_publication_with_number_and_date_keeps_the_signed_decision(approved: Appraisal) -> None:
    ap = approved
    services.council_settings_set(
        cycle=ap.cycle, rule="chair", secretariat=ap.a.unit, actor=ap.admin
    )
    today = timezone.localdate()
    signed = SimpleUploadedFile("qd-12.pdf", samples.pdf("Quyet dinh"), "application/pdf")
    client = browse(ap.admin)
    response = confirmed_post(
        client,
        ap.url("publish"),
        {"decision": "12/QĐ-UBND", "decision_date": today.isoformat(), "file": signed},
    )
    assert response.status_code == 302
    ap.refresh()
    assert ap.cycle.state == Cycle.State.PUBLISHED
    assert ap.cycle.publication_decision == "12/QĐ-UBND"
    assert services.council_of(ap.cycle).decision_date == today
    assert CouncilDocument.objects.get(cycle=ap.cycle).kind == "decision"
    event = AuditEvent.objects.filter(action="council.settings").order_by("pk").last()
    assert event is not None
    assert event.after == {"decision": "12/QĐ-UBND", "decision_date": today.isoformat()}
