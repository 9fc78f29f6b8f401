"""Pages of the appraisal, one module per person's work:

- ``home``: the cycles in which the person has appraisal work;
- ``appraiser``: the appraiser's queue and leaf page;
- ``unit_page``: a unit's appraisal page with its replies, and closing the round;
- ``administrator``: releases, another round, assignments, the tracking board, reminders;
- ``council_page``: the council's page, its members' decisions, reopening and publication,
  the minutes, and the administrator's page naming the council.

Irreversible and bulk actions (accepting untouched leaves, releases, removing an appraiser,
the council's decision, publication) answer a GET with a confirmation page that counts what
will happen, and act only on the POST from that page (``common.confirmation_token``).

Every view reaches its objects through ``access`` and writes through ``services``, which check
the state, the calendar and the actor again when the request arrives. With htmx the queue's
filters and its accept buttons swap fragments; without JavaScript every form still posts and
redirects.
"""

from .administrator import (
    assignments,
    release,
    release_all,
    remind,
    return_again,
    tracking,
    unassign,
)
from .appraiser import accept_untouched, leaf, leaf_decide, leaf_preview, leaf_settle, queue
from .council_page import (
    approve,
    council,
    council_document,
    council_member_remove,
    council_members,
    publish,
    reopen,
)
from .home import index
from .unit_page import close, reply, reply_evidence_unlink, send, unit

__all__ = [
    "accept_untouched",
    "approve",
    "assignments",
    "close",
    "council",
    "council_document",
    "council_member_remove",
    "council_members",
    "index",
    "leaf",
    "leaf_decide",
    "leaf_preview",
    "leaf_settle",
    "publish",
    "queue",
    "release",
    "release_all",
    "remind",
    "reopen",
    "reply",
    "reply_evidence_unlink",
    "return_again",
    "send",
    "tracking",
    "unassign",
    "unit",
]
