"""``backup_create`` and ``backup_restore``: what ``manage.py backup`` and ``manage.py restore``
(``parindex backup`` and ``parindex restore``) do."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

import parindex

from . import database
from .archive import (
    DATABASE_MEMBERS,
    FORMAT,
    MEDIA,
    ArchiveWriter,
    BackupError,
    Staged,
    read_archive,
    safe_name,
)
from .check import CheckReport, check_database

Log = Callable[[str], None]


def _quiet(_line: str) -> None:
    pass


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def media_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` as (path below it, file), in name order. Symbolic
    links are not followed: storage never writes them."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        base = Path(folder)
        for name in sorted(files):
            path = base / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


@dataclass
class BackupSummary:
    path: Path
    manifest: dict[str, Any]
    missing_evidence: list[str]

    def lines(self) -> list[str]:
        db = self.manifest["database"]
        media = self.manifest["media"]
        rows = sum(db["tables"].values())
        lines = [
            f"{self.path}: {db['vendor']} database ({len(db['tables'])} tables, {rows} rows), "
            f"{media['files']} files from MEDIA_ROOT ({media['bytes']} B), audit head "
            f"{self.manifest['audit_head']}",
        ]
        if not _evidence_on_disk():
            lines.append(
                "warning: evidence files are kept by the storage backend "
                f"{type(default_storage).__name__}, not under MEDIA_ROOT: back them up with that "
                "storage's own tools"
            )
        elif self.missing_evidence:
            lines.append(
                f"warning: {len(self.missing_evidence)} evidence files the database names are "
                f"not under MEDIA_ROOT with their hash (first: {self.missing_evidence[0]}); "
                "`parindex restore --check-only` lists them"
            )
        return lines


def _evidence_on_disk() -> bool:
    """Whether evidence is stored as files under MEDIA_ROOT (the default storage)."""
    return (
        isinstance(default_storage, FileSystemStorage)
        and Path(default_storage.location).resolve() == Path(settings.MEDIA_ROOT).resolve()
    )


def backup_create(path: Path, *, force: bool = False, log: Log = _quiet) -> BackupSummary:
    """Write the archive: a consistent copy of the database, then every file under MEDIA_ROOT
    (evidence files are written before the rows naming them commit and never removed, so every
    file the copy refers to is found), then the manifest."""
    path = path.absolute()
    vendor = connection.vendor
    if vendor not in DATABASE_MEMBERS:
        raise BackupError(f"backup supports SQLite and PostgreSQL, not {vendor}")
    if path.exists() and not force:
        raise BackupError(f"{path} exists; choose another name (or --force to replace it)")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent}: no such directory")
    root = media_root().absolute()
    if path.is_relative_to(root):
        raise BackupError(f"{path} is inside MEDIA_ROOT ({root}): write the archive elsewhere")
    with tempfile.TemporaryDirectory(prefix=".parindex-backup-", dir=path.parent) as work:
        copy = Path(work) / "database"
        log(f"copying the {vendor} database")
        facts = database.snapshot(copy)
        writer = ArchiveWriter(path)
        try:
            writer.add_file(DATABASE_MEMBERS[vendor], copy)
            copy.unlink()
            count = size = 0
            for relative, file in media_files(root):
                name = MEDIA + relative
                if safe_name(name) is None:
                    raise BackupError(f"cannot archive {file}: its name cannot be restored safely")
                writer.add_file(name, file)
                count += 1
                size += writer.files[name]["size"]
            log(f"{count} files from MEDIA_ROOT")
            missing = sorted(
                storage_name
                for storage_name, sha256 in facts.stored_files.items()
                if writer.files.get(MEDIA + storage_name, {}).get("sha256") != sha256
            )
            manifest = {
                "format": FORMAT,
                "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "parindex_version": parindex.__version__,
                "database": {
                    "vendor": vendor,
                    "member": DATABASE_MEMBERS[vendor],
                    "tables": facts.tables,
                    "migrations": facts.migrations,
                },
                "audit_head": facts.audit_head,
                "media": {"files": count, "bytes": size},
                "evidence_missing": missing,
                "files": writer.files,
            }
            writer.finish(manifest)
        except BaseException:
            writer.abort()
            raise
    return BackupSummary(path, manifest, missing)


def verify_archive(path: Path, staging: Path) -> Staged:
    """Read and check the archive into ``staging``, and refuse one this deployment cannot
    restore: another database vendor, or migrations this code does not have."""
    staged = read_archive(path, staging)
    vendor = connection.vendor
    if staged.vendor != vendor:
        raise BackupError(
            f"{path} holds a {staged.vendor} database; this deployment uses {vendor} "
            "(DATABASE_URL): an archive restores only into the vendor it was made from"
        )
    unknown = database.unknown_migrations(staged.manifest["database"]["migrations"])
    if unknown:
        raise BackupError(
            f"{path} was made by a newer parindex ({staged.manifest.get('parindex_version')}): "
            f"migrations {', '.join(unknown[:5])} are not in this code; install that version"
        )
    database.check_copy(vendor, staged.database)
    return staged


def _place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.restoring")
    shutil.copyfile(source, partial)
    os.chmod(partial, settings.FILE_UPLOAD_PERMISSIONS or 0o640)
    os.replace(partial, target)


def backup_restore(path: Path, *, force: bool = False, log: Log = _quiet) -> CheckReport:
    """Check the whole archive, refuse a target that holds data (unless ``force``), write the
    files under MEDIA_ROOT, replace the database in one step, then check the restored copy."""
    root = media_root()
    with tempfile.TemporaryDirectory(prefix="parindex-restore-") as work:
        log(f"reading {path} and checking every file against the manifest")
        staged = verify_archive(path, Path(work))
        manifest = staged.manifest
        if not force:
            held = database.holdings()
            files = sum(1 for _ in media_files(root))
            if held or files:
                what = []
                if held:
                    more = f" and {len(held) - 3} more" if len(held) > 3 else ""
                    what.append("the database holds " + ", ".join(held[:3]) + more)
                if files:
                    what.append(f"MEDIA_ROOT ({root}) holds {files} files")
                raise BackupError(
                    "the target is not empty: "
                    + "; ".join(what)
                    + ". Nothing was written; restore --force replaces it."
                )
        media = staged.media()
        log(f"writing {len(media)} files under MEDIA_ROOT")
        for relative, source in media:
            _place(source, root / relative)
        log(f"restoring the {staged.vendor} database")
        try:
            database.restore(staged.vendor, staged.database)
        except BackupError as exc:
            raise BackupError(
                f"{exc}. The database was left as it was (the restore is one step); the files "
                "under MEDIA_ROOT were written.",
                returncode=1,
            ) from exc
    pending = database.pending_migrations()
    if pending:
        raise BackupError(
            f"restored; the database misses {len(pending)} migrations of this code "
            f"({', '.join(pending[:3])}…): run `manage.py migrate`, then "
            "`parindex restore --check-only`",
            returncode=1,
        )
    log("checking the restored database")
    return check_database(manifest)


def backup_check(path: Path | None) -> CheckReport:
    """``restore --check-only``: check the database in place, and with an archive, the archive
    against its manifest and the database against the manifest. Writes nothing outside a
    temporary directory."""
    if path is None:
        return check_database()
    with tempfile.TemporaryDirectory(prefix="parindex-check-") as work:
        staged = read_archive(path, Path(work))
    return check_database(staged.manifest)
