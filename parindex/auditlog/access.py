"""Access choke points of the audit pages, built on ``parindex.accounts.roles``.

- the audit log (every event) is for the PAR administrator;
- a leaf's history in a unit is for the PAR administrator, the province-wide roles, and the
  unit's own editors and heads; the unit's own people read the appraisers' entries only once
  the administrator has released the round to the unit (``sees_appraisal_entries``).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts.models import User
from parindex.accounts.roles import own_unit_ids, require_par_admin, sees_all_results
from parindex.assessments.models import Assessment
from parindex.core.workflow import VISIBLE_APPRAISAL
from parindex.cycles.models import Cycle
from parindex.shared.login import LoginRequired
from parindex.units.models import Unit

__all__ = ["get_leaf_scope_for_user", "require_par_admin", "sees_appraisal_entries"]


def get_leaf_scope_for_user(
    request: HttpRequest, cycle_id: int, unit_code: str
) -> tuple[Cycle, Unit]:
    """The cycle and unit whose change history the user may read, or 404 / login / 403."""
    user = request.user
    if not user.is_authenticated:
        raise LoginRequired
    try:
        # a cancelled cycle's history stays readable: the log links to it
        cycle = Cycle.all_objects.select_related("framework_version").get(pk=cycle_id)
        unit = Unit.objects.get(code=unit_code)
    except (Cycle.DoesNotExist, Unit.DoesNotExist):
        raise Http404 from None
    if sees_all_results(user) or unit.pk in own_unit_ids(user):
        return cycle, unit
    raise PermissionDenied


def sees_appraisal_entries(user: User | AnonymousUser, cycle: Cycle, unit: Unit) -> bool:
    """May ``user`` read the appraisers' entries (``appraisal.*``) of the unit's history now?

    The rule of the appraisal pages and the scorecard: after the release (or the publication)
    everybody who reads the history; before it, province-wide readers who are not the unit's
    own people. Otherwise the history would show a unit its appraised points and the
    appraisers' reasons before the administrator releases them."""
    if cycle.is_published or (sees_all_results(user) and unit.pk not in own_unit_ids(user)):
        return True
    state = (
        Assessment.objects.filter(cycle=cycle, unit=unit).values_list("state", flat=True).first()
    )
    return state in VISIBLE_APPRAISAL
