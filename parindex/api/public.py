"""Public reads: frameworks (and the framework file itself), the unit register with its
successions, cycles with their calendars, rankings and a unit's result with its leaf
explanations.

Anybody may call them without a token and reads what the public reads (published cycles);
with a token, the owner reads what the pages show them, through the same choke points
(``assessments.visibility``)."""

from __future__ import annotations

import datetime
from typing import Literal

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from parindex.assessments import visibility
from parindex.assessments.models import StageWindow
from parindex.cycles.models import Cycle
from parindex.frameworks.feeds import feed_sources
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import core_framework
from parindex.results import selectors as results
from parindex.results.explained import leaves_explained
from parindex.results.models import Basis, UnitResult
from parindex.units.models import Succession, Unit
from parindex.units.selectors import valid_on

from .auth import OptionalTokenAuth
from .common import CODE, ID, answers, dec
from .schemas import (
    CycleDetailOut,
    CycleOut,
    FrameworkDetailOut,
    FrameworkOut,
    ResultsOut,
    UnitDetailOut,
    UnitOut,
    UnitResultOut,
)

router = Router(auth=OptionalTokenAuth(), tags=["public"])
BasisParam = Literal["self", "final"] | None


def _framework(version: FrameworkVersion) -> dict[str, object]:
    return {
        "id": version.pk,
        "code": version.code,
        "version": version.version,
        "title_vi": version.title_vi,
        "title_en": version.title_en,
        "legal_basis": version.legal_basis,
        "sha256": version.sha256,
        "max_total": dec(version.max_total),
        "imported_at": version.imported_at,
    }


@router.get("/frameworks", response=answers({200: list[FrameworkOut]}))
def frameworks(request: HttpRequest) -> list[dict[str, object]]:
    """Every imported framework version (public, as the framework browser)."""
    return [_framework(v) for v in FrameworkVersion.objects.order_by("code", "-version")]


@router.get("/frameworks/{version_id}", response=answers({200: FrameworkDetailOut}, 404))
def framework(request: HttpRequest, version_id: int = ID) -> dict[str, object]:
    """A framework version with its nodes in framework order, each leaf with the system its
    value comes from when the file declares one (``x-feed``)."""
    version = get_object_or_404(FrameworkVersion, pk=version_id)
    feeds = feed_sources(version)
    nodes = [
        {
            "code": n.code,
            "parent_code": n.parent_code,
            "depth": n.depth,
            "title_vi": n.title_vi,
            "title_en": n.title_en,
            "kind": n.kind,
            "max": dec(n.max),
            "is_leaf": n.is_leaf,
            "rule_type": n.rule_type,
            "evidence": n.evidence,
            "source": n.source,
            "allow_na": n.allow_na,
            "applies_to": n.applies_to,
            "feed": feeds.get(n.code),
        }
        for n in version.nodes.order_by("position")
    ]
    return _framework(version) | {"nodes": nodes}


YAML = {"application/yaml": {"schema": {"description": "the framework file (docs/formats.md)"}}}


@router.get(
    "/frameworks/{version_id}/file",
    response=answers({200: None}, 404),
    openapi_extra={"responses": {200: {"description": "The file as imported", "content": YAML}}},
)
def framework_file(request: HttpRequest, version_id: int = ID) -> HttpResponse:
    """The framework file exactly as imported (its SHA-256 in ``X-Content-SHA256``)."""
    version = get_object_or_404(FrameworkVersion, pk=version_id)
    response = HttpResponse(version.source_text, content_type="application/yaml; charset=utf-8")
    response["X-Content-SHA256"] = version.sha256
    name = version.source_name.replace('"', "").replace("\\", "")
    response["Content-Disposition"] = (
        f'attachment; filename="{name.encode("ascii", "replace").decode()}"'
    )
    return response


def _unit(unit: Unit) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "type": unit.type,
        "group": unit.group,
        "parent": unit.parent.code if unit.parent else None,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }


@router.get("/units", response=answers({200: list[UnitOut]}))
def units(request: HttpRequest, on: datetime.date | None = None) -> list[dict[str, object]]:
    """The unit register, or the units valid on a day (``?on=2025-07-01``)."""
    found = Unit.objects.select_related("parent").order_by("code")
    if on is not None:
        found = found.filter(valid_on(on))
    return [_unit(u) for u in found]


def _link(link: Succession, other: Unit) -> dict[str, object]:
    return {
        "unit": other.code,
        "name": other.name,
        "date": link.date,
        "kind": link.kind,
        "legal_basis": link.legal_basis,
    }


@router.get("/units/{unit_code}", response=answers({200: UnitDetailOut}, 404))
def unit(request: HttpRequest, unit_code: str = CODE) -> dict[str, object]:
    """A unit and its lineage: the units it came from and the units it became (mergers,
    splits, renamings), with the date and legal basis of each."""
    found = get_object_or_404(Unit.objects.select_related("parent"), code=unit_code)
    links = Succession.objects.filter(Q(predecessor=found) | Q(successor=found)).select_related(
        "predecessor", "successor"
    )
    return _unit(found) | {
        "predecessors": [_link(s, s.predecessor) for s in links if s.successor_id == found.pk],
        "successors": [_link(s, s.successor) for s in links if s.predecessor_id == found.pk],
    }


def _cycle(cycle: Cycle) -> dict[str, object]:
    return {
        "id": cycle.pk,
        "year": cycle.year,
        "title": cycle.title,
        "state": cycle.state,
        "framework_version": cycle.framework_version_id,
        "published_at": cycle.published_at,
        "publication_decision": cycle.publication_decision,
    }


@router.get("/cycles", response=answers({200: list[CycleOut]}))
def cycles(request: HttpRequest) -> list[dict[str, object]]:
    """The cycles whose results the caller may read: published ones, and every one for
    province-wide roles (``visibility.visible_cycles``)."""
    return [_cycle(c) for c in visibility.visible_cycles(request.user).order_by("-year", "pk")]


@router.get("/cycles/{cycle_id}", response=answers({200: CycleDetailOut}, 403, 404))
def cycle(request: HttpRequest, cycle_id: int = ID) -> dict[str, object]:
    """A cycle, its units in scope and its calendar (the stage windows)."""
    found = visibility.get_cycle_for_user(request, cycle_id)
    windows = StageWindow.objects.filter(cycle=found).order_by("opens_at")
    return _cycle(found) | {
        "units": list(found.units.order_by("code").values_list("code", flat=True)),
        "calendar": [
            {"stage": w.stage, "opens_at": w.opens_at, "closes_at": w.closes_at} for w in windows
        ],
    }


@router.get("/cycles/{cycle_id}/results", response=answers({200: ResultsOut}, 403, 404))
def cycle_results(
    request: HttpRequest, cycle_id: int = ID, basis: BasisParam = None
) -> dict[str, object]:
    """The cycle's results, unit by unit in ranking order: points, index, rank, band and the
    index of each area; the final basis by default where it is stored and visible."""
    found = visibility.get_cycle_for_user(request, cycle_id)
    fw = core_framework(found.framework_version)
    allowed = visibility.ranking_bases_for(request.user, found)
    requested = basis if Basis.FINAL in allowed else Basis.SELF
    groups, bases, shown = results.ranking_on_basis(found, basis=requested)
    area_codes = [a.code for a in results.areas(fw)]
    rows = []
    if shown in allowed:
        for group in groups:
            for row in group.rows:
                r = row.result
                rows.append(
                    {
                        "unit": r.unit.code,
                        "name": r.unit.name,
                        "group": r.group,
                        "points": dec(r.points),
                        "max": dec(r.max),
                        "index": dec(r.index),
                        "rank": r.rank,
                        "band": r.band,
                        "areas": {
                            code: dec(index)
                            for code, index in zip(area_codes, row.area_indices, strict=True)
                        },
                    }
                )
    return {
        "cycle": found.pk,
        "year": found.year,
        "published": found.is_published,
        "basis": shown,
        "bases": [b for b in bases if b in allowed],
        "results": rows,
    }


def unit_result(result: UnitResult) -> dict[str, object]:
    return {
        "cycle": result.cycle_id,
        "unit": result.unit.code,
        "name": result.unit.name,
        "basis": result.basis,
        "group": result.group,
        "points": dec(result.points),
        "max": dec(result.max),
        "index": dec(result.index),
        "rank": result.rank,
        "band": result.band,
        "nodes": result.nodes,
        "leaves": leaves_explained(core_framework(result.cycle.framework_version), result.leaves),
        "missing": result.missing,
    }


@router.get(
    "/cycles/{cycle_id}/units/{unit_code}/result",
    response=answers({200: UnitResultOut}, 403, 404),
)
def cycle_unit_result(
    request: HttpRequest,
    cycle_id: int = ID,
    unit_code: str = CODE,
    basis: BasisParam = None,
) -> dict[str, object]:
    """A unit's result (its scorecard): totals, every node's figures and every leaf's value,
    points and explanation, on the basis asked for when the caller may see it
    (``visibility.get_unit_result_for_user``)."""
    return unit_result(visibility.get_unit_result_for_user(request, cycle_id, unit_code, basis))
