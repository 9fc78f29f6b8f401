"""The open data: an index of the published cycles, a page per cycle with its downloads and
its framework's methodology, and the files. Anyone may read them, without an account; every
view reaches its cycle through ``access.get_published_cycle``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework, framework_outline
from parindex.results.models import Basis
from parindex.shared.documents import XLSX, download
from parindex.shared.language import lang

from . import files
from .access import get_published_cycle, published_cycles

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": XLSX,
    "yaml": "application/yaml; charset=utf-8",
}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/index.html", {"cycles": published_cycles()})


@require_GET
def cycle_page(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_published_cycle(cycle_id)
    fw = core_framework(cycle.framework_version)
    downloads = [
        (f"opendata:{view}", files.file_name(cycle, kind), kind)
        for view, kind in (
            ("results_csv", "csv"),
            ("results_json", "json"),
            ("results_xlsx", "xlsx"),
            ("framework_file", "yaml"),
        )
    ]
    context = {
        "cycle": cycle,
        "version": cycle.framework_version,
        "framework": fw,
        "outline": framework_outline(fw, lang()),
        "downloads": downloads,
        "unit_count": cycle.results.filter(basis=Basis.FINAL).count(),
        "lang": lang(),
    }
    return render(request, "opendata/cycle.html", context)


def _attachment(cycle: Cycle, kind: str, body: str | bytes) -> HttpResponse:
    return download(body, files.file_name(cycle, kind), CONTENT_TYPES[kind], open_data=True)


@require_GET
def results_csv(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_published_cycle(cycle_id)
    return _attachment(cycle, "csv", files.results_csv(cycle))


@require_GET
def results_json(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_published_cycle(cycle_id)
    return _attachment(cycle, "json", files.results_json(cycle))


@require_GET
def results_xlsx(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = get_published_cycle(cycle_id)
    return _attachment(cycle, "xlsx", files.results_xlsx(cycle))


@require_GET
def framework_file(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The framework version's file exactly as it was imported."""
    cycle = get_published_cycle(cycle_id)
    return _attachment(cycle, "yaml", cycle.framework_version.source_text)
