"""``manage.py send_reminders``: send today's deadline reminders (run daily by cron or a worker).

Every function registered in ``parindex.notifications.reminders`` is called with today's date and
yields ``(recipients, verb, message, url)``. Each reminder goes to each recipient at most once a
day: a ``ReminderSent`` row keyed by (source, verb, url, recipient) and the date is written in
the same transaction as the notification, so running the command twice on one day sends once.

Apps register their sources in ``AppConfig.ready()``::

    def ready(self) -> None:
        from parindex.notifications import reminders
        from .reminders import self_assessment_due
        reminders.register(self_assessment_due)

A reminder goes only to the recipients it can reach (``notifications.reach``): an active
account that can log in gets the in-app notice, and the e-mail if it has an address. The run
ends with who was not reached and why (a deactivated account, one never activated), who got the
in-app notice only (no e-mail address), and the reminders nobody could receive.

``--date YYYY-MM-DD`` runs for another day (e.g. to catch up after an outage); ``--dry-run``
lists what would be sent without sending.

First, the e-mails of earlier notifications that could not be sent (mail server down) are tried
again, each at most ``EMAIL_MAX_ATTEMPTS`` times in all (``notifications.services``).
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from parindex.notifications import reminders
from parindex.notifications.models import ReminderSent
from parindex.notifications.reach import UNREACHABLE, Reach, reach_of
from parindex.notifications.services import email_retry, email_retry_due, notify


def reminder_key(source: str, verb: str, url: str, recipient_id: int) -> str:
    return hashlib.sha256(f"{source}\n{verb}\n{url}\n{recipient_id}".encode()).hexdigest()


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date {text!r}: expected YYYY-MM-DD") from None


class Command(BaseCommand):
    help = "Send today's deadline reminders from every registered source, once per day."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=_date, help="run for this day (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list, do not send")

    def handle(self, *args: Any, **options: Any) -> None:
        today: datetime.date = options["date"] or timezone.localdate()
        dry_run: bool = options["dry_run"]
        if dry_run:
            waiting = email_retry_due()
            for notification in waiting:
                self.stdout.write(f"  {notification.recipient}: e-mail again: {notification}")
            self.stdout.write(f"would send {len(waiting)} waiting e-mail(s) again")
        else:
            resent, still_failing = email_retry()
            if resent or still_failing:
                self.stdout.write(
                    f"sent {resent} waiting e-mail(s) again, {still_failing} failed again"
                )
        sent = skipped = 0
        failures: list[str] = []
        not_reached: list[tuple[Any, Reach, str, str]] = []  # (person, why, verb, url)
        nobody: list[tuple[str, str, str]] = []  # (verb, url, message) of reminders nobody got
        for source in reminders.registered():
            name = reminders.source_name(source)
            try:
                # Messages are written in the site's language (Vietnamese), not the shell's.
                with translation.override(settings.LANGUAGE_CODE):
                    items = list(source(today))
            except Exception as exc:  # one broken source must not stop the others
                failures.append(f"{name}: {exc!r}")
                continue
            for recipients, verb, message, url in items:
                unique = list({user.pk: user for user in recipients}.values())
                reach = {user.pk: reach_of(user) for user in unique}
                due = [user for user in unique if reach[user.pk] not in UNREACHABLE]
                not_reached += [
                    (user, reach[user.pk], verb, url)
                    for user in unique
                    if reach[user.pk] != Reach.EMAIL
                ]
                if not due:
                    nobody.append((verb, url, message))
                    continue
                new, old = self._send(name, today, due, verb, message, url, dry_run)
                sent += new
                skipped += old
        verb_sent = "would send" if dry_run else "sent"
        self.stdout.write(
            f"{today.isoformat()}: {verb_sent} {sent} reminder(s), "
            f"{skipped} already sent today, {len(reminders.registered())} source(s)"
        )
        self._report(not_reached, nobody)
        if failures:
            raise CommandError("reminder sources failed: " + "; ".join(failures))

    def _report(
        self, not_reached: list[tuple[Any, Reach, str, str]], nobody: list[tuple[str, str, str]]
    ) -> None:
        """Who was not reached or got the in-app notice only, with what they do and why; then
        the reminders that reached nobody (no role holder, or none reachable)."""
        unreached = [item for item in not_reached if item[1] in UNREACHABLE]
        in_app = [item for item in not_reached if item[1] not in UNREACHABLE]
        work = reminders.people_described(
            list({item[0].pk: item[0] for item in not_reached}.values())
        )
        for title, items in (
            (f"not reached ({len(unreached)}):", unreached),
            (f"in the app only, no e-mail address ({len(in_app)}):", in_app),
        ):
            if not items:
                continue
            self.stdout.write(title)
            for user, why, verb, url in items:
                doing = f", {work[user.pk]}" if work.get(user.pk) else ""
                self.stdout.write(f"  {user} ({user.username}{doing}): {why.label} — {verb} {url}")
        if nobody:
            self.stdout.write(f"reached nobody ({len(nobody)}):")
            for verb, url, message in nobody:
                first = message.strip().splitlines()[0] if message.strip() else ""
                self.stdout.write(f"  {verb} {url}: {first}")

    def _send(
        self,
        source: str,
        today: datetime.date,
        recipients: list[Any],
        verb: str,
        message: str,
        url: str,
        dry_run: bool,
    ) -> tuple[int, int]:
        keys = {user.pk: reminder_key(source, verb, url, user.pk) for user in recipients}
        if dry_run:
            done = set(
                ReminderSent.objects.filter(date=today, key__in=keys.values()).values_list(
                    "key", flat=True
                )
            )
            due = [u for u in recipients if keys[u.pk] not in done]
            for user in due:
                self.stdout.write(f"  {user}: {verb}: {message}")
            return len(due), len(recipients) - len(due)
        try:
            with transaction.atomic():
                done = set(
                    ReminderSent.objects.filter(date=today, key__in=keys.values()).values_list(
                        "key", flat=True
                    )
                )
                due = [u for u in recipients if keys[u.pk] not in done]
                ReminderSent.objects.bulk_create(
                    [ReminderSent(key=keys[u.pk], date=today, verb=verb) for u in due]
                )
                if due:
                    notify(recipients=due, verb=verb, message=message, url=url)
        except IntegrityError:
            # Another run sent these at the same moment: they are sent, once.
            return 0, len(recipients)
        return len(due), len(recipients) - len(due)
