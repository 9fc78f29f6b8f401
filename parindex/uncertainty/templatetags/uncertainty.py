"""Template tags of the rank uncertainty: its panel on the ranking page (the chart per group,
and the administrator's form to start a run) and its figures on a unit's scorecard. Each asks
``access`` whether the reader may see them; nothing is shown otherwise."""

from __future__ import annotations

from typing import Any

from django import template

from parindex.accounts import roles
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis, UnitResult

from .. import access, selectors
from ..display import band_labels, group_charts
from ..forms import RunForm

register = template.Library()


@register.inclusion_tag("uncertainty/_ranking_panel.html", takes_context=True)
def rank_uncertainty_panel(
    context: template.Context, cycle: Cycle, basis: str, unit_type: str | None = None
) -> dict[str, Any]:
    """The latest run's charts for the groups shown (final basis only: the run's basis)."""
    request = context.get("request")
    if request is None or basis != Basis.FINAL or not access.may_read(request.user, cycle):
        return {"show": False}
    run, after = selectors.runs_of(cycle)
    return {
        "show": True,
        "cycle": cycle,
        "run": run,
        "job": after if after is not None and not after.finished else None,
        "groups": group_charts(run, band_labels(cycle), unit_type) if run else [],
        "stale": run is not None and not cycle.is_published and selectors.run_is_stale(run),
        "can_start": roles.is_par_admin(request.user),
        "form": RunForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("uncertainty/_scorecard.html", takes_context=True)
def rank_uncertainty_scorecard(context: template.Context, result: UnitResult) -> dict[str, Any]:
    """The unit's rank interval and band probabilities from the cycle's latest run."""
    request = context.get("request")
    if request is None or not access.may_read_on_scorecard(request.user, result):
        return {"row": None}
    run = selectors.latest_run(result.cycle)
    if run is None:
        return {"row": None}
    return {
        "row": selectors.unit_row(run, result.unit.code, band_labels(result.cycle)),
        "run": run,
        "cycle": result.cycle,
        "places": core_framework(result.cycle.framework_version).places,
    }
