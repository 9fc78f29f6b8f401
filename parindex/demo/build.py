"""The demo province: a deterministic register, the 2023 and 2024 cycles loaded with plausible
answers and computed results, then a cycle at every stage of a year (``stages``).

Everything is derived from fixed seeds, so two builds give the same figures. The register shows
the 2025 reorganisation: departments merged on 1 March 2025 and wards merged on 1 July 2025 keep
their own history, linked to the units they became.
"""

from __future__ import annotations

import datetime
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from parindex.accounts import demo as accounts_demo
from parindex.accounts.models import Role, RoleAssignment, User
from parindex.appraisals.models import Council
from parindex.assessments.demo import answer_for, unit_quality
from parindex.audit import demo as audit_demo
from parindex.core import Framework
from parindex.cycles.models import Cycle
from parindex.evidence import demo as evidence_demo
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.frameworks.services import framework_import
from parindex.national import demo as national_demo
from parindex.plans import demo as plans_demo
from parindex.results.models import Answer, Basis
from parindex.results.services import cycle_compute
from parindex.surveys import demo as surveys_demo
from parindex.units.models import Succession, Unit, UnitType

from . import scale, stages

DEMO_FRAMEWORK = "province-internal.yaml"
DEPARTMENTS_GROUP = "Sở, ban, ngành"
WARDS_GROUP = "Phường, thị trấn"
COMMUNES_GROUP = "Xã"
MERGER_1_MARCH_2025 = datetime.date(2025, 3, 1)
MERGER_1_JULY_2025 = datetime.date(2025, 7, 1)

# Departments before the reorganisation of 1 March 2025 (code, name).
DEPARTMENTS = [
    ("SNV", "Sở Nội vụ"),
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SKHDT", "Sở Kế hoạch và Đầu tư"),
    ("SKHCN", "Sở Khoa học và Công nghệ"),
    ("STTTT", "Sở Thông tin và Truyền thông"),
    ("SXD", "Sở Xây dựng"),
    ("SGTVT", "Sở Giao thông vận tải"),
    ("SCT", "Sở Công Thương"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("SYT", "Sở Y tế"),
    ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("VPUBND", "Văn phòng UBND tỉnh"),
    ("TTT", "Thanh tra tỉnh"),
    ("BDT", "Ban Dân tộc"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp"),
    ("SNGV", "Sở Ngoại vụ"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng tỉnh"),
]
# (absorbed, absorber) on 1 March 2025; SNNMT is a new department made of two.
DEPARTMENT_MERGERS = [
    ("SKHDT", "STC"),
    ("STTTT", "SKHCN"),
    ("SGTVT", "SXD"),
    ("SLDTBXH", "SNV"),
    ("SNNPTNT", "SNNMT"),
    ("STNMT", "SNNMT"),
    ("BDT", "SDTTG"),
]
NEW_DEPARTMENTS = [("SNNMT", "Sở Nông nghiệp và Môi trường"), ("SDTTG", "Sở Dân tộc và Tôn giáo")]

WARDS = [f"Phường {n}" for n in range(1, 11)] + ["Thị trấn Chợ Gạo", "Thị trấn Cái Bè"]
COMMUNES = [
    "Xã Đạo Thạnh",
    "Xã Trung An",
    "Xã Thới Sơn",
    "Xã Mỹ Phong",
    "Xã Tân Mỹ Chánh",
    "Xã Phước Thạnh",
    "Xã Long Hưng",
    "Xã Bình Đức",
    "Xã Hòa Tịnh",
    "Xã Song Bình",
    "Xã Lương Hòa Lạc",
    "Xã Tân Thuận Bình",
    "Xã Mỹ Tịnh An",
    "Xã Hậu Thành",
    "Xã An Hữu",
    "Xã Tân Hưng",
    "Xã Đông Hòa Hiệp",
    "Xã Long Trung",
    "Xã Tam Bình",
    "Xã Ngũ Hiệp",
]
# Wards 1–5 became Phường Mỹ Tho on 1 July 2025, when the district level was dropped.
WARD_MERGER = ("PMYTHO", "Phường Mỹ Tho", ["P01", "P02", "P03", "P04", "P05"])
# (year, state, the unit types in scope: every type when empty). 2024 is then taken through its
# appraisal and council by the demo's stages (``stages``).
CYCLES = [
    (2023, Cycle.State.PUBLISHED, ()),
    (2024, Cycle.State.IN_PROGRESS, (UnitType.DEPARTMENT,)),
]


@dataclass
class DemoAccounts:
    passwords: dict[str, str]


def build_units() -> list[Unit]:
    """The register; returns the units in scope of the 2023 and 2024 cycles."""
    in_scope: list[Unit] = []
    for code, name in DEPARTMENTS:
        absorbed = any(code == old for old, _ in DEPARTMENT_MERGERS)
        unit = Unit.objects.create(
            code=code,
            name=name,
            type=UnitType.DEPARTMENT,
            group=DEPARTMENTS_GROUP,
            valid_from=datetime.date(2008, 4, 1),
            valid_to=MERGER_1_MARCH_2025 - datetime.timedelta(days=1) if absorbed else None,
        )
        in_scope.append(unit)
    for code, name in NEW_DEPARTMENTS:
        Unit.objects.create(
            code=code,
            name=name,
            type=UnitType.DEPARTMENT,
            group=DEPARTMENTS_GROUP,
            valid_from=MERGER_1_MARCH_2025,
        )
    by_code = {u.code: u for u in Unit.objects.all()}
    for old, new in DEPARTMENT_MERGERS:
        Succession.objects.create(
            predecessor=by_code[old],
            successor=by_code[new],
            date=MERGER_1_MARCH_2025,
            kind=Succession.Kind.MERGER,
            legal_basis="Nghị quyết của HĐND tỉnh, 2025",
        )
    merged_wards = set(WARD_MERGER[2])
    for n, name in enumerate(WARDS, start=1):
        code = f"P{n:02d}"
        in_scope.append(
            Unit.objects.create(
                code=code,
                name=name,
                type=UnitType.COMMUNE,
                group=WARDS_GROUP,
                valid_from=datetime.date(2000, 1, 1),
                valid_to=MERGER_1_JULY_2025 - datetime.timedelta(days=1)
                if code in merged_wards
                else None,
            )
        )
    for n, name in enumerate(COMMUNES, start=1):
        in_scope.append(
            Unit.objects.create(
                code=f"X{n:02d}",
                name=name,
                type=UnitType.COMMUNE,
                group=COMMUNES_GROUP,
                valid_from=datetime.date(2000, 1, 1),
            )
        )
    code, name, parts = WARD_MERGER
    merged = Unit.objects.create(
        code=code,
        name=name,
        type=UnitType.COMMUNE,
        group=WARDS_GROUP,
        valid_from=MERGER_1_JULY_2025,
    )
    for part in parts:
        Succession.objects.create(
            predecessor=Unit.objects.get(code=part),
            successor=merged,
            date=MERGER_1_JULY_2025,
            kind=Succession.Kind.MERGER,
            legal_basis="Nghị quyết của UBTVQH về sắp xếp ĐVHC cấp xã, 2025",
        )
    return in_scope


def build_answers(cycle: Cycle, fw: Framework, units: list[Unit]) -> int:
    rows = []
    for unit in units:
        rng = random.Random(f"answers:{cycle.year}:{unit.code}")
        q = unit_quality(unit.code, cycle.year)
        for leaf in fw.leaves:
            if not leaf.applies(unit.type):
                continue
            value = answer_for(leaf, rng, q)
            if value is not None:
                rows.append(Answer(cycle=cycle, unit=unit, leaf_code=leaf.code, value=value))
    Answer.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def build_cycle(
    year: int,
    state: str,
    version: FrameworkVersion,
    units: list[Unit],
    *,
    log: Callable[[str], None] = print,
) -> Cycle:
    """A cycle of the demo's units with their answers and results. A published one has the
    self-assessed results beside the final ones (nothing was appraised: they are the same) and
    the number and date of the decision that published it, as the council's publication
    records them."""
    published = state == Cycle.State.PUBLISHED
    decided = datetime.date(year + 1, 3, 15)
    cycle = Cycle.objects.create(
        year=year,
        title=stages.cycle_title(year, units),
        framework_version=version,
        state=state,
        publication_decision=f"Quyết định số {100 + year - 2000}/QĐ-UBND" if published else "",
        published_at=datetime.datetime.combine(decided, datetime.time(9), datetime.UTC)
        if published
        else None,
    )
    cycle.units.set(units)
    count = build_answers(cycle, fw=core_framework(version), units=units)

    def progress(done: int, total: int) -> None:
        log(f"  {year}: computed {done}/{total} units")

    if published:
        cycle_compute(cycle=cycle, basis=Basis.SELF)
        Council.objects.create(cycle=cycle, decision_date=decided)
    cycle_compute(cycle=cycle, progress=progress)
    log(f"cycle {year}: {count} answers, results computed, state {state}")
    return cycle


def build_accounts(units: list[Unit]) -> DemoAccounts:
    """One account per role; passwords are random and shown once, never a printed default."""
    passwords: dict[str, str] = {}
    snv = next(u for u in units if u.code == "SNV")

    def person(
        username: str, full_name: str, role: str | None, unit: Unit | None = None, **flags: bool
    ) -> None:
        password = secrets.token_urlsafe(12)
        user = User.objects.create_user(
            username=username, email=None, password=password, full_name=full_name, **flags
        )
        if role:
            RoleAssignment.objects.create(user=user, role=role, unit=unit)
        passwords[username] = password

    person("admin", "Quản trị hệ thống", Role.PAR_ADMIN, is_staff=True, is_superuser=True)
    person("viewer", "Lãnh đạo UBND tỉnh", Role.VIEWER)
    person("editor.snv", "Cán bộ đầu mối CCHC Sở Nội vụ", Role.UNIT_EDITOR, snv)
    return DemoAccounts(passwords)


def demo_exists() -> bool:
    return Cycle.objects.exists() or Unit.objects.exists()


@transaction.atomic
def build_demo(*, log: Callable[[str], None] = print, units: int | None = None) -> DemoAccounts:
    """Build the demo province into an empty database; with ``units``, communes are added until
    the published cycle holds that many units (``scale``)."""
    frameworks_dir = Path(settings.FRAMEWORKS_DIR)
    for path in sorted(frameworks_dir.glob("*.yaml")):
        framework_import(text=path.read_text(encoding="utf-8"), source_name=path.name)
        log(f"framework {path.name} imported")
    version = FrameworkVersion.objects.get(source_name=DEMO_FRAMEWORK)
    register = build_units()
    if units is not None and units > len(register):
        register += scale.add_communes(units - len(register), COMMUNES_GROUP)
    log(f"{Unit.objects.count()} units registered ({len(register)} in scope of the cycles)")
    for year, state, types in CYCLES:
        scope = [u for u in register if not types or u.type in types]
        build_cycle(year, state, version, scope, log=log)
    accounts = build_accounts(register)
    # Each feature app adds its demo step on its own line below.
    accounts_demo.build(log=log)
    evidence_demo.build(log=log)
    surveys_demo.build(log=log)
    stages.build(version=version, passwords=accounts.passwords, log=log)
    tien_giang = national_demo.build(log=log)
    plans_demo.build(log=log, province=tien_giang)
    audit_demo.build(log=log)
    return accounts
