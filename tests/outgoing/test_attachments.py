"""Attachments of outgoing documents: PDFs only, by the drafter or a clerk, until the agency signs."""

from __future__ import annotations

import pytest

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, signed, simple_route
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.core.files import UploadedContent
from vanthu.core.models import AuditEvent
from vanthu.documents.outgoing.models import OutgoingAttachment
from vanthu.documents.outgoing.services import (
    outgoing_attachment_add,
    outgoing_attachment_remove,
    outgoing_mark_sealed,
    outgoing_number,
    outgoing_submit,
)

pytestmark = pytest.mark.django_db


def _upload(name: str = "phu-luc.pdf", pages: int = 1) -> UploadedContent:
    return UploadedContent(name, pdf_bytes("Phu luc", pages=pages))


def test_drafter_adds_pdf_attachments_in_order(kit: AgencyKit) -> None:
    document = draft(kit)
    first = outgoing_attachment_add(actor=kit.specialist, document_id=document.pk, upload=_upload(pages=3))
    second = outgoing_attachment_add(actor=kit.specialist, document_id=document.pk, upload=_upload("bang-ke.pdf"))
    assert (first.order, second.order) == (1, 2)
    assert first.page_count == 3 and first.filename == "phu-luc.pdf" and first.stamped is None
    assert list(document.attachments.values_list("filename", flat=True)) == ["phu-luc.pdf", "bang-ke.pdf"]
    assert AuditEvent.objects.filter(event_type="outgoing.attachment_added", target_id=str(document.pk)).count() == 2


def test_clerk_may_add_until_the_agency_signs(kit: AgencyKit) -> None:
    document = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    attachment = outgoing_attachment_add(actor=kit.clerk, document_id=document.pk, upload=_upload())
    assert attachment.created_by_id == kit.clerk.user.pk
    outgoing_mark_sealed(actor=kit.clerk, document_id=document.pk)
    with pytest.raises(ConflictError):
        outgoing_attachment_add(actor=kit.clerk, document_id=document.pk, upload=_upload("muon.pdf"))
    with pytest.raises(ConflictError):
        outgoing_attachment_remove(actor=kit.clerk, document_id=document.pk, attachment_id=attachment.pk)
    assert OutgoingAttachment.objects.filter(document=document).count() == 1


@pytest.mark.parametrize(("upload", "code"), [
    (UploadedContent("anh.png", b"\x89PNG\r\n\x1a\n" + bytes(64)), "attachment_not_pdf"),
    (UploadedContent("hong.pdf", b"%PDF-1.7\nkhong phai pdf"), None),
    (UploadedContent("gia.pdf", b"PK\x03\x04 not a pdf"), None),
])
def test_only_readable_pdfs_are_accepted(kit: AgencyKit, upload: UploadedContent, code: str | None) -> None:
    document = draft(kit)
    with pytest.raises(ApplicationError) as info:
        outgoing_attachment_add(actor=kit.specialist, document_id=document.pk, upload=upload)
    if code:
        assert info.value.code == code
    assert not OutgoingAttachment.objects.exists()


def test_only_the_drafter_or_a_clerk_changes_attachments(kit: AgencyKit, other_kit: AgencyKit) -> None:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    for actor in (kit.leader, kit.finance_head):  # they see the document, but attachments are not theirs to change
        with pytest.raises(PermissionDeniedError):
            outgoing_attachment_add(actor=actor, document_id=document.pk, upload=_upload())
    for actor in (kit.specialist2, other_kit.clerk):  # they do not see it at all
        with pytest.raises(NotFoundError):
            outgoing_attachment_add(actor=actor, document_id=document.pk, upload=_upload())
    assert not OutgoingAttachment.objects.exists()
    attachment = outgoing_attachment_add(actor=kit.clerk, document_id=document.pk, upload=_upload())
    with pytest.raises(PermissionDeniedError):
        outgoing_attachment_remove(actor=kit.leader, document_id=document.pk, attachment_id=attachment.pk)
    with pytest.raises(NotFoundError):
        outgoing_attachment_remove(actor=kit.specialist, document_id=document.pk, attachment_id=attachment.pk + 999)
    outgoing_attachment_remove(actor=kit.specialist, document_id=document.pk, attachment_id=attachment.pk)
    assert not OutgoingAttachment.objects.exists()
    assert AuditEvent.objects.filter(event_type="outgoing.attachment_removed").count() == 1


def test_attachment_of_another_document_cannot_be_removed_through_this_one(kit: AgencyKit) -> None:
    first, second = draft(kit), draft(kit)
    attachment = outgoing_attachment_add(actor=kit.specialist, document_id=first.pk, upload=_upload())
    with pytest.raises(NotFoundError):
        outgoing_attachment_remove(actor=kit.specialist, document_id=second.pk, attachment_id=attachment.pk)
    assert OutgoingAttachment.objects.filter(pk=attachment.pk).exists()
