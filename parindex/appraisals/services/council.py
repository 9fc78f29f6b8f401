"""The council (*hội đồng thẩm định*) approves the cycle's final results and freezes them as a
snapshot, reopens them with a reason, and the council or the administrator publishes them.

Each named member records a decision (approve or object, with a note); the results are
approved when the decisions reach the council's rule (``council_members``): the chair's
approval, or a majority of the members."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.accounts.roles import is_par_admin
from parindex.accounts.selectors import par_admins
from parindex.appraisals.models import (
    Council,
    CouncilDocumentKind,
    CouncilMember,
    CouncilRole,
    CouncilRule,
    CouncilVote,
    Vote,
)
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.stages import deadline, stage_is_open
from parindex.audit.services import audit_record, record_published_head
from parindex.core.workflow import Action, State
from parindex.cycles.models import Cycle
from parindex.notifications.services import notify
from parindex.results.models import ResultSnapshot
from parindex.results.services import inputs_sha256, snapshot_create, snapshot_supersede
from parindex.units.models import Unit

from .council_members import council_of, document_attach
from .errors import AppraisalError, StageClosed
from .state import set_state


def publication_open(cycle: Cycle, now: datetime.datetime | None = None) -> bool:
    """Is the cycle's publication stage open at ``now``? A cycle whose calendar has no
    publication stage (a cycle without a calendar, e.g. one entered after the fact) may be
    published at any time, as before the calendar covered publication."""
    publication = deadline(cycle, Stage.PUBLICATION)
    return publication.window is None or publication.is_open(now)


def _lock_cycle(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().select_related("framework_version").get(pk=cycle.pk)


def _is_council(actor: User) -> bool:
    return RoleAssignment.objects.filter(user=actor, role=Role.COUNCIL).exists()


def _role_holders(role: str) -> list[User]:
    return list(User.objects.filter(roles__role=role, is_active=True).distinct().order_by("pk"))


def _tell_council(cycle: Cycle, verb: str, message: str) -> None:
    """Notify the administrators and the council members, with a link to the council page."""
    notify(
        recipients=[*par_admins(), *_role_holders(Role.COUNCIL)],
        verb=verb,
        message=message,
        url=reverse("appraisals:council", kwargs={"cycle_id": cycle.pk}),
    )


def _cycle_state(cycle: Cycle, state: str, actor: User, reason: str = "", **extra: object) -> None:
    before = {"state": cycle.state}
    cycle.state = state
    fields = ["state"]
    for name, value in extra.items():
        setattr(cycle, name, value)
        fields.append(name)
    cycle.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="cycle.state",
        target=cycle,
        before=before,
        after={"state": state, **extra},
        reason=reason,
        cycle_id=cycle.pk,
    )


def _cycle_people(cycle: Cycle) -> list[User]:
    return list(
        User.objects.filter(
            Q(roles__unit__in=cycle.units.all(), roles__role__in=UNIT_SCOPED_ROLES)
            | Q(roles__role__in=[Role.PAR_ADMIN, Role.COUNCIL])
            | Q(appraiser_assignments__cycle=cycle),
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def not_ready_for_council(cycle: Cycle) -> list[Assessment]:
    return list(
        Assessment.objects.filter(cycle=cycle)
        .exclude(state__in=[State.APPRAISED, State.APPROVED])
        .select_related("unit")
        .order_by("unit__code")
    )


def approval_reached(cycle: Cycle) -> bool:
    """Do the members' current decisions approve the cycle under its council's rule: the
    chair's approval, or approvals from more than half of the named members?"""
    members = {m.user_id: m.role for m in CouncilMember.objects.filter(cycle=cycle)}
    approving = set(
        CouncilVote.objects.filter(
            cycle=cycle, superseded_at=None, vote=Vote.APPROVE, user_id__in=members
        ).values_list("user_id", flat=True)
    )
    if council_of(cycle).rule == CouncilRule.MAJORITY:
        return 2 * len(approving) > len(members)
    return any(members[user_id] == CouncilRole.CHAIR for user_id in approving)


@dataclass(frozen=True)
class CouncilDecision:
    """A member's recorded decision, and the snapshot when it approved the cycle."""

    vote: CouncilVote
    snapshot: ResultSnapshot | None


@transaction.atomic
def council_vote(
    *,
    cycle: Cycle,
    actor: User,
    vote: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> CouncilDecision:
    """A member of the cycle's council records their decision on the final results (approve
    or object, with an optional note; a later decision replaces their earlier one), audited.
    When the decisions reach the council's rule (the chair approves, or a majority of the
    members), the results are approved: see :func:`_approve`."""
    now = now or timezone.now()
    vote = Vote(vote)
    note = note.strip()
    locked = _lock_cycle(cycle)
    if not _is_council(actor):
        raise AppraisalError(_("Only a council member approves the results."))
    if not CouncilMember.objects.filter(cycle=locked).exists():
        raise AppraisalError(
            _("The PAR administrator has not named the council of this cycle yet.")
        )
    if not CouncilMember.objects.filter(cycle=locked, user=actor).exists():
        raise AppraisalError(_("Only a member of this cycle's council decides on the results."))
    _check_approvable(locked, now)
    current = CouncilVote.objects.filter(cycle=locked, user=actor, superseded_at=None).first()
    before = {"vote": current.vote, "note": current.note} if current else None
    if current is None:
        current = CouncilVote(cycle=locked, user=actor)
    current.vote, current.note, current.decided_at = vote, note, now
    current.save()
    audit_record(
        actor=actor,
        action="council.vote",
        target=current,
        before=before,
        after={"vote": vote.value, "note": note},
        cycle_id=locked.pk,
    )
    snapshot = _approve(locked, actor) if approval_reached(locked) else None
    return CouncilDecision(current, snapshot)


def cycle_approve(
    *, cycle: Cycle, actor: User, note: str = "", now: datetime.datetime | None = None
) -> ResultSnapshot | None:
    """``actor`` approves the cycle's final results as a member of its council; the snapshot
    when that approves the cycle, else None (the rule waits for other members)."""
    return council_vote(cycle=cycle, actor=actor, vote=Vote.APPROVE, note=note, now=now).snapshot


def _check_approvable(locked: Cycle, now: datetime.datetime) -> None:
    if locked.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise AppraisalError(_("The results of this cycle are already approved."))
    if not stage_is_open(locked, Stage.COUNCIL, now):
        raise StageClosed(_("The council period is not open: nothing was approved."))
    waiting = not_ready_for_council(locked)
    if waiting:
        raise AppraisalError(
            _("Not every unit is appraised yet: %(units)s.")
            % {"units": ", ".join(a.unit.code for a in waiting)}
        )
    if not Assessment.objects.filter(cycle=locked).exists():
        raise AppraisalError(_("This cycle has no assessments to approve."))


def _approve(locked: Cycle, actor: User) -> ResultSnapshot:
    """Approve the cycle's final results (``APPROVE`` on every appraised assessment, as the
    council) and freeze them as a snapshot with the hash of its inputs."""
    assessments = list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(cycle=locked, state=State.APPRAISED)
        .select_related("unit", "cycle")
    )
    for assessment in assessments:
        set_state(assessment, Action.APPROVE, actor, roles={Role.COUNCIL})
    snapshot_supersede(cycle=locked, actor=actor, reason=_("Approved again"))
    snapshot = snapshot_create(cycle=locked, actor=actor)
    audit_record(
        actor=actor,
        action="results.snapshot",
        target=snapshot,
        after={"inputs_sha256": snapshot.inputs_sha256, "units": len(snapshot.results)},
        cycle_id=locked.pk,
    )
    _cycle_state(locked, Cycle.State.APPROVED, actor)
    _tell_council(
        locked,
        "results_approved",
        _("The council approved the results of %(cycle)s.") % {"cycle": locked.title},
    )
    return snapshot


@transaction.atomic
def cycle_reopen(
    *,
    cycle: Cycle,
    actor: User,
    reason: str,
    units: Sequence[Unit] | None = None,
) -> list[Assessment]:
    """The council reopens approved results, with a reason (``REOPEN`` on the chosen units'
    assessments, or all). The snapshot is kept and marked superseded."""
    locked = _lock_cycle(cycle)
    if not _is_council(actor):
        raise AppraisalError(_("Only a council member reopens approved results."))
    reason = reason.strip()
    if not reason:
        raise AppraisalError(_("Give the reason for reopening."))
    if locked.state != Cycle.State.APPROVED:
        raise AppraisalError(_("Only approved, unpublished results can be reopened."))
    chosen = Assessment.objects.select_for_update().filter(cycle=locked, state=State.APPROVED)
    if units:
        chosen = chosen.filter(unit__in=units)
    reopened = list(chosen.select_related("unit", "cycle"))
    if not reopened:
        raise AppraisalError(_("None of the chosen units is approved."))
    for assessment in reopened:
        set_state(assessment, Action.REOPEN, actor, roles={Role.COUNCIL}, reason=reason)
    for snapshot in snapshot_supersede(cycle=locked, actor=actor, reason=reason):
        audit_record(
            actor=actor,
            action="results.snapshot_superseded",
            target=snapshot,
            before={"inputs_sha256": snapshot.inputs_sha256, "in_force": True},
            after={"in_force": False},
            reason=reason,
            cycle_id=locked.pk,
        )
    _cycle_state(locked, Cycle.State.IN_PROGRESS, actor, reason=reason)
    # The members decide afresh on the results approved again: their decisions are kept.
    for current in CouncilVote.objects.select_for_update().filter(cycle=locked, superseded_at=None):
        current.superseded_at = timezone.now()
        current.save(update_fields=["superseded_at"])
        audit_record(
            actor=actor,
            action="council.vote",
            target=current,
            before={"vote": current.vote, "note": current.note},
            after={"superseded": True},
            reason=reason,
            cycle_id=locked.pk,
        )
    _tell_council(
        locked,
        "results_reopened",
        _("The council reopened the results of %(cycle)s: %(reason)s")
        % {"cycle": locked.title, "reason": reason},
    )
    return reopened


@transaction.atomic
def cycle_publish(
    *,
    cycle: Cycle,
    actor: User,
    decision: str = "",
    decision_date: datetime.date | None = None,
    decision_file: UploadedFile[bytes] | None = None,
    now: datetime.datetime | None = None,
) -> Cycle:
    """Publish approved results (``PUBLISH`` on every assessment): the ranking and scorecards
    become public on the final basis. The decision that publishes them must be named, number
    and date (*Quyết định số … ngày …*); its signed copy, if given, is kept as a council
    document. Refused outside the calendar's publication stage (see :func:`publication_open`)
    and if anything the snapshot was computed from has changed since the approval."""
    now = now or timezone.now()
    locked = _lock_cycle(cycle)
    if not (_is_council(actor) or is_par_admin(actor)):
        raise AppraisalError(_("Only the council or a PAR administrator publishes results."))
    if locked.state != Cycle.State.APPROVED:
        raise AppraisalError(_("Only approved results can be published."))
    if not publication_open(locked, now):
        raise StageClosed(_("The publication period is not open: nothing was published."))
    snapshot = ResultSnapshot.objects.filter(cycle=locked, superseded_at=None).first()
    if snapshot is None or snapshot.inputs_sha256 != inputs_sha256(locked):
        raise AppraisalError(
            _("The inputs changed since the council approved the results: approve them again.")
        )
    number = " ".join(decision.split()) or locked.publication_decision
    if not number or decision_date is None:
        raise AppraisalError(
            _(
                "Enter the number and the date of the decision publishing the results: nothing "
                "was published."
            )
        )
    if decision_date > timezone.localdate(now):
        raise AppraisalError(_("The date of the publication decision is in the future."))
    roles: set[str] = {Role.COUNCIL} if _is_council(actor) else {Role.PAR_ADMIN}
    for assessment in (
        Assessment.objects.select_for_update(of=("self",))
        .filter(cycle=locked)
        .select_related("unit", "cycle")
    ):
        set_state(assessment, Action.PUBLISH, actor, roles=roles)
    council = Council.objects.select_for_update().filter(cycle=locked).first() or Council(
        cycle=locked
    )
    council.decision_date = decision_date
    council.save()
    audit_record(
        actor=actor,
        action="council.settings",
        target=council,
        after={"decision": number, "decision_date": decision_date},
        cycle_id=locked.pk,
    )
    if decision_file is not None:
        document_attach(
            cycle=locked, kind=CouncilDocumentKind.DECISION, file=decision_file, actor=actor
        )
    # The cycle's own state last: the head recorded below ends with it.
    _cycle_state(
        locked,
        Cycle.State.PUBLISHED,
        actor,
        published_at=now,
        publication_decision=number,
    )
    record_published_head(cycle_id=locked.pk, decision=locked.publication_decision)
    notify(
        recipients=_cycle_people(locked),
        verb="results_published",
        message=_("The results of %(cycle)s are published.") % {"cycle": locked.title},
        url=reverse("cycle_ranking", kwargs={"cycle_id": locked.pk}),
    )
    return locked
