"""Reads for framework versions, and the node mapping between two versions of a family."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from parindex.core import Framework, Node, load_framework
from parindex.core.nodemap import NodeMap, identical_codes, read_node_map

from .models import FrameworkVersion, NodeMapping


@lru_cache(maxsize=32)
def _parse(sha256: str, text: str, source: str) -> Framework:
    return load_framework(text, source=source)


def core_framework(version: FrameworkVersion) -> Framework:
    """The core's Framework for a stored version (parsed once per process per content hash)."""
    return _parse(version.sha256, version.source_text, version.source_name)


def node_map_between(earlier: FrameworkVersion, later: FrameworkVersion) -> NodeMap:
    """How the nodes of ``later`` continue those of ``earlier`` (two versions of one family):
    the stored mapping file of the pair, else every node continues the node of the same code."""
    old, new = core_framework(earlier), core_framework(later)
    if earlier.pk == later.pk:
        return identical_codes(old, new)
    stored = (
        NodeMapping.objects.filter(from_version=earlier, to_version=later)
        .values_list("source_text", "source_name")
        .first()
    )
    if stored is None:
        return identical_codes(old, new)
    return read_node_map(stored[0], old, new, source=stored[1])


@dataclass(frozen=True)
class OutlineRow:
    """A node as the framework's methodology shows it: its rule in words, the unit types it
    applies to by their titles."""

    node: Node
    rule: str | None
    applies_to: str


def framework_outline(fw: Framework, lang: str) -> list[OutlineRow]:
    """Every node in framework order, each leaf's rule explained in ``lang`` by the core."""
    return [
        OutlineRow(
            node,
            node.rule.describe(node).get(lang) if node.rule else None,
            ", ".join(fw.unit_type_label(code, lang) for code in sorted(node.applies_to or ())),
        )
        for node in fw.all_nodes
    ]
