"""Reads of the rank uncertainty: what a run is computed from (the cycle's final basis, its
declared values and its survey forms, as the core takes them), the runs of a cycle, and a
run's results shaped for the pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Max

from parindex.core import Framework, UnitInfo
from parindex.core.survey_aggregate import RowsTable, read_responses
from parindex.core.survey_sample import SurveySample, survey_sample
from parindex.cycles.models import Cycle
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis, UnitResult
from parindex.results.services import cycle_inputs, inputs_sha256
from parindex.surveys.models import Questionnaire, SurveyForm
from parindex.surveys.selectors import core_questionnaire

from .models import RankUncertaintyRun

INPUTS_CACHE_SECONDS = 3600


@dataclass
class RunInputs:
    """A cycle as ``rank_uncertainty`` takes it."""

    framework: Framework
    units: list[UnitInfo]
    answers: dict[str, dict[str, str]]
    overrides: dict[str, dict[str, Decimal]]
    declared: dict[str, dict[str, str]] | None
    sample: SurveySample | None
    forms: int
    inputs_sha256: str


def run_inputs(cycle: Cycle, *, with_declared: bool) -> RunInputs:
    """The final basis (declared values overlaid with the appraised ones), the declared values
    when the appraisal model is on, and the survey's stored forms, read and checked by the same
    reader as an aggregation."""
    units = [
        UnitInfo(u.code, u.name, u.type, u.group or None) for u in cycle.units.order_by("code")
    ]
    final = cycle_inputs(cycle, Basis.FINAL)
    declared = cycle_inputs(cycle, Basis.SELF).answers if with_declared else None
    questionnaire = Questionnaire.objects.filter(cycle=cycle).first()
    sample, forms = None, 0
    if questionnaire is not None:
        q = core_questionnaire(questionnaire)
        codes = [u.code for u in units]
        rows = _form_rows(questionnaire, [question.code for question in q.questions])
        valid = list(read_responses(q, RowsTable(rows, "stored forms"), units=codes))
        sample, forms = survey_sample(q, valid, codes), len(valid)
    return RunInputs(
        framework=core_framework(cycle.framework_version),
        units=units,
        answers=final.answers,
        overrides=final.overrides,
        declared=declared,
        sample=sample,
        forms=forms,
        inputs_sha256=inputs_sha256(cycle),
    )


def _form_rows(
    questionnaire: Questionnaire, codes: list[str]
) -> Callable[[], Iterator[Sequence[str]]]:
    def rows() -> Iterator[Sequence[str]]:
        yield ["response", "group", "unit", *codes]
        for response, group, unit, answers in (
            SurveyForm.objects.filter(questionnaire=questionnaire)
            .values_list("response_id", "group_code", "unit__code", "answers")
            .iterator(chunk_size=5000)
        ):
            yield [response, group, unit, *(answers.get(c, "") for c in codes)]

    return rows


def forms_count(cycle: Cycle) -> int:
    return SurveyForm.objects.filter(questionnaire__cycle=cycle).count()


def latest_run(cycle: Cycle) -> RankUncertaintyRun | None:
    """The cycle's latest finished run."""
    return (
        RankUncertaintyRun.objects.filter(cycle=cycle, state=RankUncertaintyRun.State.DONE)
        .select_related("created_by")
        .first()
    )


def runs_of(cycle: Cycle) -> tuple[RankUncertaintyRun | None, RankUncertaintyRun | None]:
    """The cycle's latest finished run, and the run after it (under way, or failed) if there
    is one: one query when the latest run is finished, or when there is none."""
    latest = RankUncertaintyRun.objects.filter(cycle=cycle).select_related("created_by").first()
    if latest is None or latest.state == RankUncertaintyRun.State.DONE:
        return latest, None
    return latest_run(cycle), latest


def current_inputs_sha256(cycle: Cycle) -> str:
    """``results.services.inputs_sha256`` of the cycle, kept in the cache until the cycle's
    results are computed again: every change of an input recomputes them (the whole cycle, or
    the unit whose input changed), so the latest computation time stands for the inputs."""
    latest = UnitResult.objects.filter(cycle=cycle).aggregate(at=Max("computed_at"))["at"]
    key = f"uncertainty:inputs:{cycle.pk}:{latest.isoformat() if latest else ''}"
    digest: str | None = cache.get(key)
    if digest is None:
        digest = inputs_sha256(cycle)
        cache.set(key, digest, INPUTS_CACHE_SECONDS)
    return digest


def run_is_stale(run: RankUncertaintyRun) -> bool:
    """Whether the cycle's inputs or its survey forms changed since the run."""
    cycle = run.cycle
    return run.inputs_sha256 != current_inputs_sha256(cycle) or run.forms != forms_count(cycle)


# -- a run's results for the pages ------------------------------------------------------------


@dataclass
class BandShare:
    code: str | None
    label: str
    draws: int
    percent: Decimal  # draws / run draws × 100, rounded half-up to 0.1


@dataclass
class UnitRow:
    code: str
    name: str
    group: str
    type: str
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    rank_median: int | None
    index: Decimal | None
    index_low: Decimal | None
    index_high: Decimal | None
    band: str | None
    bands: list[BandShare]
    group_size: int

    @property
    def settled(self) -> bool:
        """The rank is the same in every draw the interval keeps."""
        return self.rank_low == self.rank_high


@dataclass
class GroupRows:
    name: str
    rows: list[UnitRow] = field(default_factory=list)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def percent_of(count: int, total: int) -> Decimal:
    """count / total as a percentage, exactly from the integers, rounded half-up to 0.1."""
    return (Decimal(count * 100) / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def unit_rows(run: RankUncertaintyRun, band_labels: dict[str | None, str]) -> list[UnitRow]:
    """Every unit of a finished run, in listing order (group, rank, code)."""
    return [
        UnitRow(
            code=u["unit"],
            name=u["name"],
            group=u["group"] or "",
            type=u["type"] or "",
            rank=u["rank"],
            rank_low=u["rank_low"],
            rank_high=u["rank_high"],
            rank_median=u["rank_median"],
            index=_decimal(u["index"]),
            index_low=_decimal(u["index_low"]),
            index_high=_decimal(u["index_high"]),
            band=u["band"],
            bands=[
                BandShare(
                    code, band_labels.get(code, code or "—"), count, percent_of(count, run.draws)
                )
                for code, count in u["bands"]
            ],
            group_size=u["group_size"],
        )
        for u in run.results.get("units", [])
    ]


def grouped(rows: list[UnitRow], unit_type: str | None = None) -> list[GroupRows]:
    groups: dict[str, GroupRows] = {}
    for row in rows:
        if unit_type is None or row.type == unit_type:
            groups.setdefault(row.group, GroupRows(row.group)).rows.append(row)
    return list(groups.values())


def unit_row(
    run: RankUncertaintyRun, unit_code: str, band_labels: dict[str | None, str]
) -> UnitRow | None:
    return next((r for r in unit_rows(run, band_labels) if r.code == unit_code), None)
