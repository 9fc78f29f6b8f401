"""A unit's appraisal page, and the unit's part in the explanation round: a reply on each
leaf (with supplementary evidence, chosen or uploaded), sending the replies; and closing the
round once every leaf is settled."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.accounts.roles import is_par_admin, own_unit_ids, sees_all_results
from parindex.appraisals import access, selectors, services
from parindex.appraisals.forms import ReasonForm, ReplyForm
from parindex.appraisals.models import ReplyEvidence
from parindex.assessments.models import Assessment
from parindex.assessments.selectors import unit_library
from parindex.core.workflow import State
from parindex.evidence import services as evidence_services
from parindex.evidence.models import Evidence
from parindex.evidence.uploads import SizeLimitUploadHandler, upload_view
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang

from .common import form_problems, refusal_status, unit_url


def _library(assessment: Assessment) -> list[Evidence]:
    return list(unit_library(assessment)[:200])


def _unit_context(request: AuthedRequest, assessment: Assessment, **extra: Any) -> dict[str, Any]:
    user = request.user
    shown = access.sees_appraisal(user, assessment)
    page = selectors.unit_appraisal(assessment, show_appraisal=shown)
    own = assessment.unit_id in own_unit_ids(user)
    replying = own and assessment.state == State.RETURNED
    library = _library(assessment) if replying else []
    areas = access.user_areas(user, assessment.cycle)
    context = {
        "cycle": assessment.cycle,
        "assessment": assessment,
        "unit": assessment.unit,
        "page": page,
        "shown": shown,
        "replying": replying,
        "library": [(e.pk, e.display_title) for e in library],
        "reply_form": ReplyForm(library=[(e.pk, e.display_title) for e in library]),
        "my_areas": areas
        if assessment.unit_id not in services.conflict_unit_ids(user, assessment.cycle_id)
        else set(),
        "can_close": assessment.state == State.REPLIED
        and services.may_close_round(user, assessment),
        "is_admin": is_par_admin(user),
        "staff": sees_all_results(user),  # offered the unit's scoring table as a file
        "return_form": ReasonForm(),
        "lang": lang(),
        "error": "",
        "error_leaf": "",
    }
    context.update(extra)
    return context


@require_GET
def unit(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_unit_for_user(request, cycle_id, unit_code)
    return render(request, "appraisals/unit.html", _unit_context(request, assessment))


def _unit_refusal(
    request: AuthedRequest, assessment: Assessment, error: str, status: int, leaf_code: str = ""
) -> HttpResponse:
    """The unit's page again, with what was refused (next to the leaf, when there is one)."""
    context = _unit_context(request, assessment, error=error, error_leaf=leaf_code)
    return render(request, "appraisals/unit.html", context, status=status)


@upload_view(evidence_services.max_bytes)
@require_POST
def reply(
    request: AuthedRequest,
    cycle_id: int,
    unit_code: str,
    leaf_code: str,
    limiter: SizeLimitUploadHandler,
) -> HttpResponse:
    """The unit's reply on one leaf: agree, or disagree with a reason and supplementary
    evidence (chosen from the library or uploaded now)."""
    assessment = access.get_unit_for_user(request, cycle_id, unit_code, write=True)
    library = _library(assessment)
    form = ReplyForm(
        request.POST, request.FILES, library=[(e.pk, e.display_title) for e in library]
    )

    def refuse(message: str, status: int = 422) -> HttpResponse:
        return _unit_refusal(request, assessment, message, status, leaf_code)

    if limiter.skipped:
        return refuse(evidence_services.too_large_message(evidence_services.max_bytes()))
    if not form.is_valid():
        return refuse(form_problems(form))
    data = form.cleaned_data
    chosen = [e for e in library if e.pk in set(data["evidence"])]
    try:
        with transaction.atomic():
            if data["file"] is not None:
                chosen.append(
                    evidence_services.evidence_upload(
                        file=data["file"],
                        unit=assessment.unit,
                        user=request.user,
                        title=data["title"],
                    )
                )
            services.reply_save(
                assessment=assessment,
                leaf_code=leaf_code,
                agrees=data["agrees"],
                reason=data["reason"],
                evidence=chosen,
                actor=request.user,
            )
    except evidence_services.EvidenceRejected as refusal:
        return refuse(refusal.message)
    except services.AppraisalError as exc:
        return refuse(exc.message, refusal_status(exc))
    messages.success(request, _("Reply saved. Send your replies when every leaf has one."))
    return redirect(unit_url(assessment, selectors.leaf_dom_id(assessment.unit.code, leaf_code)))


@require_POST
def reply_evidence_unlink(
    request: AuthedRequest, cycle_id: int, unit_code: str, link_id: int
) -> HttpResponse:
    assessment = access.get_unit_for_user(request, cycle_id, unit_code, write=True)
    link = (
        ReplyEvidence.objects.select_related("reply", "reply__assessment", "evidence")
        .filter(pk=link_id, reply__assessment=assessment)
        .first()
    )
    if link is None:
        raise Http404
    try:
        services.reply_evidence_unlink(link=link, actor=request.user)
    except services.AppraisalError as exc:
        return _unit_refusal(request, assessment, exc.message, refusal_status(exc))
    messages.success(request, _("Document removed from the reply."))
    anchor = selectors.leaf_dom_id(assessment.unit.code, link.reply.leaf_code)
    return redirect(unit_url(assessment, anchor))


@require_POST
def send(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """The unit sends its replies (the explanation round's formal act)."""
    assessment = access.get_unit_for_user(request, cycle_id, unit_code, write=True)
    try:
        services.replies_send(assessment=assessment, actor=request.user)
    except services.AppraisalError as exc:
        return _unit_refusal(request, assessment, exc.message, refusal_status(exc))
    messages.success(request, _("Your replies were sent to the appraisers."))
    return redirect(unit_url(assessment))


@require_POST
def close(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """Close the explanation round once every leaf is settled."""
    assessment = access.get_unit_for_user(request, cycle_id, unit_code)
    if not services.may_close_round(request.user, assessment):
        raise PermissionDenied
    try:
        services.round_close(assessment=assessment, actor=request.user)
    except services.AppraisalError as exc:
        return _unit_refusal(request, assessment, exc.message, refusal_status(exc))
    messages.success(request, _("The explanation round is closed."))
    return redirect(unit_url(assessment))
