"""Framework versions imported from framework files, and their nodes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class FrameworkVersion(models.Model):
    """One imported framework file (*bộ chỉ số*), immutable once stored.

    The file's text is kept verbatim: the core reads it again to compute, so what is computed is
    always exactly what was imported. Nodes are stored too, for queries and links by code.
    """

    code = models.CharField(_("code"), max_length=100)
    version = models.CharField(_("version"), max_length=50)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    source_name = models.CharField(_("file name"), max_length=300)
    source_text = models.TextField(_("file text"))
    sha256 = models.CharField(max_length=64)
    max_total = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("framework version")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def title(self) -> str:
        if (get_language() or "vi").startswith("en") and self.title_en:
            return self.title_en
        return self.title_vi


class FrameworkNode(models.Model):
    """A node of a framework version: area (*lĩnh vực*), criterion (*tiêu chí*) or sub-criterion
    (*tiêu chí thành phần*)."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="nodes")
    code = models.CharField(_("code"), max_length=40)
    parent_code = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField()
    depth = models.PositiveSmallIntegerField()
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10)
    max = models.DecimalField(_("maximum"), max_digits=12, decimal_places=3)
    is_leaf = models.BooleanField()
    rule_type = models.CharField(_("rule"), max_length=20, blank=True)
    lead = models.CharField(_("lead agency"), max_length=40, blank=True)
    evidence = models.CharField(_("evidence"), max_length=10)
    source = models.CharField(_("source"), max_length=10)
    allow_na = models.BooleanField(default=False)
    applies_to = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("framework node")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_node_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.title_vi}"


class NodeMapping(models.Model):
    """Which nodes of an earlier version of a framework each node of a later version continues
    (*bảng đối chiếu mục*): a mapping file (docs/formats.md §5) kept verbatim, one per pair of
    versions of the same framework code. Without one, nodes continue the nodes of the same
    code. Year-over-year comparisons read it through ``selectors.node_map_between``."""

    from_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="mappings_out",
        verbose_name=_("earlier version"),
    )
    to_version = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        related_name="mappings_in",
        verbose_name=_("later version"),
    )
    source_name = models.CharField(_("file name"), max_length=300)
    source_text = models.TextField(_("file text"))
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("node mapping")
        constraints = [
            models.UniqueConstraint(
                fields=["from_version", "to_version"], name="unique_node_mapping"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_version=models.F("to_version")),
                name="node_mapping_two_versions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_version} → {self.to_version}"
