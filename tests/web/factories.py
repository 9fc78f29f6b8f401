"""Builders shared by the web and browser tests: people and a small province.

Not a test module. ``build_world()`` imports the shipped internal framework through the same
service as the import page, registers four units, and computes two cycles with the core, in well
under a second. Every answer is derived from a unit's fixed "quality", so the figures are the
same on every run.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import Client
from django.utils import timezone

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.core import Framework, Node, load_framework
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
from parindex.frameworks import services as framework_services
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.frameworks.services import framework_import
from parindex.results.models import Answer, UnitResult
from parindex.results.services import cycle_compute
from parindex.units.models import Unit, UnitType

PASSWORD = "Thu-nghiem-2024"  # test accounts only
FRAMEWORK_FILE = "province-internal.yaml"
DEPARTMENTS = "Sở, ban, ngành"
WARDS = "Phường, thị trấn"
COMMUNES = "Xã"

# (code, name, type, group, quality in 2023, quality in 2024)
UNITS = [
    ("SNV", "Sở Nội vụ", UnitType.DEPARTMENT, DEPARTMENTS, 0.97, 0.95),
    ("STP", "Sở Tư pháp", UnitType.DEPARTMENT, DEPARTMENTS, 0.80, 0.90),
    ("P01", "Phường 1", UnitType.COMMUNE, WARDS, 0.75, 0.80),
    ("X01", "Xã Đạo Thạnh", UnitType.COMMUNE, COMMUNES, 0.90, 0.97),
]
# SNV has no answer for this leaf in 2024: the scorecard marks it as missing.
MISSING_LEAF = "1.1.1"


@dataclass
class World:
    version: FrameworkVersion
    fw: Framework
    unit_a: Unit  # a department whose editor is ``editor_a``
    unit_b: Unit  # another department, ``editor_b``'s
    ward: Unit
    commune: Unit
    published: Cycle  # 2023, published
    current: Cycle  # 2024, in progress (not published)

    @property
    def units(self) -> list[Unit]:
        return [self.unit_a, self.unit_b, self.ward, self.commune]

    def result(self, cycle: Cycle, unit: Unit) -> UnitResult:
        return UnitResult.objects.get(cycle=cycle, unit=unit)


def framework_text() -> str:
    return (Path(settings.FRAMEWORKS_DIR) / FRAMEWORK_FILE).read_text(encoding="utf-8")


def value_for(leaf: Node, quality: float) -> str:
    """An answer worth about ``quality`` × the leaf's maximum; no bonus, no penalty."""
    rule = leaf.rule
    top = leaf.full_max
    if leaf.kind != "normal":
        return "0"
    if isinstance(rule, ChoiceRule):
        target = Decimal(str(quality)) * top
        return min(rule.options, key=lambda option: abs(option.points - target)).key
    if isinstance(rule, YesNoRule):
        return "có" if quality >= 0.5 else "không"
    if isinstance(rule, RatioRule | ProportionalRule):
        return f"{round(quality * 100)}/100"
    if isinstance(rule, SurveyRule):
        return f"{round(quality * 100, 1)}"
    if isinstance(rule, CountRule):
        return str(round(quality * float(top / rule.per_item)))
    if isinstance(rule, DeductionRule):
        return str(round((1 - quality) * float(top / rule.per_item)))
    if isinstance(rule, PointsRule):
        step = rule.step or leaf.framework_rounding
        return f"{step * round(quality * float(top / step))}"
    raise AssertionError(f"no test value for rule {rule}")


def answers_create(
    cycle: Cycle,
    fw: Framework,
    units: list[Unit],
    qualities: dict[str, float],
    *,
    skip: tuple[str, str] | None = None,
) -> None:
    rows = [
        Answer(
            cycle=cycle, unit=unit, leaf_code=leaf.code, value=value_for(leaf, qualities[unit.code])
        )
        for unit in units
        for leaf in fw.leaves
        if leaf.applies(unit.type) and (unit.code, leaf.code) != skip
    ]
    Answer.objects.bulk_create(rows)


@functools.lru_cache(maxsize=4)
def _load_framework_once(text: str, source: str = "<framework>") -> Framework:
    return load_framework(text, source)


def framework_import_fast(*, text: str, source_name: str) -> FrameworkVersion:
    """``framework_import``, with the YAML read once per test session rather than once per test
    (a third of a second each time); the frameworks are immutable values, so sharing is safe."""
    with mock.patch.object(framework_services, "load_framework", _load_framework_once):
        return framework_import(text=text, source_name=source_name)


def build_world() -> World:
    version = framework_import_fast(text=framework_text(), source_name=FRAMEWORK_FILE)
    fw = core_framework(version)
    units = [
        Unit.objects.create(
            code=code, name=name, type=kind, group=group, valid_from=datetime.date(2008, 4, 1)
        )
        for code, name, kind, group, _, _ in UNITS
    ]
    cycles = []
    for year, state, column in (
        (2023, Cycle.State.PUBLISHED, 4),
        (2024, Cycle.State.IN_PROGRESS, 5),
    ):
        cycle = Cycle.objects.create(
            year=year,
            title=f"Chỉ số CCHC năm {year}",
            framework_version=version,
            state=state,
            published_at=timezone.now() if state == Cycle.State.PUBLISHED else None,
        )
        cycle.units.set(units)
        qualities = {row[0]: row[column] for row in UNITS}
        skip = ("SNV", MISSING_LEAF) if year == 2024 else None
        answers_create(cycle, fw, units, qualities, skip=skip)
        cycle_compute(cycle=cycle)
        cycles.append(cycle)
    return World(version, fw, *units, *cycles)


def communes_add(world: World, count: int) -> list[Unit]:
    """``count`` more communes in the 2024 cycle, answered and computed."""
    start = Unit.objects.count()
    units = [
        Unit.objects.create(
            code=f"XT{start + n:03d}",
            name=f"Xã Thử {start + n}",
            type=UnitType.COMMUNE,
            group=COMMUNES,
        )
        for n in range(count)
    ]
    world.current.units.add(*units)
    qualities = {u.code: 0.6 + 0.35 * (n % 8) / 7 for n, u in enumerate(units)}
    answers_create(world.current, world.fw, units, qualities)
    cycle_compute(cycle=world.current)
    return units


def person(username: str, role: str | None = None, unit: Unit | None = None, **flags: bool) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=username.title(), **flags
    )
    if role is not None:
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def admin_create() -> User:
    return person("admin", Role.PAR_ADMIN, is_staff=True, is_superuser=True)


def viewer_create() -> User:
    return person("viewer", Role.VIEWER)


def browse(user: User | None = None, **defaults: object) -> Client:
    """A test client, signed in as ``user`` unless it is None."""
    client = Client(**defaults)
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class Row:
    attrs: dict[str, str]
    cells: list[str]

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _RowReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append(Row({k: v or "" for k, v in attrs}, []))
        elif tag == "td" and self.rows:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[-1].cells.append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> list[Row]:
    """Every table row that has data cells, with its attributes and the cells' visible text."""
    reader = _RowReader()
    reader.feed(html)
    return [row for row in reader.rows if row.cells]
