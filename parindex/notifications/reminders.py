"""The deadline reminder registry that ``manage.py send_reminders`` runs once a day.

A feature app registers a function in its ``AppConfig.ready()``::

    from parindex.notifications import reminders

    class AssessmentsConfig(AppConfig):
        def ready(self) -> None:
            from .reminders import self_assessment_due
            reminders.register(self_assessment_due)

The function takes today's date and yields ``(recipients, verb, message, url)`` tuples, one per
reminder (``recipients`` an iterable of users). It only reads: ``send_reminders`` creates the
notifications and e-mails, and sends each reminder to each recipient at most once a day.
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

_sources: list[ReminderSource] = []


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
