"""Assessment cycles: one evaluation year on one framework version."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Cycle(models.Model):
    """An assessment cycle (*kỳ đánh giá*): a year, a framework version, the units in scope."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        IN_PROGRESS = "in_progress", _("In progress")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")

    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=300)
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("framework version"),
    )
    units = models.ManyToManyField(
        "units.Unit", related_name="cycles", verbose_name=_("units in scope")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREPARING
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    publication_decision = models.CharField(_("publication decision"), max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("cycle")
        constraints = [
            models.UniqueConstraint(fields=["year", "framework_version"], name="unique_cycle_year")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED
