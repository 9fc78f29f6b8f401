"""The PAR administrator's cycle pages: the list (cancelled ones behind a filter), the wizard
(register → units, calendar, appraisers → preview → create) and a cycle's page (units in scope
added or removed before the self-assessment opens, cancelling). Views adapt: every check is in
``services``, every read in ``selectors``, access in ``access``."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.accounts.models import User
from parindex.cycles.models import Cycle
from parindex.shared.http import AuthedRequest
from parindex.units.models import Unit
from parindex.units.selectors import national_units, register_as_of

from . import access, selectors, services
from .forms import (
    PlanForm,
    ReasonForm,
    RegisterForm,
    default_register_date,
    default_title,
    default_year,
)


@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    access.require_par_admin(request)
    cancelled = request.GET.get("cancelled") == "1"
    return render(
        request,
        "cycles/list.html",
        {"cycles": selectors.cycles_for_admin(cancelled=cancelled), "cancelled": cancelled},
    )


# -- the wizard --------------------------------------------------------------------------------


def _register_defaults(request: HttpRequest) -> dict[str, Any]:
    year = default_year()
    version = selectors.default_version()
    return {
        "year": year,
        "framework_version": version.pk if version else None,
        "register_date": default_register_date(),
    }


def _register(data: dict[str, Any]) -> tuple[list[Unit], selectors.Copy | None]:
    """The units offered and, when copying, what the copy brings."""
    day: datetime.date = data["register_date"]
    listed = list(
        register_as_of(
            day,
            types=data.get("types") or (),
            include_national=bool(data.get("include_national")),
            include_closed=bool(data.get("include_closed")),
        )
    )
    source: Cycle | None = data.get("copy_from")
    copy = None
    if source is not None:
        copy = selectors.copy_of(source, day=day, years=max(0, data["year"] - source.year))
    return listed, copy


def _national_ids(units: list[Unit]) -> set[int]:
    return set(
        Unit.objects.filter(national_units(), pk__in=[u.pk for u in units]).values_list(
            "pk", flat=True
        )
    )


def _wizard_context(
    register: RegisterForm,
    plan_form: PlanForm | None,
    data: dict[str, Any] | None,
    *,
    selected: set[str],
    assigned: set[str] | None = None,
    problems: list[str] | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "register": register,
        "plan_form": plan_form,
        "problems": problems,
        "rows": None,
    }
    if data is None:
        return context
    listed, copy = _register(data)
    listed_codes = {u.code for u in listed}
    origin: dict[str, list[Unit]] = {}
    if copy is not None:
        for old, successors in copy.followed.replaced:
            for unit in successors:
                origin.setdefault(unit.code, []).append(old)
    national = _national_ids(listed)
    last = selectors.last_year_cycle(data["year"])
    context.update(
        {
            "day": data["register_date"],
            "rows": [
                {
                    "unit": u,
                    "checked": u.code in selected,
                    "national": u.pk in national,
                    "closed": not u.is_active_on(data["register_date"]),
                    "origin": origin.get(u.code, []),
                }
                for u in listed
            ],
            "selected_count": len(selected & listed_codes),
            "copy": copy,
            "not_offered": [u for u in copy.followed.units if u.code not in listed_codes]
            if copy
            else [],
            "assignments": [
                {
                    "a": a,
                    "key": f"{a.user_id}:{a.area_code}",
                    "checked": assigned is None or f"{a.user_id}:{a.area_code}" in assigned,
                }
                for a in (copy.assignments if copy else [])
            ],
            "last_year": last,
            "copy_last_year_url": _copy_url(data, last)
            if last is not None and (copy is None or copy.source != last)
            else "",
        }
    )
    return context


def _copy_url(data: dict[str, Any], source: Cycle) -> str:
    """The wizard's address with the same register choices, copying ``source``."""
    query: list[tuple[str, Any]] = [
        ("year", data["year"]),
        ("framework_version", data["framework_version"].pk),
        ("register_date", data["register_date"].isoformat()),
        *[("types", t) for t in data.get("types") or ()],
        *[(name, "on") for name in ("include_national", "include_closed") if data.get(name)],
        ("copy_from", source.pk),
    ]
    return f"{reverse('cycles:new')}?{urlencode(query)}"


def _assignments(request: HttpRequest) -> list[tuple[User, str]]:
    pairs = []
    for item in request.POST.getlist("assign"):
        user_id, _sep, area = item.partition(":")
        if user_id.isdigit() and area:
            pairs.append((int(user_id), area))
    users = User.objects.in_bulk([u for u, _a in pairs])
    return [(users[u], area) for u, area in pairs if u in users]


def _wizard_arguments(request: HttpRequest, data: dict[str, Any], windows: Any) -> dict[str, Any]:
    return {
        "year": data["year"],
        "title": data["title"],
        "framework_version": data["framework_version"],
        "register_date": data["register_date"],
        "unit_codes": request.POST.getlist("units"),
        "windows": windows,
        "assignments": _assignments(request),
        "include_national": bool(data.get("include_national")),
        "include_closed": bool(data.get("include_closed")),
        "source": data.get("copy_from"),
    }


@require_http_methods(["GET", "POST"])
def cycle_new(request: AuthedRequest) -> HttpResponse:
    """The wizard. GET: the register form, then (once it is valid) the units, calendar and
    appraisers to confirm. POST ``preview``: the plan with its counts, nothing created; POST
    ``create``: the cycle; POST ``edit``: back to the form with what was posted."""
    access.require_par_admin(request)
    actor = request.user
    if request.method == "POST":
        return _wizard_post(request, actor)
    bound = bool(request.GET)
    register = RegisterForm(request.GET if bound else None, initial=_register_defaults(request))
    if bound and not register.is_valid():
        return render(
            request, "cycles/wizard.html", _wizard_context(register, None, None, selected=set())
        )
    if bound:
        data = register.cleaned_data
    else:
        data = dict(_register_defaults(request))
        data["framework_version"] = selectors.default_version()
        if data["framework_version"] is None:
            return render(
                request, "cycles/wizard.html", _wizard_context(register, None, None, selected=set())
            )
    listed, copy = _register(data)
    listed_codes = {u.code for u in listed}
    selected = (copy.unit_codes & listed_codes) if copy is not None else listed_codes
    initial: dict[str, Any] = {name: data.get(name) for name in RegisterForm.base_fields}
    initial["framework_version"] = data["framework_version"].pk
    initial["copy_from"] = data["copy_from"].pk if data.get("copy_from") else None
    initial["title"] = default_title(data["year"])
    if copy is not None:
        for stage, (opens, closes) in copy.windows.items():
            initial[f"{stage}_opens"] = opens
            initial[f"{stage}_closes"] = closes
    plan_form = PlanForm(initial=initial)
    return render(
        request, "cycles/wizard.html", _wizard_context(register, plan_form, data, selected=selected)
    )


def _wizard_post(request: HttpRequest, actor: User) -> HttpResponse:
    plan_form = PlanForm(request.POST)
    action = request.POST.get("action", "preview")
    register = RegisterForm(request.POST)
    register_ok = register.is_valid()
    if not plan_form.is_valid():
        data = register.cleaned_data if register_ok else None
        context = _wizard_context(
            register,
            plan_form,
            data,
            selected=set(request.POST.getlist("units")),
            assigned=set(request.POST.getlist("assign")),
        )
        return render(request, "cycles/wizard.html", context, status=422)
    data = plan_form.cleaned_data
    arguments = _wizard_arguments(request, data, plan_form.windows())
    if action == "edit":
        return render(
            request,
            "cycles/wizard.html",
            _wizard_context(
                register,
                plan_form,
                data,
                selected=set(arguments["unit_codes"]),
                assigned=set(request.POST.getlist("assign")),
            ),
        )
    try:
        if action == "create":
            cycle = services.cycle_create(actor=actor, **arguments)
        else:
            plan = services.cycle_check(actor=actor, **arguments)
    except services.CycleError as exc:
        context = _wizard_context(
            register,
            plan_form,
            data,
            selected=set(arguments["unit_codes"]),
            assigned=set(request.POST.getlist("assign")),
            problems=exc.problems,
        )
        return render(request, "cycles/wizard.html", context, status=422)
    if action == "create":
        messages.success(
            request,
            _("Cycle %(title)s created: %(count)d units in scope, one assessment each.")
            % {"title": cycle.title, "count": cycle.units.count()},
        )
        return redirect("cycles:manage", cycle_id=cycle.pk)
    carried = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "action")
        for value in request.POST.getlist(name)
    ]
    return render(request, "cycles/preview.html", {"plan": plan, "carried": carried})


# -- one cycle ---------------------------------------------------------------------------------


@require_GET
def cycle_manage(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id, cancelled=True)
    units = selectors.units_in_scope(cycle)
    started = selectors.self_assessment_started(cycle)
    may_change = cycle.state in (Cycle.State.PREPARING, Cycle.State.IN_PROGRESS) and not started
    day = cycle.register_date or default_register_date()
    addable = []
    if may_change:
        addable = list(register_as_of(day).exclude(pk__in=[u.pk for u in units]))
    return render(
        request,
        "cycles/manage.html",
        {
            "cycle": cycle,
            "units": units,
            "opens": selectors.self_assessment_opens(cycle),
            "started": started,
            "may_change": may_change,
            "may_cancel": cycle.state in (Cycle.State.PREPARING, Cycle.State.IN_PROGRESS),
            "addable": addable,
            "day": day,
            "windows": selectors.cycle_windows(cycle),
        },
    )


def _reason_or_refuse(request: HttpRequest, cycle: Cycle) -> str | None:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return None
    return str(form.cleaned_data["reason"])


def _unit(code: str) -> Unit:
    try:
        return Unit.objects.get(code=code)
    except Unit.DoesNotExist:
        raise Http404 from None


@require_POST
def unit_add(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    reason = _reason_or_refuse(request, cycle)
    if reason is not None:
        unit = _unit(request.POST.get("unit", ""))
        try:
            services.cycle_unit_add(cycle=cycle, unit=unit, reason=reason, actor=request.user)
        except services.CycleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(unit)s added to the cycle.") % {"unit": unit.name})
    return redirect("cycles:manage", cycle_id=cycle.pk)


@require_POST
def unit_remove(request: AuthedRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    reason = _reason_or_refuse(request, cycle)
    if reason is not None:
        unit = _unit(unit_code)
        try:
            services.cycle_unit_remove(cycle=cycle, unit=unit, reason=reason, actor=request.user)
        except services.CycleError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("%(unit)s removed from the cycle.") % {"unit": unit.name})
    return redirect("cycles:manage", cycle_id=cycle.pk)


@require_POST
def cancel(request: AuthedRequest, cycle_id: int) -> HttpResponse:
    cycle = access.get_cycle_for_admin(request, cycle_id)
    reason = _reason_or_refuse(request, cycle)
    if reason is None:
        return redirect("cycles:manage", cycle_id=cycle.pk)
    try:
        services.cycle_cancel(cycle=cycle, reason=reason, actor=request.user)
    except services.CycleError as exc:
        messages.error(request, exc.message)
        return redirect("cycles:manage", cycle_id=cycle.pk)
    messages.success(request, _("Cycle %(title)s cancelled.") % {"title": cycle.title})
    return redirect("cycles:list")
