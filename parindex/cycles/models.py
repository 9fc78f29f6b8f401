"""Assessment cycles: one evaluation year on one framework version."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class LiveCycles(models.Manager["Cycle"]):
    """The cycles that count: every one but those cancelled. ``Cycle.objects`` is this manager,
    so a cancelled cycle leaves every list and page that reaches cycles through it;
    ``Cycle.all_objects`` (the default manager: the admin, relations, uniqueness checks) keeps
    them."""

    def get_queryset(self) -> models.QuerySet[Cycle]:
        return super().get_queryset().exclude(state=Cycle.State.CANCELLED)


class Cycle(models.Model):
    """An assessment cycle (*kỳ đánh giá*): a year, a framework version, the units in scope.

    A cycle opened by mistake is cancelled (``state`` cancelled, with when and why), never
    deleted: its rows stay, and its year and framework version are free for a new cycle."""

    class State(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        IN_PROGRESS = "in_progress", _("In progress")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

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
    register_date = models.DateField(
        _("units as registered on"),
        null=True,
        blank=True,
        help_text=_("The date of the unit register the units in scope were chosen from"),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    all_objects = models.Manager()
    objects = LiveCycles()

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("cycle")
        default_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["year", "framework_version"],
                condition=~Q(state="cancelled"),
                name="unique_cycle_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_cancelled(self) -> bool:
        return self.state == self.State.CANCELLED
