"""The database in the archive: the vendor's own exact copy, and the facts the manifest records.

Why the vendor's copy and not ``dumpdata``/``loaddata`` (vendor-independent JSON): a restore
must give back every row exactly, and JSON does not. Django's JSON encoder cuts times to
milliseconds, and each audit event's hash covers its time to the microsecond, so a chain
reloaded from ``dumpdata`` no longer verifies; ``loaddata`` needs a migrated schema and leaves
out what migrations made outside the models (PostgreSQL's append-only trigger on audit events).
The vendor's copy keeps every page or row as it is: primary keys, sequences, times, hashes,
constraints and triggers.

- SQLite: the online backup API (``sqlite3.Connection.backup``) copies the whole file in one
  step under a read lock, a consistent snapshot while the web and the task workers keep
  running (WAL: readers do not block writers). Restored the same way into the target file.
- PostgreSQL: ``pg_dump --format=custom`` in a snapshot exported by a repeatable-read
  transaction, which also counts the rows and reads the audit head, so the manifest describes
  exactly the dump; restored with ``pg_restore --clean --if-exists --single-transaction``.

An archive restores only into the vendor it was made from.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction

from parindex.audit.chain import head_text
from parindex.audit.models import AuditHead
from parindex.evidence.models import StoredFile

from .archive import BackupError

# Rows that `migrate` itself writes into an empty database: they do not make a target "hold
# data". The audit head row counts only once it points past the genesis (sequence 0).
MIGRATE_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})


@dataclass
class Facts:
    """What the manifest records of a database: rows per table, the audit head
    (``<event number>:<hash>``), the applied migrations (``app.name``), and the evidence files
    the database refers to (storage name → SHA-256)."""

    tables: dict[str, int]
    audit_head: str | None
    migrations: list[str]
    stored_files: dict[str, str] = field(default_factory=dict)


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(model: Any, name: str) -> str:
    return str(model._meta.get_field(name).column)


def _facts(cursor: Any, tables: Sequence[str], quote: Callable[[str], str]) -> Facts:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = int(cursor.fetchone()[0])
    head = None
    head_table = AuditHead._meta.db_table
    if head_table in counts:
        cursor.execute(
            f"SELECT {quote(_column(AuditHead, 'sequence'))}, {quote(_column(AuditHead, 'hash'))} "
            f"FROM {quote(head_table)} WHERE {quote(_column(AuditHead, 'id'))} = 1"
        )
        row = cursor.fetchone()
        head = None if row is None else head_text(int(row[0]), str(row[1]))
    migrations: list[str] = []
    if "django_migrations" in counts:
        cursor.execute(f"SELECT app, name FROM {quote('django_migrations')}")
        migrations = sorted(f"{app}.{name}" for app, name in cursor.fetchall())
    stored: dict[str, str] = {}
    files_table = StoredFile._meta.db_table
    if files_table in counts:
        cursor.execute(
            f"SELECT {quote(_column(StoredFile, 'storage_name'))}, "
            f"{quote(_column(StoredFile, 'sha256'))} FROM {quote(files_table)}"
        )
        stored = {str(name): str(sha256) for name, sha256 in cursor.fetchall()}
    return Facts(counts, head, migrations, stored)


def current_facts() -> Facts:
    """The facts of the database Django is connected to."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _facts(cursor, tables, connection.ops.quote_name)


def holdings() -> list[str]:
    """The tables of the database Django is connected to that hold data, as ``table (N rows)``;
    empty for a new database, migrated or not."""
    facts = current_facts()
    held = [
        f"{table} ({count} rows)"
        for table, count in facts.tables.items()
        if count and table not in MIGRATE_TABLES and table != AuditHead._meta.db_table
    ]
    if facts.audit_head is not None and not facts.audit_head.startswith("0:"):
        held.append(f"{AuditHead._meta.db_table} (head {facts.audit_head[:20]}…)")
    return held


def _sqlite_name() -> str:
    name = str(connection.settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("the database is in memory: there is nothing on disk to back up")
    return name


def _pg_invocation(tool: str) -> tuple[list[str], dict[str, str]]:
    """The tool's path and the connection of Django's database as libpq environment variables
    (the password never appears on a command line)."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} not found: install the PostgreSQL client programs of the server's major "
            "version (Debian: postgresql-client)"
        )
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            env["PG" + key.upper()] = str(options[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    return [path], env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed (exit {done.returncode}): " + " / ".join(detail[-5:]))


# -- backup -------------------------------------------------------------------------------------


def snapshot(target: Path) -> Facts:
    """Write a consistent copy of Django's database to ``target`` and return its facts."""
    if connection.vendor == "sqlite":
        return _sqlite_snapshot(target)
    if connection.vendor == "postgresql":
        return _postgresql_snapshot(target)
    raise BackupError(f"backup supports SQLite and PostgreSQL, not {connection.vendor}")


def _sqlite_snapshot(target: Path) -> Facts:
    source = sqlite3.connect(_sqlite_name(), timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # all pages in one step: one consistent snapshot
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        cursor = copy.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [str(row[0]) for row in cursor.fetchall()]
        return _facts(cursor, tables, _sqlite_quote)
    finally:
        copy.close()
        source.close()


def _postgresql_snapshot(target: Path) -> Facts:
    command, env = _pg_invocation("pg_dump")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = str(cursor.fetchone()[0])
        facts = _facts(
            cursor, connection.introspection.table_names(cursor), connection.ops.quote_name
        )
        # The dump sees the snapshot this transaction exported: the rows counted above.
        _run(
            [*command, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}"],
            env,
            "pg_dump",
        )
    return facts


# -- restore ------------------------------------------------------------------------------------


def check_copy(vendor: str, path: Path) -> None:
    """Refuse a staged database copy that its own vendor's tools cannot read, before anything
    of the target is touched."""
    if vendor == "sqlite":
        try:
            copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                result = copy.execute("PRAGMA integrity_check").fetchall()
            finally:
                copy.close()
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"the archive's database is not a readable SQLite file: {exc}"
            ) from None
        if result != [("ok",)]:
            problems = "; ".join(str(row[0]) for row in result[:3])
            raise BackupError(f"the archive's database fails SQLite's integrity check: {problems}")
    else:
        command, env = _pg_invocation("pg_restore")
        _run([*command, "--list", str(path)], env, "pg_restore --list (reading the dump)")


def restore(vendor: str, path: Path) -> None:
    """Replace the content of Django's database by the staged copy, in one step."""
    connections.close_all()
    if vendor == "sqlite":
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(_sqlite_name(), timeout=20)
        try:
            source.backup(target)  # every page replaced under the target's write lock
        finally:
            target.close()
            source.close()
    else:
        command, env = _pg_invocation("pg_restore")
        dbname = str(connection.settings_dict["NAME"])
        _run(
            [
                *command,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={dbname}",
                str(path),
            ],
            env,
            "pg_restore",
        )
    connections.close_all()


def unknown_migrations(applied: Sequence[str]) -> list[str]:
    """Migrations the archive's database has applied that this code does not have."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    return sorted(set(applied) - known)


def pending_migrations() -> list[str]:
    """Migrations of this code not applied to Django's database."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
