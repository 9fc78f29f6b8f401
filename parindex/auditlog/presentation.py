"""How events read on the pages, in the reader's language: action labels, object types, field
names, coded values (states, stages, decisions, roles) and the reasons the services record
themselves; and the before → after lines.

An event stores codes (``cycle.state``, ``in_progress``, ``settled_points``, ``cycles.cycle``);
nothing here changes what is stored or hashed, only how it reads. Names come from the models
(``verbose_name``, the choices' labels) where a model field carries them, and from the small
tables below for what events record that no model field names.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parindex.accounts.apitokens import CHANNEL as API_TOKEN_CHANNEL
from parindex.accounts.models import ROLE_CHOICES
from parindex.appraisals.models import Decision, Outcome
from parindex.assessments.models import Stage
from parindex.assessments.templatetags.assessments import STATE_LABELS as ASSESSMENT_STATES
from parindex.audit.models import AuditEvent
from parindex.core import Node
from parindex.core.display import value_label
from parindex.cycles.models import Cycle
from parindex.national.notes import note_text
from parindex.plans.models import Task
from parindex.shared.language import lang
from parindex.units.models import Unit

# The actions the feature apps record; any other action shows as its code.
ACTION_LABELS = {
    "answer.value": _("Answer changed"),
    "assessment.open": _("Self-assessment opened"),
    "assessment.state": _("Assessment state changed"),
    "assessment.submit": _("Self-assessment submitted"),
    # the administrator reopening a self-assessment, or the council an approved assessment
    "assessment.reopen": _("Assessment reopened"),
    "assessment.reopen_self": _("Self-assessment reopened"),
    "assessment.withdraw": _("Submission withdrawn by the unit"),
    "assessment.withdrawal_allow": _("Another withdrawal allowed"),
    "council.member": _("Council member named or changed"),
    "council.settings": _("Council settings changed"),
    "council.vote": _("Council member's decision"),
    "council.document": _("Council document attached"),
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
    "results.snapshot_superseded": _("Results snapshot superseded"),
    "survey.job_retry": _("Survey job run again"),
    "uncertainty.run": _("Rank uncertainty run started"),
    "framework.import": _("Framework imported"),
    "framework.mapping_import": _("Node mapping between framework versions imported"),
    "plan.create": _("Plan created"),
    "plan.update": _("Plan updated"),
    "plan.area_add": _("Plan content area added"),
    "plan.area_change": _("Plan content area changed"),
    "plan.target_set": _("Plan target set"),
    "plan.target_delete": _("Plan target removed"),
    "task.create": _("Task created"),
    "task.update": _("Task updated"),
    "task.status": _("Task status changed"),
    "task.report": _("Task progress reported"),
    "unit.create": _("Unit created"),
    "unit.merge": _("Units merged"),
    "national.result_add": _("National result added"),
    "national.result_change": _("National result changed"),
    "national.year_add": _("National year added"),
    "national.year_change": _("National year changed"),
    # the admin's own saves (``AuditedAdmin``: ``<model>.create`` / ``<model>.update``)
    "cycle.create": _("Cycle created"),
    "cycle.update": _("Cycle changed"),
    # the cycle pages (``parindex.office.services``)
    "cycle.unit_add": _("Unit added to the cycle"),
    "cycle.unit_remove": _("Unit removed from the cycle"),
    "cycle.cancel": _("Cycle cancelled"),
    "unit.update": _("Unit changed"),
    "succession.create": _("Unit succession recorded"),
    "succession.update": _("Unit succession changed"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "survey.import_queue": _("Survey response import queued"),
}

# An admin save of a model with no label above: ``<model>.create`` / ``<model>.update``.
ADMIN_ACTION_LABELS: dict[str, Promise] = {
    "create": _("Added: %(object)s"),
    "update": _("Changed: %(object)s"),
}

# What events record that no field of their target model names (or names as well).
FIELD_LABELS: dict[str, Promise] = {
    "accounts": _("accounts"),
    "added": _("forms added"),
    "already_stored": _("forms already stored"),
    "appraised_points": _("points as appraised"),
    "area": _("area"),
    "areas": _("number of contents"),
    "attempt": _("attempt"),
    "changed": _("targets changed"),
    "code": _("code"),
    "content_type": _("content type"),
    "copied_from": _("copied from"),
    "count": _("number of links"),
    "cover_evidence": _("signed cover document"),
    "cycle": _("cycle"),
    "emailed_to": _("e-mailed to"),
    "evidence": _("evidence"),
    "file": _("file name"),
    "file_name": _("file name"),
    "final_points": _("points in force"),
    "group": _("respondent group"),
    "in_force": _("in force"),
    "inputs_sha256": _("SHA-256 of the inputs"),
    "issued_at": _("activation link issued at"),
    "nodes": _("number of framework nodes"),
    "owner": _("owner"),
    "note": _("note"),
    "own_units_left_out": _("own units left out"),
    "points": _("points"),
    "predecessor": _("predecessor unit"),
    "province": _("province"),
    "reason": _("reason"),
    "released": _("released to the units"),
    "role": _("role"),
    "roles": _("roles"),
    "round": _("round"),
    "rows": _("rows"),
    "self_points": _("points as declared"),
    "sha256": _("SHA-256"),
    "size": _("size (bytes)"),
    "stage": _("stage"),
    "state": _("state"),
    "status": _("status"),
    "successor": _("successor unit"),
    "task": _("task"),
    "title": _("title"),
    "unit": _("unit"),
    "units": _("units"),
    "user": _("person"),
    "valid_to": _("valid to"),
    "value": _("value"),
    "version": _("version"),
}

# Coded values, by field name, for events whose target model does not label them.
VALUE_LABELS: dict[str, Mapping[str, Any]] = {
    "decision": dict(Decision.choices),
    "outcome": dict(Outcome.choices),
    "role": dict(ROLE_CHOICES),
    "stage": dict(Stage.choices),
    "state": {**dict(Cycle.State.choices), **{str(k): v for k, v in ASSESSMENT_STATES.items()}},
}
# A state is an assessment's or a cycle's: the target says which.
TARGET_VALUE_LABELS: dict[tuple[str, str], Mapping[str, Any]] = {
    ("assessments.assessment", "state"): {str(k): v for k, v in ASSESSMENT_STATES.items()},
    ("cycles.cycle", "state"): dict(Cycle.State.choices),
    # a progress report records the status of its task
    ("plans.progressreport", "status"): dict(Task.Status.choices),
}

# Values written in a file's own words, read in the reader's language where a phrase is known.
TARGET_VALUE_TEXTS: dict[tuple[str, str], Callable[[str], str]] = {
    ("national.nationalresult", "note"): note_text,
    ("national.nationalyear", "note"): note_text,
}

# Reasons the services write themselves (a person's reason is shown as written).
REASON_LABELS: dict[str, Promise] = {
    "Excel import": _("Imported from an Excel file"),
    "survey aggregation": _("Survey aggregation"),
    "Accepted as declared (bulk)": _("Accepted as declared (bulk)"),
}


def action_label(action: str) -> str:
    """The action for people; an admin save of a model the table does not name by the model's
    name (``Added: Unit``); anything else as recorded."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    model_name, _dot, verb = action.partition(".")
    model = _admin_model(model_name) if verb in ADMIN_ACTION_LABELS else None
    if model is None:
        return action
    return str(ADMIN_ACTION_LABELS[verb]) % {"object": capfirst(str(model._meta.verbose_name))}


@cache
def _admin_model(model_name: str) -> type[models.Model] | None:
    """The one installed model of that (lower-case) name, if exactly one has it."""
    found = [m for m in apps.get_models() if m._meta.model_name == model_name]
    return found[0] if len(found) == 1 else None


@cache
def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _field(target_type: str, name: str) -> models.Field[Any, Any] | None:
    """The target model's own field of that name (not a reverse relation), if any."""
    model = _model(target_type) if target_type else None
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def target_label(target_type: str, target_id: str = "") -> str:
    """``cycles.cycle`` 5 as "Cycle #5", in the reader's language (the model's verbose name)."""
    model = _model(target_type) if target_type else None
    name = capfirst(str(model._meta.verbose_name)) if model is not None else target_type
    return f"{name} #{target_id}" if target_id else name


def field_label(name: str, target_type: str = "") -> str:
    """A recorded field's name for people: the target model's verbose name when it has one
    (translated), else the table's, else the name as recorded."""
    field = _field(target_type, name)
    if field is not None and isinstance(field.verbose_name, Promise):
        return capfirst(str(field.verbose_name))
    if name in FIELD_LABELS:
        return capfirst(str(FIELD_LABELS[name]))
    return name


def _value_labels(name: str, target_type: str) -> Mapping[str, Any] | None:
    labels = TARGET_VALUE_LABELS.get((target_type, name))
    if labels is not None:
        return labels
    field = _field(target_type, name)
    if field is not None and field.choices:
        choices = {str(k): v for k, v in field.flatchoices}
        if any(str(v) != k for k, v in choices.items()):  # not bare codes
            return choices
    return VALUE_LABELS.get(name)


# A change sent through an API token: the service's reason, then the token
# (``audit.services.recorded_through``).
_THROUGH_TOKEN = re.compile(
    r"(?:(?P<reason>.*) · )?"
    + re.escape(API_TOKEN_CHANNEL)
    .replace(re.escape("{name}"), "(?P<name>.*)")
    .replace(re.escape("{prefix}"), "(?P<prefix>[^()]*)"),
    re.DOTALL,
)


def reason_label(reason: str) -> str:
    through = _THROUGH_TOKEN.fullmatch(reason)
    if through is None:
        return str(REASON_LABELS.get(reason, reason))
    token = _("Sent through the API token “%(name)s” (%(prefix)s)") % {
        "name": through["name"],
        "prefix": through["prefix"],
    }
    own = through["reason"]
    return f"{REASON_LABELS.get(own, own)} · {token}" if own else str(token)


# Fields holding a date whose name does not end in ``_on`` or ``_date``.
DATE_FIELDS = frozenset({"date", "deadline", "valid_from", "valid_to"})


def _moment(name: str, value: str) -> str | None:
    """An ISO date or time the trail stored, as the pages write them (local time)."""
    if name.endswith("_at"):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return dateformat.format(moment, "d/m/Y H:i")
    if name.endswith(("_on", "_date")) or name in DATE_FIELDS:
        try:
            day = parse_date(value)
        except ValueError:  # shaped like a date, but none (2025-02-30)
            return None
        if isinstance(day, datetime.date):
            return dateformat.format(day, "d/m/Y")
    return None


def holds_leaf_value(name: str) -> bool:
    """A recorded field that holds a value of the event's leaf, as entered or appraised (an
    option key such as ``dung_han``, ``có``, ``45/50``)."""
    return name == "value" or name.endswith("_value")


def show(value: Any, name: str = "", target_type: str = "", leaf: Node | None = None) -> str:
    """A recorded value for people: codes by their labels, a leaf's value as the reader reads it
    (an option by its title, numbers in their format), dates as dates, lists and mappings
    spelled out; anything else as recorded."""
    if value is None or value == "":
        return "—"
    if leaf is not None and isinstance(value, str) and holds_leaf_value(name):
        return value_label(leaf, value, lang())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, str):
        text = TARGET_VALUE_TEXTS.get((target_type, name))
        if text is not None:
            return text(value) or value
        labels = _value_labels(name, target_type) if name else None
        if labels is not None and value in labels:
            return str(labels[value])
        return _moment(name, value) or value
    if isinstance(value, list):
        return ", ".join(show(item, name, target_type) for item in value) if value else "—"
    if isinstance(value, dict):
        if value.keys() == {"code", "min"}:  # a band of the national table: A ≥ 90
            return f"{value['code']} ≥ {value['min']}"
        if "role" in value:  # a role assignment: {role, unit, area, row?}
            scope = [str(value[k]) for k in ("unit", "area") if value.get(k)]
            role = show(value["role"], "role")
            return f"{role} ({', '.join(scope)})" if scope else role
        return "; ".join(
            f"{field_label(k, target_type)}: {show(v, k, target_type)}" for k, v in value.items()
        )
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class Change:
    field: str  # the field's label
    before: str
    after: str
    changed: bool
    code: str = ""  # the field's name as recorded


def changes(
    before: Any, after: Any, target_type: str = "", leaf: Node | None = None
) -> list[Change]:
    """One line per field named in before or after, in first-seen order; ``leaf``: the leaf
    the event is about, whose values are shown as the reader reads them."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return [Change("", show(before), show(after), before != after)]
    old, new = before or {}, after or {}
    fields = list(dict.fromkeys([*old, *new]))
    return [
        Change(
            field_label(name, target_type),
            show(old.get(name), name, target_type, leaf) if name in old else "—",
            show(new.get(name), name, target_type, leaf) if name in new else "—",
            old.get(name) != new.get(name),
            name,
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
    target: str = ""  # the object changed, e.g. "Cycle #5"
    reason: str = ""  # the reason, a service's own reason by its label


def rows(
    events: list[AuditEvent],
    cycles: dict[int, Cycle] | None = None,
    units: dict[int, Unit] | None = None,
    leaf_of: Callable[[AuditEvent], Node | None] = lambda event: None,
) -> list[EventRow]:
    """Events as the pages show them; ``cycles``/``units`` name the ones they mention;
    ``leaf_of`` gives the framework leaf an event is about, if any."""
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
                changes(event.before, event.after, event.target_type, leaf_of(event)),
                cycles.get(event.cycle_id) if event.cycle_id is not None else None,
                units.get(event.unit_id) if event.unit_id is not None else None,
                target_label(event.target_type, event.target_id) if event.target_type else "",
                reason_label(event.reason),
            )
        )
    return result
