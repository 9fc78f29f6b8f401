"""Leaves whose value comes from another system: the framework file's ``x-feed`` extension.

A leaf may say that its figure is fed by a system of the province (the public service portal,
the document management system) instead of being typed::

    - code: "6.1.1"
      title: Tỷ lệ hồ sơ giải quyết đúng hạn
      x-feed: Cổng dịch vụ công tỉnh          # or x-feed: {source: Cổng dịch vụ công tỉnh}

The core ignores ``x-`` keys (docs/formats.md §1.4), so this module reads the stored file text
again, with the core's strict YAML reader, and keeps the source of every leaf that names one.
A malformed ``x-feed`` (a list, an empty text) names no source and is ignored, as the core
ignores every extension: it cannot make a framework invalid.
"""

from __future__ import annotations

from functools import lru_cache

from parindex.core import ParindexError
from parindex.core import yamltext as y

from .models import FrameworkVersion

KEY = "x-feed"


def _source(value: y.Value | None) -> str:
    if isinstance(value, y.Mapping):
        value = value.get("source")
    if isinstance(value, y.Scalar) and value.kind == "str":
        return " ".join(str(value).split())[:200]
    return ""


def _walk(nodes: y.Value | None, found: dict[str, str]) -> None:
    if not isinstance(nodes, y.Sequence):
        return
    for node in nodes:
        if not isinstance(node, y.Mapping):
            continue
        code, children = node.get("code"), node.get("children")
        if children is not None:
            _walk(children, found)
        elif isinstance(code, y.Scalar):
            source = _source(node.get(KEY))
            if source:
                found[str(code)] = source


@lru_cache(maxsize=32)
def _parse(sha256: str, text: str) -> dict[str, str]:
    try:
        root = y.read_yaml(text, "<framework>", ParindexError)
    except ParindexError:  # pragma: no cover - a stored version was read by the core already
        return {}
    found: dict[str, str] = {}
    if isinstance(root, y.Mapping):
        _walk(root.get("nodes"), found)
    return found


def feed_sources(version: FrameworkVersion) -> dict[str, str]:
    """Leaf code → the system its value comes from, for the leaves that declare ``x-feed``
    (read once per process per file hash)."""
    return dict(_parse(version.sha256, version.source_text))
