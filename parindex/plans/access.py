"""The access choke points of improvement plans.

- the PAR administrator (and superusers) manage plans: create, edit, publish, add and change
  tasks, turn points lost into draft tasks;
- a lead agency — the editors and heads of the task's lead unit — updates the status of its own
  tasks and reports progress on them, nobody else's;
- province-wide readers (viewer, council, appraiser) and unit editors/heads read every plan;
- anonymous visitors, and signed-in people without a role, read published plans only.
Draft tasks are working material of the administrator: only people who read unpublished plans
see them.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin, own_unit_ids, sees_all_results
from parindex.shared.login import LoginRequired

from .models import Plan, Task


def can_manage_plans(user: User | AnonymousUser) -> bool:
    return is_par_admin(user)


def reads_unpublished(user: User | AnonymousUser) -> bool:
    """Province-wide readers and the units' own people read plans before publication."""
    return sees_all_results(user) or bool(own_unit_ids(user))


def can_read_plan(user: User | AnonymousUser, plan: Plan) -> bool:
    return plan.published or reads_unpublished(user)


def can_update_task(user: User | AnonymousUser, task: Task) -> bool:
    """Status and progress reports: the administrator, or the task's own lead agency."""
    if task.status == Task.Status.DRAFT:
        return can_manage_plans(user)
    return can_manage_plans(user) or task.lead_agency_id in own_unit_ids(user)


def visible_plans(user: User | AnonymousUser) -> QuerySet[Plan]:
    plans = Plan.objects.all()
    return plans if reads_unpublished(user) else plans.filter(published=True)


def visible_tasks(user: User | AnonymousUser, plan: Plan) -> QuerySet[Task]:
    tasks = Task.objects.filter(plan=plan)
    return tasks if reads_unpublished(user) else tasks.exclude(status=Task.Status.DRAFT)


def _deny(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def get_plan_for_user(request: HttpRequest, plan_id: int) -> Plan:
    """A plan the person may read, or 404 / login / 403."""
    try:
        plan = Plan.objects.select_related("province", "framework_version").get(pk=plan_id)
    except Plan.DoesNotExist:
        raise Http404 from None
    if not can_read_plan(request.user, plan):
        _deny(request)
    return plan


def get_plan_for_manager(request: HttpRequest, plan_id: int) -> Plan:
    """A plan the person may change (the administrator only)."""
    plan = get_plan_for_user(request, plan_id)
    require_plan_manager(request)
    return plan


def require_plan_manager(request: HttpRequest) -> None:
    if not can_manage_plans(request.user):
        _deny(request)


def get_task_for_user(request: HttpRequest, task_id: int) -> Task:
    """A task the person may read (its plan readable; drafts for unpublished readers only)."""
    try:
        task = Task.objects.select_related(
            "plan", "area", "lead_agency", "source_cycle", "plan__framework_version"
        ).get(pk=task_id)
    except Task.DoesNotExist:
        raise Http404 from None
    if not can_read_plan(request.user, task.plan) or (
        task.status == Task.Status.DRAFT and not reads_unpublished(request.user)
    ):
        _deny(request)
    return task


def get_task_for_update(request: HttpRequest, task_id: int) -> Task:
    """A task whose status and progress the person may report on."""
    task = get_task_for_user(request, task_id)
    if not can_update_task(request.user, task):
        _deny(request)
    return task


def get_task_for_manager(request: HttpRequest, task_id: int) -> Task:
    """A task the person may edit in full (the administrator only)."""
    task = get_task_for_user(request, task_id)
    require_plan_manager(request)
    return task
