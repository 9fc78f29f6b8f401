"""Who appraises what: a cycle's assignments, the people who may be assigned, and the cycles
where a person appraises."""

from __future__ import annotations

from django.db.models import QuerySet

from parindex.accounts.models import Role, User
from parindex.appraisals.models import AppraiserAssignment
from parindex.cycles.models import Cycle


def appraiser_cycles(user: User) -> QuerySet[Cycle]:
    return (
        Cycle.objects.filter(appraiser_assignments__user=user)
        .select_related("framework_version")
        .distinct()
        .order_by("-year")
    )


def assignments(cycle: Cycle) -> list[AppraiserAssignment]:
    return list(
        AppraiserAssignment.objects.filter(cycle=cycle)
        .select_related("user", "assigned_by")
        .order_by("area_code", "user__username")
    )


def appraisers() -> QuerySet[User]:
    """People holding the appraiser role, for the assignment form."""
    return (
        User.objects.filter(roles__role=Role.APPRAISER, is_active=True)
        .distinct()
        .order_by("username")
    )
