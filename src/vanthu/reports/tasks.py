"""Background work of the statistics (django-tasks). Thin: a service call each."""

from __future__ import annotations

from django_tasks import task

from vanthu.reports.generation import monthly_reports_generate
from vanthu.reports.rollup import stats_refresh_current, stats_refresh_dirty


@task()
def stats_refresh() -> int:
    """Recompute the agency-months marked dirty by the changes since the last run."""
    return stats_refresh_dirty()


@task()
def stats_refresh_now() -> int:
    """The current month of every agency (open and overdue figures move with the clock)."""
    return stats_refresh_current()


@task()
def stats_monthly_reports() -> int:
    """After a month ends: generate and keep its reports (province, incoming handling, outgoing)."""
    return monthly_reports_generate()
