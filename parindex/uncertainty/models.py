"""A cycle's rank uncertainty (*độ bất định của thứ hạng*): the Monte Carlo runs of its
ranking (``parindex.core.rank_uncertainty``), each with its settings, progress and results."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.shared.jobs import WorkerJob


class RankUncertaintyRun(WorkerJob):
    """One run over a cycle's final basis: ``draws`` draws from ``seed``, a ``level`` %
    interval per unit, the appraisal model on when ``keep_percent`` is set. Run by a task
    worker with a progress record and a heartbeat, like the survey's jobs; ``results`` holds
    what the core returned, per unit, with decimals as text."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="rank_uncertainty_runs"
    )
    draws = models.PositiveIntegerField(_("draws"))
    seed = models.PositiveBigIntegerField(_("seed"))
    level = models.PositiveSmallIntegerField(_("interval level (%)"))
    keep_percent = models.PositiveSmallIntegerField(
        _("appraised figure kept (%)"), null=True, blank=True
    )
    inputs_sha256 = models.CharField(_("SHA-256 of the inputs"), max_length=64, blank=True)
    forms = models.PositiveIntegerField(_("survey forms"), default=0)
    results = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rank uncertainty run")
        indexes = [models.Index(fields=["cycle", "state"])]

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.draws} draws, seed {self.seed} ({self.state})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, self.done * 100 // self.draws) if self.draws else 0
