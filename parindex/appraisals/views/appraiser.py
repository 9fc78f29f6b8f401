"""The appraiser's pages: the queue (filters and "accept every untouched leaf" swap fragments
with htmx) and one leaf's page, where a leaf is accepted, adjusted or flagged, and settled
after the unit's reply."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.appraisals import access, selectors, services
from parindex.appraisals.forms import (
    NUMBER_LENGTH,
    DecisionForm,
    SettleForm,
    figure_input,
    posted_input,
    typed_figure,
)
from parindex.appraisals.models import Decision, LeafAppraisal, Outcome
from parindex.assessments.forms import ValueInputError, compose_value
from parindex.assessments.templatetags.assessments import typed
from parindex.core import ValueRuleError, score_leaf
from parindex.core.numbers import format_decimal
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.shared.http import AuthedRequest
from parindex.shared.language import lang

from .common import confirmation_token, form_problems, next_or, refusal_status, unconfirmed

PAGE_SIZE = 100


def _queue_filters(request: AuthedRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    status = source.get("status", "")
    return {
        "unit": source.get("unit", "")[:40],
        "status": status if status in selectors.STATUSES else "",
        "area": source.get("area", "")[:40],
    }


def _queue_of(
    request: AuthedRequest, cycle: Cycle, areas: set[str], filters: dict[str, str], status: str
) -> selectors.Queue:
    return selectors.appraiser_queue(
        cycle,
        areas,
        services.conflict_unit_ids(request.user, cycle),
        unit_code=filters["unit"],
        status=status,
        area=filters["area"],
    )


def _query(filters: dict[str, str]) -> str:
    return urlencode({k: v for k, v in filters.items() if v})


@require_GET
def queue(request: AuthedRequest, cycle_id: int) -> HttpResponse:
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


@require_http_methods(["GET", "POST"])
def accept_untouched(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    """Accept as declared every untouched leaf the queue shows with the current filters: the
    GET counts them by unit, the POST from that page accepts exactly those."""
    cycle, areas = access.get_cycle_for_appraiser(request, cycle_id)
    filters = _queue_filters(request)
    found = _queue_of(request, cycle, areas, filters, "untouched")
    back = reverse("appraisals:queue", kwargs={"cycle_id": cycle.pk})
    query = _query(filters)
    back = f"{back}?{query}" if query else back
    token = confirmation_token(
        "accept_untouched",
        cycle.pk,
        *sorted((row.assessment.pk, row.leaf.code) for row in found.rows),
    )
    if request.method == "GET" or unconfirmed(request, token):
        if request.method == "POST":
            here = reverse("appraisals:accept_untouched", kwargs={"cycle_id": cycle.pk})
            return redirect(f"{here}?{query}" if query else here)
        by_unit: dict[str, int] = {}
        for row in found.rows:
            by_unit[row.assessment.unit.name] = by_unit.get(row.assessment.unit.name, 0) + 1
        count = len(found.rows)
        return render(
            request,
            "appraisals/confirm.html",
            {
                "cycle": cycle,
                "heading": _("Accept untouched leaves as declared"),
                "facts": [
                    ngettext(
                        "%(count)d untouched leaf is accepted as the unit declared it.",
                        "%(count)d untouched leaves are accepted as the units declared them.",
                        count,
                    )
                    % {"count": count},
                    ngettext(
                        "They belong to %(count)d unit.",
                        "They belong to %(count)d units.",
                        len(by_unit),
                    )
                    % {"count": len(by_unit)},
                    _(
                        "Each acceptance is recorded in your name; a leaf appraised by somebody "
                        "else in the meantime is left as it is."
                    ),
                ],
                "row_titles": [_("Unit"), _("Leaves")],
                "rows": sorted(by_unit.items()),
                "blocked": "" if count else _("No untouched leaf matches these filters."),
                "action": request.path,
                "hidden": [(k, v) for k, v in filters.items() if v],
                "confirm": token,
                "button": _("Accept these leaves"),
                "back": back,
                "error": "",
            },
        )
    try:
        count = services.leaves_accept_untouched(
            targets=[services.Target(row.assessment, row.leaf.code) for row in found.rows],
            actor=request.user,
        )
    except services.AppraisalError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    messages.success(request, _("%(count)d leaves accepted as declared.") % {"count": count})
    return redirect(back)


def _figure_shown(la: LeafAppraisal | None, settling: bool) -> tuple[str, Decimal | None]:
    """The appraisers' own figure, as (value, points), that the form of a new figure starts
    from: the adjustment when deciding, the new figure settled when settling; none otherwise
    (the declared value is accepted, not typed again)."""
    if la is None:
        return "", None
    if settling:
        return (la.settled_value, la.settled_points) if la.outcome == Outcome.NEW else ("", None)
    return (la.value, la.points) if la.decision == Decision.ADJUSTED else ("", None)


def _leaf_context(
    request: AuthedRequest, target: access.LeafTarget, *, posted: bool = False, **extra: Any
) -> dict[str, Any]:
    """The leaf's page; ``posted`` shows the new figure as the person typed it (a refusal)."""
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
    if posted:
        figure = posted_input(target.leaf, request.POST, lang())
        figure_points = request.POST.get("points", "")[:NUMBER_LENGTH]
    else:
        value, points = _figure_shown(la, settling=not can_decide)
        figure = figure_input(target.leaf, value, lang())
        figure_points = "" if points is None else typed(format_decimal(points), lang())
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
        "figure": figure,
        "figure_points": figure_points,
        "lang": lang(),
        "next": request.POST.get("next") or request.GET.get("next") or "",
        "error": "",
        "message": "",
    }
    context.update(extra)
    return context


@require_GET
def leaf(request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str) -> HttpResponse:
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    context = _leaf_context(request, target)
    template = "appraisals/_leaf.html" if request.htmx else "appraisals/leaf.html"
    return render(request, template, context)


@require_POST
def leaf_preview(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """The points a new figure would earn, scored by the core as it is typed, as on the
    self-assessment page: the interpreted rate (950/1.000 = 95%) before anything is saved."""
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    fw = core_framework(target.assessment.cycle.framework_version)
    context: dict[str, Any] = {"leaf": target.leaf, "lang": lang(), "preview": True}
    try:
        value = compose_value(target.leaf, request.POST, lang())
        context["score"] = score_leaf(fw, target.leaf, value or None)
    except ValueInputError as exc:
        context["error"] = str(exc)
    except ValueRuleError as exc:
        context["error"] = _("Value not accepted: %(reason)s") % {"reason": exc.text(lang())}
    return render(request, "assessments/_score.html", context)


def _leaf_reply(
    request: AuthedRequest,
    target: access.LeafTarget,
    *,
    status: int = 200,
    error: str = "",
    message: str = "",
    posted: bool = False,
) -> HttpResponse:
    """After a decision: the queue row or leaf fragment (htmx), else redirect or the page;
    ``posted`` keeps the new figure the person typed in the form (a refusal)."""
    if request.htmx and request.POST.get("from") == "queue":
        found = selectors.appraiser_queue(
            target.assessment.cycle,
            {target.area},
            services.conflict_unit_ids(request.user, target.assessment.cycle_id),
            unit_code=target.assessment.unit.code,
            area=target.area,
        )
        row = next((r for r in found.rows if r.leaf.code == target.leaf.code), None)
        if row is not None:  # a unit out of the queue (released, closed) gets the leaf fragment
            return render(
                request,
                "appraisals/_queue_row.html",
                {"row": row, "cycle": target.assessment.cycle, "error": error, "lang": lang()},
                status=status,
            )
    context = _leaf_context(request, target, posted=posted, error=error, message=message)
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
        return redirect(next_or(request, fallback))
    return render(request, "appraisals/leaf.html", context, status=status)


def _leaf_write(
    request: AuthedRequest,
    target: access.LeafTarget,
    data: dict[str, Any],
    write: Callable[..., object],
    done: str,
    **choice: object,
) -> HttpResponse:
    """Write a decision or a settlement (``write`` with the ``choice`` made): both carry a
    figure (read from the leaf's inputs when the ``choice`` asks for one), a reason and the
    version the page showed. A refused figure saves nothing and comes back
    with the person's input and the reason in the page's language."""
    value, points = "", ""
    new_figure = _new_figure(choice)
    try:
        if new_figure:
            value, points = typed_figure(target.leaf, request.POST, lang())
        write(
            assessment=target.assessment,
            leaf_code=target.leaf.code,
            value=value,
            points=points or None,
            reason=data["reason"],
            version=data["version"],
            actor=request.user,
            **choice,
        )
    except ValueInputError as exc:
        return _leaf_reply(request, target, status=422, error=str(exc), posted=True)
    except services.AppraisalError as exc:
        status = refusal_status(exc)
        return _leaf_reply(
            request, target, status=status, error=exc.message, posted=new_figure and status == 422
        )
    return _leaf_reply(request, target, message=done)


def _new_figure(choice: dict[str, object]) -> bool:
    """Whether the write carries a new figure: an adjustment, or a settlement on a new one."""
    return choice.get("decision") == Decision.ADJUSTED or choice.get("outcome") == Outcome.NEW


@require_POST
def leaf_decide(
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """Accept, adjust (with a reason) or flag (with a comment) one leaf."""
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        error = (
            _("Choose what to do with the leaf.")
            if "decision" in form.errors
            else form_problems(form)
        )
        posted = _new_figure({"decision": request.POST.get("decision")})
        return _leaf_reply(request, target, status=422, error=error, posted=posted)
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
    request: AuthedRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> HttpResponse:
    """Settle one leaf after the unit's reply (or set a new figure during the council)."""
    target = access.get_leaf_for_appraiser(request, cycle_id, unit_code, leaf_code)
    form = SettleForm(request.POST)
    if not form.is_valid():
        posted = _new_figure({"outcome": request.POST.get("outcome")})
        return _leaf_reply(request, target, status=422, error=form_problems(form), posted=posted)
    data = form.cleaned_data
    return _leaf_write(
        request, target, data, services.leaf_settle, _("Settled."), outcome=data["outcome"]
    )
