"""National PAR Index results of provinces, as the Ministry of Home Affairs publishes them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NationalYear(models.Model):
    """What is known of one year's national table: how many provinces, the national average,
    the band thresholds, and where the figures come from."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    provinces = models.PositiveSmallIntegerField(_("provinces ranked"), null=True, blank=True)
    average = models.DecimalField(
        _("national average"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    bands = models.JSONField(
        _("bands"), default=list, blank=True, help_text='[{"code": "A", "min": "90"}, …]'
    )
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("national year")

    def __str__(self) -> str:
        return str(self.year)


class Provenance(models.TextChoices):
    """How a national figure is known (*nguồn gốc số liệu*): printed in its source, or worked
    out. Pages mark every figure that is not stated directly."""

    DIRECT = "direct", _("stated by the source")
    DERIVED = "derived", _("derived from a published figure and a stated change")
    SECONDARY = "secondary", _("from a secondary source, not checked against a primary one")
    UNVERIFIED = "unverified", _("from an earlier edition of the table, not checked again")


class NationalResult(models.Model):
    """A province's published national PAR Index for a year. The province is a ``Unit`` of type
    province, so a province that merged keeps its results under its own name. A row may hold
    no figure at all, only a note (a year searched and not found, a change whose value is not
    stated): what is known is kept, and a missing figure stays unknown, never zero."""

    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        related_name="national_results",
        verbose_name=_("province"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    index = models.DecimalField(_("index"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=40, blank=True)
    index_provenance = models.CharField(
        _("how the index is known"), max_length=12, choices=Provenance.choices, blank=True
    )
    rank_provenance = models.CharField(
        _("how the rank is known"), max_length=12, choices=Provenance.choices, blank=True
    )
    area_indices = models.JSONField(
        _("area indices"), default=dict, blank=True, help_text='{"1": "85.20", …}'
    )
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "rank", "unit__name"]
        verbose_name = _("national result")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year"], name="national_unique_result")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}: {self.index}"
