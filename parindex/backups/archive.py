"""The backup archive: a gzip-compressed tar holding

- ``database/parindex.sqlite3`` (SQLite) or ``database/parindex.pgdump`` (PostgreSQL, custom
  format): the database;
- ``media/<path>``: every regular file under MEDIA_ROOT, at its path below it;
- ``manifest.json``, written last: the format, when and by which parindex it was made, the
  database vendor, rows per table, the audit head, the applied migrations, and the SHA-256 and
  size of every other member.

Each member is hashed while it is written, so the manifest names the bytes that went into the
archive. The reader stages every member in a directory of its own, refusing anything the writer
never writes (links, directories, absolute or ``..`` paths, a name twice), and compares every
staged file with the manifest; nothing outside the staging directory is written until it all
agrees.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {
    "sqlite": "database/parindex.sqlite3",
    "postgresql": "database/parindex.pgdump",
}
MEDIA = "media/"
MANIFEST_MAX_BYTES = 256 * 1024 * 1024
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; ``returncode`` 2 when nothing was done (a bad
    archive, a target that holds data, a missing tool), 1 when a check of a restored or
    existing database failed."""

    def __init__(self, message: str, returncode: int = 2) -> None:
        super().__init__(message)
        self.returncode = returncode


class ArchiveError(BackupError):
    """The archive cannot be read, or does not match its manifest: nothing was restored."""


class _HashingReader:
    """Hands the bytes of a file to ``tarfile`` and hashes them on the way."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


class ArchiveWriter:
    """Writes ``<path>.partial`` (mode 0600: the archive holds password hashes and personal
    data) and renames it to ``path`` only when the manifest is written, so an interrupted
    backup never leaves a truncated archive under the final name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        descriptor = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._raw = os.fdopen(descriptor, "wb")
        self._tar = tarfile.open(  # noqa: SIM115 - closed by finish() or abort()
            fileobj=self._raw, mode="w:gz", compresslevel=6, format=tarfile.PAX_FORMAT
        )
        self.files: dict[str, dict[str, Any]] = {}

    def add_file(self, name: str, source: Path) -> None:
        stat = source.stat()
        info = tarfile.TarInfo(name)
        info.size = stat.st_size
        info.mtime = int(stat.st_mtime)
        info.mode = 0o640
        with source.open("rb") as handle:
            reader = _HashingReader(handle)
            self._tar.addfile(info, reader)
        self.files[name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}

    def finish(self, manifest: dict[str, Any]) -> None:
        data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        info.mode = 0o640
        info.mtime = int(manifest_time(manifest))
        self._tar.addfile(info, io.BytesIO(data))
        self._tar.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        with contextlib.suppress(OSError, tarfile.TarError):
            self._tar.close()
        self._raw.close()
        self.partial.unlink(missing_ok=True)


def manifest_time(manifest: dict[str, Any]) -> float:
    return datetime.fromisoformat(str(manifest["created"]).replace("Z", "+00:00")).timestamp()


@dataclass
class Staged:
    """An archive read into ``root``: its manifest, and member name → staged file."""

    root: Path
    manifest: dict[str, Any]
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def vendor(self) -> str:
        return str(self.manifest["database"]["vendor"])

    @property
    def database(self) -> Path:
        return self.files[str(self.manifest["database"]["member"])]

    def media(self) -> list[tuple[str, Path]]:
        """(path below MEDIA_ROOT, staged file), in name order."""
        return sorted(
            (name[len(MEDIA) :], path)
            for name, path in self.files.items()
            if name.startswith(MEDIA)
        )


def safe_name(name: str) -> str | None:
    """The member's name if the writer could have written it, else None."""
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in name.split("/"))
    ):
        return None
    if name == MANIFEST or name in DATABASE_MEMBERS.values():
        return name
    if name.startswith(MEDIA) and len(name) > len(MEDIA):
        return name
    return None


def _copy(source: IO[bytes], target: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with target.open("xb") as out:
        while chunk := source.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return digest.hexdigest(), size


def read_archive(path: Path, staging: Path) -> Staged:
    """Stage every member of the archive under ``staging`` and check each against the manifest.

    Raises :class:`ArchiveError` naming the first problem: an unreadable or corrupted archive,
    a member the writer never writes, no manifest or one of another format, a file whose
    SHA-256 or size differs from the manifest's, a file the manifest does not list, a listed
    file that is missing."""
    if not path.is_file():
        raise ArchiveError(f"{path}: no such file")
    found: dict[str, tuple[str, int]] = {}
    staged: dict[str, Path] = {}
    manifest: list[bytes] = []
    files_dir = staging / "members"
    try:
        with gzip.open(path, "rb") as compressed:
            _stage(path, compressed, files_dir, found, staged, manifest)
            # Read to the end: gzip checks its CRC and length there, and a damaged header that
            # ended the tar early still fails here.
            while compressed.read(CHUNK):
                pass
    except ArchiveError:
        raise
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise ArchiveError(f"{path}: not a readable backup archive (.tar.gz): {exc}") from None
    manifest_bytes = manifest[0] if manifest else None
    if manifest_bytes is None:
        raise ArchiveError(f"{path}: no {MANIFEST}: not a parindex backup, or cut short")
    document = _manifest(path, manifest_bytes)
    listed: dict[str, Any] = document["files"]
    for name, (sha256, size) in sorted(found.items()):
        entry = listed.get(name)
        if entry is None:
            raise ArchiveError(f"{path}: member {name} is not listed in the manifest")
        if entry.get("sha256") != sha256 or entry.get("size") != size:
            raise ArchiveError(
                f"{path}: member {name} does not match the manifest: SHA-256 {sha256[:16]}… "
                f"({size} B), the manifest says {str(entry.get('sha256'))[:16]}… "
                f"({entry.get('size')} B)"
            )
    missing = sorted(set(listed) - set(found))
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise ArchiveError(f"{path}: {missing[0]}{more} listed in the manifest but not present")
    if document["database"]["member"] not in found:
        raise ArchiveError(f"{path}: the database member is missing")
    return Staged(staging, document, staged)


def _stage(
    path: Path,
    compressed: gzip.GzipFile,
    files_dir: Path,
    found: dict[str, tuple[str, int]],
    staged: dict[str, Path],
    manifest: list[bytes],
) -> None:
    """Copy each member into ``files_dir`` (the manifest into ``manifest``), hashing it."""
    with tarfile.open(fileobj=compressed, mode="r|") as tar:
        for member in tar:
            name = safe_name(member.name)
            if name is None:
                raise ArchiveError(
                    f"{path}: unexpected member {member.name!r}: not written by backup"
                )
            if not member.isreg():
                raise ArchiveError(f"{path}: member {name} is not a regular file")
            if name in found or (name == MANIFEST and manifest):
                raise ArchiveError(f"{path}: member {name} appears twice")
            source = tar.extractfile(member)
            if source is None:  # pragma: no cover - a regular file always has content
                raise ArchiveError(f"{path}: member {name} has no content")
            if name == MANIFEST:
                if member.size > MANIFEST_MAX_BYTES:
                    raise ArchiveError(f"{path}: the manifest is too large ({member.size} B)")
                manifest.append(source.read())
                continue
            target = files_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            found[name] = _copy(source, target)
            staged[name] = target


def _manifest(path: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ArchiveError(f"{path}: {MANIFEST} is not JSON: {exc}") from None
    if not isinstance(manifest, dict):
        raise ArchiveError(f"{path}: {MANIFEST} is not a JSON object")
    if manifest.get("format") != FORMAT:
        raise ArchiveError(
            f"{path}: manifest format {manifest.get('format')!r}; this parindex reads format "
            f"{FORMAT} (an archive from a newer parindex needs that version)"
        )
    database = manifest.get("database")
    files = manifest.get("files")
    if (
        not isinstance(database, dict)
        or database.get("vendor") not in DATABASE_MEMBERS
        or database.get("member") != DATABASE_MEMBERS[database["vendor"]]
        or not isinstance(database.get("tables"), dict)
        or not isinstance(database.get("migrations"), list)
        or not isinstance(files, dict)
        or not all(isinstance(entry, dict) for entry in files.values())
        or not isinstance(manifest.get("created"), str)
    ):
        raise ArchiveError(f"{path}: {MANIFEST} lacks the database, its tables or the file list")
    return manifest
