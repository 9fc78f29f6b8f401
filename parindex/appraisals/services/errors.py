"""What the appraisal's writes refuse, one class per reason a page answers differently
(a conflict of interest, another area, a closed stage, a stale page)."""

from __future__ import annotations

from parindex.appraisals.models import LeafAppraisal
from parindex.core import ParindexError


class AppraisalError(ParindexError):
    """An appraisal write parindex refuses; the message tells the person why."""


class ConflictOfInterest(AppraisalError):
    """Nobody appraises their own unit."""


class NotYourArea(AppraisalError):
    """The leaf belongs to an area the person is not assigned to in this cycle."""


class StageClosed(AppraisalError):
    """The stage of the calendar this action belongs to is not open at the time of the request."""


class AppraisalConflict(AppraisalError):
    """Somebody else changed the leaf's appraisal since the page was loaded."""

    def __init__(self, message: str, *, current: LeafAppraisal) -> None:
        super().__init__(message)
        self.current = current
