"""The one choke point of the open data (*dữ liệu mở*): a cycle is reachable only once it is
published.

The open data is the public's view, so the rule is the same for everyone: a cycle that is not
published (in preparation, in progress, approved, cancelled) is a 404, whoever asks, even a
person who may read its ranking elsewhere; only its final results are offered.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from parindex.cycles.models import Cycle


def published_cycles() -> QuerySet[Cycle]:
    """Every published cycle, the latest first."""
    return (
        Cycle.objects.filter(state=Cycle.State.PUBLISHED)
        .select_related("framework_version")
        .order_by("-year", "title")
    )


def get_published_cycle(cycle_id: int) -> Cycle:
    """A published cycle, or 404."""
    cycle = published_cycles().filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    return cycle
