"""Results on two bases: self-assessed (declared values) and final (settled or appraised value
or points where there is one, else declared), both stored by ``cycle_compute`` from the core;
the final basis equals a recomputation by the core with the settled values written in; the
ranking page switches basis, the scorecard and the unit's page show the figures side by side."""

from __future__ import annotations

from decimal import Decimal

from parindex.appraisals import services
from parindex.core import UnitInfo, compute
from parindex.core.compute import APPRAISED_LABEL
from parindex.results.models import Answer, Basis, UnitResult
from parindex.results.services import cycle_answers, cycle_compute, cycle_result

from . import appraisals_fixtures as fx
from .appraisals_fixtures import CHOICE_LEAF, DEDUCTION_LEAF, RATIO_LEAF, Appraisal
from .factories import browse, table_rows


def test_both_bases_are_stored_and_the_self_basis_ignores_appraisals(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    own = UnitResult.objects.get(cycle=ap.cycle, unit=ap.a.unit, basis=Basis.SELF)
    final = UnitResult.objects.get(cycle=ap.cycle, unit=ap.a.unit, basis=Basis.FINAL)
    # Declared: 1.1.1 "dung_han" = 1, 1.1.2 "90/100" = 1.5; final: "cham" = 0.5, "75/100" = 0.75.
    assert own.leaves[CHOICE_LEAF]["points"] == "1.00"
    assert final.leaves[CHOICE_LEAF]["points"] == "0.50"
    assert final.leaves[CHOICE_LEAF]["value"] == "cham"
    assert final.leaves[RATIO_LEAF]["points"] == "0.75"
    assert own.points - final.points == Decimal("1.25")


def test_the_final_basis_equals_a_recomputation_with_the_settled_values(
    appraisal: Appraisal,
) -> None:
    """Independent of the appraisal tables: write the values in force into the declared
    answers and let the core compute; points set directly go in as overrides."""
    ap = appraisal
    fx.appraised(ap)
    services.leaf_appraise(
        assessment=ap.b,
        leaf_code=DEDUCTION_LEAF,
        decision="adjusted",
        points="0.25",
        reason="Hai báo cáo trễ hạn.",
        actor=ap.appraiser,
    )
    stored = cycle_compute(cycle=ap.cycle, basis=Basis.FINAL)
    answers = cycle_answers(ap.cycle)
    answers["SNV"][CHOICE_LEAF] = "cham"  # adjusted, the unit agreed
    answers["SNV"][RATIO_LEAF] = "75/100"  # settled on a new figure
    units = [
        UnitInfo(u.code, u.name, u.type, u.group or None) for u in ap.cycle.units.order_by("code")
    ]
    expected = compute(
        ap.world.fw,
        answers,
        units,
        overrides={"STP": {DEDUCTION_LEAF: Decimal("0.25")}},
        override_label=APPRAISED_LABEL,
    )
    for unit in expected.units:
        mine = stored.by_unit(unit.unit.code)
        assert (mine.points, mine.index, mine.rank, mine.band) == (
            unit.points,
            unit.index,
            unit.rank,
            unit.band,
        )
        assert mine.nodes == unit.nodes
    explanation = stored.by_unit("STP").leaves[DEDUCTION_LEAF].explanation
    assert explanation.vi == "Điểm thẩm định: 0.25"
    # And the in-memory computation the council page uses gives the same figures.
    again = cycle_result(cycle=ap.cycle, basis=Basis.FINAL).by_unit("STP")
    assert again.points == stored.by_unit("STP").points


def test_the_ranking_page_switches_basis(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    client = browse(ap.admin)
    url = f"/cycles/{ap.cycle.pk}/"
    default = client.get(url).content.decode()
    assert 'data-basis="final"' in default
    assert 'name="basis"' in default
    own = client.get(url, {"basis": "self"}).content.decode()
    assert 'data-basis="self"' in own

    def snv_points(html: str) -> str:
        shown = next(r.cells[2] for r in table_rows(html) if r.cells[1] == ap.a.unit.name)
        return shown.replace(".", "").replace(",", ".")  # as the Vietnamese page shows it

    assert Decimal(snv_points(own)) - Decimal(snv_points(default)) == Decimal("1.25")
    fragment = client.get(url, {"basis": "self"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'data-basis="self"' in fragment


def test_the_scorecard_shows_self_appraised_and_final_side_by_side(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    html = browse(ap.admin).get(f"/cycles/{ap.cycle.pk}/units/SNV/").content.decode()
    row = next(r for r in table_rows(html) if r.attrs.get("data-code") == CHOICE_LEAF)
    # columns: code, content, self-assessed, appraised, final points, max, index
    assert row.cells[2:5] == ["1,00", "0,50", "0,50"]
    flagged = next(r for r in table_rows(html) if r.attrs.get("data-code") == RATIO_LEAF)
    assert flagged.cells[2:5] == ["1,50", "1,50", "0,75"]


def test_the_units_page_shows_the_three_figures(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    html = browse(ap.editor_a).get(ap.unit_url()).content.decode()
    row = next(
        r for r in table_rows(html) if r.attrs.get("data-leaf") == CHOICE_LEAF and len(r.cells) > 3
    )
    assert row.cells[2:5] == ["1,00", "0,50", "0,50"]
    assert "final-total" in html


def test_a_recomputation_without_basis_keeps_both_bases_current(appraisal: Appraisal) -> None:
    """New answers (e.g. the survey's) recomputed with ``cycle_compute(cycle=...)`` reach the
    self basis as well as the final one."""
    ap = appraisal
    fx.appraised(ap)
    Answer.objects.filter(cycle=ap.cycle, unit=ap.b.unit, leaf_code=DEDUCTION_LEAF).update(
        value="4"
    )
    cycle_compute(cycle=ap.cycle)
    for basis in (Basis.SELF, Basis.FINAL):
        stored = UnitResult.objects.get(cycle=ap.cycle, unit=ap.b.unit, basis=basis)
        assert stored.leaves[DEDUCTION_LEAF]["points"] == "0.00", basis
