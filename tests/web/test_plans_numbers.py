"""Numbers read from a request on the plan pages are bounded in length and exponent before they
are parsed: a huge or malformed number is refused with a message (or ignored), quickly, and
never costs a 500."""

from __future__ import annotations

import time

import pytest

from parindex.plans.models import PlanTarget, Task

from . import plans_fixtures as fx
from .factories import World

# Each of these took seconds of CPU (or raised) before the bound.
HUGE = ["1e10000000", "1e-10000000", "9" * 5000, "0." + "1" * 5000, "1" * 100_000]
MAX_NUMBER_CHARS = 32  # parindex.plans.params.MAX_NUMBER_CHARS
SHARE_MESSAGE = "Tỷ lệ phải là một số lớn hơn 0 và không quá 100"


def timed(call):  # type: ignore[no-untyped-def]
    start = time.process_time()
    response = call()
    return response, time.process_time() - start


# -- the parsers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100", "1"),
        ("50", "1/2"),
        (" 12.5 ", "1/8"),
        ("12,5", "1/8"),
        ("1e2", "1"),
        ("0.5", "1/200"),
    ],
)
def test_percent_parses_plain_numbers(text: str, expected: str) -> None:
    from fractions import Fraction

    from parindex.plans.params import parse_percent

    assert parse_percent(text) == Fraction(expected)


@pytest.mark.parametrize(
    "text",
    [*HUGE, "", "abc", "0", "-5", "101", "100.0001", "NaN", "Infinity", "1e3", "1e999", "٥٠"],
)
def test_percent_refuses_what_is_not_a_bounded_share(text: str) -> None:
    from parindex.plans.params import parse_percent

    start = time.process_time()
    assert parse_percent(text) is None
    assert time.process_time() - start < 0.05


@pytest.mark.parametrize("text", [*HUGE, "", "abc", "-1", "0", "1.5", "1e3", "٣", "9" * 19])
def test_id_refuses_what_is_not_a_bounded_id(text: str) -> None:
    from parindex.plans.params import parse_id

    assert parse_id(text) is None


def test_id_parses_ids() -> None:
    from parindex.plans.params import MAX_NUMBER_CHARS as limit
    from parindex.plans.params import parse_id

    assert limit == MAX_NUMBER_CHARS
    assert parse_id("42") == 42
    assert parse_id(" 7 ") == 7
    assert len("9" * 18) <= MAX_NUMBER_CHARS and parse_id("9" * 18) == 10**18 - 1


# -- what-if -----------------------------------------------------------------------------------


@pytest.mark.parametrize("share", [*HUGE, "abc", "0", "101", "NaN", "-Infinity"])
def test_whatif_refuses_a_huge_or_bad_share_quickly(
    published_pw: fx.PlanWorld, world: World, visit, share: str
) -> None:
    url = f"/plans/{published_pw.plan.pk}/what-if/"
    query = {"cycle": world.published.pk, "nodes": "1.1", "share": share}
    response, seconds = timed(lambda: visit("anonymous").get(url, query))
    assert response.status_code == 200
    assert seconds < 1
    html = response.content.decode()
    assert SHARE_MESSAGE in html
    assert 'id="projection"' not in html
    # The share field shows what was typed, cut to the bound.
    shown = html.split('id="whatif-share"')[1].split('value="')[1].split('"')[0]
    assert len(shown) <= MAX_NUMBER_CHARS and share.startswith(shown)


def test_whatif_still_projects_with_a_share(pw: fx.PlanWorld, world: World, visit) -> None:
    url = f"/plans/{pw.plan.pk}/what-if/"
    for share in ["50", "12,5", "100"]:
        query = {"cycle": world.current.pk, "scope": "all", "nodes": "1.1", "share": share}
        html = visit("viewer").get(url, query).content.decode()
        assert 'id="projected-index"' in html, share
        assert SHARE_MESSAGE not in html


@pytest.mark.parametrize("cycle", [*HUGE, "1e5", "abc", "-1", "٣"])
def test_analysis_pages_answer_404_to_a_bad_cycle(pw: fx.PlanWorld, visit, cycle: str) -> None:
    client = visit("admin")
    for page in ("what-if", "points-lost"):
        url = f"/plans/{pw.plan.pk}/{page}/"
        response, seconds = timed(lambda url=url: client.get(url, {"cycle": cycle}))
        assert response.status_code == 404 and seconds < 1
    response = client.post(f"/plans/{pw.plan.pk}/points-lost/", {"cycle": cycle, "nodes": "1"})
    assert response.status_code == 404


# -- management forms --------------------------------------------------------------------------


@pytest.mark.parametrize("target", [*HUGE, "abc", "-1", ""])
def test_target_delete_with_a_bad_id_is_refused(pw: fx.PlanWorld, visit, target: str) -> None:
    client = visit("admin")
    url = f"/plans/{pw.plan.pk}/targets/"
    client.post(url, {"year": "2024", "scope": "national", "band": "B", "rank": "40"})
    assert PlanTarget.objects.count() == 1
    response = client.post(url, {"delete": target}, follow=True)
    assert response.status_code == 200
    assert PlanTarget.objects.count() == 1
    if target:
        assert "Không tìm thấy mục tiêu cần xóa." in response.content.decode()


@pytest.mark.parametrize("number", HUGE)
def test_target_form_refuses_huge_numbers_quickly(pw: fx.PlanWorld, visit, number: str) -> None:
    client = visit("admin")
    url = f"/plans/{pw.plan.pk}/targets/"
    base = {"year": "2024", "scope": "internal", "band": "KHA", "rank": "5", "index": "80"}
    for field in ("year", "rank", "index"):
        response, seconds = timed(lambda field=field: client.post(url, {**base, field: number}))
        assert response.status_code == 200 and seconds < 1, field
    assert not PlanTarget.objects.exists()


@pytest.mark.parametrize("number", HUGE)
def test_task_forms_refuse_huge_numbers_quickly(
    pw: fx.PlanWorld, world: World, visit, number: str
) -> None:
    from .test_plans_tasks import task_form

    client = visit("admin")
    before = Task.objects.count()
    response, seconds = timed(
        lambda: client.post(
            f"/plans/{pw.plan.pk}/tasks/new/", task_form(pw, world, expected_points=number)
        )
    )
    assert response.status_code == 200 and seconds < 1
    assert Task.objects.count() == before
    response, seconds = timed(
        lambda: client.post(
            f"/plans/tasks/{pw.task_a.pk}/report/",
            {"reported_on": "2024-05-01", "percent": number, "text": "Đã làm"},
        )
    )
    assert response.status_code == 400 and seconds < 1
