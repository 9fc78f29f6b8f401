"""The statistics by area of a cycle (*thống kê theo lĩnh vực*): a page with a chart, and the
same figures as an .xlsx. Who may read them, and on which basis, is the ranking page's rule:
``visibility.get_cycle_for_user`` and ``visibility.ranking_bases_for``."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from parindex.assessments import visibility
from parindex.core import Framework
from parindex.core.statistics import ScopeStatistics
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis
from parindex.results.statistics import statistics_on_basis
from parindex.shared import charts
from parindex.shared.documents import XLSX, download
from parindex.shared.http import AnyRequest
from parindex.shared.language import lang

from .statistics_workbook import statistics_xlsx


def index_label() -> str:
    """Given to the template as text: ``{% translate %}`` would look a literal "%" up as "%%"."""
    return _("Index (% of the maximum)")


@dataclass
class Shown:
    """What the reader may see: the cycle, the scopes on the basis shown, the bases offered."""

    cycle: Cycle
    framework: Framework
    scopes: tuple[ScopeStatistics, ...]
    basis: str
    bases: list[str]

    def label(self, scope: ScopeStatistics) -> str:
        return scope.group or _("All units")


def _shown(request: AnyRequest, cycle_id: int) -> Shown:
    cycle = visibility.get_cycle_for_user(request, cycle_id)
    allowed = visibility.ranking_bases_for(request.user, cycle)
    requested = request.GET.get("basis") if Basis.FINAL in allowed else Basis.SELF
    scopes, stored, basis = statistics_on_basis(cycle, requested)
    if basis not in allowed:
        scopes = ()
    fw = core_framework(cycle.framework_version)
    return Shown(cycle, fw, scopes, basis, [b for b in stored if b in allowed])


def _chart(shown: Shown) -> str:
    labels = [shown.label(scope) for scope in shown.scopes]
    rows = [
        {
            "area": s.code,
            "scope": label,
            "mean": charts.as_number(s.index.mean),
            "low": charts.as_number(s.index.low),
            "high": charts.as_number(s.index.high),
        }
        for scope, label in zip(shown.scopes, labels, strict=True)
        for s in scope.nodes
        if s.node.depth == 0
    ]
    return charts.render_svg(
        charts.area_statistics_spec(
            rows,
            title=_("Index by area: mean, lowest and highest"),
            index_label=index_label(),
            area_label=_("Area"),
            mean_label=_("Mean"),
            low_label=_("Lowest"),
            high_label=_("Highest"),
            scopes=labels,
        )
    )


@require_GET
def cycle_statistics(request: AnyRequest, cycle_id: int) -> HttpResponse:
    shown = _shown(request, cycle_id)
    context = {
        "cycle": shown.cycle,
        "framework": shown.framework,
        "scopes": [(shown.label(scope), scope) for scope in shown.scopes],
        "basis": shown.basis,
        "bases": [(b, Basis(b).label) for b in shown.bases],
        "chart": _chart(shown) if shown.scopes else "",
        "index_label": index_label(),
        "lang": lang(),
    }
    return render(request, "web/statistics.html", context)


@require_GET
def cycle_statistics_xlsx(request: AnyRequest, cycle_id: int) -> HttpResponse:
    shown = _shown(request, cycle_id)
    scopes = [(shown.label(scope), scope) for scope in shown.scopes]
    data = statistics_xlsx(shown.cycle, shown.framework, scopes, str(Basis(shown.basis).label))
    suffix = "" if shown.basis == Basis.FINAL else "_tu-danh-gia"
    return download(data, f"{shown.cycle.year}_thong-ke-linh-vuc{suffix}.xlsx", XLSX)
