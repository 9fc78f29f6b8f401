"""Reads for framework versions."""

from __future__ import annotations

from functools import lru_cache

from parindex.core import Framework, load_framework

from .models import FrameworkVersion


@lru_cache(maxsize=32)
def _parse(sha256: str, text: str, source: str) -> Framework:
    return load_framework(text, source=source)


def core_framework(version: FrameworkVersion) -> Framework:
    """The core's Framework for a stored version (parsed once per process per content hash)."""
    return _parse(version.sha256, version.source_text, version.source_name)
