"""Coverage board, aggregation into the cycle's survey leaves (one action, a job, then the
recomputed cycle), the results pages, the release to units, and the survey on the scorecard."""

from __future__ import annotations

import pytest

from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.results.models import Answer, UnitResult
from parindex.surveys import services
from parindex.surveys.models import Questionnaire, SurveyJob, SurveyLeafResult

from .factories import World, table_rows
from .surveys_fixtures import GOOD_ROWS, LEAVES, QUESTIONNAIRE, responses_csv, row, upload

ADMIN_ONLY = {"admin": 200, "viewer": 403, "editor_a": 403, "editor_b": 403, "anonymous": 302}
READERS = {"admin": 200, "viewer": 200, "editor_a": 403, "editor_b": 403, "anonymous": 302}


@pytest.fixture
def collected(survey: Questionnaire, visit) -> Questionnaire:
    """The nine forms of GOOD_ROWS imported."""
    visit("admin").post(
        f"/surveys/{survey.pk}/responses/", {"file": upload(responses_csv(GOOD_ROWS))}
    )
    assert SurveyJob.objects.get().state == "done"
    return survey


@pytest.fixture
def aggregated(collected: Questionnaire, visit) -> Questionnaire:
    response = visit("admin").post(f"/surveys/{collected.pk}/aggregate/")
    job = SurveyJob.objects.filter(kind="aggregate").get()
    assert response["Location"] == f"/surveys/jobs/{job.pk}/"
    assert job.state == "done", job.errors
    collected.refresh_from_db()
    return collected


@pytest.mark.parametrize("persona", sorted(ADMIN_ONLY))
def test_access_coverage_and_actions(collected: Questionnaire, visit, persona: str) -> None:
    client = visit(persona)
    assert client.get(f"/surveys/{collected.pk}/coverage/").status_code == ADMIN_ONLY[persona]
    expected = 302 if persona in ("admin", "anonymous") else 403
    assert client.post(f"/surveys/{collected.pk}/aggregate/").status_code == expected
    assert client.post(f"/surveys/{collected.pk}/release/", {"released": "1"}).status_code == (
        expected
    )
    assert SurveyJob.objects.filter(kind="aggregate").count() == (persona == "admin")


@pytest.mark.parametrize("persona", sorted(READERS))
def test_access_results(aggregated: Questionnaire, visit, persona: str) -> None:
    client = visit(persona)
    assert client.get(f"/surveys/{aggregated.pk}/results/").status_code == READERS[persona]
    assert client.get(f"/surveys/{aggregated.pk}/results/SNV/").status_code == READERS[persona]


def test_unit_sees_own_results_once_released(aggregated: Questionnaire, visit) -> None:
    editor_a, editor_b = visit("editor_a"), visit("editor_b")
    url = f"/surveys/{aggregated.pk}/results/SNV/"
    assert editor_a.get(url).status_code == 403
    visit("admin").post(f"/surveys/{aggregated.pk}/release/", {"released": "1"})
    assert editor_a.get(url).status_code == 200
    assert editor_b.get(url).status_code == 403  # another unit's results stay closed
    assert editor_a.get(f"/surveys/{aggregated.pk}/results/").status_code == 403
    visit("admin").post(f"/surveys/{aggregated.pk}/release/", {"released": "0"})
    assert editor_a.get(url).status_code == 403
    assert AuditEvent.objects.filter(action="survey.release").count() == 2


def test_published_cycle_results_are_public(aggregated: Questionnaire, anonymous) -> None:
    Cycle.objects.filter(pk=aggregated.cycle_id).update(state=Cycle.State.PUBLISHED)
    assert anonymous.get(f"/surveys/{aggregated.pk}/results/SNV/").status_code == 200
    assert anonymous.get(f"/surveys/{aggregated.pk}/results/").status_code == 200


def test_coverage_board(collected: Questionnaire, world: World, visit) -> None:
    client = visit("admin")
    html = client.get(f"/surveys/{collected.pk}/coverage/").content.decode()
    assert "<svg" in html  # the chart
    assert 'id="received-total">9<' in html
    rows = {r.attrs.get("data-unit"): r for r in table_rows(html) if r.attrs.get("data-unit")}
    assert rows["SNV"].cells[1:3] == ["2 / 2", "3 / 3"]
    assert rows["STP"].cells[1:3] == ["1 / 2", "3 / 3"]
    assert "has-below" in rows["STP"].classes and "has-below" not in rows["SNV"].classes
    assert rows["P01"].cells[1:4] == ["0 / 2", "0 / 3", "0 / 5"]
    assert 'id="below-total">5<' in html  # STP LD, P01 ×2, X01 ×2
    fragment = client.get(f"/surveys/{collected.pk}/coverage/", HTTP_HX_REQUEST="true")
    assert fragment.content.decode().startswith('<div id="coverage-board"')
    assert 'hx-trigger="every 15s"' in fragment.content.decode()


def test_coverage_queries_do_not_grow_with_units(
    collected: Questionnaire, visit, django_assert_max_num_queries
) -> None:
    client = visit("admin")
    client.get(f"/surveys/{collected.pk}/coverage/")
    with django_assert_max_num_queries(12):
        client.get(f"/surveys/{collected.pk}/coverage/", HTTP_HX_REQUEST="true")


def test_aggregation_writes_survey_leaves_and_recomputes(
    aggregated: Questionnaire, world: World
) -> None:
    """SNV: LD 80 (n 2), ND 60 (n 3): (80 + 2 × 60) / 3 = 66.67 ± 32.88 on every leaf.
    STP: LD n 1 < 2, ND n 2 < 3 (one "don't know"): insufficient, its answer removed."""
    snv = SurveyLeafResult.objects.get(unit=world.unit_a, leaf_code="1.5")
    assert (str(snv.value), str(snv.margin), snv.flags) == ("66.67", "32.88", [])
    assert snv.groups == {
        "LD": {"n": 2, "mean": "80.00", "included": True, "min_n": 2},
        "ND": {"n": 3, "mean": "60.00", "included": True, "min_n": 3},
    }
    stp = SurveyLeafResult.objects.get(unit=world.unit_b, leaf_code="3.6.1")
    assert (stp.value, stp.margin, stp.flags) == (None, None, ["insufficient"])
    assert SurveyLeafResult.objects.count() == 4 * len(LEAVES)
    answers = dict(
        Answer.objects.filter(
            cycle=world.current, unit=world.unit_a, leaf_code__in=LEAVES
        ).values_list("leaf_code", "value")
    )
    assert answers == {leaf: "66.67" for leaf in LEAVES}
    assert not Answer.objects.filter(
        cycle=world.current, unit=world.unit_b, leaf_code__in=LEAVES
    ).exists()
    result = UnitResult.objects.get(cycle=world.current, unit=world.unit_a)
    assert result.leaves["1.5"]["value"] == "66.67"
    assert result.leaves["1.5"]["points"] == "1.00"  # 1.5 × 66.67 %
    stp_result = UnitResult.objects.get(cycle=world.current, unit=world.unit_b)
    assert "1.5" in stp_result.missing
    events = AuditEvent.objects.filter(action="answer.value", reason="survey aggregation")
    assert events.filter(unit_id=world.unit_a.pk, leaf_code="1.5").get().after == {
        "value": "66.67",
        "points": "1.00",
    }
    assert events.count() == 4 * len(LEAVES)  # every survey answer changed or was removed


def test_aggregating_again_changes_nothing(aggregated: Questionnaire, visit) -> None:
    before = AuditEvent.objects.filter(action="answer.value").count()
    visit("admin").post(f"/surveys/{aggregated.pk}/aggregate/")
    assert SurveyJob.objects.filter(kind="aggregate", state="done").count() == 2
    assert AuditEvent.objects.filter(action="answer.value").count() == before


def test_aggregation_refused_when_cycle_approved(collected: Questionnaire, visit) -> None:
    Cycle.objects.filter(pk=collected.cycle_id).update(state=Cycle.State.APPROVED)
    response = visit("admin").post(f"/surveys/{collected.pk}/aggregate/", follow=True)
    assert "Kỳ đánh giá đã được phê duyệt" in response.content.decode()
    assert not SurveyJob.objects.filter(kind="aggregate").exists()


def test_results_page(aggregated: Questionnaire, visit) -> None:
    html = visit("viewer").get(f"/surveys/{aggregated.pk}/results/").content.decode()
    rows = {r.attrs["data-unit"]: r for r in table_rows(html) if r.attrs.get("data-unit")}
    assert rows["SNV"].cells[1] == "66,67 ± 32,88"  # the Vietnamese decimal comma
    assert rows["STP"].cells[1] == "không đủ phiếu"
    assert "Tổng hợp và tính lại" not in html  # the viewer has no actions
    admin_html = visit("admin").get(f"/surveys/{aggregated.pk}/results/").content.decode()
    assert "Tổng hợp và tính lại kỳ đánh giá" in admin_html


def test_unit_results_page(aggregated: Questionnaire, visit) -> None:
    html = visit("admin").get(f"/surveys/{aggregated.pk}/results/STP/").content.decode()
    assert "n = 1* " in html and "(&lt; 2)" in html
    assert "không đủ phiếu" in html


def test_scorecard_shows_survey_for_readers(aggregated: Questionnaire, world: World, visit) -> None:
    url = f"/cycles/{world.current.pk}/units/SNV/"
    html = visit("viewer").get(url).content.decode()
    assert 'data-survey="1.5"' in html
    assert "<strong>66,67%</strong> ± 32,88" in html
    assert "<strong>LD</strong> n = 2" in html and "<strong>ND</strong> n = 3" in html
    stp = visit("viewer").get(f"/cycles/{world.current.pk}/units/STP/").content.decode()
    assert "Khảo sát không đủ phiếu" in stp
    # The unit's editor sees their scorecard, and its survey details once released.
    assert 'data-survey="1.5"' not in visit("editor_a").get(url).content.decode()
    visit("admin").post(f"/surveys/{aggregated.pk}/release/", {"released": "1"})
    assert 'data-survey="1.5"' in visit("editor_a").get(url).content.decode()


def test_new_forms_then_aggregate_changes_values_and_results(
    aggregated: Questionnaire, world: World, visit
) -> None:
    """Two more STP forms (LD B, ND A): LD n 2 mean 80, ND n 3 mean 73.33 (one "don't know"
    still left out): (80 + 2 × 73.33) / 3 = 75.56 ± 21.78, and 1.5 earns 1.5 × 75.56 % = 1.13."""
    client = visit("admin")
    more = [row("t5", "LD", "STP", "B"), row("t6", "ND", "STP", "A")]
    client.post(f"/surveys/{aggregated.pk}/responses/", {"file": upload(responses_csv(more))})
    assert SurveyJob.objects.filter(kind="import").first().forms_added == 2
    client.post(f"/surveys/{aggregated.pk}/aggregate/")
    job = SurveyJob.objects.filter(kind="aggregate").first()
    assert (job.state, job.step, job.done, job.total) == ("done", "computing", 4, 4)
    stp = SurveyLeafResult.objects.get(unit=world.unit_b, leaf_code="1.5")
    assert (str(stp.value), str(stp.margin), stp.flags) == ("75.56", "21.78", [])
    assert stp.groups["LD"] == {"n": 2, "mean": "80.00", "included": True, "min_n": 2}
    assert stp.groups["ND"] == {"n": 3, "mean": "73.33", "included": True, "min_n": 3}
    result = UnitResult.objects.get(cycle=world.current, unit=world.unit_b)
    assert (result.leaves["1.5"]["value"], result.leaves["1.5"]["points"]) == ("75.56", "1.13")
    assert not set(LEAVES) & set(result.missing)
    snv = SurveyLeafResult.objects.get(unit=world.unit_a, leaf_code="1.5")
    assert (str(snv.value), str(snv.margin)) == ("66.67", "32.88")  # SNV's forms unchanged
    html = client.get(f"/surveys/jobs/{job.pk}/").content.decode()
    assert 'value="100"' in html and "hx-get" not in html


def test_aggregate_progress_fragment_polls_while_running(collected: Questionnaire, visit) -> None:
    job = SurveyJob.objects.create(
        questionnaire=collected,
        kind="aggregate",
        state="running",
        step="computing",
        done=1,
        total=4,
    )
    html = visit("admin").get(f"/surveys/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert html.startswith('<div id="job-progress"')
    assert f'hx-get="/surveys/jobs/{job.pk}/"' in html
    assert 'value="25"' in html and "(1 / 4)" in html
    assert "đang tính lại kỳ đánh giá" in html


@pytest.fixture
def flagged(world: World, admin, visit) -> Questionnaire:
    """LD's min_n lowered to 1; SNV has one LD form and two ND forms (below ND's 3)."""
    questionnaire = services.questionnaire_import(
        cycle=world.current,
        text=QUESTIONNAIRE.replace("min_n: 2", "min_n: 1"),
        source_name="q.yaml",
        user=admin,
    )
    rows = [row("f1", "LD", "SNV", "A"), row("f2", "ND", "SNV", "A"), row("f3", "ND", "SNV", "B")]
    client = visit("admin")
    client.post(f"/surveys/{questionnaire.pk}/responses/", {"file": upload(responses_csv(rows))})
    client.post(f"/surveys/{questionnaire.pk}/aggregate/")
    assert SurveyJob.objects.filter(kind="aggregate").get().state == "done"
    return questionnaire


def test_partial_and_single_flags_are_shown(flagged: Questionnaire, world: World, visit) -> None:
    """SNV: ND excluded (n 2 < 3) makes the leaf partial; LD included with n 1 makes it single.
    Both tags appear on the scorecard and on the unit's survey results page."""
    leaf = SurveyLeafResult.objects.get(unit=world.unit_a, leaf_code="1.5")
    assert (str(leaf.value), str(leaf.margin), leaf.flags) == (
        "100.00",
        "0.00",
        ["partial", "single"],
    )
    partial = '<span class="tag flag-partial">thiếu nhóm</span>'
    single = '<span class="tag flag-single">chỉ một người trả lời</span>'
    client = visit("admin")
    scorecard = client.get(f"/cycles/{world.current.pk}/units/SNV/").content.decode()
    assert partial in scorecard and single in scorecard
    results = client.get(f"/surveys/{flagged.pk}/results/SNV/").content.decode()
    assert results.count(partial) == len(LEAVES) and results.count(single) == len(LEAVES)
