"""Template tags of the survey: the nav link, and the survey figures on a unit's scorecard."""

from __future__ import annotations

from typing import Any

from django import template

from parindex.accounts import roles
from parindex.core import Node

from .. import access, selectors

register = template.Library()


@register.filter
def is_survey_admin(user: Any) -> bool:
    return roles.is_par_admin(user)


@register.simple_tag(takes_context=True)
def survey_for_scorecard(context: template.Context, result: Any) -> dict[str, Any]:
    """The survey leaf results of a scorecard's unit, when the reader may see them (one query
    for the questionnaire, one for the results)."""
    request = context.get("request")
    questionnaire, rows = selectors.scorecard_results(result.cycle_id, result.unit_id)
    if questionnaire is None or request is None:
        return {}
    if not access.may_read_unit_survey(request, questionnaire, result.unit_id):
        return {}
    return {"questionnaire": questionnaire, "leaves": rows}


@register.inclusion_tag("surveys/_scorecard_leaf.html")
def survey_leaf(survey: dict[str, Any], node: Node) -> dict[str, Any]:
    if not survey or node.source != "survey":
        return {"row": None}
    return {"row": survey["leaves"].get(node.code), "questionnaire": survey["questionnaire"]}


@register.filter
def get_item(mapping: dict[str, Any] | None, key: str) -> Any:
    return None if not mapping else mapping.get(key)
