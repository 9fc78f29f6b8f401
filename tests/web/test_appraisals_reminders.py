"""Reminders before the appraisal and explanation deadlines (``manage.py send_reminders``): the
unit returned for explanation, 3 and 1 days before its deadline and on the day; appraisers with
untouched leaves of their areas, before the appraisal stage closes."""

from __future__ import annotations

import datetime

from django.utils import timezone

from parindex.appraisals.models import LeafAppraisal
from parindex.appraisals.reminders import appraisal_due, explanation_due
from parindex.assessments.models import StageWindow
from parindex.notifications import reminders

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal

DAY = datetime.timedelta(days=1)


def closes_in(ap: Appraisal, stage: str, days: int) -> datetime.date:
    """Move the stage's deadline ``days`` days ahead; returns today."""
    now = timezone.now()
    StageWindow.objects.filter(cycle=ap.cycle, stage=stage).update(closes_at=now + days * DAY)
    return timezone.localdate()


def test_both_sources_are_registered() -> None:
    assert {explanation_due, appraisal_due} <= set(reminders.registered())


def test_the_returned_unit_is_reminded_before_its_explanation_deadline(
    appraisal: Appraisal,
) -> None:
    ap = appraisal
    fx.released(ap)
    today = closes_in(ap, "explanation", 3)
    sent = list(explanation_due(today))
    assert len(sent) == 1
    people, verb, message, url = sent[0]
    assert {p.username for p in people} == {"head.a", "editor.a", "appraiser.snv"}
    assert verb == "explanation_due" and "2" in message and url == ap.unit_url()
    assert list(explanation_due(today + DAY)) == []  # two days before: nothing
    fx.services.reply_save(
        assessment=ap.a, leaf_code=fx.CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    fx.services.reply_save(
        assessment=ap.a, leaf_code=fx.RATIO_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    fx.services.replies_send(assessment=ap.a, actor=ap.editor_a)
    assert list(explanation_due(today)) == []  # replied: nothing to remind


def test_appraisers_with_untouched_leaves_are_reminded(appraisal: Appraisal) -> None:
    ap = appraisal
    today = closes_in(ap, "appraisal", 1)
    fx.accept_all(ap, ap.a)
    fx.accept_all(ap, ap.b)
    assert list(appraisal_due(today)) == []
    LeafAppraisal.objects.filter(assessment=ap.b, area_code="2").delete()
    sent = list(appraisal_due(today))
    assert [([u.username for u in people], verb) for people, verb, _, _ in sent] == [
        (["appraiser.2"], "appraisal_due")
    ]
