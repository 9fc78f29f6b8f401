"""Who sits on the council of a cycle, and its documents: the PAR administrator names the
chair and the members (people holding the council role), sets the approval rule (the chair's
decision, or a majority of the members) and the agency that keeps the council's documents; the
minutes of a meeting and the signed publication decision are kept in the evidence store.

The members' decisions and the approval they lead to are in ``council``."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.accounts.roles import is_par_admin
from parindex.appraisals.models import (
    Council,
    CouncilDocument,
    CouncilDocumentKind,
    CouncilMember,
    CouncilRole,
    CouncilRule,
    CouncilVote,
)
from parindex.audit.services import audit_record
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.evidence.services import EvidenceRejected, evidence_upload
from parindex.units.models import Unit

from .errors import AppraisalError


def council_of(cycle: Cycle) -> Council:
    """The cycle's council settings; the defaults (the chair decides) until the administrator
    sets them."""
    return Council.objects.filter(cycle=cycle).first() or Council(cycle=cycle)


def members_of(cycle: Cycle) -> list[CouncilMember]:
    """The named members, chair first."""
    members = CouncilMember.objects.filter(cycle=cycle).select_related("user")
    return sorted(members, key=lambda m: (m.role != CouncilRole.CHAIR, m.user.username))


def _check_admin(actor: User) -> None:
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator names the council."))


def _check_open(cycle: Cycle) -> None:
    if cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise AppraisalError(
            _("The results are approved: the council can change only after they are reopened.")
        )


def _lock_cycle(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


@transaction.atomic
def council_member_set(*, cycle: Cycle, user: User, role: str, actor: User) -> CouncilMember:
    """Name ``user`` to the council of the cycle as chair or member (or change their role).
    There is one chair: naming another is refused until the present one is made a member."""
    _check_admin(actor)
    locked = _lock_cycle(cycle)
    _check_open(locked)
    role = CouncilRole(role)
    if not user.is_active:
        raise AppraisalError(_("%(name)s is deactivated.") % {"name": user})
    if not RoleAssignment.objects.filter(user=user, role=Role.COUNCIL).exists():
        raise AppraisalError(
            _("%(name)s does not hold the council role: give it on their account first.")
            % {"name": user}
        )
    chair = (
        CouncilMember.objects.filter(cycle=locked, role=CouncilRole.CHAIR)
        .exclude(user=user)
        .select_related("user")
        .first()
    )
    if role == CouncilRole.CHAIR and chair is not None:
        raise AppraisalError(
            _("%(name)s chairs the council: make them a member first.") % {"name": chair.user}
        )
    member = CouncilMember.objects.filter(cycle=locked, user=user).first()
    before = {"user": user.username, "role": member.role} if member else None
    if member is None:
        member = CouncilMember.objects.create(cycle=locked, user=user, role=role, named_by=actor)
    elif member.role == role:
        return member
    else:
        member.role = role
        member.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="council.member",
        target=member,
        before=before,
        after={"user": user.username, "role": role.value},
        cycle_id=locked.pk,
    )
    return member


@transaction.atomic
def council_member_remove(
    *, member: CouncilMember, actor: User, now: datetime.datetime | None = None
) -> None:
    """Remove a member from the council of the cycle; their decision, if any, is superseded
    (kept, no longer counted)."""
    _check_admin(actor)
    locked = _lock_cycle(member.cycle)
    _check_open(locked)
    superseded = CouncilVote.objects.filter(
        cycle=locked, user=member.user, superseded_at=None
    ).update(superseded_at=now or timezone.now())
    audit_record(
        actor=actor,
        action="council.member",
        target=member,
        before={"user": member.user.username, "role": member.role},
        after={"decision_superseded": bool(superseded)},
        cycle_id=locked.pk,
    )
    member.delete()


@transaction.atomic
def council_settings_set(
    *, cycle: Cycle, rule: str, secretariat: Unit | None, actor: User
) -> Council:
    """Set the approval rule (the chair decides, or a majority of the members) and the agency
    whose library keeps the council's documents. The rule is fixed once the results are
    approved; the agency may change until they are published (the signed decision goes
    there)."""
    _check_admin(actor)
    locked = _lock_cycle(cycle)
    rule = CouncilRule(rule)
    council = Council.objects.select_for_update().filter(cycle=locked).first()
    if rule != (council.rule if council else CouncilRule.CHAIR):
        _check_open(locked)
    if locked.state == Cycle.State.PUBLISHED:
        raise AppraisalError(_("The results are published: the council's settings are kept."))
    before = (
        {
            "rule": council.rule,
            "secretariat": council.secretariat.code if council.secretariat else None,
        }
        if council
        else None
    )
    if council is None:
        council = Council(cycle=locked)
    council.rule = rule
    council.secretariat = secretariat
    council.save()
    after = {"rule": rule.value, "secretariat": secretariat.code if secretariat else None}
    if before != after:
        audit_record(
            actor=actor,
            action="council.settings",
            target=council,
            before=before,
            after=after,
            cycle_id=locked.pk,
        )
    return council


def is_member(cycle: Cycle, user: User) -> bool:
    return CouncilMember.objects.filter(cycle=cycle, user=user).exists()


def document_attach(
    *, cycle: Cycle, kind: str, file: UploadedFile[bytes], actor: User, title: str = ""
) -> CouncilDocument:
    """Upload a council document (minutes, signed decision) to the library of the agency
    keeping them, and link it to the cycle; audited. Runs in the caller's transaction."""
    kind = CouncilDocumentKind(kind)
    if not (is_par_admin(actor) or is_member(cycle, actor)):
        raise AppraisalError(
            _("Only a PAR administrator or a member of the council attaches its documents.")
        )
    council = council_of(cycle)
    if council.secretariat is None:
        raise AppraisalError(
            _(
                "Choose the agency that keeps the council's documents on the council page "
                "first: nothing was attached."
            )
        )
    try:
        evidence: Evidence = evidence_upload(
            file=file, unit=council.secretariat, user=actor, title=title or str(kind.label)
        )
    except EvidenceRejected as exc:
        raise AppraisalError(exc.message) from None
    document = CouncilDocument.objects.create(
        cycle=cycle, kind=kind, evidence=evidence, linked_by=actor
    )
    audit_record(
        actor=actor,
        action="council.document",
        target=document,
        after={"kind": kind.value, "evidence": evidence.pk, "title": evidence.display_title},
        cycle_id=cycle.pk,
    )
    return document


@transaction.atomic
def council_document_add(
    *, cycle: Cycle, kind: str, file: UploadedFile[bytes], actor: User, title: str = ""
) -> CouncilDocument:
    """Attach the minutes of a council meeting (or another council document) to the cycle."""
    return document_attach(cycle=cycle, kind=kind, file=file, actor=actor, title=title)
