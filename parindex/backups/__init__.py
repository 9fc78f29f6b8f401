"""Backup and restore: one archive holding the database, the files under MEDIA_ROOT and a
manifest, and the checker that proves a restored copy is whole (docs/deployment.md, "Backup and
restore").

- ``archive``: the archive's layout, the writer that hashes each member as it is written, and
  the reader that stages every member and checks it against the manifest before anything of the
  target is touched.
- ``database``: the vendor's own exact copy (SQLite's online backup API, PostgreSQL's
  ``pg_dump --format=custom`` and ``pg_restore``), the facts recorded in the manifest (rows per
  table, audit head, applied migrations) and whether a target already holds data.
- ``check``: every stored result reproduces from the stored answers, the audit chain verifies,
  every evidence file has its hash, and the database agrees with the manifest.
- ``service``: ``backup_create`` and ``backup_restore``, what the management commands call.
"""
