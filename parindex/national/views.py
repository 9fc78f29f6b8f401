"""Pages of national results: the table of a year, a province's position by year against the
national average, the band thresholds and the plan's targets, and the import (administrator)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from parindex.accounts import roles
from parindex.shared.charts import render_svg
from parindex.shared.http import AnyRequest, AuthedRequest
from parindex.units.models import Unit, UnitType

from . import selectors, services
from .charts import index_spec, rank_spec
from .forms import ImportForm
from .models import NationalResult, NationalYear, Provenance
from .provenance import marked


@require_GET
def national_index(request: AnyRequest) -> HttpResponse:
    years = sorted(
        set(NationalResult.objects.values_list("year", flat=True).distinct()), reverse=True
    )
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        raise Http404 from None
    table = selectors.year_table(year) if year else []
    context = {
        "years": years,
        "year": year,
        "rows": table,
        "marks": marked(table),
        "national": NationalYear.objects.filter(year=year).first(),
        "sources": selectors.sources_of(year=year) if year else [],
        "can_import": roles.is_par_admin(request.user),
    }
    template = "national/_year_table.html" if request.htmx else "national/index.html"
    return render(request, template, context)


def _series_rows(
    label: str, results: dict[int, NationalResult]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Chart rows of one province's results: (index rows, rank rows); a figure not stated
    directly is flagged, and drawn as a hollow point."""
    index_rows, rank_rows = [], []
    for year, result in sorted(results.items()):
        if result.index is not None:
            index_rows.append(
                {
                    "year": year,
                    "series": label,
                    "index": float(result.index),
                    "marked": result.index_provenance not in ("", Provenance.DIRECT),
                }
            )
        if result.rank is not None:
            rank_rows.append(
                {
                    "year": year,
                    "series": label,
                    "rank": result.rank,
                    "marked": result.rank_provenance not in ("", Provenance.DIRECT),
                }
            )
    return index_rows, rank_rows


@require_GET
def province_position(request: HttpRequest, code: str) -> HttpResponse:
    unit = Unit.objects.filter(code=code, type=UnitType.PROVINCE).first()
    if unit is None:
        raise Http404
    rows = selectors.position(unit, request.user)
    out, into = selectors.successions(unit)
    history = selectors.predecessors(into)
    history_rows = selectors.predecessor_rows(history)
    shown = [r.national for r in rows] + [r.national for r in history_rows]
    latest_bands: list[dict[str, str]] = next(
        (n.bands for n in sorted(filter(None, shown), key=lambda n: -n.year) if n.bands), []
    )
    index_rows, rank_rows, labels = _chart_rows(unit.name, rows, history, history_rows)
    provinces = max([n.provinces for n in shown if n and n.provinces] + [63])
    index_chart, rank_chart = _position_charts(
        unit.name, (index_rows, rank_rows), labels, latest_bands, provinces
    )
    shown_results = [r.result for r in rows] + [x for r in history_rows for x in r.results]
    context = {
        "unit": unit,
        "rows": rows,
        "out": out,
        "into": into,
        "history": history,
        "history_rows": history_rows,
        "thresholds": latest_bands,
        "index_chart": index_chart,
        "rank_chart": rank_chart,
        "marks": marked(shown_results),
        "charted_marks": any(r.get("marked") for r in index_rows + rank_rows),
        "sources": selectors.sources_of(rows, history=history_rows),
    }
    return render(request, "national/position.html", context)


def _chart_rows(
    province: str,
    rows: list[selectors.PositionRow],
    history: list[selectors.Predecessor],
    history_rows: list[selectors.PredecessorRow],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The charts' points: the province's index and rank by year, each predecessor's (as a
    series of its own), the national average and the plan's targets; and the predecessors'
    series labels."""
    index_rows, rank_rows = _series_rows(province, {r.year: r.result for r in rows if r.result})
    labels = [_("%(name)s (predecessor)") % {"name": p.unit.name} for p in history]
    for label, past in zip(labels, history, strict=True):
        past_index, past_rank = _series_rows(label, past.results)
        index_rows += past_index
        rank_rows += past_rank
    average, target = _("National average"), _("Target")
    averages = {r.year: r.national for r in rows} | {r.year: r.national for r in history_rows}
    for year, national in sorted(averages.items()):
        if national is not None and national.average is not None:
            index_rows.append({"year": year, "series": average, "index": float(national.average)})
    for row in rows:
        for t in row.targets:
            if t.index is not None:
                index_rows.append({"year": row.year, "series": target, "index": float(t.index)})
            if t.rank is not None:
                rank_rows.append({"year": row.year, "series": target, "rank": t.rank})
    return index_rows, rank_rows, labels


def _position_charts(
    province: str,
    chart_rows: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    labels: list[str],
    bands: list[dict[str, str]],
    provinces: int,
) -> tuple[str, str]:
    """The index chart (with the latest band thresholds) and the rank chart (among
    ``provinces``), as SVG; "" for a chart without points."""
    index_rows, rank_rows = chart_rows
    average, target = _("National average"), _("Target")
    thresholds = [{"band": b["code"], "min": float(b["min"])} for b in bands]
    index_chart = rank_chart = ""
    if index_rows:
        index_chart = render_svg(
            index_spec(
                index_rows,
                thresholds,
                title=_("PAR Index of %(province)s by year") % {"province": province},
                year_label=_("Year"),
                index_label=_("Index"),
                series_label=_("Series"),
                series=[province, average, target],
                predecessors=labels,
            )
        )
    if rank_rows:
        rank_chart = render_svg(
            rank_spec(
                rank_rows,
                title=_("Rank of %(province)s among %(count)d provinces")
                % {"province": province, "count": provinces},
                year_label=_("Year"),
                rank_label=_("Rank"),
                series=[province, target],
                predecessors=labels,
                provinces=provinces,
            )
        )
    return index_chart, rank_chart


PENDING = "national_import_pending"


def _imported(request: HttpRequest, summary: services.ImportSummary) -> HttpResponse:
    request.session.pop(PENDING, None)
    messages.success(
        request,
        _(
            "%(added)d rows added, %(changed)d changed, %(unchanged)d already stored as they "
            "are; %(created)d provinces added to the register."
        )
        % {
            "added": summary.added,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
            "created": len(summary.created_provinces),
        },
    )
    return redirect("national:index")


@require_http_methods(["GET", "POST"])
def national_import(request: AuthedRequest) -> HttpResponse:
    """Import a file. One that changes stored values shows the differences and waits (the file
    kept in the session) for a second POST with ``confirm``, the token of those differences."""
    roles.require_par_admin(request)
    confirm = request.POST.get("confirm", "") if request.method == "POST" else ""
    form = ImportForm(None if confirm else request.POST or None, request.FILES or None)
    problems: list[str] = []
    preview: services.ImportPreview | None = None
    status = 200
    if confirm:
        pending = request.session.get(PENDING)
        if not pending or pending.get("token") != confirm:
            messages.error(
                request, _("These changes are no longer waiting for confirmation; import again.")
            )
            return redirect("national:import")
        kind, name, text = pending["kind"], pending["name"], pending["text"]
    elif request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        name = form.cleaned_data["file"].name.replace("/", "_").replace("\\", "_")
        text = form.text
    else:
        return render(request, "national/import.html", {"form": form, "problems": problems})
    importer = (
        services.national_results_import if kind == "results" else services.national_years_import
    )
    try:
        summary = importer(
            text=text,
            source_name=name,
            actor=request.user,
            confirm=confirm,
        )
    except services.NationalImportError as exc:
        problems = [str(p) for p in exc.problems]
    except services.ConfirmationNeeded as exc:
        preview = exc.preview
        request.session[PENDING] = {
            "kind": kind,
            "name": name,
            "text": text,
            "token": preview.token,
        }
        if confirm:  # stored values changed since the differences were shown
            messages.warning(request, _("The stored values changed meanwhile: check again."))
            status = 409
    else:
        return _imported(request, summary)
    return render(
        request,
        "national/import.html",
        {"form": form, "problems": problems, "preview": preview},
        status=status,
    )
