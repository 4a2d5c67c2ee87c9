from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only, hash-chained record of every change (docs/architecture.md, house rule 3).

    ``hash`` = SHA-256 over the previous row's hash *in the same chain* and this row's canonical content, so editing
    or deleting any row breaks its chain from that row on; ``vanthu audit verify`` walks every chain. ``chain`` says
    which chain (see :class:`AuditChainHead`); database triggers refuse UPDATE and DELETE (``core/audit_guard.py``)
    and signed checkpoints kept outside the database make a recomputed chain detectable (ADR 0004).
    """

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "organizations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_type = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Not part of the hashed content: moving a row to another chain breaks the links of both chains anyway.
    chain = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id", "id"])]
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.event_type} {self.target_type}#{self.target_id}"


class AuditChainHead(models.Model):
    """The head of one chain, locked while appending so that the chain's writers form one line.

    One chain per agency (``chain`` = the agency's id) plus the shared chain 0 for events without an agency (and
    every event written before the log was partitioned): one head for the whole province made every audited write
    wait for the previous one to commit (bench/audit_writes.py, docs/benchmarks.md). ``count`` and
    ``last_event_id`` let verification tell removed tail rows from edited ones.
    """

    chain = models.BigIntegerField(unique=True, default=0)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)
    last_event_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.chain}: {self.count} @ {self.last_hash[:12]}"


class Blob(models.Model):
    """Immutable, content-addressed file content (SHA-256). A new version is a new blob, never an overwrite."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    storage_name = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class Holiday(models.Model):
    """A non-working day (Vietnamese public holiday), editable per year by administrators."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ lễ")
        verbose_name_plural = _("lịch nghỉ lễ")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class WorkingWeekend(models.Model):
    """A Saturday or Sunday made a working day (làm bù) by the annual holiday decision."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày làm bù")
        verbose_name_plural = _("ngày làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
