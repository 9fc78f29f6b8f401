"""One-time respondent links expire when the survey closes: once the council has approved the
cycle, once it is published, or once its publication stage has opened. A link used after that
is refused with a page in the respondent's language, and nothing is stored."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from parindex.assessments.models import Stage, StageWindow
from parindex.cycles.models import Cycle
from parindex.surveys import services
from parindex.surveys.models import Questionnaire, RespondentLink, SurveyForm

from .factories import World

HOUR = datetime.timedelta(hours=1)


def link_of(survey: Questionnaire, world: World, admin) -> RespondentLink:
    return services.links_issue(
        questionnaire=survey, unit=world.unit_a, group_code="ND", count=1, user=admin
    )[0]


def assert_refused_and_nothing_stored(anonymous, link: RespondentLink) -> None:
    url = f"/surveys/r/{link.token}/"
    page = anonymous.get(url)
    assert page.status_code == 410
    html = page.content.decode()
    assert "Khảo sát đã kết thúc" in html
    assert "Đường dẫn này không còn nhận phiếu trả lời" in html
    assert 'type="radio"' not in html
    answer = anonymous.post(url, {"Q1": "A", "Q10": "E"})
    assert answer.status_code == 410
    assert "Khảo sát đã kết thúc" in answer.content.decode()
    assert SurveyForm.objects.count() == 0
    link.refresh_from_db()
    assert link.used_at is None
    anonymous.cookies["django_language"] = "en"
    english = anonymous.get(url)
    assert "The survey is closed" in english.content.decode()


def test_link_used_after_publication_is_refused(
    survey: Questionnaire, world: World, admin, anonymous
) -> None:
    link = link_of(survey, world, admin)
    Cycle.objects.filter(pk=world.current.pk).update(
        state=Cycle.State.PUBLISHED, published_at=timezone.now()
    )
    assert_refused_and_nothing_stored(anonymous, link)


def test_link_used_after_approval_is_refused(
    survey: Questionnaire, world: World, admin, anonymous
) -> None:
    link = link_of(survey, world, admin)
    Cycle.objects.filter(pk=world.current.pk).update(state=Cycle.State.APPROVED)
    assert_refused_and_nothing_stored(anonymous, link)


def test_link_used_once_the_publication_stage_opened_is_refused(
    survey: Questionnaire, world: World, admin, anonymous
) -> None:
    link = link_of(survey, world, admin)
    now = timezone.now()
    StageWindow.objects.create(
        cycle=world.current, stage=Stage.PUBLICATION, opens_at=now - HOUR, closes_at=now + HOUR
    )
    assert_refused_and_nothing_stored(anonymous, link)


def test_link_works_until_the_publication_stage_opens(
    survey: Questionnaire, world: World, admin, anonymous
) -> None:
    link = link_of(survey, world, admin)
    now = timezone.now()
    StageWindow.objects.create(
        cycle=world.current, stage=Stage.PUBLICATION, opens_at=now + HOUR, closes_at=now + 2 * HOUR
    )
    assert anonymous.get(f"/surveys/r/{link.token}/").status_code == 200
    assert anonymous.post(f"/surveys/r/{link.token}/", {"Q1": "A"}).status_code == 200
    assert SurveyForm.objects.count() == 1


def test_service_refuses_a_closed_survey(survey: Questionnaire, world: World, admin) -> None:
    """The check is in the service that stores the form, not only in the page."""
    link = link_of(survey, world, admin)
    Cycle.objects.filter(pk=world.current.pk).update(
        state=Cycle.State.PUBLISHED, published_at=timezone.now()
    )
    with pytest.raises(services.SurveyClosed):
        services.link_answer(link=link, answers={"Q1": "A"})
    assert SurveyForm.objects.count() == 0
    assert RespondentLink.objects.get(pk=link.pk).used_at is None
