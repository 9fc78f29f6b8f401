"""The access choke points: every view reaches cycles, results and units through these.

Rules (checked on the server, per request):
- anyone may read published cycles, their rankings and scorecards, and the frameworks;
- province-wide roles (PAR administrator, council, viewer, appraiser) and superusers may read
  every cycle's results, published or not;
- a unit's editor or head may read their own unit's scorecard in any cycle, and nobody else's
  until the cycle is published;
- managing frameworks needs the PAR administrator role.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts.models import Role, RoleAssignment, User
from parindex.assessments.models import Assessment
from parindex.core.workflow import State as WorkflowState
from parindex.cycles.models import Cycle
from parindex.results.models import Basis, UnitResult
from parindex.units.models import Unit

PROVINCE_WIDE = (Role.PAR_ADMIN, Role.COUNCIL, Role.VIEWER, Role.APPRAISER)
UNIT_ROLES = (Role.UNIT_EDITOR, Role.UNIT_HEAD)


class LoginRequired(Exception):
    """The page exists for signed-in people only; the view layer redirects to the login page."""


def _roles(user: User | AnonymousUser) -> list[RoleAssignment]:
    if not user.is_authenticated:
        return []
    cached: list[RoleAssignment] | None = getattr(user, "_parindex_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("unit"))
        user._parindex_roles = cached  # type: ignore[union-attr]
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
    return {r.unit_id for r in _roles(user) if r.role in UNIT_ROLES and r.unit_id is not None}


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


def visible_cycles(user: User | AnonymousUser):  # type: ignore[no-untyped-def]
    """Cycles whose ranking the user may read (the rule of ``get_cycle_for_user``): a unit's
    editor must not reach other units' unpublished figures, e.g. as "change since" columns."""
    cycles = Cycle.objects.select_related("framework_version")
    if sees_all_results(user):
        return cycles.all()
    return cycles.filter(state=Cycle.State.PUBLISHED)


def get_cycle_for_user(request: HttpRequest, cycle_id: int) -> Cycle:
    """A cycle whose ranking the user may read, or 404 / login / 403."""
    try:
        cycle = Cycle.objects.select_related("framework_version").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None
    if cycle.is_published or sees_all_results(request.user):
        return cycle
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def result_bases_for(user: User | AnonymousUser, result: UnitResult) -> set[str]:
    """The bases of a readable result the user may see. A unit's own people do not see the
    final basis while the appraisers' figures are still hidden from the unit (in appraisal,
    before the administrator releases the round); everybody else who may read the result sees
    both."""
    if result.cycle.is_published or (
        sees_all_results(user) and result.unit_id not in own_unit_ids(user)
    ):
        return {Basis.SELF, Basis.FINAL}
    state = (
        Assessment.objects.filter(cycle_id=result.cycle_id, unit_id=result.unit_id)
        .values_list("state", flat=True)
        .first()
    )
    # In appraisal is the only state in which figures exist that the unit may not see yet.
    if state == WorkflowState.IN_APPRAISAL:
        return {Basis.SELF}
    return {Basis.SELF, Basis.FINAL}


def ranking_bases_for(user: User | AnonymousUser, cycle: Cycle) -> set[str]:
    """The bases of a readable cycle's ranking the user may see. The rule of
    ``result_bases_for``, applied to every unit of the ranking: a person who is one of a unit's
    people (a province-wide reader may be one too) does not see the final basis while that
    unit is in appraisal, or the ranking would show the unit's appraised figures before the
    administrator releases them."""
    if cycle.is_published:
        return {Basis.SELF, Basis.FINAL}
    own = own_unit_ids(user)
    if (
        own
        and Assessment.objects.filter(
            cycle=cycle, unit_id__in=own, state=WorkflowState.IN_APPRAISAL
        ).exists()
    ):
        return {Basis.SELF}
    return {Basis.SELF, Basis.FINAL}


def get_unit_result_for_user(
    request: HttpRequest, cycle_id: int, unit_code: str, basis: str | None = None
) -> UnitResult:
    """A unit's result (scorecard) the user may read: published, province-wide, or own unit;
    on ``basis`` when given and visible, else final when visible and stored, else self."""
    rows = list(
        UnitResult.objects.select_related("unit", "cycle", "cycle__framework_version").filter(
            cycle_id=cycle_id, unit__code=unit_code
        )
    )
    if not rows:
        raise Http404
    result = rows[0]
    user = request.user
    if not (
        result.cycle.is_published or sees_all_results(user) or result.unit_id in own_unit_ids(user)
    ):
        if not user.is_authenticated:
            raise LoginRequired
        raise PermissionDenied
    visible = result_bases_for(user, result)
    by_basis = {r.basis: r for r in rows if r.basis in visible}
    if not by_basis:
        raise Http404
    if basis in by_basis:
        return by_basis[basis]
    return by_basis.get(Basis.FINAL) or by_basis[Basis.SELF]


def require_par_admin(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    if not is_par_admin(request.user):
        raise PermissionDenied
