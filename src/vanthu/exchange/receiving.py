"""The receive loop (docs/standards/hub-api.md#receive-loop): poll the hub, store, apply, acknowledge.

For each package the hub lists for us:

1. a package we already hold (same hub docId) is acknowledged again and nothing else happens — the ack of the
   first delivery was lost;
2. the bytes are fetched and parsed by the hardened edXML parser; a defective package (a FATAL defect: the
   document cannot be identified, a file is missing or corrupt, the signature does not match, hostile XML) is
   quarantined (kept, with the typed error naming the element), acknowledged as ``fail`` and reported to the
   system administrators; anything else a real system omits or writes differently is received, its warnings
   kept on the package and on the incoming document;
3. the files are checked and their signatures validated, and the certificate of the package's own XML signature
   is validated against our trust anchors (``exchange.trust``), *before* any transaction (revocation data is
   fetched);
4. ONE transaction stores the package, what it caused (the incoming copies waiting for acceptance, a status on a
   delivery, a recall request) and the audit events;
5. only then the hub is told ``done``. A crash anywhere before 5 makes the hub deliver the package again, and
   step 1 (or the unique hub docId) makes that a no-op: exactly one incoming document.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu import edxml
from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError
from vanthu.exchange.applying import Prepared, package_apply, package_prepare
from vanthu.exchange.client import EDXML_CONTENT_TYPE, hub_client
from vanthu.exchange.enums import Direction, MessageType, PackageState
from vanthu.exchange.models import ExchangePackage
from vanthu.exchange.trust import TrustResult, package_signer_trust
from vanthu.exchange.warnings import package_warnings
from vanthu.hubapi.client import HubClient, HubError
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import notification_emit
from vanthu.organizations.models import User

logger = logging.getLogger(__name__)


@dataclass
class PollResult:
    received: int = 0
    duplicates: int = 0
    ignored: int = 0
    quarantined: int = 0
    failed: int = 0

    def add(self, outcome: str) -> None:
        if outcome == PackageState.PROCESSED:
            self.received += 1
        elif outcome == PackageState.IGNORED:
            self.ignored += 1
        elif outcome == PackageState.QUARANTINED:
            self.quarantined += 1
        elif outcome == "duplicate":
            self.duplicates += 1
        else:
            self.failed += 1


def exchange_poll(*, client: HubClient | None = None) -> PollResult:
    """One round of the receive loop: document packages, then status packages."""
    client = client or hub_client()
    result = PollResult()
    for message_type in (MessageType.EDOC, MessageType.STATUS):
        for item in client.received_list(message_type=message_type):
            try:
                result.add(exchange_receive(client=client, doc_id=item.doc_id, message_type=message_type,
                                            hub_to=item.to_codes))
            except HubError as exc:  # the hub went away mid-round: the rest waits for the next round
                logger.warning("exchange receive of %s stopped: %s", item.doc_id, exc.message)
                result.failed += 1
                return result
    return result


def exchange_receive(*, client: HubClient, doc_id: str, message_type: str, hub_to: tuple[str, ...] = ()) -> str:
    """Receive one package by its hub docId; returns the outcome (a ``PackageState`` or "duplicate")."""
    known = ExchangePackage.objects.filter(direction=Direction.IN, hub_doc_id=doc_id).first()
    if known is not None:
        client.ack(doc_id, "fail" if known.state == PackageState.QUARANTINED else "done")
        return "duplicate"
    data = client.get(doc_id)
    try:
        parsed = edxml.package_parse(data, max_bytes=settings.VANTHU_HUB_MAX_PACKAGE_BYTES)
        prepared = package_prepare(parsed)
    except ApplicationError as exc:  # EdxmlError, or a file in it that is no readable PDF
        return _quarantine(client, doc_id, data, message_type, exc)
    trust = package_signer_trust(parsed.signature)  # revocation data is fetched: outside the transaction
    try:
        with transaction.atomic():
            package = _store(doc_id, data, parsed, hub_to, trust)
            outcome = package_apply(package=package, parsed=parsed, prepared=prepared, hub_to=hub_to)
    except IntegrityError:  # another worker stored the same docId first
        outcome = "duplicate"
    except ApplicationError as exc:
        return _quarantine(client, doc_id, data, message_type, exc)
    client.ack(doc_id, "done")
    return outcome


def _store(doc_id: str, data: bytes, parsed: edxml.ParsedPackage, hub_to: tuple[str, ...],
           trust: TrustResult) -> ExchangePackage:
    blob = blob_store(content=data, content_type=EDXML_CONTENT_TYPE)
    if parsed.status is not None:
        status = parsed.status
        fields: dict[str, object] = {
            "from_organ_id": status.from_.organ_id, "to_organ_ids": [status.response_for.organ_id],
            "document_id": status.response_for.document_id, "status_code": status.status_code,
            "message_type": MessageType.STATUS}
    else:
        assert parsed.document is not None
        header, business = parsed.document.header, parsed.document.business
        fields = {"from_organ_id": header.from_.organ_id,
                  "to_organ_ids": list(dict.fromkeys([*(o.organ_id for o in header.to), *hub_to])),
                  "document_id": header.document_id, "business_doc_type": business.doc_type if business else 0,
                  "subject": header.subject[:500], "message_type": MessageType.EDOC}
    return ExchangePackage.objects.create(
        direction=Direction.IN, state=PackageState.PROCESSED, blob=blob, size=len(data), hub_doc_id=doc_id,
        signature_state=parsed.signature.state, signer_trust=trust.trust, signer_trust_reason=trust.reason,
        signer_subject=parsed.signature.subject[:500], warnings=package_warnings(parsed), processed_at=timezone.now(),
        **fields,
    )


def _quarantine(client: HubClient, doc_id: str, data: bytes, message_type: str, exc: ApplicationError) -> str:
    """Keep the defective package (for the administrators and the sender), tell the hub it failed."""
    element = str(exc.extra.get("element", "")) if exc.extra else ""
    with transaction.atomic():
        blob = blob_store(content=data, content_type=EDXML_CONTENT_TYPE) if data else None
        package, created = ExchangePackage.objects.get_or_create(
            direction=Direction.IN, hub_doc_id=doc_id,
            defaults={"message_type": message_type if message_type in MessageType.values else MessageType.EDOC,
                      "state": PackageState.QUARANTINED, "blob": blob, "size": len(data), "error_code": exc.code,
                      "error": f"{exc.message}" + (f" ({element})" if element else ""),
                      "processed_at": timezone.now()},
        )
        if created:
            audit_record(actor=None, event_type="exchange.quarantined", target=package, agency=None,
                         data={"hub_doc_id": doc_id, "code": exc.code, "element": element, "size": len(data)})
            _alert_admins(package)
    client.ack(doc_id, "fail")
    return PackageState.QUARANTINED


def _alert_admins(package: ExchangePackage) -> None:
    admins = User.objects.filter(is_active=True, is_superuser=True)
    notification_emit(
        kind=NotificationKind.EXCHANGE_FAILED, recipients=list(admins), dedup_key=f"exchange:{package.pk}:quarantined",
        title=_("Gói tin liên thông lỗi đã được cách ly (mã %(id)s)") % {"id": package.hub_doc_id},
        body=package.error,
    )


__all__ = ["PollResult", "Prepared", "exchange_poll", "exchange_receive"]
