"""The PAR administrator's pages and actions: releasing a unit's appraisal (or every ready
one), returning a unit for another round, assigning appraisers, the tracking board and the
reminder to a person who never logged in."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts.roles import own_unit_ids
from parindex.appraisals import access, selectors, services
from parindex.appraisals.forms import AssignmentForm, ReasonForm
from parindex.appraisals.models import AppraiserAssignment
from parindex.core.workflow import State
from parindex.frameworks.selectors import core_framework
from parindex.shared.language import lang
from parindex.units.models import Unit

from .common import next_or, unit_url


@require_POST
def release(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """Release one unit's appraisal (returned for explanation, or finished)."""
    assessment = access.get_unit_for_admin(request, cycle_id, unit_code)
    fallback = reverse("appraisals:tracking", kwargs={"cycle_id": cycle_id})
    try:
        released = services.assessment_release(
            assessment=assessment,
            actor=request.user,  # type: ignore[arg-type]
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        if released.state == State.RETURNED:
            messages.success(
                request,
                _("%(unit)s: the appraisal is released for explanation.")
                % {"unit": released.unit.name},
            )
        else:
            messages.success(
                request, _("%(unit)s: the appraisal is finished.") % {"unit": released.unit.name}
            )
    return redirect(next_or(request, fallback))


@require_POST
def release_all(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Release every unit in appraisal whose leaves are all appraised; the units the release
    refused are listed with the reason, and stay as they were."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    try:
        result = services.appraisals_release_all(
            cycle=cycle,
            actor=request.user,  # type: ignore[arg-type]
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
        return redirect("appraisals:tracking", cycle_id=cycle.pk)
    if result.released or not result.refused:
        messages.success(request, _("%(count)d units released.") % {"count": len(result.released)})
    for assessment, reason in result.refused:
        messages.error(
            request,
            _("%(unit)s was not released: %(reason)s")
            % {"unit": assessment.unit.name, "reason": reason},
        )
    return redirect("appraisals:tracking", cycle_id=cycle.pk)


@require_POST
def return_again(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_unit_for_admin(request, cycle_id, unit_code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for another round."))
        return redirect(unit_url(assessment))
    try:
        services.round_return(
            assessment=assessment,
            actor=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The unit is asked for another explanation."))
    return redirect(unit_url(assessment))


@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    fw = core_framework(cycle.framework_version)
    areas = [(n.code, f"{n.code} — {n.title.get(lang())}") for n in fw.nodes]
    form = AssignmentForm(request.POST or None, users=selectors.appraisers(), areas=areas)
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.appraiser_assign(
                    cycle=cycle,
                    user=form.cleaned_data["user"],
                    area_code=form.cleaned_data["area"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except services.AppraisalError as exc:
                error, status = exc.message, 422
            else:
                messages.success(request, _("Appraiser assigned."))
                return redirect("appraisals:assignments", cycle_id=cycle.pk)
        else:
            status = 422
    leads = {n.code: n.lead or "" for n in fw.nodes}
    rows = selectors.assignments(cycle)
    own = {
        a.pk: sorted(
            Unit.objects.filter(pk__in=own_unit_ids(a.user), cycles=cycle).values_list(
                "code", flat=True
            )
        )
        for a in rows
    }
    return render(
        request,
        "appraisals/assignments.html",
        {
            "cycle": cycle,
            "form": form,
            "rows": rows,
            "own": own,
            "areas": [(n, leads[n.code]) for n in fw.nodes],
            "error": error,
            "lang": lang(),
        },
        status=status,
    )


@require_POST
def unassign(request: HttpRequest, cycle_id: int, assignment_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    assignment = (
        AppraiserAssignment.objects.select_related("user")
        .filter(pk=assignment_id, cycle=cycle)
        .first()
    )
    if assignment is None:
        raise Http404
    services.appraiser_unassign(assignment=assignment, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Assignment removed."))
    return redirect("appraisals:assignments", cycle_id=cycle.pk)


TRACKING_STATES = [s.value for s in State]


@require_GET
def tracking(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    filters = {
        name: request.GET.get(name, "")
        for name in selectors.TRACKING_FILTERS
        if request.GET.get(name, "") in ("yes", "no")
    }
    if request.GET.get("state") in TRACKING_STATES:
        filters["state"] = request.GET["state"]
    board = selectors.tracking(cycle, filters)
    context = {
        "cycle": cycle,
        "board": board,
        "filters": filters,
        "filter_names": [
            (name, label, filters.get(name, ""))
            for name, label in (
                ("started", _("Started")),
                ("submitted", _("Submitted")),
                ("closed", _("Explanation closed")),
                ("disputes", _("Leaves in dispute")),
                ("complete", _("Complete")),
            )
        ],
        "states": TRACKING_STATES,
        "here": request.get_full_path(),
    }
    template = "appraisals/_tracking.html" if request.htmx else "appraisals/tracking.html"
    return render(request, template, context)


@require_POST
def remind(request: HttpRequest, cycle_id: int, user_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    person = selectors.cycle_person(cycle, user_id)
    if person is None:
        raise Http404
    try:
        services.account_remind(
            user=person,
            cycle=cycle,
            actor=request.user,  # type: ignore[arg-type]
            url=reverse("login"),
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Reminder sent to %(name)s.") % {"name": person})
    return redirect("appraisals:tracking", cycle_id=cycle.pk)
