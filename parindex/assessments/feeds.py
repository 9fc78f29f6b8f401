"""Declared values sent by other systems through the API (*số liệu kết nối*).

They take the path of every other declared value: ``services.answers_import`` (the Excel
upload's service) checks the state and the calendar under the assessment's lock, refuses the
whole batch when a leaf changed since the version the sender read, and audits each change. On
top of it, a changed leaf whose framework names the system it comes from (``x-feed``,
``frameworks.feeds``) is marked as fed (:class:`FedValue`), so the page and the submission show
which figures nobody typed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.core import ValueRuleError
from parindex.frameworks.feeds import feed_sources
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer

from .models import Assessment, FedValue
from .services import AssessmentError, ImportOutcome, answers_import, check_value, self_leaf

if TYPE_CHECKING:
    from parindex.accounts.models import User

Row = tuple[str, str, int]  # leaf code, value, the version the sender read


@dataclass(frozen=True)
class Problem:
    leaf_code: str
    message: str


def values_check(assessment: Assessment, values: list[Row], lang: str) -> list[Problem]:
    """Every row the rules refuse, each with its reason (reads only): a leaf given twice, a leaf
    the unit does not declare, a value its rule refuses. The service checks again when it
    writes; this lists every problem at once instead of the first."""
    fw = core_framework(assessment.cycle.framework_version)
    problems = []
    twice = {code for code, count in Counter(code for code, _v, _n in values).items() if count > 1}
    for code in sorted(twice):
        problems.append(Problem(code, _("Leaf %(code)s is given twice.") % {"code": code}))
    for code, value, _version in values:
        if code in twice:
            continue
        try:
            check_value(fw, self_leaf(fw, assessment.unit.type, code), value)
        except AssessmentError as exc:
            problems.append(Problem(code, exc.message))
        except ValueRuleError as exc:
            problems.append(Problem(code, exc.text(lang)))
    return problems


@transaction.atomic
def values_feed(
    *,
    assessment: Assessment,
    values: list[Row],
    actor: User,
    token_name: str,
    token_prefix: str,
    now: datetime.datetime | None = None,
) -> ImportOutcome:
    """Apply values a system sent, all or nothing, and mark the changed leaves that declare a
    feed. Raises what ``answers_import`` raises (``ImportConflicts`` for stale versions, the
    refusals of a closed or submitted assessment, ``ValueRuleError``), and then writes nothing."""
    now = now or timezone.now()
    outcome = answers_import(assessment=assessment, values=values, actor=actor, reason="", now=now)
    sources = feed_sources(assessment.cycle.framework_version)
    fed = [code for code in outcome.applied if code in sources]
    for answer in Answer.objects.filter(
        cycle_id=assessment.cycle_id, unit_id=assessment.unit_id, leaf_code__in=fed
    ):
        FedValue.objects.update_or_create(
            assessment=assessment,
            leaf_code=answer.leaf_code,
            defaults={
                "answer_version": answer.version,
                "value": answer.value,
                "source": sources[answer.leaf_code],
                "fed_at": now,
                "fed_by": actor,
                "token_name": token_name,
                "token_prefix": token_prefix,
            },
        )
    return outcome


def fed_marks(assessment: Assessment, answers: dict[str, Answer]) -> dict[str, FedValue]:
    """Leaf code → its feed, for the leaves whose answer still holds the value a feed wrote."""
    return {
        fed.leaf_code: fed
        for fed in FedValue.objects.filter(assessment=assessment)
        if fed.leaf_code in answers and answers[fed.leaf_code].version == fed.answer_version
    }
