"""Scheduled monthly generation: once a month has ended, its reports are made for every root agency (the
province's monthly report) and for every agency (incoming handling, outgoing), and kept for later download."""

from __future__ import annotations

from django.utils import timezone

from vanthu.core.periods import Period
from vanthu.organizations.models import Agency
from vanthu.reports.models import ReportKind, StatReport
from vanthu.reports.rollup import stats_rebuild
from vanthu.reports.selectors import default_month
from vanthu.reports.services import report_generate


def monthly_reports_generate(*, month: tuple[int, int] | None = None) -> int:
    """Generate what is missing for ``month`` (default: the month that ended last); returns how many reports."""
    year, number = month or default_month(timezone.localdate())
    made = set(StatReport.objects.filter(year=year, month=number, generated_by__isnull=True)
               .values_list("kind", "agency_id"))
    missing = []
    for agency in Agency.objects.filter(is_active=True).order_by("id"):
        kinds = [ReportKind.INCOMING_HANDLING, ReportKind.OUTGOING]
        if agency.parent_id is None:
            kinds.insert(0, ReportKind.PROVINCE_MONTHLY)
        missing += [(kind, agency) for kind in kinds if (kind, agency.pk) not in made]
    if not missing:
        return 0  # the hourly check costs one query once the month's reports exist
    stats_rebuild(first=(year, number), last=(year, number))
    period = Period.month(year, number)
    for kind, agency in missing:
        report_generate(kind=kind, agency=agency, period=period, user=None)
    return len(missing)
