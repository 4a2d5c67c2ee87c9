"""What each recipient reports back about an issued document (QCVN 102 status codes, docs/standards/status-codes.md),
and how a delivery to another deployment travels (``delivery_transport_set``).

``delivery_status_record`` is the single entry point. Inside one deployment the recipient's moves reach it through
``delivery_status_from_incoming``, an effect of ``documents.effects.incoming_changed`` run in the transaction of the
move; the exchange connector calls it for every status package it receives from the hub.

Rules (docs/standards/status-codes.md): every report is kept as a ``DeliveryStatusEvent``, duplicates and
out-of-order ones included; the delivery shows the report with the latest timestamp; 02 (returned), 15 (recall
agreed) and 16 (recall refused) are terminal: once one is shown, later reports go to the history only.

Locking rule: the delivery row is locked (``SELECT … FOR UPDATE``) while its status changes. Callers that also
lock documents lock them first (the outgoing document, then the incoming copy, then the delivery).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError
from vanthu.core.models import AuditEvent
from vanthu.documents.effects import DeliveryTransport, IncomingChange, delivery_transported
from vanthu.documents.outgoing.enums import (
    TERMINAL_STATUS_CODES,
    DeliveryStatus,
    TransportState,
    delivery_status_label,
)
from vanthu.documents.outgoing.models import DeliveryStatusEvent, OutgoingDelivery, RecallState
from vanthu.documents.outgoing.selectors import delivery_recipient_name
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import notification_emit
from vanthu.organizations.models import User

RECALL_STATES = {
    DeliveryStatus.RECALL_REQUESTED: RecallState.REQUESTED,
    DeliveryStatus.RECALL_AGREED: RecallState.AGREED,
    DeliveryStatus.RECALL_REFUSED: RecallState.REFUSED,
}


def status_code_normalise(code: str) -> str:
    """Two digits, as edXML writes them ("1" → "01"); anything that is not one or two digits is refused."""
    value = str(code).strip()
    if not value.isdigit() or not 1 <= len(value) <= 2 or not value.isascii():
        raise ApplicationError("invalid_status_code", _("Mã trạng thái văn bản không hợp lệ: %(code)s.")
                               % {"code": value[:10]}, {"code": value[:10]})
    return value.zfill(2)


def _aware(moment: dt.datetime | None) -> dt.datetime:
    if moment is None:
        return timezone.now()
    if timezone.is_naive(moment):
        # edXML timestamps carry no zone: they are Vietnam time (docs/standards/README.md#conventions).
        return timezone.make_aware(moment, dt.timezone(dt.timedelta(hours=7)))
    return moment


def _becomes_latest(delivery: OutgoingDelivery, code: str, reported_at: dt.datetime) -> bool:
    if delivery.status_code in TERMINAL_STATUS_CODES:
        return False
    if code in TERMINAL_STATUS_CODES:
        return True
    return delivery.status_at is None or reported_at >= delivery.status_at


@transaction.atomic
def delivery_status_record(
    *, delivery: OutgoingDelivery, code: str, description: str = "", reported_at: dt.datetime | None = None,
    staff: str = "",
) -> DeliveryStatusEvent:
    """Store one status report of a recipient and update what the sender sees.

    The same report twice (same code, timestamp and description: a package delivered again) changes nothing
    and returns the first event. Unknown codes are stored and shown as "không xác định (NN)". A 02 notifies
    the sender (the drafter and the clerk who issued) with the reason.
    """
    code = status_code_normalise(code)
    description = description.strip()
    when = _aware(reported_at)
    row = (
        OutgoingDelivery.objects.select_for_update(of=("self",))
        .select_related("document", "document__agency", "unit", "agency")
        .get(pk=delivery.pk)
    )
    duplicate = row.events.filter(code=code, reported_at=when, description=description).first()
    if duplicate is not None:
        return duplicate
    event = DeliveryStatusEvent.objects.create(
        delivery=row, code=code, description=description, reported_at=when, staff=staff.strip()[:200]
    )
    changed: dict[str, Any] = {}
    shown = _becomes_latest(row, code, when)
    if shown:
        changed.update(status_code=code, status_at=when, status_description=description)
    recall_state = RECALL_STATES.get(DeliveryStatus(code)) if code in DeliveryStatus.values else None
    if recall_state is not None and not (recall_state == RecallState.REQUESTED and row.recall_state):
        changed["recall_state"] = recall_state
    for name, value in changed.items():
        setattr(row, name, value)
        setattr(delivery, name, value)
    if changed:
        row.save(update_fields=list(changed))
    document = row.document
    audit_record(
        actor=None, event_type="outgoing.delivery_status", target=document, agency=document.agency,
        data={"delivery": row.pk, "recipient": delivery_recipient_name(row), "code": code,
              "label": delivery_status_label(code), "description": description, "reported_at": when.isoformat(),
              "staff": event.staff, "shown": shown},
    )
    if code == DeliveryStatus.RETURNED and shown:
        _notify_returned(row, description)
    return event


def _issuing_clerk(document_id: int) -> User | None:
    event = (
        AuditEvent.objects.filter(target_type="documents.outgoingdocument", target_id=str(document_id),
                                  event_type="outgoing.issue")
        .select_related("actor").order_by("-id").first()
    )
    return event.actor if event is not None else None


def _notify_returned(delivery: OutgoingDelivery, reason: str) -> None:
    document = delivery.document
    # The same key incoming_return uses for the clerk who sent the copy, so that clerk is told once.
    key = f"incoming:{delivery.incoming_id}:returned" if delivery.incoming_id else f"delivery:{delivery.pk}:returned"
    notification_emit(
        kind=NotificationKind.RETURNED, recipients=[u for u in (document.drafter, _issuing_clerk(document.pk)) if u],
        dedup_key=key,
        title=_("Văn bản %(ref)s bị %(recipient)s trả lại") % {
            "ref": document.reference, "recipient": delivery_recipient_name(delivery)},
        body=reason,
    )


def delivery_status_from_incoming(change: IncomingChange) -> list[DeliveryStatusEvent]:
    """The recipient's copy moved (register 03, return 02, direct 04, start/reopen 05, complete 06, recall 15/16):
    report it to the sending deliveries of this deployment. An effect of ``incoming_changed``, inside the
    recipient's transaction; copies received from the hub have no delivery here."""
    if not change.status_code or change.actor is None:
        return []
    actor = change.actor
    staff = actor.user.full_name or actor.user.get_username()
    if actor.unit is not None:
        staff = f"{staff} — {actor.unit.name}"
    description = str(change.data.get("reason") or "")
    return [
        delivery_status_record(delivery=delivery, code=change.status_code, description=description, staff=staff)
        for delivery in OutgoingDelivery.objects.filter(incoming_id=change.document.pk).order_by("id")
    ]


def delivery_transport_set(*, deliveries: list[OutgoingDelivery], state: str, at: dt.datetime | None = None,
                           only_from: tuple[str, ...] = ()) -> None:
    """Record how deliveries to another deployment travel (queued, sent, failed, cancelled) — called by the exchange
    connector in its transaction — and run the ``delivery_transported`` effects (statistics count what left by the
    moment it left). ``only_from`` limits the change to deliveries still in one of those states."""
    if not deliveries:
        return
    rows = OutgoingDelivery.objects.filter(pk__in=[d.pk for d in deliveries])
    if only_from:
        rows = rows.filter(transport_state__in=only_from)
    ids = tuple(sorted(rows.values_list("pk", flat=True)))
    if not ids:
        return
    values: dict[str, Any] = {"transport_state": state}
    if state == TransportState.SENT:
        values["sent_at"] = at or timezone.now()
    OutgoingDelivery.objects.filter(pk__in=ids).update(**values)
    first = deliveries[0]
    delivery_transported.run(DeliveryTransport(agency_id=first.document.agency_id, document_id=first.document_id,
                                               delivery_ids=ids, state=state, at=at or timezone.now()))

