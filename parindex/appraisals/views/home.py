"""The appraisal's home page: the cycles in which the person has appraisal work."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parindex.accounts.roles import own_unit_ids
from parindex.appraisals import access, selectors
from parindex.assessments.models import Assessment
from parindex.core.workflow import State
from parindex.cycles.models import Cycle
from parindex.shared.login import LoginRequired


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The cycles in which the person has appraisal work, and where to do it."""
    if not request.user.is_authenticated:
        raise LoginRequired
    user = request.user
    uses = access.appraisal_cycles_for(user)
    open_cycles = Cycle.objects.exclude(state=Cycle.State.PREPARING).select_related(
        "framework_version"
    )
    appraiser_cycles = list(selectors.appraiser_cycles(user)) if uses["appraiser"] else []
    managed = list(open_cycles.order_by("-year")) if uses["admin"] or uses["council"] else []
    own = list(
        Assessment.objects.filter(unit_id__in=own_unit_ids(user))
        .exclude(state=State.DRAFT)
        .select_related("cycle", "unit")
        .order_by("-cycle__year", "unit__code")
    )
    return render(
        request,
        "appraisals/index.html",
        {
            "uses": uses,
            "appraiser_cycles": appraiser_cycles,
            "managed": managed,
            "own": own,
        },
    )
