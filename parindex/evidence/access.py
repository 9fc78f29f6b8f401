"""The access choke points of the evidence store.

Who may read a piece of evidence (list it, open it, download it):
- superusers and PAR administrators, and the province-wide roles appraiser, council and viewer
  (``sees_all_results``);
- the editors and heads of the unit that owns it (``own_unit_ids``);
- nobody anonymous.
Who may add evidence to a unit's library: that unit's editors and heads, and PAR administrators.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin, own_unit_ids, sees_all_results
from parindex.shared.login import LoginRequired
from parindex.units.models import Unit

from .models import Evidence


def can_read_unit_evidence(user: User | AnonymousUser, unit_id: int) -> bool:
    return user.is_authenticated and (sees_all_results(user) or unit_id in own_unit_ids(user))


def can_read_evidence(user: User | AnonymousUser, evidence: Evidence) -> bool:
    return can_read_unit_evidence(user, evidence.unit_id)


def can_add_evidence(user: User | AnonymousUser, unit: Unit) -> bool:
    return user.is_authenticated and (is_par_admin(user) or unit.pk in own_unit_ids(user))


def _deny(request: HttpRequest) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def get_evidence_for_user(request: HttpRequest, evidence_id: int) -> Evidence:
    """A piece of evidence the user may read, or login / 404 / 403.

    Anonymous visitors are sent to log in before anything is looked up, so they cannot tell
    which evidence exists."""
    if not request.user.is_authenticated:
        raise LoginRequired
    try:
        evidence = Evidence.objects.select_related("unit", "stored_file", "uploaded_by").get(
            pk=evidence_id
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not can_read_evidence(request.user, evidence):
        _deny(request)
    return evidence


def get_unit_library_for_user(request: HttpRequest, unit_code: str) -> Unit:
    """A unit whose evidence library the user may read, or login / 404 / 403."""
    if not request.user.is_authenticated:
        raise LoginRequired
    try:
        unit = Unit.objects.get(code=unit_code)
    except Unit.DoesNotExist:
        raise Http404 from None
    if not can_read_unit_evidence(request.user, unit.pk):
        _deny(request)
    return unit
