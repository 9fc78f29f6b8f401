"""Who holds which role: the role helpers every access choke point is built on.

- province-wide roles (PAR administrator, council, viewer, appraiser) and superusers read every
  cycle's results, published or not (``sees_all_results``);
- a unit's editor or head belongs to that unit (``own_unit_ids``);
- superusers count as PAR administrators and nothing else (``is_par_admin``, ``has_role``).

A person's assignments are read once per request and kept on the user object.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.shared.login import LoginRequired
from parindex.units.models import Unit

PROVINCE_WIDE = (Role.PAR_ADMIN, Role.COUNCIL, Role.VIEWER, Role.APPRAISER)


def _roles(user: User | AnonymousUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_parindex_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        user._parindex_roles = cached
    return cached


def is_par_admin(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or any(r.role == Role.PAR_ADMIN for r in _roles(user))
    )


def sees_all_results(user: User | AnonymousUser) -> bool:
    """Province-wide readers see results of cycles that are not yet published."""
    return user.is_authenticated and (
        user.is_superuser or any(r.role in PROVINCE_WIDE for r in _roles(user))
    )


def own_unit_ids(user: User | AnonymousUser) -> set[int]:
    return {
        r.unit_id for r in _roles(user) if r.role in UNIT_SCOPED_ROLES and r.unit_id is not None
    }


def roles_of(user: User | AnonymousUser) -> list[RoleAssignment]:
    """The user's role assignments (with their units) in the order given, read once per request."""
    return sorted(_roles(user), key=lambda r: r.pk)


def has_role(
    user: User | AnonymousUser, role: str, unit: Unit | int | None = None, area: str | None = None
) -> bool:
    """Whether the user holds ``role``, for ``unit`` (a unit or its id) and/or ``area`` (an area
    code) when given. Superusers count as PAR administrators and nothing else."""
    if role == Role.PAR_ADMIN and unit is None and area is None and is_par_admin(user):
        return True
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return any(
        r.role == role
        and (unit_id is None or r.unit_id == unit_id)
        and (area is None or r.area == area)
        for r in _roles(user)
    )


def require_par_admin(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    if not is_par_admin(request.user):
        raise PermissionDenied
