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


class Basis(models.TextChoices):
    """What a result is computed from: the unit's declared values (*tự đánh giá*), or the
    values in force after appraisal (*kết quả thẩm định*): per leaf, the settled or appraised
    value or points where there is one, else the declared value."""

    SELF = "self", _("Self-assessed")
    FINAL = "final", _("Final (after appraisal)")


class AppraisedValue(models.Model):
    """The value in force for one leaf of one unit after appraisal, when it differs from the
    declared :class:`Answer`: a re-declared figure (scored by the core) or points set directly
    (fed to the core as an override, "điểm thẩm định"). Written only by the appraisal services,
    in the transaction that changes the appraisal; read by the final basis."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="appraised_values"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    leaf_code = models.CharField(_("leaf"), max_length=40)
    value = models.CharField(_("value"), max_length=200, blank=True)
    points = models.DecimalField(
        _("points"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appraised value")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "unit", "leaf_code"], name="unique_appraised_value"
            ),
            models.CheckConstraint(
                condition=(models.Q(points__isnull=True) & ~models.Q(value=""))
                | (models.Q(points__isnull=False) & models.Q(value="")),
                name="appraised_value_or_points",
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.points is None else f"{self.points} pts"
        return f"{self.unit_id} {self.leaf_code} = {shown}"


class UnitResult(models.Model):
    """A unit's computed result in a cycle on one basis. Written only by
    ``results.services.cycle_compute`` (the whole cycle) and ``unit_results_refresh`` (one unit
    and its group's ranks, after a save), which take every figure from the core; never edited
    by hand."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="results")
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.FINAL)
    group = models.CharField(_("ranking group"), max_length=100, blank=True)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=3)
    max = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3)
    index = models.DecimalField(_("index"), max_digits=12, decimal_places=3, null=True)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    band = models.CharField(_("band"), max_length=20, blank=True)
    position = models.PositiveIntegerField(help_text="listing order of the computation")
    nodes = models.JSONField(help_text="node code -> {points, max, index} as decimal strings")
    leaves = models.JSONField(
        help_text="leaf code -> {value, status, points}, and {vi, en} for appraised points"
    )
    missing = models.JSONField(default=list)
    # The areas' indices out of ``nodes``, small enough to be stored in the row itself: pages
    # about thousands of units (ranking, group means) read them without reading ``nodes``.
    areas = models.JSONField(
        default=dict, help_text="area code -> index as a decimal string (the top-level nodes)"
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        # "final" sorts before "self": a reader that takes the first row gets the final basis.
        ordering = ["cycle", "basis", "position"]
        verbose_name = _("unit result")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit", "basis"], name="unique_unit_result")
        ]
        # One group's rows, read to rank the group again after a save: without it the read
        # scans the whole cycle. It holds every column that read needs, so the rows themselves
        # (their nodes and leaves) are not read.
        indexes = [
            models.Index(
                fields=["cycle", "group", "basis", "unit", "index", "rank", "position"],
                name="unit_result_group_ranks",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.cycle.year} ({self.basis}): {self.index}"


class ResultSnapshot(models.Model):
    """The results of a cycle frozen when the council approves them (*kết quả được phê duyệt*).

    ``results`` holds every unit's result as computed then; ``inputs_sha256`` is the SHA-256 of
    what produced them (the framework version's hash, the units in scope, every declared value
    and every appraised value or points, in canonical order). Reopening keeps the snapshot and
    marks it superseded; a snapshot is never changed otherwise."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="snapshots")
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.FINAL)
    results = models.JSONField(help_text="every unit's result, in listing order")
    inputs_sha256 = models.CharField(_("SHA-256 of the inputs"), max_length=64)
    framework_sha256 = models.CharField(_("SHA-256 of the framework"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("approved at"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["cycle", "-created_at", "-id"]
        verbose_name = _("result snapshot")

    def __str__(self) -> str:
        return f"{self.cycle} {self.inputs_sha256[:12]}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None
