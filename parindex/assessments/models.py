"""A unit's assessment in a cycle, and the cycle's calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.core.workflow import State


class Stage(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    APPRAISAL = "appraisal", _("Appraisal")
    EXPLANATION = "explanation", _("Explanation round")
    COUNCIL = "council", _("Council")
    PUBLICATION = "publication", _("Publication")


class StageWindow(models.Model):
    """A stage of a cycle's calendar (*lịch đánh giá*): when it opens and closes."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))

    class Meta:
        ordering = ["cycle", "opens_at"]
        verbose_name = _("stage window")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "stage"], name="unique_stage_window"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="stage_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} — {self.get_stage_display()}"


STATE_CHOICES = [(s.value, s.value) for s in State]


class Assessment(models.Model):
    """One unit's assessment in one cycle (*hồ sơ đánh giá của đơn vị*).

    Its ``state`` moves only through ``parindex.core.workflow.transition``, persisted by the
    services, which write an audit event in the same transaction.
    """

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(_("state"), max_length=20, choices=STATE_CHOICES, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    explanation_closed_at = models.DateTimeField(_("explanation closed at"), null=True, blank=True)
    cover_evidence = models.ForeignKey(
        "evidence.Evidence",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed cover document"),
    )
    version = models.PositiveIntegerField(default=0, help_text="bumped on every state change")
    # The unit head may withdraw a submission (*rút lại*) before its appraisal starts: once per
    # cycle, and again only as often as the administrator allows.
    withdrawals = models.PositiveSmallIntegerField(_("withdrawals"), default=0)
    withdrawals_allowed = models.PositiveSmallIntegerField(_("withdrawals allowed"), default=1)

    class Meta:
        ordering = ["cycle", "unit__code"]
        verbose_name = _("assessment")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unique_assessment")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.cycle.year}"


class StageExtension(models.Model):
    """The administrator reopens or extends one unit's stage, with a reason; others untouched."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="extensions")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    closes_at = models.DateTimeField(_("new closing time"))
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("stage extension")

    def __str__(self) -> str:
        return f"{self.assessment} {self.stage} → {self.closes_at:%Y-%m-%d}"


class AnswerEvidence(models.Model):
    """An evidence document linked to one leaf of a unit's self-assessment.

    Keyed by assessment and leaf code rather than by ``results.Answer``, so evidence can be
    attached before a value is declared. One leaf may carry several documents and one document
    may support several leaves; links are made and removed by the services, which audit both.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="evidence_links"
    )
    leaf_code = models.CharField(_("leaf"), max_length=40)
    evidence = models.ForeignKey(
        "evidence.Evidence",
        on_delete=models.PROTECT,
        related_name="answer_links",
        verbose_name=_("evidence"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        ordering = ["assessment", "leaf_code", "linked_at", "id"]
        verbose_name = _("evidence link")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "leaf_code", "evidence"], name="unique_answer_evidence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.leaf_code} ← {self.evidence_id}"


class FedValue(models.Model):
    """A declared value that another system sent through the API (*số liệu được kết nối*), for
    a leaf whose framework names the system it comes from (``x-feed``).

    The page marks the leaf as fed while its answer still holds the version the feed wrote;
    once somebody changes the value, the mark no longer applies (the row stays, the audit
    trail has the history). The token is kept by name and id, not linked: the record outlives
    it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="fed_values")
    leaf_code = models.CharField(_("leaf"), max_length=40)
    answer_version = models.PositiveIntegerField()
    value = models.CharField(_("value"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200)
    fed_at = models.DateTimeField(_("received at"))
    fed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_name = models.CharField(_("API token"), max_length=100)
    token_prefix = models.CharField(_("token id"), max_length=20)

    class Meta:
        ordering = ["assessment", "leaf_code"]
        verbose_name = _("fed value")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "leaf_code"], name="unique_fed_value")
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.leaf_code} ← {self.source}"
