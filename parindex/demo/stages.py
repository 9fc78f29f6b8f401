"""The demo's cycles at every stage of a year, each reachable with the accounts the demo prints:

- 2024, approved by the council and awaiting publication (its publication stage is open);
- 2025, ready for the council: every unit appraised, the council named, its stage open;
- 2026, in appraisal with its explanation rounds open: the Department of Home Affairs (SNV) was
  returned and its editor and head have to reply, another unit replied and waits for the
  appraisers, others are appraised or wait in the queues;
- 2027, open for self-assessment, the units filling it (``assessments.demo``).

Every step goes through the services (the audit trail shows who did what): the cycles of 2025
to 2027 are opened with the cycle wizard's service, 2024 (whose values the province demo loaded)
with the calendar's. The calendars are set relative to the build (``calendars``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.accounts.selectors import par_admins
from parindex.appraisals import demo as appraisals_demo
from parindex.appraisals import services as appraisals
from parindex.appraisals.demo import Teams
from parindex.appraisals.models import Vote
from parindex.assessments import demo as assessments_demo
from parindex.assessments.demo import unit_person
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.services import (
    assessment_submit,
    cycle_calendar_set,
    cycle_open,
)
from parindex.core import Framework
from parindex.cycles.models import Cycle
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.office.services import cycle_create
from parindex.results.models import Answer
from parindex.units.models import Unit, UnitType
from parindex.units.selectors import register_as_of

from . import calendars, scale
from .calendars import Clock

# The units whose people's accounts are printed: a department and a commune.
PRINTED_UNITS = (assessments_demo.DEPARTMENT, assessments_demo.COMMUNE)
# In 2026, where the appraisal leaves each of these units (the others wait in the queues).
APPRAISAL_PLAN = {
    "SNV": "returned",  # its editor and head reply
    "STP": "replied",  # the appraisers settle
    "SCT": "in_appraisal",  # area 1 accepted
    "SDTTG": "settled",  # appraised after an explanation round
    "SGDDT": "finished",  # appraised, every leaf accepted
    "SKHCN": "finished",
}
# What the printed accounts find in the cycles, as the demo prints them.
STAGE_NAMES = {
    2024: "approved, awaiting publication",
    2025: "ready for the council",
    2026: "in appraisal, explanation rounds open",
    2027: "in self-assessment",
}
UNIT_HINTS = {
    "SNV": "2027 a draft to continue; 2026 returned, to reply to the appraisers",
    "X01": "2027 complete, for the head to submit",
}
# Units that went through an explanation round in the cycles appraised in full.
QUESTIONED = ("SNV", "STC", "SYT")


@dataclass
class Province:
    """What every stage uses: the administrator, the framework, the teams, the council."""

    admin: User
    version: FrameworkVersion
    fw: Framework
    teams: Teams
    council: list[tuple[User, str]]
    passwords: dict[str, str]
    now: datetime.datetime


def cycle_title(year: int, units: list[Unit]) -> str:
    if all(u.type == UnitType.DEPARTMENT for u in units):
        return f"Chỉ số CCHC các sở, ban, ngành tỉnh năm {year}"
    return f"Chỉ số CCHC các sở, ngành và UBND cấp xã năm {year}"


def _department_scope(day: datetime.date) -> list[Unit]:
    return list(register_as_of(day, types=[UnitType.DEPARTMENT]))


def _open(province: Province, year: int, units: list[Unit], where: str) -> tuple[Cycle, Clock]:
    """A new cycle through the wizard's service, with its teams and council; the calendar is
    the one of ``where`` but the self-assessment stays open until the units have submitted."""
    windows = calendars.calendar(where, province.now)
    cycle = cycle_create(
        actor=province.admin,
        year=year,
        title=cycle_title(year, units),
        framework_version=province.version,
        register_date=datetime.date(year, 7, 1),
        unit_codes=[u.code for u in units],
        windows=calendars.while_filling(windows, province.now),
    )
    _teams_and_council(province, cycle)
    return cycle, Clock(windows, province.now)


def _teams_and_council(province: Province, cycle: Cycle) -> None:
    appraisals_demo.teams_assign(cycle, province.teams, province.admin)
    appraisals_demo.council_name(cycle, province.council, province.admin)


def _head(province: Province, unit: Unit) -> User:
    printed = province.passwords if unit.code in PRINTED_UNITS else None
    return unit_person(Role.UNIT_HEAD, unit, printed)


def _assessments(cycle: Cycle) -> list[Assessment]:
    return list(
        Assessment.objects.filter(cycle=cycle)
        .select_related("cycle", "cycle__framework_version", "unit")
        .order_by("unit__code")
    )


def _all_submit(province: Province, cycle: Cycle, clock: Clock, *, filled: bool) -> None:
    """Every unit completes and submits its self-assessment (``filled``: its values are stored
    already), then the administrator sets the cycle's real calendar."""
    for n, assessment in enumerate(_assessments(cycle), start=1):
        head = _head(province, assessment.unit)
        submitted_at = clock.at(Stage.SELF_ASSESSMENT, 0.7 + n / 500)
        if not filled:
            assessments_demo.complete_and_submit(
                assessment,
                province.fw,
                head,
                n,
                filled_at=clock.at(Stage.SELF_ASSESSMENT, 0.5),
                submitted_at=submitted_at,
            )
            continue
        values = dict(
            Answer.objects.filter(cycle=cycle, unit=assessment.unit).values_list(
                "leaf_code", "value"
            )
        )
        assessments_demo.attach_required(
            assessment, province.fw, values, head, n, submitted_at.date()
        )
        assessment_submit(assessment=assessment, actor=head, now=submitted_at)
    cycle_calendar_set(cycle=cycle, windows=clock.windows, actor=province.admin)


def _all_appraise(province: Province, cycle: Cycle, clock: Clock) -> None:
    """Every unit appraised: most accepted as declared; the ``QUESTIONED`` ones through an
    explanation round (an adjustment the unit agrees with, a flag settled on its figure)."""
    fw, teams, admin = province.fw, province.teams, province.admin
    for assessment in _assessments(cycle):
        question = assessment.unit.code in QUESTIONED
        leaves = appraisals_demo.appraise(
            fw, teams, assessment, at=clock.at(Stage.APPRAISAL, 0.5), question=question
        )
        assessment = appraisals_demo.release(assessment, admin, clock.at(Stage.APPRAISAL, 0.9))
        if leaves:
            appraisals_demo.reply(assessment, leaves, clock.at(Stage.EXPLANATION, 0.5))
            appraisals_demo.settle(fw, teams, assessment, leaves, clock.at(Stage.EXPLANATION, 0.8))


def _decide(province: Province, cycle: Cycle, clock: Clock, people: list[User]) -> None:
    for person in people:
        appraisals.council_vote(
            cycle=cycle,
            actor=person,
            vote=Vote.APPROVE,
            note="Đồng ý với kết quả thẩm định.",
            now=clock.at(Stage.COUNCIL, 0.5),
        )


def awaiting_publication(province: Province, log: Callable[[str], None]) -> Cycle:
    """2024: opened on its stored values, submitted, appraised, approved by the council."""
    cycle = Cycle.objects.get(year=2024, framework_version=province.version)
    windows = calendars.calendar(calendars.PUBLICATION, province.now)
    clock = Clock(windows, province.now)
    cycle_open(
        cycle=cycle,
        windows=calendars.while_filling(windows, province.now),
        actor=province.admin,
    )
    _teams_and_council(province, cycle)
    _all_submit(province, cycle, clock, filled=True)
    _all_appraise(province, cycle, clock)
    member, chair = province.council[1][0], province.council[0][0]
    _decide(province, cycle, clock, [member, chair])
    cycle.refresh_from_db()
    log(
        f"cycle 2024: {cycle.units.count()} units appraised, approved by the council, "
        f"publication open until {_day(windows[Stage.PUBLICATION][1])}"
    )
    return cycle


def ready_for_council(province: Province, log: Callable[[str], None]) -> Cycle:
    """2025: every unit submitted and appraised, one member's decision recorded, the chair's
    awaited."""
    cycle, clock = _open(
        province, 2025, _department_scope(datetime.date(2025, 7, 1)), calendars.COUNCIL
    )
    _all_submit(province, cycle, clock, filled=False)
    _all_appraise(province, cycle, clock)
    _decide(province, cycle, clock, [province.council[1][0]])
    log(
        f"cycle 2025: {cycle.units.count()} units appraised, council named, its stage open "
        f"until {_day(clock.windows[Stage.COUNCIL][1])}, awaiting the chair's decision"
    )
    return cycle


def in_appraisal(province: Province, log: Callable[[str], None]) -> Cycle:
    """2026: every unit submitted; the ``APPRAISAL_PLAN`` units brought to their stages."""
    cycle, clock = _open(
        province, 2026, _department_scope(datetime.date(2026, 7, 1)), calendars.APPRAISAL
    )
    _all_submit(province, cycle, clock, filled=False)
    fw, teams, admin = province.fw, province.teams, province.admin
    by_code = {a.unit.code: a for a in _assessments(cycle)}
    for code, step in APPRAISAL_PLAN.items():
        assessment = by_code[code]
        leaves = appraisals_demo.appraise(
            fw,
            teams,
            assessment,
            at=clock.at(Stage.APPRAISAL, 0.3),
            question=step != "finished",
            areas={"1"} if step == "in_appraisal" else None,
        )
        if step == "in_appraisal":
            continue
        assessment = appraisals_demo.release(assessment, admin, clock.at(Stage.APPRAISAL, 0.6))
        if step in ("replied", "settled"):
            appraisals_demo.reply(assessment, leaves, clock.at(Stage.EXPLANATION, 0.5))
        if step == "settled":
            appraisals_demo.settle(fw, teams, assessment, leaves, clock.at(Stage.EXPLANATION, 0.8))
    waiting = len(by_code) - len(APPRAISAL_PLAN)
    log(
        f"cycle 2026: in appraisal, explanations open until "
        f"{_day(clock.windows[Stage.EXPLANATION][1])}; "
        + "; ".join(f"{code} {step}" for code, step in APPRAISAL_PLAN.items())
        + f"; {waiting} more submitted units in the queues"
    )
    return cycle


def in_self_assessment(province: Province, log: Callable[[str], None]) -> Cycle:
    """2027: every unit of the register, opened for self-assessment."""
    day = datetime.date(2027, 1, 1)
    units = list(register_as_of(day))
    windows = calendars.calendar(calendars.SELF_ASSESSMENT, province.now)
    cycle = cycle_create(
        actor=province.admin,
        year=2027,
        title=cycle_title(2027, units),
        framework_version=province.version,
        register_date=day,
        unit_codes=[u.code for u in units],
        windows=windows,
    )
    _teams_and_council(province, cycle)
    clock = Clock(windows, province.now)
    return assessments_demo.build(
        cycle=cycle,
        passwords=province.passwords,
        at=lambda f: clock.at(Stage.SELF_ASSESSMENT, f),
        log=log,
        untouched=frozenset(u.code for u in units if scale.is_scale_unit(u.code)),
    )


def _day(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y}"


def build(
    *, version: FrameworkVersion, passwords: dict[str, str], log: Callable[[str], None] = print
) -> list[Cycle]:
    """The cycles of 2024 to 2027 at their stages (see the module's doc); the printed accounts
    (the people of SNV and X01, the appraisal teams, the council) are added to ``passwords``."""
    admin = next(iter(par_admins()), None)
    if admin is None:
        raise RuntimeError("the province demo must run first")
    fw = core_framework(version)
    for code in PRINTED_UNITS:
        unit = Unit.objects.get(code=code)
        unit_person(Role.UNIT_EDITOR, unit, passwords)
        unit_person(Role.UNIT_HEAD, unit, passwords)
    province = Province(
        admin=admin,
        version=version,
        fw=fw,
        teams=appraisals_demo.teams_build(fw, passwords),
        council=appraisals_demo.council_build(passwords),
        passwords=passwords,
        now=timezone.now(),
    )
    return [
        awaiting_publication(province, log),
        ready_for_council(province, log),
        in_appraisal(province, log),
        in_self_assessment(province, log),
    ]
