"""Fixtures of the appraisal tests: a 2025 cycle on the world's framework whose calendar is open
at every stage, units A and B (departments) submitted, appraisers of areas 1 and 2, an
appraiser of area 1 who is also an editor of unit A (a conflict of interest), a council member
who chairs the cycle's council.

Imported by the ``tests/web/test_appraisals_*.py`` modules."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.appraisals import services
from parindex.appraisals.models import LeafAppraisal
from parindex.assessments.models import AnswerEvidence, Assessment, Stage, StageWindow
from parindex.assessments.services import assessment_submit, cycle_open, missing_evidence
from parindex.core import Node
from parindex.cycles.models import Cycle
from parindex.evidence.models import Evidence
from parindex.evidence.services import evidence_reference
from parindex.results.models import Basis
from parindex.results.services import cycle_compute

from .factories import World, answers_create, person

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
# Leaves of area 1 that apply to departments, each with its rule (see province-internal.yaml).
CHOICE_LEAF = "1.1.1"  # choice: dung_han 1, cham 0.5, khong_ban_hanh 0; evidence required
RATIO_LEAF = "1.1.2"  # ratio brackets, max 2
DEDUCTION_LEAF = "1.2"  # deduction per 0.25, max 1
AREA_2_LEAF = "2.1.1"  # ratio, departments only


def windows_open(now: datetime.datetime) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """Every stage open now (they open in their order, a minute apart, and close in ten days)."""
    return {
        stage: (now - (10 - n) * MINUTE, now + 10 * DAY)
        for n, stage in enumerate(
            [
                Stage.SELF_ASSESSMENT,
                Stage.APPRAISAL,
                Stage.EXPLANATION,
                Stage.COUNCIL,
                Stage.PUBLICATION,
            ]
        )
    }


def close_stage(cycle: Cycle, stage: str) -> None:
    """Put one stage's window in the past (its deadline has passed)."""
    now = timezone.now()
    StageWindow.objects.filter(cycle=cycle, stage=stage).update(
        opens_at=now - 3 * DAY, closes_at=now - DAY
    )


@dataclass
class Appraisal:
    world: World
    cycle: Cycle
    a: Assessment  # unit A, submitted
    b: Assessment  # unit B, submitted
    ward: Assessment  # draft
    commune: Assessment  # draft
    admin: User
    head_a: User
    editor_a: User
    editor_b: User
    appraiser: User  # area 1
    appraiser_2: User  # area 2
    conflicted: User  # area 1, and editor of unit A
    council: User
    viewer: User

    def leaf(self, code: str) -> Node:
        return self.world.fw.by_code[code]

    def leaf_url(self, name: str, code: str, assessment: Assessment | None = None) -> str:
        assessment = assessment or self.a
        return reverse(
            f"appraisals:{name}",
            kwargs={
                "cycle_id": self.cycle.pk,
                "unit_code": assessment.unit.code,
                "leaf_code": code,
            },
        )

    def unit_url(self, name: str = "unit", assessment: Assessment | None = None) -> str:
        assessment = assessment or self.a
        return reverse(
            f"appraisals:{name}",
            kwargs={"cycle_id": self.cycle.pk, "unit_code": assessment.unit.code},
        )

    def url(self, name: str, **extra: object) -> str:
        return reverse(f"appraisals:{name}", kwargs={"cycle_id": self.cycle.pk, **extra})

    def refresh(self) -> None:
        for assessment in (self.a, self.b, self.ward, self.commune):
            assessment.refresh_from_db()
        self.cycle.refresh_from_db()


def submit_unit(assessment: Assessment, head: User) -> Assessment:
    """Link one reference document to every leaf that requires evidence, then submit."""
    document = evidence_reference(
        unit=assessment.unit,
        user=head,
        number="01/KH",
        issued_on=datetime.date(2025, 1, 10),
        issuer=assessment.unit.name,
        title="Kế hoạch CCHC năm 2025",
    )
    AnswerEvidence.objects.bulk_create(
        [
            AnswerEvidence(
                assessment=assessment, leaf_code=leaf.code, evidence=document, linked_by=head
            )
            for leaf in missing_evidence(assessment)
        ]
    )
    return assessment_submit(assessment=assessment, actor=head)


def appraiser_create(username: str, area: str) -> User:
    user = person(username, Role.APPRAISER)
    user.roles.update(area=area)
    return user


def build_appraisal(world: World, admin: User) -> Appraisal:
    cycle = Cycle.objects.create(
        year=2025,
        title="Chỉ số CCHC năm 2025",
        framework_version=world.version,
        state=Cycle.State.PREPARING,
    )
    cycle.units.set(world.units)
    cycle_open(cycle=cycle, windows=windows_open(timezone.now()), actor=admin)
    answers_create(
        cycle,
        world.fw,
        world.units,
        {"SNV": 0.9, "STP": 0.7, "P01": 0.8, "X01": 0.85},
    )
    by_unit = {a.unit_id: a for a in Assessment.objects.filter(cycle=cycle).select_related("unit")}
    head_a = person("head.a", Role.UNIT_HEAD, world.unit_a)
    head_b = person("head.b", Role.UNIT_HEAD, world.unit_b)
    editor_a = person("editor.a", Role.UNIT_EDITOR, world.unit_a)
    editor_b = person("editor.b", Role.UNIT_EDITOR, world.unit_b)
    a = submit_unit(by_unit[world.unit_a.pk], head_a)
    b = submit_unit(by_unit[world.unit_b.pk], head_b)
    appraiser = appraiser_create("appraiser", "1")
    appraiser_2 = appraiser_create("appraiser.2", "2")
    conflicted = appraiser_create("appraiser.snv", "1")
    RoleAssignment.objects.create(user=conflicted, role=Role.UNIT_EDITOR, unit=world.unit_a)
    for user, area in ((appraiser, "1"), (appraiser_2, "2"), (conflicted, "1")):
        services.appraiser_assign(cycle=cycle, user=user, area_code=area, actor=admin)
    council = person("council", Role.COUNCIL)
    services.council_member_set(cycle=cycle, user=council, role="chair", actor=admin)
    cycle_compute(cycle=cycle, basis=Basis.SELF)
    cycle_compute(cycle=cycle, basis=Basis.FINAL)
    return Appraisal(
        world=world,
        cycle=cycle,
        a=a,
        b=b,
        ward=by_unit[world.ward.pk],
        commune=by_unit[world.commune.pk],
        admin=admin,
        head_a=head_a,
        editor_a=editor_a,
        editor_b=editor_b,
        appraiser=appraiser,
        appraiser_2=appraiser_2,
        conflicted=conflicted,
        council=council,
        viewer=person("viewer", Role.VIEWER),
    )


@pytest.fixture
def appraisal(world: World, admin: User) -> Appraisal:
    return build_appraisal(world, admin)


# -- moving a unit along ------------------------------------------------------------------------


def accept_all(ap: Appraisal, assessment: Assessment) -> None:
    """Every untouched leaf of the unit accepted, by the appraiser of each area."""
    for user, area in ((ap.appraiser, "1"), (ap.appraiser_2, "2")):
        services.leaves_accept_untouched(
            targets=[
                services.Target(assessment, leaf.code)
                for leaf in services.untouched_leaves(assessment)
                if services.area_of(ap.world.fw)[leaf.code] == area
            ],
            actor=user,
        )
    other = [leaf.code for leaf in services.untouched_leaves(assessment)]
    if other:  # areas 3 to P: an appraiser assigned on the fly
        extra = User.objects.filter(username="appraiser.all").first()
        if extra is None:
            extra = appraiser_create("appraiser.all", "3")
        areas = services.area_of(ap.world.fw)
        for area in sorted({areas[c] for c in other}):
            if area not in services.assigned_areas(extra, ap.cycle):
                services.appraiser_assign(
                    cycle=ap.cycle, user=extra, area_code=area, actor=ap.admin
                )
        services.leaves_accept_untouched(
            targets=[services.Target(assessment, c) for c in other], actor=extra
        )


def adjust_and_flag(
    ap: Appraisal, assessment: Assessment | None = None
) -> tuple[LeafAppraisal, LeafAppraisal]:
    """The area 1 appraiser adjusts the choice leaf (to "cham": 0.5) and flags the ratio leaf."""
    assessment = assessment or ap.a
    adjusted = services.leaf_appraise(
        assessment=assessment,
        leaf_code=CHOICE_LEAF,
        decision="adjusted",
        value="cham",
        reason="Kế hoạch ban hành ngày 20/01, quá hạn.",
        actor=ap.appraiser,
    )
    flagged = services.leaf_appraise(
        assessment=assessment,
        leaf_code=RATIO_LEAF,
        decision="flagged",
        reason="Giải trình số nhiệm vụ hoàn thành.",
        actor=ap.appraiser,
    )
    return adjusted, flagged


def released(ap: Appraisal, assessment: Assessment | None = None) -> Assessment:
    """Adjusted, flagged, the rest accepted, and released to the unit (state returned)."""
    assessment = assessment or ap.a
    adjust_and_flag(ap, assessment)
    accept_all(ap, assessment)
    return services.assessment_release(assessment=assessment, actor=ap.admin)


def reference_of(assessment: Assessment, user: User, title: str = "Báo cáo bổ sung") -> Evidence:
    return evidence_reference(
        unit=assessment.unit,
        user=user,
        number="15/BC",
        issued_on=datetime.date(2025, 2, 1),
        issuer=assessment.unit.name,
        title=title,
    )


def replied(ap: Appraisal) -> Assessment:
    """Released, then the unit agrees with the adjustment and disagrees with the flag."""
    released(ap)
    services.reply_save(
        assessment=ap.a, leaf_code=CHOICE_LEAF, agrees=True, reason="", actor=ap.editor_a
    )
    services.reply_save(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        agrees=False,
        reason="Đã hoàn thành 100% nhiệm vụ, xem báo cáo.",
        evidence=[reference_of(ap.a, ap.editor_a)],
        actor=ap.editor_a,
    )
    return services.replies_send(assessment=ap.a, actor=ap.editor_a)


def appraised(ap: Appraisal) -> Assessment:
    """Replied, the flagged leaf settled on a new figure, the round closed."""
    replied(ap)
    services.leaf_settle(
        assessment=ap.a,
        leaf_code=RATIO_LEAF,
        outcome="new",
        value="75/100",
        reason="Báo cáo bổ sung cho thấy 75% nhiệm vụ hoàn thành.",
        actor=ap.appraiser,
    )
    return services.round_close(assessment=ap.a, actor=ap.appraiser)


def all_appraised(ap: Appraisal) -> None:
    """Unit A through the whole round, unit B accepted whole; the ward and commune submitted
    and accepted whole too, so the council may approve."""
    appraised(ap)
    for assessment, head_name in ((ap.ward, "head.ward"), (ap.commune, "head.commune")):
        head = person(head_name, Role.UNIT_HEAD, assessment.unit)
        submit_unit(assessment, head)
    for assessment in (ap.b, ap.ward, ap.commune):
        assessment.refresh_from_db()
        accept_all(ap, assessment)
        services.assessment_release(assessment=assessment, actor=ap.admin)
    ap.refresh()


def visitor(ap: Appraisal, name: str):  # type: ignore[no-untyped-def]
    """A signed-in client for a persona of the appraisal (or anonymous)."""
    from .factories import browse

    if name == "anonymous":
        return browse()
    return browse(getattr(ap, name))
