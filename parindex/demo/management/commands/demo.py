from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from parindex.demo.build import build_demo, demo_exists
from parindex.demo.listing import account_groups, cycle_stages


class Command(BaseCommand):
    help = "Build the deterministic demo province (skipped when the database already holds data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="delete everything in the database first (all data, all accounts)",
        )
        parser.add_argument(
            "--units",
            type=int,
            default=None,
            metavar="N",
            help="add communes until the published cycle holds N units (e.g. 5000), to try the "
            "pages and the load test at the size of a national index",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
        elif demo_exists():
            self.stdout.write(
                "The database already holds data: demo not rebuilt "
                "(use `manage.py demo --reset` to start again)."
            )
            return
        # The demo's people are fictitious: its notifications stay in the app (the bell) and
        # their e-mails go nowhere, rather than flooding the console of `make run`.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            accounts = build_demo(log=self.stdout.write, units=options["units"])
        address = settings.SITE_URL.rstrip("/") + "/"
        self.stdout.write(self.style.SUCCESS(f"Demo province ready at {address}"))
        self.stdout.write(
            "Accounts (passwords are shown only now; change them with "
            "`manage.py changepassword NAME`):"
        )
        for heading, rows in account_groups(accounts.passwords):
            self.stdout.write(heading)
            for username, password in rows:
                self.stdout.write(f"  {username:18} {password}")
        self.stdout.write(f"Cycles: {cycle_stages()}")
