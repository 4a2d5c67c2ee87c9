"""The outbox (docs/architecture.md, house rule 6): a package is written in the transaction that decides to send it,
and a
worker delivers it to the hub afterwards (``sending``). Nothing can be lost between the two: if the transaction
rolls back there is no package; if the worker or the hub is down the package waits, and is retried.

Document packages carry one issue (or recall, or replacement) of an outgoing document to every EXTERNAL
recipient at once (one package, several ``To``); status packages report a move of a copy we received from the
hub back to its sender (docs/standards/status-codes.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu import edxml
from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.errors import ApplicationError
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.delivery_status import delivery_transport_set
from vanthu.documents.outgoing.enums import TransportState
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
from vanthu.exchange.client import EDXML_CONTENT_TYPE, hub_configured, not_connected
from vanthu.exchange.enums import BusinessType, Direction, MessageType, PackageState
from vanthu.exchange.mapping import document_package_for, organization_of, staff_of, status_response_for
from vanthu.exchange.models import ExchangePackage
from vanthu.exchange.sending import send_soon
from vanthu.exchange.signer import package_signer
from vanthu.organizations.actor import Actor


def _write(
    *, agency_id: int, message_type: str, data: bytes, from_organ_id: str, to: Sequence[str], document_id: str,
    business: int = 0, status_code: str = "", subject: str = "", outgoing: OutgoingDocument | None = None,
    incoming: IncomingDocument | None = None, actor_user: object = None,
) -> ExchangePackage:
    blob = blob_store(content=data, content_type=EDXML_CONTENT_TYPE)
    package = ExchangePackage.objects.create(
        direction=Direction.OUT, message_type=message_type, state=PackageState.QUEUED, agency_id=agency_id,
        blob=blob, size=len(data), from_organ_id=from_organ_id, to_organ_ids=list(to), document_id=document_id,
        business_doc_type=business, status_code=status_code, subject=subject[:500], outgoing=outgoing,
        incoming=incoming, next_attempt_at=timezone.now(),
    )
    target = outgoing if outgoing is not None else incoming
    audit_record(
        actor=actor_user, event_type="exchange.queued", target=target if target is not None else package,  # type: ignore[arg-type]
        agency=package.agency, data={"package": package.pk, "message_type": message_type, "to": list(to),
                                     "business": business, "status_code": status_code, "size": len(data)},
    )
    transaction.on_commit(lambda: send_soon(package.pk))
    return package


def package_enqueue_document(
    *, document: OutgoingDocument, deliveries: Sequence[OutgoingDelivery], actor: Actor,
    business: int = BusinessType.NEW, reason: str = "", replaces: OutgoingDocument | None = None,
) -> ExchangePackage:
    """Write the edXML package of ``document`` for these EXTERNAL deliveries to the outbox, in the caller's
    transaction. Secret documents are refused by the package builder itself (never packaged)."""
    if not hub_configured():
        first = deliveries[0]
        raise not_connected(first.external_name, first.external_organ_id)
    files = _files_of(document) if business in (BusinessType.NEW, BusinessType.REPLACE, BusinessType.UPDATE) else ()
    package = document_package_for(
        document=document, recipients=[(d.external_organ_id, d.external_name) for d in deliveries],
        business=business, reason=reason, files=files, replaces=replaces, staff=staff_of(actor),
    )
    data = edxml.document_package_build(package, signer=package_signer(),
                                        max_bytes=settings.VANTHU_HUB_MAX_PACKAGE_BYTES)
    to = [d.external_organ_id for d in deliveries]
    if business in (BusinessType.NEW, BusinessType.REPLACE):
        delivery_transport_set(deliveries=list(deliveries), state=TransportState.QUEUED)
    return _write(agency_id=document.agency_id, message_type=MessageType.EDOC, data=data,
                  from_organ_id=package.header.from_.organ_id, to=to, document_id=package.header.document_id,
                  business=business, subject=document.subject, outgoing=document, actor_user=actor.user)


def _files_of(document: OutgoingDocument) -> tuple[edxml.Attachment, ...]:
    """The sealed main PDF, then each attachment's stamped PDF: what the recipient validates and keeps."""
    version = document.versions.select_related("pdf").order_by("-number").first()
    if version is None:
        raise ApplicationError("no_version", _("Văn bản chưa có tệp."))
    files = [edxml.Attachment(name=version.filename, content_type="application/pdf", data=blob_read(version.pdf))]
    for attachment in document.attachments.select_related("stamped", "original").order_by("order", "id"):
        blob = attachment.stamped or attachment.original
        files.append(edxml.Attachment(name=attachment.filename, content_type="application/pdf",
                                      data=blob_read(blob)))
    return tuple(files)


def package_enqueue_status(
    *, incoming: IncomingDocument, code: str, description: str = "", staff: str = "",
    reported_at: dt.datetime | None = None, actor_user: object = None,
) -> ExchangePackage | None:
    """Report a move of a copy received from the hub (01–06, 15, 16) to its sender, in the caller's transaction.
    Copies delivered inside this deployment have no receipt and report through their delivery instead."""
    if not hub_configured():
        return None
    agency = incoming.agency
    status = edxml.StatusPackage(
        from_=organization_of(agency), response_for=status_response_for(incoming), status_code=code,
        description=description, timestamp=reported_at or timezone.now(),
        staff_info=edxml.StaffInfo(staff=staff[:100]) if staff else None,
    )
    data = edxml.status_package_build(status, signer=package_signer())
    return _write(agency_id=agency.pk, message_type=MessageType.STATUS, data=data,
                  from_organ_id=status.from_.organ_id, to=[incoming.organ_id], document_id=incoming.document_id,
                  status_code=code, subject=incoming.subject, incoming=incoming, actor_user=actor_user)


def package_withdraw_recipient(*, delivery: OutgoingDelivery, actor: Actor, reason: str) -> bool:
    """Take ``delivery``'s recipient off the outgoing document packages that never reached the hub (queued and
    not being sent, or failed for good); a package left with no recipient is cancelled. True when the
    recipient never got the document — there is then nothing to recall from it."""
    if delivery.transport_state not in (TransportState.QUEUED, TransportState.FAILED):
        return False
    packages = list(
        ExchangePackage.objects.select_for_update()
        .filter(direction=Direction.OUT, message_type=MessageType.EDOC, outgoing_id=delivery.document_id,
                state__in=[PackageState.QUEUED, PackageState.FAILED])
        .order_by("id")
    )
    mine = [p for p in packages if delivery.external_organ_id in p.to_organ_ids]
    if not mine or any(p.state == PackageState.QUEUED and p.claimed_at is not None for p in mine):
        return False
    for package in mine:
        package.to_organ_ids = [code for code in package.to_organ_ids if code != delivery.external_organ_id]
        if not package.to_organ_ids:
            package.state, package.next_attempt_at = PackageState.CANCELLED, None
        package.save(update_fields=["to_organ_ids", "state", "next_attempt_at"])
    delivery_transport_set(deliveries=[delivery], state=TransportState.CANCELLED)
    audit_record(actor=actor.user, event_type="exchange.withdrawn", target=delivery.document, agency=actor.agency,
                 data={"recipient": delivery.external_organ_id, "reason": reason,
                       "packages": [p.pk for p in mine]})
    return True
