"""Access choke points of the rank uncertainty. A run is computed on a cycle's final basis, so
it is read by whoever may read that basis of the cycle's ranking: anyone once the cycle is
published; before, the province-wide roles, unless they are also the people of a unit still in
appraisal (``assessments.visibility``). On a scorecard it follows the rule of the group means:
a unit's own people see it once the cycle is published. Only the PAR administrator starts a
run."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts import roles
from parindex.accounts.models import User
from parindex.assessments import visibility
from parindex.cycles.models import Cycle
from parindex.results.models import Basis, UnitResult


def may_read(user: User | AnonymousUser, cycle: Cycle) -> bool:
    if not (cycle.is_published or roles.sees_all_results(user)):
        return False
    return Basis.FINAL in visibility.ranking_bases_for(user, cycle)


def may_read_on_scorecard(user: User | AnonymousUser, result: UnitResult) -> bool:
    return result.basis == Basis.FINAL and may_read(user, result.cycle)


def get_cycle_for_reader(request: HttpRequest, cycle_id: int) -> Cycle:
    """A cycle whose runs the user may read, or 404 / login / 403."""
    cycle = visibility.get_cycle_for_user(request, cycle_id)
    if not may_read(request.user, cycle):
        raise PermissionDenied
    return cycle


def get_cycle_for_admin(request: HttpRequest, cycle_id: int) -> Cycle:
    roles.require_par_admin(request)
    try:
        return Cycle.objects.select_related("framework_version").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None
