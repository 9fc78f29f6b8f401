"""Answers per unit and leaf, and the results the core computed from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Answer(models.Model):
    """A unit's value for one leaf in one cycle, as written (the core reads and scores it)."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="answers")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="answers")
    leaf_code = models.CharField(_("leaf"), max_length=40)
    value = models.CharField(_("value"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic concurrency: a save names the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(default=0, help_text="bumped on every change of value")

    class Meta:
        verbose_name = _("answer")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "leaf_code"], name="unique_answer")
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.leaf_code} = {self.value}"


class UnitResult(models.Model):
    """A unit's computed result in a cycle. Written only by ``results.services.cycle_compute``,
    which takes every figure from the core; never edited by hand."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="results")
    group = models.CharField(_("ranking group"), max_length=100, blank=True)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=3)
    max = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3)
    index = models.DecimalField(_("index"), max_digits=12, decimal_places=3, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    band = models.CharField(_("band"), max_length=20, blank=True)
    position = models.PositiveIntegerField(help_text="listing order of the computation")
    nodes = models.JSONField(help_text="node code -> {points, max, index} as decimal strings")
    leaves = models.JSONField(help_text="leaf code -> {value, status, points, vi, en}")
    missing = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name = _("unit result")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unique_unit_result")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.cycle.year}: {self.index}"
