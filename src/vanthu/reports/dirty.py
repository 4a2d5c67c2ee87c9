"""Marking months of statistics dirty, in the transaction of the change that moves a figure.

The recomputation runs after commit, in a task (``reports.tasks.stats_refresh`` → ``rollup.stats_refresh_dirty``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from vanthu.core.calendar import month_of
from vanthu.core.tasking import enqueue_once
from vanthu.reports.models import StatDirty
from vanthu.reports.tasks import stats_refresh


def stat_touch(*, agency_id: int | None, moments: Iterable[dt.datetime | dt.date | None]) -> None:
    """Mark the months of ``moments`` (and the current month: open and overdue are counted as of now) of the
    agency for recomputation, in the caller's transaction; the recomputation runs after commit."""
    if agency_id is None:
        return
    now = timezone.now()
    months = {month_of(m) for m in moments if m is not None} | {month_of(now)}
    # A mark that exists gets a new time (oldest marks are recomputed first).
    StatDirty.objects.bulk_create(
        [StatDirty(agency_id=agency_id, year=y, month=m, marked_at=now) for y, m in sorted(months)],
        update_conflicts=True, unique_fields=["agency", "year", "month"], update_fields=["marked_at"])
    transaction.on_commit(_refresh_soon)


def _refresh_soon() -> None:
    enqueue_once(stats_refresh)
