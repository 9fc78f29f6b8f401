"""Writes of the appraisal, one module per stage of the workflow:

- ``assignment``: the administrator assigns appraisers to the areas of a cycle;
- ``decisions``: the appraisers accept, adjust or flag leaves (one by one or in bulk);
- ``explanation``: the release to the unit (one, or every ready one), its replies, the
  settlement and the rounds;
- ``council``: the members' decisions, the approval they reach (a snapshot), its reopening,
  and publication;
- ``council_members``: who sits on the council of a cycle, its rule and its documents;
- ``people``: notifications to the unit and the reminder to a person who never logged in;
- ``checks`` and ``state``: what every write checks on arrival and what it leaves behind;
- ``errors``: what the writes refuse.

Each function runs in one transaction, locks the assessment (or the cycle) it changes, checks
again on arrival what the caller's page already showed (state, calendar, the actor's areas and
units), persists a workflow transition only after ``core.workflow.transition`` accepts it, and
writes an audit event for every change in the same transaction. The figure in force for a leaf
after appraisal is mirrored into ``results.AppraisedValue`` by ``state.final_sync``.

Callers import from here (``from parindex.appraisals import services``), not from the modules.
"""

from parindex.appraisals.leaves import appraisable, area_of, in_force, points_text
from parindex.core.workflow import WorkflowError

from .assignment import appraiser_assign, appraiser_unassign
from .checks import assigned_areas, check_appraiser, check_points, conflict_unit_ids
from .council import (
    CouncilDecision,
    approval_reached,
    council_vote,
    cycle_approve,
    cycle_publish,
    cycle_reopen,
    not_ready_for_council,
    publication_open,
)
from .council_members import (
    council_document_add,
    council_member_remove,
    council_member_set,
    council_of,
    council_settings_set,
    is_member,
    members_of,
)
from .decisions import (
    APPRAISAL_STATES,
    Target,
    leaf_appraise,
    leaves_accept_untouched,
    untouched_leaves,
)
from .errors import AppraisalConflict, AppraisalError, ConflictOfInterest, NotYourArea, StageClosed
from .explanation import (
    ReleaseAll,
    appraisals_release_all,
    assessment_release,
    current_round,
    leaf_settle,
    may_close_round,
    replies_send,
    reply_evidence_unlink,
    reply_save,
    round_close,
    round_return,
)
from .people import account_remind, unit_page_url
from .state import results_refresh

__all__ = [
    "APPRAISAL_STATES",
    "AppraisalConflict",
    "AppraisalError",
    "ConflictOfInterest",
    "CouncilDecision",
    "NotYourArea",
    "ReleaseAll",
    "StageClosed",
    "Target",
    "WorkflowError",
    "account_remind",
    "appraisable",
    "appraisals_release_all",
    "appraiser_assign",
    "appraiser_unassign",
    "approval_reached",
    "area_of",
    "assessment_release",
    "assigned_areas",
    "check_appraiser",
    "check_points",
    "conflict_unit_ids",
    "council_document_add",
    "council_member_remove",
    "council_member_set",
    "council_of",
    "council_settings_set",
    "council_vote",
    "current_round",
    "cycle_approve",
    "cycle_publish",
    "cycle_reopen",
    "in_force",
    "is_member",
    "leaf_appraise",
    "leaf_settle",
    "leaves_accept_untouched",
    "may_close_round",
    "members_of",
    "not_ready_for_council",
    "points_text",
    "publication_open",
    "replies_send",
    "reply_evidence_unlink",
    "reply_save",
    "results_refresh",
    "round_close",
    "round_return",
    "unit_page_url",
    "untouched_leaves",
]
