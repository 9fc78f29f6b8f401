"""The calendars of the demo's cycles, set relative to the moment the demo is built, so that each
cycle is at its stage whenever it is built: one open for self-assessment, one in appraisal with
its explanation rounds open, one before its council, one awaiting publication.

``Clock`` gives the moments, inside each stage's window and never after the build, at which the
demo's people act: the dates the pages show (submitted, appraised, replied, decided) then agree
with the calendar."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from parindex.assessments.models import Stage

DAY = datetime.timedelta(days=1)
Windows = dict[str, tuple[datetime.datetime, datetime.datetime]]

# Where each cycle stands, and its stage windows in days from the build (opening, closing).
SELF_ASSESSMENT, APPRAISAL, COUNCIL, PUBLICATION = (
    "self_assessment",
    "appraisal",
    "council",
    "publication",
)
OFFSETS: dict[str, dict[str, tuple[int, int]]] = {
    SELF_ASSESSMENT: {
        Stage.SELF_ASSESSMENT: (-21, 10),
        Stage.APPRAISAL: (11, 40),
        Stage.EXPLANATION: (25, 47),
        Stage.COUNCIL: (48, 56),
        Stage.PUBLICATION: (57, 70),
    },
    APPRAISAL: {
        Stage.SELF_ASSESSMENT: (-60, -25),
        Stage.APPRAISAL: (-24, 12),
        Stage.EXPLANATION: (-10, 20),
        Stage.COUNCIL: (21, 30),
        Stage.PUBLICATION: (31, 45),
    },
    COUNCIL: {
        Stage.SELF_ASSESSMENT: (-120, -85),
        Stage.APPRAISAL: (-84, -45),
        Stage.EXPLANATION: (-60, -20),
        Stage.COUNCIL: (-5, 14),
        Stage.PUBLICATION: (15, 30),
    },
    PUBLICATION: {
        Stage.SELF_ASSESSMENT: (-200, -165),
        Stage.APPRAISAL: (-164, -125),
        Stage.EXPLANATION: (-140, -100),
        Stage.COUNCIL: (-90, -60),
        Stage.PUBLICATION: (-10, 20),
    },
}


def calendar(where: str, now: datetime.datetime) -> Windows:
    """The stage windows of a cycle at stage ``where``, around ``now``."""
    return {stage: (now + a * DAY, now + b * DAY) for stage, (a, b) in OFFSETS[where].items()}


def while_filling(windows: Windows, now: datetime.datetime) -> Windows:
    """The calendar while the demo's units fill their self-assessment: the same, with the
    self-assessment open until just after ``now`` (evidence is linked at the time it is
    built); the administrator sets the real calendar once the units have submitted."""
    opens, closes = windows[Stage.SELF_ASSESSMENT]
    return {
        **windows,
        Stage.SELF_ASSESSMENT: (opens, max(closes, now + datetime.timedelta(hours=1))),
    }


@dataclass(frozen=True)
class Clock:
    windows: Windows
    now: datetime.datetime

    def at(self, stage: str, fraction: float) -> datetime.datetime:
        """The moment ``fraction`` of the way through the stage's window, up to ``now``."""
        opens, closes = self.windows[stage]
        end = min(closes, self.now - datetime.timedelta(minutes=1))
        return opens + (end - opens) * fraction
