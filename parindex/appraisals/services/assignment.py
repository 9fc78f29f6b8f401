"""Who appraises what: the PAR administrator assigns appraisers to the areas of a cycle, as
members of an agency's appraisal team or on their own, never to a cycle whose every unit is
their own unit or agency."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from parindex.accounts.models import UNIT_SCOPED_ROLES, Role, RoleAssignment, User
from parindex.accounts.roles import is_par_admin
from parindex.appraisals.models import AppraiserAssignment
from parindex.audit.services import audit_record
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.units.models import Unit

from .checks import team_agency_ids
from .errors import AppraisalError, ConflictOfInterest


@transaction.atomic
def appraiser_assign(
    *, cycle: Cycle, user: User, area_code: str, actor: User, agency: Unit | None = None
) -> AppraiserAssignment:
    """Assign ``user`` to appraise ``area_code`` in the cycle (PAR administrator only), as a
    member of ``agency``'s appraisal team when given (*Tổ thẩm định Sở Nội vụ*).

    Refused when the area is not a top-level node of the cycle's framework, when the person
    does not hold the appraiser role or is deactivated, and when every unit in scope is the
    person's own (a conflict of interest on everything they would see): a unit where they hold
    a unit role, or the agency of an appraisal team they sit on. A person whose own units are
    some of the units in scope may be assigned: those units stay out of their queue, and every
    decision on them is refused."""
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator assigns appraisers."))
    fw = core_framework(cycle.framework_version)
    if area_code not in {node.code for node in fw.nodes}:
        raise AppraisalError(
            _("%(code)s is not an area of this cycle's framework.") % {"code": area_code}
        )
    if not user.is_active:
        raise AppraisalError(_("%(name)s is deactivated.") % {"name": user})
    if not RoleAssignment.objects.filter(user=user, role=Role.APPRAISER).exists():
        raise AppraisalError(
            _("%(name)s does not hold the appraiser role: give it on their account first.")
            % {"name": user}
        )
    own = set(
        RoleAssignment.objects.filter(user=user, role__in=UNIT_SCOPED_ROLES).values_list(
            "unit_id", flat=True
        )
    ) | team_agency_ids(user, cycle)
    if agency is not None:
        own.add(agency.pk)
    scope = set(cycle.units.values_list("pk", flat=True))
    if scope and scope <= own:
        raise ConflictOfInterest(
            _(
                "Every unit of this cycle is %(name)s's own unit or agency: nobody appraises "
                "their own agency."
            )
            % {"name": user}
        )
    assignment, created = AppraiserAssignment.objects.get_or_create(
        cycle=cycle,
        user=user,
        area_code=area_code,
        defaults={"assigned_by": actor, "agency": agency},
    )
    if not created:
        raise AppraisalError(
            _("%(name)s already appraises area %(area)s.") % {"name": user, "area": area_code}
        )
    audit_record(
        actor=actor,
        action="appraiser.assign",
        target=assignment,
        after={
            "user": user.username,
            "area": area_code,
            "own_units_left_out": sorted(
                Unit.objects.filter(pk__in=own & scope).values_list("code", flat=True)
            ),
            **({"agency": agency.code} if agency is not None else {}),
        },
        cycle_id=cycle.pk,
    )
    return assignment


@transaction.atomic
def appraiser_unassign(*, assignment: AppraiserAssignment, actor: User) -> None:
    """Remove an assignment; the decisions the person already made stay, with their name."""
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator assigns appraisers."))
    audit_record(
        actor=actor,
        action="appraiser.unassign",
        target=assignment,
        before={"user": assignment.user.username, "area": assignment.area_code},
        cycle_id=assignment.cycle_id,
    )
    assignment.delete()
