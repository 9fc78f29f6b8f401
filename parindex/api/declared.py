"""A unit's self-assessment through the API: what it declared, and new values from its
systems (one leaf, or a batch applied all or nothing), and evidence linked to a leaf.

Every endpoint reaches the assessment through ``assessments.access.get_assessment_for_user``,
as the page does; values go through ``assessments.feeds.values_feed`` (the self-assessment's
import service: state and calendar checked under the assessment's lock, stale versions refused,
each change audited), and evidence links through ``answer_evidence_link``. Every write is
recorded in the audit trail with the token's owner as actor and the token named in the reason.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from parindex.accounts.apitokens import channel
from parindex.assessments import access, selectors, services
from parindex.assessments.feeds import values_check, values_feed
from parindex.assessments.models import Assessment
from parindex.assessments.stages import deadline
from parindex.audit.services import recorded_through
from parindex.core.workflow import EDITABLE_BY_UNIT
from parindex.evidence.access import get_evidence_for_user
from parindex.frameworks.feeds import feed_sources
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer
from parindex.shared.language import lang

from .auth import TokenAuth, acting, require_write
from .common import CODE, ID, Reply, answers, dec
from .schemas import (
    AssessmentDetailOut,
    AssessmentOut,
    BatchIn,
    ConflictsOut,
    LinkIn,
    LinkOut,
    ProblemsOut,
    SavedOut,
    ValueIn,
)

router = Router(auth=TokenAuth(), tags=["self-assessment"])

WRITE_ANSWERS = answers({200: SavedOut, 409: ConflictsOut}, 403, 404) | {422: ProblemsOut}


def _assessment(assessment: Assessment) -> dict[str, object]:
    return {
        "cycle": assessment.cycle_id,
        "year": assessment.cycle.year,
        "unit": assessment.unit.code,
        "name": assessment.unit.name,
        "state": assessment.state,
        "submitted_at": assessment.submitted_at,
    }


@router.get("/assessments", response=answers({200: list[AssessmentOut]}))
def assessment_list(request: HttpRequest) -> list[dict[str, object]]:
    """The assessments the token's owner may open (``access.visible_assessments``)."""
    rows = access.visible_assessments(request.user).order_by("-cycle__year", "unit__code")
    return [_assessment(a) for a in rows]


def _leaf_rows(
    assessment: Assessment, codes: set[str] | None = None
) -> tuple[selectors.AssessmentPage, list[dict[str, object]]]:
    """The page's rows (``selectors.assessment_page``: values, points, evidence, feeds), as
    the API sends them."""
    page = selectors.assessment_page(assessment, lang())
    feeds = feed_sources(assessment.cycle.framework_version)
    leaves = []
    for row in page.rows:
        if codes is not None and row.leaf.code not in codes:
            continue
        answer = row.answer
        leaves.append(
            {
                "leaf": row.leaf.code,
                "title_vi": row.leaf.title.vi,
                "declared": not row.from_survey,
                "rule_type": row.leaf.rule.type if row.leaf.rule else "",
                "max": dec(row.leaf.full_max),
                "value": row.value,
                "version": row.version,
                "points": dec(row.score.points) if row.score else None,
                "updated_at": answer.updated_at if answer and answer.pk else None,
                "updated_by": str(answer.updated_by) if answer and answer.updated_by else None,
                "feed": feeds.get(row.leaf.code),
                "fed": (
                    {
                        "source": row.fed.source,
                        "fed_at": row.fed.fed_at,
                        "token_name": row.fed.token_name,
                    }
                    if row.fed
                    else None
                ),
                "evidence": [link.evidence_id for link in row.links],
            }
        )
    return page, leaves


@router.get(
    "/cycles/{cycle_id}/units/{unit_code}/assessment",
    response=answers({200: AssessmentDetailOut}, 403, 404),
)
def assessment_detail(
    request: HttpRequest, cycle_id: int = ID, unit_code: str = CODE
) -> dict[str, object]:
    """A unit's self-assessment: its state, the unit's deadline, and every applicable leaf
    with the value declared, its version (send it back with a change), the points it earns
    and whether a feed sent it."""
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code)
    page, leaves = _leaf_rows(assessment)
    dl = deadline(assessment)
    return _assessment(assessment) | {
        "version": assessment.version,
        "editable": access.can_write(request.user, assessment)
        and assessment.state in EDITABLE_BY_UNIT
        and dl.is_open(),
        "deadline": {"opens_at": dl.opens_at, "closes_at": dl.closes_at, "is_open": dl.is_open()},
        "points": dec(page.totals.points),
        "max": dec(page.totals.max),
        "index": dec(page.totals.index),
        "leaves": leaves,
    }


def _refused(exc: services.AssessmentError) -> Reply:
    """The page's statuses: a closed stage or a locked assessment is 403, anything else the
    service refuses is 422."""
    if isinstance(exc, services.StageClosed | services.AssessmentLocked):
        return Status(403, {"detail": exc.message})
    return Status(422, {"detail": exc.message, "problems": []})


def _conflict(leaf: str, attempted: str, current: Answer) -> dict[str, object]:
    return {
        "leaf": leaf,
        "attempted": attempted,
        "value": current.value,
        "version": current.version,
        "updated_at": current.updated_at,
        "updated_by": str(current.updated_by) if current.updated_by else None,
    }


def _write(
    request: HttpRequest, cycle_id: int, unit_code: str, values: list[tuple[str, str, int]]
) -> Reply:
    token = require_write(request)
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    problems = values_check(assessment, values, lang())
    if problems:
        return Status(
            422,
            {
                "detail": _("Nothing was saved: %(count)d value(s) refused.")
                % {"count": len(problems)},
                "problems": [{"leaf": p.leaf_code, "detail": p.message} for p in problems],
            },
        )
    try:
        with recorded_through(channel(token)):
            outcome = values_feed(
                assessment=assessment,
                values=values,
                actor=acting(request),
                token_name=token.name,
                token_prefix=token.prefix,
                now=timezone.now(),
            )
    except services.ImportConflicts as refused:
        return Status(
            409,
            {
                "detail": _(
                    "Nothing was saved: %(count)d leaf(s) changed since the version you sent."
                )
                % {"count": len(refused.conflicts)},
                "conflicts": [
                    _conflict(c.leaf_code, c.attempted, c.current) for c in refused.conflicts
                ],
            },
        )
    except services.AnswerConflict as conflict:
        return Status(
            409,
            {
                "detail": conflict.message,
                "conflicts": [
                    _conflict(conflict.current.leaf_code, conflict.attempted, conflict.current)
                ],
            },
        )
    except services.AssessmentError as exc:
        return _refused(exc)
    _page, leaves = _leaf_rows(assessment, {code for code, _v, _n in values})
    return Status(
        200, {"applied": outcome.applied, "unchanged": outcome.unchanged, "values": leaves}
    )


@router.post("/cycles/{cycle_id}/units/{unit_code}/values", response=WRITE_ANSWERS)
def values_post(
    request: HttpRequest, body: BatchIn, cycle_id: int = ID, unit_code: str = CODE
) -> Reply:
    """Declare several values at once, all or nothing. Each carries the version it was read
    with: if any leaf changed since, nothing is saved and the answer (409) lists each such
    leaf with the value stored now; a value its rule refuses is a 422 listing every refusal.
    A leaf whose framework names the system it comes from (``x-feed``) is marked as fed."""
    values = [(item.leaf, item.value, item.version) for item in body.values]
    return _write(request, cycle_id, unit_code, values)


@router.put("/cycles/{cycle_id}/units/{unit_code}/values/{leaf_code}", response=WRITE_ANSWERS)
def value_put(
    request: HttpRequest,
    body: ValueIn,
    cycle_id: int = ID,
    unit_code: str = CODE,
    leaf_code: str = CODE,
) -> Reply:
    """Declare one leaf's value, with the version it was read with (a stale one: 409 and the
    value stored now)."""
    return _write(request, cycle_id, unit_code, [(leaf_code, body.value, body.version)])


@router.post(
    "/cycles/{cycle_id}/units/{unit_code}/leaves/{leaf_code}/evidence",
    response=answers({200: LinkOut}, 403, 404),
)
def evidence_link(
    request: HttpRequest,
    body: LinkIn,
    cycle_id: int = ID,
    unit_code: str = CODE,
    leaf_code: str = CODE,
) -> Reply:
    """Link a document of the unit's library (``POST /units/{unit_code}/evidence`` uploads
    one) to a leaf, as the leaf's "attach" form does."""
    token = require_write(request)
    assessment = access.get_assessment_for_user(request, cycle_id, unit_code, write=True)
    fw = core_framework(assessment.cycle.framework_version)
    if fw.unit_leaf(leaf_code, assessment.unit.type) is None:
        raise Http404
    evidence = get_evidence_for_user(request, body.evidence)
    if evidence.unit_id != assessment.unit_id:
        raise PermissionDenied(_("Only the unit's own evidence can be linked to its leaves."))
    try:
        with transaction.atomic(), recorded_through(channel(token)):
            link = services.answer_evidence_link(
                assessment=assessment, leaf_code=leaf_code, evidence=evidence, actor=acting(request)
            )
    except services.AssessmentError as exc:
        refused = _refused(exc)
        return Status(refused.status_code, {"detail": refused.value["detail"]})
    return Status(
        200, {"leaf": link.leaf_code, "evidence": link.evidence_id, "linked_at": link.linked_at}
    )
