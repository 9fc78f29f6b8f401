"""A cycle that went through the whole appraisal and was published by the council, for the
documents' tests: unit A's choice leaf adjusted (the unit agreed), its ratio leaf flagged,
disputed and settled on a new figure; the other units accepted whole; the decision's number
and date recorded at publication.

Not a test module: the test modules take ``published`` by importing it."""

from __future__ import annotations

import datetime

import pytest

from parindex.appraisals import services

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal, build_appraisal
from .factories import World, admin_create

DECISION = "Quyết định số 12/QĐ-UBND"
DECIDED = datetime.date(2025, 1, 15)
# What was said about unit A's leaves in the round (appraisals_fixtures).
ADJUSTMENT_REASON = "Kế hoạch ban hành ngày 20/01, quá hạn."
FLAG_REASON = "Giải trình số nhiệm vụ hoàn thành."
DISPUTE_REASON = "Đã hoàn thành 100% nhiệm vụ, xem báo cáo."
SETTLEMENT_REASON = "Báo cáo bổ sung cho thấy 75% nhiệm vụ hoàn thành."


def publish(ap: Appraisal) -> Appraisal:
    fx.all_appraised(ap)
    services.cycle_approve(cycle=ap.cycle, actor=ap.council)
    services.cycle_publish(
        cycle=ap.cycle, actor=ap.council, decision=DECISION, decision_date=DECIDED
    )
    ap.refresh()
    return ap


@pytest.fixture
def published(world: World) -> Appraisal:
    """The 2025 cycle of ``appraisals_fixtures``, appraised whole and published."""
    return publish(build_appraisal(world, admin_create()))
