"""Reminders before a unit's self-assessment deadline, run daily by ``manage.py send_reminders``.

A unit whose self-assessment is still a draft hears from parindex 7, 3 and 1 days before its
deadline (its own, extensions included) and on the last day: its editors and head get what is
still to do.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.notifications.reminders import Reminder
from parindex.results.models import Answer

from .models import Assessment, Stage, StageExtension, StageWindow
from .services import assessment_url, missing_evidence, unit_people
from .stages import effective_close

DAYS_BEFORE = (7, 3, 1, 0)


def self_assessment_due(today: datetime.date) -> Iterator[Reminder]:
    """One reminder per draft assessment whose self-assessment closes in 7, 3, 1 or 0 days."""
    windows = {
        w.cycle_id: w
        for w in StageWindow.objects.filter(
            stage=Stage.SELF_ASSESSMENT, closes_at__date__gte=today - datetime.timedelta(days=1)
        )
    }
    extensions: dict[int, list[StageExtension]] = {}
    for extension in StageExtension.objects.filter(
        stage=Stage.SELF_ASSESSMENT, closes_at__date__gte=today - datetime.timedelta(days=1)
    ):
        extensions.setdefault(extension.assessment_id, []).append(extension)
    cycle_ids = set(windows) | set(
        Assessment.objects.filter(pk__in=extensions).values_list("cycle_id", flat=True)
    )
    drafts = (
        Assessment.objects.filter(cycle_id__in=cycle_ids, state=State.DRAFT)
        .exclude(cycle__state=Cycle.State.CANCELLED)
        .select_related("cycle", "cycle__framework_version", "unit")
    )
    for assessment in drafts.order_by("cycle_id", "unit__code"):
        window = windows.get(assessment.cycle_id)
        closes = effective_close(window, extensions.get(assessment.pk, []))
        if closes is None or (window is not None and window.opens_at.date() > today):
            continue
        local = timezone.localtime(closes)
        days = (local.date() - today).days
        if days not in DAYS_BEFORE:
            continue
        people = unit_people(assessment, active_only=False)
        if not people:
            continue
        fw = core_framework(assessment.cycle.framework_version)
        declared = [leaf.code for leaf in fw.declared_leaves(assessment.unit.type)]
        answered = (
            Answer.objects.filter(
                cycle_id=assessment.cycle_id, unit_id=assessment.unit_id, leaf_code__in=declared
            )
            .exclude(value="")
            .count()
        )
        missing = len(missing_evidence(assessment, fw))
        when = local.strftime("%d/%m/%Y %H:%M")
        if days == 0:
            lead = _("The self-assessment of %(unit)s for %(year)s closes today at %(when)s.")
        else:
            lead = _(
                "The self-assessment of %(unit)s for %(year)s closes on %(when)s "
                "(in %(days)d days)."
            )
        message = " ".join(
            [
                lead
                % {
                    "unit": assessment.unit.name,
                    "year": assessment.cycle.year,
                    "when": when,
                    "days": days,
                },
                _(
                    "Declared: %(done)d of %(total)d leaves; %(missing)d leaves still need "
                    "their required evidence. It is not submitted yet."
                )
                % {"done": answered, "total": len(declared), "missing": missing},
            ]
        )
        yield people, "self_assessment_due", message, assessment_url(assessment)
