"""Reads of the audit pages: a page of the log and what it mentions."""

from __future__ import annotations

from parindex.audit.models import AuditEvent
from parindex.cycles.models import Cycle
from parindex.units.models import Unit


def event_log(
    *,
    cycle_id: int | None = None,
    unit_id: int | None = None,
    actor_id: int | None = None,
    action: str = "",
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> tuple[list[AuditEvent], bool, bool]:
    """One page of the audit log, newest first, by keyset on the sequence number (a log of
    millions of events pages as fast at the end as at the start).

    ``before`` gives the page of events older than that sequence number, ``after`` the page of
    newer ones. Returns the events, whether older ones exist, and whether newer ones exist.
    """
    events = AuditEvent.objects.select_related("actor")
    if cycle_id is not None:
        events = events.filter(cycle_id=cycle_id)
    if unit_id is not None:
        events = events.filter(unit_id=unit_id)
    if actor_id is not None:
        events = events.filter(actor_id=actor_id)
    if action:
        events = events.filter(action=action)
    if after is not None:
        newer = list(events.filter(sequence__gt=after).order_by("sequence")[: limit + 1])
        has_newer = len(newer) > limit
        page = newer[:limit][::-1]
        has_older = events.filter(sequence__lte=after).exists()
        return page, has_older, has_newer
    older = events if before is None else events.filter(sequence__lt=before)
    page = list(older.order_by("-sequence")[: limit + 1])
    has_older = len(page) > limit
    page = page[:limit]
    has_newer = before is not None and events.filter(sequence__gte=before).exists()
    return page, has_older, has_newer


def cycles_and_units(events: list[AuditEvent]) -> tuple[dict[int, Cycle], dict[int, Unit]]:
    """The cycles and units a page of events mentions, in two queries (missing ones: absent).
    Cancelled cycles too: the log names the cycle whose cancelling it records."""
    cycle_ids = {e.cycle_id for e in events if e.cycle_id is not None}
    unit_ids = {e.unit_id for e in events if e.unit_id is not None}
    cycles = (
        Cycle.all_objects.select_related("framework_version").in_bulk(cycle_ids)
        if cycle_ids
        else {}
    )
    units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
    return cycles, units


def actions_recorded() -> list[str]:
    """The distinct actions in the log, for the filter (served by the action index)."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
