"""The ``parindex`` command. Core commands need no database and no Django settings."""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from .core import ParindexError, Scorer, load_framework, read_units
from .core.errors import Notice
from .core.framework import Framework
from .core.messages import msg
from .core.numbers import format_decimal
from .core.report import to_table
from .core.report_stream import csv_blocks, json_blocks
from .core.score_table import compute_table, read_score_table

EXAMPLES = """\
examples:
  parindex validate frameworks/province-internal.yaml
  parindex compute frameworks/province-internal.yaml examples/scores.csv
  parindex compute frameworks/province-internal.yaml examples/scores.csv \
--units examples/units.csv --format json > results.json
  parindex compute frameworks/province-internal.yaml examples/scores.csv \
--units examples/units.csv --format csv > results.csv
  parindex survey aggregate examples/questionnaire.yaml examples/responses.csv \
--format scores > survey.csv
  parindex demo          # build the demo province in the web app's database
  parindex audit verify  # recompute the audit trail's hash chain (exit 1 if broken)
  parindex backup /var/backups/parindex/2025-01-31.tar.gz  # database, evidence files, manifest
  parindex restore --check-only  # every stored result reproduces, the audit chain verifies

Exit status: 0 on success (warnings go to standard error), 2 on any input or usage error.
File formats: docs/formats.md (a worked example per rule: docs/methodology.md).
"""


class UsageError(Exception):
    """A problem with how the command was called or with a file that could not be read."""


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None


def _read_utf8(path: str) -> bytes:
    """A file's bytes, checked to be UTF-8 text as ``_read`` checks it, a megabyte at a time
    (a large scores file is not held twice, as bytes and as text)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    decoder = codecs.getincrementaldecoder("utf-8")()
    block = 1 << 20
    for start in range(0, len(data) + 1, block):
        pending = len(decoder.getstate()[0])  # the end of a character cut by the last block
        try:
            decoder.decode(data[start : start + block], final=start + block > len(data))
        except UnicodeDecodeError as exc:
            position = start - pending + exc.start
            raise UsageError(f"{path}: not UTF-8 text (byte {position})") from None
    return data


def _framework(path: str) -> Framework:
    return load_framework(_read(path), source=path)


def cmd_validate(args: argparse.Namespace) -> int:
    fw = _framework(args.framework)
    print(
        f"{fw.code} {fw.version}: valid — {len(fw.all_nodes)} nodes, {len(fw.leaves)} leaves, "
        f"max {format_decimal(fw.max_total)}"
    )
    return 0


WARNINGS_SHOWN = 10  # per kind, unless --verbose (docs/formats.md §2)


def print_warnings(warnings: Sequence[Notice], lang: str, verbose: bool) -> None:
    """Warnings on standard error, summarised per kind: a file with 5,000 ignored values prints
    a dozen lines, not 5,000."""
    kinds: dict[str | None, list[Notice]] = {}
    for warning in warnings:
        kinds.setdefault(warning.code, []).append(warning)
    for code, group in kinds.items():
        if verbose or len(group) <= WARNINGS_SHOWN or code is None:
            shown = group
        else:
            shown = group[:WARNINGS_SHOWN]
            summary = msg(f"{code}.many", count=len(group)).render(lang)
            first = msg("warn.first", shown=WARNINGS_SHOWN).render(lang)
            print(f"warning: {summary}; {first}", file=sys.stderr)
        for warning in shown:
            print(f"warning: {warning.render(lang)}", file=sys.stderr)


def cmd_compute(args: argparse.Namespace) -> int:
    fw = _framework(args.framework)
    scorer = Scorer(fw)
    units = None
    warnings: list[Notice] = []
    if args.units:
        unit_list, unit_warnings = read_units(_read(args.units), args.units, fw)
        warnings.extend(unit_warnings)
        units = {u.code: u for u in unit_list}
    # By columns: the same errors, warnings and figures as read_scores and compute.
    table = read_score_table(_read_utf8(args.scores), fw, args.scores, units, scorer)
    warnings.extend(table.warnings)
    result = compute_table(
        fw, table, None if units is None else list(units.values()), scorer=scorer
    )
    warnings.extend(result.warnings)
    print_warnings(warnings, args.lang, args.verbose)
    if args.format == "table":
        sys.stdout.write(to_table(result, args.lang))
        return 0
    # In blocks of about a megabyte: a few hundred writes for 20,000 units, buffered or not.
    _write_blocks(json_blocks(result) if args.format == "json" else csv_blocks(result))
    return 0


def _write_blocks(blocks: Iterable[bytes]) -> None:
    """Blocks of UTF-8 text to standard output: straight to its bytes when it writes UTF-8
    without changing line ends (every block whole, even from a partial write), else through its
    text layer."""
    out = sys.stdout
    binary = getattr(out, "buffer", None)
    utf8 = codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8"
    if binary is None or not utf8 or os.linesep != "\n":
        for block in blocks:
            out.write(block.decode("utf-8"))
        return
    out.flush()
    for block in blocks:
        view = memoryview(block)
        while view:
            written = binary.write(view)
            view = view[written or 0 :]
    binary.flush()


def cmd_survey_aggregate(args: argparse.Namespace) -> int:
    from collections.abc import Iterator

    from .core.survey import check_against_framework, load_questionnaire
    from .core.survey_aggregate import CsvTable, aggregate
    from .core.survey_report import scores_lines, table_lines, to_json

    questionnaire = load_questionnaire(_read(args.questionnaire), source=args.questionnaire)
    if args.framework:
        check_against_framework(questionnaire, _framework(args.framework), args.questionnaire)
    units = None
    if args.units:
        units = [u.code for u in read_units(_read(args.units), args.units)[0]]
    path: str = args.responses

    def lines() -> Iterator[str]:  # streamed: a million forms are never held whole
        try:
            with open(path, encoding="utf-8", newline="") as handle:
                yield from handle
        except UnicodeDecodeError:
            raise UsageError(f"{path}: not UTF-8 text") from None
        except FileNotFoundError:
            raise UsageError(f"{path}: no such file") from None
        except OSError as exc:
            raise UsageError(f"{path}: {exc.strerror}") from None

    result = aggregate(questionnaire, CsvTable(lines, path), units=units)
    if args.format == "json":
        json.dump(to_json(result), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.writelines(
            scores_lines(result) if args.format == "scores" else table_lines(result)
        )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["parindex", "migrate", "--noinput"])
    execute_from_command_line(["parindex", "demo"])
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Recompute the audit hash chain in the web app's database: 0 intact, 1 broken (or the
    expected head not found), 2 unreadable or a malformed ``--expect``."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django
    from django.core.management import call_command
    from django.core.management.base import CommandError

    django.setup()
    try:
        call_command("audit_verify", expect=args.expect, lang=args.lang)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.returncode
    return 0


def _manage(command: str, *arguments: str, **options: object) -> int:
    """Run a management command of the web app (Django set up from the environment, as
    ``manage.py`` does); its ``CommandError`` becomes the exit status."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parindex.settings")
    import django
    from django.core.management import call_command
    from django.core.management.base import CommandError

    django.setup()
    try:
        call_command(command, *arguments, **options)
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.returncode
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Write the backup archive: 0 written, 2 refused (see ``manage.py backup``)."""
    return _manage("backup", args.archive, force=args.force)


def cmd_restore(args: argparse.Namespace) -> int:
    """Restore an archive and check the copy, or only check: 0 checked, 1 the check failed, 2
    refused with nothing written (see ``manage.py restore``)."""
    positional = [args.archive] if args.archive else []
    return _manage("restore", *positional, force=args.force, check_only=args.check_only)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="parindex",
        description="Compute a Public Administration Reform Index (Chỉ số CCHC) from a framework "
        "file and a scores file.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--lang",
        choices=("en", "vi"),
        default="en",
        help="language of messages and readable tables (default en; vi: tiếng Việt)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = sub.add_parser(
        "validate",
        help="check a framework file and print a one-line summary",
        epilog="example:\n  parindex validate frameworks/province-internal.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    validate.add_argument("framework", metavar="FRAMEWORK", help="framework file (YAML)")
    validate.set_defaults(func=cmd_validate)

    comp = sub.add_parser(
        "compute",
        help="compute points, index, rank and band per unit",
        epilog="examples:\n"
        "  parindex compute frameworks/province-internal.yaml examples/scores.csv\n"
        "  parindex compute frameworks/province-internal.yaml examples/scores.csv"
        " --units examples/units.csv --format json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    comp.add_argument("framework", metavar="FRAMEWORK", help="framework file (YAML)")
    comp.add_argument("scores", metavar="SCORES", help="scores file (CSV: unit,item,value)")
    comp.add_argument("--units", metavar="UNITS", help="units file (CSV: unit[,name,type,group])")
    comp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    comp.add_argument(
        "--verbose", action="store_true", help="print every warning, not the first ten of a kind"
    )
    comp.set_defaults(func=cmd_compute)

    survey = sub.add_parser("survey", help="sociological survey: aggregate responses")
    survey_sub = survey.add_subparsers(dest="survey_command", required=True, metavar="COMMAND")
    agg = survey_sub.add_parser(
        "aggregate",
        help="survey leaf values, margins and flags per unit (docs/formats.md §4)",
        epilog="examples:\n"
        "  parindex survey aggregate examples/questionnaire.yaml examples/responses.csv\n"
        "  parindex survey aggregate examples/questionnaire.yaml examples/responses.csv"
        " --framework frameworks/province-internal.yaml --format scores > survey.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    agg.add_argument("questionnaire", metavar="QUESTIONNAIRE", help="questionnaire file (YAML)")
    agg.add_argument("responses", metavar="RESPONSES", help="responses file (CSV, one row a form)")
    agg.add_argument("--framework", metavar="FRAMEWORK", help="check leaves against a framework")
    agg.add_argument("--units", metavar="UNITS", help="units file (CSV: unit[,name,type,group])")
    agg.add_argument("--format", choices=("table", "json", "scores"), default="table")
    agg.set_defaults(func=cmd_survey_aggregate)

    demo = sub.add_parser("demo", help="migrate the database and build the demo province")
    demo.set_defaults(func=cmd_demo)

    audit = sub.add_parser("audit", help="check the audit trail of the web app's database")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    verify = audit_sub.add_parser(
        "verify",
        help="recompute the keyed hash chain; exit 1 naming the first altered event",
        epilog="examples:\n"
        "  parindex audit verify\n"
        "  parindex audit verify --expect 1234:<the 64-character hash printed at publication>",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument(
        "--expect",
        metavar="HEAD",
        help="a head exported at a publication (<event number>:<hash>): the chain must still "
        "hold that event with that hash, which also reveals the newest events removed",
    )
    verify.set_defaults(func=cmd_audit_verify)

    backup = sub.add_parser(
        "backup",
        help="write the database, the evidence files and a manifest into one .tar.gz",
        description="A consistent copy of the web app's database (SQLite's online backup, or\n"
        "pg_dump), every file under MEDIA_ROOT, and a manifest: format, time, version,\n"
        "database vendor, rows per table, audit head, SHA-256 of every file.\n"
        "Exit 0 written, 2 refused (the archive exists, a tool is missing).",
        epilog="example:\n  parindex backup /var/backups/parindex/2025-01-31.tar.gz\n"
        'docs/deployment.md, "Backup and restore"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    backup.add_argument("archive", metavar="ARCHIVE", help="the archive to write (.tar.gz)")
    backup.add_argument("--force", action="store_true", help="replace ARCHIVE if it exists")
    backup.set_defaults(func=cmd_backup)

    restore = sub.add_parser(
        "restore",
        help="restore a backup archive and check it, or check the database in place",
        description="Every file of the archive is checked against its manifest before anything\n"
        "is written; a database that holds data (or a MEDIA_ROOT with files) is refused\n"
        "without --force. After restoring, and with --check-only instead of restoring: every\n"
        "stored result is recomputed by the core and compared, the audit chain is verified,\n"
        "every evidence file is hashed.\n"
        "Exit 0 checked, 1 the check failed, 2 refused with nothing written.",
        epilog="examples:\n"
        "  parindex restore /var/backups/parindex/2025-01-31.tar.gz\n"
        "  parindex restore --check-only\n"
        "  parindex restore --check-only /var/backups/parindex/2025-01-31.tar.gz",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    restore.add_argument(
        "archive", metavar="ARCHIVE", nargs="?", help="an archive written by parindex backup"
    )
    restore.add_argument("--force", action="store_true", help="replace a database that holds data")
    restore.add_argument(
        "--check-only",
        action="store_true",
        help="restore nothing; check the database as it is (with ARCHIVE, also the archive "
        "and the database against its manifest)",
    )
    restore.set_defaults(func=cmd_restore)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed usage or help; report its status
        return exc.code if isinstance(exc.code, int) else 2
    try:
        code: int = args.func(args)
    except ParindexError as exc:
        text = exc.render(args.lang)
        print(f"error: {text}".replace("\n", "\nerror: "), file=sys.stderr)
        return 2
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
