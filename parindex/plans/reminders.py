"""Reminders of plan tasks, sent by ``manage.py send_reminders`` (notifications app): to the lead
agency's editors and heads 7 days and 1 day before a deadline, and to them and the PAR
administrators the day after a missed deadline and every 7 days after that, until the task is
done."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.accounts.models import UNIT_SCOPED_ROLES, RoleAssignment, User
from parindex.accounts.selectors import par_admins

from .models import Task

BEFORE_DAYS = (7, 1)
OVERDUE_EVERY = 7


def _lead_people(unit_ids: set[int]) -> dict[int, list[User]]:
    people: dict[int, list[User]] = {u: [] for u in unit_ids}
    # Deactivated holders too: send_reminders reaches only those it can and names the others.
    for role in RoleAssignment.objects.filter(
        unit_id__in=unit_ids, role__in=UNIT_SCOPED_ROLES
    ).select_related("user"):
        if role.unit_id is not None:  # always: unit-scoped roles have a unit
            people[role.unit_id].append(role.user)
    return people


def task_reminders(today: datetime.date) -> Iterator[tuple[list[User], str, str, str]]:
    """Yield (recipients, verb, message, url) for each task due a reminder today."""
    due = [today + datetime.timedelta(days=d) for d in BEFORE_DAYS]
    open_tasks = Task.objects.exclude(status__in=[Task.Status.DONE, Task.Status.DRAFT])
    tasks = list(
        open_tasks.filter(Q(deadline__in=due) | Q(deadline__lt=today)).select_related(
            "plan", "lead_agency"
        )
    )
    if not tasks:
        return
    people = _lead_people({t.lead_agency_id for t in tasks})
    admins: list[User] | None = None
    with translation.override("vi"):
        for task in tasks:
            url = reverse("plans:task", args=[task.pk])
            values = {
                "title": task.title,
                "plan": task.plan.number,
                "deadline": task.deadline.strftime("%d/%m/%Y"),
                "lead": task.lead_agency.name,
            }
            if task.deadline >= today:
                days = (task.deadline - today).days
                message = (
                    _("Task “%(title)s” of plan %(plan)s (lead: %(lead)s) is due on %(deadline)s.")
                    % values
                )
                yield people[task.lead_agency_id], f"plan_task_due_{days}d", message, url
                continue
            late = (today - task.deadline).days
            if (late - 1) % OVERDUE_EVERY:
                continue
            if admins is None:
                admins = par_admins()
            message = (
                _(
                    "Task “%(title)s” of plan %(plan)s (lead: %(lead)s) was due on %(deadline)s "
                    "and is not done."
                )
                % values
            )
            yield people[task.lead_agency_id] + admins, "plan_task_overdue", message, url
