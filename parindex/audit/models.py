"""The audit trail (*nhật ký thay đổi*): an append-only, hash-chained record of who changed what.

Every service that changes an answer, a workflow state, an evidence link, an appraisal or an
assignment writes one :class:`AuditEvent` in the same transaction through
``parindex.audit.services.audit_record``. Each event carries the HMAC-SHA256, under a key held
outside the database (``parindex.audit.keys``), of the previous event's hash and its own
canonical JSON, so altering or removing a row breaks the chain, which ``manage.py audit_verify``
(``parindex audit verify``) detects. :class:`AuditHead` holds the last sequence number and hash:
it is the lock that serializes writers and it reveals a row removed at the end of the chain
unless it was rewound too. :class:`PublishedHead` is the head recorded when a cycle's results
are published; exported with the publication, it anchors the history up to that point.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Audit events are never changed or deleted once written."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only: update() is refused")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only: delete() is refused")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AppendOnlyError("audit events are append-only: bulk_update() is refused")

    def update_or_create(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("audit events are append-only: update_or_create() is refused")


class AuditEvent(models.Model):
    """One change: who, when, what (action and target), before → after, and why."""

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"), db_index=True)
    # No database constraints: the trail outlives the people, cycles and units it mentions.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cycle"),
    )
    unit = models.ForeignKey(
        "units.Unit",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
    )
    leaf_code = models.CharField(_("leaf code"), max_length=40, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["cycle", "unit", "leaf_code", "sequence"], name="audit_leaf_idx"),
            models.Index(fields=["target_type", "target_id", "sequence"], name="audit_target_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"audit event #{self.sequence} is append-only: save() refused")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"audit event #{self.sequence} is append-only: delete() refused")


class AuditHead(models.Model):
    """The chain head: one row (pk 1) with the last sequence number and hash, locked by writers."""

    sequence = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:12]}"


class PublishedHead(models.Model):
    """The chain head (last event number and hash) when a cycle's results were published.

    Recorded in the publication's transaction, after its own events, and shown on the published
    cycle's page as ``<event number>:<hash>`` for the decision and the minutes:
    ``parindex audit verify --expect`` then proves the chain still holds that event with that
    hash, so nothing up to the publication was rewritten or removed. This row lives in the same
    database as the chain: ``audit_verify`` checks it too, but only an exported copy survives
    somebody who can rewrite the database."""

    cycle = models.ForeignKey(
        "cycles.Cycle",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("cycle"),
    )
    sequence = models.PositiveBigIntegerField(_("sequence"))
    hash = models.CharField(_("hash"), max_length=64)
    decision = models.CharField(_("publication decision"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit head at publication")
        verbose_name_plural = _("audit heads at publication")
        indexes = [models.Index(fields=["cycle", "sequence"], name="audit_published_head_idx")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """``<event number>:<hash>``, as ``parindex audit verify --expect`` reads it."""
        return f"{self.sequence}:{self.hash}"
