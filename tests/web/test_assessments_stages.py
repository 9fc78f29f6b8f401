"""The calendar's one rule (``parindex.assessments.stages``): a stage is open from its window's
opening until the later of its close and the unit's latest extension, the closing instant
excluded; the council and publication ask the same rule of the cycle as a whole."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parindex.assessments import stages
from parindex.assessments.models import Stage, StageExtension, StageWindow
from parindex.assessments.services import stage_extend
from parindex.assessments.stages import Deadline, deadline, stage_is_open

from . import assessments_fixtures as fx
from .assessments_fixtures import DAY, Open

opened = fx.opened
media = fx.media

T0 = datetime.datetime(2025, 3, 1, 8, 0, tzinfo=datetime.UTC)  # the window opens
T1 = T0 + 10 * DAY  # the window closes
TICK = datetime.timedelta(microseconds=1)


def _window() -> StageWindow:
    return StageWindow(stage=Stage.SELF_ASSESSMENT, opens_at=T0, closes_at=T1)


def _extension(closes_at: datetime.datetime) -> StageExtension:
    return StageExtension(stage=Stage.SELF_ASSESSMENT, closes_at=closes_at)


@pytest.mark.parametrize(
    ("now", "expected"),
    [(T0 - TICK, False), (T0, True), (T1 - TICK, True), (T1, False)],
)
def test_a_window_opens_at_its_opening_and_closes_at_its_close(
    now: datetime.datetime, expected: bool
) -> None:
    assert Deadline(Stage.SELF_ASSESSMENT, _window()).is_open(now) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [(T0 - TICK, False), (T0, True), (T1, True), (T1 + DAY - TICK, True), (T1 + DAY, False)],
)
def test_an_extension_moves_the_close_not_the_opening(
    now: datetime.datetime, expected: bool
) -> None:
    dl = Deadline(Stage.SELF_ASSESSMENT, _window(), (_extension(T1 + DAY),))
    assert dl.is_open(now) is expected
    assert dl.closes_at == T1 + DAY and dl.extended


def test_an_extension_earlier_than_the_window_leaves_the_window_in_force() -> None:
    dl = Deadline(Stage.SELF_ASSESSMENT, _window(), (_extension(T1 - DAY),))
    assert dl.closes_at == T1 and not dl.extended
    assert dl.is_open(T1 - TICK) and not dl.is_open(T1)


def test_the_latest_of_several_extensions_counts() -> None:
    dl = Deadline(
        Stage.SELF_ASSESSMENT, _window(), (_extension(T1 + 3 * DAY), _extension(T1 + DAY))
    )
    assert dl.is_open(T1 + 3 * DAY - TICK) and not dl.is_open(T1 + 3 * DAY)


@pytest.mark.parametrize(
    ("now", "expected"), [(T0 - 100 * DAY, True), (T1 - TICK, True), (T1, False)]
)
def test_without_a_window_an_extension_alone_opens_the_stage_until_its_close(
    now: datetime.datetime, expected: bool
) -> None:
    dl = Deadline(Stage.APPRAISAL, None, (_extension(T1),))
    assert dl.is_open(now) is expected


def test_without_window_or_extension_the_stage_is_closed() -> None:
    dl = Deadline(Stage.APPRAISAL, None)
    assert not dl.is_open(T0) and dl.closes_at is None and dl.remaining(T0) is None


def test_remaining_counts_to_the_extended_close() -> None:
    dl = Deadline(Stage.SELF_ASSESSMENT, _window(), (_extension(T1 + DAY),))
    assert dl.remaining(T1) == 86400 and dl.remaining(T1 + 2 * DAY) == 0


# -- read from the database: a unit's extension counts for that unit only ----------------------


def _close_self_assessment(opened: Open) -> datetime.datetime:
    now = timezone.now()
    closes = now - datetime.timedelta(hours=1)
    StageWindow.objects.filter(cycle=opened.cycle, stage=Stage.SELF_ASSESSMENT).update(
        opens_at=now - 10 * DAY, closes_at=closes
    )
    return closes


def test_a_units_extension_opens_the_stage_for_that_unit_only_and_not_for_the_cycle(
    opened: Open, admin
) -> None:
    closes = _close_self_assessment(opened)
    until = timezone.now() + DAY
    stage_extend(
        assessment=opened.a,
        stage=Stage.SELF_ASSESSMENT,
        closes_at=until,
        reason="Mất điện",
        actor=admin,
    )
    assert stage_is_open(opened.a, Stage.SELF_ASSESSMENT)
    assert not stage_is_open(opened.a, Stage.SELF_ASSESSMENT, until)
    assert stage_is_open(opened.a, Stage.SELF_ASSESSMENT, until - TICK)
    assert not stage_is_open(opened.b, Stage.SELF_ASSESSMENT)
    assert not stage_is_open(opened.cycle, Stage.SELF_ASSESSMENT)
    assert stage_is_open(opened.cycle, Stage.SELF_ASSESSMENT, closes - TICK)
    assert deadline(opened.a).extended and not deadline(opened.b).extended
    assert deadline(opened.b).closes_at == closes


def test_the_council_and_publication_ask_the_same_rule_of_the_cycle(opened: Open) -> None:
    from parindex.appraisals.services import council

    window = StageWindow.objects.get(cycle=opened.cycle, stage=Stage.COUNCIL)
    for now in (window.opens_at - TICK, window.opens_at, window.closes_at - TICK, window.closes_at):
        assert council.stage_is_open(opened.cycle, Stage.COUNCIL, now) is (
            window.opens_at <= now < window.closes_at
        )
    publication = StageWindow.objects.get(cycle=opened.cycle, stage=Stage.PUBLICATION)
    assert not council.publication_open(opened.cycle, publication.opens_at - TICK)
    assert council.publication_open(opened.cycle, publication.opens_at)
    assert not council.publication_open(opened.cycle, publication.closes_at)
    # A cycle whose calendar has no publication stage may be published at any time.
    publication.delete()
    assert council.publication_open(opened.cycle, timezone.now())


def test_one_stage_rule_and_one_assessment_lock() -> None:
    """No second copy: the self-assessment, the appraisal and the council share them."""
    from parindex.appraisals.services import checks, council
    from parindex.assessments import services

    assert services.stage_is_open is checks.stage_is_open is council.stage_is_open
    assert council.stage_is_open is stages.stage_is_open
    assert not hasattr(council, "cycle_stage_open")
    assert checks.lock_assessment is services.lock_assessment
