"""Reads of the exchange: the monitor's counters, the package log, one package, the directory.

Who sees what: the clerks, leaders and administrators of an agency see that agency's packages (what it sent, what
it received, the statuses about its documents); a system administrator sees every package, the quarantined ones
included (they may belong to no agency). Anyone else: not found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.calendar import add_working_days
from vanthu.core.errors import NotFoundError
from vanthu.core.text import normalise_text
from vanthu.documents.outgoing.enums import DeliveryStatus, TransportState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery
from vanthu.exchange.enums import PackageState
from vanthu.exchange.models import ExchangePackage, ExternalAgency
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode

MONITOR_ROLES = (RoleCode.CLERK, RoleCode.LEADER, RoleCode.AGENCY_ADMIN)
# A recipient that has registered (03) or gone further has accepted the document.
ACCEPTED_CODES = ("03", "04", "05", "06", "15", "16")


def exchange_may_monitor(actor: Actor) -> bool:
    return actor.is_sysadmin or (actor.agency_id is not None and actor.has_role(*MONITOR_ROLES))


def _package_scope(actor: Actor) -> Q:
    if actor.is_sysadmin:
        return Q()
    if actor.agency_id is None or not actor.has_role(*MONITOR_ROLES):
        return Q(pk__in=[])
    return Q(agency_id=actor.agency_id) | Q(receipts__agency_id=actor.agency_id)


def exchange_packages_for_user(
    *, actor: Actor, direction: str = "", state: str = "", message_type: str = "",
) -> QuerySet[ExchangePackage]:
    """The package log, newest first."""
    rows = ExchangePackage.objects.filter(_package_scope(actor))
    if direction:
        rows = rows.filter(direction=direction)
    if state:
        rows = rows.filter(state=state)
    if message_type:
        rows = rows.filter(message_type=message_type)
    return rows.distinct().select_related("agency").order_by("-created_at", "-id")


def exchange_package_get_for_user(*, actor: Actor, package_id: int) -> ExchangePackage:
    package = (ExchangePackage.objects.filter(_package_scope(actor), pk=package_id).distinct()
               .select_related("agency", "blob", "outgoing", "incoming").first())
    if package is None:
        raise NotFoundError("not_found", _("Không tìm thấy gói tin."))
    return package


@dataclass(frozen=True)
class MonitorCounters:
    """The exchange widgets of docs/domain/outgoing.md: per EXTERNAL delivery of the agency's documents."""

    not_sent: int
    sent: int
    failed: int
    returned: int
    late_acceptance: int
    quarantined: int


def _late_cutoff(now: dt.datetime) -> dt.datetime:
    """Sent before the start of the previous working day: a whole working day passed without acceptance."""
    day = add_working_days(timezone.localtime(now).date(), -1)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def exchange_monitor_for_user(*, actor: Actor) -> MonitorCounters:
    """The counters of the actor's agency (a system administrator without an agency: the whole deployment)."""
    deliveries = OutgoingDelivery.objects.filter(kind=DeliveryKind.EXTERNAL)
    if not actor.is_sysadmin or actor.agency_id is not None:
        if not exchange_may_monitor(actor):
            raise NotFoundError("not_found", _("Không tìm thấy trang."))
        deliveries = deliveries.filter(document__agency_id=actor.agency_id or 0)
    cutoff = _late_cutoff(timezone.now())
    counts = deliveries.aggregate(
        not_sent=Count("pk", filter=Q(transport_state=TransportState.QUEUED)),
        sent=Count("pk", filter=Q(transport_state=TransportState.SENT)),
        failed=Count("pk", filter=Q(transport_state=TransportState.FAILED)),
        returned=Count("pk", filter=Q(status_code=DeliveryStatus.RETURNED)),
        late=Count("pk", filter=Q(transport_state=TransportState.SENT, sent_at__lt=cutoff)
                   & ~Q(status_code__in=[*ACCEPTED_CODES, DeliveryStatus.RETURNED])),
    )
    quarantined = (ExchangePackage.objects.filter(state=PackageState.QUARANTINED).count()
                   if actor.is_sysadmin else 0)
    return MonitorCounters(not_sent=counts["not_sent"], sent=counts["sent"], failed=counts["failed"],
                           returned=counts["returned"], late_acceptance=counts["late"], quarantined=quarantined)


def external_agencies_list(*, query: str = "", active_only: bool = True) -> QuerySet[ExternalAgency]:
    """The directory (public: the names and codes of agencies on the hub)."""
    rows = ExternalAgency.objects.all()
    if active_only:
        rows = rows.filter(is_active=True)
    if query.strip():
        rows = rows.filter(Q(name_key__contains=normalise_text(query.strip())) | Q(organ_id__icontains=query.strip()))
    return rows.order_by("name", "organ_id")
