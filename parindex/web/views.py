"""Pages. Each view reads through ``access`` and the selectors, and renders one template;
with htmx, only the fragment that changed."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from parindex.accounts import roles
from parindex.appraisals.selectors import appraised_points
from parindex.assessments import visibility
from parindex.core import ParindexError
from parindex.evidence.uploads import TextFileForm
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework, framework_outline
from parindex.frameworks.services import framework_import
from parindex.results import change
from parindex.results import selectors as results
from parindex.results.models import Basis
from parindex.shared import charts
from parindex.shared.http import AnyRequest
from parindex.shared.language import lang
from parindex.units.models import UnitType

from .todo import home_todo


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    cycles = (
        visibility.visible_cycles(request.user)
        .annotate(unit_count=Count("units", distinct=True))
        .order_by("-year")
    )
    frameworks = FrameworkVersion.objects.order_by("code", "-version")
    context = {"cycles": cycles, "frameworks": frameworks, "todo": home_todo(request.user)}
    return render(request, "web/home.html", context)


@require_GET
def cycle_ranking(request: AnyRequest, cycle_id: int) -> HttpResponse:
    cycle = visibility.get_cycle_for_user(request, cycle_id)
    fw = core_framework(cycle.framework_version)
    unit_type = request.GET.get("type") or None
    if unit_type not in UnitType.values:
        unit_type = None
    previous = change.baseline_cycle(cycle)  # published: whoever reads the cycle may read it
    allowed = visibility.ranking_bases_for(request.user, cycle)
    requested = request.GET.get("basis") if Basis.FINAL in allowed else Basis.SELF
    groups, bases, basis = results.ranking_page(
        cycle,
        unit_type=unit_type,
        previous=previous,
        basis=requested,
        group=request.GET.get("group"),
        page=request.GET.get("page"),
    )
    bases = [b for b in bases if b in allowed]
    if basis not in allowed:
        groups = []
    band_labels = {b.code: b.label(lang()) for b in fw.bands}
    rows = [
        {
            "unit": row.result.unit.name,
            "index": charts.as_number(row.result.index),
            "band": band_labels.get(row.result.band, "—"),
        }
        for group in groups
        for row in group.rows
        if row.result.index is not None
    ]
    chart = charts.render_svg(
        charts.ranking_spec(
            rows,
            title=_("PAR Index %(year)s") % {"year": cycle.year},
            index_label=_("Index"),
            unit_label=_("Unit"),
            band_label=_("Band"),
            band_order=[*band_labels.values(), "—"],
        )
    )
    in_scope = set(cycle.units.order_by().values_list("type", flat=True).distinct())
    types_present = [(value, label) for value, label in UnitType.choices if value in in_scope]
    context = {
        "cycle": cycle,
        "framework": fw,
        "areas": results.areas(fw),
        "groups": groups,
        "band_labels": band_labels,
        "previous": previous,
        "unit_type": unit_type,
        "unit_types": types_present,
        "basis": basis,
        "bases": [(b, Basis(b).label) for b in bases],
        "chart": chart,
        "lang": lang(),
        "query": urlencode({k: v for k, v in (("type", unit_type), ("basis", basis)) if v}),
    }
    template = "web/_ranking_results.html" if request.htmx else "web/ranking.html"
    return render(request, template, context)


@require_GET
def unit_scorecard(request: HttpRequest, cycle_id: int, unit_code: str) -> HttpResponse:
    result = visibility.get_unit_result_for_user(
        request, cycle_id, unit_code, basis=request.GET.get("basis")
    )
    cycle = result.cycle
    fw = core_framework(cycle.framework_version)
    area_nodes = [a for a in results.areas(fw) if a.code in result.nodes]
    # Before publication a unit's editor sees their own figures only, not the other units'
    # (a group mean of two units gives the other one's away).
    show_means = cycle.is_published or roles.sees_all_results(request.user)
    means: list[Decimal | None] = [None] * len(area_nodes)
    if show_means:
        means = results.group_area_means(result, [a.code for a in area_nodes])
    unit_label = result.unit.name
    mean_label = _("Group mean")
    profile_rows = []
    for area, mean in zip(area_nodes, means, strict=True):
        index = result.nodes[area.code]["index"]
        short = area.code
        if index is not None:
            profile_rows.append(
                {"area": short, "series": unit_label, "index": float(Decimal(index))}
            )
        if mean is not None:
            profile_rows.append({"area": short, "series": mean_label, "index": float(mean)})
    chart = charts.render_svg(
        charts.profile_spec(
            profile_rows,
            title=_("Index by area"),
            index_label=_("Index"),
            area_label=_("Area"),
            series=[unit_label, mean_label] if show_means else [unit_label],
        )
    )
    band = next((b for b in fw.bands if b.code == result.band), None)
    compare = results.self_result_of(result)
    previous = change.baseline_cycle(cycle)
    since, area_changes = None, []
    if previous is not None:
        comparison = change.Comparison(cycle, previous, basis=result.basis)
        since = comparison.change(result)
        if since is not None:
            before = comparison.area_baselines(result, [a.code for a in area_nodes])
            area_changes = [
                change.AreaChange(area, before.get(area.code), result.nodes[area.code]["index"])
                for area in area_nodes
            ]
    context = {
        "result": result,
        "cycle": cycle,
        "framework": fw,
        "lines": results.scorecard_lines(
            result, compare=compare, appraised=appraised_points(result) if compare else None
        ),
        "compare": compare,
        "previous": previous,
        "since": since,
        "area_changes": area_changes,
        "basis_label": Basis(result.basis).label,
        "band": band.label(lang()) if band else None,
        "areas": area_nodes,
        "chart": chart,
        "lang": lang(),
    }
    return render(request, "web/scorecard.html", context)


@require_GET
def framework_list(request: HttpRequest) -> HttpResponse:
    versions = FrameworkVersion.objects.order_by("code", "-version")
    return render(
        request,
        "web/frameworks.html",
        {"versions": versions, "can_import": roles.is_par_admin(request.user)},
    )


@require_GET
def framework_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(FrameworkVersion, pk=version_id)
    fw = core_framework(version)
    return render(
        request,
        "web/framework.html",
        {
            "version": version,
            "framework": fw,
            "outline": framework_outline(fw, lang()),
            "lang": lang(),
        },
    )


class FrameworkImportForm(TextFileForm):
    file = forms.FileField(label=gettext_lazy("Framework file (YAML)"))


@require_http_methods(["GET", "POST"])
def framework_upload(request: HttpRequest) -> HttpResponse:
    roles.require_par_admin(request)
    form = FrameworkImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["file"].name.replace("/", "_").replace("\\", "_")
        try:
            version = framework_import(text=form.text, source_name=name, user=request.user)
        except ParindexError as exc:
            errors = str(exc).splitlines()
        else:
            messages.success(
                request,
                _("Imported %(code)s version %(version)s.")
                % {"code": version.code, "version": version.version},
            )
            return redirect("framework_detail", version_id=version.pk)
    return render(request, "web/framework_import.html", {"form": form, "errors": errors})


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for where no ``<link rel="icon">`` names one: Django's
    admin, the standalone error pages, a PDF opened in a tab. Redirected (not permanently: the
    static file's name changes with its content) to the icon among the static files."""
    response = HttpResponseRedirect(static("web/favicon.ico"))
    response["Cache-Control"] = "public, max-age=86400"
    return response
