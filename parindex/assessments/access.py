"""The access choke points of self-assessments.

Who may do what with a unit's assessment (checked on the server, per request):
- its unit's editors and head read it and write its values and evidence (while the state and the
  calendar allow); the head alone submits;
- province-wide roles (PAR administrator, council, viewer, appraiser) and superusers read it;
- PAR administrators manage the calendar, extend a unit's stage and reopen a submission;
- anybody else gets 403, and anonymous visitors are sent to the login page.
A unit never sees another unit's draft.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, User
from parindex.accounts.roles import (
    is_par_admin,
    own_unit_ids,
    require_par_admin,
    roles_of,
    sees_all_results,
)
from parindex.cycles.models import Cycle
from parindex.shared.login import LoginRequired

from .models import Assessment


def unit_roles(user: User | AnonymousUser, unit_id: int) -> set[str]:
    """The workflow roles ``user`` holds towards one unit: its unit roles there, plus the
    province-wide ones (a superuser counts as PAR administrator)."""
    if not user.is_authenticated:
        return set()
    roles = {
        r.role
        for r in roles_of(user)
        if r.unit_id == unit_id or (r.unit_id is None and r.role not in UNIT_SCOPED_ROLES)
    }
    if user.is_superuser:
        roles.add(Role.PAR_ADMIN)
    return roles


def can_write(user: User | AnonymousUser, assessment: Assessment) -> bool:
    """May ``user`` change the unit's declared values and evidence (state and calendar aside)?"""
    return assessment.unit_id in own_unit_ids(user)


def can_submit(user: User | AnonymousUser, assessment: Assessment) -> bool:
    return Role.UNIT_HEAD in unit_roles(user, assessment.unit_id)


def can_read(user: User | AnonymousUser, assessment: Assessment) -> bool:
    return user.is_authenticated and (
        sees_all_results(user) or assessment.unit_id in own_unit_ids(user)
    )


def _deny(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def get_assessment_for_user(
    request: HttpRequest, cycle_id: int, unit_code: str, *, write: bool = False
) -> Assessment:
    """A unit's assessment the user may read (or, with ``write``, change), else 404 / login /
    403. The login check comes first, so an anonymous visitor learns nothing about which
    assessments exist."""
    if not request.user.is_authenticated:
        raise LoginRequired
    try:
        assessment = (
            Assessment.objects.select_related(
                "cycle", "cycle__framework_version", "unit", "submitted_by", "cover_evidence"
            )
            .exclude(cycle__state=Cycle.State.CANCELLED)
            .get(cycle_id=cycle_id, unit__code=unit_code)
        )
    except Assessment.DoesNotExist:
        raise Http404 from None
    allowed = can_write(request.user, assessment) if write else can_read(request.user, assessment)
    if not allowed:
        _deny(request)
    return assessment


def get_cycle_for_admin(request: HttpRequest, cycle_id: int) -> Cycle:
    """A cycle whose calendar the user may manage: PAR administrators only."""
    require_par_admin(request)
    try:
        return Cycle.objects.select_related("framework_version").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None


def visible_assessments(user: User | AnonymousUser) -> QuerySet[Assessment]:
    """Assessments the user may open: every one for province-wide roles, else their units'."""
    rows = Assessment.objects.select_related("cycle", "unit", "submitted_by").exclude(
        cycle__state=Cycle.State.CANCELLED
    )
    if sees_all_results(user):
        return rows.all()
    return rows.filter(unit_id__in=own_unit_ids(user))


__all__ = [
    "can_read",
    "can_submit",
    "can_write",
    "get_assessment_for_user",
    "get_cycle_for_admin",
    "is_par_admin",
    "unit_roles",
    "visible_assessments",
]
