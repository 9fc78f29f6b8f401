"""The sociological survey (*điều tra xã hội học*) of a cycle: its questionnaire, sample plan,
forms (imported or answered on the web through one-time links), background jobs and the
aggregated survey leaf results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from parindex.shared.jobs import WorkerJob


class Questionnaire(models.Model):
    """A questionnaire file (docs/formats.md §4.1) imported into a cycle, kept verbatim: the core
    re-reads the stored text, so what is aggregated is exactly what was imported."""

    cycle = models.OneToOneField(
        "cycles.Cycle", on_delete=models.CASCADE, related_name="questionnaire"
    )
    code = models.CharField(_("code"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    source_name = models.CharField(_("file name"), max_length=300)
    source_text = models.TextField(_("file text"))
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(_("released to units at"), null=True, blank=True)
    aggregated_at = models.DateTimeField(_("aggregated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("questionnaire")

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    @property
    def title(self) -> str:
        if (get_language() or "vi").startswith("en") and self.title_en:
            return self.title_en
        return self.title_vi or self.code

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class PlanTarget(models.Model):
    """The sample plan for one unit × respondent group: how many forms to collect. The minimum
    (``min_n``) is the questionnaire's, the same for every unit."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="plan")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    group_code = models.CharField(_("group"), max_length=40)
    target = models.PositiveIntegerField(_("target"))

    class Meta:
        verbose_name = _("sample plan target")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "unit", "group_code"], name="unique_plan_target"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.group_code}: {self.target}"


class SurveyJob(WorkerJob):
    """A long action run by a task worker (a response file import, or aggregation and
    recompute), with the progress a page polls and a heartbeat: a running job whose worker
    stopped beating is marked failed (``interrupted``) and can be run again (``attempt``)."""

    class Kind(models.TextChoices):
        IMPORT = "import", _("Response file import")
        AGGREGATE = "aggregate", _("Aggregation and recompute")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    step = models.CharField(max_length=20, blank=True)
    total = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=300, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    file_path = models.CharField(max_length=500, blank=True)
    forms_added = models.PositiveIntegerField(default=0)
    forms_present = models.PositiveIntegerField(default=0)
    attempt = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("survey job")
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.state} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def retryable(self) -> bool:
        """Failed because its worker stopped, not because of what it read."""
        return self.state == self.State.FAILED and self.interrupted


class SurveyFormStage(models.Model):
    """A validated form of an import waiting for the import's final switch: an import fills
    this table in short transactions, then copies its rows into ``SurveyForm`` in one
    statement, so no transaction holds the write lock while a large file is stored."""

    job = models.ForeignKey(SurveyJob, on_delete=models.CASCADE, related_name="+")
    response_id = models.CharField(max_length=200)
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    group_code = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.response_id


class SurveyForm(models.Model):
    """One completed questionnaire (*phiếu khảo sát*): the unit it is about, the respondent's
    group and the answers (question code -> option key). No personal data is kept."""

    class Channel(models.TextChoices):
        IMPORT = "import", _("Imported file")
        WEB = "web", _("Web form")

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="forms")
    response_id = models.CharField(_("response id"), max_length=200)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    group_code = models.CharField(_("group"), max_length=40)
    answers = models.JSONField(default=dict)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    job = models.ForeignKey(
        SurveyJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="forms"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey form")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "response_id"], name="unique_survey_response"
            )
        ]
        indexes = [models.Index(fields=["questionnaire", "unit", "group_code"])]

    def __str__(self) -> str:
        return self.response_id


class RespondentLink(models.Model):
    """A one-time link for one respondent of a group about one unit. It is consumed when the
    form is submitted; the form keeps no link to it, so answers cannot be traced to a link."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="links")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    group_code = models.CharField(_("group"), max_length=40)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["unit__code", "group_code", "pk"]
        verbose_name = _("respondent link")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.group_code}"


class SurveyLeafResult(models.Model):
    """A survey leaf's aggregated figures for one unit, as the core computed them."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    leaf_code = models.CharField(_("leaf"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=6, decimal_places=2, null=True)
    margin = models.DecimalField(_("margin"), max_digits=6, decimal_places=2, null=True)
    groups = models.JSONField(help_text="group code -> {n, mean, included, min_n}")
    flags = models.JSONField(default=list)

    class Meta:
        ordering = ["questionnaire", "unit__code", "pk"]
        verbose_name = _("survey leaf result")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "unit", "leaf_code"], name="unique_survey_leaf_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.leaf_code}: {self.value}"

    @property
    def insufficient(self) -> bool:
        return "insufficient" in self.flags
