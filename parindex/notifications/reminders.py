"""The deadline reminder registry that ``manage.py send_reminders`` runs once a day.

A feature app registers a function in its ``AppConfig.ready()``::

    from parindex.notifications import reminders

    class AssessmentsConfig(AppConfig):
        def ready(self) -> None:
            from .reminders import self_assessment_due
            reminders.register(self_assessment_due)

The function takes today's date and yields ``(recipients, verb, message, url)`` tuples, one per
reminder (``recipients`` an iterable of users: every holder of the roles concerned, active or
not). It only reads: ``send_reminders`` creates the notifications and e-mails, sends each
reminder to each recipient at most once a day, and only to the recipients a reminder can reach
(``notifications.reach``); it names the others, with what they do (``describe_people_with``)
and why they were not reached.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User

Reminder: TypeAlias = "tuple[Iterable[User], str, str, str]"
ReminderSource: TypeAlias = "Callable[[datetime.date], Iterable[Reminder]]"
# People → what each does, by id ("Unit editor — Sở Nội vụ"), for the reports of reminders.
PeopleDescriber: TypeAlias = "Callable[[list[User]], dict[int, str]]"

_sources: list[ReminderSource] = []
_describers: list[PeopleDescriber] = []


def register(fn: ReminderSource) -> ReminderSource:
    """Add a reminder source (once, however often it is registered); usable as a decorator."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def unregister(fn: ReminderSource) -> None:
    if fn in _sources:
        _sources.remove(fn)


def registered() -> list[ReminderSource]:
    return list(_sources)


def source_name(fn: ReminderSource) -> str:
    return f"{fn.__module__}.{getattr(fn, '__qualname__', repr(fn))}"


def describe_people_with(fn: PeopleDescriber) -> PeopleDescriber:
    """Add a function naming what people do (their roles and units); the app that knows roles
    registers it, so a report of people not reached says whose unit waits."""
    if fn not in _describers:
        _describers.append(fn)
    return fn


def people_described(users: list[User]) -> dict[int, str]:
    """What each of ``users`` does, by id, from every registered describer ("" if nothing)."""
    texts: dict[int, list[str]] = {user.pk: [] for user in users}
    for describe in _describers:
        for pk, text in describe(users).items():
            if text and pk in texts:
                texts[pk].append(text)
    return {pk: "; ".join(parts) for pk, parts in texts.items()}
