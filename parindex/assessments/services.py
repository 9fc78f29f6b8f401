"""Writes of the self-assessment: the calendar, values, evidence links, submission.

Every write runs in one transaction, checks on arrival that the assessment is still editable
(its state and its stage window, extensions included) and records an audit event for each change
in the same transaction. Concurrent edits of one leaf are refused by version, never overwritten.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, User
from parindex.accounts.selectors import par_admins
from parindex.audit.services import audit_record
from parindex.core import Framework, Node, ParindexError, ValueRuleError, score_leaf
from parindex.core.display import canonical_value
from parindex.core.messages import msg
from parindex.core.rules import normalize_value
from parindex.core.workflow import EDITABLE_BY_UNIT, Action, State, WorkflowError, transition
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.notifications.services import notify
from parindex.results.models import Answer
from parindex.results.services import unit_results_refresh

from .access import unit_roles
from .models import AnswerEvidence, Assessment, Stage, StageExtension, StageWindow
from .refusals import NEEDS_REASON, NEEDS_ROLE, NOT_POSSIBLE, workflow_refusal
from .stages import deadline, stage_is_open

if TYPE_CHECKING:
    from parindex.evidence.models import Evidence

    from .excel import CellConflict, CellProblem


class AssessmentError(ParindexError):
    """A self-assessment write parindex refuses; the message tells the person why."""


class StageClosed(AssessmentError):
    """The stage window (with the unit's extensions) is not open at the time of the request."""


class AssessmentLocked(AssessmentError):
    """The assessment's state no longer lets the unit change it (e.g. it was submitted)."""


class AlreadySubmitted(AssessmentLocked):
    """A second submission of an assessment that is already submitted (e.g. a double click)."""


class SubmissionBlocked(AssessmentError):
    """Submission refused until the listed leaves have their required evidence."""

    def __init__(self, message: str, *, missing: list[Node]) -> None:
        super().__init__(message)
        self.missing = missing


class AnswerConflict(AssessmentError):
    """Somebody else saved this leaf since the editor loaded it: ``current`` is their answer."""

    def __init__(self, message: str, *, current: Answer, attempted: str) -> None:
        super().__init__(message)
        self.current = current
        self.attempted = attempted


class CalendarError(AssessmentError):
    """A calendar that cannot be set as given."""


STAGE_ORDER = [s.value for s in Stage]


# -- the calendar ------------------------------------------------------------------------------


def ensure_editable(assessment: Assessment, now: datetime.datetime | None = None) -> None:
    """Raise unless the unit may change the assessment now: state editable, stage open."""
    now = now or timezone.now()
    if assessment.state not in EDITABLE_BY_UNIT:
        if assessment.state == State.SUBMITTED:
            raise AlreadySubmitted(
                _("The self-assessment was submitted: it can no longer be changed.")
            )
        raise AssessmentLocked(_("The self-assessment can no longer be changed in this state."))
    if not stage_is_open(assessment, Stage.SELF_ASSESSMENT, now):
        raise StageClosed(
            _("The self-assessment period is closed for this unit: nothing was saved.")
        )


def lock_assessment(assessment: Assessment) -> Assessment:
    """The assessment row, locked until the transaction ends: it serialises the writes of the
    unit's self-assessment and of its appraisal.

    Only the assessment's row is locked: on PostgreSQL a plain FOR UPDATE also locks every
    joined row (the cycle among them), which would serialise all writes of a cycle and could
    deadlock with the council's lock on the cycle."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle", "cycle__framework_version", "unit")
        .get(pk=assessment.pk)
    )


Windows = Mapping[str, tuple[datetime.datetime, datetime.datetime]]


def _check_windows(windows: Windows) -> None:
    problems = []
    for stage, (opens, closes) in windows.items():
        if stage not in STAGE_ORDER:
            problems.append(_("Unknown stage “%(stage)s”.") % {"stage": stage})
        elif closes <= opens:
            problems.append(
                _("%(stage)s: the closing time must come after the opening time.")
                % {"stage": Stage(stage).label}
            )
    if Stage.SELF_ASSESSMENT not in windows:
        problems.append(_("The self-assessment stage needs dates."))
    ordered = [windows[s] for s in STAGE_ORDER if s in windows]
    for (open1, _c1), (open2, _c2) in itertools.pairwise(ordered):
        if open2 < open1:
            problems.append(_("The stages must open in their order: self-assessment first."))
            break
    if problems:
        raise CalendarError(" ".join(problems))


@transaction.atomic
def cycle_calendar_set(*, cycle: Cycle, windows: Windows, actor: User) -> list[StageWindow]:
    """Set the cycle's stage windows (*lịch đánh giá*); each change is audited."""
    _check_windows(windows)
    saved = []
    for stage in STAGE_ORDER:
        if stage not in windows:
            continue
        opens, closes = windows[stage]
        window = StageWindow.objects.select_for_update().filter(cycle=cycle, stage=stage).first()
        before = None
        if window is None:
            window = StageWindow.objects.create(
                cycle=cycle, stage=stage, opens_at=opens, closes_at=closes
            )
        elif (window.opens_at, window.closes_at) != (opens, closes):
            before = {"opens_at": window.opens_at, "closes_at": window.closes_at}
            window.opens_at, window.closes_at = opens, closes
            window.save(update_fields=["opens_at", "closes_at"])
        else:
            saved.append(window)
            continue
        audit_record(
            actor=actor,
            action="calendar.set",
            target=window,
            before=before,
            after={"stage": stage, "opens_at": opens, "closes_at": closes},
            cycle_id=cycle.pk,
        )
        saved.append(window)
    return saved


@transaction.atomic
def cycle_open(*, cycle: Cycle, windows: Windows, actor: User) -> list[Assessment]:
    """Open a cycle: set its calendar and create one assessment (state draft) per unit in scope.

    Opening again adds assessments only for units added to the scope since; existing ones are
    left as they are. A cycle that is approved or published cannot be opened.
    """
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.state in (Cycle.State.APPROVED, Cycle.State.PUBLISHED):
        raise CalendarError(_("An approved or published cycle cannot be opened again."))
    cycle_calendar_set(cycle=cycle, windows=windows, actor=actor)
    existing = set(Assessment.objects.filter(cycle=cycle).values_list("unit_id", flat=True))
    units = [u for u in cycle.units.order_by("code") if u.pk not in existing]
    Assessment.objects.bulk_create(
        [Assessment(cycle=cycle, unit=u, state=State.DRAFT) for u in units]
    )
    created = list(Assessment.objects.filter(cycle=cycle, unit__in=units))
    for assessment in created:
        audit_record(
            actor=actor,
            action="assessment.open",
            target=assessment,
            after={"state": State.DRAFT},
            cycle_id=cycle.pk,
            unit_id=assessment.unit_id,
        )
    if cycle.state == Cycle.State.PREPARING:
        cycle.state = Cycle.State.IN_PROGRESS
        cycle.save(update_fields=["state"])
        audit_record(
            actor=actor,
            action="cycle.state",
            target=cycle,
            before={"state": Cycle.State.PREPARING},
            after={"state": Cycle.State.IN_PROGRESS},
            cycle_id=cycle.pk,
        )
    return created


@transaction.atomic
def stage_extend(
    *,
    assessment: Assessment,
    stage: str,
    closes_at: datetime.datetime,
    reason: str,
    actor: User,
) -> StageExtension:
    """Extend (or reopen) one unit's stage until ``closes_at``, with a reason; others untouched."""
    if Role.PAR_ADMIN not in unit_roles(actor, assessment.unit_id):
        raise AssessmentError(_("Only a PAR administrator can extend a unit's stage."))
    reason = reason.strip()
    if not reason:
        raise AssessmentError(_("Give the reason for the extension."))
    if stage not in STAGE_ORDER:
        raise AssessmentError(_("Unknown stage “%(stage)s”.") % {"stage": stage})
    if closes_at <= timezone.now():
        raise AssessmentError(_("The new closing time must be in the future."))
    assessment = lock_assessment(assessment)
    before = deadline(assessment, stage).closes_at
    extension = StageExtension.objects.create(
        assessment=assessment, stage=stage, closes_at=closes_at, reason=reason, created_by=actor
    )
    audit_record(
        actor=actor,
        action="stage.extend",
        target=extension,
        before={"stage": stage, "closes_at": before},
        after={"stage": stage, "closes_at": closes_at},
        reason=reason,
        cycle_id=assessment.cycle_id,
        unit_id=assessment.unit_id,
    )
    return extension


# -- values ------------------------------------------------------------------------------------


def self_leaf(fw: Framework, unit_type: str, leaf_code: str) -> Node:
    """A leaf the unit declares itself (applicable, not from the survey), else AssessmentError."""
    leaf = fw.unit_leaf(leaf_code, unit_type)
    if leaf is None:
        raise AssessmentError(
            _("Leaf %(code)s is not part of this unit's self-assessment.") % {"code": leaf_code}
        )
    if not leaf.declared:
        raise AssessmentError(
            _("Leaf %(code)s comes from the survey; the unit does not declare it.")
            % {"code": leaf_code}
        )
    return leaf


def points_of(fw: Framework, leaf: Node, value: str) -> str | None:
    """The points a stored value earns, as text for the audit trail (None if it is refused)."""
    try:
        return str(score_leaf(fw, leaf, value or None).points)
    except ValueRuleError:
        return None


ANSWER_MAX_CHARS = Answer._meta.get_field("value").max_length or 200


def check_value(fw: Framework, leaf: Node, value: str) -> str:
    """The value as stored (trimmed, NFC, a choice's key for its title) if the leaf's rule
    accepts it and it fits its column, else ValueRuleError. Every write of a unit's value (the
    page, the Excel upload, the appraisal) checks it here."""
    text = normalize_value(value)
    if text:
        score_leaf(fw, leaf, text)
    stored = canonical_value(leaf, text)
    if len(stored) > ANSWER_MAX_CHARS:  # "1      …      /2": a ratio the rule reads, too long
        raise ValueRuleError(msg("text.too_long", limit=ANSWER_MAX_CHARS), node=leaf.code)
    return stored


@dataclass
class Saved:
    """A value written, and its audit event, recorded by ``audit()``.

    The audit chain's head is one row that every writer of the platform locks until its
    transaction commits: a save records its event last, after the results are refreshed, so
    the head is held for the insert and the commit only, not while the unit is recomputed and
    its group ranked."""

    answer: Answer
    changed: bool
    audit: Callable[[], object] = lambda: None


def _answer_write(
    *,
    assessment: Assessment,
    fw: Framework,
    leaf: Node,
    text: str,
    version: int,
    actor: User,
    reason: str,
    now: datetime.datetime,
) -> Saved:
    """Write one checked value under an already locked, editable assessment."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .filter(cycle_id=assessment.cycle_id, unit_id=assessment.unit_id, leaf_code=leaf.code)
        .first()
    )
    if answer is None:
        if not text:
            return Saved(
                Answer(
                    cycle_id=assessment.cycle_id,
                    unit_id=assessment.unit_id,
                    leaf_code=leaf.code,
                    value="",
                ),
                False,
            )
        try:
            with transaction.atomic():
                answer = Answer.objects.create(
                    cycle_id=assessment.cycle_id,
                    unit_id=assessment.unit_id,
                    leaf_code=leaf.code,
                    value=text,
                    updated_by=actor,
                    version=1,
                )
        except IntegrityError:
            current = Answer.objects.select_related("updated_by").get(
                cycle_id=assessment.cycle_id, unit_id=assessment.unit_id, leaf_code=leaf.code
            )
            raise AnswerConflict(
                _("This leaf changed since you opened it."), current=current, attempted=text
            ) from None
        before_value = ""
    else:
        if answer.value == text:
            return Saved(answer, False)
        if answer.version != version:
            raise AnswerConflict(
                _("This leaf changed since you opened it."), current=answer, attempted=text
            )
        before_value = answer.value
        updated = Answer.objects.filter(pk=answer.pk, version=version).update(
            value=text, version=version + 1, updated_by=actor, updated_at=now
        )
        if not updated:  # pragma: no cover - the row lock makes this a belt and braces check
            current = Answer.objects.select_related("updated_by").get(pk=answer.pk)
            raise AnswerConflict(
                _("This leaf changed since you opened it."), current=current, attempted=text
            )
        answer.value, answer.version, answer.updated_by, answer.updated_at = (
            text,
            version + 1,
            actor,
            now,
        )
    written = answer
    return Saved(
        answer,
        True,
        lambda: audit_record(
            actor=actor,
            action="answer.value",
            target=written,
            before={"value": before_value, "points": points_of(fw, leaf, before_value)},
            after={"value": text, "points": points_of(fw, leaf, text)},
            reason=reason,
            cycle_id=assessment.cycle_id,
            unit_id=assessment.unit_id,
            leaf_code=leaf.code,
        ),
    )


@transaction.atomic
def answer_save(
    *,
    assessment: Assessment,
    leaf_code: str,
    value: str,
    version: int,
    actor: User,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Answer:
    """Save the unit's value of one leaf, if nobody changed it since ``version`` was read.

    Refused (nothing written) when the assessment is not editable or its window is closed
    (:class:`StageClosed`, :class:`AssessmentLocked`), when the rule refuses the value
    (``ValueRuleError``), or when the stored version moved on (:class:`AnswerConflict`, carrying
    the other person's answer). Saving the value already stored is a no-op.
    """
    now = now or timezone.now()
    locked = lock_assessment(assessment)
    ensure_editable(locked, now)
    fw = core_framework(locked.cycle.framework_version)
    leaf = self_leaf(fw, locked.unit.type, leaf_code)
    text = check_value(fw, leaf, value)
    saved = _answer_write(
        assessment=locked,
        fw=fw,
        leaf=leaf,
        text=text,
        version=version,
        actor=actor,
        reason=reason,
        now=now,
    )
    if saved.changed:
        unit_results_refresh(cycle=locked.cycle, unit=locked.unit)
        saved.audit()
    return saved.answer


@dataclass(frozen=True)
class ImportConflict:
    """A leaf saved on the web since the file was made: ``current`` is the answer stored now."""

    leaf_code: str
    attempted: str
    current: Answer


@dataclass
class ImportOutcome:
    applied: list[str] = field(default_factory=list)
    unchanged: int = 0


class ImportConflicts(AssessmentError):
    """An import refused as a whole: leaves in it were saved on the web since it was made."""

    def __init__(self, message: str, *, conflicts: list[ImportConflict]) -> None:
        super().__init__(message)
        self.conflicts = conflicts


def import_conflicts(
    *, assessment: Assessment, values: list[tuple[str, str, int]], fw: Framework | None = None
) -> list[ImportConflict]:
    """The ``(leaf code, value, version)`` rows whose leaf somebody saved since the file was made:
    the stored version moved on and the stored value differs from the file's. Reads only, so a
    file refused for its bad cells can list its conflicts as well."""
    fw = fw or core_framework(assessment.cycle.framework_version)
    stored = {
        answer.leaf_code: answer
        for answer in Answer.objects.select_related("updated_by").filter(
            cycle_id=assessment.cycle_id,
            unit_id=assessment.unit_id,
            leaf_code__in=[code for code, _value, _version in values],
        )
    }
    conflicts = []
    for leaf_code, value, version in values:
        answer = stored.get(leaf_code)
        if answer is None:
            continue
        text = check_value(fw, self_leaf(fw, assessment.unit.type, leaf_code), value)
        if answer.value != text and answer.version != version:
            conflicts.append(ImportConflict(leaf_code, text, answer))
    return conflicts


@transaction.atomic
def answers_import(
    *,
    assessment: Assessment,
    values: list[tuple[str, str, int]],
    actor: User,
    reason: str,
    now: datetime.datetime | None = None,
) -> ImportOutcome:
    """Apply checked ``(leaf code, value, version)`` rows in one transaction, all or nothing.

    Every value must already have passed the rule (a file with bad cells never reaches here).
    If any leaf was changed on the web since the file was made, nothing is applied:
    :class:`ImportConflicts` lists every such leaf with the answer stored now. Otherwise every
    changed row is applied, each with its audit event.
    """
    now = now or timezone.now()
    locked = lock_assessment(assessment)
    ensure_editable(locked, now)
    fw = core_framework(locked.cycle.framework_version)
    # Web saves lock the assessment row too, so nothing can slip in between this check and the
    # writes; a conflict raised by a write all the same rolls the whole import back.
    conflicts = import_conflicts(assessment=locked, values=values, fw=fw)
    if conflicts:
        raise ImportConflicts(
            _(
                "%(count)d leaf(s) in the file were changed on the web since your download: "
                "nothing was applied."
            )
            % {"count": len(conflicts)},
            conflicts=conflicts,
        )
    outcome = ImportOutcome()
    audits = []
    for leaf_code, value, version in values:
        leaf = self_leaf(fw, locked.unit.type, leaf_code)
        saved = _answer_write(
            assessment=locked,
            fw=fw,
            leaf=leaf,
            text=check_value(fw, leaf, value),
            version=version,
            actor=actor,
            reason=reason,
            now=now,
        )
        if saved.changed:
            outcome.applied.append(leaf_code)
            audits.append(saved.audit)
        else:
            outcome.unchanged += 1
    if outcome.applied:
        unit_results_refresh(cycle=locked.cycle, unit=locked.unit)
    for audit in audits:
        audit()
    return outcome


@dataclass(frozen=True)
class WorkbookImport:
    """An uploaded workbook applied: how many changed rows were read, and what became of them."""

    read: int
    outcome: ImportOutcome


class WorkbookRefused(AssessmentError):
    """Nothing of an uploaded workbook was applied: its bad cells (``problems``) and the leaves
    saved on the web since the download (``conflicts``), each at its sheet, row and column."""

    def __init__(
        self, message: str, *, problems: list[CellProblem], conflicts: list[CellConflict]
    ) -> None:
        super().__init__(message)
        self.problems = problems
        self.conflicts = conflicts


class WorkbookConflicts(WorkbookRefused):
    """A workbook whose cells are all valid, refused whole because some of its leaves were saved
    on the web since the download."""


def workbook_import(
    *,
    assessment: Assessment,
    upload: IO[bytes],
    actor: User,
    lang: str,
    now: datetime.datetime | None = None,
) -> WorkbookImport:
    """Read an uploaded self-assessment workbook and apply it, all or nothing.

    Checked on arrival: the assessment is editable now (state and calendar), then every cell
    by its leaf's rule. A file with bad cells is refused with every problem at its cell and,
    so that one round of corrections is enough, the leaves among its valid changed rows that
    were saved on the web since the download. A valid file goes to :func:`answers_import`,
    which applies it in one transaction or refuses it whole if a leaf changed on the web."""
    from . import excel  # the workbook module reads with this module's rules: loaded on use

    now = now or timezone.now()
    ensure_editable(assessment, now)
    fw = core_framework(assessment.cycle.framework_version)
    try:
        rows = excel.workbook_read(assessment, fw, upload, lang)
    except excel.WorkbookRejected as rejected:
        stale = import_conflicts(
            assessment=assessment,
            values=[(r.leaf_code, r.value, r.version) for r in rejected.rows],
            fw=fw,
        )
        raise WorkbookRefused(
            rejected.message,
            problems=rejected.problems,
            conflicts=excel.cell_conflicts(rejected.rows, stale),
        ) from None
    try:
        outcome = answers_import(
            assessment=assessment,
            values=[(r.leaf_code, r.value, r.version) for r in rows],
            actor=actor,
            reason="Excel import",
            now=now,
        )
    except ImportConflicts as refused:
        raise WorkbookConflicts(
            refused.message, problems=[], conflicts=excel.cell_conflicts(rows, refused.conflicts)
        ) from None
    return WorkbookImport(read=len(rows), outcome=outcome)


# -- evidence links ----------------------------------------------------------------------------


@transaction.atomic
def answer_evidence_link(
    *, assessment: Assessment, leaf_code: str, evidence: Evidence, actor: User
) -> AnswerEvidence:
    """Link one of the unit's evidence documents to a leaf (linking twice is a no-op)."""
    locked = lock_assessment(assessment)
    ensure_editable(locked, timezone.now())
    fw = core_framework(locked.cycle.framework_version)
    leaf = self_leaf(fw, locked.unit.type, leaf_code)
    if evidence.unit_id != locked.unit_id:
        raise AssessmentError(_("Only the unit's own evidence can be linked to its leaves."))
    link, created = AnswerEvidence.objects.get_or_create(
        assessment=locked, leaf_code=leaf.code, evidence=evidence, defaults={"linked_by": actor}
    )
    if created:
        audit_record(
            actor=actor,
            action="evidence.link",
            target=link,
            after={"evidence": evidence.pk, "title": evidence.display_title},
            cycle_id=locked.cycle_id,
            unit_id=locked.unit_id,
            leaf_code=leaf.code,
        )
    return link


@transaction.atomic
def answer_evidence_unlink(*, link: AnswerEvidence, actor: User) -> None:
    """Remove an evidence link from a leaf (the document stays in the unit's library)."""
    locked = lock_assessment(link.assessment)
    ensure_editable(locked, timezone.now())
    link = AnswerEvidence.objects.select_related("evidence").get(pk=link.pk)
    audit_record(
        actor=actor,
        action="evidence.unlink",
        target=link,
        before={"evidence": link.evidence_id, "title": link.evidence.display_title},
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
        leaf_code=link.leaf_code,
    )
    link.delete()


# -- submission --------------------------------------------------------------------------------


def evidence_required(leaf: Node, value: str) -> bool:
    """Does the framework require evidence for this leaf as declared? Always for a normal leaf
    that says ``evidence: required``; for a bonus or penalty leaf only once something is
    claimed (a value other than empty or 0)."""
    if leaf.evidence != "required" or leaf.source == "survey":
        return False
    return leaf.kind == "normal" or value.strip() not in ("", "0")


def missing_evidence(assessment: Assessment, fw: Framework | None = None) -> list[Node]:
    """Applicable self-declared leaves whose framework requires evidence and that have none."""
    fw = fw or core_framework(assessment.cycle.framework_version)
    linked = set(
        AnswerEvidence.objects.filter(assessment=assessment).values_list("leaf_code", flat=True)
    )
    values = dict(
        Answer.objects.filter(cycle_id=assessment.cycle_id, unit_id=assessment.unit_id).values_list(
            "leaf_code", "value"
        )
    )
    return [
        leaf
        for leaf in fw.leaves
        if leaf.applies(assessment.unit.type)
        and evidence_required(leaf, values.get(leaf.code, ""))
        and leaf.code not in linked
    ]


def assessment_url(assessment: Assessment) -> str:
    return reverse(
        "assessments:page",
        kwargs={"cycle_id": assessment.cycle_id, "unit_code": assessment.unit.code},
    )


def _workflow_target(
    locked: Assessment,
    action: Action,
    actor: User,
    reason: str = "",
    *,
    say: Mapping[str, str] | None = None,
) -> State:
    """The state ``action`` moves the locked assessment to, as the workflow's table decides
    for the actor's roles towards its unit; a refusal is worded for the page (``say``)."""
    roles = unit_roles(actor, locked.unit_id)
    try:
        return transition(locked.state, action, roles, reason)
    except WorkflowError:
        raise AssessmentError(
            workflow_refusal(locked.state, action, roles, reason, say=say)
        ) from None


@transaction.atomic
def assessment_submit(
    *,
    assessment: Assessment,
    actor: User,
    cover_evidence: Evidence | None = None,
    now: datetime.datetime | None = None,
) -> Assessment:
    """The unit head submits (*chốt*) the self-assessment: state → submitted, editing locked.

    The row is locked first and its state checked, so a double click submits once: the second
    request gets :class:`AlreadySubmitted`. Refused while required evidence is missing.
    """
    now = now or timezone.now()
    locked = lock_assessment(assessment)
    if locked.state == State.SUBMITTED:
        raise AlreadySubmitted(
            _("The self-assessment was already submitted on %(when)s.")
            % {"when": timezone.localtime(locked.submitted_at).strftime("%d/%m/%Y %H:%M")}
            if locked.submitted_at
            else _("The self-assessment was already submitted.")
        )
    ensure_editable(locked, now)
    target = _workflow_target(
        locked,
        Action.SUBMIT,
        actor,
        say={NEEDS_ROLE: _("Only the unit's head can submit the self-assessment.")},
    )
    fw = core_framework(locked.cycle.framework_version)
    missing = missing_evidence(locked, fw)
    if missing:
        raise SubmissionBlocked(
            _("Submission refused: %(count)d leaves still need their required evidence.")
            % {"count": len(missing)},
            missing=missing,
        )
    if cover_evidence is not None and cover_evidence.unit_id != locked.unit_id:
        raise AssessmentError(_("The cover document must belong to the unit."))
    before = {"state": locked.state}
    locked.state = target
    locked.submitted_at = now
    locked.submitted_by = actor
    locked.cover_evidence = cover_evidence
    locked.version += 1
    locked.save(
        update_fields=["state", "submitted_at", "submitted_by", "cover_evidence", "version"]
    )
    # The results before the event: the audit head is held from the event to the commit.
    unit_results_refresh(cycle=locked.cycle, unit=locked.unit)
    audit_record(
        actor=actor,
        action="assessment.submit",
        target=locked,
        before=before,
        after={
            "state": target,
            "submitted_at": now,
            "cover_evidence": cover_evidence.pk if cover_evidence else None,
        },
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
    )
    notify(
        recipients=par_admins(),
        verb="assessment_submitted",
        message=_("%(unit)s submitted its self-assessment for %(year)s.")
        % {"unit": locked.unit.name, "year": locked.cycle.year},
        url=assessment_url(locked),
    )
    return locked


@transaction.atomic
def assessment_reopen(
    *,
    assessment: Assessment,
    actor: User,
    reason: str,
    closes_at: datetime.datetime | None = None,
) -> Assessment:
    """The administrator reopens one unit's submitted self-assessment (back to draft), with a
    reason; with ``closes_at``, the unit's self-assessment window is extended too."""
    locked = lock_assessment(assessment)
    target = _workflow_target(
        locked,
        Action.REOPEN_SELF,
        actor,
        reason,
        say={
            NOT_POSSIBLE: _("Only a submitted self-assessment can be reopened."),
            NEEDS_ROLE: _("Only a PAR administrator can reopen a self-assessment."),
            NEEDS_REASON: _("Give the reason for reopening."),
        },
    )
    before = {"state": locked.state, "submitted_at": locked.submitted_at}
    locked.state = target
    locked.submitted_at = None
    locked.submitted_by = None
    locked.version += 1
    locked.save(update_fields=["state", "submitted_at", "submitted_by", "version"])
    audit_record(
        actor=actor,
        action="assessment.reopen",
        target=locked,
        before=before,
        after={"state": target},
        reason=reason.strip(),
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
    )
    if closes_at is not None:
        stage_extend(
            assessment=locked,
            stage=Stage.SELF_ASSESSMENT,
            closes_at=closes_at,
            reason=reason,
            actor=actor,
        )
    notify(
        recipients=unit_people(locked),
        verb="assessment_reopened",
        message=_("The self-assessment of %(unit)s for %(year)s was reopened: %(reason)s")
        % {"unit": locked.unit.name, "year": locked.cycle.year, "reason": reason.strip()},
        url=assessment_url(locked),
    )
    return locked


def withdrawal_refusal(assessment: Assessment, now: datetime.datetime | None = None) -> str:
    """Why the unit head cannot withdraw the submission now, or "" when they can: it must be
    submitted and untouched by the appraisers, the self-assessment stage still open for the
    unit (else the draft could never be submitted again), and a withdrawal left."""
    if assessment.state != State.SUBMITTED:
        return _("Only a submitted self-assessment can be withdrawn.")
    if assessment.appraisals.exists():
        return _(
            "The appraisal of this unit has started: the submission can no longer be withdrawn."
        )
    if not stage_is_open(assessment, Stage.SELF_ASSESSMENT, now or timezone.now()):
        return _("The self-assessment period is closed: the submission can no longer be withdrawn.")
    if assessment.withdrawals >= assessment.withdrawals_allowed:
        return _(
            "The submission was already withdrawn %(count)d times this cycle: ask the PAR "
            "administrator to allow another withdrawal."
        ) % {"count": assessment.withdrawals}
    return ""


@transaction.atomic
def assessment_withdraw(
    *, assessment: Assessment, actor: User, now: datetime.datetime | None = None
) -> Assessment:
    """The unit head withdraws (*rút lại*) the submitted self-assessment, back to draft, until
    the appraisers' first decision on the unit; once per cycle unless the administrator allows
    another (``assessment_withdrawal_allow``)."""
    now = now or timezone.now()
    locked = lock_assessment(assessment)
    target = _workflow_target(
        locked,
        Action.WITHDRAW,
        actor,
        say={
            NOT_POSSIBLE: _("Only a submitted self-assessment can be withdrawn."),
            NEEDS_ROLE: _("Only the unit's head can withdraw the submission."),
        },
    )
    refusal = withdrawal_refusal(locked, now)
    if refusal:
        raise AssessmentError(refusal)
    before = {
        "state": locked.state,
        "submitted_at": locked.submitted_at,
        "withdrawals": locked.withdrawals,
    }
    locked.state = target
    locked.submitted_at = None
    locked.submitted_by = None
    locked.withdrawals += 1
    locked.version += 1
    locked.save(update_fields=["state", "submitted_at", "submitted_by", "withdrawals", "version"])
    # The results before the event: the audit head is held from the event to the commit.
    unit_results_refresh(cycle=locked.cycle, unit=locked.unit)
    audit_record(
        actor=actor,
        action="assessment.withdraw",
        target=locked,
        before=before,
        after={
            "state": target,
            "withdrawals": locked.withdrawals,
            "withdrawals_allowed": locked.withdrawals_allowed,
        },
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
    )
    notify(
        recipients=par_admins(),
        verb="assessment_withdrawn",
        message=_("%(unit)s withdrew its self-assessment for %(year)s to correct it.")
        % {"unit": locked.unit.name, "year": locked.cycle.year},
        url=assessment_url(locked),
    )
    return locked


@transaction.atomic
def assessment_withdrawal_allow(
    *, assessment: Assessment, actor: User, reason: str = ""
) -> Assessment:
    """The PAR administrator allows the unit head one more withdrawal this cycle."""
    locked = lock_assessment(assessment)
    if Role.PAR_ADMIN not in unit_roles(actor, locked.unit_id):
        raise AssessmentError(_("Only a PAR administrator can allow another withdrawal."))
    if locked.withdrawals < locked.withdrawals_allowed:
        raise AssessmentError(_("The unit head may still withdraw the submission."))
    before = {"withdrawals_allowed": locked.withdrawals_allowed}
    locked.withdrawals_allowed = locked.withdrawals + 1
    locked.save(update_fields=["withdrawals_allowed"])
    audit_record(
        actor=actor,
        action="assessment.withdrawal_allow",
        target=locked,
        before=before,
        after={"withdrawals_allowed": locked.withdrawals_allowed},
        reason=reason.strip(),
        cycle_id=locked.cycle_id,
        unit_id=locked.unit_id,
    )
    notify(
        recipients=unit_people(locked),
        verb="withdrawal_allowed",
        message=_("%(unit)s may withdraw its self-assessment for %(year)s once more.")
        % {"unit": locked.unit.name, "year": locked.cycle.year},
        url=assessment_url(locked),
    )
    return locked


def unit_people(assessment: Assessment, *, active_only: bool = True) -> list[User]:
    """The unit's editors and heads; reminders ask for the deactivated ones too
    (``active_only=False``), so that their report names who holds a role but cannot be
    reached."""
    people = User.objects.filter(
        roles__unit_id=assessment.unit_id, roles__role__in=UNIT_SCOPED_ROLES
    )
    if active_only:
        people = people.filter(is_active=True)
    return list(people.distinct().order_by("pk"))
