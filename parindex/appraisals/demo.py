"""Demo step of the appraisal: in the 2025 cycle the self-assessment demo opened, appraisers of
each area's lead agency and a council member, and the submitted units brought to every later
stage: in appraisal, returned for explanation, replied, appraised after a settlement, appraised
with every leaf accepted; the other submitted units wait in the appraisers' queues.

Everything goes through the services (the audit trail shows who did what). The explanation
round runs alongside the appraisal of the units still waiting, so the demo opens its window now
(a change of the calendar, audited like any other).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from parindex.accounts.demo import demo_person
from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.accounts.selectors import par_admins
from parindex.assessments.models import Assessment, Stage, StageWindow
from parindex.assessments.services import cycle_calendar_set
from parindex.core import Framework, Node
from parindex.core.rules import ChoiceRule
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_reference
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Answer

from . import services
from .leaves import declared_value

YEAR = 2025
DAY = datetime.timedelta(days=1)
COUNCIL = ("council", "Phó Chủ tịch UBND tỉnh, Chủ tịch Hội đồng thẩm định")


def _appraisers(
    cycle: Cycle, fw: Framework, admin: User, passwords: dict[str, str] | None
) -> dict[str, User]:
    """One appraiser per lead agency, assigned to the areas it leads; area code → person."""
    by_area: dict[str, User] = {}
    for area in fw.nodes:
        lead = (area.lead or "SNV").lower()
        user = demo_person(f"appraiser.{lead}", f"Tổ thẩm định {area.lead or 'SNV'}", passwords)
        RoleAssignment.objects.get_or_create(
            user=user, role=Role.APPRAISER, unit=None, area=area.code
        )
        services.appraiser_assign(cycle=cycle, user=user, area_code=area.code, actor=admin)
        by_area[area.code] = user
    return by_area


def _unit_person(assessment: Assessment) -> User:
    """Somebody of the unit (its head, made by the self-assessment demo) to reply."""
    person = (
        User.objects.filter(roles__unit=assessment.unit, roles__role__in=UNIT_SCOPED_ROLES)
        .order_by("pk")
        .first()
    )
    assert person is not None, f"{assessment.unit.code} has nobody to reply"
    return person


def _open_leaves(fw: Framework, assessment: Assessment) -> list[Node]:
    """Two leaves the appraisers question: answered normal leaves with a choice or ratio rule
    the adjustment can lower (the first is adjusted, the second flagged)."""
    values = dict(
        Answer.objects.filter(cycle=assessment.cycle, unit=assessment.unit).values_list(
            "leaf_code", "value"
        )
    )
    picked = []
    for leaf in services.appraisable(fw, assessment.unit.type):
        rule = leaf.rule.type if leaf.rule else ""
        if leaf.kind == "normal" and rule in ("choice", "ratio") and values.get(leaf.code):
            picked.append(leaf)
        if len(picked) == 2:
            break
    return picked


def _lower_value(leaf: Node, declared: str) -> str:
    """A value of the leaf's rule worth less than its maximum, other than the declared one."""
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        options = sorted(rule.options, key=lambda o: o.points)
        keys = [o.key for o in options if o.key != declared]
        return keys[len(keys) // 2]
    return "70/100" if declared != "70/100" else "60/100"


def _appraise(
    fw: Framework,
    assessment: Assessment,
    appraisers: dict[str, User],
    *,
    finish: bool,
    question: bool,
) -> list[Node]:
    """Adjust one leaf and flag another (with ``question``), accept the rest (or, without
    ``finish``, only area 1's)."""
    areas = services.area_of(fw)
    leaves = _open_leaves(fw, assessment) if question else []
    if leaves:
        services.leaf_appraise(
            assessment=assessment,
            leaf_code=leaves[0].code,
            decision="adjusted",
            value=_lower_value(leaves[0], declared_value(assessment, leaves[0].code)),
            reason="Tài liệu kiểm chứng không chứng minh được mức đã kê khai.",
            actor=appraisers[areas[leaves[0].code]],
        )
    if len(leaves) > 1:
        services.leaf_appraise(
            assessment=assessment,
            leaf_code=leaves[1].code,
            decision="flagged",
            reason="Đề nghị giải trình số liệu và bổ sung báo cáo.",
            actor=appraisers[areas[leaves[1].code]],
        )
    untouched = services.untouched_leaves(assessment, fw)
    for area, user in appraisers.items():
        if not finish and area != "1":
            continue
        targets = [
            services.Target(assessment, leaf.code) for leaf in untouched if areas[leaf.code] == area
        ]
        if targets:
            services.leaves_accept_untouched(targets=targets, actor=user)
    return leaves


def _reply(assessment: Assessment, leaves: list[Node], person: User) -> None:
    """The unit agrees with the adjustment and disagrees with the flag, with a report."""
    document = evidence_reference(
        unit=assessment.unit,
        user=person,
        number=f"25/BC-{assessment.unit.code}",
        issued_on=datetime.date(YEAR, 11, 20),
        issuer=assessment.unit.name,
        title="Báo cáo giải trình bổ sung số liệu",
    )
    services.reply_save(
        assessment=assessment, leaf_code=leaves[0].code, agrees=True, reason="", actor=person
    )
    if len(leaves) > 1:
        services.reply_save(
            assessment=assessment,
            leaf_code=leaves[1].code,
            agrees=False,
            reason="Số liệu đã kê khai đúng; xem báo cáo bổ sung kèm theo.",
            evidence=[document],
            actor=person,
        )
    services.replies_send(assessment=assessment, actor=person)


def build(*, log: Callable[[str], None] = print, accounts: Any = None) -> Cycle | None:
    """Bring the 2025 cycle's submitted units to every later stage (see the module's doc).

    ``accounts`` is the province demo's ``DemoAccounts``: the appraiser and council accounts
    made here are added to its passwords (shown once)."""
    passwords: dict[str, str] | None = getattr(accounts, "passwords", None)
    cycle = Cycle.objects.filter(year=YEAR).select_related("framework_version").first()
    admin = next(iter(par_admins()), None)
    if cycle is None or admin is None:
        log("appraisal: no 2025 cycle or administrator, skipped")
        return None
    fw = core_framework(cycle.framework_version)
    now = timezone.now()
    calendar = {w.stage: (w.opens_at, w.closes_at) for w in StageWindow.objects.filter(cycle=cycle)}
    appraisal_opens = calendar.get(Stage.APPRAISAL, (now - 5 * DAY, now + 25 * DAY))[0]
    calendar[Stage.EXPLANATION] = (max(appraisal_opens, now - 2 * DAY), now + 32 * DAY)
    cycle_calendar_set(cycle=cycle, windows=calendar, actor=admin)

    appraisers = _appraisers(cycle, fw, admin, passwords)
    council = demo_person(*COUNCIL, passwords)
    RoleAssignment.objects.get_or_create(user=council, role=Role.COUNCIL, unit=None, area="")
    services.council_member_set(cycle=cycle, user=council, role="chair", actor=admin)

    waiting = list(
        Assessment.objects.filter(cycle=cycle, state=State.SUBMITTED)
        .select_related("cycle", "cycle__framework_version", "unit")
        .order_by("unit__code")
    )
    stages: dict[str, list[str]] = {}
    plan = ["in_appraisal", "returned", "replied", "settled", "finished"]
    for step, assessment in zip(plan, waiting, strict=False):
        finish = step != "in_appraisal"
        leaves = _appraise(fw, assessment, appraisers, finish=finish, question=step != "finished")
        if step != "in_appraisal":
            assessment = services.assessment_release(
                assessment=assessment, actor=admin, refresh=False
            )
        if step in ("replied", "settled") and leaves:
            _reply(assessment, leaves, _unit_person(assessment))
        if step == "settled" and len(leaves) > 1:
            services.leaf_settle(
                assessment=assessment,
                leaf_code=leaves[1].code,
                outcome="unit",
                reason="Báo cáo bổ sung xác nhận số liệu của đơn vị.",
                actor=appraisers[services.area_of(fw)[leaves[1].code]],
            )
            services.round_close(assessment=assessment, actor=appraisers["1"])
        assessment.refresh_from_db()
        stages.setdefault(assessment.state, []).append(assessment.unit.code)
    services.results_refresh(cycle)
    summary = "; ".join(f"{state} {', '.join(codes)}" for state, codes in stages.items())
    log(
        f"appraisal {YEAR}: {len(set(appraisers.values()))} appraisers, council member "
        f"'{COUNCIL[0]}'; {summary}; {len(waiting) - len(plan)} more submitted units in the queues"
    )
    return cycle
