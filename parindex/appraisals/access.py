"""The access choke points of the appraisal pages.

Who may do what (checked on the server, per request; the services check again on arrival):
- an appraiser assigned to an area of a cycle opens that cycle's queue and acts on the leaves of
  their areas, never on a unit where they hold a unit role (conflict of interest: such units are
  left out of their queue and refused);
- a unit's editors and heads open their unit's appraisal page; they see the appraisers' figures
  only once the administrator has released the round, and they reply during the explanation
  round; province-wide readers open every unit's page;
- the PAR administrator assigns appraisers, follows the tracking board, releases rounds,
  returns a unit for another round and sends reminders;
- council members (and the administrator, to read) open the council page; approval and
  reopening need the council role, publication the council or the administrator;
- anonymous visitors are sent to the login page before anything is looked up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts.models import Role, User
from parindex.accounts.roles import has_role, is_par_admin, own_unit_ids, sees_all_results
from parindex.assessments.access import get_assessment_for_user
from parindex.assessments.access import get_cycle_for_admin as get_cycle_for_admin  # views use it
from parindex.assessments.models import Assessment
from parindex.core import Node
from parindex.core.workflow import VISIBLE_APPRAISAL
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.shared.login import LoginRequired

from .leaves import appraisable, area_of
from .models import AppraiserAssignment
from .services import assigned_areas, conflict_unit_ids


def _login(request: HttpRequest) -> User:
    if not request.user.is_authenticated:
        raise LoginRequired
    return request.user


def _cycle(cycle_id: int) -> Cycle:
    try:
        return Cycle.objects.select_related("framework_version").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None


def user_areas(user: User | AnonymousUser, cycle: Cycle) -> set[str]:
    return assigned_areas(user, cycle) if user.is_authenticated else set()


def get_cycle_for_appraiser(request: HttpRequest, cycle_id: int) -> tuple[Cycle, set[str]]:
    """A cycle where the user appraises at least one area, with those areas; else login / 404
    / 403."""
    user = _login(request)
    cycle = _cycle(cycle_id)
    areas = user_areas(user, cycle)
    if not areas:
        raise PermissionDenied
    return cycle, areas


@dataclass
class LeafTarget:
    assessment: Assessment
    leaf: Node
    area: str


def get_leaf_for_appraiser(
    request: HttpRequest, cycle_id: int, unit_code: str, leaf_code: str
) -> LeafTarget:
    """A leaf of a unit that the user may appraise: a leaf of one of their areas, of a unit
    where they hold no role. 404 for what does not exist, 403 for what is not theirs."""
    cycle, areas = get_cycle_for_appraiser(request, cycle_id)
    try:
        assessment = Assessment.objects.select_related(
            "cycle", "cycle__framework_version", "unit"
        ).get(cycle=cycle, unit__code=unit_code)
    except Assessment.DoesNotExist:
        raise Http404 from None
    fw = core_framework(cycle.framework_version)
    leaf = next((lf for lf in appraisable(fw, assessment.unit.type) if lf.code == leaf_code), None)
    if leaf is None:
        raise Http404
    area = area_of(fw)[leaf.code]
    if area not in areas or assessment.unit_id in conflict_unit_ids(_login(request), cycle):
        raise PermissionDenied
    return LeafTarget(assessment, leaf, area)


def sees_appraisal(user: User | AnonymousUser, assessment: Assessment) -> bool:
    """May ``user`` see the appraisers' figures and comments on this unit now? After the
    release everybody who reads the unit; before it, province-wide readers and the cycle's
    administrators, but never the unit's own people."""
    if assessment.state in VISIBLE_APPRAISAL:
        return True
    return (
        user.is_authenticated
        and (sees_all_results(user) or is_par_admin(user))
        and assessment.unit_id not in own_unit_ids(user)
    )


def get_unit_for_user(
    request: HttpRequest, cycle_id: int, unit_code: str, *, write: bool = False
) -> Assessment:
    """A unit's assessment whose appraisal page the user may read (own unit or province-wide),
    or, with ``write``, reply to (own unit only)."""
    return get_assessment_for_user(request, cycle_id, unit_code, write=write)


def get_unit_for_admin(request: HttpRequest, cycle_id: int, unit_code: str) -> Assessment:
    """A unit's assessment in a cycle the administrator manages; else login / 403 / 404."""
    cycle = get_cycle_for_admin(request, cycle_id)
    try:
        return Assessment.objects.select_related("cycle", "cycle__framework_version", "unit").get(
            cycle=cycle, unit__code=unit_code
        )
    except Assessment.DoesNotExist:
        raise Http404 from None


def can_read_council(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (has_role(user, Role.COUNCIL) or is_par_admin(user))


def is_council(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and has_role(user, Role.COUNCIL)


def get_cycle_for_council(request: HttpRequest, cycle_id: int, *, act: bool = False) -> Cycle:
    """A cycle whose council page the user may read (council or administrator) or, with
    ``act``, act on (council members; the services refine who may publish)."""
    user = _login(request)
    cycle = _cycle(cycle_id)
    if not can_read_council(user):
        raise PermissionDenied
    if act and not (is_council(user) or is_par_admin(user)):
        raise PermissionDenied
    return cycle


def appraisal_cycles_for(user: User | AnonymousUser) -> dict[str, bool]:
    """Which appraisal pages the person has a use for, for the index and the navigation."""
    if not user.is_authenticated:
        return {}
    return {
        "appraiser": AppraiserAssignment.objects.filter(user=user).exists(),
        "admin": is_par_admin(user),
        "council": can_read_council(user),
        "unit": bool(own_unit_ids(user)),
    }
