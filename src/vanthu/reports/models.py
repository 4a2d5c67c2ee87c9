"""Monthly statistics (docs/domain/statistics.md): one row of counts per agency and month, and per unit of it.

Rows are rollups: ``reports.rollup`` recomputes an (agency, month) from the documents whenever something that
counts changes (the change marks it dirty in its own transaction), and ``vanthu stats rebuild`` recomputes them all.
Only counts are stored; rates are computed from summed counts, never averaged (``reports.figures``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.core.models import Blob
from vanthu.organizations.models import Agency, Unit

# The counted fields, in the order screens and exports show them. Each one is defined in reports.metrics.
COUNT_FIELDS = (
    "received", "received_paper", "received_secret", "returned",
    "due", "on_time", "completed", "completed_due", "completed_on_time", "overdue_open", "open_end",
    "processing_seconds", "processing_count",
    "sent", "sent_internal", "sent_paper", "sent_secret", "deliveries", "sent_personal_signed", "sent_org_signed",
    "recalled", "exchange_sent", "exchange_received",
)


class MonthlyStat(models.Model):
    """The counts of one agency (``unit`` empty) or one of its units, for one calendar month in Vietnam time."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()

    received = models.PositiveIntegerField(default=0)
    received_paper = models.PositiveIntegerField(default=0)
    received_secret = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    completed_due = models.PositiveIntegerField(default=0)
    completed_on_time = models.PositiveIntegerField(default=0)
    overdue_open = models.PositiveIntegerField(default=0)
    open_end = models.PositiveIntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    processing_count = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    sent_internal = models.PositiveIntegerField(default=0)
    sent_paper = models.PositiveIntegerField(default=0)
    sent_secret = models.PositiveIntegerField(default=0)
    deliveries = models.PositiveIntegerField(default=0)
    sent_personal_signed = models.PositiveIntegerField(default=0)
    sent_org_signed = models.PositiveIntegerField(default=0)
    recalled = models.PositiveIntegerField(default=0)
    exchange_sent = models.PositiveIntegerField(default=0)
    exchange_received = models.PositiveIntegerField(default=0)

    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["year", "month", "agency", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "month"], condition=models.Q(unit__isnull=True),
                                    name="monthly_stat_agency_unique"),
            models.UniqueConstraint(fields=["agency", "unit", "year", "month"],
                                    condition=models.Q(unit__isnull=False), name="monthly_stat_unit_unique"),
        ]
        indexes = [models.Index(fields=["year", "month", "agency"])]
        verbose_name = _("số liệu thống kê tháng")
        verbose_name_plural = _("số liệu thống kê tháng")

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.unit_id or '-'} {self.month:02d}/{self.year}"


class StatDirty(models.Model):
    """An (agency, month) whose rollup must be recomputed: written in the transaction of the change."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    marked_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year", "month"], name="stat_dirty_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:02d}/{self.year}"


class StatMonthClosing(models.Model):
    """A month closed by a statistics viewer: its figures are frozen (no more recomputation)."""

    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "month"], name="stat_month_closing_unique")]
        verbose_name = _("tháng đã chốt số liệu")
        verbose_name_plural = _("tháng đã chốt số liệu")

    def __str__(self) -> str:
        return f"{self.month:02d}/{self.year}"


class ReportSettings(models.Model):
    """The province's (a root agency's) reporting policy: the rate under which an agency is listed as lagging."""

    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="+")
    threshold = models.DecimalField(_("ngưỡng tỷ lệ ký số (%)"), max_digits=5, decimal_places=2, default=95)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cấu hình báo cáo")
        verbose_name_plural = _("cấu hình báo cáo")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.threshold}"


class ReportKind(models.TextChoices):
    PROVINCE_MONTHLY = "PROVINCE_MONTHLY", _("Báo cáo tháng về gửi, nhận văn bản điện tử")
    INCOMING_HANDLING = "INCOMING_HANDLING", _("Báo cáo tình hình giải quyết văn bản đến")
    OUTGOING = "OUTGOING", _("Báo cáo văn bản đi")


class StatReport(models.Model):
    """A generated report (XLSX and PDF) kept for later download: by the monthly schedule or on request."""

    kind = models.CharField(max_length=20, choices=ReportKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")  # the root of the report
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    xlsx = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    pdf = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    generated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "-month", "kind", "-generated_at"]
        indexes = [models.Index(fields=["agency", "kind", "year", "month"])]
        verbose_name = _("báo cáo thống kê")
        verbose_name_plural = _("báo cáo thống kê")

    def __str__(self) -> str:
        return f"{self.kind} {self.agency_id} {self.month:02d}/{self.year}"
