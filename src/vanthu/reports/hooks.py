"""What statistics hang on registries: marking months dirty when documents change (ADR 0008), periodic jobs.

Registered by ``register`` (called from ``ReportsConfig.ready()``) on the registries of ``documents.effects``.
The months are those of the dates a figure counts a document by (docs/domain/statistics.md): for an incoming
document its arrival, return, deadline and completion — before and after the change —; for an outgoing one its
issue; for a delivery to another deployment the moment it left.
"""

from __future__ import annotations

from vanthu.core.periodic import PeriodicJob, periodic_register
from vanthu.documents.effects import (
    DeliveryTransport,
    IncomingChange,
    OutgoingChange,
    delivery_transported,
    incoming_changed,
    outgoing_changed,
)
from vanthu.documents.outgoing.enums import TransportState
from vanthu.reports.dirty import stat_touch
from vanthu.reports.tasks import stats_monthly_reports, stats_refresh, stats_refresh_now

INCOMING_MOMENTS = ("arrived_at", "returned_at", "due_date", "completed_at")
# Fields a figure depends on besides the moments: the state (open, completed on time…) and how it came.
INCOMING_FACTS = frozenset({"state", "channel", "confidentiality", *INCOMING_MOMENTS})


def incoming_touch(change: IncomingChange) -> None:
    if not change.created and not (change.changed & INCOMING_FACTS):
        return
    document = change.document
    before = [change.previous[name] for name in INCOMING_MOMENTS if name in change.previous]
    stat_touch(agency_id=document.agency_id,
               moments=[*before, *(getattr(document, name) for name in INCOMING_MOMENTS)])


def outgoing_touch(change: OutgoingChange) -> None:
    """An issued document counts in the month of its issue: a move that sets, keeps or clears it."""
    before = change.previous.get("issued_at")
    if before is None and change.document.issued_at is None:
        return
    stat_touch(agency_id=change.document.agency_id, moments=[before, change.document.issued_at])


def delivery_touch(transport: DeliveryTransport) -> None:
    """"Sent to other deployments" counts by the moment the package left."""
    if transport.state == TransportState.SENT:
        stat_touch(agency_id=transport.agency_id, moments=[transport.at])


def register() -> None:
    incoming_changed.register("reports.stat_touch", incoming_touch)
    outgoing_changed.register("reports.stat_touch", outgoing_touch)
    delivery_transported.register("reports.stat_touch", delivery_touch)
    # Each change already asks for a recomputation when it commits: the minute job is a safety net. Open and
    # overdue figures of the running month move with the clock; a month's reports are made once it has ended.
    periodic_register(PeriodicJob("statistics", stats_refresh, lambda: 60.0))
    periodic_register(PeriodicJob("statistics of the month", stats_refresh_now, lambda: 3600.0))
    periodic_register(PeriodicJob("monthly reports", stats_monthly_reports, lambda: 3600.0))
