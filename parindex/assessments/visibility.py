"""The access choke points of cycles and results: every view reaches a cycle's ranking or a
unit's scorecard through these.

Rules (checked on the server, per request):
- anyone may read published cycles, their rankings and scorecards;
- province-wide roles (``parindex.accounts.roles.sees_all_results``) may read every cycle's
  results, published or not;
- a unit's editor or head may read their own unit's scorecard in any cycle, and nobody else's
  until the cycle is published;
- a unit's own people do not see the final basis while the unit is in appraisal, which is why
  these rules live with the assessments and not with the results.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from parindex.accounts.models import User
from parindex.accounts.roles import own_unit_ids, sees_all_results
from parindex.assessments.models import Assessment
from parindex.core.workflow import State as WorkflowState
from parindex.cycles.models import Cycle
from parindex.results.models import Basis, UnitResult
from parindex.shared.login import LoginRequired


def visible_cycles(user: User | AnonymousUser) -> QuerySet[Cycle]:
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
