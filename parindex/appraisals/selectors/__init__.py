"""Reads of the appraisal, one module per page:

- ``queue``: the appraiser's queue;
- ``unit``: a unit's appraisal page, and the appraisers' points on its scorecard;
- ``tracking_board``: the administrator's tracking board, the people who never logged in and
  whom a reminder cannot reach;
- ``council_page``: the council's page;
- ``assignment``: who appraises what;
- ``figures``: one leaf of one unit as every page shows it;
- ``confirmations``: what the confirmation pages count before an irreversible or bulk action.

Every figure of points comes from the core (``leaves.Points`` for one leaf,
``results.services.cycle_result`` for a whole cycle). Callers import from here
(``from parindex.appraisals import selectors``), not from the modules.
"""

from .assignment import appraiser_cycles, appraisers, assignments
from .confirmations import (
    ReleaseAllPreview,
    ReleaseRow,
    UnassignPreview,
    release_all_preview,
    release_row,
    unassign_preview,
)
from .council_page import Adjustment, Council, CouncilRow, OpenLeaf, council
from .figures import STATUSES, LeafFigures, leaf_dom_id, leaf_status
from .queue import QUEUE_STATES, Queue, appraiser_queue
from .tracking_board import (
    TRACKING_FILTERS,
    AreaProgress,
    CyclePeople,
    CyclePerson,
    Tracking,
    TrackingRow,
    cycle_people,
    cycle_person,
    tracking,
)
from .unit import (
    LeafNotes,
    RoundComments,
    UnitAppraisal,
    UnitRow,
    appraised_points,
    leaf_notes,
    unit_appraisal,
)

__all__ = [
    "QUEUE_STATES",
    "STATUSES",
    "TRACKING_FILTERS",
    "Adjustment",
    "AreaProgress",
    "Council",
    "CouncilRow",
    "CyclePeople",
    "CyclePerson",
    "LeafFigures",
    "LeafNotes",
    "OpenLeaf",
    "Queue",
    "ReleaseAllPreview",
    "ReleaseRow",
    "RoundComments",
    "Tracking",
    "TrackingRow",
    "UnassignPreview",
    "UnitAppraisal",
    "UnitRow",
    "appraised_points",
    "appraiser_cycles",
    "appraiser_queue",
    "appraisers",
    "assignments",
    "council",
    "cycle_people",
    "cycle_person",
    "leaf_dom_id",
    "leaf_notes",
    "leaf_status",
    "release_all_preview",
    "release_row",
    "tracking",
    "unassign_preview",
    "unit_appraisal",
]
