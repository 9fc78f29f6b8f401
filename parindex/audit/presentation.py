"""How events read on the pages: action labels and the before → after lines."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.units.models import Unit

# The actions the feature apps record; any other action shows as its code.
ACTION_LABELS = {
    "answer.value": _("Answer changed"),
    "assessment.open": _("Self-assessment opened"),
    "assessment.state": _("Assessment state changed"),
    "assessment.submit": _("Self-assessment submitted"),
    "assessment.reopen": _("Self-assessment reopened"),
    "calendar.set": _("Calendar set"),
    "stage.extend": _("Deadline extended"),
    "cycle.state": _("Cycle state changed"),
    "evidence.link": _("Evidence linked"),
    "evidence.unlink": _("Evidence unlinked"),
    "appraisal.adjust": _("Appraisal adjusted"),
    "assignment.create": _("Assignment created"),
    "account.create": _("Account created"),
    "account.update": _("Account updated"),
    "account.activate": _("Account activated"),
    "account.activation_send": _("Activation link sent"),
    "account.deactivate": _("Account deactivated"),
    "account.reactivate": _("Account reactivated"),
    "account.password_change": _("Password changed"),
    "account.password_reset": _("Password reset"),
    "account.role_add": _("Role granted"),
    "account.role_remove": _("Role removed"),
    "account.import_check": _("Account import checked"),
    "account.import_apply": _("Accounts imported"),
    "account.remind": _("Activation reminder sent"),
    "evidence.upload": _("Evidence uploaded"),
    "evidence.reference": _("Document cited as evidence"),
    "appraiser.assign": _("Appraiser assigned"),
    "appraiser.unassign": _("Appraiser unassigned"),
    "appraisal.accepted": _("Accepted as declared"),
    "appraisal.adjusted": _("Appraisal adjusted"),
    "appraisal.flagged": _("Flagged for explanation"),
    "appraisal.agreed": _("The unit agreed"),
    "appraisal.settle": _("Disputed item settled"),
    "assessment.start_appraisal": _("Appraisal started"),
    "assessment.release": _("Appraisal released to the unit"),
    "assessment.reply": _("Explanations sent"),
    "assessment.return_again": _("Returned for another explanation round"),
    "assessment.settle": _("Disputes settled"),
    "assessment.finish": _("Appraisal finished"),
    "assessment.approve": _("Approved by the council"),
    "assessment.publish": _("Published"),
    "reply.save": _("Explanation saved"),
    "reply.evidence_link": _("Evidence linked to an explanation"),
    "reply.evidence_unlink": _("Evidence unlinked from an explanation"),
    "results.snapshot": _("Results snapshot taken"),
    "survey.plan_set": _("Survey plan set"),
    "survey.questionnaire_import": _("Questionnaire imported"),
    "survey.links_issue": _("Survey links issued"),
    "survey.forms_import": _("Survey forms imported"),
    "survey.release": _("Survey results released"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    changed: bool


def changes(before: Any, after: Any) -> list[Change]:
    """One line per field named in before or after, in first-seen order."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [Change("", show(before), show(after), before != after)]
    old, new = before or {}, after or {}
    fields = list(dict.fromkeys([*old, *new]))
    return [
        Change(
            name,
            show(old.get(name)) if name in old else "—",
            show(new.get(name)) if name in new else "—",
            old.get(name) != new.get(name),
        )
        for name in fields
    ]


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action: str
    actor: str
    changes: list[Change]
    cycle: Cycle | None = None
    unit: Unit | None = None


def rows(
    events: list[AuditEvent],
    cycles: dict[int, Cycle] | None = None,
    units: dict[int, Unit] | None = None,
) -> list[EventRow]:
    """Events as the pages show them; ``cycles``/``units`` name the ones they mention."""
    cycles, units = cycles or {}, units or {}
    result = []
    for event in events:
        if event.actor_id is None:
            actor = str(_("System"))
        elif event.actor is None:
            actor = str(_("deleted user #%(id)s") % {"id": event.actor_id})
        else:
            actor = str(event.actor)
        result.append(
            EventRow(
                event,
                action_label(event.action),
                actor,
                changes(event.before, event.after),
                cycles.get(event.cycle_id) if event.cycle_id is not None else None,
                units.get(event.unit_id) if event.unit_id is not None else None,
            )
        )
    return result
