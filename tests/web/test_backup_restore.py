"""Backup and restore (docs/deployment.md, "Backup and restore"), run as an operator runs them:
the real commands in child processes, each given its own ``PARINDEX_VAR_DIR`` (a SQLite file
and a MEDIA_ROOT in a temporary folder), so the source and every target are separate databases
and separate evidence stores.

The source is the demo province (three cycles with stored results on both bases, a published
cycle with its recorded audit head, evidence files, two thousand audit events), backed up once
for the module. A restore into an empty place gives back every row of every table as it was,
every evidence file with its hash, a chain that verifies, and results that the core reproduces;
the checker catches a result, an audit event or an evidence file changed afterwards; an archive
with one byte changed is refused before anything is written; a target that holds data is refused
without ``--force``.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "parindex.sqlite3"
DATABASE_MEMBER = "database/parindex.sqlite3"


@dataclass(frozen=True)
class Place:
    """One deployment's data: its var folder (database file and MEDIA_ROOT) and environment."""

    var: Path
    env: dict[str, str]

    @property
    def database(self) -> Path:
        return self.var / DATABASE

    @property
    def media(self) -> Path:
        return self.var / "media"


def place(folder: Path, **extra: str) -> Place:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARINDEX_", "DJANGO_", "DATABASE_URL"))
    }
    env.update({"PARINDEX_DEBUG": "1", "PARINDEX_VAR_DIR": str(folder), **extra})
    return Place(folder, env)


def run(where: Place, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=where.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def manage(where: Place, *argv: str) -> subprocess.CompletedProcess[str]:
    return run(where, "manage.py", *argv)


def parindex(where: Place, *argv: str) -> subprocess.CompletedProcess[str]:
    return run(where, "-m", "parindex.cli", *argv)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def file_hashes(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def sqlite_contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (``sqlite_sequence`` included: the next primary keys), and the
    schema (tables, indexes, triggers), of a SQLite file."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        contents = {
            table: connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            for table in tables
        }
        contents["(schema)"] = connection.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        return contents
    finally:
        connection.close()


def scalar(path: Path, sql: str) -> object:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def execute(path: Path, sql: str, *params: object) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.execute(sql, params)
    finally:
        connection.close()


def manifest_of(archive: Path) -> dict[str, object]:
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        return json.loads(handle.read())  # type: ignore[no-any-return]


def repacked(archive: Path, target: Path, member: str) -> Path:
    """A copy of the archive with one byte of ``member`` changed, the manifest left as it was."""
    out = io.BytesIO()
    with tarfile.open(archive, "r:gz") as source, tarfile.open(fileobj=out, mode="w:gz") as copy:
        for info in source.getmembers():
            handle = source.extractfile(info)
            assert handle is not None
            data = bytearray(handle.read())
            if info.name == member:
                data[len(data) // 2] ^= 0x01
            copy.addfile(info, io.BytesIO(bytes(data)))
    target.write_bytes(out.getvalue())
    return target


@dataclass(frozen=True)
class Source:
    place: Place
    archive: Path
    backup_output: str


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    """The demo province, backed up once with ``parindex backup``."""
    where = place(tmp_path_factory.mktemp("source"))
    ok(manage(where, "migrate", "--noinput", "-v0"))
    ok(manage(where, "demo"))
    archive = tmp_path_factory.mktemp("backups") / "parindex.tar.gz"
    output = ok(parindex(where, "backup", str(archive)))
    return Source(where, archive, output)


def test_the_archive_holds_the_database_the_evidence_files_and_a_manifest(
    source: Source,
) -> None:
    manifest = manifest_of(source.archive)
    database = manifest["database"]
    assert isinstance(database, dict)
    assert manifest["format"] == 1
    assert database["vendor"] == "sqlite"
    rows = database["tables"]
    assert rows["audit_auditevent"] == scalar(
        source.place.database, "SELECT COUNT(*) FROM audit_auditevent"
    )
    assert rows["results_unitresult"] == scalar(
        source.place.database, "SELECT COUNT(*) FROM results_unitresult"
    )
    assert rows["audit_publishedhead"] >= 1  # the demo publishes a cycle
    sequence, head_hash = str(manifest["audit_head"]).split(":")
    assert (int(sequence), head_hash) == (
        scalar(source.place.database, "SELECT sequence FROM audit_audithead"),
        scalar(source.place.database, "SELECT hash FROM audit_audithead"),
    )
    evidence = file_hashes(source.place.media)
    assert evidence, "the demo stores evidence files"
    files = manifest["files"]
    assert isinstance(files, dict)
    assert {name: entry["sha256"] for name, entry in files.items() if name != DATABASE_MEMBER} == {
        f"media/{name}": sha256 for name, sha256 in evidence.items()
    }
    assert manifest["evidence_missing"] == []
    assert oct(source.archive.stat().st_mode & 0o777) == oct(0o600)
    assert f"audit head {manifest['audit_head']}" in source.backup_output


def test_a_restored_copy_is_the_same_database_and_reproduces_every_result(
    source: Source, tmp_path: Path
) -> None:
    target = place(tmp_path / "restored")
    # A migrated database holds only what `migrate` writes: it counts as empty.
    ok(manage(target, "migrate", "--noinput", "-v0"))
    output = ok(parindex(target, "restore", str(source.archive)))

    results = scalar(source.place.database, "SELECT COUNT(*) FROM results_unitresult")
    cycles = scalar(
        source.place.database, "SELECT COUNT(DISTINCT cycle_id) FROM results_unitresult"
    )
    events = scalar(source.place.database, "SELECT COUNT(*) FROM audit_auditevent")
    assert f"results: {results} stored results of {cycles} cycles recomputed" in output
    assert f"audit: {events} events" in output
    assert "check passed" in output

    # Every row of every table, primary keys, times and audit hashes included, and the schema.
    assert sqlite_contents(target.database) == sqlite_contents(source.place.database)
    assert file_hashes(target.media) == file_hashes(source.place.media)
    verify = ok(manage(target, "audit_verify"))
    assert f"{events} events, chain intact" in verify
    assert "Heads recorded at publications found intact: 0." not in verify
    again = ok(parindex(target, "restore", "--check-only", str(source.archive)))
    assert "check passed" in again


def test_the_checker_finds_a_result_an_audit_event_and_an_evidence_file_changed(
    source: Source, tmp_path: Path
) -> None:
    target = place(tmp_path / "restored")
    ok(parindex(target, "restore", str(source.archive)))
    assert "check passed" in ok(parindex(target, "restore", "--check-only"))

    unit, points = execute_returning(
        target.database,
        "SELECT u.code, r.points FROM results_unitresult r JOIN units_unit u ON u.id = r.unit_id "
        "WHERE r.basis = 'final' ORDER BY r.id LIMIT 1",
    )
    execute(
        target.database,
        "UPDATE results_unitresult SET points = points + 1 WHERE id = "
        "(SELECT MIN(id) FROM results_unitresult WHERE basis = 'final')",
    )
    done = parindex(target, "restore", "--check-only")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"unit {unit}, points: stored" in done.stdout
    assert "check FAILED: 1 problems" in done.stdout
    execute(
        target.database,
        "UPDATE results_unitresult SET points = ? WHERE id = "
        "(SELECT MIN(id) FROM results_unitresult WHERE basis = 'final')",
        points,
    )

    execute(target.database, "UPDATE audit_auditevent SET reason = 'rewritten' WHERE sequence = 7")
    done = parindex(target, "restore", "--check-only")
    assert done.returncode == 1
    assert "audit chain broken at event #7: hash mismatch" in done.stdout

    evidence = next(path for path in target.media.rglob("*") if path.is_file())
    evidence.write_bytes(evidence.read_bytes() + b"!")
    done = parindex(target, "restore", "--check-only")
    assert done.returncode == 1
    assert f"evidence file {evidence.relative_to(target.media).as_posix()}: SHA-256" in done.stdout
    evidence.unlink()
    done = parindex(target, "restore", "--check-only", str(source.archive))
    assert "is missing from storage" in done.stdout


def execute_returning(path: Path, sql: str) -> tuple[object, ...]:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(sql).fetchone()
        assert row is not None
        return tuple(row)
    finally:
        connection.close()


@pytest.mark.parametrize("changed", ["database", "evidence file"])
def test_an_archive_with_one_byte_changed_in_a_file_is_refused_before_anything_is_written(
    source: Source, tmp_path: Path, changed: str
) -> None:
    files = manifest_of(source.archive)["files"]
    assert isinstance(files, dict)
    member = (
        DATABASE_MEMBER
        if changed == "database"
        else next(name for name in files if name.startswith("media/evidence/"))
    )
    tampered = repacked(source.archive, tmp_path / "tampered.tar.gz", member)
    target = place(tmp_path / "target")
    done = parindex(target, "restore", str(tampered))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"member {member} does not match the manifest" in done.stderr
    assert sorted(path.name for path in target.var.iterdir()) == []


def test_an_archive_damaged_on_disk_is_refused(source: Source, tmp_path: Path) -> None:
    data = bytearray(source.archive.read_bytes())
    data[len(data) // 2] ^= 0x01
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    target = place(tmp_path / "target")
    done = parindex(target, "restore", str(damaged))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not a readable backup archive" in done.stderr or "does not match" in done.stderr
    assert list(target.var.iterdir()) == []

    truncated = tmp_path / "truncated.tar.gz"
    tar = gzip.decompress(source.archive.read_bytes())
    truncated.write_bytes(gzip.compress(tar[: len(tar) // 2]))
    done = parindex(target, "restore", str(truncated))
    assert done.returncode == 2
    assert list(target.var.iterdir()) == []


def test_a_database_that_holds_data_is_refused_without_force(
    source: Source, tmp_path: Path
) -> None:
    target = place(tmp_path / "target")
    ok(parindex(target, "restore", str(source.archive)))
    execute(
        target.database,
        "UPDATE units_unit SET name = 'Đã sửa' WHERE id = (SELECT MIN(id) FROM units_unit)",
    )
    before = hashlib.sha256(target.database.read_bytes()).hexdigest()
    done = parindex(target, "restore", str(source.archive))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "the target is not empty: the database holds accounts_" in done.stderr
    assert f"MEDIA_ROOT ({target.media}) holds 2 files" in done.stderr
    assert "Nothing was written; restore --force replaces it." in done.stderr
    assert hashlib.sha256(target.database.read_bytes()).hexdigest() == before

    output = ok(parindex(target, "restore", "--force", str(source.archive)))
    assert "check passed" in output
    assert sqlite_contents(target.database) == sqlite_contents(source.place.database)


# -- PostgreSQL: pg_dump and pg_restore ----------------------------------------------------------


def pg_digest(url: str) -> dict[str, object]:
    """Per table, a digest of every row's text in a fixed order; every sequence's last value;
    the triggers."""
    import psycopg

    with psycopg.connect(url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        digest: dict[str, object] = {
            table: connection.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{table}" t'
            ).fetchone()
            for table in tables
        }
        digest["(sequences)"] = connection.execute(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename"
        ).fetchall()
        digest["(triggers)"] = connection.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"
        ).fetchall()
        return digest


@pytest.mark.postgres_only
def test_postgresql_is_backed_up_with_pg_dump_and_restored_exactly(tmp_path: Path) -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]  # the PostgreSQL pass (scripts/with-postgres) sets it
    server = url.rsplit("/", 1)[0]
    names = ("parindex_backup_source", "parindex_backup_target")
    with psycopg.connect(url, autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {name}")
    try:
        source = place(tmp_path / "source", DATABASE_URL=f"{server}/{names[0]}")
        target = place(tmp_path / "target", DATABASE_URL=f"{server}/{names[1]}")
        ok(manage(source, "migrate", "--noinput", "-v0"))
        ok(manage(source, "demo"))
        archive = tmp_path / "parindex.tar.gz"
        ok(parindex(source, "backup", str(archive)))
        manifest = manifest_of(archive)
        assert manifest["database"] == {
            **manifest["database"],  # type: ignore[dict-item]
            "vendor": "postgresql",
            "member": "database/parindex.pgdump",
        }

        output = ok(parindex(target, "restore", str(archive)))
        assert "check passed" in output
        assert pg_digest(target.env["DATABASE_URL"]) == pg_digest(source.env["DATABASE_URL"])
        assert file_hashes(target.media) == file_hashes(source.media)
        assert "chain intact" in ok(manage(target, "audit_verify"))

        done = parindex(target, "restore", str(archive))
        assert done.returncode == 2
        assert "the target is not empty" in done.stderr
        assert "check passed" in ok(parindex(target, "restore", "--force", str(archive)))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
