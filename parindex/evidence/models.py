"""Evidence documents (*tài liệu kiểm chứng*): uploaded files, stored once by content, or
references to documents that must not be uploaded.

Apps that link evidence to something (answers, explanations, plan tasks) own their link tables;
an :class:`Evidence` row knows only its owner unit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import labels


class StoredFile(models.Model):
    """One blob of bytes in ``default_storage``, named only by its SHA-256
    (``evidence/ab/cd/<hash>``).

    Identical content uploaded twice, or by two units, is stored once; several
    :class:`Evidence` rows may point at it.
    """

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=120)
    storage_name = models.CharField(_("storage name"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored file")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="stored_file_not_empty"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="stored_file_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.content_type}, {self.size} B)"


class Evidence(models.Model):
    """An evidence document of a unit: an uploaded file or a reference by number, date, issuer."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        REFERENCE = "reference", _("Document reference")

    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="evidence", verbose_name=_("unit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300, blank=True)
    # A file:
    stored_file = models.ForeignKey(
        StoredFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("stored file"),
    )
    original_name = models.CharField(
        _("original file name"),
        max_length=255,
        blank=True,
        help_text=_("Sanitised, for display and download only; never used as a path."),
    )
    # A reference to a document that is not uploaded:
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="file", stored_file__isnull=False)
                    & ~Q(original_name="")
                    & Q(number="", issued_on__isnull=True, issuer="")
                )
                | (
                    Q(kind="reference", stored_file__isnull=True, original_name="")
                    & ~Q(number="")
                    & Q(issued_on__isnull=False)
                    & ~Q(issuer="")
                ),
                name="evidence_kind_fields",
            )
        ]
        indexes = [models.Index(fields=["unit", "-uploaded_at"], name="evidence_unit_recent")]

    def __str__(self) -> str:
        if self.kind == self.Kind.REFERENCE:
            return self.title or f"{self.number} ({self.issuer})"
        return self.title or self.original_name

    @property
    def is_file(self) -> bool:
        return self.kind == self.Kind.FILE

    @property
    def display_title(self) -> str:
        return str(self)

    @property
    def type_label(self) -> str:
        """The detected document type, e.g. "PDF" or "Word (.docx)"; empty for a reference."""
        if self.stored_file is None:
            return ""
        return labels.type_label(self.stored_file.content_type)
