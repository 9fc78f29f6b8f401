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
from decimal import Decimal
from typing import Any

from django.utils import timezone

from parindex.accounts.demo import demo_person
from parindex.accounts.models import Role, RoleAssignment, User
from parindex.accounts.selectors import par_admins
from parindex.core import Framework, Node
from parindex.core.rules import (
    ChoiceRule,
    CountRule,
    DeductionRule,
    PointsRule,
    ProportionalRule,
    RatioRule,
    SurveyRule,
    YesNoRule,
)
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


def unit_quality(unit_code: str, year: int) -> float:
    """A unit's steady quality in [0.74, 0.99], improving a little each year: the same for its
    answers, its self-assessment and its survey forms."""
    base = random.Random(f"quality:{unit_code}").uniform(0.74, 0.97)
    return min(0.99, base + 0.02 * (year - 2023))


def answer_for(leaf: Node, rng: random.Random, q: float) -> str | None:
    """A plausible value for one leaf of a unit whose quality is ``q``."""
    rule = leaf.rule
    assert leaf.max is not None
    if leaf.kind == "bonus":
        return str(rng.choice([0, 0, 1, 1, 2, 3])) if isinstance(rule, CountRule) else None
    if leaf.kind == "penalty":
        if isinstance(rule, CountRule | DeductionRule):
            return str(rng.choice([0] * 8 + [1, 2]))
        return None
    if rng.random() < 0.015:
        return None  # not yet answered: shows up as missing
    if leaf.allow_na and rng.random() < 0.08:
        return "n/a"
    good = rng.random() < q
    if isinstance(rule, ChoiceRule):
        ordered = sorted(rule.options, key=lambda o: o.points, reverse=True)
        return ordered[0].key if good else rng.choice(ordered[1:] or ordered).key
    if isinstance(rule, YesNoRule):
        return "có" if good else "không"
    if isinstance(rule, RatioRule | ProportionalRule):
        total = rng.randint(12, 240)
        share = min(1.0, max(0.0, q + rng.uniform(-0.12, 0.1)))
        return f"{round(total * share)}/{total}"
    if isinstance(rule, CountRule):
        needed = int(leaf.max / rule.per_item)
        return str(max(0, round(needed * min(1.0, q + rng.uniform(-0.2, 0.2)))))
    if isinstance(rule, DeductionRule):
        return "0" if good else str(rng.randint(1, 3))
    if isinstance(rule, PointsRule):
        step = rule.step or leaf.framework_rounding
        steps = int(leaf.max / step)
        chosen = max(0, min(steps, round(steps * min(1.0, q + rng.uniform(-0.1, 0.1)))))
        return f"{(step * chosen).normalize():f}"
    if isinstance(rule, SurveyRule):
        percent = Decimal(str(round(min(100.0, max(0.0, 100 * q + rng.uniform(-8, 5))), 2)))
        return f"{percent:f}"
    raise AssertionError(f"no demo value for rule {rule}")


def _values(fw: Framework, unit: Unit, share: float, rng: random.Random) -> dict[str, str]:
    """Plausible values for ``share`` of the unit's self-declared leaves."""
    quality = min(0.99, rng.uniform(0.76, 0.97))
    values: dict[str, str] = {}
    for leaf in fw.declared_leaves(unit.type):
        if rng.random() > share:
            continue
        value = answer_for(leaf, rng, quality)
        # The value maker leaves a few leaves unanswered on purpose; a complete unit retries.
        while value is None and share >= 1 and leaf.kind == "normal":
            value = answer_for(leaf, rng, quality)
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
