"""The calendar's one rule: is a stage open, for one unit or for the cycle as a whole, at a time?

A stage is open from its window's opening until the later of the window's close and the unit's
latest extension of that stage, the closing instant itself excluded. Without a window, an
extension alone opens the stage until the extension's close; with neither, the stage is closed.
The cycle as a whole (the council's approval, publication) has no unit and so no extension.

Every check of a stage window (the self-assessment's writes, the appraisal and explanation
rounds, the council, publication, the unit's countdown) asks ``stage_is_open`` or a
``Deadline``; the reminders, which batch their queries, use ``effective_close``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from parindex.cycles.models import Cycle

from .models import Assessment, Stage, StageExtension, StageWindow


def effective_close(
    window: StageWindow | None, extensions: Sequence[StageExtension]
) -> datetime.datetime | None:
    """The closing time in force for one unit: its latest extension, else the stage's."""
    latest = max((e.closes_at for e in extensions), default=None)
    if window is None:
        return latest
    return max(window.closes_at, latest) if latest else window.closes_at


@dataclass(frozen=True)
class Deadline:
    """A stage as one unit (or, without extensions, the whole cycle) sees it."""

    stage: str
    window: StageWindow | None
    extensions: tuple[StageExtension, ...] = ()

    @property
    def opens_at(self) -> datetime.datetime | None:
        return self.window.opens_at if self.window is not None else None

    @property
    def closes_at(self) -> datetime.datetime | None:
        return effective_close(self.window, self.extensions)

    @property
    def extended(self) -> bool:
        """Does an extension move this unit's close beyond the cycle's?"""
        return bool(self.extensions) and (
            self.window is None or self.closes_at != self.window.closes_at
        )

    def is_open(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        closes, opens = self.closes_at, self.opens_at
        return closes is not None and (opens is None or opens <= now) and now < closes

    def remaining(self, now: datetime.datetime | None = None) -> int | None:
        """Whole seconds until the close (0 once closed), None without a calendar."""
        closes = self.closes_at
        if closes is None:
            return None
        return max(0, int((closes - (now or timezone.now())).total_seconds()))

    @property
    def not_yet_open(self) -> bool:
        return self.opens_at is not None and timezone.now() < self.opens_at


def deadline(target: Assessment | Cycle, stage: str = Stage.SELF_ASSESSMENT) -> Deadline:
    """``stage`` for a unit (its assessment, with its extensions) or for a whole cycle."""
    if isinstance(target, Assessment):
        cycle_id = target.cycle_id
        extensions = tuple(StageExtension.objects.filter(assessment=target, stage=stage))
    else:
        cycle_id, extensions = target.pk, ()
    window = StageWindow.objects.filter(cycle_id=cycle_id, stage=stage).first()
    return Deadline(stage, window, extensions)


def stage_is_open(
    target: Assessment | Cycle, stage: str, now: datetime.datetime | None = None
) -> bool:
    """Is ``stage`` open at ``now`` (the time the request arrived) for the assessment's unit,
    its extensions included, or for the cycle as a whole?"""
    return deadline(target, stage).is_open(now)
