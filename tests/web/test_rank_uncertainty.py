"""Rank uncertainty on the site: the PAR administrator starts a run from the ranking page (a
task, audited, with its seed and draws kept), the ranking shows each group's rank intervals as
a chart, the scorecard a unit's interval and band probabilities, and whoever may not read the
cycle's final ranking sees none of it (docs/methodology.md U1–U6)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from parindex.accounts.models import User
from parindex.audit.models import AuditEvent
from parindex.results.models import Answer, UnitResult
from parindex.results.services import cycle_compute
from parindex.surveys.models import Questionnaire
from parindex.uncertainty import services as uncertainty_services
from parindex.uncertainty.charts import rank_ticks
from parindex.uncertainty.models import RankUncertaintyRun

from .english_fragments import assert_no_english
from .factories import World
from .surveys_fixtures import GOOD_ROWS, responses_csv, row, upload

SETTINGS = {"draws": "200", "level": "90", "seed": "20241231", "keep_percent": ""}


def collect(survey: Questionnaire, admin: Client, rows: list[str] = GOOD_ROWS) -> None:
    """Forms imported and aggregated into the cycle's survey leaves (jobs run in the request)."""
    admin.post(f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(rows))})
    admin.post(f"/surveys/{survey.pk}/aggregate/")


def start(client: Client, world: World, **changes: str) -> RankUncertaintyRun | None:
    response = client.post(f"/uncertainty/{world.current.pk}/start/", SETTINGS | changes)
    assert response.status_code == 302
    assert response["Location"] == f"/uncertainty/{world.current.pk}/"
    return RankUncertaintyRun.objects.filter(cycle=world.current).first()


@pytest.fixture
def collected(world: World, survey: Questionnaire, visit) -> Questionnaire:
    collect(survey, visit("admin"))
    return survey


def section(html: str, marker: str = 'id="rank-uncertainty"') -> str:
    """The rank uncertainty's section of a page ("" when it is not there)."""
    at = html.find(marker)
    return "" if at < 0 else html[at : html.index("</section>", at)]


# -- the run --------------------------------------------------------------------------------------


def test_the_administrator_starts_a_run_from_the_ranking_page(
    world: World, collected: Questionnaire, visit, admin: User
) -> None:
    client = visit("admin")
    ranking = client.get(f"/cycles/{world.current.pk}/").content.decode()
    panel = section(ranking)
    assert f'action="/uncertainty/{world.current.pk}/start/"' in panel
    assert "Kỳ đánh giá này chưa có lần chạy" in panel

    run = start(client, world)
    assert run is not None
    assert (run.state, run.draws, run.seed, run.level, run.keep_percent) == (
        "done",
        200,
        20241231,
        90,
        None,
    )
    assert run.done == 200 and run.forms == len(GOOD_ROWS)
    # Every survey leaf of the four units drawn again (9 leaves × 4 units), none held.
    assert (run.results["resampled"], run.results["held"]) == (36, [])
    event = AuditEvent.objects.get(action="uncertainty.run")
    assert event.actor == admin and event.cycle_id == world.current.pk
    assert event.after == {"draws": 200, "seed": 20241231, "level": 90, "keep_percent": None}

    stored = {u.unit.code: u for u in UnitResult.objects.filter(cycle=world.current)}
    units = {u["unit"]: u for u in run.results["units"]}
    assert set(units) == set(stored)
    for code, unit in units.items():
        assert unit["rank"] == stored[code].rank
        assert unit["index"] == f"{stored[code].index:.2f}"
        assert sum(count for _, count in unit["bands"]) == 200
        assert unit["rank_low"] <= unit["rank"] <= unit["rank_high"]

    page = client.get(f"/uncertainty/{world.current.pk}/").content.decode()
    assert "20241231" in page and "<svg" in page
    assert page.count('<tr data-unit="') == 4
    ranking = client.get(f"/cycles/{world.current.pk}/").content.decode()
    assert section(ranking).count("<svg") == 3  # one chart per ranking group


def test_the_same_seed_gives_the_same_results(
    world: World, collected: Questionnaire, visit
) -> None:
    client = visit("admin")
    first = start(client, world)
    second = start(client, world)
    assert first is not None and second is not None and first.pk != second.pk
    assert second.results == RankUncertaintyRun.objects.get(pk=first.pk).results
    third = start(client, world, seed="7")
    assert third is not None and third.seed == 7


def test_without_a_seed_one_is_drawn_and_kept(world: World, collected, visit) -> None:
    run = start(visit("admin"), world, seed="")
    assert run is not None and run.seed >= 0
    assert AuditEvent.objects.get(action="uncertainty.run").after["seed"] == run.seed


def test_no_variance_in_the_survey_gives_the_computed_ranks(
    world: World, survey: Questionnaire, visit
) -> None:
    """U4: each unit's respondents of each group answer alike: every interval is the
    computed rank, and the computed band has every draw."""
    rows = [row(f"a{i}", "LD", "SNV", "A") for i in range(2)]
    rows += [row(f"b{i}", "ND", "SNV", "B") for i in range(3)]
    rows += [row(f"c{i}", "LD", "STP", "C") for i in range(2)]
    rows += [row(f"d{i}", "ND", "STP", "A") for i in range(4)]
    client = visit("admin")
    collect(survey, client, rows)
    run = start(client, world)
    assert run is not None and run.state == "done"
    for unit in run.results["units"]:
        assert unit["rank_low"] == unit["rank_median"] == unit["rank_high"] == unit["rank"]
        assert unit["index_low"] == unit["index_high"] == unit["index"]
        assert dict((code, n) for code, n in unit["bands"])[unit["band"]] == 200


def test_the_appraisal_model_is_recorded_and_changes_the_draws(
    world: World, collected, visit
) -> None:
    """U6: with the probability set, each leaf whose figure in force differs from the declared
    one alternates; the declared basis is the answers here, so nothing differs yet."""
    run = start(visit("admin"), world, keep_percent="70")
    assert run is not None and run.keep_percent == 70 and run.results["adjusted"] == 0
    page = visit("viewer").get(f"/uncertainty/{world.current.pk}/").content.decode()
    assert "giữ với xác suất 70 %" in page


def test_settings_out_of_range_are_refused(world: World, collected, visit) -> None:
    client = visit("admin")
    response = client.post(
        f"/uncertainty/{world.current.pk}/start/", SETTINGS | {"draws": "5"}, follow=True
    )
    assert not RankUncertaintyRun.objects.exists()
    assert "Số lượt mô phỏng" in response.content.decode()
    client.post(f"/uncertainty/{world.current.pk}/start/", SETTINGS | {"level": "100"})
    client.post(f"/uncertainty/{world.current.pk}/start/", SETTINGS | {"keep_percent": "101"})
    assert not RankUncertaintyRun.objects.exists()
    assert not AuditEvent.objects.filter(action="uncertainty.run").exists()


def test_a_large_cycle_takes_fewer_draws(world: World, visit, monkeypatch) -> None:
    monkeypatch.setattr(uncertainty_services, "MAX_RANKS", 500)
    response = visit("admin").post(
        f"/uncertainty/{world.current.pk}/start/", SETTINGS | {"draws": "200"}, follow=True
    )
    assert "Kỳ đánh giá có 4 đơn vị chỉ chạy được tối đa 125 lượt mô phỏng." in (
        response.content.decode()
    )
    assert not RankUncertaintyRun.objects.exists()


def test_a_run_under_way_is_followed_not_doubled(world: World, admin: User, visit) -> None:
    queued = RankUncertaintyRun.objects.create(
        cycle=world.current, draws=500, seed=1, level=90, created_by=admin
    )
    response = visit("admin").post(f"/uncertainty/{world.current.pk}/start/", SETTINGS, follow=True)
    assert list(RankUncertaintyRun.objects.all()) == [queued]
    html = response.content.decode()
    assert "dưới đây là tiến độ" in html
    assert 'hx-get="/uncertainty/' in html  # the progress polls itself
    fragment = visit("admin").get(
        f"/uncertainty/{world.current.pk}/?progress=1", HTTP_HX_REQUEST="true"
    )
    assert fragment.content.decode().startswith('<div id="run-progress" class="job job-queued"')


def test_a_run_whose_worker_died_is_failed_when_anyone_looks(
    world: World, admin: User, visit
) -> None:
    stale = timezone.now() - datetime.timedelta(minutes=10)
    run = RankUncertaintyRun.objects.create(
        cycle=world.current, draws=500, seed=1, level=90, created_by=admin, state="running"
    )
    RankUncertaintyRun.objects.filter(pk=run.pk).update(heartbeat_at=stale)
    html = visit("viewer").get(f"/uncertainty/{world.current.pk}/").content.decode()
    run.refresh_from_db()
    assert (run.state, run.interrupted) == ("failed", True)
    assert "đã dừng trước khi xong" in html
    assert start(visit("admin"), world) != run  # a new run can start


def test_a_run_is_marked_stale_when_an_answer_changes(world: World, collected, visit) -> None:
    client = visit("admin")
    start(client, world)
    assert (
        "đã thay đổi sau lần chạy này"
        not in client.get(f"/cycles/{world.current.pk}/").content.decode()
    )
    Answer.objects.filter(cycle=world.current, unit=world.unit_b, leaf_code="1.1.1").update(
        value="khong_ban_hanh"
    )
    cycle_compute(cycle=world.current)
    assert (
        "đã thay đổi sau lần chạy này"
        in client.get(f"/cycles/{world.current.pk}/").content.decode()
    )


# -- the pages ------------------------------------------------------------------------------------


def test_the_scorecard_shows_the_units_interval_and_band_probabilities(
    world: World, collected, visit
) -> None:
    start(visit("admin"), world)
    run = RankUncertaintyRun.objects.get()
    unit = next(u for u in run.results["units"] if u["unit"] == world.unit_a.code)
    html = visit("viewer").get(f"/cycles/{world.current.pk}/units/SNV/").content.decode()
    block = section(html)
    assert "Độ bất định của thứ hạng" in block
    interval = re.search(r'class="rank-interval">([^<]+)<', block)
    assert interval is not None
    shown = interval.group(1).strip()
    if unit["rank_low"] == unit["rank_high"]:
        assert shown == str(unit["rank_low"])
    else:
        assert shown == f"{unit['rank_low']}–{unit['rank_high']}"
    shares = re.findall(r'<div data-band="[^"]*"><dt>[^<]+</dt><dd[^>]*>([0-9,]+) %</dd>', block)
    percents = [Decimal(p.replace(",", ".")) for p in shares]
    assert len(percents) == 5  # four bands and "no band"
    assert abs(sum(percents) - 100) <= Decimal("0.3")  # each rounded to 0.1
    assert "Tốt" in block and "Không xếp loại" in block


def test_the_self_basis_shows_no_interval(world: World, collected, visit) -> None:
    """A run is of the final basis: a page showing the declared figures does not show it."""
    cycle_compute(cycle=world.current, basis="self")
    start(visit("admin"), world)
    client = visit("viewer")
    assert (
        section(client.get(f"/cycles/{world.current.pk}/units/SNV/?basis=self").content.decode())
        == ""
    )
    assert section(client.get(f"/cycles/{world.current.pk}/?basis=self").content.decode()) == ""


@pytest.mark.parametrize(
    ("persona", "page", "scorecard_section"),
    [
        ("anonymous", 302, False),
        ("viewer", 200, True),
        ("admin", 200, True),
        ("editor_a", 403, False),
        ("editor_b", 403, False),
    ],
)
def test_an_unpublished_cycle_s_runs_are_for_province_wide_readers(
    world: World, collected, visit, persona: str, page: int, scorecard_section: bool
) -> None:
    start(visit("admin"), world)
    client = visit(persona)
    assert client.get(f"/uncertainty/{world.current.pk}/").status_code == page
    scorecard = client.get(f"/cycles/{world.current.pk}/units/SNV/")
    if scorecard.status_code == 200:  # unit A's editor reads its own scorecard, not the run
        assert bool(section(scorecard.content.decode())) is scorecard_section


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "editor_a"])
def test_only_the_administrator_starts_a_run(world: World, visit, persona: str) -> None:
    response = visit(persona).post(f"/uncertainty/{world.current.pk}/start/", SETTINGS)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
    assert not RankUncertaintyRun.objects.exists()
    html = visit(persona).get(f"/cycles/{world.published.pk}/").content.decode()
    assert "/start/" not in section(html)


def test_a_published_cycle_s_run_is_public(world: World, admin: User, visit) -> None:
    """The 2023 cycle has no survey: every draw is the cycle itself, and anyone reads it."""
    response = visit("admin").post(f"/uncertainty/{world.published.pk}/start/", SETTINGS)
    assert response.status_code == 302
    anonymous = visit("anonymous")
    page = anonymous.get(f"/uncertainty/{world.published.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<tr data-unit="') == 4
    assert "<svg" in section(anonymous.get(f"/cycles/{world.published.pk}/").content.decode())
    scorecard = anonymous.get(f"/cycles/{world.published.pk}/units/SNV/").content.decode()
    assert "100,0 %" in section(scorecard)  # no survey: the computed band in every draw
    assert "/start/" not in html


def test_the_pages_read_in_vietnamese(world: World, collected, visit) -> None:
    client = visit("admin")
    start(client, world)
    for url in (
        f"/uncertainty/{world.current.pk}/",
        f"/cycles/{world.current.pk}/",
        f"/cycles/{world.current.pk}/units/SNV/",
    ):
        assert_no_english(client.get(url).content.decode())


def test_the_pages_read_in_english(world: World, collected, visit) -> None:
    client = visit("admin")
    start(client, world)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(f"/uncertainty/{world.current.pk}/").content.decode()
    assert "Rank uncertainty" in html and "Median rank" in html


@pytest.mark.parametrize(
    ("size", "ticks"),
    [
        (1, [1]),
        (3, [1, 2, 3]),
        (11, [1, 2, 4, 6, 8, 10, 11]),
        (150, [1, 20, 40, 60, 80, 100, 120, 140, 150]),
    ],
)
def test_the_chart_marks_whole_ranks(size: int, ticks: list[int]) -> None:
    assert rank_ticks(size) == ticks


def test_refusals_give_their_limits_in_the_readers_number_format(world: World, admin: User) -> None:
    with translation.override("vi"), pytest.raises(uncertainty_services.RunRefused) as caught:
        uncertainty_services.run_request(cycle=world.current, user=admin, draws=20_000, level=90)
    assert str(caught.value) == "Số lượt mô phỏng phải từ 100 đến 10.000."
    with translation.override("en"), pytest.raises(uncertainty_services.RunRefused) as caught:
        uncertainty_services.run_request(
            cycle=world.current, user=admin, draws=1_000, level=90, seed=2**63
        )
    assert str(caught.value) == "A seed is a whole number from 0 to 9,223,372,036,854,775,807."
    assert not RankUncertaintyRun.objects.exists()
