"""The administrator's tracking board: per unit started or not, percent answered per area,
submitted at, explanation closed at, leaves in dispute, with a filter for each; people who
never logged in with a reminder button (in-app and e-mail, audited); a bounded number of
queries whatever the number of units."""

from __future__ import annotations

import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from parindex.accounts.models import Role
from parindex.appraisals.leaves import area_of
from parindex.appraisals.views import administrator
from parindex.assessments.services import cycle_open
from parindex.audit.models import AuditEvent
from parindex.notifications.models import Notification
from parindex.results.models import Answer
from parindex.units.models import Unit, UnitType

from . import appraisals_fixtures as fx
from .appraisals_fixtures import Appraisal
from .factories import browse, person, table_rows


def board_units(html: str) -> dict[str, list[str]]:
    return {r.attrs["data-unit"]: r.cells for r in table_rows(html) if "data-unit" in r.attrs}


def test_the_board_shows_each_units_progress(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.replied(ap)
    Answer.objects.filter(cycle=ap.cycle, unit=ap.world.commune).delete()
    # The ward leaves gaps: 2 of the 6 leaves of area 1 unanswered, one of area 2's 6 saved
    # blank (a blank is no answer), both leaves of area B unanswered.
    ward = Answer.objects.filter(cycle=ap.cycle, unit=ap.world.ward)
    area_b = [code for code, area in area_of(ap.world.fw).items() if area == "B"]
    ward.filter(leaf_code__in=["1.2", "1.4", *area_b]).delete()
    ward.filter(leaf_code="2.3").update(value="")
    response = browse(ap.admin).get(ap.url("tracking"))
    assert response.status_code == 200
    html = response.content.decode()
    rows = board_units(html)
    assert set(rows) == {"SNV", "STP", "P01", "X01"}
    assert rows["X01"][2] == "không"  # not started: no answer, still a draft
    assert rows["P01"][2] == "có"  # answers saved, not submitted
    # One cell per area, in the framework's order, the percentage rounded down.
    areas = ["1", "2", "3", "4", "5", "6", "7", "8", "B", "P"]
    assert [h.strip() for h in re.findall(r'<th class="num">(.*?)</th>', html)][:10] == areas
    per_area = {code: dict(zip(areas, cells[3:13], strict=True)) for code, cells in rows.items()}
    assert per_area["P01"] == {
        **{area: "100%" for area in areas},
        "1": "66%",  # 4 of 6
        "2": "83%",  # 5 of 6
        "B": "0%",  # 0 of 2
    }
    assert per_area["SNV"] == {area: "100%" for area in areas}
    assert per_area["STP"] == {area: "100%" for area in areas}
    assert per_area["X01"] == {area: "0%" for area in areas}
    disputes = {code: cells[-2] for code, cells in rows.items()}
    assert disputes == {"SNV": "1", "STP": "0", "P01": "0", "X01": "0"}


def test_each_filter(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.replied(ap)
    Answer.objects.filter(cycle=ap.cycle, unit=ap.world.commune).delete()
    Answer.objects.filter(cycle=ap.cycle, unit=ap.world.ward, leaf_code="1.2").delete()
    client = browse(ap.admin)

    def units(**query: str) -> set[str]:
        return set(board_units(client.get(ap.url("tracking"), query).content.decode()))

    assert units(started="no") == {"X01"}
    assert units(started="yes") == {"SNV", "STP", "P01"}
    assert units(submitted="yes") == {"SNV", "STP"}
    assert units(submitted="no") == {"P01", "X01"}
    assert units(disputes="yes") == {"SNV"}
    assert units(closed="yes") == set()
    assert units(complete="no") == {"P01", "X01"}
    assert units(state="replied") == {"SNV"}
    fragment = client.get(ap.url("tracking"), {"submitted": "yes"}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()


def test_explanation_closed_filter(appraisal: Appraisal) -> None:
    ap = appraisal
    fx.appraised(ap)
    rows = board_units(browse(ap.admin).get(ap.url("tracking"), {"closed": "yes"}).content.decode())
    assert set(rows) == {"SNV"}
    assert rows["SNV"][-3] != "—"  # the time the round closed


def test_people_who_never_logged_in_get_a_reminder(
    appraisal: Appraisal, django_capture_on_commit_callbacks
) -> None:
    ap = appraisal
    ap.editor_b.email = "editor.b@example.vn"
    ap.editor_b.save()
    ap.editor_a.last_login = ap.cycle.stages.first().opens_at
    ap.editor_a.save()
    client = browse(ap.admin)
    html = client.get(ap.url("tracking")).content.decode()
    waiting = {r.attrs["data-user"] for r in table_rows(html) if "data-user" in r.attrs}
    assert "editor.b" in waiting and "appraiser" in waiting
    assert "editor.a" not in waiting  # has logged in (force_login in tests does not count)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ap.url("remind", user_id=ap.editor_b.pk))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["editor.b@example.vn"]]
    assert Notification.objects.filter(recipient=ap.editor_b, verb="login_reminder").exists()
    assert AuditEvent.objects.filter(
        action="account.remind", target_id=str(ap.editor_b.pk)
    ).exists()
    # Somebody without work in the cycle cannot be reminded through it.
    outsider = person("outsider")
    assert client.post(ap.url("remind", user_id=outsider.pk)).status_code == 404


def test_only_the_administrator_sees_the_board_and_reminds(appraisal: Appraisal) -> None:
    ap = appraisal
    for name in ("appraiser", "council", "editor_a"):
        client = browse(getattr(ap, name))
        assert client.get(ap.url("tracking")).status_code == 403
        assert client.post(ap.url("remind", user_id=ap.editor_b.pk)).status_code == 403
    assert browse().get(ap.url("tracking")).status_code == 302


def test_query_count_is_the_same_at_two_sizes(
    appraisal: Appraisal, django_assert_num_queries
) -> None:
    ap = appraisal
    fx.replied(ap)
    client = browse(ap.admin)
    client.get(ap.url("tracking"))
    with CaptureQueriesContext(connection) as small:
        client.get(ap.url("tracking"))
    for n in range(25):
        unit = Unit.objects.create(code=f"XT{n:02d}", name=f"Xã Thử {n}", type=UnitType.COMMUNE)
        ap.cycle.units.add(unit)
        person(f"editor.xt{n}", Role.UNIT_EDITOR, unit)
    # Opening the cycle again creates the assessments of the units added to its scope.
    cycle_open(cycle=ap.cycle, windows=fx.windows_open(timezone.now()), actor=ap.admin)
    with django_assert_num_queries(len(small)):
        response = client.get(ap.url("tracking"))
    assert len(board_units(response.content.decode())) == 29


def test_units_and_people_are_read_a_page_at_a_time(
    appraisal: Appraisal, monkeypatch, django_assert_num_queries
) -> None:
    """Beyond a page, the board shows a page of units (in code order, the filters kept in the
    links to the other pages) and a page of the people who never logged in; the units no
    reminder reaches are named up to a page's worth, with their number."""
    ap = appraisal
    fx.replied(ap)
    monkeypatch.setattr(administrator, "TRACKING_PAGE_ROWS", 10)
    for n in range(25):
        unit = Unit.objects.create(code=f"XT{n:02d}", name=f"Xã Thử {n}", type=UnitType.COMMUNE)
        ap.cycle.units.add(unit)
        if n < 12:
            person(f"editor.xt{n}", Role.UNIT_EDITOR, unit)
    cycle_open(cycle=ap.cycle, windows=fx.windows_open(timezone.now()), actor=ap.admin)
    client = browse(ap.admin)
    every = sorted([*(f"XT{n:02d}" for n in range(25)), "SNV", "STP", "P01", "X01"])
    with CaptureQueriesContext(connection) as queries:
        first = client.get(ap.url("tracking")).content.decode()
    assert list(board_units(first)) == every[:10]
    assert "Trang 1 / 3" in first and "page=2" in first
    with django_assert_num_queries(len(queries)):
        last = client.get(ap.url("tracking"), {"page": "3"}).content.decode()
    assert list(board_units(last)) == every[20:]
    started = client.get(ap.url("tracking"), {"started": "no"}).content.decode()
    assert "started=no&amp;page=2" in started
    never = re.findall(r'<tr data-user="([^"]+)"', first)
    assert len(never) == 10 and "people=2" in first
    second = client.get(ap.url("tracking"), {"people": "2"}).content.decode()
    later = re.findall(r'<tr data-user="([^"]+)"', second)
    assert later and not set(later) & set(never)
    unreached = re.findall(r'data-unit-unreached="([^"]+)"', first)
    assert len(unreached) == 10 and "(tổng cộng" in first
