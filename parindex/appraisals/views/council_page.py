"""The council's page: approving the results (a snapshot), reopening them with a reason, and
publishing them (the council or the administrator)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parindex.accounts.roles import is_par_admin
from parindex.appraisals import access, selectors, services
from parindex.appraisals.forms import PublishForm, ReopenForm
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.stages import stage_is_open
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.shared.language import lang
from parindex.units.models import Unit

from .common import refusal_status


def _council_context(request: HttpRequest, cycle: Cycle, **extra: Any) -> dict[str, Any]:
    data = selectors.council(cycle)
    approved_units = [
        (row.unit_code, row.unit_name)
        for row in data.rows
        if row.assessment is not None and row.assessment.state == State.APPROVED
    ]
    context = {
        "cycle": cycle,
        "council": data,
        "is_council": access.is_council(request.user),
        "can_publish": access.is_council(request.user) or is_par_admin(request.user),
        "council_open": stage_is_open(cycle, Stage.COUNCIL),
        "publication_open": services.publication_open(cycle),
        "reopen_form": ReopenForm(units=approved_units),
        "publish_form": PublishForm(),
        "lang": lang(),
        "error": "",
    }
    context.update(extra)
    return context


@require_GET
def council(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_council(request, cycle_id)
    return render(request, "appraisals/council.html", _council_context(request, cycle))


def _council_refusal(
    request: HttpRequest, cycle: Cycle, exc: services.AppraisalError
) -> HttpResponse:
    context = _council_context(request, cycle, error=exc.message)
    return render(request, "appraisals/council.html", context, status=refusal_status(exc))


@require_POST
def approve(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    if not access.is_council(request.user):
        raise PermissionDenied
    try:
        snapshot = services.cycle_approve(cycle=cycle, actor=request.user)  # type: ignore[arg-type]
    except services.AppraisalError as exc:
        return _council_refusal(request, cycle, exc)
    messages.success(
        request,
        _("Results approved and frozen (inputs %(hash)s).") % {"hash": snapshot.inputs_sha256[:12]},
    )
    return redirect("appraisals:council", cycle_id=cycle.pk)


@require_POST
def reopen(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    if not access.is_council(request.user):
        raise PermissionDenied
    units = [
        (code, code)
        for code in Assessment.objects.filter(cycle=cycle).values_list("unit__code", flat=True)
    ]
    form = ReopenForm(request.POST, units=units)
    if not form.is_valid():
        return _council_refusal(
            request, cycle, services.AppraisalError(_("Give the reason for reopening."))
        )
    chosen = form.cleaned_data["unit"]
    try:
        services.cycle_reopen(
            cycle=cycle,
            actor=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
            units=list(Unit.objects.filter(code=chosen)) if chosen else None,
        )
    except services.AppraisalError as exc:
        return _council_refusal(request, cycle, exc)
    messages.success(request, _("The results are reopened; the snapshot is kept as superseded."))
    return redirect("appraisals:council", cycle_id=cycle.pk)


@require_POST
def publish(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_council(request, cycle_id, act=True)
    form = PublishForm(request.POST)
    decision = form.cleaned_data["decision"] if form.is_valid() else ""
    try:
        services.cycle_publish(
            cycle=cycle,
            actor=request.user,  # type: ignore[arg-type]
            decision=decision,
        )
    except services.AppraisalError as exc:
        return _council_refusal(request, cycle, exc)
    messages.success(request, _("The results are published."))
    return redirect("cycle_ranking", cycle_id=cycle.pk)
