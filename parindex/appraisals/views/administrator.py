"""The PAR administrator's pages and actions: releasing a unit's appraisal (or every ready
one), returning a unit for another round, assigning appraisers, the tracking board and the
reminder to a person who never logged in."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.appraisals import access, selectors, services
from parindex.appraisals.forms import AssignmentForm, ReasonForm
from parindex.appraisals.models import AppraiserAssignment
from parindex.assessments.models import Assessment
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.notifications.reach import Reach
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang
from parindex.units.models import Unit

from .common import confirmation_token, next_or, unconfirmed, unit_url


def _confirm_page(request: AuthedRequest, cycle: Cycle, **context: Any) -> HttpResponse:
    return render(
        request,
        "appraisals/confirm.html",
        {"cycle": cycle, "hidden": [], "rows": [], "blocked": "", "error": "", **context},
    )


@require_http_methods(["GET", "POST"])
def release(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """Release one unit's appraisal (returned for explanation, or finished): the GET shows
    what the unit will be sent, the POST from that page releases it."""
    assessment = access.get_unit_for_admin(request, cycle_id, unit_code)
    fallback = reverse("appraisals:tracking", kwargs={"cycle_id": cycle_id})
    row = selectors.release_row(assessment)
    token = confirmation_token("release", assessment.pk, assessment.version, row.to_explain)
    if request.method == "GET" or unconfirmed(request, token):
        if request.method == "POST":
            return redirect(f"{request.path}?{urlencode({'next': next_or(request, fallback)})}")
        return _confirm_page(
            request,
            assessment.cycle,
            heading=_("Release the appraisal of %(unit)s") % {"unit": assessment.unit.name},
            facts=_release_facts([row]),
            blocked=_release_blocked(assessment, row),
            action=request.path,
            hidden=[("next", next_or(request, fallback))],
            confirm=token,
            button=_("Release the appraisal to the unit"),
            back=next_or(request, fallback),
        )
    try:
        released = services.assessment_release(
            assessment=assessment,
            actor=request.user,
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


def _release_facts(rows: list[selectors.ReleaseRow]) -> list[str]:
    ready = [r for r in rows if not r.untouched]
    returned = sum(1 for r in ready if r.to_explain)
    return [
        ngettext(
            "%(count)d unit receives its appraisal results.",
            "%(count)d units receive their appraisal results.",
            len(ready),
        )
        % {"count": len(ready)},
        ngettext(
            "%(count)d unit is asked to explain; the others finish their appraisal.",
            "%(count)d units are asked to explain; the others finish their appraisal.",
            returned,
        )
        % {"count": returned},
        ngettext(
            "%(count)d leaf flagged for explanation.",
            "%(count)d leaves flagged for explanation.",
            sum(r.flagged for r in ready),
        )
        % {"count": sum(r.flagged for r in ready)},
        ngettext(
            "%(count)d leaf adjusted by the appraisers.",
            "%(count)d leaves adjusted by the appraisers.",
            sum(r.adjusted for r in ready),
        )
        % {"count": sum(r.adjusted for r in ready)},
        _("The unit sees the appraisers' figures and comments at once; this cannot be undone."),
    ]


def _release_blocked(assessment: Assessment, row: selectors.ReleaseRow) -> str:
    if assessment.state != State.IN_APPRAISAL:
        return _("Only an assessment in appraisal can be released (%(unit)s is not).") % {
            "unit": assessment.unit.name
        }
    if row.untouched:
        return _("%(unit)s: %(count)d leaves are not appraised yet.") % {
            "unit": assessment.unit.name,
            "count": row.untouched,
        }
    return ""


@require_http_methods(["GET", "POST"])
def release_all(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Release every unit in appraisal whose leaves are all appraised; the units the release
    refused are listed with the reason, and stay as they were. The GET counts the units and
    their leaves to explain; the POST from that page releases them."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    preview = selectors.release_all_preview(cycle)
    token = confirmation_token(
        "release_all",
        cycle.pk,
        *((r.assessment.pk, r.assessment.version, r.to_explain) for r in preview.ready),
    )
    if request.method == "GET" or unconfirmed(request, token):
        if request.method == "POST":
            return redirect("appraisals:release_all", cycle_id=cycle.pk)
        return _confirm_page(
            request,
            cycle,
            heading=_("Release every unit whose appraisal is complete"),
            facts=[
                *_release_facts(preview.ready),
                ngettext(
                    "%(count)d unit in appraisal still has untouched leaves and stays as it is.",
                    "%(count)d units in appraisal still have untouched leaves and stay as they "
                    "are.",
                    len(preview.waiting),
                )
                % {"count": len(preview.waiting)},
            ],
            row_titles=[_("Unit"), _("Flagged"), _("Adjusted")],
            rows=[(r.assessment.unit.name, r.flagged, r.adjusted) for r in preview.ready],
            blocked="" if preview.ready else _("No unit is ready to be released."),
            action=request.path,
            confirm=token,
            button=_("Release these units"),
            back=reverse("appraisals:tracking", kwargs={"cycle_id": cycle.pk}),
        )
    try:
        result = services.appraisals_release_all(
            cycle=cycle,
            actor=request.user,
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
def return_again(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_unit_for_admin(request, cycle_id, unit_code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for another round."))
        return redirect(unit_url(assessment))
    try:
        services.round_return(
            assessment=assessment,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The unit is asked for another explanation."))
    return redirect(unit_url(assessment))


@require_http_methods(["GET", "POST"])
def assignments(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    fw = core_framework(cycle.framework_version)
    areas = [(n.code, f"{n.code} — {n.title.get(lang())}") for n in fw.nodes]
    form = AssignmentForm(
        request.POST or None,
        users=selectors.appraisers(),
        areas=areas,
        agencies=cycle.units.order_by("code"),
    )
    error = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.appraiser_assign(
                    cycle=cycle,
                    user=form.cleaned_data["user"],
                    area_code=form.cleaned_data["area"],
                    actor=request.user,
                    agency=form.cleaned_data["agency"],
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
            Unit.objects.filter(
                pk__in=services.conflict_unit_ids(a.user, cycle), cycles=cycle
            ).values_list("code", flat=True)
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


@require_http_methods(["GET", "POST"])
def unassign(request: AuthedRequest, cycle_id: int, assignment_id: int) -> HttpResponse:
    """Remove an appraiser's assignment: the GET says what stays and who else appraises the
    area, the POST from that page removes it."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    assignment = (
        AppraiserAssignment.objects.select_related("user")
        .filter(pk=assignment_id, cycle=cycle)
        .first()
    )
    if assignment is None:
        raise Http404
    preview = selectors.unassign_preview(assignment)
    token = confirmation_token("unassign", assignment.pk)
    if request.method == "GET" or unconfirmed(request, token):
        if request.method == "POST":
            return redirect(request.path)
        facts = [
            _("%(name)s will no longer appraise area %(area)s in this cycle.")
            % {"name": assignment.user, "area": assignment.area_code},
            ngettext(
                "%(count)d decision they made in this area stays, with their name.",
                "%(count)d decisions they made in this area stay, with their name.",
                preview.decisions,
            )
            % {"count": preview.decisions},
            ngettext(
                "%(count)d other appraiser is assigned to this area.",
                "%(count)d other appraisers are assigned to this area.",
                preview.others,
            )
            % {"count": preview.others},
        ]
        if not preview.others:
            facts.append(_("Nobody else appraises this area: assign somebody before the deadline."))
        return _confirm_page(
            request,
            cycle,
            heading=_("Remove an appraiser"),
            facts=facts,
            action=request.path,
            confirm=token,
            button=_("Remove the assignment"),
            back=reverse("appraisals:assignments", kwargs={"cycle_id": cycle.pk}),
        )
    services.appraiser_unassign(assignment=assignment, actor=request.user)
    messages.success(request, _("Assignment removed."))
    return redirect("appraisals:assignments", cycle_id=cycle.pk)


TRACKING_STATES = [s.value for s in State]
# Units and people shown at once on the tracking board: a province fits on one page, a national
# index of thousands of communes is read a page at a time.
TRACKING_PAGE_ROWS = 100


@require_GET
def tracking(request: AuthedRequest, cycle_id: int) -> HttpResponse:
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
        "page": Paginator(board.rows, TRACKING_PAGE_ROWS).get_page(request.GET.get("page")),
        "people": Paginator(board.never_logged_in, TRACKING_PAGE_ROWS).get_page(
            request.GET.get("people")
        ),
        "unreached": board.people.units_unreached[:TRACKING_PAGE_ROWS],
        "query": urlencode(filters),
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
def remind(request: AuthedRequest, cycle_id: int, user_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    person = selectors.cycle_person(cycle, user_id)
    if person is None:
        raise Http404
    try:
        reach = services.account_remind(
            user=person,
            cycle=cycle,
            actor=request.user,
            url=reverse("login"),
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
    else:
        if reach == Reach.EMAIL:
            messages.success(request, _("Reminder sent to %(name)s.") % {"name": person})
        else:
            messages.warning(
                request,
                _(
                    "Reminder left in the app for %(name)s, with no e-mail: the account has no "
                    "e-mail address."
                )
                % {"name": person},
            )
    return redirect("appraisals:tracking", cycle_id=cycle.pk)
