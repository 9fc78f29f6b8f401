"""Demo helpers of the appraisal: the appraisal teams of the agencies leading each area, the
council, and the steps the demo's cycles take a unit through (appraise, release, reply, settle,
close the round), each through the services so the audit trail shows who did what, at a time
given by the caller (inside the stage's window, so that the pages' dates agree with the
calendar).

Nobody appraises their own agency: each team is assigned as its agency's team, and the areas a
team leads are appraised, for that agency's own assessment, by a second team (the Office of the
People's Committee for the Department of Home Affairs, the Department of Home Affairs for the
others)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from parindex.accounts.demo import demo_person
from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.assessments.models import Assessment
from parindex.core import Framework, Node
from parindex.core.rules import ChoiceRule
from parindex.cycles.models import Cycle
from parindex.evidence.services import evidence_reference
from parindex.results.models import Answer
from parindex.units.models import Unit

from . import services
from .leaves import area_of, declared_value
from .models import CouncilRole

COUNCIL = (
    ("council", "Phó Chủ tịch UBND tỉnh, Chủ tịch Hội đồng thẩm định", CouncilRole.CHAIR),
    ("council.member", "Giám đốc Sở Tư pháp, thành viên Hội đồng thẩm định", CouncilRole.MEMBER),
)


def _second_team(lead: str) -> str:
    return "VPUBND" if lead == "SNV" else "SNV"


@dataclass(frozen=True)
class Teams:
    """Each area's appraisal team (the agency leading it, by code) and the team standing in for
    it on that agency's own assessment."""

    lead: dict[str, tuple[User, str]]
    second: dict[str, tuple[User, str]]

    def appraiser(self, unit_code: str, area: str) -> User:
        user, agency = self.lead[area]
        return self.second[area][0] if unit_code == agency else user

    def assignments(self) -> list[tuple[User, str, str]]:
        """(person, area, agency code) for every assignment of a cycle."""
        pairs = [(u, area, agency) for area, (u, agency) in self.lead.items()]
        pairs += [(u, area, agency) for area, (u, agency) in self.second.items()]
        return pairs


def teams_build(fw: Framework, passwords: dict[str, str] | None) -> Teams:
    """The appraisal teams (one person each, ``appraiser.snv`` …) with the appraiser role for
    the areas they appraise; with ``passwords``, each gets a password printed once."""

    def team(code: str) -> tuple[User, str]:
        return demo_person(f"appraiser.{code.lower()}", f"Tổ thẩm định {code}", passwords), code

    lead = {area.code: team(area.lead or "SNV") for area in fw.nodes}
    second = {area: team(_second_team(agency)) for area, (_u, agency) in lead.items()}
    teams = Teams(lead, second)
    for user, area, _agency in teams.assignments():
        RoleAssignment.objects.get_or_create(user=user, role=Role.APPRAISER, unit=None, area=area)
    return teams


def teams_assign(cycle: Cycle, teams: Teams, admin: User) -> None:
    """Assign every team to its areas of the cycle, as its agency's appraisal team."""
    agencies = {
        u.code: u for u in Unit.objects.filter(code__in=[a for *_, a in teams.assignments()])
    }
    for user, area, agency in teams.assignments():
        services.appraiser_assign(
            cycle=cycle, user=user, area_code=area, actor=admin, agency=agencies.get(agency)
        )


def council_build(passwords: dict[str, str] | None) -> list[tuple[User, str]]:
    """The council's people (the chair first), with the council role."""
    people: list[tuple[User, str]] = []
    for username, full_name, role in COUNCIL:
        user = demo_person(username, full_name, passwords)
        RoleAssignment.objects.get_or_create(user=user, role=Role.COUNCIL, unit=None, area="")
        people.append((user, role))
    return people


def council_name(cycle: Cycle, council: list[tuple[User, str]], admin: User) -> None:
    for user, role in council:
        services.council_member_set(cycle=cycle, user=user, role=role, actor=admin)


def unit_person(assessment: Assessment) -> User:
    """Somebody of the unit (its head, else its editor) to reply."""
    person = (
        User.objects.filter(roles__unit=assessment.unit, roles__role__in=UNIT_SCOPED_ROLES)
        .order_by("-roles__role", "pk")
        .first()
    )
    assert person is not None, f"{assessment.unit.code} has nobody to reply"
    return person


def questioned_leaves(fw: Framework, assessment: Assessment) -> list[Node]:
    """Two leaves the appraisers question: answered normal leaves with a choice or ratio rule
    the adjustment can lower (the first is adjusted, the second flagged)."""
    values = dict(
        Answer.objects.filter(cycle=assessment.cycle, unit=assessment.unit).values_list(
            "leaf_code", "value"
        )
    )
    picked = []
    for leaf in services.appraisable(fw, assessment.unit.type):
        rule = leaf.rule.type if leaf.rule else ""
        if leaf.kind == "normal" and rule in ("choice", "ratio") and values.get(leaf.code):
            picked.append(leaf)
        if len(picked) == 2:
            break
    return picked


def _lower_value(leaf: Node, declared: str) -> str:
    """A value of the leaf's rule worth less than its maximum, other than the declared one."""
    rule = leaf.rule
    if isinstance(rule, ChoiceRule):
        options = sorted(rule.options, key=lambda o: o.points)
        keys = [o.key for o in options if o.key != declared]
        return keys[len(keys) // 2]
    return "70/100" if declared != "70/100" else "60/100"


def appraise(
    fw: Framework,
    teams: Teams,
    assessment: Assessment,
    *,
    at: datetime.datetime,
    question: bool,
    areas: set[str] | None = None,
) -> list[Node]:
    """With ``question``, adjust one leaf and flag another; accept the other leaves as declared
    (only those of ``areas`` when given). Returns the leaves questioned."""
    area = area_of(fw)
    code = assessment.unit.code
    leaves = questioned_leaves(fw, assessment) if question else []
    if leaves:
        services.leaf_appraise(
            assessment=assessment,
            leaf_code=leaves[0].code,
            decision="adjusted",
            value=_lower_value(leaves[0], declared_value(assessment, leaves[0].code)),
            reason="Tài liệu kiểm chứng không chứng minh được mức đã kê khai.",
            actor=teams.appraiser(code, area[leaves[0].code]),
            now=at,
        )
    if len(leaves) > 1:
        services.leaf_appraise(
            assessment=assessment,
            leaf_code=leaves[1].code,
            decision="flagged",
            reason="Đề nghị giải trình số liệu và bổ sung báo cáo.",
            actor=teams.appraiser(code, area[leaves[1].code]),
            now=at,
        )
    by_person: dict[User, list[services.Target]] = {}
    for leaf in services.untouched_leaves(assessment, fw):
        if areas is None or area[leaf.code] in areas:
            person = teams.appraiser(code, area[leaf.code])
            by_person.setdefault(person, []).append(services.Target(assessment, leaf.code))
    for person, targets in by_person.items():
        services.leaves_accept_untouched(targets=targets, actor=person, now=at)
    return leaves


def release(assessment: Assessment, admin: User, at: datetime.datetime) -> Assessment:
    return services.assessment_release(assessment=assessment, actor=admin, now=at)


def reply(assessment: Assessment, leaves: list[Node], at: datetime.datetime) -> None:
    """The unit agrees with the adjustment and disagrees with the flag, with a report, and
    sends its replies."""
    person = unit_person(assessment)
    year = assessment.cycle.year
    document = evidence_reference(
        unit=assessment.unit,
        user=person,
        number=f"{year % 100}/BC-{assessment.unit.code}",
        issued_on=at.date(),
        issuer=assessment.unit.name,
        title="Báo cáo giải trình bổ sung số liệu",
    )
    services.reply_save(
        assessment=assessment,
        leaf_code=leaves[0].code,
        agrees=True,
        reason="",
        actor=person,
        now=at,
    )
    if len(leaves) > 1:
        services.reply_save(
            assessment=assessment,
            leaf_code=leaves[1].code,
            agrees=False,
            reason="Số liệu đã kê khai đúng; xem báo cáo bổ sung kèm theo.",
            evidence=[document],
            actor=person,
            now=at,
        )
    services.replies_send(assessment=assessment, actor=person, now=at)


def settle(
    fw: Framework,
    teams: Teams,
    assessment: Assessment,
    leaves: list[Node],
    at: datetime.datetime,
) -> Assessment:
    """The appraisers accept the unit's figure on the disputed leaf and close the round."""
    area = area_of(fw)
    code = assessment.unit.code
    if len(leaves) > 1:
        services.leaf_settle(
            assessment=assessment,
            leaf_code=leaves[1].code,
            outcome="unit",
            reason="Báo cáo bổ sung xác nhận số liệu của đơn vị.",
            actor=teams.appraiser(code, area[leaves[1].code]),
            now=at,
        )
    closer = teams.appraiser(code, area[leaves[0].code])
    return services.round_close(assessment=assessment, actor=closer, now=at)
