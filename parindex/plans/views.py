"""Pages of improvement plans: list, dashboard, management forms, tasks and progress reports,
points lost → draft tasks, what-if, exports. Every object is reached through ``access``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.assessments import visibility
from parindex.core import ParindexError, UnitInfo
from parindex.core.analysis import in_scope, points_lost
from parindex.core.whatif import Target, project
from parindex.evidence import services as evidence_services
from parindex.evidence.access import can_read_evidence
from parindex.evidence.uploads import SizeLimitUploadHandler, upload_view
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis
from parindex.results.services import cycle_inputs
from parindex.shared.charts import render_svg
from parindex.shared.http import AnyRequest, AuthedRequest
from parindex.shared.language import lang
from parindex.units.models import UnitType

from . import access, exports, selectors, services
from .charts import pareto_spec, timeline_spec
from .forms import (
    AreaForm,
    LossesForm,
    PlanForm,
    ReportForm,
    StatusForm,
    TargetForm,
    TaskForm,
    split_codes,
)
from .models import ContentArea, Plan, Task
from .params import MAX_NUMBER_CHARS, parse_id, parse_percent

MAX_CHART_NODES = 30


# -- plans -------------------------------------------------------------------------------------


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = access.visible_plans(request.user).select_related("province")
    return render(
        request,
        "plans/plan_list.html",
        {"plans": plans, "can_manage": access.can_manage_plans(request.user)},
    )


@require_http_methods(["GET", "POST"])
def plan_create(request: AuthedRequest) -> HttpResponse:
    access.require_plan_manager(request)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(**data, user=request.user)
        except ParindexError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan %(number)s created.") % {"number": plan.number})
            return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_manager(request, plan_id)
    form = PlanForm(request.POST or None, instance=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(plan=plan, actor=request.user, **form.cleaned_data)
        except ParindexError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form, "plan": plan})


def _status_choices() -> list[tuple[str, str]]:
    return [(s.value, str(s.label)) for s in Task.Status] + [("overdue", _("Overdue"))]


def _timeline_chart(tasks: list[Task], today: datetime.date) -> str:
    labels = dict(_status_choices())
    rows = [
        {
            "task": f"{t.area.position}.{n} {t.title[:60]}",
            "start": t.start_date.isoformat(),
            "deadline": t.deadline.isoformat(),
            "status": labels["overdue" if t.is_overdue_on(today) else t.status],
        }
        for n, t in enumerate(sorted(tasks, key=lambda t: (t.start_date, t.pk)), start=1)
    ]
    return render_svg(
        timeline_spec(
            rows,
            title=_("Timeline of the tasks"),
            task_label=_("Task"),
            status_label=_("Status"),
            statuses=_status_choices(),
            today=today.isoformat(),
        )
    )


@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan and its dashboard: targets, counts by status, overdue tasks first, timeline."""
    plan = access.get_plan_for_user(request, plan_id)
    today = timezone.localdate()
    tasks = selectors.tasks_for_listing(access.visible_tasks(request.user, plan))
    board = selectors.dashboard(plan, tasks, today)
    user = request.user
    rows = [
        {
            "task": t,
            "overdue": t.is_overdue_on(today),
            "percent": selectors.latest_percent(t),
            "can_update": access.can_update_task(user, t),
        }
        for t in board.tasks
    ]
    context = {
        "plan": plan,
        "target_groups": selectors.targets_by_scope(plan),
        "areas": plan.areas.select_related("lead_agency").order_by("position"),
        "board": board,
        "rows": rows,
        "statuses": [str(s.label) for s in Task.Status],
        "chart": _timeline_chart(tasks, today) if tasks else "",
        "can_manage": access.can_manage_plans(user),
        "today": today,
    }
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_targets(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_manager(request, plan_id)
    form = TargetForm(request.POST or None)
    if request.method == "POST":
        delete = request.POST.get("delete")
        if delete:
            target_id = parse_id(delete)
            removed = target_id is not None and services.target_delete(
                plan=plan, target_id=target_id, actor=request.user
            )
            if removed:
                messages.success(request, _("Target removed."))
            else:
                messages.error(request, _("The target to remove was not found."))
            return redirect("plans:targets", plan_id=plan.pk)
        if form.is_valid():
            try:
                services.target_set(plan=plan, **form.cleaned_data, actor=request.user)
            except ParindexError as exc:
                form.add_error(exc.column if exc.column in form.fields else None, exc.message)
            else:
                messages.success(request, _("Target saved."))
                return redirect("plans:targets", plan_id=plan.pk)
    return render(
        request,
        "plans/targets.html",
        {"plan": plan, "form": form, "target_groups": selectors.targets_by_scope(plan)},
    )


@require_http_methods(["GET", "POST"])
def area_edit(request: AuthedRequest, plan_id: int, area_id: int | None = None) -> HttpResponse:
    """Add a content to the plan, or change one."""
    plan = access.get_plan_for_manager(request, plan_id)
    area = None
    if area_id is not None:
        area = ContentArea.objects.filter(plan=plan, pk=area_id).first()
        if area is None:
            raise Http404
    form = AreaForm(request.POST or None, instance=area or ContentArea(plan=plan))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.area_save(
                plan=plan,
                area=area,
                position=data["position"],
                title=data["title"],
                lead_agency=data["lead_agency"],
                node_codes=split_codes(data["nodes"]),
                actor=request.user,
            )
        except ParindexError as exc:
            form.add_error(exc.column if exc.column == "position" else "nodes", exc.message)
        else:
            messages.success(request, _("Content saved."))
            return redirect("plans:areas", plan_id=plan.pk)
    return render(
        request,
        "plans/areas.html",
        {
            "plan": plan,
            "form": form,
            "area": area,
            "areas": plan.areas.select_related("lead_agency").order_by("position"),
        },
    )


# -- tasks -------------------------------------------------------------------------------------


def _task_from_form(form: TaskForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return {
        "area": data["area"],
        "title": data["title"],
        "lead_agency": data["lead_agency"],
        "start_date": data["start_date"],
        "deadline": data["deadline"],
        "coordinating": list(data.get("coordinating_agencies") or []),
        "node_codes": split_codes(data.get("nodes") or ""),
        "status": data["status"],
        "expected_points": data.get("expected_points"),
        "expected_result": data.get("expected_result") or "",
    }


@require_http_methods(["GET", "POST"])
def task_create(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_manager(request, plan_id)
    form = TaskForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(plan=plan, **_task_from_form(form), actor=request.user)
        except ParindexError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Task created."))
            return redirect("plans:task", task_id=task.pk)
    return render(request, "plans/task_form.html", {"plan": plan, "form": form, "task": None})


@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = access.get_task_for_manager(request, task_id)
    form = TaskForm(request.POST or None, instance=task, plan=task.plan)
    if request.method == "POST" and form.is_valid():
        task.refresh_from_db()  # the form wrote its cleaned values onto the instance
        try:
            services.task_update(task=task, **_task_from_form(form), actor=request.user)
        except ParindexError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Task saved."))
            return redirect("plans:task", task_id=task.pk)
    return render(request, "plans/task_form.html", {"plan": task.plan, "form": form, "task": task})


def _task_page(
    request: HttpRequest,
    task: Task,
    *,
    report_form: ReportForm | None = None,
    status_form: StatusForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The task's page; a refused form comes back with its errors (status 400)."""
    today = timezone.localdate()
    reports = list(task.reports.select_related("author"))
    evidence = selectors.report_evidence(reports)
    nodes: list[tuple[str, str | None]] = []
    fw = core_framework(task.plan.framework_version) if task.plan.framework_version else None
    for code in task.node_codes:
        node = fw.by_code.get(code) if fw else None
        nodes.append((code, node.title.get(lang()) if node else None))
    can_update = access.can_update_task(request.user, task)
    context = {
        "task": task,
        "plan": task.plan,
        "nodes": nodes,
        "coordinating": task.coordinating_agencies.all(),
        "reports": [
            {
                "report": r,
                "evidence": [
                    (e, can_read_evidence(request.user, e)) for e in evidence.get(r.pk, [])
                ],
            }
            for r in reports
        ],
        "overdue": task.is_overdue_on(today),
        "can_update": can_update,
        "can_manage": access.can_manage_plans(request.user),
        "report_form": report_form or (ReportForm(task=task) if can_update else None),
        "status_form": status_form or StatusForm(initial={"status": task.status}),
    }
    return render(request, "plans/task_detail.html", context, status=status)


@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    task = access.get_task_for_user(request, task_id)
    return _task_page(request, task)


@require_POST
def task_status(request: AuthedRequest, task_id: int) -> HttpResponse:
    task = access.get_task_for_update(request, task_id)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.task_status_set(
                task=task, status=form.cleaned_data["status"], actor=request.user
            )
        except ParindexError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Status saved."))
        return redirect("plans:task", task_id=task.pk)
    return _task_page(request, task, status_form=form, status=400)


@upload_view(evidence_services.max_bytes)
@require_POST
def task_report(
    request: AuthedRequest, task_id: int, limiter: SizeLimitUploadHandler
) -> HttpResponse:
    task = access.get_task_for_update(request, task_id)
    form = ReportForm(request.POST, request.FILES, task=task)
    if limiter.skipped:  # the file was dropped unread: never report without it
        form.is_valid()
        form.add_error("files", evidence_services.too_large_message(evidence_services.max_bytes()))
    elif form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report(
                task=task,
                user=request.user,
                reported_on=data["reported_on"],
                text=data["text"],
                percent=data["percent"],
                files=data["files"],
                evidence=list(data["evidence"]),
            )
        except ParindexError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Progress reported."))
            return redirect("plans:task", task_id=task.pk)
    return _task_page(request, task, report_form=form, status=400)


# -- points lost and what-if -----------------------------------------------------------------


def _analysis_setup(request: HttpRequest, plan: Plan, data: Any) -> dict[str, Any]:
    """The cycle (checked through the access choke point), the scopes it offers and the chosen
    one, for the points-lost and what-if pages."""
    cycles = list(selectors.plan_cycles(plan, visibility.visible_cycles(request.user)))
    if not cycles:
        return {"cycles": [], "cycle": None}
    cycle_id = parse_id(data.get("cycle")) if data.get("cycle") else cycles[0].pk
    if cycle_id is None:
        raise Http404
    cycle = visibility.get_cycle_for_user(request, cycle_id)
    if cycle.pk not in {c.pk for c in cycles}:
        raise Http404  # a cycle of another framework than the plan's
    units = selectors.cycle_units(cycle)
    types = sorted({u.type for u in units})
    type_labels = dict(UnitType.choices)
    scopes = [("all", _("All units"))]
    scopes += [(f"type:{t}", str(type_labels.get(t, t))) for t in types]
    scopes += [(f"unit:{u.code}", u.name) for u in sorted(units, key=lambda u: u.name)]
    scope = data.get("scope") or "all"
    if scope not in {s for s, _ in scopes}:
        scope = "all"
    level = data.get("level") or "leaf"
    if level not in {"leaf", "criterion", "area"}:
        level = "leaf"
    # Final figures, except for a unit's own people while one of their units is in appraisal.
    bases = visibility.ranking_bases_for(request.user, cycle)
    form = LossesForm(
        initial={"cycle": cycle.pk, "scope": scope, "level": level},
        cycles=cycles,
        scopes=scopes,
    )
    return {
        "cycles": cycles,
        "cycle": cycle,
        "units": units,
        "scope": scope,
        "scope_label": dict(scopes)[scope],
        "level": level,
        "form": form,
        "fw": core_framework(cycle.framework_version),
        "basis": Basis.FINAL if Basis.FINAL in bases else Basis.SELF,
    }


def _scope_filter(scope: str) -> dict[str, str]:
    if scope.startswith("type:"):
        return {"unit_type": scope[5:]}
    if scope.startswith("unit:"):
        return {"unit_code": scope[5:]}
    return {}


@require_http_methods(["GET", "POST"])
def points_lost_view(request: AnyRequest, plan_id: int) -> HttpResponse:
    """Nodes ranked by points lost in a cycle and scope (Pareto chart and table); the
    administrator ticks nodes to create draft tasks from them."""
    plan = access.get_plan_for_user(request, plan_id)
    data = request.POST if request.method == "POST" else request.GET
    setup = _analysis_setup(request, plan, data)
    context: dict[str, Any] = {"plan": plan, **setup, "can_manage": False}
    if setup["cycle"] is None:
        return render(request, "plans/points_lost.html", context)
    cycle, fw = setup["cycle"], setup["fw"]
    units = in_scope(
        selectors.cycle_unit_nodes(cycle, setup["basis"]), **_scope_filter(setup["scope"])
    )
    losses = points_lost(fw, units, level=setup["level"])
    can_manage = access.can_manage_plans(request.user)
    if request.method == "POST":
        if not can_manage or not request.user.is_authenticated:
            raise PermissionDenied
        chosen = set(request.POST.getlist("nodes"))
        picked = [loss for loss in losses if loss.code in chosen]
        if not picked:
            messages.error(request, _("Tick at least one node to create tasks from."))
        else:
            try:
                created = services.tasks_from_losses(
                    plan=plan,
                    cycle=cycle,
                    losses=picked,
                    scope_label=setup["scope_label"],
                    actor=request.user,
                )
            except ParindexError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("%(count)d draft tasks created: set their deadlines and confirm them.")
                    % {"count": len(created)},
                )
                return redirect("plans:detail", plan_id=plan.pk)
    shown = losses[:MAX_CHART_NODES]
    chart = (
        render_svg(
            pareto_spec(
                [
                    {
                        "node": loss.code,
                        "title": loss.node.title.get(lang()),
                        "lost": float(loss.lost),
                        "cumulative": float(loss.cumulative),
                    }
                    for loss in shown
                ],
                title=_("Points lost, %(scope)s, %(year)s")
                % {"scope": setup["scope_label"], "year": cycle.year},
                node_label=_("Node"),
                lost_label=_("Points lost"),
                cumulative_label=_("Cumulative share (%)"),
            )
        )
        if shown
        else ""
    )
    context.update(
        {
            "losses": losses,
            "total_lost": sum((loss.lost for loss in losses), Decimal(0)),
            "unit_count": len(units),
            "chart": chart,
            "can_manage": can_manage,
            "lang": lang(),
        }
    )
    template = "plans/_losses.html" if request.htmx else "plans/points_lost.html"
    return render(request, template, context)


@require_GET
def whatif_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Pick nodes to regain fully or to a share, for one unit or for all units: the projected
    index, band and rank, computed by the core from the cycle's answers."""
    plan = access.get_plan_for_user(request, plan_id)
    setup = _analysis_setup(request, plan, request.GET)
    context: dict[str, Any] = {"plan": plan, **setup}
    if setup["cycle"] is None:
        return render(request, "plans/whatif.html", context)
    cycle, fw = setup["cycle"], setup["fw"]
    scope = setup["scope"]
    if scope.startswith("type:"):
        scope = "all"  # a what-if is for one unit or for the province
    units = in_scope(selectors.cycle_unit_nodes(cycle, setup["basis"]), **_scope_filter(scope))
    candidates = points_lost(fw, units, level="leaf")[:MAX_CHART_NODES]
    chosen = [c for c in request.GET.getlist("nodes") if c]
    chosen += split_codes(request.GET.get("more", ""))
    share_text = request.GET.get("share") or "100"
    share = parse_percent(share_text)  # bounded before it is parsed: never a huge number
    projection = None
    errors: list[str] = []
    if share is None:
        errors.append(
            _(
                "The share must be a number above 0 and at most 100 (a percentage of the "
                "maximum), for example 50 or 12.5."
            )
        )
    elif chosen:
        targets = [Target(code, share) for code in dict.fromkeys(chosen)]
        infos = [UnitInfo(u.code, u.name, u.type, u.group or None) for u in setup["units"]]
        inputs = cycle_inputs(cycle, setup["basis"])  # appraised points stay in force
        try:
            projection = project(
                fw,
                inputs.answers,
                infos,
                targets,
                scope=None if scope == "all" else [scope[5:]],
                overrides=inputs.overrides,
            )
        except ParindexError as exc:
            errors = str(exc).splitlines()
    rows = []
    focus = None
    if projection is not None:
        labels = {b.code: b.label(lang()) for b in fw.bands}
        names = {u.code: u.name for u in setup["units"]}
        for p in projection.units:
            row = {
                "p": p,
                "name": names.get(p.unit.code, p.unit.code),
                "band_before": labels.get(p.before.band.code) if p.before.band else None,
                "band_after": labels.get(p.after.band.code) if p.after.band else None,
            }
            rows.append(row)
            if scope.startswith("unit:") and p.unit.code == scope[5:]:
                focus = row
        if focus is not None:  # the unit's own group: the ranking it moves in
            rows = [r for r in rows if r["p"].unit.group == focus["p"].unit.group]
        band_counts = []
        for band in fw.bands:
            band_counts.append(
                (
                    band.label(lang()),
                    sum(1 for p in projection.scope if p.before.band == band),
                    sum(1 for p in projection.scope if p.after.band == band),
                )
            )
        context["band_counts"] = band_counts
    context.update(
        {
            "scope": scope,
            "candidates": candidates,
            "chosen": set(chosen),
            "more": request.GET.get("more", ""),
            "share": share_text[:MAX_NUMBER_CHARS],
            "projection": projection,
            "rows": rows,
            "focus": focus,
            "errors": errors,
            "unit_scopes": [
                (s, label)
                for s, label in setup["form"].fields["scope"].choices
                if not s.startswith("type:")
            ],
            "lang": lang(),
        }
    )
    return render(request, "plans/whatif.html", context)


# -- exports -----------------------------------------------------------------------------------


def _export_name(plan: Plan, extension: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in plan.number).strip("-") or "plan"
    return f"ke-hoach-{safe}.{extension}"


@require_GET
def export_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request, plan_id)
    response = HttpResponse(
        exports.plan_xlsx(plan),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "xlsx")}"'
    return response


@require_GET
def export_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = access.get_plan_for_user(request, plan_id)
    response = HttpResponse(exports.plan_pdf(plan), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "pdf")}"'
    return response
