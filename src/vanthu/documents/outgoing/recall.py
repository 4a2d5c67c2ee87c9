"""Recall and replacement of an issued document: the sender's side (ND30 Điều 18;
docs/standards/status-codes.md#recall, docs/standards/nd30.md#recall).

Recall: the issuing agency's clerk or leader withdraws the document. It is frozen (RECALLED: no further change),
every recipient agency gets status 13 and its copy is frozen too (RECALL_PENDING) until that agency's clerk agrees
(15, the copy is purged) or refuses (16) — ``vanthu.documents.recall``.

Replacement: a new document, drafted normally, is linked to the issued one before it is issued itself; issuing
it marks the old one replaced and leaves a note on every recipient's copy (``distribution``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from vanthu.documents.outgoing.delivery_status import delivery_status_record
from vanthu.documents.outgoing.distribution import exchange_cancel_unsent, exchange_enqueue
from vanthu.documents.outgoing.enums import DeliveryStatus, OutgoingState
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDocument
from vanthu.documents.outgoing.permissions import lock_visible
from vanthu.documents.outgoing.selectors import outgoing_get_for_user
from vanthu.documents.outgoing.transitions import lock_outgoing_in_order, transition_apply, transition_check
from vanthu.documents.recall import incoming_recall_request
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode

EXCHANGE_RECALL = 1  # edXML BussinessDocType


@transaction.atomic
def outgoing_recall(*, actor: Actor, document_id: int, reason: str) -> OutgoingDocument:
    """Recall an issued document (ISSUED → RECALLED), ordered by a leader or sent by the clerk; reason required.

    Lock order: the outgoing document, then each recipient's copy (by id), then its delivery row.
    """
    if not reason.strip():
        raise ApplicationError("reason_required", _("Phải nhập lý do thu hồi văn bản."))
    reason = reason.strip()
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="recall", actor=actor)
    now = timezone.now()
    transition_apply(document=document, transition=transition, actor=actor, data={"reason": reason},
                     fields={"recalled_at": now, "recall_reason": reason})
    staff = actor.user.full_name or actor.user.get_username()
    deliveries = document.deliveries.filter(kind__in=[DeliveryKind.AGENCY, DeliveryKind.EXTERNAL])
    external = []
    for delivery in deliveries.order_by("incoming_id", "id"):
        if delivery.incoming_id is not None:
            copy = incoming_recall_request(document_id=delivery.incoming_id, reason=reason, requested_by=actor)
            if copy is None:
                continue  # returned or already withdrawn: nothing to recall
        elif delivery.kind == DeliveryKind.EXTERNAL:
            if delivery.status_code == DeliveryStatus.RETURNED:
                continue  # the recipient sent it back: nothing there to recall
            if not exchange_cancel_unsent(delivery=delivery, actor=actor, reason=reason):
                external.append(delivery)
            else:
                continue  # never left the outbox: withdrawn here, nothing to ask the recipient
        delivery_status_record(delivery=delivery, code=DeliveryStatus.RECALL_REQUESTED, description=reason,
                               reported_at=now, staff=staff)
    exchange_enqueue(document=document, deliveries=external, actor=actor, business=EXCHANGE_RECALL, reason=reason)
    return document


@transaction.atomic
def outgoing_replace(*, actor: Actor, old_document_id: int, new_document_id: int) -> OutgoingDocument:
    """Mark a document not yet issued as the replacement of an issued one (``replaces``); returns the new one.

    By the clerk or a leader of the agency, or the drafter of the new document. One live replacement per
    document; issuing the new one marks the old one replaced and notes it on every recipient's copy.
    """
    if old_document_id == new_document_id:
        raise ApplicationError("replace_self", _("Văn bản không thể thay thế chính nó."))
    outgoing_get_for_user(actor=actor, document_id=old_document_id)
    outgoing_get_for_user(actor=actor, document_id=new_document_id)
    locked = lock_outgoing_in_order(old_document_id, new_document_id)
    old, new = locked[old_document_id], locked[new_document_id]
    transition = transition_check(document=new, action="link_replacement", actor=actor)
    office = actor.agency_id == new.agency_id and actor.has_role(RoleCode.CLERK, RoleCode.LEADER)
    if not office and new.drafter_id != actor.user.pk:
        raise PermissionDeniedError("forbidden", _("Chỉ văn thư, lãnh đạo hoặc người soạn thảo được gắn văn bản "
                                                   "thay thế."))
    if old.state not in (OutgoingState.ISSUED, OutgoingState.RECALLED) or old.agency_id != new.agency_id:
        raise ConflictError("not_issued", _("Chỉ thay thế được văn bản đã phát hành của cơ quan."),
                            {"state": old.state})
    if new.replaces_id is not None:
        raise ConflictError("already_linked", _("Văn bản này đã được gắn là văn bản thay thế."))
    taken = OutgoingDocument.objects.filter(replaces=old).exclude(
        state__in=[OutgoingState.CANCELLED, OutgoingState.VOIDED]).exists()
    if taken:
        raise ConflictError("already_replaced", _("Văn bản này đã có văn bản thay thế."))
    transition_apply(document=new, transition=transition, actor=actor, fields={"replaces": old},
                     data={"replaces": old.pk, "reference": old.reference})
    return new
