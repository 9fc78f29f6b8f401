"""The cycle pages' choke point: the PAR administrator alone opens, changes and cancels cycles
(``require_par_admin``: a visitor is sent to the login page, anybody else refused)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from parindex.accounts.roles import require_par_admin
from parindex.cycles.models import Cycle

__all__ = ["get_cycle_for_admin", "require_par_admin"]


def get_cycle_for_admin(request: HttpRequest, cycle_id: int, *, cancelled: bool = False) -> Cycle:
    """A live cycle the PAR administrator manages (a cancelled one too with ``cancelled``), or
    login / 403 / 404."""
    require_par_admin(request)
    rows = Cycle.all_objects if cancelled else Cycle.objects
    try:
        return rows.select_related("framework_version").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None
