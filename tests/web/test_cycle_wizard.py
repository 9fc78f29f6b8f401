"""The cycle wizard and a cycle's own page, for the PAR administrator alone.

The wizard offers the unit register as it stood on a date: no national province, no dissolved or
merged department unless asked for; copying last year's cycle follows the register's mergers
(the successor instead of its predecessors), copies the appraisers and moves the calendar a
year on; the preview creates nothing; "create" makes the cycle, its assessments, assignments and
calendar in one audited transaction. Units are added or removed before the self-assessment
opens, never after; a cancelled cycle keeps every row and leaves the lists.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.models import Role, User
from parindex.appraisals.models import AppraiserAssignment
from parindex.appraisals.services.checks import conflict_unit_ids
from parindex.assessments.models import Assessment, Stage, StageWindow
from parindex.assessments.reminders import self_assessment_due
from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.national.models import NationalResult
from parindex.office import selectors, services
from parindex.units.models import Succession, Unit, UnitType
from parindex.units.selectors import follow_successions, register_as_of

from .factories import (
    DEPARTMENTS,
    World,
    browse,
    framework_import_fast,
    person,
    table_rows,
)

NEW = "/cycles/new/"
DAY = datetime.timedelta(days=1)
MERGER = datetime.date(2025, 3, 1)
REGISTER_DATE = datetime.date(2025, 7, 1)
LOCAL = "%Y-%m-%dT%H:%M"


def local(day: datetime.date, hour: int = 8) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def register(world: World) -> dict[str, Unit]:
    """The 2025 reorganisation in small: the transport department (in the 2024 cycle) merged into
    the construction department on 1 March 2025; two provinces of the national table."""
    transport = Unit.objects.create(
        code="SGTVT",
        name="Sở Giao thông vận tải",
        type=UnitType.DEPARTMENT,
        group=DEPARTMENTS,
        valid_from=datetime.date(2008, 4, 1),
        valid_to=MERGER - DAY,
    )
    construction = Unit.objects.create(
        code="SXD",
        name="Sở Xây dựng",
        type=UnitType.DEPARTMENT,
        group=DEPARTMENTS,
        valid_from=MERGER,
    )
    Succession.objects.create(
        predecessor=transport, successor=construction, date=MERGER, kind=Succession.Kind.MERGER
    )
    world.current.units.add(transport)
    an_giang = Unit.objects.create(code="AN-GIANG", name="An Giang", type=UnitType.PROVINCE)
    ha_noi = Unit.objects.create(code="HA-NOI", name="Hà Nội", type=UnitType.PROVINCE)
    NationalResult.objects.create(unit=ha_noi, year=2024, index=Decimal("90.10"), rank=3)
    return {
        "transport": transport,
        "construction": construction,
        "an_giang": an_giang,
        "ha_noi": ha_noi,
    }


@pytest.fixture
def last_year(world: World, admin: User, register: dict[str, Unit]) -> Cycle:
    """The 2024 cycle with its calendar and two appraisers, one of them since deactivated."""
    cycle = world.current
    starts = datetime.date(2025, 2, 1)
    for n, stage in enumerate(Stage):
        StageWindow.objects.create(
            cycle=cycle,
            stage=stage,
            opens_at=local(starts + 30 * n * DAY),
            closes_at=local(starts + (30 * n + 20) * DAY, 17),
        )
    keeps = person("tham.dinh", Role.APPRAISER)
    keeps.roles.update(area="1")
    gone = person("da.nghi", Role.APPRAISER)
    gone.roles.update(area="2")
    AppraiserAssignment.objects.create(cycle=cycle, user=keeps, area_code="1", assigned_by=admin)
    AppraiserAssignment.objects.create(cycle=cycle, user=gone, area_code="2", assigned_by=admin)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return cycle


def register_query(world: World, **more: Any) -> dict[str, Any]:
    return {
        "year": 2025,
        "framework_version": world.version.pk,
        "register_date": REGISTER_DATE.isoformat(),
        **more,
    }


def offered(html: str) -> set[str]:
    """The unit codes the picker offers (its second column)."""
    return {row.cells[1] for row in table_rows(html) if len(row.cells) == 6}


def checked(html: str) -> set[str]:
    start = html.index('id="unit-picker"')
    table = html[start : html.index("</table>", start)]
    return {
        part.split('value="', 1)[1].split('"', 1)[0]
        for part in table.split("<input")[1:]
        if " checked" in part.split(">", 1)[0]
    }


def future_windows(
    opens: datetime.datetime,
) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    return {
        Stage.SELF_ASSESSMENT: (opens, opens + 20 * DAY),
        Stage.APPRAISAL: (opens + 30 * DAY, opens + 40 * DAY),
    }


def plan_post(
    world: World,
    units: list[str],
    windows: dict[str, tuple[datetime.datetime, datetime.datetime]],
    action: str,
    **more: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        **register_query(world),
        "title": "Chỉ số CCHC năm 2025",
        "units": units,
        "action": action,
        **more,
    }
    for stage, (opens, closes) in windows.items():
        data[f"{stage}_opens"] = timezone.localtime(opens).strftime(LOCAL)
        data[f"{stage}_closes"] = timezone.localtime(closes).strftime(LOCAL)
    return data


# -- access ------------------------------------------------------------------------------------


def test_only_the_par_administrator_reaches_the_cycle_pages(
    world: World, admin: User, viewer: User, editor_a: User
) -> None:
    pages = [NEW, "/cycles/", reverse("cycles:manage", args=[world.current.pk])]
    for url in pages:
        anonymous = browse().get(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        assert browse(viewer).get(url).status_code == 403
        assert browse(editor_a).get(url).status_code == 403
        assert browse(admin).get(url).status_code == 200
    par_admin = person("sonoivu", Role.PAR_ADMIN)  # the role, not a superuser
    assert browse(par_admin).get(NEW).status_code == 200
    council = person("hoidong", Role.COUNCIL)
    posts = [
        (NEW, plan_post(world, ["SNV"], future_windows(timezone.now() + DAY), "create")),
        (reverse("cycles:cancel", args=[world.current.pk]), {"reason": "Nhầm"}),
        (reverse("cycles:unit_add", args=[world.current.pk]), {"unit": "SNV", "reason": "x"}),
    ]
    for url, data in posts:
        assert browse(council).post(url, data).status_code == 403
        assert browse(editor_a).post(url, data).status_code == 403
    assert not Cycle.objects.filter(year=2025).exists()
    assert Cycle.objects.get(pk=world.current.pk).state == Cycle.State.IN_PROGRESS
    with pytest.raises(services.CycleError):
        services.cycle_cancel(cycle=world.current, reason="Nhầm", actor=council)


def test_the_home_page_links_to_the_wizard_for_the_administrator_only(
    world: World, admin: User, viewer: User
) -> None:
    assert f'href="{NEW}"' in browse(admin).get("/").content.decode()
    assert f'href="{NEW}"' not in browse(viewer).get("/").content.decode()
    assert f'href="{NEW}"' not in browse().get("/").content.decode()


# -- the picker --------------------------------------------------------------------------------


def test_the_picker_offers_the_register_as_it_stood_on_the_date(
    world: World, admin: User, register: dict[str, Unit]
) -> None:
    client = browse(admin)
    html = client.get(NEW, register_query(world)).content.decode()
    codes = offered(html)
    assert {"SNV", "STP", "P01", "X01", "SXD"} <= codes
    assert "SGTVT" not in codes  # dissolved (merged) on 1 March 2025
    assert "AN-GIANG" not in codes and "HA-NOI" not in codes  # national table
    assert "An Giang" not in html and "Hà Nội" not in html
    # before the merger the old department stands and its successor does not exist yet
    before = offered(
        client.get(NEW, register_query(world, register_date="2025-01-15")).content.decode()
    )
    assert "SGTVT" in before and "SXD" not in before
    # asked for explicitly
    wider = client.get(
        NEW, register_query(world, include_national="on", include_closed="on")
    ).content.decode()
    assert {"SGTVT", "AN-GIANG", "HA-NOI"} <= offered(wider)
    # filtered by unit type
    communes = offered(client.get(NEW, register_query(world, types="commune")).content.decode())
    assert communes == {"P01", "X01"}


def test_the_service_refuses_what_the_picker_does_not_offer(
    world: World, admin: User, register: dict[str, Unit]
) -> None:
    windows = future_windows(timezone.now() + DAY)
    arguments = {
        "year": 2025,
        "title": "2025",
        "framework_version": world.version,
        "register_date": REGISTER_DATE,
        "windows": windows,
        "actor": admin,
    }
    with pytest.raises(services.CycleError) as refused:
        services.cycle_check(unit_codes=["SNV", "SGTVT", "AN-GIANG", "HA-NOI"], **arguments)
    text = " ".join(refused.value.problems)
    assert "Sở Giao thông vận tải" in text and "An Giang" in text and "Hà Nội" in text
    # with both boxes ticked they are accepted
    plan = services.cycle_check(
        unit_codes=["SNV", "SGTVT", "AN-GIANG"],
        include_national=True,
        include_closed=True,
        **arguments,
    )
    assert {u.code for u in plan.units} == {"SNV", "SGTVT", "AN-GIANG"}
    # a second live cycle of the same year and framework version is refused
    with pytest.raises(services.CycleError):
        services.cycle_check(**{**arguments, "year": 2024}, unit_codes=["SNV"])


def test_register_selectors(world: World, register: dict[str, Unit]) -> None:
    codes = set(register_as_of(REGISTER_DATE).values_list("code", flat=True))
    assert codes == {"SNV", "STP", "P01", "X01", "SXD"}
    followed = follow_successions([register["transport"], world.unit_a], REGISTER_DATE)
    assert [u.code for u in followed.units] == ["SXD", "SNV"]
    assert followed.replaced == [(register["transport"], [register["construction"]])]


# -- copy from last year -----------------------------------------------------------------------


def test_copy_from_last_year_follows_the_succession(
    world: World, admin: User, last_year: Cycle
) -> None:
    html = browse(admin).get(NEW, register_query(world, copy_from=last_year.pk)).content.decode()
    assert checked(html) == {"SNV", "STP", "P01", "X01", "SXD"}
    assert "SGTVT" not in offered(html)
    assert "Sở Giao thông vận tải → Sở Xây dựng" in html
    # the calendar a year later, the appraisers to copy
    opens = timezone.localtime(
        StageWindow.objects.get(cycle=last_year, stage=Stage.SELF_ASSESSMENT).opens_at
    )
    assert f'value="{opens.replace(year=2026).strftime(LOCAL)}"' in html
    assert "Tham.Dinh" in html and "Da.Nghi" in html


def test_the_wizard_proposes_the_framework_the_last_cycle_runs_on(
    world: World, admin: User
) -> None:
    """A framework imported later for another purpose (the national index of the provinces) is
    not proposed for the province's next cycle: a new user keeping the defaults and copying
    last year would have opened it on the wrong framework."""
    national = framework_import_fast(
        text=(Path(settings.FRAMEWORKS_DIR) / "provincial-par-index.yaml").read_text("utf-8"),
        source_name="provincial-par-index.yaml",
    )
    assert national.imported_at >= world.version.imported_at
    html = browse(admin).get(NEW).content.decode()
    select = html[html.index('name="framework_version"') :]
    proposed = re.search(r'<option value="(\d+)" selected>', select[: select.index("</select>")])
    assert proposed is not None and int(proposed.group(1)) == world.version.pk
    assert selectors.default_version() == world.version
    Cycle.all_objects.all().delete()  # no cycle yet: the newest framework imported
    assert selectors.default_version() == national


def test_the_link_copies_from_last_year(world: World, admin: User, last_year: Cycle) -> None:
    html = browse(admin).get(NEW, register_query(world)).content.decode()
    assert f"copy_from={last_year.pk}" in html


# -- preview, then create ----------------------------------------------------------------------


def test_the_preview_creates_nothing_and_create_makes_everything(
    world: World, admin: User, last_year: Cycle
) -> None:
    client = browse(admin)
    page = client.get(NEW, register_query(world, copy_from=last_year.pk)).content.decode()
    units = sorted(checked(page))
    keeps = User.objects.get(username="tham.dinh")
    gone = User.objects.get(username="da.nghi")
    shifted = {
        w.stage: (
            timezone.localtime(w.opens_at).replace(year=2026),
            timezone.localtime(w.closes_at).replace(year=2026),
        )
        for w in StageWindow.objects.filter(cycle=last_year)
    }
    data = plan_post(
        world,
        units,
        shifted,
        "preview",
        copy_from=last_year.pk,
        assign=[f"{keeps.pk}:1", f"{gone.pk}:2"],
    )
    counts = (
        Cycle.all_objects.count(),
        Assessment.objects.count(),
        AppraiserAssignment.objects.count(),
        StageWindow.objects.count(),
        AuditEvent.objects.count(),
    )
    preview = client.post(NEW, data)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert 'id="nothing-created"' in html
    assert '<dd id="count-units">5</dd>' in html
    assert '<dd id="count-assignments">1</dd>' in html
    rows = {r.cells[0]: r.cells[1] for r in table_rows(html) if len(r.cells) == 2}
    assert rows == {"Sở, ban, ngành": "3", "Cấp xã": "2"}
    assert "Da.Nghi" in html  # left out, deactivated, and why
    assert (
        Cycle.all_objects.count(),
        Assessment.objects.count(),
        AppraiserAssignment.objects.count(),
        StageWindow.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    created = client.post(NEW, {**data, "action": "create"})
    assert created.status_code == 302
    cycle = Cycle.objects.get(year=2025)
    assert created["Location"] == reverse("cycles:manage", args=[cycle.pk])
    assert cycle.register_date == REGISTER_DATE
    assert set(cycle.units.values_list("code", flat=True)) == set(units)
    assert set(Assessment.objects.filter(cycle=cycle).values_list("unit__code", flat=True)) == set(
        units
    )
    assert list(
        AppraiserAssignment.objects.filter(cycle=cycle).values_list("user__username", "area_code")
    ) == [("tham.dinh", "1")]
    windows = {w.stage: w for w in StageWindow.objects.filter(cycle=cycle)}
    assert set(windows) == {s.value for s in Stage}
    for stage, (opens, closes) in shifted.items():
        assert windows[stage].opens_at == opens and windows[stage].closes_at == closes
        old = StageWindow.objects.get(cycle=last_year, stage=stage)
        assert (
            timezone.localtime(windows[stage].opens_at).year
            == timezone.localtime(old.opens_at).year + 1
        )
    actions = list(AuditEvent.objects.filter(cycle_id=cycle.pk).values_list("action", flat=True))
    assert actions.count("cycle.create") == 1
    assert actions.count("assessment.open") == 5
    assert actions.count("calendar.set") == 5
    assert actions.count("appraiser.assign") == 1
    assert "cycle.state" in actions
    event = AuditEvent.objects.get(action="cycle.create", cycle_id=cycle.pk)
    assert event.actor == admin and sorted(event.after["units"]) == units
    # the same year and framework version cannot be created twice
    again = client.post(NEW, {**data, "action": "create"})
    assert again.status_code == 422
    assert Cycle.objects.filter(year=2025).count() == 1


def test_a_copied_appraiser_stays_on_the_appraisal_team_of_their_agency(
    world: World, admin: User, last_year: Cycle
) -> None:
    """Copying last year's assignments keeps each person's team: the unit of their agency stays
    out of their queue (nobody appraises their own agency) in the new cycle too."""
    keeps = User.objects.get(username="tham.dinh")
    AppraiserAssignment.objects.filter(cycle=last_year, user=keeps).update(agency=world.unit_a)
    client = browse(admin)
    page = client.get(NEW, register_query(world, copy_from=last_year.pk)).content.decode()
    units = sorted(checked(page))
    assert world.unit_a.code in units
    data = plan_post(
        world,
        units,
        future_windows(timezone.now() + DAY),
        "preview",
        copy_from=last_year.pk,
        assign=[f"{keeps.pk}:1"],
    )
    preview = client.post(NEW, data).content.decode()
    assert f"{world.unit_a.name}</li>" in preview
    assert client.post(NEW, {**data, "action": "create"}).status_code == 302
    copied = AppraiserAssignment.objects.get(cycle__year=2025, user=keeps)
    assert copied.agency == world.unit_a
    new = Cycle.objects.get(year=2025)
    assert world.unit_a.pk in conflict_unit_ids(keeps, new)


def test_a_refused_plan_says_why_and_keeps_the_choices(world: World, admin: User) -> None:
    windows = future_windows(timezone.now() + DAY)
    response = browse(admin).post(NEW, plan_post(world, [], windows, "preview"))
    assert response.status_code == 422
    assert 'id="problems"' in response.content.decode()
    assert not Cycle.objects.filter(year=2025).exists()


# -- a cycle's scope, before and after the self-assessment opens ----------------------------------


def make_cycle(world: World, admin: User, opens: datetime.datetime) -> Cycle:
    return services.cycle_create(
        year=2025,
        title="Chỉ số CCHC năm 2025",
        framework_version=world.version,
        register_date=REGISTER_DATE,
        unit_codes=["SNV", "STP", "X01"],
        windows=future_windows(opens),
        actor=admin,
    )


def test_units_are_added_and_removed_before_the_self_assessment_opens(
    world: World, admin: User
) -> None:
    cycle = make_cycle(world, admin, timezone.now() + 5 * DAY)
    client = browse(admin)
    manage = reverse("cycles:manage", args=[cycle.pk])
    assert 'id="add-unit"' in client.get(manage).content.decode()
    removed = client.post(
        reverse("cycles:unit_remove", args=[cycle.pk, "STP"]), {"reason": "Không thuộc phạm vi."}
    )
    assert removed.status_code == 302
    assert set(cycle.units.values_list("code", flat=True)) == {"SNV", "X01"}
    assert not Assessment.objects.filter(cycle=cycle, unit__code="STP").exists()
    event = AuditEvent.objects.get(action="cycle.unit_remove", cycle_id=cycle.pk)
    assert event.reason == "Không thuộc phạm vi." and event.unit_id == world.unit_b.pk
    # a reason is required
    client.post(reverse("cycles:unit_add", args=[cycle.pk]), {"unit": "P01", "reason": " "})
    assert not cycle.units.filter(code="P01").exists()
    added = client.post(
        reverse("cycles:unit_add", args=[cycle.pk]), {"unit": "P01", "reason": "Bổ sung phường."}
    )
    assert added.status_code == 302
    assert cycle.units.filter(code="P01").exists()
    assert Assessment.objects.get(cycle=cycle, unit__code="P01").state == "draft"
    assert AuditEvent.objects.filter(
        action="cycle.unit_add", cycle_id=cycle.pk, reason="Bổ sung phường."
    ).exists()


def test_the_scope_is_fixed_once_the_self_assessment_opened(world: World, admin: User) -> None:
    cycle = make_cycle(world, admin, timezone.now() + 5 * DAY)
    StageWindow.objects.filter(cycle=cycle, stage=Stage.SELF_ASSESSMENT).update(
        opens_at=timezone.now() - DAY
    )
    client = browse(admin)
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("cycles:unit_remove", args=[cycle.pk, "STP"]), {"reason": "Muộn."}, follow=True
    )
    html = response.content.decode()
    assert "đã mở" in html or "already opened" in html
    response = client.post(
        reverse("cycles:unit_add", args=[cycle.pk]), {"unit": "P01", "reason": "Muộn."}
    )
    assert set(cycle.units.values_list("code", flat=True)) == {"SNV", "STP", "X01"}
    assert Assessment.objects.filter(cycle=cycle).count() == 3
    assert AuditEvent.objects.count() == events
    page = client.get(reverse("cycles:manage", args=[cycle.pk])).content.decode()
    assert 'id="scope-locked"' in page and 'id="add-unit"' not in page
    with pytest.raises(services.CycleError):
        services.cycle_unit_add(cycle=cycle, unit=world.ward, reason="Muộn.", actor=admin)


# -- cancelling --------------------------------------------------------------------------------


def test_cancelling_keeps_every_row_and_writes_an_event(world: World, admin: User) -> None:
    cycle = make_cycle(world, admin, timezone.now() + 5 * DAY)
    keep = (
        set(cycle.units.values_list("code", flat=True)),
        Assessment.objects.filter(cycle=cycle).count(),
        StageWindow.objects.filter(cycle=cycle).count(),
    )
    client = browse(admin)
    assert client.post(reverse("cycles:cancel", args=[cycle.pk]), {"reason": ""}).status_code == 302
    assert Cycle.objects.filter(pk=cycle.pk).exists()  # no reason: not cancelled
    response = client.post(
        reverse("cycles:cancel", args=[cycle.pk]), {"reason": "Mở nhầm kỳ đánh giá."}
    )
    assert response.status_code == 302
    stored = Cycle.all_objects.get(pk=cycle.pk)
    assert stored.state == Cycle.State.CANCELLED and stored.cancel_reason == "Mở nhầm kỳ đánh giá."
    assert (
        set(stored.units.values_list("code", flat=True)),
        Assessment.objects.filter(cycle_id=cycle.pk).count(),
        StageWindow.objects.filter(cycle_id=cycle.pk).count(),
    ) == keep
    event = AuditEvent.objects.get(action="cycle.cancel", cycle_id=cycle.pk)
    assert event.before == {"state": "in_progress"} and event.after == {"state": "cancelled"}
    assert event.reason == "Mở nhầm kỳ đánh giá."
    # gone from the lists and pages...
    assert not Cycle.objects.filter(pk=cycle.pk).exists()
    assert reverse("cycle_ranking", args=[cycle.pk]) not in client.get("/").content.decode()
    assert client.get(reverse("cycle_ranking", args=[cycle.pk])).status_code == 404
    manage = reverse("cycles:manage", args=[cycle.pk])
    assert manage not in client.get("/cycles/").content.decode()
    # ...but for the administrator's cancelled filter
    cancelled = client.get("/cycles/", {"cancelled": "1"}).content.decode()
    assert "Mở nhầm kỳ đánh giá." in cancelled
    assert client.get(reverse("cycles:manage", args=[cycle.pk])).status_code == 200
    # a cancelled cycle cannot be cancelled or changed again, and frees its year
    assert (
        client.post(reverse("cycles:cancel", args=[cycle.pk]), {"reason": "x"}).status_code == 404
    )
    again = make_cycle(world, admin, timezone.now() + 5 * DAY)
    assert again.pk != cycle.pk


def test_a_published_cycle_cannot_be_cancelled(world: World, admin: User) -> None:
    with pytest.raises(services.CycleError):
        services.cycle_cancel(cycle=world.published, reason="Thử.", actor=admin)
    assert Cycle.objects.get(pk=world.published.pk).state == Cycle.State.PUBLISHED


def test_a_cancelled_cycle_leaves_the_self_assessment_pages_and_reminders(
    world: World, admin: User, editor_a: User
) -> None:
    opens = timezone.now() - DAY
    cycle = make_cycle(world, admin, timezone.now() + DAY)
    StageWindow.objects.filter(cycle=cycle, stage=Stage.SELF_ASSESSMENT).update(
        opens_at=opens, closes_at=timezone.now() + 3 * DAY
    )
    page = reverse("assessments:page", args=[cycle.pk, world.unit_a.code])
    editor = browse(editor_a)
    assert editor.get(page).status_code == 200
    today = timezone.localdate()
    assert any(url == page for *_, url in self_assessment_due(today))
    services.cycle_cancel(cycle=cycle, reason="Mở nhầm.", actor=admin)
    assert editor.get(page).status_code == 404
    assert page not in editor.get(reverse("assessments:index")).content.decode()
    assert not any(url == page for *_, url in self_assessment_due(today))
