"""Improvement plans and their tasks through the API: read them, and report a task's progress.

Plans and tasks are reached through ``plans.access`` as on the pages (published plans for
everybody; unpublished ones and draft tasks for province-wide readers and the units' people);
the status and progress of a task through ``get_task_for_update`` (the PAR administrator, or
the task's lead agency) and ``plans.services``, each change audited with the token named.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from parindex.accounts.apitokens import channel
from parindex.audit.services import recorded_through
from parindex.core import ParindexError
from parindex.evidence.access import get_evidence_for_user
from parindex.plans import access, selectors, services
from parindex.plans.models import Plan, Task

from .auth import OptionalTokenAuth, TokenAuth, acting, require_write
from .common import ID, Reply, answers, dec
from .schemas import PlanDetailOut, PlanOut, ReportIn, StatusIn, TaskDetailOut, TaskOut

router = Router(auth=OptionalTokenAuth(), tags=["plans"])


def _plan(plan: Plan) -> dict[str, object]:
    return {
        "id": plan.pk,
        "number": plan.number,
        "title": plan.title,
        "issued_on": plan.issued_on,
        "issuer": plan.issuer,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "published": plan.published,
    }


def _task(task: Task) -> dict[str, object]:
    return {
        "id": task.pk,
        "plan": task.plan_id,
        "title": task.title,
        "lead_agency": task.lead_agency.code,
        "status": task.status,
        "start_date": task.start_date,
        "deadline": task.deadline,
        "overdue": task.is_overdue_on(timezone.localdate()),
        "expected_points": dec(task.expected_points),
        "node_codes": list(task.node_codes),
        "percent": selectors.latest_percent(task),
    }


@router.get("/plans", response=answers({200: list[PlanOut]}))
def plans(request: HttpRequest) -> list[dict[str, object]]:
    """The plans the caller may read (published ones for anybody)."""
    return [_plan(p) for p in access.visible_plans(request.user)]


@router.get("/plans/{plan_id}", response=answers({200: PlanDetailOut}, 403, 404))
def plan(request: HttpRequest, plan_id: int = ID) -> dict[str, object]:
    """A plan with the tasks the caller may read."""
    found = access.get_plan_for_user(request, plan_id)
    tasks = selectors.tasks_for_listing(access.visible_tasks(request.user, found))
    return _plan(found) | {"tasks": [_task(t) for t in tasks]}


def _task_detail(task: Task) -> dict[str, object]:
    (listed,) = selectors.tasks_for_listing(Task.objects.filter(pk=task.pk))
    reports = [
        {
            "id": r.pk,
            "reported_on": r.reported_on,
            "text": r.text,
            "percent": r.percent,
            "author": str(r.author),
            "evidence": sorted(e.pk for e in r.evidence.all()),
        }
        for r in listed.reports.all()
    ]
    return _task(listed) | {"reports": reports}


@router.get("/tasks/{task_id}", response=answers({200: TaskDetailOut}, 403, 404))
def task(request: HttpRequest, task_id: int = ID) -> dict[str, object]:
    """A task with its progress reports, newest first."""
    return _task_detail(access.get_task_for_user(request, task_id))


@router.post(
    "/tasks/{task_id}/status", auth=TokenAuth(), response=answers({200: TaskOut}, 403, 404)
)
def task_status(request: HttpRequest, body: StatusIn, task_id: int = ID) -> Reply:
    """Set a task's status (not started, in progress, done): its lead agency or the PAR
    administrator, as on the task's page."""
    token = require_write(request)
    found = access.get_task_for_update(request, task_id)
    try:
        with transaction.atomic(), recorded_through(channel(token)):
            services.task_status_set(task=found, status=body.status, actor=acting(request))
    except ParindexError as exc:
        return Status(422, {"detail": exc.message})
    found.refresh_from_db()
    return Status(200, _task(found))


@router.post(
    "/tasks/{task_id}/reports",
    auth=TokenAuth(),
    response=answers({201: TaskDetailOut}, 403, 404),
)
def task_report(request: HttpRequest, body: ReportIn, task_id: int = ID) -> Reply:
    """Report progress on a task (date, what was done, percent done), with documents of the
    lead agency's library as evidence; 100% marks the task done."""
    token = require_write(request)
    found = access.get_task_for_update(request, task_id)
    evidence = [get_evidence_for_user(request, pk) for pk in dict.fromkeys(body.evidence)]
    try:
        with transaction.atomic(), recorded_through(channel(token)):
            services.progress_report(
                task=found,
                user=acting(request),
                reported_on=body.reported_on,
                text=body.text,
                percent=body.percent,
                evidence=evidence,
            )
    except ParindexError as exc:
        return Status(422, {"detail": exc.message})
    return Status(201, _task_detail(found))
