"""Writes of the exchange that people trigger (the connector's own work is in outbox/sending/receiving)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ConflictError, PermissionDeniedError
from vanthu.documents.outgoing.delivery_status import delivery_transport_set
from vanthu.documents.outgoing.enums import TransportState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery
from vanthu.exchange.directory import DirectorySync, exchange_directory_sync
from vanthu.exchange.enums import BusinessType, Direction, MessageType, PackageState
from vanthu.exchange.models import ExchangePackage
from vanthu.exchange.selectors import exchange_package_get_for_user
from vanthu.exchange.sending import send_soon
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode


@transaction.atomic
def exchange_package_resend(*, actor: Actor, package_id: int) -> ExchangePackage:
    """Put a package that failed for good ("Gửi lỗi") back in the outbox, with a fresh count of attempts. By a
    clerk of the sending agency or a system administrator."""
    exchange_package_get_for_user(actor=actor, package_id=package_id)  # not-found first
    package = ExchangePackage.objects.select_for_update().get(pk=package_id)
    if not (actor.is_sysadmin or (actor.agency_id == package.agency_id and actor.has_role(RoleCode.CLERK))):
        raise PermissionDeniedError("forbidden", _("Chỉ văn thư của cơ quan gửi được gửi lại gói tin."))
    if package.direction != Direction.OUT or package.state != PackageState.FAILED:
        raise ConflictError("not_failed", _("Chỉ gửi lại được gói tin gửi lỗi."), {"state": package.state})
    package.state, package.attempts, package.next_attempt_at = PackageState.QUEUED, 0, timezone.now()
    package.claimed_at, package.error_code, package.error = None, "", ""
    package.save(update_fields=["state", "attempts", "next_attempt_at", "claimed_at", "error_code", "error"])
    if (package.message_type == MessageType.EDOC and package.outgoing_id is not None
            and package.business_doc_type in (BusinessType.NEW, BusinessType.REPLACE)):
        deliveries = OutgoingDelivery.objects.filter(document_id=package.outgoing_id, kind=DeliveryKind.EXTERNAL,
                                                     external_organ_id__in=package.to_organ_ids)
        delivery_transport_set(deliveries=list(deliveries.select_related("document")), state=TransportState.QUEUED,
                               only_from=(TransportState.FAILED,))
    audit_record(actor=actor.user, event_type="exchange.resend", target=package.outgoing or package,
                 agency=package.agency, data={"package": package.pk})
    transaction.on_commit(lambda: send_soon(package.pk))
    return package


def exchange_directory_refresh(*, actor: Actor) -> DirectorySync:
    """The directory, refreshed now by a system administrator."""
    return exchange_directory_sync(actor=actor)
