"""One-time respondent links: issued by the administrator per unit × group, printable, and a
form that needs no account, says which unit it is about, and can be submitted once."""

from __future__ import annotations

import pytest

from parindex.surveys import services
from parindex.surveys.models import Questionnaire, RespondentLink, SurveyForm

from .factories import World

ADMIN_ONLY = {"admin": 200, "viewer": 403, "editor_a": 403, "editor_b": 403, "anonymous": 302}


def issue(survey: Questionnaire, world: World, admin, group: str = "ND", count: int = 2):
    return services.links_issue(
        questionnaire=survey, unit=world.unit_a, group_code=group, count=count, user=admin
    )


@pytest.mark.parametrize("persona", sorted(ADMIN_ONLY))
def test_access_links_pages(survey: Questionnaire, world: World, visit, persona: str) -> None:
    client = visit(persona)
    for url in (f"/surveys/{survey.pk}/links/", f"/surveys/{survey.pk}/links/print/"):
        assert client.get(url).status_code == ADMIN_ONLY[persona], url
    response = client.post(
        f"/surveys/{survey.pk}/links/", {"unit": "SNV", "group": "ND", "count": "3"}
    )
    assert response.status_code == (302 if persona == "admin" else ADMIN_ONLY[persona])
    assert RespondentLink.objects.count() == (3 if persona == "admin" else 0)


def test_issue_and_print(survey: Questionnaire, world: World, visit) -> None:
    client = visit("admin")
    response = client.post(
        f"/surveys/{survey.pk}/links/", {"unit": "SNV", "group": "LD", "count": "4"}
    )
    assert response["Location"] == f"/surveys/{survey.pk}/links/?unit=SNV"
    links = list(RespondentLink.objects.all())
    assert len(links) == 4 and {(lk.unit.code, lk.group_code) for lk in links} == {("SNV", "LD")}
    assert len({lk.token for lk in links}) == 4
    html = client.get(f"/surveys/{survey.pk}/links/print/?unit=SNV").content.decode()
    for link in links:
        assert f"http://testserver/surveys/r/{link.token}/" in html
    services.link_answer(link=links[0], answers={"Q1": "A"})
    html = client.get(f"/surveys/{survey.pk}/links/print/?unit=SNV").content.decode()
    assert links[0].token not in html  # only unused links are printed
    page = client.get(f"/surveys/{survey.pk}/links/").content.decode()
    assert "1 / 4" in page  # used / issued for SNV × LD


def test_issue_refusals(survey: Questionnaire, world: World, visit) -> None:
    html = (
        visit("admin")
        .post(f"/surveys/{survey.pk}/links/", {"unit": "SNV", "group": "ND", "count": "0"})
        .content.decode()
    )
    assert RespondentLink.objects.count() == 0
    assert "errorlist" in html
    with pytest.raises(services.SurveyRefused):
        services.links_issue(
            questionnaire=survey, unit=world.unit_a, group_code="XX", count=1, user=None
        )  # type: ignore[arg-type]


@pytest.mark.parametrize("persona", ["anonymous", "viewer", "editor_b"])
def test_respondent_form_needs_no_account(
    survey: Questionnaire, world: World, admin, visit, persona: str
) -> None:
    link = issue(survey, world, admin)[0]
    client = visit(persona)
    html = client.get(f"/surveys/r/{link.token}/").content.decode()
    assert "Phiếu khảo sát này đánh giá <strong>Sở Nội vụ</strong>." in html
    assert "Người dân" in html  # the group the respondent answers as
    assert 'name="viewport"' in html  # works on a phone
    assert html.count('type="radio"') == 10 * 5  # ND is asked Q1–Q10, five options each
    response = client.post(f"/surveys/r/{link.token}/", {"Q1": "A", "Q10": "E", "Q2": ""})
    assert response.status_code == 200
    assert "Câu trả lời của anh/chị về Sở Nội vụ đã được ghi nhận." in response.content.decode()
    form = SurveyForm.objects.get()
    assert (form.unit_id, form.group_code, form.channel) == (world.unit_a.pk, "ND", "web")
    assert form.answers == {"Q1": "A", "Q10": "E"}
    assert form.response_id.startswith("web-") and link.token not in form.response_id


def test_link_works_once(survey: Questionnaire, world: World, admin, anonymous) -> None:
    link = issue(survey, world, admin)[0]
    assert anonymous.post(f"/surveys/r/{link.token}/", {"Q1": "B"}).status_code == 200
    again = anonymous.post(f"/surveys/r/{link.token}/", {"Q1": "A"})
    assert again.status_code == 410
    assert "Đường dẫn này đã được sử dụng" in again.content.decode()
    assert anonymous.get(f"/surveys/r/{link.token}/").status_code == 410
    assert SurveyForm.objects.count() == 1
    assert anonymous.get("/surveys/r/not-a-token/").status_code == 404


def test_link_answers_only_its_group(survey: Questionnaire, world: World, admin, anonymous) -> None:
    """An LD link cannot answer Q10 (asked of ND only), nor an option outside the scale."""
    link = issue(survey, world, admin, group="LD")[0]
    html = anonymous.get(f"/surveys/r/{link.token}/").content.decode()
    assert 'name="Q10"' not in html
    response = anonymous.post(f"/surveys/r/{link.token}/", {"Q1": "A", "Q10": "A"})
    assert response.status_code == 200
    assert SurveyForm.objects.get().answers == {"Q1": "A"}  # Q10 is not an LD question
    response = anonymous.post(
        f"/surveys/r/{issue(survey, world, admin, 'LD')[0].token}/", {"Q1": "Z"}
    )
    assert "Câu trả lời không khớp với phiếu khảo sát." in response.content.decode()
    assert SurveyForm.objects.count() == 1
    link.refresh_from_db()
    assert link.used_at is not None


def test_consumed_atomically(survey: Questionnaire, world: World, admin) -> None:
    """Two submissions of one link (the second with a stale copy): exactly one form."""
    link = issue(survey, world, admin)[0]
    stale = RespondentLink.objects.get(pk=link.pk)
    services.link_answer(link=link, answers={"Q1": "A"})
    with pytest.raises(services.LinkUsed):
        services.link_answer(link=stale, answers={"Q1": "B"})
    assert SurveyForm.objects.count() == 1


def test_web_form_stores_only_unit_group_answers(
    survey: Questionnaire, world: World, admin, anonymous
) -> None:
    """A respondent's address and browser are not kept anywhere: the form holds the unit, the
    group and the answers (with import bookkeeping), and the link only records when it was used."""
    from django.apps import apps
    from django.contrib.sessions.models import Session
    from django.forms.models import model_to_dict

    ip, agent = "203.0.113.77", "Mozilla/5.0 (PrivacyProbe 9.1; respondent-browser)"
    link = issue(survey, world, admin, group="ND", count=1)[0]
    before = model_to_dict(link)
    response = anonymous.post(
        f"/surveys/r/{link.token}/",
        {"Q1": "A", "Q10": "E"},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=agent,
        HTTP_X_FORWARDED_FOR=ip,
    )
    assert response.status_code == 200
    form = SurveyForm.objects.get()
    assert {f.name for f in SurveyForm._meta.concrete_fields} == {
        "id",
        "questionnaire",
        "response_id",  # a random "web-…" id, the key of idempotent imports
        "unit",
        "group_code",
        "answers",
        "channel",
        "job",
        "created_at",
    }
    assert (form.unit_id, form.group_code, form.answers) == (
        world.unit_a.pk,
        "ND",
        {"Q1": "A", "Q10": "E"},
    )
    assert (form.channel, form.job_id) == ("web", None)
    assert form.response_id.startswith("web-") and link.token not in form.response_id
    link.refresh_from_db()
    after = model_to_dict(link)
    assert after.pop("used_at") is not None and before.pop("used_at") is None
    assert after == before
    for model in apps.get_models():
        for values in model.objects.values():
            text = repr(values)
            assert ip not in text and "PrivacyProbe" not in text, model
    for session in Session.objects.all():
        text = repr(session.get_decoded())
        assert ip not in text and "PrivacyProbe" not in text
