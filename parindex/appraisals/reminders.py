"""Reminders before the appraisal and explanation deadlines, run daily by
``manage.py send_reminders``.

- Units returned for explanation hear 3 and 1 days before their explanation deadline (their
  own, extensions included) and on the last day, with how many leaves still need a reply.
- Appraisers hear the same days before the appraisal stage closes, while leaves of their areas
  in submitted units are still untouched.

A cancelled cycle reminds nobody. The recipients are every holder of the roles, deactivated
ones included: ``send_reminders`` reaches those it can and names the others.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.assessments.models import Assessment, Stage, StageExtension, StageWindow
from parindex.assessments.services import unit_people
from parindex.assessments.stages import effective_close
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.notifications.reminders import Reminder

from .leaves import appraisable, area_of
from .models import AppraiserAssignment, LeafAppraisal
from .services import unit_page_url

DAYS_BEFORE = (3, 1, 0)


def _days_left(closes: datetime.datetime, today: datetime.date) -> int:
    return (timezone.localtime(closes).date() - today).days


def explanation_due(today: datetime.date) -> Iterator[Reminder]:
    """One reminder per unit returned for explanation whose round closes in 3, 1 or 0 days."""
    returned = (
        Assessment.objects.filter(state=State.RETURNED)
        .exclude(cycle__state=Cycle.State.CANCELLED)
        .select_related("cycle", "unit")
    )
    windows = {
        w.cycle_id: w
        for w in StageWindow.objects.filter(
            stage=Stage.EXPLANATION, cycle__assessments__state=State.RETURNED
        ).distinct()
    }
    extensions: dict[int, list[StageExtension]] = defaultdict(list)
    for extension in StageExtension.objects.filter(
        stage=Stage.EXPLANATION, assessment__state=State.RETURNED
    ):
        extensions[extension.assessment_id].append(extension)
    waiting: dict[int, int] = defaultdict(int)
    for la in LeafAppraisal.objects.filter(assessment__state=State.RETURNED, outcome=""):
        if la.needs_reply:
            waiting[la.assessment_id] += 1
    for assessment in returned.order_by("cycle_id", "unit__code"):
        closes = effective_close(windows.get(assessment.cycle_id), extensions[assessment.pk])
        if closes is None or _days_left(closes, today) not in DAYS_BEFORE:
            continue
        people = unit_people(assessment, active_only=False)
        if not people:
            continue
        message = _(
            "The explanation round of %(unit)s for %(year)s closes on %(when)s: "
            "%(count)d leaves still need a reply."
        ) % {
            "unit": assessment.unit.name,
            "year": assessment.cycle.year,
            "when": timezone.localtime(closes).strftime("%d/%m/%Y %H:%M"),
            "count": waiting[assessment.pk],
        }
        yield people, "explanation_due", message, unit_page_url(assessment)


def appraisal_due(today: datetime.date) -> Iterator[Reminder]:
    """One reminder per appraiser whose areas still have untouched leaves in submitted units,
    3, 1 or 0 days before the cycle's appraisal stage closes."""
    windows = StageWindow.objects.filter(stage=Stage.APPRAISAL).exclude(
        cycle__state=Cycle.State.CANCELLED
    )
    for window in windows.select_related("cycle", "cycle__framework_version"):
        if window.opens_at.date() > today or _days_left(window.closes_at, today) not in DAYS_BEFORE:
            continue
        cycle = window.cycle
        fw = core_framework(cycle.framework_version)
        areas = area_of(fw)
        assessments = list(
            Assessment.objects.filter(
                cycle=cycle, state__in=[State.SUBMITTED, State.IN_APPRAISAL]
            ).select_related("unit")
        )
        done = set(
            LeafAppraisal.objects.filter(assessment__in=assessments).values_list(
                "assessment_id", "leaf_code"
            )
        )
        untouched: dict[str, int] = defaultdict(int)
        for assessment in assessments:
            for leaf in appraisable(fw, assessment.unit.type):
                if (assessment.pk, leaf.code) not in done:
                    untouched[areas[leaf.code]] += 1
        per_person: dict[int, tuple[User, int]] = {}
        for assignment in AppraiserAssignment.objects.filter(cycle=cycle).select_related("user"):
            count = untouched.get(assignment.area_code, 0)
            if count:
                user, total = per_person.get(assignment.user_id, (assignment.user, 0))
                per_person[assignment.user_id] = (user, total + count)
        when = timezone.localtime(window.closes_at).strftime("%d/%m/%Y %H:%M")
        url = reverse("appraisals:queue", kwargs={"cycle_id": cycle.pk})
        for user, count in per_person.values():
            message = _(
                "The appraisal of %(cycle)s closes on %(when)s: %(count)d leaves of your areas "
                "are not appraised yet."
            ) % {"cycle": cycle.title, "when": when, "count": count}
            yield [user], "appraisal_due", message, url
