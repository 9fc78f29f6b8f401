"""Fixtures of the self-assessment tests: a 2025 cycle opened on the world's framework with a
calendar around now, the personas the assessment rules name (unit head, appraiser, council)
beside those of conftest.py, and small helpers.

conftest.py makes the fixtures visible to every web test; helpers are imported by name."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.services import cycle_open
from parindex.core import Node
from parindex.cycles.models import Cycle

from .factories import World, person

DAY = datetime.timedelta(days=1)


def windows_around(
    now: datetime.datetime,
) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """Self-assessment open since yesterday for ten days; the later stages after it."""
    return {
        Stage.SELF_ASSESSMENT: (now - DAY, now + 10 * DAY),
        Stage.APPRAISAL: (now + 10 * DAY, now + 20 * DAY),
        Stage.EXPLANATION: (now + 20 * DAY, now + 25 * DAY),
        Stage.COUNCIL: (now + 25 * DAY, now + 30 * DAY),
        Stage.PUBLICATION: (now + 30 * DAY, now + 40 * DAY),
    }


@dataclass
class Open:
    """The 2025 cycle and its assessments (unit A and B are departments)."""

    world: World
    cycle: Cycle
    a: Assessment  # unit A: editor_a, head_a
    b: Assessment  # unit B: editor_b
    commune: Assessment

    def url(self, name: str, assessment: Assessment | None = None, **extra: object) -> str:
        assessment = assessment or self.a
        return reverse(
            f"assessments:{name}",
            kwargs={"cycle_id": self.cycle.pk, "unit_code": assessment.unit.code, **extra},
        )

    def leaf_url(self, code: str, name: str = "leaf", assessment: Assessment | None = None) -> str:
        return self.url(name, assessment, leaf_code=code)

    def leaf(self, code: str) -> Node:
        return self.world.fw.by_code[code]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    """Evidence blobs of every test go under its own temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def opened(world: World, admin: User) -> Open:
    cycle = Cycle.objects.create(
        year=2025,
        title="Chỉ số CCHC năm 2025",
        framework_version=world.version,
        state=Cycle.State.PREPARING,
    )
    cycle.units.set(world.units)
    cycle_open(cycle=cycle, windows=windows_around(timezone.now()), actor=admin)
    by_unit = {a.unit_id: a for a in Assessment.objects.filter(cycle=cycle).select_related("unit")}
    return Open(
        world, cycle, by_unit[world.unit_a.pk], by_unit[world.unit_b.pk], by_unit[world.commune.pk]
    )


@pytest.fixture
def head_a(world: World) -> User:
    """Head (thủ trưởng) of unit A: submits its self-assessment."""
    return person("head.a", Role.UNIT_HEAD, world.unit_a)


@pytest.fixture
def appraiser(world: World) -> User:
    user = person("appraiser", Role.APPRAISER)
    user.roles.update(area="1")
    return user


@pytest.fixture
def council(world: World) -> User:
    return person("council", Role.COUNCIL)


HX = {"HTTP_HX_REQUEST": "true"}  # headers of an htmx request: ``client.post(url, data, **HX)``
