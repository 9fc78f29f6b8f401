"""``manage.py restore ARCHIVE [--force]`` and ``manage.py restore --check-only [ARCHIVE]``
(``parindex.backups``; docs/deployment.md, "Backup and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation

from parindex.backups.archive import BackupError
from parindex.backups.service import backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive: every file is checked against the manifest before anything "
        "is written, a target that holds data is refused without --force, then the restored "
        "copy is checked (every stored result recomputed by the core, the audit chain "
        "verified, every evidence file hashed). --check-only runs the check on the database "
        "in place (and with ARCHIVE, checks the archive and compares the database with its "
        "manifest), writing nothing. Exit 0 when checked, 1 when the check fails, 2 when "
        "refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "archive", metavar="ARCHIVE", nargs="?", help="an archive written by backup"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data (and write over MEDIA_ROOT's files)",
        )
        parser.add_argument(
            "--check-only",
            action="store_true",
            help="restore nothing: check the database as it is",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"]) if options["archive"] else None
        verbose = options["verbosity"] > 1
        with translation.override("en"):
            try:
                if options["check_only"]:
                    report = backup_check(archive)
                elif archive is None:
                    raise BackupError("give the ARCHIVE to restore (or --check-only)")
                else:
                    report = backup_restore(
                        archive,
                        force=options["force"],
                        log=self.stderr.write if verbose else lambda _line: None,
                    )
                    self.stdout.write(f"restored {archive}")
            except BackupError as exc:
                raise CommandError(str(exc), returncode=exc.returncode) from exc
            except DatabaseError as exc:
                raise CommandError(
                    f"cannot read the database ({exc}); is it migrated?", returncode=2
                ) from exc
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"check failed: {report.problem_count} problems", returncode=1)
