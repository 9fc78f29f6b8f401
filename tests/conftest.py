"""Suite-wide collection rules (no Django import at module level: tests/core needs none)."""

from __future__ import annotations

import pytest


def _database_vendor() -> str | None:
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - the core runs without Django installed
        return None
    if not settings.configured:
        return None
    engine: str = settings.DATABASES["default"]["ENGINE"]
    return "postgresql" if "postgresql" in engine else engine.rsplit(".", 1)[-1]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """PostgreSQL-only tests (concurrency, row locks) are not collected on another database:
    they run in the PostgreSQL pass of `make test` (CI runs both), never as a silent skip."""
    vendor = _database_vendor()
    if vendor in (None, "postgresql"):
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres_only") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
