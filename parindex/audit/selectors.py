"""Reads of the audit trail."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from parindex.audit.models import AuditEvent, PublishedHead
from parindex.cycles.models import Cycle

APPRAISAL_PREFIX = "appraisal."  # the appraisers' decisions on a leaf: appraisal.adjusted, …


def _events() -> QuerySet[AuditEvent]:
    # Only the actor is joined: a filter on cycle or unit would turn their join into an inner
    # one and hide events whose cycle or unit has since been deleted.
    return AuditEvent.objects.select_related("actor")


def events_for_leaf(
    *, cycle_id: int, unit_id: int, leaf_code: str, appraisal: bool = True
) -> QuerySet[AuditEvent]:
    """A leaf's history in one unit and cycle, oldest first; without the appraisers' entries
    when ``appraisal`` is false."""
    events = _events().filter(cycle_id=cycle_id, unit_id=unit_id, leaf_code=leaf_code)
    if not appraisal:
        events = events.exclude(action__startswith=APPRAISAL_PREFIX)
    return events.order_by("sequence")


def events_for(*, target: models.Model) -> QuerySet[AuditEvent]:
    """Every event about one object, oldest first."""
    return (
        _events()
        .filter(target_type=target._meta.label_lower, target_id=str(target.pk))
        .order_by("sequence")
    )


def published_head(cycle: Cycle) -> PublishedHead | None:
    """The audit head recorded at the cycle's (latest) publication, or None if there is none
    (unpublished, or published before heads were recorded)."""
    if not cycle.is_published:
        return None
    return PublishedHead.objects.filter(cycle_id=cycle.pk).order_by("-sequence").first()
