"""``manage.py audit_verify``: recompute the audit hash chain; exit 1 at the first bad event."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from parindex.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain in sequence order. Exit status 0 when intact, "
        "1 naming the first altered or removed event."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = verify_chain()
        except DatabaseError as exc:
            raise CommandError(
                f"cannot read the audit trail ({exc}); is the database migrated? "
                "Run `manage.py migrate` first.",
                returncode=2,
            ) from exc
        if report.error is not None:
            raise CommandError(
                f"audit chain broken at {report.error} ({report.count} events verified before it)",
                returncode=1,
            )
        self.stdout.write(
            f"{report.count} events, chain intact (head #{report.head_sequence} {report.head_hash})"
        )
