"""Demo step of the self-assessment: the 2025 cycle, open now, with units at every stage this app
owns.

The calendar is set relative to ``timezone.now()`` so the demo stays live whenever it is built:
the self-assessment opened three weeks ago and closes in ten days. Every value, evidence link and
submission goes through the services, so the audit trail shows who did what:
- SNV (a department) is a draft, partly filled, for its editor and head to continue;
- X01 (a commune) is a complete draft with all required evidence, ready for its head to submit;
- a third of the other units have submitted, the rest are drafts at various degrees of progress.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from parindex.accounts.demo import demo_person
from parindex.accounts.models import Role, RoleAssignment, User
from parindex.accounts.selectors import par_admins
from parindex.core import Framework, Node
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_reference
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.units.models import Unit

from .models import Assessment, Stage
from .services import (
    answer_evidence_link,
    answers_import,
    assessment_submit,
    cycle_open,
    evidence_required,
)

YEAR = 2025
DEPARTMENT, COMMUNE = "SNV", "X01"
DAY = datetime.timedelta(days=1)


def windows(now: datetime.datetime) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """The 2025 calendar around ``now``: self-assessment open, appraisal of the units that
    have submitted already running, the later stages ahead."""
    return {
        Stage.SELF_ASSESSMENT: (now - 21 * DAY, now + 10 * DAY),
        Stage.APPRAISAL: (now - 5 * DAY, now + 25 * DAY),
        Stage.EXPLANATION: (now + 25 * DAY, now + 32 * DAY),
        Stage.COUNCIL: (now + 32 * DAY, now + 40 * DAY),
        Stage.PUBLICATION: (now + 40 * DAY, now + 50 * DAY),
    }


def _account(
    username: str, full_name: str, role: str, unit: Unit, passwords: dict[str, str] | None
) -> User:
    """A person of the unit; with ``passwords``, a random password printed once, else none
    usable (the person would be activated by a link)."""
    user = demo_person(username, full_name, passwords)
    RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, area="")
    return user


def _values(fw: Framework, unit: Unit, share: float, rng: random.Random) -> dict[str, str]:
    """Plausible values for ``share`` of the unit's self-declared leaves."""
    from parindex import demo as province_demo  # the province demo holds the value maker

    quality = min(0.99, rng.uniform(0.76, 0.97))
    values: dict[str, str] = {}
    for leaf in fw.declared_leaves(unit.type):
        if rng.random() > share:
            continue
        value = province_demo.answer_for(leaf, rng, quality)
        # The value maker leaves a few leaves unanswered on purpose; a complete unit retries.
        while value is None and share >= 1 and leaf.kind == "normal":
            value = province_demo.answer_for(leaf, rng, quality)
        if value is not None:
            values[leaf.code] = value
    return values


def _fill(assessment: Assessment, fw: Framework, values: dict[str, str], actor: User) -> None:
    answers_import(
        assessment=assessment,
        values=[(code, value, 0) for code, value in values.items()],
        actor=actor,
        reason="",
    )


def _attach_required(
    assessment: Assessment, fw: Framework, values: dict[str, str], actor: User, n: int
) -> None:
    """One report of the unit, cited by number and date, linked to every leaf needing it."""
    document = evidence_reference(
        unit=assessment.unit,
        user=actor,
        number=f"{100 + n}/BC-{assessment.unit.code}",
        issued_on=datetime.date(YEAR, 11, 5),
        issuer=assessment.unit.name,
        title=f"Báo cáo kết quả cải cách hành chính năm {YEAR}",
    )
    for leaf in _needing_evidence(fw, assessment.unit, values):
        answer_evidence_link(
            assessment=assessment, leaf_code=leaf.code, evidence=document, actor=actor
        )


def _needing_evidence(fw: Framework, unit: Unit, values: dict[str, str]) -> list[Node]:
    return [
        leaf
        for leaf in fw.leaves
        if leaf.applies(unit.type) and evidence_required(leaf, values.get(leaf.code, ""))
    ]


def build(*, log: Callable[[str], None] = print, accounts: Any = None) -> Cycle:
    """Open the 2025 cycle on the demo framework and bring its units to their stages.

    ``accounts`` is the province demo's ``DemoAccounts``: the unit head and editor accounts
    made here are added to its passwords (shown once).
    """
    passwords: dict[str, str] | None = getattr(accounts, "passwords", None)
    admin = next(iter(par_admins()), None)
    version = (
        FrameworkVersion.objects.filter(cycles__year=YEAR - 1).order_by("-pk").first()
        or FrameworkVersion.objects.order_by("-pk").first()
    )
    if admin is None or version is None:
        log("self-assessment: no administrator or framework, 2025 cycle skipped")
        raise RuntimeError("the province demo must run first")
    fw = core_framework(version)
    cycle = Cycle.objects.create(
        year=YEAR,
        title=f"Chỉ số CCHC các sở, ngành và UBND cấp xã năm {YEAR}",
        framework_version=version,
        state=Cycle.State.PREPARING,
    )
    day = datetime.date(YEAR, 7, 1)
    units = [u for u in Unit.objects.order_by("code") if u.is_active_on(day)]
    cycle.units.set(units)
    cycle_open(cycle=cycle, windows=windows(timezone.now()), actor=admin)
    by_code = {
        a.unit.code: a for a in Assessment.objects.filter(cycle=cycle).select_related("unit")
    }

    department = by_code[DEPARTMENT].unit
    commune = by_code[COMMUNE].unit
    editor_snv = _account(
        "editor.snv", "Cán bộ đầu mối CCHC Sở Nội vụ", Role.UNIT_EDITOR, department, passwords
    )
    _account("head.snv", "Giám đốc Sở Nội vụ", Role.UNIT_HEAD, department, passwords)
    editor_x01 = _account(
        "editor.x01", f"Cán bộ đầu mối CCHC {commune.name}", Role.UNIT_EDITOR, commune, passwords
    )
    _account("head.x01", f"Chủ tịch UBND {commune.name}", Role.UNIT_HEAD, commune, passwords)

    rng = random.Random(f"self-assessment:{YEAR}")
    # SNV: a draft, about two thirds declared, some evidence linked from its library.
    snv = by_code[DEPARTMENT]
    values = _values(fw, department, 0.65, rng)
    _fill(snv, fw, values, editor_snv)
    library = list(Evidence.objects.filter(unit=department).order_by("pk"))
    needing = _needing_evidence(fw, department, values)
    for leaf, document in zip(needing[:3], library, strict=False):
        answer_evidence_link(
            assessment=snv, leaf_code=leaf.code, evidence=document, actor=editor_snv
        )
    # X01: complete, every required document attached; its head submits in the demo.
    x01 = by_code[COMMUNE]
    values = _values(fw, commune, 1.0, rng)
    _fill(x01, fw, values, editor_x01)
    _attach_required(x01, fw, values, editor_x01, 0)

    submitted = drafts = 0
    for n, (code, assessment) in enumerate(sorted(by_code.items()), start=1):
        if code in (DEPARTMENT, COMMUNE):
            continue
        unit = assessment.unit
        if n % 3 == 0:
            head = _account(
                f"head.{code.lower()}", f"Thủ trưởng {unit.name}", Role.UNIT_HEAD, unit, None
            )
            values = _values(fw, unit, 1.0, rng)
            _fill(assessment, fw, values, head)
            _attach_required(assessment, fw, values, head, n)
            assessment_submit(assessment=assessment, actor=head)
            submitted += 1
        elif n % 3 == 1:
            editor = _account(
                f"editor.{code.lower()}",
                f"Cán bộ đầu mối CCHC {unit.name}",
                Role.UNIT_EDITOR,
                unit,
                None,
            )
            _fill(assessment, fw, _values(fw, unit, rng.uniform(0.1, 0.9), rng), editor)
            drafts += 1
    untouched = len(by_code) - submitted - drafts - 2
    log(
        f"cycle {YEAR}: open for self-assessment until "
        f"{timezone.localtime(windows(timezone.now())[Stage.SELF_ASSESSMENT][1]):%d/%m/%Y}; "
        f"{submitted} units submitted, {drafts + 1} drafts partly filled (SNV among them), "
        f"{COMMUNE} complete and ready to submit, {untouched} not started"
    )
    return cycle
