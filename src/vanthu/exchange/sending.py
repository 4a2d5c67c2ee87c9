"""Delivering the outbox to the hub, with retries and exponential backoff (docs/standards/hub-api.md#sending).

Claim, send, record — three steps, so no transaction is open while the hub is called:

1. claim: one conditional UPDATE takes a due QUEUED package for this worker (``claimed_at``); a claim older than
   ``CLAIM_SECONDS`` is considered lost (the worker died) and may be taken again;
2. send it with ``sendEdoc``;
3. record the hub's DocId (SENT), or the failure: retried after ``VANTHU_HUB_RETRY_SECONDS`` doubling each time
   up to an hour, FAILED ("Gửi lỗi") after ``VANTHU_HUB_MAX_SEND_ATTEMPTS`` or at once for a refusal that
   cannot succeed later (malformed, too large, sender not ours).

A worker killed between 2 and 3 sends the package again later; the hub answers a repeated body from the same
sender within 24 h with the first DocId, so the recipient still gets one package.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_read
from vanthu.documents.outgoing.delivery_status import delivery_transport_set
from vanthu.documents.outgoing.enums import TransportState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery
from vanthu.exchange.client import hub_client
from vanthu.exchange.enums import BusinessType, Direction, MessageType, PackageState
from vanthu.exchange.models import ExchangePackage
from vanthu.hubapi.client import HubClient, HubError, HubUnavailableError
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import notification_emit
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import User

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 300
MAX_BACKOFF = dt.timedelta(hours=1)
# Hub refusals that sending again cannot fix (docs/standards/hub-api.md#error-codes): sender not ours, malformed, too
# large.
PERMANENT_HUB_ERRORS = frozenset({"3", "5", "7"})


def retry_delay(attempts: int) -> dt.timedelta:
    delay: dt.timedelta = dt.timedelta(seconds=float(settings.VANTHU_HUB_RETRY_SECONDS)) * (2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _claim(package_id: int) -> bool:
    now = timezone.now()
    stale = now - dt.timedelta(seconds=CLAIM_SECONDS)
    claimed = (
        ExchangePackage.objects.filter(pk=package_id, direction=Direction.OUT, state=PackageState.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )
    return claimed == 1


def _deliveries(package: ExchangePackage) -> list[OutgoingDelivery]:
    if package.message_type != MessageType.EDOC or package.outgoing_id is None:
        return []
    if package.business_doc_type not in (BusinessType.NEW, BusinessType.REPLACE):
        return []
    return list(OutgoingDelivery.objects.filter(document_id=package.outgoing_id, kind=DeliveryKind.EXTERNAL,
                                                external_organ_id__in=package.to_organ_ids))


@transaction.atomic
def _record_sent(package_id: int, doc_id: str) -> None:
    package = ExchangePackage.objects.select_for_update().get(pk=package_id)
    now = timezone.now()
    package.state, package.hub_doc_id, package.sent_at = PackageState.SENT, doc_id, now
    package.claimed_at, package.error_code, package.error = None, "", ""
    package.save(update_fields=["state", "hub_doc_id", "sent_at", "claimed_at", "error_code", "error"])
    delivery_transport_set(deliveries=_deliveries(package), state=TransportState.SENT, at=now)
    audit_record(actor=None, event_type="exchange.sent", target=package.outgoing or package.incoming or package,
                 agency=package.agency, data={"package": package.pk, "hub_doc_id": doc_id,
                                              "attempts": package.attempts, "to": package.to_organ_ids})


@transaction.atomic
def _record_failure(package_id: int, exc: HubError) -> str:
    package = ExchangePackage.objects.select_for_update().get(pk=package_id)
    package.attempts += 1
    package.claimed_at = None
    package.error_code, package.error = exc.code, str(exc.message)[:2000]
    hub_code = str(exc.extra.get("error_code", "")) if exc.extra else ""
    permanent = hub_code in PERMANENT_HUB_ERRORS and not isinstance(exc, HubUnavailableError)
    if permanent or package.attempts >= settings.VANTHU_HUB_MAX_SEND_ATTEMPTS:
        package.state, package.next_attempt_at = PackageState.FAILED, None
        delivery_transport_set(deliveries=_deliveries(package), state=TransportState.FAILED)
        audit_record(actor=None, event_type="exchange.failed", target=package.outgoing or package.incoming or package,
                     agency=package.agency, data={"package": package.pk, "attempts": package.attempts,
                                                  "error": package.error, "hub_error": hub_code})
        _notify_failed(package)
    else:
        package.next_attempt_at = timezone.now() + retry_delay(package.attempts)
    package.save(update_fields=["attempts", "claimed_at", "error_code", "error", "state", "next_attempt_at"])
    return package.state


def _notify_failed(package: ExchangePackage) -> None:
    from django.utils.translation import gettext as _


    if package.agency_id is None:
        return
    clerks = User.objects.filter(memberships__agency_id=package.agency_id, memberships__is_active=True,
                                 memberships__roles__code=RoleCode.CLERK, is_active=True).distinct()
    notification_emit(
        kind=NotificationKind.EXCHANGE_FAILED, recipients=list(clerks), dedup_key=f"exchange:{package.pk}:failed",
        title=_("Gửi liên thông không thành công: %(subject)s") % {"subject": package.subject or package.document_id},
        body=package.error,
    )


def exchange_send_package(*, package_id: int, client: HubClient | None = None) -> str:
    """Send one queued package if it is due and not taken by another worker; returns its state afterwards."""
    if not _claim(package_id):
        return str(ExchangePackage.objects.filter(pk=package_id).values_list("state", flat=True).first() or "")
    package = ExchangePackage.objects.select_related("blob").get(pk=package_id)
    assert package.blob is not None
    try:
        client = client or hub_client()
        doc_id = client.send(package=blob_read(package.blob), from_organ_id=package.from_organ_id,
                             message_type=package.message_type, to=list(package.to_organ_ids))
    except HubError as exc:
        logger.warning("exchange package %s not sent: %s", package_id, exc.message)
        return _record_failure(package_id, exc)
    _record_sent(package_id, doc_id)
    return PackageState.SENT


def exchange_send_due(*, limit: int = 200, client: HubClient | None = None) -> int:
    """Send every due package of the outbox (oldest first); the periodic safety net behind the per-package task."""
    now = timezone.now()
    ids = list(
        ExchangePackage.objects.filter(direction=Direction.OUT, state=PackageState.QUEUED)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for package_id in ids:
        if exchange_send_package(package_id=package_id, client=client) == PackageState.SENT:
            sent += 1
    return sent


@task()
def exchange_send(package_id: int) -> str:
    """Send one outbox package now. Defined here, beside what it runs, because the outbox enqueues it when the
    transaction that wrote the package commits (``send_soon``); the worker's periodic tasks are in ``tasks``."""
    return exchange_send_package(package_id=package_id)


def send_soon(package_id: int) -> None:
    exchange_send.enqueue(package_id)
