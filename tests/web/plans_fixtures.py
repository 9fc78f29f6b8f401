"""Fixtures of the plan and national tests: the lead departments the internal framework names,
a plan on the small province's framework with tasks of unit A (SNV) and unit B (STP), and the
personas of conftest.py.

conftest.py makes the fixtures visible to every web test; helpers are imported by name."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from parindex.plans.models import Plan, Task
from parindex.plans.services import plan_create, task_create
from parindex.units.models import Unit, UnitType

from .factories import DEPARTMENTS, World

# Lead agencies of the internal framework that the small province does not register.
OTHER_LEADS = [
    ("VPUBND", "Văn phòng UBND tỉnh"),
    ("STC", "Sở Tài chính"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
]


@dataclass
class PlanWorld:
    plan: Plan
    task_a: Task  # led by unit A (SNV): editor_a's
    task_b: Task  # led by unit B (STP): editor_b's
    overdue: Task  # led by unit A, deadline passed, in progress
    draft: Task  # led by unit A, a draft

    @property
    def tasks(self) -> list[Task]:
        return [self.task_a, self.task_b, self.overdue, self.draft]


def leads_create() -> list[Unit]:
    return [
        Unit.objects.create(code=code, name=name, type=UnitType.DEPARTMENT, group=DEPARTMENTS)
        for code, name in OTHER_LEADS
    ]


def plan_world_build(world: World, *, published: bool) -> PlanWorld:
    leads_create()
    today = timezone.localdate()
    plan = plan_create(
        number="252/KH-UBND",
        title="Kế hoạch nâng cao Chỉ số CCHC giai đoạn 2023-2026",
        issued_on=datetime.date(2023, 3, 1),
        issuer="Ủy ban nhân dân tỉnh",
        start_year=2023,
        end_year=2026,
        goals="Nâng hạng mỗi năm; vào nhóm Khá.",
        framework_version=world.version,
        published=published,
    )
    areas = {a.position: a for a in plan.areas.all()}
    task_a = task_create(
        plan=plan,
        area=areas[1],
        title="Ban hành kế hoạch CCHC năm đúng thời hạn",
        lead_agency=world.unit_a,
        coordinating=[world.unit_b],
        node_codes=["1.1"],
        start_date=today - datetime.timedelta(days=30),
        deadline=today + datetime.timedelta(days=7),
        expected_points=Decimal("3.00"),
        expected_result="Kế hoạch ban hành trước ngày 31/01",
    )
    task_b = task_create(
        plan=plan,
        area=areas[2],
        title="Rà soát, hệ thống hóa văn bản quy phạm pháp luật",
        lead_agency=world.unit_b,
        node_codes=["2.2"],
        start_date=today - datetime.timedelta(days=60),
        deadline=today + datetime.timedelta(days=60),
    )
    overdue = task_create(
        plan=plan,
        area=areas[5],
        title="Tăng cường kỷ luật, kỷ cương hành chính",
        lead_agency=world.unit_a,
        node_codes=["5.5"],
        start_date=today - datetime.timedelta(days=90),
        deadline=today - datetime.timedelta(days=1),
        status=Task.Status.IN_PROGRESS,
    )
    draft = task_create(
        plan=plan,
        area=areas[1],
        title="Khắc phục điểm bị mất ở tiêu chí 1.4",
        lead_agency=world.unit_a,
        node_codes=["1.4"],
        start_date=today,
        deadline=today + datetime.timedelta(days=100),
        status=Task.Status.DRAFT,
    )
    return PlanWorld(plan, task_a, task_b, overdue, draft)


@pytest.fixture
def pw(world: World) -> PlanWorld:
    """An unpublished plan."""
    return plan_world_build(world, published=False)


@pytest.fixture
def published_pw(world: World) -> PlanWorld:
    return plan_world_build(world, published=True)
