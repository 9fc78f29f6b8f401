"""Holes found by the security review, one test each: what leaked or was accepted before, and
is refused now."""

from __future__ import annotations

from django.db import transaction
from django.test import Client

from parindex.accounts.models import User
from parindex.assessments.models import Assessment
from parindex.audit.services import audit_record
from parindex.core.workflow import State

from . import appraisals_fixtures as ap_fx
from .appraisals_fixtures import CHOICE_LEAF, Appraisal, build_appraisal
from .factories import World, browse

ADJUST_REASON = "Kế hoạch ban hành ngày 20/01, quá hạn."  # adjust_and_flag's reason


def history(client: Client, ap: Appraisal) -> str:
    response = client.get(f"/audit/leaf/{ap.cycle.pk}/{ap.a.unit.code}/{CHOICE_LEAF}/")
    assert response.status_code == 200
    return response.content.decode()


def test_leaf_history_hides_the_appraisal_from_the_unit_until_it_is_released(
    world: World, admin: User
) -> None:
    """The unit's own people read their leaf's history, but not the appraisers' decisions
    while the round is hidden from them (the rule of the appraisal page and the scorecard):
    the history used to show the appraised points and the reason before the release."""
    ap = build_appraisal(world, admin)
    with transaction.atomic():
        audit_record(
            actor=ap.editor_a,
            action="answer.value",
            cycle_id=ap.cycle.pk,
            unit_id=ap.a.unit_id,
            leaf_code=CHOICE_LEAF,
            before=None,
            after={"value": "dung_han"},
            reason="Kế hoạch số 01/KH",
        )
    ap_fx.adjust_and_flag(ap)
    assert Assessment.objects.get(pk=ap.a.pk).state == State.IN_APPRAISAL
    # The conflicted appraiser reads every unit's appraisal but is one of unit A's people.
    for own in (ap.editor_a, ap.head_a, ap.conflicted):
        page = history(browse(own), ap)
        assert ADJUST_REASON not in page
        assert "Kế hoạch số 01/KH" in page  # the unit's own entries stay
    for reader in (ap.viewer, ap.appraiser, ap.council, admin):
        assert ADJUST_REASON in history(browse(reader), ap)

    ap_fx.accept_all(ap, ap.a)
    ap_fx.services.assessment_release(assessment=ap.a, actor=admin)
    for own in (ap.editor_a, ap.head_a, ap.conflicted):
        assert ADJUST_REASON in history(browse(own), ap)
