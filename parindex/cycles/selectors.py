"""Reads of cycles shared by the apps above them."""

from __future__ import annotations

from .models import Cycle


def previous_in_family(cycle: Cycle) -> Cycle | None:
    """The latest cycle before ``cycle`` in its framework family (the same framework code, any
    version), whatever its state; cancelled cycles do not count (``Cycle.objects``)."""
    return (
        Cycle.objects.select_related("framework_version")
        .filter(framework_version__code=cycle.framework_version.code, year__lt=cycle.year)
        .order_by("-year", "-pk")
        .first()
    )
