"""Writes for results: every figure comes from the core's ``compute``, never recomputed here."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from parindex.core import CycleResult, Scorer, UnitInfo, compute
from parindex.core.report import unit_json
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework

from .models import Answer, UnitResult


def cycle_answers(cycle: Cycle) -> dict[str, dict[str, str]]:
    answers: dict[str, dict[str, str]] = {}
    rows = Answer.objects.filter(cycle=cycle).values_list("unit__code", "leaf_code", "value")
    for unit_code, leaf_code, value in rows.iterator(chunk_size=5000):
        answers.setdefault(unit_code, {})[leaf_code] = value
    return answers


@transaction.atomic
def cycle_compute(
    *, cycle: Cycle, progress: Callable[[int, int], None] | None = None
) -> CycleResult:
    """Compute every unit in scope with the core and replace the cycle's stored results."""
    fw = core_framework(cycle.framework_version)
    units = list(cycle.units.order_by("code"))
    infos = [UnitInfo(u.code, u.name, u.type, u.group or None) for u in units]
    result = compute(fw, cycle_answers(cycle), infos, scorer=Scorer(fw))
    by_code = {u.code: u for u in units}
    places = fw.places
    rows = []
    total = len(result.units)
    for position, unit_result in enumerate(result.units):
        data = unit_json(unit_result, places)
        rows.append(
            UnitResult(
                cycle=cycle,
                unit=by_code[unit_result.unit.code],
                group=unit_result.unit.group or "",
                points=unit_result.points,
                max=unit_result.max,
                index=unit_result.index,
                rank=unit_result.rank,
                band=unit_result.band.code if unit_result.band else "",
                position=position,
                nodes=data["nodes"],
                missing=data["missing"],
                leaves={
                    code: {
                        "value": score.value,
                        "status": score.status,
                        "points": f"{score.points:.{places}f}",
                        "vi": score.explanation.vi,
                        "en": score.explanation.en or score.explanation.vi,
                    }
                    for code, score in unit_result.leaves.items()
                },
            )
        )
        if progress is not None and (position + 1) % 50 == 0:
            progress(position + 1, total)
    UnitResult.objects.filter(cycle=cycle).delete()
    UnitResult.objects.bulk_create(rows, batch_size=500)
    if progress is not None:
        progress(total, total)
    return result
