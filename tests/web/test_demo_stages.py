"""The demo (`make run`) has a cycle at every stage of a year (issue 9), each reachable with the
accounts it prints: 2027 open for self-assessment, 2026 in appraisal with its explanation rounds
open, 2025 ready for the council, 2024 approved and awaiting publication, 2023 published; the
accounts cover the people of the year (unit editor and head, appraisers, the council and its
chair, the PAR office), and every step was taken through the services (audited).

The demo is built once for the module (it takes a while) and the database is emptied after."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from parindex.accounts.models import Role, User
from parindex.appraisals.models import CouncilMember, CouncilRole, Decision, LeafAppraisal
from parindex.assessments.models import Assessment, Stage
from parindex.assessments.stages import stage_is_open
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.plans.models import Plan
from parindex.results.models import ResultSnapshot

pytestmark = pytest.mark.django_db
FAST = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def printed(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """What `manage.py demo` prints, the demo built in the test database for this module."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST),
    ):
        out = io.StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        call_command("flush", interactive=False, verbosity=0)


def accounts(printed: str) -> dict[str, str]:
    """The accounts printed once with their passwords: ``{username: password}``."""
    return dict(re.findall(r"^  (\S+) +(\S+)$", printed, re.M))


def roles_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).roles.values_list("role", flat=True))


def signed_in(printed: str, username: str) -> Client:
    """A browser session opened through the login page with the printed password."""
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": accounts(printed)[username]}
    )
    assert response.status_code == 302, f"{username} cannot log in with the printed password"
    return client


def cycle(year: int) -> Cycle:
    return Cycle.objects.get(year=year, framework_version__code="province-internal")


def states(year: int) -> set[str]:
    return set(Assessment.objects.filter(cycle=cycle(year)).values_list("state", flat=True))


def open_stages(year: int) -> set[str]:
    return {stage for stage in Stage if stage_is_open(cycle(year), stage)}


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_printed_accounts_cover_the_people_of_a_year(printed: str) -> None:
    names = set(accounts(printed))
    assert {"admin", "viewer", "editor.snv", "head.snv", "editor.x01", "head.x01"} <= names
    held = {name: roles_of(name) for name in names}
    assert Role.PAR_ADMIN in held["admin"]
    assert Role.UNIT_HEAD in held["head.snv"] and Role.UNIT_EDITOR in held["editor.snv"]
    assert any(Role.APPRAISER in roles for roles in held.values()), held
    council = {name for name, roles in held.items() if Role.COUNCIL in roles}
    assert {"council", "council.member"} <= council
    # Grouped under headings, one line per account, then the cycles by stage.
    assert "Council (chair first)" in printed
    assert re.search(r"^Cycles: 2027 .*2023 published$", printed, re.M)


def test_2027_is_open_for_self_assessment_with_units_filling(printed: str) -> None:
    assert open_stages(2027) == {Stage.SELF_ASSESSMENT}
    assert {State.DRAFT, State.SUBMITTED} <= states(2027)
    current = cycle(2027)
    answered = set(current.answers.values_list("unit__code", flat=True))
    drafts = set(
        Assessment.objects.filter(cycle=current, state=State.DRAFT).values_list(
            "unit__code", flat=True
        )
    )
    assert {"SNV", "X01"} <= drafts & answered  # partly filled, complete
    assert drafts - answered, "some units have not started"
    # The editor of SNV continues the draft; the head of X01 finds the submission offered.
    html = page(signed_in(printed, "editor.snv"), f"/assessments/{current.pk}/SNV/")
    assert 'class="save"' in html
    html = page(signed_in(printed, "head.x01"), f"/assessments/{current.pk}/X01/submit/")
    assert re.search(r'<button type="submit">', html), "the submission is offered"


def test_2026_is_in_appraisal_with_its_explanation_rounds_open(printed: str) -> None:
    assert open_stages(2026) == {Stage.APPRAISAL, Stage.EXPLANATION}
    assert {
        State.SUBMITTED,
        State.IN_APPRAISAL,
        State.RETURNED,
        State.REPLIED,
        State.APPRAISED,
    } <= states(2026)
    current = cycle(2026)
    returned = Assessment.objects.get(cycle=current, state=State.RETURNED)
    assert returned.unit.code == "SNV"
    # SNV's editor replies to the appraisers.
    html = page(signed_in(printed, "editor.snv"), f"/appraisals/{current.pk}/units/SNV/")
    assert 'name="reply"' in html
    # The appraisers settle the leaf the unit that replied disputes.
    replied = Assessment.objects.get(cycle=current, state=State.REPLIED)
    disputed = LeafAppraisal.objects.get(assessment=replied, decision=Decision.FLAGGED)
    settler = next(
        name
        for name in accounts(printed)
        if name.startswith("appraiser.")
        and current.appraiser_assignments.filter(
            user__username=name, area_code=disputed.area_code
        ).exists()
        and not current.appraiser_assignments.filter(
            user__username=name, agency=replied.unit
        ).exists()
    )
    url = f"/appraisals/{current.pk}/leaves/{replied.unit.code}/{disputed.leaf_code}/"
    assert 'class="settle"' in page(signed_in(printed, settler), url)


def test_2025_is_ready_for_the_council_and_its_chair_sees_the_approval(printed: str) -> None:
    current = cycle(2025)
    assert current.state == Cycle.State.IN_PROGRESS
    assert open_stages(2025) == {Stage.COUNCIL}
    assert states(2025) == {State.APPRAISED}
    members = dict(
        CouncilMember.objects.filter(cycle=current).values_list("user__username", "role")
    )
    assert members == {"council": CouncilRole.CHAIR, "council.member": CouncilRole.MEMBER}
    html = page(signed_in(printed, "council"), f"/appraisals/{current.pk}/council/approve/")
    assert 'class="confirm"' in html, "the chair is offered the decision"
    # The member has decided; the chair's decision approves.
    assert "1 phê duyệt, 0 không đồng ý, 1 chưa cho ý kiến" in html


def test_2024_is_approved_and_the_office_sees_the_publication(printed: str) -> None:
    current = cycle(2024)
    assert current.state == Cycle.State.APPROVED
    assert open_stages(2024) == {Stage.PUBLICATION}
    assert states(2024) == {State.APPROVED}
    assert ResultSnapshot.objects.filter(cycle=current, superseded_at=None).exists()
    html = page(signed_in(printed, "admin"), f"/appraisals/{current.pk}/council/publish/")
    assert 'class="confirm"' in html, "the publication is offered"
    assert 'name="decision"' in html


def test_every_stage_was_reached_through_the_services(printed: str) -> None:
    for year, actions in (
        (2027, {"cycle.create", "answer.value", "evidence.link", "assessment.submit"}),
        (2026, {"appraisal.adjusted", "appraisal.flagged", "assessment.release", "reply.save"}),
        (2025, {"appraisal.accepted", "assessment.finish", "council.member", "council.vote"}),
        (2024, {"assessment.submit", "appraisal.settle", "council.vote", "results.snapshot"}),
    ):
        recorded = set(
            AuditEvent.objects.filter(cycle_id=cycle(year).pk).values_list("action", flat=True)
        )
        assert actions <= recorded, (year, actions - recorded)


def test_2023_is_published_and_plan_252_exists(printed: str) -> None:
    assert cycle(2023).is_published
    assert Plan.objects.filter(number="252/KH-UBND").exists()
