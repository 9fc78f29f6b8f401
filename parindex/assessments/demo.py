"""Demo helpers of the self-assessment: plausible values for a unit, its people, and the steps a
unit takes through its self-assessment (values, required evidence, submission), each through the
services so the audit trail shows who did what, at a time given by the caller (a moment inside
the stage's window, so that the dates on the pages agree with the calendar).

``build`` brings the demo's cycle in self-assessment to its stage:
- SNV (a department) is a draft, partly filled, for its editor and head to continue;
- X01 (a commune) is a complete draft with all required evidence, ready for its head to submit;
- a few other units have submitted, a few are drafts at various degrees of progress, the rest
  have not started.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from decimal import Decimal

from parindex.accounts.demo import demo_person
from parindex.accounts.models import Role, RoleAssignment, User
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
from parindex.frameworks.selectors import core_framework
from parindex.units.models import Unit, UnitType

from .models import Assessment
from .services import answer_evidence_link, answers_import, assessment_submit, evidence_required

DEPARTMENT, COMMUNE = "SNV", "X01"


def unit_person(
    role: str, unit: Unit, passwords: dict[str, str] | None, username: str = ""
) -> User:
    """The unit's editor or head (``editor.x01``, ``head.snv``); with ``passwords``, a random
    password printed once, else none usable (the person would be activated by a link)."""
    if role == Role.UNIT_HEAD:
        prefix = "head"
        title = "Chủ tịch UBND" if unit.type == UnitType.COMMUNE else "Thủ trưởng"
    else:
        prefix, title = "editor", "Cán bộ đầu mối CCHC"
    user = demo_person(
        username or f"{prefix}.{unit.code.lower()}", f"{title} {unit.name}", passwords
    )
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


def values_for(
    fw: Framework, unit: Unit, year: int, share: float = 1.0, seed: str = ""
) -> dict[str, str]:
    """Plausible values for ``share`` of the unit's self-declared leaves in ``year`` (a complete
    set when ``share`` is 1), the same in every build."""
    rng = random.Random(f"self-assessment:{year}:{unit.code}:{seed}")
    quality = unit_quality(unit.code, year)
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


def fill(
    assessment: Assessment,
    values: dict[str, str],
    actor: User,
    at: datetime.datetime | None = None,
) -> None:
    """The unit's values, imported in one go as from its workbook."""
    answers_import(
        assessment=assessment,
        values=[(code, value, 0) for code, value in values.items()],
        actor=actor,
        reason="",
        now=at,
    )


def needing_evidence(fw: Framework, unit: Unit, values: dict[str, str]) -> list[Node]:
    return [
        leaf
        for leaf in fw.leaves
        if leaf.applies(unit.type) and evidence_required(leaf, values.get(leaf.code, ""))
    ]


def attach_required(
    assessment: Assessment,
    fw: Framework,
    values: dict[str, str],
    actor: User,
    n: int,
    issued_on: datetime.date,
) -> None:
    """One report of the unit, cited by number and date, linked to every leaf needing it. The
    links are made now: the self-assessment stage must be open for the unit when this runs."""
    year = assessment.cycle.year
    document = evidence_reference(
        unit=assessment.unit,
        user=actor,
        number=f"{100 + n}/BC-{assessment.unit.code}",
        issued_on=issued_on,
        issuer=assessment.unit.name,
        title=f"Báo cáo kết quả cải cách hành chính năm {year}",
    )
    for leaf in needing_evidence(fw, assessment.unit, values):
        answer_evidence_link(
            assessment=assessment, leaf_code=leaf.code, evidence=document, actor=actor
        )


def complete_and_submit(
    assessment: Assessment,
    fw: Framework,
    head: User,
    n: int,
    *,
    filled_at: datetime.datetime,
    submitted_at: datetime.datetime,
) -> None:
    """A unit's whole self-assessment: every value, the required evidence, the submission."""
    values = values_for(fw, assessment.unit, assessment.cycle.year)
    fill(assessment, values, head, filled_at)
    attach_required(assessment, fw, values, head, n, filled_at.date())
    assessment_submit(assessment=assessment, actor=head, now=submitted_at)


def build(
    *,
    cycle: Cycle,
    passwords: dict[str, str] | None,
    at: Callable[[float], datetime.datetime],
    log: Callable[[str], None] = print,
    untouched: frozenset[str] = frozenset(),
) -> Cycle:
    """Bring the cycle, open for self-assessment, to its stage (see the module's doc); the units
    of ``untouched`` (codes) are left not started.

    ``passwords`` is the province demo's: the editor and head accounts of SNV and X01 made here
    are added to it (shown once). ``at(f)`` is the moment a fraction ``f`` of the way between
    the opening of the self-assessment and now."""
    fw = core_framework(cycle.framework_version)
    year = cycle.year
    by_code = {
        a.unit.code: a for a in Assessment.objects.filter(cycle=cycle).select_related("unit")
    }
    snv, x01 = by_code[DEPARTMENT], by_code[COMMUNE]
    editor_snv = unit_person(Role.UNIT_EDITOR, snv.unit, passwords)
    unit_person(Role.UNIT_HEAD, snv.unit, passwords)
    editor_x01 = unit_person(Role.UNIT_EDITOR, x01.unit, passwords)
    unit_person(Role.UNIT_HEAD, x01.unit, passwords)

    # SNV: a draft, about two thirds declared, some evidence linked from its library.
    values = values_for(fw, snv.unit, year, 0.65)
    fill(snv, values, editor_snv, at(0.6))
    library = list(Evidence.objects.filter(unit=snv.unit).order_by("pk"))
    for leaf, document in zip(needing_evidence(fw, snv.unit, values)[:3], library, strict=False):
        answer_evidence_link(
            assessment=snv, leaf_code=leaf.code, evidence=document, actor=editor_snv
        )
    # X01: complete, every required document attached; its head submits in the demo.
    values = values_for(fw, x01.unit, year)
    fill(x01, values, editor_x01, at(0.7))
    attach_required(x01, fw, values, editor_x01, 0, at(0.7).date())

    submitted = drafts = 0
    others = [
        (code, a)
        for code, a in sorted(by_code.items())
        if code not in (DEPARTMENT, COMMUNE) and code not in untouched
    ]
    for n, (code, assessment) in enumerate(others, start=1):
        unit = assessment.unit
        if n % 10 == 0:
            head = unit_person(Role.UNIT_HEAD, unit, None)
            complete_and_submit(
                assessment, fw, head, n, filled_at=at(0.5), submitted_at=at(0.8 + n / 1000)
            )
            submitted += 1
        elif n % 10 == 1:
            editor = unit_person(Role.UNIT_EDITOR, unit, None)
            share = random.Random(f"progress:{year}:{code}").uniform(0.1, 0.9)
            fill(assessment, values_for(fw, unit, year, share), editor, at(0.4))
            drafts += 1
    not_started = len(by_code) - 2 - submitted - drafts
    log(
        f"cycle {year}: in self-assessment; {submitted} units submitted, {drafts + 1} drafts "
        f"partly filled ({DEPARTMENT} among them), {COMMUNE} complete and ready to submit, "
        f"{not_started} not started"
    )
    return cycle
