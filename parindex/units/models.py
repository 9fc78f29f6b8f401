"""The unit register: evaluated units and their history through mergers and splits."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UnitType(models.TextChoices):
    PROVINCE = "province", _("Province")
    MINISTRY = "ministry", _("Ministry")
    DEPARTMENT = "department", _("Department")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    OTHER = "other", _("Other")


class Unit(models.Model):
    """An evaluated unit (*đơn vị được đánh giá*): a department (*sở, ban, ngành*), a commune
    People's Committee (*UBND cấp xã*), a district, a province.

    Units are never deleted when they merge: ``valid_to`` closes them and a :class:`Succession`
    links them to the unit they became, so their history keeps their own name.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=UnitType.choices)
    group = models.CharField(
        _("ranking group"),
        max_length=100,
        blank=True,
        help_text=_("Group or cluster ranked together"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self",
        through="Succession",
        symmetrical=False,
        related_name="successors",
        blank=True,
        verbose_name=_("predecessors"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_validity_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Succession(models.Model):
    """One link of a merger or split: ``predecessor`` became (part of) ``successor`` on ``date``."""

    class Kind(models.TextChoices):
        MERGER = "merger", _("Merger")
        SPLIT = "split", _("Split")
        RENAME = "rename", _("Renaming")

    predecessor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="succession_out")
    successor = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="succession_in")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MERGER)
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    # The predecessor's share in its successor's year-over-year baseline (population, staff…):
    # when every unit of a baseline has one, the baseline is their weighted mean, else their
    # plain mean (docs/methodology.md Y3).
    weight = models.DecimalField(
        _("weight"),
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_(
            "Optional: the predecessor's weight in its successor's baseline for the change "
            "since the previous cycle (e.g. population). Empty: equal weights."
        ),
    )

    class Meta:
        verbose_name = _("succession")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unique_succession"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gt=0),
                name="succession_weight_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.date})"
