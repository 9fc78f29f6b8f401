"""``manage.py backup ARCHIVE``: the database, the files under MEDIA_ROOT and a manifest in one
.tar.gz (``parindex.backups``; docs/deployment.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from parindex.backups.archive import BackupError
from parindex.backups.service import backup_create


class Command(BaseCommand):
    help = (
        "Write a backup archive (.tar.gz): a consistent copy of the database (SQLite's online "
        "backup, or pg_dump), every file under MEDIA_ROOT, and a manifest with the SHA-256 of "
        "each, rows per table and the audit head. Exit 2 when refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", metavar="ARCHIVE", help="the archive to write (.tar.gz)")
        parser.add_argument(
            "--force", action="store_true", help="replace ARCHIVE if it exists already"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("en"):
            try:
                summary = backup_create(
                    Path(options["archive"]),
                    force=options["force"],
                    log=self.stderr.write if options["verbosity"] > 1 else lambda _line: None,
                )
            except BackupError as exc:
                raise CommandError(str(exc), returncode=exc.returncode) from exc
        for line in summary.lines():
            self.stdout.write(line)
