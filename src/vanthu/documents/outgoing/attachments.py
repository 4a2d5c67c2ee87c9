"""Attachments in separate files (phụ lục, tài liệu kèm theo): PDFs added before the agency signs. Each gets the
agency's text-only signature at the top right of page 1 when the document is sealed (``outgoing.sealing``)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError, NotFoundError, refuse_if
from vanthu.core.files import PDF, UploadedContent, file_check
from vanthu.documents.outgoing.models import OutgoingAttachment, OutgoingDocument
from vanthu.documents.outgoing.permissions import can_change_attachments, lock_visible
from vanthu.organizations.actor import Actor


def _check_may_change(actor: Actor, document: OutgoingDocument) -> None:
    refuse_if(can_change_attachments(actor, document))


@transaction.atomic
def outgoing_attachment_add(*, actor: Actor, document_id: int, upload: UploadedContent) -> OutgoingAttachment:
    """Add a PDF attachment (the drafter or a clerk of the agency, before the agency's signature)."""
    document = lock_visible(actor, document_id)
    _check_may_change(actor, document)
    checked = file_check(filename=upload.filename, content=upload.content)
    if checked.content_type != PDF:
        raise ApplicationError("attachment_not_pdf", _("Tệp đính kèm văn bản đi phải là tệp PDF."))
    order = (document.attachments.aggregate(m=Max("order"))["m"] or 0) + 1
    attachment = OutgoingAttachment.objects.create(
        document=document, order=order, filename=checked.filename,
        original=blob_store(content=checked.content, content_type=PDF), page_count=checked.page_count,
        created_by=actor.user,
    )
    audit_record(actor=actor.user, event_type="outgoing.attachment_added", target=document, agency=document.agency,
                 data={"attachment": attachment.pk, "filename": attachment.filename, "order": order})
    return attachment


@transaction.atomic
def outgoing_attachment_remove(*, actor: Actor, document_id: int, attachment_id: int) -> OutgoingDocument:
    """Remove an attachment (same people and states as adding one)."""
    document = lock_visible(actor, document_id)
    _check_may_change(actor, document)
    attachment = OutgoingAttachment.objects.filter(pk=attachment_id, document=document).first()
    if attachment is None:
        raise NotFoundError("not_found", _("Không tìm thấy tệp đính kèm."))
    data = {"attachment": attachment.pk, "filename": attachment.filename}
    attachment.delete()
    audit_record(actor=actor.user, event_type="outgoing.attachment_removed", target=document, agency=document.agency,
                 data=data)
    return document
