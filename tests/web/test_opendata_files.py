"""The open-data files of a published cycle (docs/formats.md §3.5): the JSON and CSV are what
``parindex compute`` prints for the same inputs (the JSON with its optional added keys), the
.xlsx holds the same figures as numbers under a frozen header, the framework file is the stored
text; and nothing of a cycle that is not published is reachable, whoever asks."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from parindex.cli import main as parindex_main
from parindex.cycles.models import Cycle
from parindex.results.models import Basis, UnitResult
from parindex.results.services import appraised_value_set, cycle_compute, cycle_inputs

from .factories import World

KINDS = ("results.csv", "results.json", "results.xlsx", "framework.yaml")
ADDED = ("cycle", "names")  # the optional keys §3.5 adds to the document


def url(cycle: Cycle, kind: str) -> str:
    return f"/open-data/{cycle.pk}/{kind}"


def compute_inputs(cycle: Cycle, folder: Path) -> list[str]:
    """The framework, scores and units files of the cycle's final basis, for the command."""
    inputs = cycle_inputs(cycle, Basis.FINAL)
    assert not inputs.overrides  # points set directly have no place in a scores file
    framework = folder / "framework.yaml"
    framework.write_text(cycle.framework_version.source_text, encoding="utf-8")
    scores, units = io.StringIO(), io.StringIO()
    writer = csv.writer(scores, lineterminator="\n")
    writer.writerow(["unit", "item", "value"])
    for unit, values in sorted(inputs.answers.items()):
        writer.writerows([unit, leaf, value] for leaf, value in sorted(values.items()))
    writer = csv.writer(units, lineterminator="\n")
    writer.writerow(["unit", "name", "type", "group"])
    for u in cycle.units.order_by("code"):
        writer.writerow([u.code, u.name, u.type, u.group])
    (folder / "scores.csv").write_text(scores.getvalue(), encoding="utf-8")
    (folder / "units.csv").write_text(units.getvalue(), encoding="utf-8")
    return [str(framework), str(folder / "scores.csv"), "--units", str(folder / "units.csv")]


def parindex_compute(cycle: Cycle, folder: Path, form: str, capsys) -> str:
    capsys.readouterr()
    assert parindex_main(["compute", *compute_inputs(cycle, folder), "--format", form]) == 0
    return capsys.readouterr().out


@pytest.fixture
def appraised(world: World) -> World:
    """The published cycle with one leaf re-declared by the appraisers: the final basis is
    not the declared one."""
    appraised_value_set(
        cycle=world.published, unit_id=world.unit_b.pk, leaf_code="1.1.2", value="50/100"
    )
    cycle_compute(cycle=world.published, basis=Basis.SELF)
    cycle_compute(cycle=world.published)
    return world


def test_json_is_what_parindex_compute_prints_plus_names(
    appraised: World, anonymous, tmp_path: Path, capsys
) -> None:
    cycle = appraised.published
    response = anonymous.get(url(cycle, "results.json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    downloaded = json.loads(response.content)
    for key in ADDED:
        downloaded.pop(key)
    assert downloaded["framework"].pop("title") == {
        "vi": appraised.fw.title.vi,
        "en": appraised.fw.title.en,
    }
    assert downloaded["framework"].pop("sha256") == cycle.framework_version.sha256
    printed = parindex_compute(cycle, tmp_path, "json", capsys)
    # Byte for byte, once the added keys are taken out: same keys, order and decimals.
    assert json.dumps(downloaded, ensure_ascii=False, indent=1) + "\n" == printed
    names = [u["name"] for u in json.loads(printed)["units"]]
    assert "Sở Tư pháp" in names


def test_json_added_keys(appraised: World, anonymous) -> None:
    cycle = appraised.published
    Cycle.objects.filter(pk=cycle.pk).update(publication_decision="Quyết định số 123/QĐ-UBND")
    document = json.loads(anonymous.get(url(cycle, "results.json")).content)
    assert list(document) == ["framework", "cycle", "units", "names"]
    assert document["cycle"]["year"] == 2023
    assert document["cycle"]["basis"] == "final"
    assert document["cycle"]["publication_decision"] == "Quyết định số 123/QĐ-UBND"
    assert document["names"]["nodes"]["1"]["vi"] == appraised.fw.node("1").title.vi
    assert document["names"]["bands"]["TOT"]["vi"] == "Tốt"


def test_csv_is_what_parindex_compute_prints(
    appraised: World, anonymous, tmp_path: Path, capsys
) -> None:
    cycle = appraised.published
    response = anonymous.get(url(cycle, "results.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="2023_province-internal_ket-qua.csv"'
    )
    assert response.content.decode() == parindex_compute(cycle, tmp_path, "csv", capsys)


def test_files_hold_the_stored_final_results(appraised: World, anonymous) -> None:
    """Every figure of every file against the stored rows (the final basis, not the self)."""
    cycle = appraised.published
    stored = {
        r.unit.code: r
        for r in UnitResult.objects.filter(cycle=cycle, basis=Basis.FINAL).select_related("unit")
    }
    declared = UnitResult.objects.get(cycle=cycle, unit=appraised.unit_b, basis=Basis.SELF)
    assert declared.points != stored["STP"].points  # the appraisal changed the figure
    document = json.loads(anonymous.get(url(cycle, "results.json")).content)
    for unit in document["units"]:
        row = stored[unit["unit"]]
        assert Decimal(unit["points"]) == row.points
        assert Decimal(unit["index"]) == row.index
        assert unit["rank"] == row.rank and unit["band"] == row.band
        assert unit["nodes"] == {c: row.nodes[c] for c in unit["nodes"]}
    book = load_workbook(io.BytesIO(anonymous.get(url(cycle, "results.xlsx")).content))
    sheet = book["results"]
    header = [c.value for c in sheet[1]]
    for line in sheet.iter_rows(min_row=2, values_only=True):
        cells = dict(zip(header, line, strict=True))
        row = stored[str(cells["unit"])]
        assert Decimal(str(cells["points"])) == row.points
        assert Decimal(str(cells["index"])) == row.index
        assert cells["rank"] == row.rank
        points = cells["points_1"]
        assert isinstance(points, int | float)  # a number, not text
        assert Decimal(str(points)) == Decimal(row.nodes["1"]["points"])


def test_xlsx_numbers_are_numbers_under_a_frozen_header(world: World, anonymous) -> None:
    response = anonymous.get(url(world.published, "results.xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["results", "nodes", "cycle"]
    sheet = book["results"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == sheet.dimensions
    assert [c.value for c in sheet[1]][:10] == [
        "unit",
        "name",
        "type",
        "group",
        "points",
        "max",
        "index",
        "rank",
        "band",
        "missing",
    ]
    assert sheet["E2"].data_type == "n" and sheet["E2"].number_format == "0.00"
    assert sheet["H2"].data_type == "n"
    nodes = book["nodes"]
    assert nodes.freeze_panes == "A2"
    leaf = next(r for r in nodes.iter_rows(min_row=2, values_only=True) if r[0] == "1.1.1")
    assert leaf[6] == world.fw.node("1.1.1").rule.describe(world.fw.node("1.1.1")).vi


def test_framework_file_is_the_stored_text(world: World, anonymous) -> None:
    response = anonymous.get(url(world.published, "framework.yaml"))
    assert response.content.decode() == world.version.source_text
    assert response["Content-Disposition"] == ('attachment; filename="province-internal_2024.yaml"')
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "admin", "editor_a"])
@pytest.mark.parametrize(
    "state",
    [
        Cycle.State.PREPARING,
        Cycle.State.IN_PROGRESS,
        Cycle.State.APPROVED,
        Cycle.State.CANCELLED,
    ],
)
def test_nothing_unpublished_is_reachable(world: World, visit, persona: str, state: str) -> None:
    """Whatever the role: the open data is the public's view."""
    Cycle.all_objects.filter(pk=world.current.pk).update(state=state)
    client = visit(persona)
    assert client.get(f"/open-data/{world.current.pk}/").status_code == 404
    for kind in KINDS:
        assert client.get(url(world.current, kind)).status_code == 404, kind
    assert client.get(url(world.published, "results.csv")).status_code == 200


def test_unknown_cycle_and_kind(world: World, anonymous) -> None:
    assert anonymous.get("/open-data/999999/results.csv").status_code == 404
    assert anonymous.get(f"/open-data/{world.published.pk}/results.xml").status_code == 404
    assert anonymous.get(f"/open-data/{10**30}/results.csv").status_code == 404


def test_get_only(world: World, anonymous) -> None:
    assert anonymous.post(url(world.published, "results.json")).status_code == 405
