"""Rollups kept current (issue "Monthly statistics", item 5): ``MonthlyStat`` rows recomputed per (agency, month).

Every change that can move a figure marks the months it touches dirty in its own transaction (``reports.dirty``,
run as effects of the document changes: ``reports.effects``); after commit a task recomputes
the dirty (agency, month) pairs from the documents with the definitions of ``reports.metrics``, so a rollup is
always a from-scratch computation of its month, never an increment that could drift. Snapshot figures of the month
still running (open, overdue) also move with the clock: the worker refreshes the current month of every agency
hourly. A month closed by a statistics viewer (``StatMonthClosing``) is frozen. ``vanthu stats rebuild`` recomputes
everything.
"""

from __future__ import annotations

import functools
import operator
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from vanthu.core.calendar import month_of
from vanthu.core.periods import Period
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery, OutgoingDocument
from vanthu.organizations.models import Agency
from vanthu.reports.metrics import (
    INCOMING_FILTERS,
    OUTGOING_FILTERS,
    incoming_for,
    on_time,
    outgoing_for,
)
from vanthu.reports.models import COUNT_FIELDS, MonthlyStat, StatDirty, StatMonthClosing

Counts = dict[str, int]
REBUILD_CHUNK = 100  # agencies recomputed in one set of queries
_LOCK_SPACE = 0x57A7_0000  # advisory-lock key space of the rollups ("STAT"), plus year * 100 + month
_SIMPLE_INCOMING = ("received", "received_paper", "received_secret", "returned", "due", "completed",
                    "completed_due", "open_end", "overdue_open")
_SIMPLE_OUTGOING = ("sent", "sent_internal", "sent_paper", "sent_secret", "sent_personal_signed",
                    "sent_org_signed", "recalled")


Key = tuple[int, int | None]  # (agency, unit); unit None: documents with no unit


def _grouped(rows: Iterable[dict[str, Any]], fields: Iterable[str], into: dict[Key, Counts]) -> None:
    for row in rows:
        counts = into[(row["agency_id"], row["stat_unit_id"])]
        for name in fields:
            counts[name] += int(row[name] or 0)


def stat_compute(*, period: Period, agency_ids: Iterable[int]) -> dict[Key, Counts]:
    """The counts of ``period`` per (agency, unit), from the documents, in a handful of grouped queries whatever
    the number of agencies."""
    ids = list(agency_ids)
    by_key: dict[Key, Counts] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    incoming = INCOMING_FILTERS(period)
    union = functools.reduce(operator.or_, (incoming[m] for m in _SIMPLE_INCOMING))
    rows = (incoming_for(ids).filter(union).values("agency_id", "stat_unit_id")
            .annotate(**{m: Count("pk", filter=incoming[m]) for m in _SIMPLE_INCOMING}))
    _grouped(rows, _SIMPLE_INCOMING, by_key)
    for agency_id, unit_id, completed, due in incoming_for(ids).filter(incoming["due"]).values_list(
            "agency_id", "stat_unit_id", "completed_at", "due_date"):
        by_key[(agency_id, unit_id)]["on_time"] += on_time(completed, due)
    for agency_id, unit_id, arrived, completed, due in incoming_for(ids).filter(incoming["completed"]).values_list(
            "agency_id", "stat_unit_id", "arrived_at", "completed_at", "due_date"):
        counts = by_key[(agency_id, unit_id)]
        counts["processing_seconds"] += max(int((completed - arrived).total_seconds()), 0)
        counts["processing_count"] += 1
        counts["completed_on_time"] += due is not None and on_time(completed, due)
    outgoing = OUTGOING_FILTERS(period)
    union = functools.reduce(operator.or_, (outgoing[m] for m in _SIMPLE_OUTGOING))
    rows = (outgoing_for(ids).filter(union).values("agency_id", "stat_unit_id")
            .annotate(**{m: Count("pk", filter=outgoing[m]) for m in _SIMPLE_OUTGOING}))
    _grouped(rows, _SIMPLE_OUTGOING, by_key)
    sent = outgoing_for(ids).filter(outgoing["sent"]).values("pk")
    # The agency condition again on the join: without it PostgreSQL scans every outgoing document to join them.
    deliveries = OutgoingDelivery.objects.filter(document__in=sent, document__agency_id__in=ids,
                                                 kind__in=[DeliveryKind.AGENCY, DeliveryKind.EXTERNAL])
    for agency_id, unit_id, count in (deliveries.values_list("document__agency_id", "document__drafting_unit_id")
                                      .annotate(n=Count("pk"))):
        by_key[(agency_id, unit_id)]["deliveries"] += count
    external = OutgoingDelivery.objects.filter(document__agency_id__in=ids, kind=DeliveryKind.EXTERNAL,
                                               sent_at__gte=period.start, sent_at__lt=period.end)
    for agency_id, unit_id, count in (external.values_list("document__agency_id", "document__drafting_unit_id")
                                      .annotate(n=Count("pk"))):
        by_key[(agency_id, unit_id)]["exchange_sent"] += count
    received = Q(exchange_receipt__created_at__gte=period.start, exchange_receipt__created_at__lt=period.end)
    for agency_id, unit_id, count in (incoming_for(ids).filter(received).values_list("agency_id", "stat_unit_id")
                                      .annotate(n=Count("pk"))):
        by_key[(agency_id, unit_id)]["exchange_received"] += count
    return dict(by_key)


def _closed(year: int, month: int) -> bool:
    return StatMonthClosing.objects.filter(year=year, month=month).exists()


def _serialise(agency_ids: list[int], year: int, month: int) -> None:
    """Two recomputations of the same agency-month (a refresh and a rebuild, two workers) take turns: each one
    deletes and re-inserts the rows, which two at once would do twice. PostgreSQL: transaction-scoped advisory
    locks in agency order; SQLite already runs one writing transaction at a time (IMMEDIATE)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::int, a) FROM unnest(%s::int[]) AS a ORDER BY a",
                       [_LOCK_SPACE + year * 100 + month, agency_ids])


@transaction.atomic
def stat_store(*, agency_ids: Iterable[int], year: int, month: int) -> int:
    """Recompute and replace the rows of these agencies for one month (each agency's row and one per unit with
    something to count); returns the number of rows written. A closed month is left as it is."""
    ids = sorted(set(agency_ids))
    if not ids or _closed(year, month):
        return 0
    _serialise(ids, year, month)
    by_key = stat_compute(period=Period.month(year, month), agency_ids=ids)
    totals: dict[int, Counts] = {agency_id: dict.fromkeys(COUNT_FIELDS, 0) for agency_id in ids}
    for (agency_id, _unit_id), counts in by_key.items():
        for name in COUNT_FIELDS:
            totals[agency_id][name] += counts[name]
    now = timezone.now()
    rows = [MonthlyStat(agency_id=agency_id, unit=None, year=year, month=month, computed_at=now, **counts)
            for agency_id, counts in totals.items()]
    rows += [MonthlyStat(agency_id=agency_id, unit_id=unit_id, year=year, month=month, computed_at=now, **counts)
             for (agency_id, unit_id), counts in sorted(by_key.items(), key=lambda item: (item[0][0], item[0][1] or 0))
             if unit_id is not None and any(counts.values())]
    MonthlyStat.objects.filter(agency_id__in=ids, year=year, month=month).delete()
    MonthlyStat.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def stats_refresh_dirty(*, limit: int = 500) -> int:
    """Recompute the dirty agency-months (oldest marks first); each is unmarked in the transaction that
    recomputes it. Several refreshes at once share the marks out instead of computing the same month twice."""
    done = 0
    for pk in list(StatDirty.objects.order_by("marked_at", "id").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            # Claimed by locking it: another refresh skips it, and a change marking it again meanwhile waits
            # for this transaction and then marks it anew (its documents are not visible to this computation).
            mark = StatDirty.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if mark is None:
                continue
            stat_store(agency_ids=[mark.agency_id], year=mark.year, month=mark.month)
            mark.delete()
        done += 1
    return done


def _months(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    months, (year, month) = [], first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def stats_rebuild(*, first: tuple[int, int] | None = None, last: tuple[int, int] | None = None,
                  agency_ids: Iterable[int] | None = None) -> int:
    """Recompute every agency-month from ``first`` (default: the first month with a document) to ``last``
    (default: this month). Returns the number of agency-months recomputed."""

    if first is None:
        candidates = [IncomingDocument.objects.order_by("arrived_at").values_list("arrived_at", flat=True).first(),
                      OutgoingDocument.objects.exclude(issued_at=None).order_by("issued_at")
                      .values_list("issued_at", flat=True).first()]
        present = [c for c in candidates if c is not None]
        first = month_of(min(present)) if present else month_of(timezone.now())
    last = last or month_of(timezone.now())
    ids = (list(agency_ids) if agency_ids is not None
           else list(Agency.objects.order_by("id").values_list("pk", flat=True)))
    count = 0
    for year, month in _months(first, last):
        for chunk in range(0, len(ids), REBUILD_CHUNK):
            stat_store(agency_ids=ids[chunk:chunk + REBUILD_CHUNK], year=year, month=month)
        count += len(ids)
    return count


def stats_refresh_current() -> int:
    """The month running now, for every agency: its open and overdue figures move with the clock."""
    year, month = month_of(timezone.now())
    return stats_rebuild(first=(year, month), last=(year, month))
