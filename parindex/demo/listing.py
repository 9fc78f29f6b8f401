"""The accounts the demo prints, grouped by what each person does in the demo's cycles, and the
cycles by stage: a reader finds the account to try each stage with."""

from __future__ import annotations

from collections.abc import Mapping

from parindex.accounts.models import Role, RoleAssignment
from parindex.cycles.models import Cycle

from .stages import STAGE_NAMES, UNIT_HINTS

# Roles in the order their groups are printed, with the group's heading.
GROUPS = (
    (Role.PAR_ADMIN, "PAR office: opens cycles (Kỳ đánh giá), releases appraisals, publishes"),
    (Role.VIEWER, "Reader: sees every page, changes nothing"),
    (Role.UNIT_EDITOR, ""),  # one group per unit, headed by the unit
    (Role.APPRAISER, "Appraisal teams: the queues of 2026, the settlement of its replies"),
    (Role.COUNCIL, "Council (chair first): approves 2025, publishes 2024"),
)


def account_groups(passwords: Mapping[str, str]) -> list[tuple[str, list[tuple[str, str]]]]:
    """(heading, [(username, password)]) for every printed account, in the order of ``GROUPS``;
    the people of a unit (editor, head) are grouped under their unit."""
    held = RoleAssignment.objects.filter(user__username__in=list(passwords)).select_related(
        "user", "unit"
    )
    first: dict[str, tuple[int, str]] = {}
    order: list[str] = [role for role, _ in GROUPS]
    headings: dict[str, str] = dict(GROUPS)
    for assignment in held:
        role: str = Role.UNIT_EDITOR if assignment.role == Role.UNIT_HEAD else assignment.role
        if role not in order:
            continue
        if role == Role.UNIT_EDITOR and assignment.unit is not None:
            unit = assignment.unit
            heading = f"{unit.name} ({unit.code}), editor and head: {UNIT_HINTS.get(unit.code, '')}"
        else:
            heading = headings[role]
        rank = (order.index(role), heading)
        name = assignment.user.username
        first[name] = min(first.get(name, rank), rank)
    groups: dict[tuple[int, str], list[tuple[str, str]]] = {}
    for name, password in passwords.items():
        groups.setdefault(first.get(name, (len(order), "Other accounts")), []).append(
            (name, password)
        )
    return [(heading.rstrip(": "), rows) for (_, heading), rows in sorted(groups.items())]


def cycle_stages() -> str:
    """One line: each live cycle with its stage, newest first."""
    return " · ".join(
        f"{cycle.year} {STAGE_NAMES.get(cycle.year) or cycle.state.replace('_', ' ')}"
        for cycle in Cycle.objects.order_by("-year")
    )
