"""``manage.py audit_verify [--expect HEAD]``: recompute the keyed audit chain; exit 1 at the
first bad event, and say what the check proves and what it cannot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import translation
from django.utils.translation import gettext as _

from parindex.audit.chain import head_text, parse_head
from parindex.audit.verify import ChainReport, verify_chain


def key_line(report: ChainReport) -> str:
    if report.key_source == "environment":
        return _("Key: the audit key from PARINDEX_AUDIT_KEY.")
    if report.key_source == "secret_key":
        return _(
            "Key: derived from PARINDEX_SECRET_KEY; a separate PARINDEX_AUDIT_KEY is better "
            "(docs/deployment.md)."
        )
    return _("Key: the fixed development key, known to anybody: not for production.")


def expected_line(report: ChainReport) -> str:
    if report.expected is None:
        return _("Expected head: none given (--expect <event number>:<hash>).")
    values = {"head": head_text(*report.expected)}
    if report.expected_matched:
        return (
            _(
                "Expected head %(head)s: matched; nothing up to it was changed or removed "
                "since it was exported."
            )
            % values
        )
    if report.expected_matched is False:
        return _("Expected head %(head)s: NOT matched.") % values
    return _("Expected head %(head)s: not reached, the chain breaks before it.") % values


def limits() -> str:
    return _(
        "Limits: without an expected head from a publication, deletion of the newest events "
        "cannot be detected (the head row can be rewound with them). Without the key the chain "
        "cannot be checked at all, and a person holding both the database and the key can "
        "rewrite everything: keep the key off the database server."
    )


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's keyed hash chain in sequence order, and check an expected "
        "head exported with a publication. Exit status 0 when intact, 1 naming the first "
        "altered or removed event, 2 when the trail cannot be read or --expect is malformed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect",
            metavar="HEAD",
            help="a head exported at a publication, <event number>:<hash> as printed; the "
            "chain must still hold that event with that hash",
        )
        parser.add_argument(
            "--lang", choices=("en", "vi"), default="en", help="language of the report"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options.get("lang") or "en"):
            self._verify(options.get("expect"))

    def _verify(self, expect_text: str | None) -> None:
        expect = None
        if expect_text is not None:
            try:
                expect = parse_head(expect_text)
            except ValueError:
                raise CommandError(
                    _(
                        "--expect %(given)r is not a head: give <event number>:<hash> as "
                        "printed, e.g. 1234:%(example)s"
                    )
                    % {"given": expect_text, "example": "0" * 64},
                    returncode=2,
                ) from None
        try:
            report = verify_chain(expect=expect)
        except DatabaseError as exc:
            raise CommandError(
                _(
                    "cannot read the audit trail (%(error)s); is the database migrated? Run "
                    "`manage.py migrate` first."
                )
                % {"error": exc},
                returncode=2,
            ) from exc
        if report.ok:
            self.stdout.write(
                _("%(count)s events, chain intact (head %(head)s)")
                % {"count": report.count, "head": report.head}
            )
        else:
            self.stdout.write(
                _("%(count)s events verified before the first bad event.") % {"count": report.count}
            )
        self.stdout.write(key_line(report))
        self.stdout.write(expected_line(report))
        self.stdout.write(
            _("Heads recorded at publications found intact: %(count)s.")
            % {"count": report.published_heads_checked}
        )
        self.stdout.write(limits())
        if report.error is not None:
            raise CommandError(
                _("audit chain broken at %(error)s (%(count)s events verified before it)")
                % {"error": report.error, "count": report.count},
                returncode=1,
            )
