"""The demo (`make run`) shows a cycle in progress with units at every stage (issue 3, done
when): the accounts it prints cover the people of the cycle, the 2025 cycle has units from not
started to appraised, 2023 is published, and Plan 252/KH-UBND is there.

The demo is built once for the module (it takes a while) and the database is emptied after."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import override_settings

from parindex.accounts.models import Role, User
from parindex.assessments.models import Assessment
from parindex.cycles.models import Cycle
from parindex.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """What `manage.py demo` prints, the demo built in the test database for this module."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def accounts(printed: str) -> dict[str, str]:
    """The accounts printed once with their passwords: ``{username: password}``."""
    return dict(re.findall(r"^  (\S+) +(\S+)$", printed, re.M))


def roles_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).roles.values_list("role", flat=True))


def test_the_printed_accounts_include_a_unit_head_an_appraiser_and_the_council(
    printed: str,
) -> None:
    names = set(accounts(printed))
    assert {"admin", "viewer", "editor.snv"} <= names
    held = {name: roles_of(name) for name in names}
    assert any(Role.UNIT_HEAD in roles for roles in held.values()), held
    assert any(Role.APPRAISER in roles for roles in held.values()), held
    assert Role.COUNCIL in held["council"]


def test_the_2025_cycle_has_units_at_every_stage(printed: str) -> None:
    cycle = Cycle.objects.get(year=2025)
    states = set(Assessment.objects.filter(cycle=cycle).values_list("state", flat=True))
    assert {"draft", "submitted", "in_appraisal", "returned", "replied", "appraised"} <= states
    # Not started: an assessment with no answer and no evidence yet.
    answered = set(cycle.answers.values_list("unit_id", flat=True).distinct())
    not_started = Assessment.objects.filter(cycle=cycle, state="draft").exclude(
        unit_id__in=answered
    )
    assert not_started.exists()


def test_2023_is_published_and_plan_252_exists(printed: str) -> None:
    assert Cycle.objects.get(year=2023).is_published
    assert Plan.objects.filter(number="252/KH-UBND").exists()
