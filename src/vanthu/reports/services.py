"""Writes of the statistics that people make: the province's threshold, closing a month, generating a report."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from vanthu.core.periods import Period
from vanthu.core.tables import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_pdf, table_xlsx
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, User
from vanthu.reports.models import ReportKind, ReportSettings, StatMonthClosing, StatReport
from vanthu.reports.rollup import stats_rebuild
from vanthu.reports.selectors import stats_agency_get, stats_scope_require
from vanthu.reports.tables import report_table


def _require_root_viewer(actor: Actor) -> Agency:
    """A statistics viewer (or leader) of a root agency — the province — or a system administrator."""
    scope = stats_scope_require(actor)
    if scope.unit_id is not None or not (actor.is_sysadmin or actor.has_role(RoleCode.STATS_VIEWER, RoleCode.LEADER)):
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền thay đổi cấu hình thống kê."))
    agency = Agency.objects.get(pk=scope.root_ids[0]) if actor.agency_id is None else actor.agency
    assert agency is not None
    return agency


@transaction.atomic
def report_threshold_set(*, actor: Actor, threshold: str | Decimal) -> ReportSettings:
    """The rate (0–100) under which the province lists an agency as lagging."""
    agency = _require_root_viewer(actor)
    try:
        value = Decimal(str(threshold).replace(",", ".").replace("%", "").strip())
    except InvalidOperation as exc:
        raise ApplicationError("invalid_threshold", _("Ngưỡng phải là một số từ 0 đến 100.")) from exc
    if not Decimal(0) <= value <= Decimal(100):
        raise ApplicationError("invalid_threshold", _("Ngưỡng phải là một số từ 0 đến 100."))
    settings, _created = ReportSettings.objects.select_for_update().get_or_create(agency=agency)
    old = settings.threshold
    settings.threshold, settings.updated_by = value.quantize(Decimal("0.01")), actor.user
    settings.save()
    audit_record(actor=actor.user, event_type="stats.threshold_set", target=settings, agency=agency,
                 data={"old": str(old), "new": str(settings.threshold)})
    return settings


@transaction.atomic
def stats_month_close(*, actor: Actor, year: int, month: int) -> StatMonthClosing:
    """Freeze a month's figures (docs/domain/statistics.md): recompute it one last time, then no more. Statistics
    viewers and
    system administrators only."""
    if not (actor.is_sysadmin or actor.has_role(RoleCode.STATS_VIEWER)):
        raise PermissionDeniedError("forbidden", _("Chỉ người được giao xem thống kê mới chốt được số liệu."))
    if StatMonthClosing.objects.filter(year=year, month=month).exists():
        raise ConflictError("already_closed", _("Tháng %(m)02d/%(y)d đã được chốt số liệu.") % {"m": month, "y": year})
    stats_rebuild(first=(year, month), last=(year, month))
    closing = StatMonthClosing.objects.create(year=year, month=month, closed_by=actor.user)
    audit_record(actor=actor.user, event_type="stats.month_closed", target=closing, agency=actor.agency,
                 data={"year": year, "month": month})
    return closing


def report_generate(*, kind: str, agency: Agency, period: Period, user: User | None) -> StatReport:
    """Build one report (XLSX and PDF) and keep it; the tables are read before the short write transaction."""
    table = report_table(kind, agency=agency, period=period)
    xlsx, pdf = table_xlsx(table), table_pdf(table)
    year, month = period.last_month
    with transaction.atomic():
        report = StatReport.objects.create(
            kind=kind, agency=agency, year=year, month=month, generated_by=user,
            xlsx=blob_store(content=xlsx, content_type=XLSX_CONTENT_TYPE),
            pdf=blob_store(content=pdf, content_type=PDF_CONTENT_TYPE),
        )
        audit_record(actor=user, event_type="stats.report_generated", target=report, agency=agency,
                     data={"kind": kind, "year": year, "month": month})
    return report


def report_generate_for(*, actor: Actor, kind: str, agency_id: int, period: Period) -> StatReport:
    """On request: a report of an agency the actor may see the statistics of."""
    stats_agency_get(actor=actor, agency_id=agency_id)
    if kind not in ReportKind.values:
        raise ApplicationError("invalid_report", _("Loại báo cáo không hợp lệ."))
    return report_generate(kind=kind, agency=Agency.objects.get(pk=agency_id), period=period, user=actor.user)
