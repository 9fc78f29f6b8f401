"""The survey's cycle page (questionnaire import, checked against the cycle's framework), the
questionnaire shown as a readable form, and the sample plan."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parindex.audit.models import AuditEvent
from parindex.surveys.models import PlanTarget, Questionnaire

from .factories import World
from .surveys_fixtures import LEAVES, QUESTIONNAIRE

ADMIN_ONLY = {"admin": 200, "viewer": 403, "editor_a": 403, "editor_b": 403, "anonymous": 302}


def yaml_upload(text: str, name: str = "q.yaml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/yaml")


@pytest.mark.parametrize("persona", sorted(ADMIN_ONLY))
def test_access_cycle_page_and_index(world: World, visit, persona: str) -> None:
    client = visit(persona)
    for url in ("/surveys/", f"/surveys/cycles/{world.current.pk}/"):
        response = client.get(url)
        assert response.status_code == ADMIN_ONLY[persona], url
        if persona == "anonymous":
            assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", sorted(ADMIN_ONLY))
def test_access_questionnaire_and_plan(survey: Questionnaire, visit, persona: str) -> None:
    client = visit(persona)
    for url in (f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/plan/"):
        assert client.get(url).status_code == ADMIN_ONLY[persona], url
    response = client.post(f"/surveys/{survey.pk}/plan/", {"fill_group": "LD", "fill_target": "9"})
    assert response.status_code == (302 if persona == "admin" else ADMIN_ONLY[persona])
    changed = PlanTarget.objects.filter(questionnaire=survey, group_code="LD", target=9).count()
    assert changed == (4 if persona == "admin" else 0)


def test_nav_link_for_admin_only(world: World, visit) -> None:
    assert 'href="/surveys/"' in visit("admin").get("/").content.decode()
    assert 'href="/surveys/"' not in visit("viewer").get("/").content.decode()


def test_import_questionnaire(world: World, visit) -> None:
    client = visit("admin")
    page = client.get(f"/surveys/cycles/{world.current.pk}/").content.decode()
    for leaf in LEAVES:  # the survey leaves the questionnaire must feed
        assert f"<code>{leaf}</code>" in page
    response = client.post(
        f"/surveys/cycles/{world.current.pk}/", {"file": yaml_upload(QUESTIONNAIRE)}
    )
    questionnaire = Questionnaire.objects.get(cycle=world.current)
    assert response.status_code == 302
    assert response["Location"] == f"/surveys/{questionnaire.pk}/"
    assert (questionnaire.code, questionnaire.version) == ("test-survey", "2024")
    # A default plan: every unit × group at the group's minimum.
    assert PlanTarget.objects.filter(questionnaire=questionnaire).count() == 4 * 2
    assert AuditEvent.objects.filter(action="survey.questionnaire_import").count() == 1
    # The same file again changes nothing.
    client.post(f"/surveys/cycles/{world.current.pk}/", {"file": yaml_upload(QUESTIONNAIRE)})
    assert Questionnaire.objects.get(cycle=world.current).pk == questionnaire.pk


def test_import_refused_when_a_survey_leaf_is_not_fed(world: World, visit) -> None:
    text = QUESTIONNAIRE.replace('leaf: "8.3.2"', 'leaf: "8.3.1"')
    html = (
        visit("admin")
        .post(f"/surveys/cycles/{world.current.pk}/", {"file": yaml_upload(text)})
        .content.decode()
    )
    assert "survey leaves without a question: 8.3.2" in html
    assert not Questionnaire.objects.exists()


def test_import_refused_when_a_leaf_is_not_a_survey_leaf(world: World, visit) -> None:
    text = QUESTIONNAIRE.replace('leaf: "1.5"', 'leaf: "1.4"')
    html = (
        visit("admin")
        .post(f"/surveys/cycles/{world.current.pk}/", {"file": yaml_upload(text)})
        .content.decode()
    )
    assert "q.yaml:11, mục 1.4: câu hỏi Q1: tiêu chí 1.4 không lấy điểm từ khảo sát" in html
    assert not Questionnaire.objects.exists()


def test_import_refused_with_reading_errors(world: World, visit) -> None:
    text = QUESTIONNAIRE.replace("min_n: 3", "min_n: 0")
    html = (
        visit("admin")
        .post(f"/surveys/cycles/{world.current.pk}/", {"file": yaml_upload(text)})
        .content.decode()
    )
    assert "q.yaml:9: min_n phải là số nguyên lớn hơn hoặc bằng 1" in html
    assert not Questionnaire.objects.exists()


def test_questionnaire_readable_form(survey: Questionnaire, visit) -> None:
    html = visit("admin").get(f"/surveys/{survey.pk}/").content.decode()
    assert "Phiếu khảo sát thử" in html
    assert "Lãnh đạo" in html and "Người dân" in html
    assert "Câu hỏi 10" in html
    assert "<strong>B</strong> — 60%" in html
    assert "không biết" in html.lower()  # E: "don't know (not counted)"
    assert html.index("<code>1.5</code>") < html.index("<code>8.3.2</code>")


def test_plan_edit_cells_and_minimum(survey: Questionnaire, world: World, visit) -> None:
    client = visit("admin")
    unit = world.unit_a
    response = client.post(f"/surveys/{survey.pk}/plan/", {f"t-{unit.pk}-ND": "25"})
    assert response.status_code == 302
    assert PlanTarget.objects.get(questionnaire=survey, unit=unit, group_code="ND").target == 25
    html = client.post(f"/surveys/{survey.pk}/plan/", {f"t-{unit.pk}-ND": "2"}).content.decode()
    assert "ND: 3" in html  # a target cannot be below min_n
    assert PlanTarget.objects.get(questionnaire=survey, unit=unit, group_code="ND").target == 25
    html = client.get(f"/surveys/{survey.pk}/plan/").content.decode()
    assert f'name="t-{unit.pk}-ND" value="25"' in html
