"""Writes of the appraisal: assignments, leaf decisions, the release, the explanation round, the
settlement, the council's approval and reopening, and publication.

Each function runs in one transaction, locks the assessment (or the cycle) it changes, checks
again on arrival what the caller's page already showed (state, calendar, the actor's areas and
units), persists a workflow transition only after ``core.workflow.transition`` accepts it, and
writes an audit event for every change in the same transaction. The figure in force for a leaf
after appraisal is mirrored into ``results.AppraisedValue`` by ``_final_sync``.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.assessments.access import unit_roles
from parindex.assessments.models import Assessment, Stage, StageWindow
from parindex.assessments.services import (
    AssessmentError,
    check_value,
    par_admins,
    self_leaf,
    stage_is_open,
    unit_people,
)
from parindex.audit.services import audit_record
from parindex.core import Framework, Node, ParindexError, ValueRuleError
from parindex.core.workflow import Action, State, WorkflowError, transition
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.frameworks.selectors import core_framework
from parindex.notifications.services import notify
from parindex.results.models import Basis, ResultSnapshot
from parindex.results.services import (
    appraised_value_set,
    cycle_compute,
    inputs_sha256,
    snapshot_create,
    snapshot_supersede,
)
from parindex.units.models import Unit
from parindex.web.access import is_par_admin, own_unit_ids

from .leaves import appraisable, area_of, declared_value, in_force, points_text
from .models import (
    AppraisalComment,
    AppraisalRound,
    AppraiserAssignment,
    CommentKind,
    Decision,
    LeafAppraisal,
    LeafReply,
    Outcome,
    ReplyEvidence,
)


class AppraisalError(ParindexError):
    """An appraisal write parindex refuses; the message tells the person why."""


class ConflictOfInterest(AppraisalError):
    """Nobody appraises their own unit."""


class NotYourArea(AppraisalError):
    """The leaf belongs to an area the person is not assigned to in this cycle."""


class StageClosed(AppraisalError):
    """The stage of the calendar this action belongs to is not open at the time of the request."""


class AppraisalConflict(AppraisalError):
    """Somebody else changed the leaf's appraisal since the page was loaded."""

    def __init__(self, message: str, *, current: LeafAppraisal) -> None:
        super().__init__(message)
        self.current = current


APPRAISAL_STATES = frozenset({State.SUBMITTED, State.IN_APPRAISAL})
"""States in which the appraisers decide on leaves (the first decision starts the appraisal)."""


# -- framework helpers -------------------------------------------------------------------------


def check_points(fw: Framework, leaf: Node, text: str | Decimal) -> Decimal:
    """Points set directly: a decimal within [0, max], a multiple of the framework's rounding."""
    assert leaf.max is not None
    try:
        points = text if isinstance(text, Decimal) else Decimal(str(text).strip())
    except InvalidOperation:
        raise AppraisalError(_("Points must be a number such as 1.5.")) from None
    if not points.is_finite() or points < 0 or points > leaf.max:
        raise AppraisalError(
            _("Points must lie between 0 and %(max)s.") % {"max": f"{leaf.max.normalize():f}"}
        )
    if points % fw.rounding != 0:
        raise AppraisalError(
            _("Points must be a multiple of %(step)s.") % {"step": f"{fw.rounding.normalize():f}"}
        )
    return points


def _figure(
    fw: Framework, leaf: Node, value: str, points: str | Decimal | None
) -> tuple[str, Decimal | None]:
    """A checked figure: a value the leaf's rule accepts (stored as normalised), or points."""
    has_points = points is not None and str(points).strip() != ""
    has_value = bool(value.strip())
    if has_points and has_value:
        raise AppraisalError(_("Give either a new value or points, not both."))
    if has_points:
        assert points is not None
        return "", check_points(fw, leaf, points)
    if not has_value:
        raise AppraisalError(_("Give the new value or the points."))
    try:
        return check_value(fw, leaf, value), None
    except ValueRuleError as exc:
        raise AppraisalError(
            _("Value not accepted: %(reason)s") % {"reason": exc.message}
        ) from None


# -- locking and checks ------------------------------------------------------------------------


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update()
        .select_related("cycle", "cycle__framework_version", "unit")
        .get(pk=assessment.pk)
    )


def _open_or_refuse(
    assessment: Assessment, stages: Sequence[str], now: datetime.datetime, message: str
) -> None:
    if not any(stage_is_open(assessment, stage, now) for stage in stages):
        raise StageClosed(message)


def assigned_areas(user: User, cycle: Cycle | int) -> set[str]:
    cycle_id = cycle.pk if isinstance(cycle, Cycle) else cycle
    return set(
        AppraiserAssignment.objects.filter(cycle_id=cycle_id, user=user).values_list(
            "area_code", flat=True
        )
    )


def check_appraiser(actor: User, assessment: Assessment, area: str | None) -> None:
    """Refuse unless ``actor`` is assigned to ``area`` (or, with None, to any area) of the
    cycle, and holds no unit role in the assessed unit."""
    if assessment.unit_id in own_unit_ids(actor):
        raise ConflictOfInterest(
            _("You hold a role in %(unit)s: you cannot appraise your own unit.")
            % {"unit": assessment.unit.name}
        )
    areas = assigned_areas(actor, assessment.cycle_id)
    if (area is None and not areas) or (area is not None and area not in areas):
        raise NotYourArea(_("You are not assigned to appraise this area in this cycle."))


def _workflow(state: str, action: Action, roles: set[str], reason: str = "") -> State:
    try:
        return transition(state, action, roles, reason)
    except WorkflowError as exc:
        raise AppraisalError(str(exc)) from None


def _set_state(
    locked: Assessment,
    action: Action,
    actor: User,
    *,
    roles: set[str] | None = None,
    reason: str = "",
    extra: dict[str, object] | None = None,
) -> None:
    """Move the locked assessment by ``action`` (as the table allows), audited."""
    roles = roles if roles is not None else unit_roles(actor, locked.unit_id)
    target = _workflow(locked.state, action, roles, reason)
    before = {"state": locked.state}
    locked.state = target
    locked.version += 1
    fields = ["state", "version"]
    for name, value in (extra or {}).items():
        setattr(locked, name, value)
        fields.append(name)
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"assessment.{action.value}",
        target=locked,
        before=before,
        after={"state": target, **(extra or {})},
        reason=reason,
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
    )


def _start_if_submitted(locked: Assessment, actor: User) -> None:
    """The first appraisal action on a submitted assessment moves it to in appraisal."""
    if locked.state == State.SUBMITTED:
        _set_state(locked, Action.START_APPRAISAL, actor)


def _value_of(la: LeafAppraisal | None) -> dict[str, object]:
    if la is None:
        return {"decision": None}
    return {
        "decision": la.decision,
        "value": la.value,
        "points": la.points,
        "reason": la.reason,
        "outcome": la.outcome,
        "settled_value": la.settled_value,
        "settled_points": la.settled_points,
    }


def _final_sync(assessment: Assessment, la: LeafAppraisal) -> None:
    value, points = in_force(la)
    appraised_value_set(
        cycle=assessment.cycle,
        unit_id=assessment.unit_id,
        leaf_code=la.leaf_code,
        value=value,
        points=points,
    )


def current_round(assessment: Assessment) -> AppraisalRound | None:
    return AppraisalRound.objects.filter(assessment=assessment).order_by("-number").first()


def results_refresh(cycle: Cycle) -> None:
    """Store both bases of the cycle's results again, from the core."""
    cycle_compute(cycle=cycle, basis=Basis.SELF)
    cycle_compute(cycle=cycle, basis=Basis.FINAL)


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


def unit_page_url(assessment: Assessment) -> str:
    return reverse(
        "appraisals:unit",
        kwargs={"cycle_id": assessment.cycle_id, "unit_code": assessment.unit.code},
    )


def _tell_unit(assessment: Assessment, verb: str, message: str) -> None:
    """Notify the unit's editors and heads, with a link to its appraisal page."""
    notify(
        recipients=unit_people(assessment),
        verb=verb,
        message=message,
        url=unit_page_url(assessment),
    )


# -- assignments -------------------------------------------------------------------------------


@transaction.atomic
def appraiser_assign(
    *, cycle: Cycle, user: User, area_code: str, actor: User
) -> AppraiserAssignment:
    """Assign ``user`` to appraise ``area_code`` in the cycle (PAR administrator only).

    Refused when the area is not a top-level node of the cycle's framework, when the person
    does not hold the appraiser role or is deactivated, and when every unit in scope is the
    person's own (a conflict of interest on everything they would see). A person who holds a
    role in some units in scope may be assigned: those units stay out of their queue."""
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator assigns appraisers."))
    fw = core_framework(cycle.framework_version)
    if area_code not in {node.code for node in fw.nodes}:
        raise AppraisalError(
            _("%(code)s is not an area of this cycle's framework.") % {"code": area_code}
        )
    if not user.is_active:
        raise AppraisalError(_("%(name)s is deactivated.") % {"name": user})
    if not RoleAssignment.objects.filter(user=user, role=Role.APPRAISER).exists():
        raise AppraisalError(
            _("%(name)s does not hold the appraiser role: give it on their account first.")
            % {"name": user}
        )
    own = set(
        RoleAssignment.objects.filter(
            user=user, role__in=[Role.UNIT_EDITOR, Role.UNIT_HEAD]
        ).values_list("unit_id", flat=True)
    )
    scope = set(cycle.units.values_list("pk", flat=True))
    if scope and scope <= own:
        raise ConflictOfInterest(
            _("%(name)s holds a role in every unit of this cycle: nobody appraises their own unit.")
            % {"name": user}
        )
    assignment, created = AppraiserAssignment.objects.get_or_create(
        cycle=cycle, user=user, area_code=area_code, defaults={"assigned_by": actor}
    )
    if not created:
        raise AppraisalError(
            _("%(name)s already appraises area %(area)s.") % {"name": user, "area": area_code}
        )
    audit_record(
        actor=actor,
        action="appraiser.assign",
        target=assignment,
        after={
            "user": user.username,
            "area": area_code,
            "own_units_left_out": sorted(
                Unit.objects.filter(pk__in=own & scope).values_list("code", flat=True)
            ),
        },
        cycle_id=cycle.pk,
    )
    return assignment


@transaction.atomic
def appraiser_unassign(*, assignment: AppraiserAssignment, actor: User) -> None:
    """Remove an assignment; the decisions the person already made stay, with their name."""
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator assigns appraisers."))
    audit_record(
        actor=actor,
        action="appraiser.unassign",
        target=assignment,
        before={"user": assignment.user.username, "area": assignment.area_code},
        cycle_id=assignment.cycle_id,
    )
    assignment.delete()


# -- leaf decisions ----------------------------------------------------------------------------


def _leaf_for(locked: Assessment, fw: Framework, leaf_code: str) -> Node:
    try:
        return self_leaf(fw, locked.unit.type, leaf_code)
    except AssessmentError as exc:
        raise AppraisalError(exc.message) from None


def _appraiser_leaf(
    assessment: Assessment, leaf_code: str, actor: User
) -> tuple[Assessment, Framework, Node, str]:
    """The assessment locked, its framework, the leaf and its area, once ``actor`` is checked
    as an appraiser of that area."""
    locked = _lock(assessment)
    fw = core_framework(locked.cycle.framework_version)
    leaf = _leaf_for(locked, fw, leaf_code)
    area = area_of(fw)[leaf.code]
    check_appraiser(actor, locked, area)
    return locked, fw, leaf, area


def _check_decision_time(locked: Assessment, now: datetime.datetime) -> None:
    if locked.state not in APPRAISAL_STATES:
        raise AppraisalError(
            _("The appraisal of %(unit)s is closed in its present state.")
            % {"unit": locked.unit.name}
        )
    _open_or_refuse(
        locked, [Stage.APPRAISAL], now, _("The appraisal period is closed: nothing was saved.")
    )


@transaction.atomic
def leaf_appraise(
    *,
    assessment: Assessment,
    leaf_code: str,
    decision: str,
    actor: User,
    value: str = "",
    points: str | Decimal | None = None,
    reason: str = "",
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> LeafAppraisal:
    """Accept a leaf as declared, adjust it (a re-declared figure scored by the core, or points
    set directly, with a mandatory reason), or flag it for explanation (with a comment).

    ``version`` is the appraisal's version the page showed (0 for a leaf not appraised yet): a
    stale one is refused with :class:`AppraisalConflict`."""
    now = now or timezone.now()
    decision = Decision(decision)
    locked, fw, leaf, area = _appraiser_leaf(assessment, leaf_code, actor)
    _check_decision_time(locked, now)
    reason = reason.strip()
    new_value, new_points = "", None
    if decision == Decision.ADJUSTED:
        if not reason:
            raise AppraisalError(_("An adjustment needs a reason."))
        new_value, new_points = _figure(fw, leaf, value, points)
        if new_points is None and new_value == declared_value(locked, leaf.code):
            raise AppraisalError(
                _("This is the declared value: accept the leaf instead of adjusting it.")
            )
    elif decision == Decision.FLAGGED and not reason:
        raise AppraisalError(_("Say what the unit should explain."))
    la = (
        LeafAppraisal.objects.select_for_update()
        .filter(assessment=locked, leaf_code=leaf.code)
        .first()
    )
    if version is not None and (la.version if la else 0) != version:
        current = la or LeafAppraisal(assessment=locked, leaf_code=leaf.code)
        raise AppraisalConflict(
            _("Somebody else appraised this leaf since you opened it."), current=current
        )
    before = _value_of(la)
    _start_if_submitted(locked, actor)
    if la is None:
        la = LeafAppraisal(assessment=locked, leaf_code=leaf.code, area_code=area, version=0)
    la.decision = decision
    la.value, la.points, la.reason = new_value, new_points, reason
    la.appraised_by, la.appraised_at = actor, now
    la.version += 1
    la.save()
    _final_sync(locked, la)
    declared = declared_value(locked, leaf.code)
    audit_record(
        actor=actor,
        action=f"appraisal.{decision.value}",
        target=la,
        before=before,
        after={
            **_value_of(la),
            "self_points": points_text(fw, leaf, declared, None),
            "appraised_points": points_text(fw, leaf, new_value or declared, new_points),
        },
        reason=reason,
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=leaf.code,
    )
    return la


@dataclass(frozen=True)
class Target:
    """One leaf of one unit, as the queue lists it."""

    assessment: Assessment
    leaf_code: str


@transaction.atomic
def leaves_accept_untouched(
    *, targets: Iterable[Target], actor: User, now: datetime.datetime | None = None
) -> int:
    """Accept as declared every listed leaf that nobody has appraised yet, in one transaction,
    with one audit event per leaf. Leaves appraised in the meantime are left alone; any refusal
    (closed calendar, conflict of interest, another area) rolls the whole batch back."""
    now = now or timezone.now()
    by_assessment: dict[int, list[str]] = {}
    assessments: dict[int, Assessment] = {}
    for target in targets:
        by_assessment.setdefault(target.assessment.pk, []).append(target.leaf_code)
        assessments[target.assessment.pk] = target.assessment
    accepted = 0
    for pk in sorted(by_assessment):
        locked = _lock(assessments[pk])
        fw = core_framework(locked.cycle.framework_version)
        areas = area_of(fw)
        _check_decision_time(locked, now)
        done = set(
            LeafAppraisal.objects.filter(
                assessment=locked, leaf_code__in=by_assessment[pk]
            ).values_list("leaf_code", flat=True)
        )
        fresh = []
        for code in by_assessment[pk]:
            if code in done:
                continue
            leaf = _leaf_for(locked, fw, code)
            check_appraiser(actor, locked, areas[leaf.code])
            fresh.append(
                LeafAppraisal(
                    assessment=locked,
                    leaf_code=leaf.code,
                    area_code=areas[leaf.code],
                    decision=Decision.ACCEPTED,
                    appraised_by=actor,
                    appraised_at=now,
                )
            )
        if not fresh:
            continue
        _start_if_submitted(locked, actor)
        for la in LeafAppraisal.objects.bulk_create(fresh):
            saved = (
                la
                if la.pk
                else LeafAppraisal.objects.get(assessment=locked, leaf_code=la.leaf_code)
            )
            audit_record(
                actor=actor,
                action="appraisal.accepted",
                target=saved,
                before={"decision": None},
                after=_value_of(saved),
                reason=_("Accepted as declared (bulk)"),
                cycle_id=locked.cycle_id,
                unit_id=locked.unit_id,
                leaf_code=saved.leaf_code,
            )
            accepted += 1
    return accepted


# -- release -----------------------------------------------------------------------------------


def untouched_leaves(assessment: Assessment, fw: Framework | None = None) -> list[Node]:
    fw = fw or core_framework(assessment.cycle.framework_version)
    done = set(
        LeafAppraisal.objects.filter(assessment=assessment).values_list("leaf_code", flat=True)
    )
    return [leaf for leaf in appraisable(fw, assessment.unit.type) if leaf.code not in done]


@transaction.atomic
def assessment_release(
    *,
    assessment: Assessment,
    actor: User,
    refresh: bool = True,
    now: datetime.datetime | None = None,
) -> Assessment:
    """The administrator releases the appraisal to the unit once every leaf is appraised:
    with flagged or adjusted leaves the unit is returned for explanation (``RELEASE``, round
    1 opens), otherwise the appraisal is finished (``FINISH``)."""
    now = now or timezone.now()
    locked = _lock(assessment)
    if locked.state != State.IN_APPRAISAL:
        raise AppraisalError(
            _("Only an assessment in appraisal can be released (%(unit)s is not).")
            % {"unit": locked.unit.name}
        )
    missing = untouched_leaves(locked)
    if missing:
        raise AppraisalError(
            _("%(unit)s: %(count)d leaves are not appraised yet.")
            % {"unit": locked.unit.name, "count": len(missing)}
        )
    open_leaves = list(
        LeafAppraisal.objects.filter(assessment=locked)
        .exclude(decision=Decision.ACCEPTED)
        .order_by("leaf_code")
    )
    roles = unit_roles(actor, locked.unit_id)
    if not open_leaves:
        _set_state(locked, Action.FINISH, actor, roles=roles)
        message = _("The appraisal of %(unit)s for %(year)s is finished: every leaf was accepted.")
    else:
        _set_state(locked, Action.RELEASE, actor, roles=roles)
        AppraisalRound.objects.create(assessment=locked, number=1, opened_at=now, opened_by=actor)
        AppraisalComment.objects.bulk_create(
            [
                AppraisalComment(
                    assessment=locked,
                    leaf_code=la.leaf_code,
                    round=1,
                    kind=CommentKind.APPRAISAL,
                    author_id=la.appraised_by_id,
                    text=la.reason,
                    created_at=now,
                )
                for la in open_leaves
            ]
        )
        message = _(
            "The appraisal of %(unit)s for %(year)s is released: %(count)d leaves need your "
            "explanation."
        )
    if refresh:
        results_refresh(locked.cycle)
    _tell_unit(
        locked,
        "appraisal_released",
        message % {"unit": locked.unit.name, "year": locked.cycle.year, "count": len(open_leaves)},
    )
    return locked


# -- the explanation round (the unit) ----------------------------------------------------------


def _check_reply_time(locked: Assessment, actor: User, now: datetime.datetime) -> AppraisalRound:
    if locked.state != State.RETURNED:
        raise AppraisalError(_("The explanation round of this unit is not open."))
    if locked.unit_id not in own_unit_ids(actor):
        raise AppraisalError(_("Only the unit's own people reply to its appraisal."))
    _open_or_refuse(
        locked,
        [Stage.EXPLANATION],
        now,
        _("The explanation period is closed for this unit: nothing was saved."),
    )
    found = current_round(locked)
    assert found is not None, "a returned assessment has a round"
    return found


@transaction.atomic
def reply_save(
    *,
    assessment: Assessment,
    leaf_code: str,
    agrees: bool,
    reason: str,
    actor: User,
    evidence: Sequence[Evidence] = (),
    now: datetime.datetime | None = None,
) -> LeafReply:
    """The unit agrees or disagrees with the appraisers on one flagged or adjusted leaf.

    A disagreement needs a reason and at least one piece of supplementary evidence (given now
    in ``evidence`` or linked before); supplementary evidence is kept in its own link table,
    apart from the leaf's original evidence. Replies stay drafts until the unit sends them."""
    now = now or timezone.now()
    locked = _lock(assessment)
    round_ = _check_reply_time(locked, actor, now)
    la = LeafAppraisal.objects.filter(assessment=locked, leaf_code=leaf_code).first()
    if la is None or not la.needs_reply:
        raise AppraisalError(_("This leaf needs no explanation in this round."))
    for item in evidence:
        if item.unit_id != locked.unit_id:
            raise AppraisalError(_("Only the unit's own evidence can support its reply."))
    reason = reason.strip()
    reply = (
        LeafReply.objects.select_for_update()
        .filter(assessment=locked, leaf_code=leaf_code, round=round_.number)
        .first()
    )
    linked = list(reply.evidence_links.values_list("evidence_id", flat=True)) if reply else []
    if not agrees:
        if not reason:
            raise AppraisalError(_("A disagreement needs a reason."))
        if not linked and not evidence:
            raise AppraisalError(
                _("A disagreement needs supplementary evidence: upload or choose a document.")
            )
    before = None if reply is None else {"agrees": reply.agrees, "reason": reply.reason}
    if reply is None:
        reply = LeafReply(
            assessment=locked, leaf_code=leaf_code, round=round_.number, agrees=agrees
        )
    reply.agrees, reply.reason, reply.author, reply.updated_at = agrees, reason, actor, now
    reply.save()
    audit_record(
        actor=actor,
        action="reply.save",
        target=reply,
        before=before,
        after={"agrees": agrees, "reason": reason, "round": round_.number},
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=leaf_code,
    )
    for item in evidence:
        if item.pk in linked:
            continue
        link = ReplyEvidence.objects.create(reply=reply, evidence=item, linked_by=actor)
        linked.append(item.pk)
        audit_record(
            actor=actor,
            action="reply.evidence_link",
            target=link,
            after={"evidence": item.pk, "title": item.display_title, "round": round_.number},
            cycle_id=locked.cycle_id,
            unit_id=locked.unit_id,
            leaf_code=leaf_code,
        )
    return reply


@transaction.atomic
def reply_evidence_unlink(
    *, link: ReplyEvidence, actor: User, now: datetime.datetime | None = None
) -> None:
    """Remove a supplementary document from a draft reply (the document stays in the library);
    a disagreement keeps at least one."""
    now = now or timezone.now()
    reply = link.reply
    locked = _lock(reply.assessment)
    _check_reply_time(locked, actor, now)
    if not reply.agrees and reply.evidence_links.count() <= 1:
        raise AppraisalError(
            _("A disagreement needs supplementary evidence: add another document first.")
        )
    audit_record(
        actor=actor,
        action="reply.evidence_unlink",
        target=link,
        before={"evidence": link.evidence_id, "round": reply.round},
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=reply.leaf_code,
    )
    link.delete()


def _appraisers_of(cycle_id: int, areas: set[str]) -> list[User]:
    return list(
        User.objects.filter(
            appraiser_assignments__cycle_id=cycle_id,
            appraiser_assignments__area_code__in=areas,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def replies_send(
    *, assessment: Assessment, actor: User, now: datetime.datetime | None = None
) -> Assessment:
    """The unit sends its replies (``REPLY``): every leaf of the round must have one. An
    adjustment the unit agrees with is closed at once; the others wait for the appraisers."""
    now = now or timezone.now()
    locked = _lock(assessment)
    round_ = _check_reply_time(locked, actor, now)
    open_leaves = [la for la in LeafAppraisal.objects.filter(assessment=locked) if la.needs_reply]
    replies = {
        r.leaf_code: r
        for r in LeafReply.objects.filter(assessment=locked, round=round_.number).prefetch_related(
            "evidence_links"
        )
    }
    missing = [la.leaf_code for la in open_leaves if la.leaf_code not in replies]
    if missing:
        raise AppraisalError(
            _("Reply to every leaf first; still without a reply: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    for la in open_leaves:
        reply = replies[la.leaf_code]
        if not reply.agrees and (not reply.reason or not reply.evidence_links.all()):
            raise AppraisalError(
                _("Leaf %(code)s: a disagreement needs a reason and supplementary evidence.")
                % {"code": la.leaf_code}
            )
    _set_state(locked, Action.REPLY, actor)
    for la in open_leaves:
        reply = replies[la.leaf_code]
        AppraisalComment.objects.create(
            assessment=locked,
            leaf_code=la.leaf_code,
            round=round_.number,
            kind=CommentKind.REPLY,
            author=actor,
            text=reply.reason
            or (_("Agrees with the appraisal.") if reply.agrees else _("Disagrees.")),
            created_at=now,
        )
        if reply.agrees and la.decision == Decision.ADJUSTED:
            before = _value_of(la)
            la.outcome, la.settled_by, la.settled_at = Outcome.AGREED, actor, now
            la.version += 1
            la.save(update_fields=["outcome", "settled_by", "settled_at", "version"])
            _final_sync(locked, la)
            audit_record(
                actor=actor,
                action="appraisal.agreed",
                target=la,
                before=before,
                after=_value_of(la),
                cycle_id=locked.cycle_id,
                unit_id=locked.unit_id,
                leaf_code=la.leaf_code,
            )
    round_.replied_at, round_.replied_by = now, actor
    round_.save(update_fields=["replied_at", "replied_by"])
    areas = {la.area_code for la in open_leaves if la.needs_reply}
    notify(
        recipients=[*_appraisers_of(locked.cycle_id, areas), *par_admins()],
        verb="explanation_sent",
        message=_("%(unit)s sent its explanations for %(year)s (round %(round)d).")
        % {"unit": locked.unit.name, "year": locked.cycle.year, "round": round_.number},
        url=unit_page_url(locked),
    )
    return locked


# -- settlement (the appraisers) ---------------------------------------------------------------


@transaction.atomic
def leaf_settle(
    *,
    assessment: Assessment,
    leaf_code: str,
    outcome: str,
    reason: str,
    actor: User,
    value: str = "",
    points: str | Decimal | None = None,
    version: int | None = None,
    now: datetime.datetime | None = None,
) -> LeafAppraisal:
    """Settle a flagged or adjusted leaf after the unit's reply: keep the appraisal, accept the
    unit's figure, or set a new figure, always with a reason. After the round is closed, while
    the council examines the results (an assessment appraised, e.g. after a reopening), the
    appraisers may still set a new figure on any leaf, with a reason."""
    now = now or timezone.now()
    outcome = Outcome(outcome)
    if outcome == Outcome.AGREED:
        raise AppraisalError(_("Only the unit agrees with an appraisal."))
    locked, fw, leaf, _area = _appraiser_leaf(assessment, leaf_code, actor)
    la = (
        LeafAppraisal.objects.select_for_update()
        .filter(assessment=locked, leaf_code=leaf.code)
        .first()
    )
    if la is None:
        raise AppraisalError(_("This leaf was not appraised."))
    if locked.state == State.REPLIED:
        _open_or_refuse(
            locked,
            [Stage.EXPLANATION],
            now,
            _("The explanation period is closed: nothing was saved."),
        )
        if la.decision == Decision.ACCEPTED:
            raise AppraisalError(_("This leaf was accepted: there is nothing to settle."))
    elif locked.state == State.APPRAISED:
        _open_or_refuse(
            locked, [Stage.COUNCIL], now, _("The council period is closed: nothing was saved.")
        )
        if outcome != Outcome.NEW:
            raise AppraisalError(_("After the round is closed only a new figure can be set."))
    else:
        raise AppraisalError(_("The appraisers settle leaves once the unit has replied."))
    if version is not None and la.version != version:
        raise AppraisalConflict(
            _("Somebody else appraised this leaf since you opened it."), current=la
        )
    reason = reason.strip()
    if not reason:
        raise AppraisalError(_("A settlement needs a reason."))
    new_value, new_points = "", None
    if outcome == Outcome.NEW:
        new_value, new_points = _figure(fw, leaf, value, points)
    before = _value_of(la)
    la.outcome, la.settled_value, la.settled_points = outcome, new_value, new_points
    la.settled_reason, la.settled_by, la.settled_at = reason, actor, now
    la.version += 1
    la.save()
    _final_sync(locked, la)
    round_ = current_round(locked)
    AppraisalComment.objects.create(
        assessment=locked,
        leaf_code=leaf.code,
        round=round_.number if round_ else 1,
        kind=CommentKind.SETTLEMENT,
        author=actor,
        text=reason,
        created_at=now,
    )
    final_value, final_points = in_force(la)
    audit_record(
        actor=actor,
        action="appraisal.settle",
        target=la,
        before=before,
        after={
            **_value_of(la),
            "final_points": points_text(
                fw, leaf, final_value or declared_value(locked, leaf.code), final_points
            ),
        },
        reason=reason,
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=leaf.code,
    )
    if locked.state == State.APPRAISED:
        results_refresh(locked.cycle)
    return la


def may_close_round(actor: User, assessment: Assessment) -> bool:
    """Administrators, and appraisers of the cycle who hold no role in the unit."""
    if assessment.unit_id in own_unit_ids(actor):
        return False
    return is_par_admin(actor) or bool(assigned_areas(actor, assessment.cycle_id))


@transaction.atomic
def round_close(
    *, assessment: Assessment, actor: User, now: datetime.datetime | None = None
) -> Assessment:
    """Close the explanation round once every leaf is settled (``SETTLE``): the assessment is
    appraised, its explanation closed now."""
    now = now or timezone.now()
    locked = _lock(assessment)
    if not may_close_round(actor, locked):
        raise AppraisalError(_("Only the cycle's appraisers or an administrator close a round."))
    if locked.state != State.REPLIED:
        raise AppraisalError(_("The unit has not sent its replies yet."))
    waiting = [
        la.leaf_code for la in LeafAppraisal.objects.filter(assessment=locked) if la.needs_reply
    ]
    if waiting:
        raise AppraisalError(
            _("Settle every leaf first; still open: %(codes)s.") % {"codes": ", ".join(waiting)}
        )
    _set_state(locked, Action.SETTLE, actor, extra={"explanation_closed_at": now})
    round_ = current_round(locked)
    if round_ is not None:
        round_.closed_at = now
        round_.save(update_fields=["closed_at"])
    results_refresh(locked.cycle)
    _tell_unit(
        locked,
        "explanation_closed",
        _("The explanation round of %(unit)s for %(year)s is closed.")
        % {"unit": locked.unit.name, "year": locked.cycle.year},
    )
    return locked


@transaction.atomic
def round_return(
    *, assessment: Assessment, actor: User, reason: str, now: datetime.datetime | None = None
) -> Assessment:
    """The administrator returns the unit for another round (``RETURN_AGAIN``, with a reason)
    on the leaves that are still open."""
    now = now or timezone.now()
    locked = _lock(assessment)
    if locked.state != State.REPLIED:
        raise AppraisalError(_("Only a unit that has replied can be returned again."))
    waiting = [la for la in LeafAppraisal.objects.filter(assessment=locked) if la.needs_reply]
    if not waiting:
        raise AppraisalError(_("Every leaf is settled: there is nothing left to explain."))
    _set_state(locked, Action.RETURN_AGAIN, actor, reason=reason.strip())
    previous = current_round(locked)
    number = (previous.number if previous else 0) + 1
    AppraisalRound.objects.create(
        assessment=locked, number=number, opened_at=now, opened_by=actor, reason=reason.strip()
    )
    AppraisalComment.objects.bulk_create(
        [
            AppraisalComment(
                assessment=locked,
                leaf_code=la.leaf_code,
                round=number,
                kind=CommentKind.RETURN,
                author=actor,
                text=reason.strip(),
                created_at=now,
            )
            for la in waiting
        ]
    )
    _tell_unit(
        locked,
        "appraisal_returned",
        _("%(unit)s is asked for another explanation (round %(round)d): %(reason)s")
        % {"unit": locked.unit.name, "round": number, "reason": reason.strip()},
    )
    return locked


# -- council and publication -------------------------------------------------------------------


def cycle_stage_open(cycle: Cycle, stage: str, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    window = StageWindow.objects.filter(cycle=cycle, stage=stage).first()
    return window is not None and window.opens_at <= now < window.closes_at


def _lock_cycle(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().select_related("framework_version").get(pk=cycle.pk)


def _is_council(actor: User) -> bool:
    return RoleAssignment.objects.filter(user=actor, role=Role.COUNCIL).exists()


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
            Q(roles__unit__in=cycle.units.all(), roles__role__in=[Role.UNIT_EDITOR, Role.UNIT_HEAD])
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


@transaction.atomic
def cycle_approve(
    *, cycle: Cycle, actor: User, now: datetime.datetime | None = None
) -> ResultSnapshot:
    """The council approves the cycle's final results (``APPROVE`` on every appraised
    assessment) and freezes them as a snapshot with the hash of its inputs."""
    now = now or timezone.now()
    locked = _lock_cycle(cycle)
    if not _is_council(actor):
        raise AppraisalError(_("Only a council member approves the results."))
    if locked.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise AppraisalError(_("The results of this cycle are already approved."))
    if not cycle_stage_open(locked, Stage.COUNCIL, now):
        raise StageClosed(_("The council period is not open: nothing was approved."))
    waiting = not_ready_for_council(locked)
    if waiting:
        raise AppraisalError(
            _("Not every unit is appraised yet: %(units)s.")
            % {"units": ", ".join(a.unit.code for a in waiting)}
        )
    assessments = list(
        Assessment.objects.select_for_update()
        .filter(cycle=locked, state=State.APPRAISED)
        .select_related("unit", "cycle")
    )
    if not assessments and not Assessment.objects.filter(cycle=locked).exists():
        raise AppraisalError(_("This cycle has no assessments to approve."))
    for assessment in assessments:
        _set_state(assessment, Action.APPROVE, actor, roles={Role.COUNCIL})
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
        _set_state(assessment, Action.REOPEN, actor, roles={Role.COUNCIL}, reason=reason)
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
    now: datetime.datetime | None = None,
) -> Cycle:
    """Publish approved results (``PUBLISH`` on every assessment): the ranking and scorecards
    become public on the final basis. Refused if anything the snapshot was computed from has
    changed since the approval."""
    now = now or timezone.now()
    locked = _lock_cycle(cycle)
    if not (_is_council(actor) or is_par_admin(actor)):
        raise AppraisalError(_("Only the council or a PAR administrator publishes results."))
    if locked.state != Cycle.State.APPROVED:
        raise AppraisalError(_("Only approved results can be published."))
    snapshot = ResultSnapshot.objects.filter(cycle=locked, superseded_at=None).first()
    if snapshot is None or snapshot.inputs_sha256 != inputs_sha256(locked):
        raise AppraisalError(
            _("The inputs changed since the council approved the results: approve them again.")
        )
    roles = {Role.COUNCIL} if _is_council(actor) else {Role.PAR_ADMIN}
    for assessment in (
        Assessment.objects.select_for_update().filter(cycle=locked).select_related("unit", "cycle")
    ):
        _set_state(assessment, Action.PUBLISH, actor, roles=roles)
    _cycle_state(
        locked,
        Cycle.State.PUBLISHED,
        actor,
        published_at=now,
        publication_decision=decision.strip() or locked.publication_decision,
    )
    notify(
        recipients=_cycle_people(locked),
        verb="results_published",
        message=_("The results of %(cycle)s are published.") % {"cycle": locked.title},
        url=reverse("cycle_ranking", kwargs={"cycle_id": locked.pk}),
    )
    return locked


# -- reminders ---------------------------------------------------------------------------------


@transaction.atomic
def account_remind(*, user: User, cycle: Cycle, actor: User, url: str) -> None:
    """Remind a person who never logged in that the cycle waits for them (in-app and e-mail)."""
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator sends reminders."))
    if user.last_login is not None:
        raise AppraisalError(_("%(name)s has already logged in.") % {"name": user})
    notify(
        recipients=[user],
        verb="login_reminder",
        message=_(
            "The PAR Index cycle %(cycle)s waits for you. Log in with your username %(username)s."
        )
        % {"cycle": cycle.title, "username": user.username},
        url=url,
        email=True,
    )
    audit_record(
        actor=actor,
        action="account.remind",
        target=user,
        after={"emailed_to": user.email, "cycle": cycle.pk},
        cycle_id=cycle.pk,
    )


__all__ = [
    "AppraisalConflict",
    "AppraisalError",
    "ConflictOfInterest",
    "NotYourArea",
    "StageClosed",
    "WorkflowError",
]
