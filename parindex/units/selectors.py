"""Reads of the unit register: the register as it stood on a date, and where units went.

A unit is *valid on* a day when it had been created (``valid_from`` empty or on or before the
day) and not yet closed (``valid_to`` empty or on or after the day). Provinces of the national
table (units of type province, and any unit holding national results) are the national PAR
Index's units, not the province's own: they are left out unless asked for.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import Succession, Unit, UnitType


def valid_on(day: datetime.date) -> Q:
    """The units valid on ``day``, as a filter."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def national_units() -> Q:
    """The units of the national table: provinces, and any unit with national results."""
    with_results = Unit.objects.filter(national_results__isnull=False).values("pk")
    return Q(type=UnitType.PROVINCE) | Q(pk__in=with_results)


def register_as_of(
    day: datetime.date,
    *,
    types: Iterable[str] = (),
    include_national: bool = False,
    include_closed: bool = False,
) -> QuerySet[Unit]:
    """The register as it stood on ``day``: the units valid then, of ``types`` (every type when
    empty), ordered by type and code. Units closed before the day (dissolved, merged) come only
    with ``include_closed``, the national table's provinces only with ``include_national``;
    units created after the day never."""
    created = Q(valid_from__isnull=True) | Q(valid_from__lte=day)
    units = Unit.objects.filter(created if include_closed else valid_on(day))
    if not include_national:
        units = units.exclude(national_units())
    types = [t for t in types if t]
    if types:
        units = units.filter(type__in=types)
    return units.order_by("type", "code")


def is_national(unit: Unit) -> bool:
    return Unit.objects.filter(national_units(), pk=unit.pk).exists()


@dataclass
class Followed:
    """Where a set of units stands on a day, following the register's successions."""

    units: list[Unit] = field(default_factory=list)  # valid on the day, each once
    replaced: list[tuple[Unit, list[Unit]]] = field(default_factory=list)  # closed → successors
    lost: list[Unit] = field(default_factory=list)  # closed, with no valid successor


def follow_successions(units: Iterable[Unit], day: datetime.date) -> Followed:
    """Each unit as it stood on ``day``: itself when valid, else the successors it merged or
    split into (followed through later successions too: a merger after a merger), each unit
    once. A closed unit without a valid successor is reported as lost."""
    links: dict[int, list[Unit]] = {}
    for link in Succession.objects.filter(date__lte=day).select_related("successor"):
        links.setdefault(link.predecessor_id, []).append(link.successor)
    result = Followed()
    seen: set[int] = set()

    def add(unit: Unit) -> None:
        if unit.pk not in seen:
            seen.add(unit.pk)
            result.units.append(unit)

    for unit in units:
        if unit.is_active_on(day):
            add(unit)
            continue
        found: list[Unit] = []
        visited = {unit.pk}
        frontier = list(links.get(unit.pk, []))
        while frontier:
            nxt = frontier.pop(0)
            if nxt.pk in visited:
                continue
            visited.add(nxt.pk)
            if nxt.is_active_on(day):
                found.append(nxt)
            else:
                frontier.extend(links.get(nxt.pk, []))
        if found:
            result.replaced.append((unit, found))
            for successor in found:
                add(successor)
        else:
            result.lost.append(unit)
    return result
