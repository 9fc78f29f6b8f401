"""Declared values through the API: the self-assessment's own service, its optimistic versions
(a stale write is a 409 with the value stored now), batches all or nothing, the audit trail
naming the token, and values fed by another system marked on the page and at submission."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from web.factories import browse

from parindex.assessments.models import FedValue
from parindex.audit.models import AuditEvent
from parindex.core.workflow import State
from parindex.results.models import Answer

from .conftest import CHOICE_LEAF, FED_LEAF, FEED, RATIO_LEAF, ApiWorld, Caller


def stored(api: ApiWorld, leaf: str) -> Answer | None:
    return Answer.objects.filter(cycle=api.cycle, unit=api.unit_a, leaf_code=leaf).first()


def post(api: ApiWorld, caller: Caller, *values: tuple[str, str, int]) -> object:
    body = {"values": [{"leaf": code, "value": v, "version": n} for code, v, n in values]}
    return caller.post(f"{api.unit_path()}/values", body)


def test_a_fresh_batch_is_saved_and_a_stale_one_gets_409_with_the_stored_value(
    api: ApiWorld,
) -> None:
    system = api.as_("editor_a", "write")
    saved = post(api, system, (RATIO_LEAF, "90/100", 0), (CHOICE_LEAF, "dung_han", 0))
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert sorted(body["applied"]) == [CHOICE_LEAF, RATIO_LEAF]
    by_leaf = {v["leaf"]: v for v in body["values"]}
    assert by_leaf[RATIO_LEAF]["version"] == 1 and by_leaf[RATIO_LEAF]["points"] == "1.50"
    # Somebody changes the ratio on the page; the system still holds version 1.
    browse(api.people["head_a"]).post(
        reverse(
            "assessments:leaf",
            args=[api.cycle.pk, api.unit_a.code, RATIO_LEAF],
        ),
        {"raw": "100/100", "version": 1},
    )
    assert stored(api, RATIO_LEAF).version == 2  # type: ignore[union-attr]
    stale = post(api, system, (RATIO_LEAF, "85/100", 1), (CHOICE_LEAF, "cham", 1))
    assert stale.status_code == 409
    (conflict,) = stale.json()["conflicts"]
    assert conflict == conflict | {
        "leaf": RATIO_LEAF,
        "attempted": "85/100",
        "value": "100/100",
        "version": 2,
        "updated_by": "Head.A",
    }
    assert stored(api, CHOICE_LEAF).value == "dung_han"  # type: ignore[union-attr]
    assert stored(api, RATIO_LEAF).value == "100/100"  # type: ignore[union-attr]


def test_one_leaf_with_a_stale_version_gets_409_and_the_stored_value(api: ApiWorld) -> None:
    system = api.as_("editor_a", "write")
    url = f"{api.unit_path()}/values/{RATIO_LEAF}"
    assert system.put(url, {"value": "60/100", "version": 0}).status_code == 200
    assert system.put(url, {"value": "70/100", "version": 1}).json()["values"][0]["version"] == 2
    stale = system.put(url, {"value": "80/100", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["conflicts"][0] | {"updated_at": None} == {
        "leaf": RATIO_LEAF,
        "attempted": "80/100",
        "value": "70/100",
        "version": 2,
        "updated_at": None,
        "updated_by": "Editor.A",
    }
    same = system.put(url, {"value": "70/100", "version": 1})  # the value stored: a no-op
    assert same.status_code == 200 and same.json()["unchanged"] == 1


def test_a_batch_with_a_refused_value_saves_nothing_and_lists_every_refusal(
    api: ApiWorld,
) -> None:
    system = api.as_("editor_a", "write")
    response = post(
        api,
        system,
        (RATIO_LEAF, "90/100", 0),
        (CHOICE_LEAF, "khong_co_lua_chon_nay", 0),
        ("1.5", "80", 0),  # a survey leaf: the unit does not declare it
        ("9.9.9", "1", 0),
    )
    assert response.status_code == 422
    problems = {p["leaf"] for p in response.json()["problems"]}
    assert problems == {CHOICE_LEAF, "1.5", "9.9.9"}
    assert not Answer.objects.filter(cycle=api.cycle).exists()
    assert not AuditEvent.objects.filter(action="answer.value", cycle_id=api.cycle.pk).exists()


def test_a_leaf_given_twice_is_refused(api: ApiWorld) -> None:
    response = post(
        api, api.as_("editor_a", "write"), (RATIO_LEAF, "90/100", 0), (RATIO_LEAF, "80/100", 0)
    )
    assert response.status_code == 422
    assert [p["leaf"] for p in response.json()["problems"]] == [RATIO_LEAF]


def test_every_change_is_audited_with_the_owner_as_actor_and_the_token_named(
    api: ApiWorld,
) -> None:
    system = api.as_("editor_a", "write")
    post(api, system, (RATIO_LEAF, "90/100", 0), (CHOICE_LEAF, "cham", 0))
    events = AuditEvent.objects.filter(action="answer.value", cycle_id=api.cycle.pk)
    assert events.count() == 2
    for event in events:
        assert event.actor == api.people["editor_a"]
        assert event.reason.startswith("API token “editor_a write all” (pxi_")
    assert {e.after["value"] for e in events} == {"90/100", "cham"}


def test_the_audit_pages_read_the_token_in_the_reader_s_language(api: ApiWorld) -> None:
    from parindex.auditlog.presentation import reason_label

    post(api, api.as_("editor_a", "write"), (RATIO_LEAF, "90/100", 0))
    event = AuditEvent.objects.get(action="answer.value", cycle_id=api.cycle.pk)
    assert reason_label(event.reason).startswith("Gửi qua mã truy cập API “editor_a write all”")


def test_a_submitted_self_assessment_refuses_values_as_the_page_does(api: ApiWorld) -> None:
    api.a.state = State.SUBMITTED
    api.a.save(update_fields=["state"])
    response = post(api, api.as_("editor_a", "write"), (RATIO_LEAF, "90/100", 0))
    assert response.status_code == 403
    with translation.override("vi"):
        expected = gettext("The self-assessment was submitted: it can no longer be changed.")
    assert response.json()["detail"] == expected
    assert not Answer.objects.filter(cycle=api.cycle).exists()


def test_a_fed_leaf_is_marked_on_the_page_and_listed_before_submission(api: ApiWorld) -> None:
    portal = api.as_("editor_a", "write")
    post(api, portal, (FED_LEAF, "97/100", 0), (RATIO_LEAF, "90/100", 0))
    fed = FedValue.objects.get()
    assert (fed.leaf_code, fed.value, fed.source) == (FED_LEAF, "97/100", FEED)
    assert fed.token_name == "editor_a write all"
    detail = portal.get(f"{api.unit_path()}/assessment").json()
    by_leaf = {leaf["leaf"]: leaf for leaf in detail["leaves"]}
    assert by_leaf[FED_LEAF]["feed"] == FEED and by_leaf[FED_LEAF]["fed"]["source"] == FEED
    assert by_leaf[RATIO_LEAF]["fed"] is None  # no feed declared: typed through the API
    head = browse(api.people["head_a"])
    page = head.get(reverse("assessments:page", args=[api.cycle.pk, "SNV"])).content.decode()
    assert page.count('class="tag fed"') == 1
    assert f"Từ {FEED}, nhận lúc" in page
    submit = head.get(reverse("assessments:submit", args=[api.cycle.pk, "SNV"])).content.decode()
    assert "1 số liệu do hệ thống khác gửi" in submit
    assert f"{FED_LEAF}</a>" in submit and "«97/100»" in submit


def test_a_fed_value_changed_by_a_person_is_no_longer_marked(api: ApiWorld) -> None:
    post(api, api.as_("editor_a", "write"), (FED_LEAF, "97/100", 0))
    editor = browse(api.people["editor_a"])
    editor.post(
        reverse("assessments:leaf", args=[api.cycle.pk, "SNV", FED_LEAF]),
        {"raw": "95/100", "version": 1},
    )
    page = editor.get(reverse("assessments:page", args=[api.cycle.pk, "SNV"])).content.decode()
    assert 'class="tag fed"' not in page
    detail = api.as_("editor_a").get(f"{api.unit_path()}/assessment").json()
    assert next(v for v in detail["leaves"] if v["leaf"] == FED_LEAF)["fed"] is None


def test_a_value_fed_after_the_submission_page_was_read_asks_for_a_new_look(
    api: ApiWorld,
) -> None:
    head = browse(api.people["head_a"])
    url = reverse("assessments:submit", args=[api.cycle.pk, "SNV"])
    before = head.get(url).content.decode()
    token = before.split('name="confirm" value="', 1)[1].split('"', 1)[0]
    post(api, api.as_("editor_a", "write"), (FED_LEAF, "97/100", 0))
    after = head.get(url).content.decode()
    assert token not in after  # the confirmation counted the fed values it showed
