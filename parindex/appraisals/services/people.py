"""Telling people: the unit's people hear of each step with a link to its appraisal page, and
the administrator reminds a person who never logged in that the cycle waits for them (only a
person a reminder reaches: ``notifications.reach``)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from parindex.accounts.models import User
from parindex.accounts.roles import is_par_admin
from parindex.assessments.models import Assessment
from parindex.assessments.services import unit_people
from parindex.audit.services import audit_record
from parindex.cycles.models import Cycle
from parindex.notifications.reach import Reach, reach_of
from parindex.notifications.services import notify

from .errors import AppraisalError


def unit_page_url(assessment: Assessment) -> str:
    return reverse(
        "appraisals:unit",
        kwargs={"cycle_id": assessment.cycle_id, "unit_code": assessment.unit.code},
    )


def tell_unit(assessment: Assessment, verb: str, message: str) -> None:
    """Notify the unit's editors and heads, with a link to its appraisal page."""
    notify(
        recipients=unit_people(assessment),
        verb=verb,
        message=message,
        url=unit_page_url(assessment),
    )


@transaction.atomic
def account_remind(*, user: User, cycle: Cycle, actor: User, url: str) -> Reach:
    """Remind a person who never logged in that the cycle waits for them: in the app, and by
    e-mail when they have an address. Refused, saying why, for an account a reminder cannot
    reach (deactivated, or never activated: it needs an activation link, not a reminder).
    Returns how the reminder reached them."""
    if not is_par_admin(actor):
        raise AppraisalError(_("Only a PAR administrator sends reminders."))
    if user.last_login is not None:
        raise AppraisalError(_("%(name)s has already logged in.") % {"name": user})
    reach = reach_of(user)
    if reach == Reach.NOT_ACTIVATED:
        raise AppraisalError(
            _(
                "%(name)s cannot be reached: the account is not activated yet, so a reminder to "
                "log in is no use. Issue an activation link from the account's page."
            )
            % {"name": user}
        )
    if reach == Reach.INACTIVE:
        raise AppraisalError(
            _("%(name)s cannot be reached: the account is deactivated.") % {"name": user}
        )
    notify(
        recipients=[user],
        verb="login_reminder",
        message=_(
            "The PAR Index cycle %(cycle)s waits for you. Log in with your username %(username)s."
        )
        % {"cycle": cycle.title, "username": user.username},
        url=url,
        email=True,
    )
    audit_record(
        actor=actor,
        action="account.remind",
        target=user,
        after={"emailed_to": user.email, "cycle": cycle.pk},
        cycle_id=cycle.pk,
    )
    return reach
