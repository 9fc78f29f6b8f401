"""A unit's scoring table (*bảng tổng hợp kết quả tự đánh giá, thẩm định*) for one cycle.

One row per node that applies to the unit, in framework order, numbered by the framework's own
codes (1 / 1.1 / 1.1.1, B.1 for a bonus leaf): the maximum, the self-assessed points, the
appraisers' points (leaves), the final points, what the unit and the appraisers said about the
leaf; then the totals, the index, the rank in the unit's group and the band, self-assessed and
final side by side.

Every figure is read from the stored results (``results.UnitResult``: the result the reader
asked for and, beside a final one, the self-assessed one), the appraisers' points and the
comments from the appraisal; nothing is computed here. A reader who may not see the final
basis gets the self-assessed columns only, and no appraisal.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils.translation import gettext as _

from parindex.appraisals.selectors import LeafNotes, appraised_points, leaf_notes
from parindex.core import Framework
from parindex.frameworks.selectors import core_framework
from parindex.results.models import Basis, UnitResult
from parindex.results.selectors import ScorecardLine, scorecard_lines, self_result_of
from parindex.shared.documents import TEXT_WIDTH_CM
from parindex.shared.language import lang

from .facts import cycle_facts
from .tables import AREA, BRANCH, LEAF, TOTAL, Column, Document, Fact, Row, Section, Value

SLUG = "bang-diem"


def scoring_document(result: UnitResult) -> Document:
    """The scoring table of ``result``'s unit, as the reader of ``result`` may see it: on the
    final basis with the self-assessed figures and the appraisal beside it, on the self basis
    alone otherwise."""
    cycle = result.cycle
    fw = core_framework(cycle.framework_version)
    language = lang()
    final = result if result.basis == Basis.FINAL else None
    own = self_result_of(result) if final is not None else result
    appraised = appraised_points(final) if final is not None else {}
    notes = leaf_notes(final) if final is not None else {}
    lines = scorecard_lines(result, compare=own if final is not None else None, appraised=appraised)
    rows = [_node_row(line, final is not None, notes, language) for line in lines]
    rows += _total_rows(fw, own, final, language)
    unit = result.unit
    facts = [
        Fact(_("Unit"), f"{unit.name} ({unit.code})"),
        Fact(_("Ranking group"), result.group or "—"),
        *cycle_facts(cycle, fw, language),
    ]
    if final is None:
        facts.append(Fact(_("Basis"), str(Basis(result.basis).label)))
    return Document(
        stem=scoring_stem(cycle.year, unit.code),
        heading=(
            _("SUMMARY OF SELF-ASSESSMENT AND APPRAISAL RESULTS"),
            _("PAR INDEX %(year)s") % {"year": cycle.year},
        ),
        facts=tuple(facts),
        columns=_columns(),
        sections=(Section("", tuple(rows)),),
        lang=language,
        places=fw.places,
        sheet_title=_("Scoring table"),
    )


def scoring_stem(year: int, unit_code: str) -> str:
    """``2025_SNV_bang-diem``: the year, the unit's code (ASCII letters, digits, ``-``), the
    document."""
    code = re.sub(r"[^A-Za-z0-9-]+", "-", unit_code).strip("-") or "unit"
    return f"{year}_{code}_{SLUG}"


def _columns() -> tuple[Column, ...]:
    figures = [
        Column(_("Max"), 1.6, numeric=True),
        Column(_("Self-assessed points"), 1.9, numeric=True),
        Column(_("Appraised points"), 1.9, numeric=True),
        Column(_("Final points"), 1.9, numeric=True),
    ]
    fixed = 1.4 + sum(c.width_cm for c in figures)
    notes = 4.6
    return (
        Column(_("No."), 1.4),
        Column(_("Area, criterion, sub-criterion"), TEXT_WIDTH_CM - fixed - 2 * notes),
        *figures,
        Column(_("Unit's explanation"), notes),
        Column(_("Appraisers' remarks"), notes),
    )


def _node_row(
    line: ScorecardLine, has_final: bool, notes: dict[str, LeafNotes], language: str
) -> Row:
    node = line.node
    said = notes.get(node.code, LeafNotes())
    own_points = line.self_points if has_final else line.points
    level = AREA if node.depth == 0 else LEAF if node.is_leaf else BRANCH
    return Row(
        (
            node.code,
            node.title.get(language),
            _decimal(line.max),
            _decimal(own_points),
            _decimal(line.appraised_points) if node.is_leaf else None,
            _decimal(line.points) if has_final else None,
            "\n".join(said.unit),
            "\n".join(said.appraisers),
        ),
        level,
    )


def _total_rows(
    fw: Framework, own: UnitResult | None, final: UnitResult | None, language: str
) -> list[Row]:
    shown = final or own
    assert shown is not None
    bands = {b.code: b.label(language) for b in fw.bands}

    def line(label: str, maximum: Value, pick: str) -> Row:
        own_figure, final_figure = _total(own, pick, bands), _total(final, pick, bands)
        return Row(("", label, maximum, own_figure, None, final_figure, "", ""), TOTAL)

    return [
        line(_("Total points (areas + bonus − penalty)"), shown.max, "points"),
        line(_("PAR Index"), None, "index"),
        line(_("Rank in the group"), None, "rank"),
        line(_("Band"), None, "band"),
    ]


def _total(result: UnitResult | None, pick: str, bands: dict[str, str]) -> Value:
    if result is None:
        return None
    if pick == "points":
        return result.points
    if pick == "index":
        return result.index
    if pick == "band":
        return bands.get(result.band, result.band) or "—"
    if result.rank is None:
        return "—"
    # Among the group's ranked units, as the ranking and the year-over-year positions count:
    # a unit without an index has no rank.
    of = UnitResult.objects.filter(
        cycle_id=result.cycle_id, basis=result.basis, group=result.group, rank__isnull=False
    ).count()
    return _("%(rank)s of %(count)s") % {"rank": result.rank, "count": of}


def _decimal(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))
