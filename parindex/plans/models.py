"""The improvement plan (*kế hoạch nâng cao chỉ số CCHC*): goals, content areas, tasks with lead
agencies and deadlines, and progress reports with evidence."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Plan(models.Model):
    """A plan document, e.g. Kế hoạch số 252/KH-UBND ngày 19/9/2018 of the PPC."""

    number = models.CharField(_("number"), max_length=100)
    title = models.CharField(_("title"), max_length=400)
    issued_on = models.DateField(_("date of issue"))
    issuer = models.CharField(_("issuer"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("from year"))
    end_year = models.PositiveSmallIntegerField(_("to year"))
    goals = models.TextField(_("goals"), blank=True)
    province = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("province"),
        limit_choices_to={"type": "province"},
        help_text=_("The province whose national results the plan's targets are compared with."),
    )
    framework_version = models.ForeignKey(
        "frameworks.FrameworkVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("framework version"),
        help_text=_("Tasks link to nodes of this framework version."),
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Published plans are open to the public.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")),
                name="plans_plan_period_ordered",
                violation_error_message=_("The period must end in or after the year it starts."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}"

    @property
    def period(self) -> str:
        return f"{self.start_year}–{self.end_year}"


class PlanTarget(models.Model):
    """A goal for one year: the band and rank to reach, nationally for the province or
    internally for its units."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Province, nationally")
        INTERNAL = "internal", _("Units, internally")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    band = models.CharField(_("target band"), max_length=20, blank=True)
    rank = models.PositiveIntegerField(_("target rank (at most)"), null=True, blank=True)
    index = models.DecimalField(
        _("target index (at least)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["plan", "scope", "year"]
        verbose_name = _("plan target")
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "scope"], name="plans_unique_target")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.scope}: {self.band} {self.rank or ''}"


class ContentArea(models.Model):
    """A content of the plan (*nội dung*), e.g. "Cải cách thủ tục hành chính", with its default
    lead agency and the framework areas it covers (node codes)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    lead_agency = models.ForeignKey(
        "units.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead agency"),
    )
    node_codes = models.JSONField(
        _("framework nodes"), default=list, blank=True, help_text=_("Codes of the nodes it covers")
    )

    class Meta:
        ordering = ["plan", "position"]
        verbose_name = _("content area")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"], name="plans_unique_content_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Task(models.Model):
    """A task of the plan (*nhiệm vụ*): who leads it, who helps, by when, and what it is worth.

    Overdue is not stored: a task is overdue when its deadline has passed and it is not done.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("task status", "Draft")
        NOT_STARTED = "not_started", pgettext_lazy("task status", "Not started")
        IN_PROGRESS = "in_progress", pgettext_lazy("task status", "In progress")
        DONE = "done", pgettext_lazy("task status", "Done")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    area = models.ForeignKey(
        ContentArea, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("content")
    )
    title = models.CharField(_("task"), max_length=500)
    expected_result = models.CharField(_("expected result"), max_length=500, blank=True)
    lead_agency = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("lead agency")
    )
    coordinating_agencies = models.ManyToManyField(
        "units.Unit", related_name="+", blank=True, verbose_name=_("coordinating agencies")
    )
    node_codes = models.JSONField(_("framework nodes"), default=list, blank=True)
    start_date = models.DateField(_("start"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    expected_points = models.DecimalField(
        _("expected points"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    source_cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the results of"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "area__position", "deadline", "pk"]
        verbose_name = _("task")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("start_date")),
                name="plans_task_period_ordered",
                violation_error_message=_("The deadline must not be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(expected_points__isnull=True) | Q(expected_points__gte=0),
                name="plans_task_points_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue_on(self, day: datetime.date) -> bool:
        return self.status not in (self.Status.DONE, self.Status.DRAFT) and self.deadline < day


class ProgressReport(models.Model):
    """A lead agency's report on a task: what was done by a date, how far along it is."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("date"))
    text = models.TextField(_("progress"))
    percent = models.PositiveSmallIntegerField(
        _("percent done"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    evidence = models.ManyToManyField(
        "evidence.Evidence", through="ProgressEvidence", related_name="+", blank=True
    )

    class Meta:
        ordering = ["task", "-reported_on", "-pk"]
        verbose_name = _("progress report")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="plans_report_percent_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} {self.reported_on}: {self.percent}%"


class ProgressEvidence(models.Model):
    """Links a progress report to a document of the evidence store."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey("evidence.Evidence", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("progress evidence")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "evidence"], name="plans_unique_progress_evidence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.evidence_id}"
