"""Appraisal (*thẩm định*) of units' self-assessments, and the explanation round (*giải trình*).

The lead agency of each area appraises that area's leaves across the units: it accepts a leaf
as declared, adjusts it (a re-declared figure, scored by the core, or points set directly) with
a reason, or flags it for explanation. After the administrator releases the round, the unit
agrees or disagrees with each flagged or adjusted leaf (a disagreement carries a reason and
supplementary evidence); the appraisers then settle each leaf. The figure in force after all
this is mirrored into ``results.AppraisedValue``, which the final basis of the results reads.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AppraiserAssignment(models.Model):
    """A person appraises one area (a top-level node code of the cycle's framework) in a cycle.

    Nobody appraises their own unit: the units where the person holds a unit role, and the
    agency of the appraisal team they sit on, are left out of their queue and refused to their
    actions, whatever the assignment says."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="appraiser_assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appraiser_assignments",
        verbose_name=_("appraiser"),
    )
    area_code = models.CharField(_("area"), max_length=40)
    # The agency whose appraisal team the person sits on (*Tổ thẩm định Sở Nội vụ*): its unit is
    # the person's own for the conflict of interest, as a unit role would make it.
    agency = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency of the appraisal team"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "area_code", "user__username"]
        verbose_name = _("appraiser assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user", "area_code"], name="unique_appraiser_assignment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.area_code} ({self.cycle_id})"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted as declared")
    ADJUSTED = "adjusted", _("Adjusted")
    FLAGGED = "flagged", _("Flagged for explanation")


class Outcome(models.TextChoices):
    """How a flagged or adjusted leaf was closed after the unit's reply."""

    AGREED = "agreed", _("The unit agreed")
    KEEP = "keep", _("Appraisal kept")
    UNIT = "unit", _("Unit's figure accepted")
    NEW = "new", _("New figure")


class LeafAppraisal(models.Model):
    """The appraisers' decision on one leaf of one unit's assessment, and how it was settled.

    ``value`` (a re-declared figure) or ``points`` (set directly) carry an adjustment; the
    ``settled_*`` fields carry the settlement after the explanation round. ``version`` refuses
    a stale change (two appraisers on the same leaf)."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="appraisals"
    )
    leaf_code = models.CharField(_("leaf"), max_length=40)
    area_code = models.CharField(_("area"), max_length=40)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    value = models.CharField(_("appraised value"), max_length=200, blank=True)
    points = models.DecimalField(
        _("appraised points"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    reason = models.TextField(_("reason or comment"), blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(_("appraised at"))
    outcome = models.CharField(_("settlement"), max_length=10, choices=Outcome.choices, blank=True)
    settled_value = models.CharField(_("settled value"), max_length=200, blank=True)
    settled_points = models.DecimalField(
        _("settled points"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    settled_reason = models.TextField(_("reason of the settlement"), blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["assessment", "leaf_code"]
        verbose_name = _("leaf appraisal")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "leaf_code"], name="unique_leaf_appraisal"
            ),
            models.CheckConstraint(
                condition=~Q(decision="adjusted") | ~Q(value="") | Q(points__isnull=False),
                name="adjustment_has_a_figure",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "decision"], name="appraisal_area_decision")]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.leaf_code}: {self.decision}"

    @property
    def needs_reply(self) -> bool:
        """Flagged or adjusted, and not closed yet: the unit explains it in the round."""
        return self.decision != Decision.ACCEPTED and not self.outcome


class AppraisalRound(models.Model):
    """One explanation round of an assessment: opened by the release (round 1) or by the
    administrator's return for another round, answered by the unit, closed by the appraisers."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["assessment", "number"]
        verbose_name = _("explanation round")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="unique_round")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} round {self.number}"


class LeafReply(models.Model):
    """The unit's answer on one flagged or adjusted leaf in one round: agree, or disagree with a
    reason and supplementary evidence. Drafts until the unit sends its replies."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="replies"
    )
    leaf_code = models.CharField(_("leaf"), max_length=40)
    round = models.PositiveSmallIntegerField(_("round"))
    agrees = models.BooleanField(_("agrees"))
    reason = models.TextField(_("reason"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        ordering = ["assessment", "leaf_code", "round"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "leaf_code", "round"], name="unique_leaf_reply"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.leaf_code} r{self.round}: {self.agrees}"


class ReplyEvidence(models.Model):
    """Supplementary evidence of a reply, kept apart from the leaf's original evidence
    (``assessments.AnswerEvidence``)."""

    reply = models.ForeignKey(LeafReply, on_delete=models.CASCADE, related_name="evidence_links")
    evidence = models.ForeignKey(
        "evidence.Evidence",
        on_delete=models.PROTECT,
        related_name="reply_links",
        verbose_name=_("evidence"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        ordering = ["reply", "linked_at", "id"]
        verbose_name = _("supplementary evidence")
        constraints = [
            models.UniqueConstraint(fields=["reply", "evidence"], name="unique_reply_evidence")
        ]

    def __str__(self) -> str:
        return f"{self.reply_id} ← {self.evidence_id}"


class CommentKind(models.TextChoices):
    APPRAISAL = "appraisal", _("Appraisers")
    REPLY = "reply", _("Unit's reply")
    SETTLEMENT = "settlement", _("Settlement")
    RETURN = "return", _("Returned again")


class AppraisalComment(models.Model):
    """What was said about one leaf in one round, kept per round: the appraisers' reason when
    the round opens, the unit's reply, the settlement."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="appraisal_comments"
    )
    leaf_code = models.CharField(_("leaf"), max_length=40)
    round = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=12, choices=CommentKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written at"))

    class Meta:
        ordering = ["assessment", "leaf_code", "round", "created_at", "id"]
        verbose_name = _("appraisal comment")

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.leaf_code} r{self.round} {self.kind}"


class CouncilRule(models.TextChoices):
    """When the council's decisions approve a cycle."""

    CHAIR = "chair", _("The chair approves")
    MAJORITY = "majority", _("A majority of the members approve")


class Council(models.Model):
    """The appraisal council of one cycle (*Hội đồng thẩm định*): its approval rule, the agency
    that keeps its documents, and the decision that published the results."""

    cycle = models.OneToOneField("cycles.Cycle", on_delete=models.CASCADE, related_name="council")
    rule = models.CharField(
        _("approval rule"), max_length=10, choices=CouncilRule.choices, default=CouncilRule.CHAIR
    )
    secretariat = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency keeping the council's documents"),
    )
    decision_date = models.DateField(_("date of the publication decision"), null=True, blank=True)

    class Meta:
        verbose_name = _("appraisal council")

    def __str__(self) -> str:
        return f"{self.cycle_id}: {self.rule}"


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class CouncilMember(models.Model):
    """A person named to the council of a cycle, as chair or member."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="council_members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_seats",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role in the council"), max_length=10, choices=CouncilRole.choices)
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(_("named at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "role", "user__username"]
        verbose_name = _("council member")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "user"], name="unique_council_member"),
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(role="chair"), name="one_council_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.role} ({self.cycle_id})"


class Vote(models.TextChoices):
    APPROVE = "approve", _("Approve")
    OBJECT = "object", _("Object")


class CouncilVote(models.Model):
    """One member's decision on the cycle's final results, with an optional note. A member
    changes it until the cycle is approved; reopening the results supersedes every decision
    (kept), so the next approval is decided afresh."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="council_votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("member"),
    )
    vote = models.CharField(_("decision"), max_length=10, choices=Vote.choices)
    note = models.TextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    class Meta:
        ordering = ["cycle", "decided_at", "id"]
        verbose_name = _("council decision")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "user"],
                condition=Q(superseded_at__isnull=True),
                name="one_current_council_vote",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.user_id}: {self.vote}"


class CouncilDocumentKind(models.TextChoices):
    MINUTES = "minutes", _("Minutes of the council meeting")
    DECISION = "decision", _("Signed publication decision")


class CouncilDocument(models.Model):
    """A document of the council kept in the evidence store: the minutes of a meeting, the
    signed decision publishing the results."""

    cycle = models.ForeignKey(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="council_documents"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CouncilDocumentKind.choices)
    evidence = models.ForeignKey(
        "evidence.Evidence",
        on_delete=models.PROTECT,
        related_name="council_links",
        verbose_name=_("document"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    linked_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        ordering = ["cycle", "linked_at", "id"]
        verbose_name = _("council document")

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.kind} ← {self.evidence_id}"
