"""Writes of improvement plans. Callers check access first (``parindex.plans.access``); these
functions check the input and raise :class:`PlanError` with a message a person can act on."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parindex.audit.services import audit_record
from parindex.core import ParindexError
from parindex.core.analysis import NodeLoss
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_upload
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.shared.numbers import format_number
from parindex.units.models import Unit

from .models import ContentArea, Plan, PlanTarget, ProgressEvidence, ProgressReport, Task

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from parindex.accounts.models import User
    from parindex.cycles.models import Cycle

# The default contents of a plan: the 9 contents of Kế hoạch số 252/KH-UBND (Tiền Giang,
# 19/9/2018), each with the framework areas it covers in the 876-style internal framework and
# the lead department's code. Editable per plan.
DEFAULT_AREAS: list[tuple[str, list[str], str]] = [
    ("Công tác chỉ đạo, điều hành", ["1"], "SNV"),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật", ["2"], "STP"),
    ("Công tác cải cách thủ tục hành chính", ["3"], "VPUBND"),
    ("Cải cách tổ chức bộ máy", ["4"], "SNV"),
    ("Nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", ["5"], "SNV"),
    ("Cải cách tài chính công", ["6"], "STC"),
    ("Hiện đại hóa hành chính", ["7"], "STTTT"),
    ("Nâng cao chất lượng hoạt động cơ chế một cửa, một cửa liên thông", ["3.4"], "VPUBND"),
    ("Đánh giá tác động của cải cách hành chính", ["8"], "SNV"),
]


class PlanError(ParindexError):
    """A plan, task or report parindex refuses; the message says what to change."""


def _unit_code(unit: Unit | None) -> str:
    return unit.code if unit is not None else ""


def _plan_value(plan: Plan) -> dict[str, object]:
    return {
        "number": plan.number,
        "title": plan.title,
        "issued_on": plan.issued_on,
        "issuer": plan.issuer,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "goals": plan.goals,
        "province": _unit_code(plan.province),
        "framework_version": str(plan.framework_version or ""),
        "published": plan.published,
    }


def _target_value(target: PlanTarget) -> dict[str, object]:
    return {
        "year": target.year,
        "scope": target.scope,
        "band": target.band,
        "rank": target.rank,
        "index": target.index,
        "note": target.note,
    }


def _area_value(area: ContentArea) -> dict[str, object]:
    return {
        "position": area.position,
        "title": area.title,
        "lead_agency": _unit_code(area.lead_agency),
        "node_codes": list(area.node_codes),
    }


def _task_value(task: Task) -> dict[str, object]:
    return {
        "area": task.area.position,
        "title": task.title,
        "lead_agency": task.lead_agency.code,
        "coordinating_agencies": sorted(u.code for u in task.coordinating_agencies.all()),
        "start_date": task.start_date,
        "deadline": task.deadline,
        "node_codes": list(task.node_codes),
        "status": task.status,
        "expected_points": task.expected_points,
        "expected_result": task.expected_result,
    }


def _changed(
    before: dict[str, object], after: dict[str, object]
) -> tuple[dict[str, object], dict[str, object]]:
    """Only the fields that differ, on each side."""
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _framework_codes(version: FrameworkVersion | None) -> set[str] | None:
    return None if version is None else set(core_framework(version).by_code)


def framework_band_codes(version: FrameworkVersion | None) -> list[str]:
    """The band codes of ``version``, best first; none when the plan names no framework."""
    return [] if version is None else [b.code for b in core_framework(version).bands]


def clean_node_codes(codes: Iterable[str], version: FrameworkVersion | None) -> list[str]:
    """Node codes, trimmed, without repeats, each a node of ``version`` (when the plan names
    one)."""
    cleaned: list[str] = []
    for code in codes:
        code = code.strip()
        if code and code not in cleaned:
            cleaned.append(code)
    known = _framework_codes(version)
    if known is not None:
        unknown = [c for c in cleaned if c not in known]
        if unknown:
            raise PlanError(
                _("Not a node of %(framework)s: %(codes)s.")
                % {"framework": version, "codes": ", ".join(unknown)}
            )
    return cleaned


@transaction.atomic
def plan_create(
    *,
    number: str,
    title: str,
    issued_on: datetime.date,
    issuer: str,
    start_year: int,
    end_year: int,
    goals: str = "",
    province: Unit | None = None,
    framework_version: FrameworkVersion | None = None,
    published: bool = False,
    user: User | None = None,
    default_areas: bool = True,
) -> Plan:
    """A new plan; with ``default_areas`` its contents start as the 9 of the template, each led
    by the department of that code when the register has it."""
    if end_year < start_year:
        raise PlanError(_("The period must end in or after the year it starts."))
    plan = Plan.objects.create(
        number=number.strip(),
        title=title.strip(),
        issued_on=issued_on,
        issuer=issuer.strip(),
        start_year=start_year,
        end_year=end_year,
        goals=goals.strip(),
        province=province,
        framework_version=framework_version,
        published=published,
        created_by=user,
    )
    if default_areas:
        leads = {u.code: u for u in Unit.objects.filter(code__in={a[2] for a in DEFAULT_AREAS})}
        ContentArea.objects.bulk_create(
            ContentArea(
                plan=plan,
                position=position,
                title=title,
                node_codes=clean_node_codes(codes, framework_version),
                lead_agency=leads.get(lead),
            )
            for position, (title, codes, lead) in enumerate(DEFAULT_AREAS, start=1)
        )
    audit_record(
        actor=user,
        action="plan.create",
        target=plan,
        before=None,
        after={**_plan_value(plan), "areas": plan.areas.count()},
    )
    return plan


PLAN_FIELDS = (
    "number",
    "title",
    "issued_on",
    "issuer",
    "start_year",
    "end_year",
    "goals",
    "province",
    "framework_version",
    "published",
)


@transaction.atomic
def plan_update(*, plan: Plan, actor: User | None, **fields: object) -> Plan:
    """Change a plan's particulars (the fields of ``PLAN_FIELDS``); one event names what
    changed."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise TypeError(f"plan_update: not a plan field: {', '.join(sorted(unknown))}")
    locked = Plan.objects.select_for_update().get(pk=plan.pk)
    before = _plan_value(locked)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if locked.end_year < locked.start_year:
        raise PlanError(_("The period must end in or after the year it starts."))
    locked.save()
    old, new = _changed(before, _plan_value(locked))
    if new:
        audit_record(actor=actor, action="plan.update", target=locked, before=old, after=new)
    return locked


@transaction.atomic
def target_set(
    *,
    plan: Plan,
    year: int,
    scope: str,
    band: str = "",
    rank: int | None = None,
    index: Decimal | None = None,
    note: str = "",
    actor: User | None = None,
) -> PlanTarget:
    """Set the goal of one year and scope (replacing the one there was).

    An internal target's band is a band of the plan's framework (the units are banded by it); a
    national target's band is the national table's, which parindex holds per year only once
    imported, so it is not checked."""
    if not plan.start_year <= year <= plan.end_year:
        raise PlanError(
            _("The year must lie in the plan's period, %(period)s.") % {"period": plan.period},
            column="year",
        )
    band = band.strip()
    if not band and rank is None and index is None:
        raise PlanError(_("Give a target band, rank or index."))
    if rank is not None and rank < 1:
        raise PlanError(_("The rank starts at 1."), column="rank")
    bands = framework_band_codes(plan.framework_version)
    if band and scope == PlanTarget.Scope.INTERNAL and bands and band not in bands:
        raise PlanError(
            _("Not a band of %(framework)s: %(band)s. Its bands are %(bands)s.")
            % {"framework": plan.framework_version, "band": band, "bands": ", ".join(bands)},
            column="band",
        )
    existing = (
        PlanTarget.objects.select_for_update().filter(plan=plan, year=year, scope=scope).first()
    )
    before = _target_value(existing) if existing is not None else None
    target, _created = PlanTarget.objects.update_or_create(
        plan=plan,
        year=year,
        scope=scope,
        defaults={"band": band, "rank": rank, "index": index, "note": note.strip()},
    )
    target.refresh_from_db()
    after = _target_value(target)
    if before != after:
        audit_record(
            actor=actor, action="plan.target_set", target=target, before=before, after=after
        )
    return target


@transaction.atomic
def target_delete(*, plan: Plan, target_id: int, actor: User | None) -> bool:
    """Remove one of the plan's targets; False when the plan has no such target."""
    target = PlanTarget.objects.select_for_update().filter(plan=plan, pk=target_id).first()
    if target is None:
        return False
    audit_record(
        actor=actor,
        action="plan.target_delete",
        target=target,
        before=_target_value(target),
        after=None,
    )
    target.delete()
    return True


@transaction.atomic
def area_save(
    *,
    plan: Plan,
    area: ContentArea | None,
    position: int,
    title: str,
    lead_agency: Unit | None,
    node_codes: Iterable[str],
    actor: User | None,
) -> ContentArea:
    """Add a content to the plan (``area`` None) or change one; its number is unique in the
    plan."""
    codes = clean_node_codes(node_codes, plan.framework_version)
    taken = ContentArea.objects.filter(plan=plan, position=position)
    if area is not None:
        taken = taken.exclude(pk=area.pk)
    if taken.exists():
        raise PlanError(_("Another content has this number."), column="position")
    if area is None:
        saved, before = ContentArea(plan=plan), None
    else:
        saved = ContentArea.objects.select_for_update().get(pk=area.pk, plan=plan)
        before = _area_value(saved)
    saved.position = position
    saved.title = title.strip()
    saved.lead_agency = lead_agency
    saved.node_codes = codes
    saved.save()
    after = _area_value(saved)
    if before is None:
        audit_record(actor=actor, action="plan.area_add", target=saved, before=None, after=after)
    elif before != after:
        old, new = _changed(before, after)
        audit_record(actor=actor, action="plan.area_change", target=saved, before=old, after=new)
    return saved


def area_for_node(plan: Plan, code: str) -> ContentArea | None:
    """The content whose node codes cover ``code`` most closely (``3.4`` before ``3``)."""
    best: tuple[int, ContentArea] | None = None
    for area in plan.areas.all():
        for covered in area.node_codes:
            covers = code == covered or code.startswith(covered + ".")
            if covers and (best is None or len(covered) > best[0]):
                best = (len(covered), area)
    return best[1] if best else None


def _check_task(
    *,
    plan: Plan,
    area: ContentArea,
    start_date: datetime.date,
    deadline: datetime.date,
    expected_points: Decimal | None,
) -> None:
    if area.plan_id != plan.pk:
        raise PlanError(_("The content belongs to another plan."))
    if deadline < start_date:
        raise PlanError(_("The deadline must not be before the start."))
    if expected_points is not None and expected_points < 0:
        raise PlanError(_("Expected points must not be negative."))


@transaction.atomic
def task_create(
    *,
    plan: Plan,
    area: ContentArea,
    title: str,
    lead_agency: Unit,
    start_date: datetime.date,
    deadline: datetime.date,
    coordinating: Sequence[Unit] = (),
    node_codes: Iterable[str] = (),
    status: str = Task.Status.NOT_STARTED,
    expected_points: Decimal | None = None,
    expected_result: str = "",
    source_cycle: Cycle | None = None,
    actor: User | None = None,
) -> Task:
    _check_task(
        plan=plan,
        area=area,
        start_date=start_date,
        deadline=deadline,
        expected_points=expected_points,
    )
    task = Task.objects.create(
        plan=plan,
        area=area,
        title=title.strip(),
        lead_agency=lead_agency,
        start_date=start_date,
        deadline=deadline,
        node_codes=clean_node_codes(node_codes, plan.framework_version),
        status=status,
        expected_points=expected_points,
        expected_result=expected_result.strip(),
        source_cycle=source_cycle,
    )
    task.coordinating_agencies.set([u for u in coordinating if u.pk != lead_agency.pk])
    audit_record(
        actor=actor, action="task.create", target=task, before=None, after=_task_value(task)
    )
    return task


@transaction.atomic
def task_update(
    *,
    task: Task,
    area: ContentArea,
    title: str,
    lead_agency: Unit,
    start_date: datetime.date,
    deadline: datetime.date,
    coordinating: Sequence[Unit],
    node_codes: Iterable[str],
    status: str,
    expected_points: Decimal | None,
    expected_result: str,
    actor: User | None = None,
) -> Task:
    _check_task(
        plan=task.plan,
        area=area,
        start_date=start_date,
        deadline=deadline,
        expected_points=expected_points,
    )
    before = _task_value(Task.objects.select_for_update().get(pk=task.pk))
    task.area = area
    task.title = title.strip()
    task.lead_agency = lead_agency
    task.start_date = start_date
    task.deadline = deadline
    task.node_codes = clean_node_codes(node_codes, task.plan.framework_version)
    task.status = status
    task.expected_points = expected_points
    task.expected_result = expected_result.strip()
    task.save()
    task.coordinating_agencies.set([u for u in coordinating if u.pk != lead_agency.pk])
    old, new = _changed(before, _task_value(task))
    if new:
        audit_record(actor=actor, action="task.update", target=task, before=old, after=new)
    return task


@transaction.atomic
def task_status_set(*, task: Task, status: str, actor: User | None = None) -> Task:
    """A lead agency moves its task between not started, in progress and done."""
    allowed = {Task.Status.NOT_STARTED, Task.Status.IN_PROGRESS, Task.Status.DONE}
    if status not in allowed:
        raise PlanError(_("Choose not started, in progress or done."))
    if task.status == Task.Status.DRAFT:
        raise PlanError(_("A draft task must be confirmed by the administrator first."))
    before = task.status
    if before == status:
        return task
    task.status = status
    task.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="task.status",
        target=task,
        before={"status": before},
        after={"status": status},
    )
    return task


@transaction.atomic
def progress_report(
    *,
    task: Task,
    user: User,
    reported_on: datetime.date,
    text: str,
    percent: int,
    files: Sequence[UploadedFile[bytes]] = (),
    evidence: Sequence[Evidence] = (),
) -> ProgressReport:
    """Record progress on a task, with files uploaded to the evidence store of the lead agency
    and documents already in it. 100% marks the task done; any report starts a task that had
    not started. Raises PlanError, or the store's EvidenceRejected, and then changes nothing."""
    text = text.strip()
    if task.status == Task.Status.DRAFT:
        raise PlanError(_("A draft task must be confirmed by the administrator first."))
    if not text:
        raise PlanError(_("Say what was done."))
    if not 0 <= percent <= 100:
        raise PlanError(_("The percent done lies between 0 and 100."))
    if reported_on > timezone.localdate():
        raise PlanError(_("The report date is in the future."))
    for item in evidence:
        if item.unit_id != task.lead_agency_id:
            raise PlanError(_("Evidence must come from the lead agency's own documents."))
    report = ProgressReport.objects.create(
        task=task, reported_on=reported_on, text=text, percent=percent, author=user
    )
    linked = list(evidence)
    for upload in files:
        linked.append(evidence_upload(file=upload, unit=task.lead_agency, user=user))
    ProgressEvidence.objects.bulk_create(
        ProgressEvidence(report=report, evidence=item)
        for item in {e.pk: e for e in linked}.values()
    )
    status_before = task.status
    if percent == 100:
        task.status = Task.Status.DONE
    elif task.status == Task.Status.NOT_STARTED:
        task.status = Task.Status.IN_PROGRESS
    task.save(update_fields=["status"])
    audit_record(
        actor=user,
        action="task.report",
        target=report,
        before={"status": status_before},
        after={
            "task": task.pk,
            "reported_on": reported_on,
            "text": text,
            "percent": percent,
            "evidence": sorted(e.pk for e in {e.pk: e for e in linked}.values()),
            "status": task.status,
        },
    )
    return report


@transaction.atomic
def tasks_from_losses(
    *,
    plan: Plan,
    cycle: Cycle,
    losses: Sequence[NodeLoss],
    scope_label: str,
    today: datetime.date | None = None,
    actor: User | None = None,
) -> list[Task]:
    """Draft tasks, one per node: led by the unit whose code is the node's ``lead`` in the
    framework (else the content's lead), with the points lost in the scope as the points at
    stake. The deadline starts as the end of the plan's period, for the administrator to set."""
    today = today or timezone.localdate()
    leads = {u.code: u for u in Unit.objects.filter(code__in={n.node.lead for n in losses})}
    start = max(today, datetime.date(plan.start_year, 1, 1))
    deadline = max(start, datetime.date(plan.end_year, 12, 31))
    created = []
    for loss in losses:
        node = loss.node
        area = area_for_node(plan, node.code) or plan.areas.order_by("position").first()
        if area is None:
            raise PlanError(_("The plan has no content to put the tasks in."))
        lead = leads.get(node.lead or "") or area.lead_agency
        if lead is None:
            raise PlanError(
                _("No unit with code %(lead)s leads node %(code)s, and its content has no lead.")
                % {"lead": node.lead or "—", "code": node.code}
            )
        created.append(
            task_create(
                plan=plan,
                area=area,
                title=_("Regain the points lost on %(code)s: %(title)s")
                % {"code": node.code, "title": node.title.vi},
                lead_agency=lead,
                start_date=start,
                deadline=deadline,
                node_codes=[node.code],
                status=Task.Status.DRAFT,
                expected_points=loss.lost,
                expected_result=_("%(points)s points regained (%(scope)s, %(year)s results)")
                % {"points": format_number(loss.lost), "scope": scope_label, "year": cycle.year},
                source_cycle=cycle,
                actor=actor,
            )
        )
    return created
