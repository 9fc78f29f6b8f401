"""Reads of the evidence store."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from parindex.accounts.models import User
from parindex.accounts.roles import own_unit_ids, sees_all_results
from parindex.units.models import Unit

from .models import Evidence


def unit_evidence(unit: Unit) -> QuerySet[Evidence]:
    """A unit's evidence, newest first, with what a listing shows."""
    return Evidence.objects.filter(unit=unit).select_related("stored_file", "uploaded_by")


def libraries_for_user(user: User) -> QuerySet[Unit]:
    """The units whose evidence library ``user`` may open, with how much evidence each holds."""
    units = Unit.objects.all()
    if not sees_all_results(user):
        units = units.filter(pk__in=own_unit_ids(user))
    return units.annotate(evidence_count=Count("evidence")).order_by("code")
