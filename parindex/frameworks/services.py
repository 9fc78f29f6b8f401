"""Writes for framework versions: import a file, never change it afterwards."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, cast

from django.db import transaction

from parindex.audit.services import audit_record
from parindex.core import load_framework
from parindex.core.errors import FrameworkError, InputError
from parindex.core.messages import msg
from parindex.core.nodemap import read_node_map

from .models import FrameworkNode, FrameworkVersion, NodeMapping
from .selectors import core_framework

if TYPE_CHECKING:
    # the user model (AUTH_USER_MODEL) as django-stubs types it, without importing accounts
    from django.contrib.auth.models import _User as User


@transaction.atomic
def framework_import(
    *, text: str, source_name: str, user: object | None = None
) -> FrameworkVersion:
    """Validate a framework file with the core and store it as a new immutable version.

    Raises FrameworkError (naming file, line and node) when the file is invalid, or when the
    same code and version already exist with different content. A new version writes one
    audit event (``framework.import``); the same file imported again changes nothing.
    """
    fw = load_framework(text, source=source_name)
    actor = cast("User | None", user if getattr(user, "pk", None) else None)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    existing = FrameworkVersion.objects.filter(code=fw.code, version=fw.version).first()
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise FrameworkError(
            f"framework {fw.code} version {fw.version} already exists with different content; "
            "a version never changes: give the new file a new version",
            source=source_name,
        )
    version = FrameworkVersion.objects.create(
        code=fw.code,
        version=fw.version,
        title_vi=fw.title.vi,
        title_en=fw.title.en or "",
        legal_basis=fw.legal_basis or "",
        source_name=source_name,
        source_text=text,
        sha256=digest,
        max_total=fw.max_total,
        imported_by=actor,
    )
    FrameworkNode.objects.bulk_create(
        FrameworkNode(
            version=version,
            code=node.code,
            parent_code=node.parent or "",
            position=position,
            depth=node.depth,
            title_vi=node.title.vi,
            title_en=node.title.en or "",
            kind=node.kind,
            max=node.full_max,
            is_leaf=node.is_leaf,
            rule_type=node.rule.type if node.rule else "",
            lead=node.lead or "",
            evidence=node.evidence,
            source=node.source,
            allow_na=node.allow_na,
            applies_to=sorted(node.applies_to) if node.applies_to is not None else None,
        )
        for position, node in enumerate(fw.all_nodes)
    )
    audit_record(
        actor=actor,
        action="framework.import",
        target=version,
        before=None,
        after={
            "code": version.code,
            "version": version.version,
            "source_name": source_name,
            "sha256": digest,
            "nodes": len(fw.all_nodes),
        },
    )
    return version


@transaction.atomic
def node_mapping_import(
    *,
    text: str,
    source_name: str,
    earlier: FrameworkVersion,
    later: FrameworkVersion,
    user: object | None = None,
) -> NodeMapping:
    """Check a node mapping file (docs/formats.md §5) from ``earlier`` to ``later`` with the
    core and store it verbatim for that pair, replacing the pair's earlier file. Raises
    ``InputError``(s) naming file, line, column and code. A change writes one audit event
    (``framework.mapping_import``, the hashes before and after); the same file again changes
    nothing."""
    if earlier.pk == later.pk:
        raise InputError(msg("map.same_version"), source=source_name)
    read_node_map(text, core_framework(earlier), core_framework(later), source=source_name)
    actor = cast("User | None", user if getattr(user, "pk", None) else None)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    mapping = (
        NodeMapping.objects.select_for_update()
        .filter(from_version=earlier, to_version=later)
        .first()
    )
    before = None if mapping is None else {"sha256": mapping.sha256}
    if mapping is not None and mapping.sha256 == digest:
        return mapping
    if mapping is None:
        mapping = NodeMapping(from_version=earlier, to_version=later)
    mapping.source_name = source_name
    mapping.source_text = text
    mapping.sha256 = digest
    mapping.imported_by = actor
    mapping.save()
    audit_record(
        actor=actor,
        action="framework.mapping_import",
        target=mapping,
        before=before,
        after={
            "from": f"{earlier.code} {earlier.version}",
            "to": f"{later.code} {later.version}",
            "source_name": source_name,
            "sha256": digest,
        },
    )
    return mapping
