"""A respondent's form must answer at least one question: an empty form is refused on the
form itself, in Vietnamese, stores nothing and leaves the one-time link usable."""

from __future__ import annotations

import pytest

from parindex.surveys import services
from parindex.surveys.models import Questionnaire, RespondentLink, SurveyForm

from .english_fragments import assert_no_english
from .factories import World

REFUSAL = "Hãy chọn câu trả lời cho ít nhất một câu hỏi trước khi gửi phiếu."


def issued(survey: Questionnaire, world: World, admin) -> RespondentLink:
    return services.links_issue(
        questionnaire=survey, unit=world.unit_a, group_code="ND", count=1, user=admin
    )[0]


@pytest.mark.parametrize(
    "posted",
    [{}, {"Q1": "", "Q2": "", "Q10": ""}],
    ids=["nothing", "every-question-blank"],
)
def test_empty_form_is_refused_and_the_link_stays_usable(
    survey: Questionnaire, world: World, admin, anonymous, posted: dict[str, str]
) -> None:
    link = issued(survey, world, admin)
    url = f"/surveys/r/{link.token}/"
    response = anonymous.post(url, posted)
    assert response.status_code == 200
    html = response.content.decode()
    assert REFUSAL in html and 'role="alert"' in html
    assert html.count('type="radio"') == 10 * 5  # the form is shown again, to be answered
    assert_no_english(html)
    assert SurveyForm.objects.count() == 0
    link.refresh_from_db()
    assert link.used_at is None
    assert anonymous.get(url).status_code == 200  # still the form, not "already used"

    done = anonymous.post(url, {"Q3": "B"})
    assert done.status_code == 200
    assert "Câu trả lời của anh/chị về Sở Nội vụ đã được ghi nhận." in done.content.decode()
    assert SurveyForm.objects.get().answers == {"Q3": "B"}
    link.refresh_from_db()
    assert link.used_at is not None


def test_one_answer_is_enough_even_dont_know(
    survey: Questionnaire, world: World, admin, anonymous
) -> None:
    link = issued(survey, world, admin)
    response = anonymous.post(f"/surveys/r/{link.token}/", {"Q10": "E"})  # E: "don't know"
    assert response.status_code == 200
    assert REFUSAL not in response.content.decode()
    assert SurveyForm.objects.get().answers == {"Q10": "E"}


def test_the_service_refuses_an_empty_form_before_touching_the_link(
    survey: Questionnaire, world: World, admin
) -> None:
    link = issued(survey, world, admin)
    with pytest.raises(services.NoAnswer):
        services.link_answer(link=link, answers={"Q1": ""})
    link.refresh_from_db()
    assert link.used_at is None and SurveyForm.objects.count() == 0


def test_the_refusal_in_english(survey: Questionnaire, world: World, admin, anonymous) -> None:
    link = issued(survey, world, admin)
    anonymous.cookies["django_language"] = "en"
    html = anonymous.post(f"/surveys/r/{link.token}/", {}).content.decode()
    assert "Choose an answer to at least one question before sending the form." in html
