"""Access choke points of the survey pages: every view reaches questionnaires, jobs, links and
survey results through these.

- the PAR administrator manages questionnaires, sample plans, imports, links and aggregation;
- province-wide readers (council, viewer, appraiser) read the survey results of any cycle;
- a unit's editor or head reads their own unit's survey results once the administrator has
  released them; anyone reads them once the cycle is published;
- a respondent link works for its own unit × group only, and once.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from parindex.accounts import roles
from parindex.cycles.models import Cycle
from parindex.shared.login import LoginRequired
from parindex.units.models import Unit

from .models import Questionnaire, RespondentLink, SurveyJob


def get_cycle_for_survey_admin(request: HttpRequest, cycle_id: int) -> Cycle:
    roles.require_par_admin(request)
    try:
        return Cycle.objects.select_related("framework_version").get(pk=cycle_id)
    except Cycle.DoesNotExist:
        raise Http404 from None


def get_questionnaire_for_admin(request: HttpRequest, questionnaire_id: int) -> Questionnaire:
    roles.require_par_admin(request)
    try:
        return Questionnaire.objects.select_related("cycle__framework_version").get(
            pk=questionnaire_id
        )
    except Questionnaire.DoesNotExist:
        raise Http404 from None


def get_questionnaire_for_reader(request: HttpRequest, questionnaire_id: int) -> Questionnaire:
    """The whole survey's results: administrator and province-wide readers, or anyone once the
    cycle is published."""
    try:
        questionnaire = Questionnaire.objects.select_related("cycle__framework_version").get(
            pk=questionnaire_id
        )
    except Questionnaire.DoesNotExist:
        raise Http404 from None
    if questionnaire.cycle.is_published or roles.sees_all_results(request.user):
        return questionnaire
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def may_read_unit_survey(request: HttpRequest, questionnaire: Questionnaire, unit_id: int) -> bool:
    user = request.user
    return (
        questionnaire.cycle.is_published
        or roles.sees_all_results(user)
        or (questionnaire.is_released and unit_id in roles.own_unit_ids(user))
    )


def get_unit_survey_for_user(
    request: HttpRequest, questionnaire_id: int, unit_code: str
) -> tuple[Questionnaire, Unit]:
    try:
        questionnaire = Questionnaire.objects.select_related("cycle__framework_version").get(
            pk=questionnaire_id
        )
        unit = questionnaire.cycle.units.get(code=unit_code)
    except (Questionnaire.DoesNotExist, Unit.DoesNotExist):
        raise Http404 from None
    if may_read_unit_survey(request, questionnaire, unit.pk):
        return questionnaire, unit
    if not request.user.is_authenticated:
        raise LoginRequired
    raise PermissionDenied


def get_job_for_admin(request: HttpRequest, job_id: int) -> SurveyJob:
    roles.require_par_admin(request)
    try:
        return SurveyJob.objects.select_related("questionnaire__cycle").get(pk=job_id)
    except SurveyJob.DoesNotExist:
        raise Http404 from None


def get_link_for_respondent(token: str) -> RespondentLink:
    """A respondent link by its token (no account): 404 when unknown. Whether it is still
    unused is checked, atomically, when the form is submitted."""
    try:
        return RespondentLink.objects.select_related(
            "unit", "questionnaire__cycle__framework_version"
        ).get(token=token)
    except RespondentLink.DoesNotExist:
        raise Http404 from None
