"""Pages of the appraisal: the appraiser's queue and leaf page, a unit's appraisal page with
its replies, the assignments, the administrator's tracking board and the council's page.

Every view reaches its objects through ``access`` and writes through ``services``, which check
the state, the calendar and the actor again when the request arrives. With htmx the queue's
filters and its accept buttons swap fragments; without JavaScript every form still posts and
redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.assessments.models import Assessment
from parindex.assessments.selectors import unit_library
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.evidence import services as evidence_services
from parindex.evidence.models import Evidence
from parindex.evidence.uploads import SizeLimitUploadHandler
from parindex.frameworks.selectors import core_framework
from parindex.units.models import Unit
from parindex.web.access import LoginRequired, is_par_admin, own_unit_ids

from . import access, selectors, services
from .forms import (
    AssignmentForm,
    DecisionForm,
    PublishForm,
    ReasonForm,
    ReopenForm,
    ReplyForm,
    SettleForm,
)
from .models import AppraiserAssignment, Decision, ReplyEvidence

PAGE_SIZE = 100


def lang() -> str:
    return get_language() or "vi"


def _status(exc: services.AppraisalError) -> int:
    if isinstance(exc, services.AppraisalConflict):
        return 409
    if isinstance(exc, services.ConflictOfInterest | services.NotYourArea | services.StageClosed):
        return 403
    return 422


def _form_problems(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _next_or(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# -- index -------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The cycles in which the person has appraisal work, and where to do it."""
    if not request.user.is_authenticated:
        raise LoginRequired
    user = request.user
    uses = access.appraisal_cycles_for(user)
    open_cycles = Cycle.objects.exclude(state=Cycle.State.PREPARING).select_related(
        "framework_version"
    )
    appraiser_cycles = list(selectors.appraiser_cycles(user)) if uses["appraiser"] else []  # type: ignore[arg-type]
    managed = list(open_cycles.order_by("-year")) if uses["admin"] or uses["council"] else []
    own = list(
        Assessment.objects.filter(unit_id__in=own_unit_ids(user))
        .exclude(state=State.DRAFT)
        .select_related("cycle", "unit")
        .order_by("-cycle__year", "unit__code")
    )
    return render(
        request,
        "appraisals/index.html",
        {
            "uses": uses,
            "appraiser_cycles": appraiser_cycles,
            "managed": managed,
            "own": own,
        },
    )


# -- the queue ---------------------------------------------------------------------------------


def _queue_filters(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    status = source.get("status", "")
    return {
        "unit": source.get("unit", "")[:40],
        "status": status if status in selectors.STATUSES else "",
        "area": source.get("area", "")[:40],
    }


def _queue_of(
    request: HttpRequest, cycle: Cycle, areas: set[str], filters: dict[str, str], status: str
) -> selectors.Queue:
    return selectors.appraiser_queue(
        cycle,
        request.user,  # type: ignore[arg-type]
        areas,
        own_unit_ids(request.user),
        unit_code=filters["unit"],
        status=status,
        area=filters["area"],
    )


def _query(filters: dict[str, str]) -> str:
    return urlencode({k: v for k, v in filters.items() if v})


@require_GET
def queue(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle, areas = access.get_cycle_for_appraiser(request, cycle_id)
    filters = _queue_filters(request)
    found = _queue_of(request, cycle, areas, filters, filters["status"])
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query(filters)
    context = {
        "cycle": cycle,
        "queue": found,
        "page": page,
        "filters": filters,
        "query": query,
        "statuses": [(s, _status_label(s), found.counts[s]) for s in selectors.STATUSES],
        "lang": lang(),
        "here": request.get_full_path(),
    }
    template = "appraisals/_queue.html" if request.htmx else "appraisals/queue.html"
    return render(request, template, context)


def _status_label(status: str) -> str:
    return {
        "untouched": _("Untouched"),
        "accepted": _("Accepted"),
        "adjusted": _("Adjusted"),
        "flagged": _("Flagged"),
        "disputed": _("Disputed"),
        "settled": _("Settled"),
    }[status]


@require_POST
def accept_untouched(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Accept as declared every untouched leaf the queue shows with the current filters."""
    cycle, areas = access.get_cycle_for_appraiser(request, cycle_id)
    filters = _queue_filters(request)
    found = _queue_of(request, cycle, areas, filters, "untouched")
    back = reverse("appraisals:queue", kwargs={"cycle_id": cycle.pk})
    query = _query(filters)
    back = f"{back}?{query}" if query else back
    try:
        count = services.leaves_accept_untouched(
            targets=[services.Target(row.assessment, row.leaf.code) for row in found.rows],
            actor=request.user,  # type: ignore[arg-type]
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("%(count)d leaves accepted as declared.") % {"count": count})
    return redirect(back)


# -- one leaf (the appraiser) ------------------------------------------------------------------


def _leaf_context(request: HttpRequest, target: access.LeafTarget, **extra: Any) -> dict[str, Any]:
    assessment = target.assessment
    page = selectors.unit_appraisal(assessment, show_appraisal=True)
    row = next(r for r in page.rows if r.figures.leaf.code == target.leaf.code)
    state = assessment.state
    la = row.figures.appraisal
    can_decide = state in services.APPRAISAL_STATES
    can_settle = (
        state == State.REPLIED and la is not None and la.decision != Decision.ACCEPTED
    ) or (state == State.APPRAISED and la is not None)
    rule = target.leaf.rule.describe(target.leaf).get(lang()) if target.leaf.rule else ""
    context = {
        "cycle": assessment.cycle,
        "assessment": assessment,
        "unit": assessment.unit,
        "row": row,
        "rule": rule,
        "can_decide": can_decide,
        "can_settle": can_settle,
        "only_new_figure": state == State.APPRAISED,
        "decision_form": DecisionForm(),
        "settle_form": SettleForm(),
        "lang": lang(),
        "next": request.POST.get("next") or request.GET.get("next") or "",
        "error": "",
        "message": "",
    }
    context.update(extra)
    return context


@require_GET
def leaf(request: HttpRequest, cycle_id: int, unit_code: str, leaf_code: str) -> HttpResponse:
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    context = _leaf_context(request, target)
    template = "appraisals/_leaf.html" if request.htmx else "appraisals/leaf.html"
    return render(request, template, context)


def _leaf_reply(
    request: HttpRequest,
    target: access.LeafTarget,
    *,
    status: int = 200,
    error: str = "",
    message: str = "",
) -> HttpResponse:
    """After a decision: the queue row or leaf fragment (htmx), else redirect or the page."""
    target.appraisal = None
    if request.htmx and request.POST.get("from") == "queue":
        found = selectors.appraiser_queue(
            target.assessment.cycle,
            request.user,  # type: ignore[arg-type]
            {target.area},
            own_unit_ids(request.user),
            unit_code=target.assessment.unit.code,
            area=target.area,
        )
        row = next(r for r in found.rows if r.leaf.code == target.leaf.code)
        return render(
            request,
            "appraisals/_queue_row.html",
            {"row": row, "cycle": target.assessment.cycle, "error": error, "lang": lang()},
            status=status,
        )
    context = _leaf_context(request, target, error=error, message=message)
    if request.htmx:
        return render(request, "appraisals/_leaf.html", context, status=status)
    if status == 200:
        if message:
            messages.success(request, message)
        fallback = reverse(
            "appraisals:leaf",
            kwargs={
                "cycle_id": target.assessment.cycle_id,
                "unit_code": target.assessment.unit.code,
                "leaf_code": target.leaf.code,
            },
        )
        return redirect(_next_or(request, fallback))
    return render(request, "appraisals/leaf.html", context, status=status)


def _leaf_write(
    request: HttpRequest,
    target: access.LeafTarget,
    data: dict[str, Any],
    write: Callable[..., object],
    done: str,
    **choice: object,
) -> HttpResponse:
    """Write a decision or a settlement (``write`` with the ``choice`` made): both carry a
    figure, a reason and the version the page showed."""
    try:
        write(
            assessment=target.assessment,
            leaf_code=target.leaf.code,
            value=data["value"],
            points=data["points"] or None,
            reason=data["reason"],
            version=data["version"],
            actor=request.user,
            **choice,
        )
    except services.AppraisalError as exc:
        return _leaf_reply(request, target, status=_status(exc), error=exc.message)
    return _leaf_reply(request, target, message=done)


@require_POST
def leaf_decide(
    request: HttpRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """Accept, adjust (with a reason) or flag (with a comment) one leaf."""
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _leaf_reply(request, target, status=422, error=_("Choose what to do with the leaf."))
    decision = Decision(form.cleaned_data["decision"])
    done = {
        Decision.ACCEPTED: _("Accepted as declared."),
        Decision.ADJUSTED: _("Adjusted."),
        Decision.FLAGGED: _("Flagged for explanation."),
    }[decision]
    return _leaf_write(
        request, target, form.cleaned_data, services.leaf_appraise, done, decision=decision
    )


@require_POST
def leaf_settle(
    request: HttpRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """Settle one leaf after the unit's reply (or set a new figure during the council)."""
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    form = SettleForm(request.POST)
    if not form.is_valid():
        return _leaf_reply(request, target, status=422, error=_form_problems(form))
    data = form.cleaned_data
    return _leaf_write(
        request, target, data, services.leaf_settle, _("Settled."), outcome=data["outcome"]
    )


# -- a unit's appraisal page -------------------------------------------------------------------


def _library(assessment: Assessment) -> list[Evidence]:
    return list(unit_library(assessment)[:200])


def _unit_context(request: HttpRequest, assessment: Assessment, **extra: Any) -> dict[str, Any]:
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
        "my_areas": areas if assessment.unit_id not in own_unit_ids(user) else set(),
        "can_close": assessment.state == State.REPLIED
        and services.may_close_round(user, assessment),  # type: ignore[arg-type]
        "is_admin": is_par_admin(user),
        "return_form": ReasonForm(),
        "lang": lang(),
        "error": "",
        "error_leaf": "",
    }
    context.update(extra)
    return context


@require_GET
def unit(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_unit_for_user(request, cycle_id, unit_code)
    return render(request, "appraisals/unit.html", _unit_context(request, assessment))


def _unit_refusal(
    request: HttpRequest, assessment: Assessment, error: str, status: int, leaf_code: str = ""
) -> HttpResponse:
    """The unit's page again, with what was refused (next to the leaf, when there is one)."""
    context = _unit_context(request, assessment, error=error, error_leaf=leaf_code)
    return render(request, "appraisals/unit.html", context, status=status)


def _unit_url(assessment: Assessment, anchor: str = "") -> str:
    url = reverse(
        "appraisals:unit",
        kwargs={"cycle_id": assessment.cycle_id, "unit_code": assessment.unit.code},
    )
    return f"{url}#{anchor}" if anchor else url


@csrf_exempt  # the size limit handler must be installed before the CSRF check reads the body
@require_POST
def reply(request: HttpRequest, cycle_id: int, unit_code: str, leaf_code: str) -> HttpResponse:
    """The unit's reply on one leaf: agree, or disagree with a reason and supplementary
    evidence (chosen from the library or uploaded now)."""
    limiter = SizeLimitUploadHandler(request, evidence_services.max_bytes())
    request.upload_handlers.insert(0, limiter)
    return _reply(request, cycle_id, unit_code, leaf_code, limiter)


@csrf_protect
def _reply(
    request: HttpRequest,
    cycle_id: int,
    unit_code: str,
    leaf_code: str,
    limiter: SizeLimitUploadHandler,
) -> HttpResponse:
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
        return refuse(_form_problems(form))
    data = form.cleaned_data
    chosen = [e for e in library if e.pk in set(data["evidence"])]
    try:
        with transaction.atomic():
            if data["file"] is not None:
                chosen.append(
                    evidence_services.evidence_upload(
                        file=data["file"],
                        unit=assessment.unit,
                        user=request.user,  # type: ignore[arg-type]
                        title=data["title"],
                    )
                )
            services.reply_save(
                assessment=assessment,
                leaf_code=leaf_code,
                agrees=data["agrees"],
                reason=data["reason"],
                evidence=chosen,
                actor=request.user,  # type: ignore[arg-type]
            )
    except evidence_services.EvidenceRejected as refusal:
        return refuse(refusal.message)
    except services.AppraisalError as exc:
        return refuse(exc.message, _status(exc))
    messages.success(request, _("Reply saved. Send your replies when every leaf has one."))
    return redirect(_unit_url(assessment, selectors.leaf_dom_id(assessment.unit.code, leaf_code)))


@require_POST
def reply_evidence_unlink(
    request: HttpRequest, cycle_id: int, unit_code: str, link_id: int
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
        services.reply_evidence_unlink(link=link, actor=request.user)  # type: ignore[arg-type]
    except services.AppraisalError as exc:
        return _unit_refusal(request, assessment, exc.message, _status(exc))
    messages.success(request, _("Document removed from the reply."))
    anchor = selectors.leaf_dom_id(assessment.unit.code, link.reply.leaf_code)
    return redirect(_unit_url(assessment, anchor))


@require_POST
def send(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """The unit sends its replies (the explanation round's formal act)."""
    assessment = access.get_unit_for_user(request, cycle_id, unit_code, write=True)
    try:
        services.replies_send(assessment=assessment, actor=request.user)  # type: ignore[arg-type]
    except services.AppraisalError as exc:
        return _unit_refusal(request, assessment, exc.message, _status(exc))
    messages.success(request, _("Your replies were sent to the appraisers."))
    return redirect(_unit_url(assessment))


@require_POST
def close(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    """Close the explanation round once every leaf is settled."""
    assessment = access.get_unit_for_user(request, cycle_id, unit_code)
    if not services.may_close_round(request.user, assessment):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        services.round_close(assessment=assessment, actor=request.user)  # type: ignore[arg-type]
    except services.AppraisalError as exc:
        return _unit_refusal(request, assessment, exc.message, _status(exc))
    messages.success(request, _("The explanation round is closed."))
    return redirect(_unit_url(assessment))


# -- the administrator -------------------------------------------------------------------------


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
    return redirect(_next_or(request, fallback))


@require_POST
def release_all(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Release every unit in appraisal whose leaves are all appraised, in one transaction."""
    cycle = access.get_cycle_for_admin(request, cycle_id)
    ready = [
        a
        for a in Assessment.objects.filter(cycle=cycle, state=State.IN_APPRAISAL).select_related(
            "cycle", "cycle__framework_version", "unit"
        )
        if not services.untouched_leaves(a)
    ]
    with transaction.atomic():
        for assessment in ready:
            services.assessment_release(
                assessment=assessment,
                actor=request.user,  # type: ignore[arg-type]
                refresh=False,
            )
        if ready:
            services.results_refresh(cycle)
    messages.success(request, _("%(count)d units released.") % {"count": len(ready)})
    return redirect("appraisals:tracking", cycle_id=cycle.pk)


@require_POST
def return_again(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    assessment = access.get_unit_for_admin(request, cycle_id, unit_code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for another round."))
        return redirect(_unit_url(assessment))
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
    return redirect(_unit_url(assessment))


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


# -- the council -------------------------------------------------------------------------------


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
        "council_open": services.cycle_stage_open(cycle, "council"),
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
    return render(request, "appraisals/council.html", context, status=_status(exc))


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
