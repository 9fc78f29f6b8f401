"""Year over year on the ranking and the scorecard (docs/methodology.md Y1–Y4): a change only
against the published cycle just before, of the same framework family; a merged unit compared
with its predecessors, named on the page; ranks only within a group of the same name, as a
position among N; areas of a new framework version through the node mapping of the pair."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.frameworks.models import FrameworkVersion, NodeMapping
from parindex.frameworks.selectors import core_framework
from parindex.frameworks.services import node_mapping_import
from parindex.results.models import UnitResult
from parindex.results.services import cycle_compute
from parindex.units.models import Succession, Unit, UnitType

from .factories import (
    DEPARTMENTS,
    World,
    answers_create,
    framework_import_fast,
    framework_text,
    table_rows,
)

CENT = Decimal("0.01")


def cycle_add(
    world: World,
    year: int,
    units: list[Unit],
    quality: float,
    *,
    version: FrameworkVersion | None = None,
    state: str = Cycle.State.IN_PROGRESS,
) -> Cycle:
    version = version or world.version
    cycle = Cycle.objects.create(
        year=year, title=f"Chỉ số CCHC năm {year}", framework_version=version, state=state
    )
    cycle.units.set(units)
    answers_create(cycle, core_framework(version), units, {u.code: quality for u in units})
    cycle_compute(cycle=cycle)
    return cycle


def publish(*cycles: Cycle) -> None:
    Cycle.objects.filter(pk__in=[c.pk for c in cycles]).update(state=Cycle.State.PUBLISHED)


def index_of(cycle: Cycle, unit: Unit) -> Decimal:
    index = UnitResult.objects.get(cycle=cycle, unit=unit).index
    assert index is not None
    return index


def mean(*values: Decimal, weights: tuple[Decimal, ...] | None = None) -> Decimal:
    weights = weights or tuple(Decimal(1) for _ in values)
    total = sum(w * v for w, v in zip(weights, values, strict=True))
    return (total / sum(weights)).quantize(CENT, rounding=ROUND_HALF_UP)


def vi_signed(change: Decimal) -> str:
    text = f"+{change:.2f}" if change > 0 else (f"−{-change:.2f}" if change < 0 else "0.00")
    return text.replace(".", ",")


def ranking(client, cycle: Cycle) -> tuple[str, dict[str, list[str]]]:
    html = client.get(f"/cycles/{cycle.pk}/").content.decode()
    return html, {row.cells[1]: row.cells for row in table_rows(html) if len(row.cells) > 6}


def merged_unit(world: World, *, weights: tuple[str, str] | None = None) -> Unit:
    """Sở Nội vụ and Sở Tư pháp merged into a new department on 1 March 2025."""
    merged = Unit.objects.create(
        code="SNVTP", name="Sở Nội vụ và Tư pháp", type=UnitType.DEPARTMENT, group=DEPARTMENTS
    )
    for unit, weight in zip((world.unit_a, world.unit_b), weights or (None, None), strict=True):
        Succession.objects.create(
            predecessor=unit,
            successor=merged,
            date="2025-03-01",
            weight=None if weight is None else Decimal(weight),
        )
    return merged


def test_y3_a_merged_unit_is_compared_with_the_mean_of_its_predecessors(
    world: World, visit
) -> None:
    publish(world.current)
    merged = merged_unit(world)
    later = cycle_add(world, 2025, [merged, world.ward, world.commune], 0.9)
    html, rows = ranking(visit("viewer"), later)
    baseline = mean(index_of(world.current, world.unit_a), index_of(world.current, world.unit_b))
    change = index_of(later, merged) - baseline
    assert rows["Sở Nội vụ và Tư pháp"][5:7] == [vi_signed(change) + "*", "—"]
    note = re.search(r'id="baseline-SNVTP">(.*?)</p>', html, re.S)
    assert note is not None
    text = re.sub(r"<[^>]+>", "", note.group(1))
    assert "so với trung bình cộng chỉ số năm 2024 của Sở Nội vụ" in text
    assert "Sở Tư pháp" in text
    assert text.rstrip().endswith(f"= {baseline:.2f}.".replace(".", ",", 1))
    # The units that continue are compared with themselves, ranked among the same group.
    ward_before = index_of(world.current, world.ward)
    assert rows["Phường 1"][5:7] == [
        vi_signed(index_of(later, world.ward) - ward_before),
        "1/1 → 1/1 =",
    ]


def test_y3_weighted_mean_when_the_register_gives_every_weight(world: World, visit) -> None:
    publish(world.current)
    merged = merged_unit(world, weights=("3", "1"))
    later = cycle_add(world, 2025, [merged], 0.9)
    html, rows = ranking(visit("viewer"), later)
    a, b = index_of(world.current, world.unit_a), index_of(world.current, world.unit_b)
    baseline = mean(a, b, weights=(Decimal(3), Decimal(1)))
    assert baseline != mean(a, b)
    assert rows["Sở Nội vụ và Tư pháp"][5] == vi_signed(index_of(later, merged) - baseline) + "*"
    assert "trung bình có trọng số" in html
    assert "trọng số 3" in html


def test_y3_an_absorbing_unit_joins_its_own_earlier_index(world: World, visit) -> None:
    """Sở Tư pháp absorbed into Sở Nội vụ: Sở Nội vụ is compared with the mean of both."""
    publish(world.current)
    Succession.objects.create(predecessor=world.unit_b, successor=world.unit_a, date="2025-03-01")
    later = cycle_add(world, 2025, [world.unit_a, world.ward], 0.9)
    html, rows = ranking(visit("viewer"), later)
    baseline = mean(index_of(world.current, world.unit_a), index_of(world.current, world.unit_b))
    assert rows["Sở Nội vụ"][5:7] == [
        vi_signed(index_of(later, world.unit_a) - baseline) + "*",
        "—",
    ]
    assert "Sở Nội vụ (chính đơn vị)" in html


def test_a_predecessor_still_in_scope_is_compared_on_its_own(world: World, visit) -> None:
    """The demo's register already records 2025 mergers: a 2024 cycle whose units are all
    still there compares each with itself."""
    merged = merged_unit(world)
    _, rows = ranking(visit("viewer"), world.current)
    assert "Sở Nội vụ và Tư pháp" not in rows
    before = index_of(world.published, world.unit_a)
    assert rows["Sở Nội vụ"][5] == vi_signed(index_of(world.current, world.unit_a) - before)
    assert merged.pk


def test_y1_no_change_against_a_cycle_in_progress_nor_over_it(world: World, visit) -> None:
    """2023 published, 2024 in progress, 2025: no change column for 2025 (comparing it with
    2023 would skip a cycle of the family); once 2024 is cancelled, 2025 compares with 2023."""
    later = cycle_add(world, 2025, world.units, 0.9, state=Cycle.State.PUBLISHED)
    html, _ = ranking(visit("admin"), later)
    assert "± Chỉ số" not in html
    Cycle.objects.filter(pk=world.current.pk).update(state=Cycle.State.CANCELLED)
    html, rows = ranking(visit("anonymous"), later)
    assert "So sánh với năm 2023" in html
    before = index_of(world.published, world.unit_a)
    assert rows["Sở Nội vụ"][5] == vi_signed(index_of(later, world.unit_a) - before)


def test_y1_another_framework_family_is_never_compared(world: World, visit) -> None:
    other = framework_import_fast(
        text=framework_text().replace("code: province-internal", "code: other-family", 1),
        source_name="other.yaml",
    )
    later = cycle_add(world, 2025, world.units, 0.9, version=other)
    publish(world.current)
    html, _ = ranking(visit("admin"), later)
    assert "± Chỉ số" not in html


def test_y4_rank_only_within_a_group_of_the_same_name(world: World, visit) -> None:
    """Xã Đạo Thạnh became a ward (group "Phường, thị trấn") in 2025: its index is compared,
    its rank is not; the ward that stayed reads 1/1 → 2/2."""
    publish(world.current)
    Unit.objects.filter(pk=world.commune.pk).update(group=world.ward.group)
    later = cycle_add(world, 2025, [world.ward, world.commune], 0.9)
    UnitResult.objects.filter(cycle=later, unit=world.ward).update(rank=2)
    _, rows = ranking(visit("viewer"), later)
    commune_change = index_of(later, world.commune) - index_of(world.current, world.commune)
    assert rows["Xã Đạo Thạnh"][5:7] == [vi_signed(commune_change), "—"]
    assert rows["Phường 1"][6] == "1/1 → 2/2 ▼1"


def test_scorecard_names_the_predecessors_and_compares_areas(world: World, visit) -> None:
    publish(world.current)
    merged = merged_unit(world)
    later = cycle_add(world, 2025, [merged], 0.9)
    html = visit("viewer").get(f"/cycles/{later.pk}/units/SNVTP/").content.decode()
    assert "So với năm 2024" in html
    assert "Sở Nội vụ" in html and "Sở Tư pháp" in html
    areas = {r.attrs["data-area"]: r.cells for r in table_rows(html) if "data-area" in r.attrs}
    a = UnitResult.objects.get(cycle=world.current, unit=world.unit_a).nodes["3"]["index"]
    b = UnitResult.objects.get(cycle=world.current, unit=world.unit_b).nodes["3"]["index"]
    expected = mean(Decimal(a), Decimal(b))
    assert areas["3"][1] == f"{expected:.2f}".replace(".", ",")


def test_y2_areas_of_a_new_version_go_through_the_node_mapping(world: World, visit, admin) -> None:
    """The 2025 version swaps areas 1 and 2 (its mapping file says so): the scorecard compares
    2025's area 1 with 2024's area 2."""
    publish(world.current)
    version = framework_import_fast(
        text=framework_text().replace('version: "2024"', 'version: "2025"', 1),
        source_name="province-internal-2025.yaml",
    )
    node_mapping_import(
        text="from,to\n1,2\n2,1\n",
        source_name="2024-2025.csv",
        earlier=world.version,
        later=version,
        user=admin,
    )
    later = cycle_add(world, 2025, [world.unit_a], 0.9, version=version)
    html = visit("viewer").get(f"/cycles/{later.pk}/units/SNV/").content.decode()
    areas = {r.attrs["data-area"]: r.cells for r in table_rows(html) if "data-area" in r.attrs}
    before = UnitResult.objects.get(cycle=world.current, unit=world.unit_a).nodes
    assert areas["1"][1] == before["2"]["index"].replace(".", ",")
    assert areas["2"][1] == before["1"]["index"].replace(".", ",")
    assert areas["3"][1] == before["3"]["index"].replace(".", ",")  # not named: by code


def test_mapping_import_page(world: World, visit) -> None:
    version = framework_import_fast(
        text=framework_text().replace('version: "2024"', 'version: "2025"', 1),
        source_name="province-internal-2025.yaml",
    )
    client = visit("admin")

    def post(text: str) -> str:
        upload = SimpleUploadedFile("map.csv", text.encode(), content_type="text/csv")
        response = client.post(
            "/frameworks/mappings/import/",
            {"earlier": world.version.pk, "later": version.pk, "file": upload},
            follow=True,
        )
        return response.content.decode()

    refused = post("from,to\n9.9,1\n")
    assert "map.csv:2, cột from, giá trị «9.9»: mục «9.9» không có trong phiên bản 2024" in refused
    assert not NodeMapping.objects.exists()
    post("from,to\n1,2\n2,1\n")
    stored = NodeMapping.objects.get()
    assert (stored.from_version, stored.to_version) == (world.version, version)
    assert AuditEvent.objects.filter(action="framework.mapping_import").count() == 1
    page = client.get(f"/frameworks/{version.pk}/").content.decode()
    assert "So sánh với phiên bản 2024 qua bảng đối chiếu mục map.csv." in page
