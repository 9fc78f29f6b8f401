"""The explanation round (*giải trình*): the administrator releases the appraisal to the unit,
the unit replies on each flagged or adjusted leaf (agreeing, or disagreeing with a reason and
supplementary evidence) and sends its replies, the appraisers settle each leaf, and the round
is closed or the unit is returned for another one."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin
from parindex.accounts.selectors import par_admins
from parindex.appraisals.leaves import declared_value, in_force, points_text
from parindex.appraisals.models import (
    AppraisalComment,
    AppraisalRound,
    CommentKind,
    Decision,
    LeafAppraisal,
    LeafReply,
    Outcome,
    ReplyEvidence,
)
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.refusals import NEEDS_ROLE, NOT_POSSIBLE
from parindex.assessments.services import lock_assessment
from parindex.audit.services import audit_record
from parindex.core.workflow import Action, State
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.notifications.services import notify
from parindex.results.services import unit_results_refresh

from .checks import (
    appraiser_leaf,
    assigned_areas,
    checked_figure,
    conflict_unit_ids,
    open_or_refuse,
)
from .decisions import untouched_leaves
from .errors import AppraisalConflict, AppraisalError
from .people import tell_unit, unit_page_url
from .state import appraisal_values, final_sync, set_state, workflow_check


def current_round(assessment: Assessment) -> AppraisalRound | None:
    return AppraisalRound.objects.filter(assessment=assessment).order_by("-number").first()


@transaction.atomic
def assessment_release(
    *,
    assessment: Assessment,
    actor: User,
    now: datetime.datetime | None = None,
) -> Assessment:
    """The administrator releases the appraisal to the unit once every leaf is appraised:
    with flagged or adjusted leaves the unit is returned for explanation (``RELEASE``, round
    1 opens), otherwise the appraisal is finished (``FINISH``). Only the state changes: the
    results were stored by each decision (``unit_results_refresh``)."""
    now = now or timezone.now()
    locked = lock_assessment(assessment)
    open_leaves = list(
        LeafAppraisal.objects.filter(assessment=locked)
        .exclude(decision=Decision.ACCEPTED)
        .order_by("leaf_code")
    )
    action = Action.RELEASE if open_leaves else Action.FINISH
    not_in_appraisal = _("Only an assessment in appraisal can be released (%(unit)s is not).")
    workflow_check(
        locked, action, actor, say={NOT_POSSIBLE: not_in_appraisal % {"unit": locked.unit.name}}
    )
    missing = untouched_leaves(locked)
    if missing:
        raise AppraisalError(
            _("%(unit)s: %(count)d leaves are not appraised yet.")
            % {"unit": locked.unit.name, "count": len(missing)}
        )
    set_state(locked, action, actor)
    if action == Action.FINISH:
        message = _("The appraisal of %(unit)s for %(year)s is finished: every leaf was accepted.")
    else:
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
            "explanation (%(codes)s)."
        )
    tell_unit(
        locked,
        "appraisal_released",
        message
        % {
            "unit": locked.unit.name,
            "year": locked.cycle.year,
            "count": len(open_leaves),
            "codes": ", ".join(la.leaf_code for la in open_leaves),
        },
    )
    return locked


@dataclass(frozen=True)
class ReleaseAll:
    """What :func:`appraisals_release_all` did: the units released (or finished), and each
    unit it could not release with the reason, in the reader's language."""

    released: list[Assessment]
    refused: list[tuple[Assessment, str]]


@transaction.atomic
def appraisals_release_all(
    *, cycle: Cycle, actor: User, now: datetime.datetime | None = None
) -> ReleaseAll:
    """Release every unit of the cycle in appraisal whose leaves are all appraised, in one
    transaction.

    Each unit is released on its own (:func:`assessment_release`, a savepoint): a unit the
    release refuses when its turn comes (its state changed since it was counted, a leaf is
    untouched again, the table refuses the actor) is left exactly as it was and reported,
    and the other units are released all the same. A release is a decision about one unit,
    which a change to another unit should not hold up; the administrator reads which units
    were left and why, and releases them once they are ready."""
    now = now or timezone.now()
    ready = [
        assessment
        for assessment in Assessment.objects.filter(cycle=cycle, state=State.IN_APPRAISAL)
        .select_related("cycle", "cycle__framework_version", "unit")
        .order_by("unit__code")
        if not untouched_leaves(assessment)
    ]
    released: list[Assessment] = []
    refused: list[tuple[Assessment, str]] = []
    for assessment in ready:
        try:
            released.append(assessment_release(assessment=assessment, actor=actor, now=now))
        except AppraisalError as exc:
            refused.append((assessment, exc.message))
    return ReleaseAll(released=released, refused=refused)


def _check_reply_time(locked: Assessment, actor: User, now: datetime.datetime) -> AppraisalRound:
    workflow_check(
        locked,
        Action.REPLY,
        actor,
        say={
            NOT_POSSIBLE: _("The explanation round of this unit is not open."),
            NEEDS_ROLE: _("Only the unit's own people reply to its appraisal."),
        },
    )
    open_or_refuse(
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
    locked = lock_assessment(assessment)
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
    locked = lock_assessment(reply.assessment)
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
    locked = lock_assessment(assessment)
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
    set_state(locked, Action.REPLY, actor)
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
            before = appraisal_values(la)
            la.outcome, la.settled_by, la.settled_at = Outcome.AGREED, actor, now
            la.version += 1
            la.save(update_fields=["outcome", "settled_by", "settled_at", "version"])
            final_sync(locked, la)
            audit_record(
                actor=actor,
                action="appraisal.agreed",
                target=la,
                before=before,
                after=appraisal_values(la),
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
    locked, fw, leaf, _area = appraiser_leaf(assessment, leaf_code, actor)
    la = (
        LeafAppraisal.objects.select_for_update()
        .filter(assessment=locked, leaf_code=leaf.code)
        .first()
    )
    if la is None:
        raise AppraisalError(_("This leaf was not appraised."))
    if locked.state == State.REPLIED:
        open_or_refuse(
            locked,
            [Stage.EXPLANATION],
            now,
            _("The explanation period is closed: nothing was saved."),
        )
        if la.decision == Decision.ACCEPTED:
            raise AppraisalError(_("This leaf was accepted: there is nothing to settle."))
    elif locked.state == State.APPRAISED:
        open_or_refuse(
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
        new_value, new_points = checked_figure(fw, leaf, value, points)
    before = appraisal_values(la)
    la.outcome, la.settled_value, la.settled_points = outcome, new_value, new_points
    la.settled_reason, la.settled_by, la.settled_at = reason, actor, now
    la.version += 1
    la.save()
    final_sync(locked, la)
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
    # The results before the event: the audit head is held from the event to the commit.
    unit_results_refresh(cycle=locked.cycle, unit=locked.unit)
    audit_record(
        actor=actor,
        action="appraisal.settle",
        target=la,
        before=before,
        after={
            **appraisal_values(la),
            "final_points": points_text(
                fw, leaf, final_value or declared_value(locked, leaf.code), final_points
            ),
        },
        reason=reason,
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=leaf.code,
    )
    return la


def may_close_round(actor: User, assessment: Assessment) -> bool:
    """Administrators, and appraisers of the cycle for whom the unit is not their own (a unit
    role, the agency of their appraisal team)."""
    if assessment.unit_id in conflict_unit_ids(actor, assessment.cycle_id):
        return False
    return is_par_admin(actor) or bool(assigned_areas(actor, assessment.cycle_id))


@transaction.atomic
def round_close(
    *, assessment: Assessment, actor: User, now: datetime.datetime | None = None
) -> Assessment:
    """Close the explanation round once every leaf is settled (``SETTLE``): the assessment is
    appraised, its explanation closed now. The results were stored by each settlement."""
    now = now or timezone.now()
    locked = lock_assessment(assessment)
    if not may_close_round(actor, locked):
        raise AppraisalError(_("Only the cycle's appraisers or an administrator close a round."))
    workflow_check(
        locked,
        Action.SETTLE,
        actor,
        say={NOT_POSSIBLE: _("The unit has not sent its replies yet.")},
    )
    waiting = [
        la.leaf_code for la in LeafAppraisal.objects.filter(assessment=locked) if la.needs_reply
    ]
    if waiting:
        raise AppraisalError(
            _("Settle every leaf first; still open: %(codes)s.") % {"codes": ", ".join(waiting)}
        )
    set_state(locked, Action.SETTLE, actor, extra={"explanation_closed_at": now})
    round_ = current_round(locked)
    if round_ is not None:
        round_.closed_at = now
        round_.save(update_fields=["closed_at"])
    tell_unit(
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
    locked = lock_assessment(assessment)
    workflow_check(
        locked,
        Action.RETURN_AGAIN,
        actor,
        reason=reason.strip(),
        say={NOT_POSSIBLE: _("Only a unit that has replied can be returned again.")},
    )
    waiting = [la for la in LeafAppraisal.objects.filter(assessment=locked) if la.needs_reply]
    if not waiting:
        raise AppraisalError(_("Every leaf is settled: there is nothing left to explain."))
    set_state(locked, Action.RETURN_AGAIN, actor, reason=reason.strip())
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
    tell_unit(
        locked,
        "appraisal_returned",
        _("%(unit)s is asked for another explanation (round %(round)d): %(reason)s")
        % {"unit": locked.unit.name, "round": number, "reason": reason.strip()},
    )
    return locked
