"""What a received package does (docs/domain/incoming.md, docs/standards/status-codes.md,
docs/standards/hub-api.md#receive-loop), inside the receive transaction.

- Document package, BussinessDocType 0 (new) or 3 (replace): one ``IncomingDocument`` in ARRIVED per agency of ours
  among the recipients, with the sender's fields, the files and our own signature report; status 01 goes back.
  A replacement is linked to the copy it replaces, which gets a note. The same document from the same sender
  (DocumentId) for the same agency is never created twice.
- Document package 1 (recall), or status 13: the copy is frozen (RECALL_PENDING) until its clerk agrees (15) or
  refuses (16).
- Document package 2 (update): kept in the log; the copy gets a note and its clerk is told.
- Status package: the sender's delivery to that recipient records the status (01–06, 02 with its reason, 15/16).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from vanthu import edxml
from vanthu.core.audit import audit_record
from vanthu.core.files import PDF, UploadedContent, file_check
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.delivery_status import delivery_status_record
from vanthu.documents.outgoing.enums import DeliveryStatus
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery
from vanthu.documents.recall import incoming_recall_request
from vanthu.documents.services import incoming_mark_replaced, incoming_receive_electronic
from vanthu.exchange.enums import BusinessType, Direction, MessageType, PackageState
from vanthu.exchange.mapping import incoming_input_for
from vanthu.exchange.models import ExchangePackage, ExchangeReceipt
from vanthu.exchange.outbox import package_enqueue_status
from vanthu.exchange.system import system_actor
from vanthu.exchange.warnings import StoredWarning
from vanthu.organizations.models import Agency
from vanthu.signing.validation.report_pdf import (
    SIGNATURE_REPORT_FILENAME,
    signature_report_heading,
    signature_report_pdf,
)


@dataclass(frozen=True)
class Prepared:
    """Work done before the transaction: the checked files and our signature report of them."""

    files: tuple[UploadedContent, ...] = field(default_factory=tuple)


def package_prepare(parsed: edxml.ParsedPackage) -> Prepared:
    """Check every file of a new or replacing document (type, readability) and validate its signatures into the
    report the clerk sees. Raises ``ApplicationError`` for a file that is not what it says (quarantine)."""
    document = parsed.document
    if document is None or document.business.doc_type not in (BusinessType.NEW, BusinessType.REPLACE):
        return Prepared()
    if not document.attachments:
        raise edxml.EdxmlError("edxml.missing_element", _("Gói tin văn bản không có tệp đính kèm."),
                               {"element": "AttachmentEncoded/Attachment"})
    files: list[UploadedContent] = []
    for attachment in document.attachments:
        name = attachment.name or "tep-dinh-kem"
        file_check(filename=name, content=attachment.data)
        files.append(UploadedContent(name, attachment.data))
    pdfs = [f for f in files if file_check(filename=f.filename, content=f.content).content_type == PDF]
    header = document.header
    issued = header.promulgation_info.promulgation_date if header.promulgation_info else None
    heading = signature_report_heading(
        reference="/".join(p for p in (header.code.code_number, header.code.code_notation) if p) if header.code else "",
        issued=issued.strftime("%d/%m/%Y") if issued else "", issuer=header.from_.organ_name or header.from_.organ_id,
        subject=header.subject)
    if pdfs:
        files.append(UploadedContent(SIGNATURE_REPORT_FILENAME, signature_report_pdf(heading=heading, files=pdfs)))
    return Prepared(files=tuple(files))


def _our_agencies(codes: list[str]) -> list[Agency]:
    wanted = {c.strip().upper() for c in codes if c.strip()}
    return list(Agency.objects.annotate(code=Upper("organ_id")).filter(code__in=wanted, is_active=True)
                .order_by("id"))


def package_apply(*, package: ExchangePackage, parsed: edxml.ParsedPackage, prepared: Prepared,
                  hub_to: tuple[str, ...]) -> str:
    """Apply a stored incoming package; returns its final state (PROCESSED or IGNORED, with the reason kept)."""
    if parsed.status is not None:
        outcome, reason = _apply_status(package, parsed.status)
    else:
        assert parsed.document is not None
        kind = parsed.document.business.doc_type
        if kind in (BusinessType.NEW, BusinessType.REPLACE):
            outcome, reason = _apply_new(package, parsed.document, prepared)
        elif kind == BusinessType.RECALL:
            outcome, reason = _apply_recall(package, parsed.document)
        else:
            outcome, reason = _apply_update(package, parsed.document)
    if outcome != package.state or reason:
        package.state, package.error = outcome, reason
        package.save(update_fields=["state", "error"])
    audit_record(actor=None, event_type="exchange.received", target=package, agency=package.agency,
                 data={"hub_doc_id": package.hub_doc_id, "message_type": package.message_type,
                       "business": package.business_doc_type, "status_code": package.status_code,
                       "from": package.from_organ_id, "outcome": outcome, "reason": reason,
                       "signature": package.signature_state, "signer_trust": package.signer_trust,
                       "warnings": [item["code"] for item in package.warnings]})
    return outcome


def _seen_before(package: ExchangePackage, agency: Agency) -> bool:
    return ExchangeReceipt.objects.filter(
        agency=agency, package__from_organ_id__iexact=package.from_organ_id,
        package__document_id=package.document_id, package__business_doc_type=package.business_doc_type,
        incoming__isnull=False,
    ).exclude(package=package).exists()


def _apply_new(package: ExchangePackage, document: edxml.DocumentPackage, prepared: Prepared) -> tuple[str, str]:
    agencies = _our_agencies(list(package.to_organ_ids))
    if not agencies:
        return PackageState.IGNORED, _("Không có cơ quan nhận nào thuộc hệ thống này.")
    package.agency = agencies[0]
    package.save(update_fields=["agency"])
    actor = system_actor()
    created = 0
    for agency in agencies:
        if _seen_before(package, agency):
            continue  # the same document again (a resend under a new hub id): one copy only
        replaced = _replaced_copies(package, document, agency)
        note = _replacement_note(replaced)
        received = incoming_input_for(document, files=prepared.files, note=note)
        _add_warnings(package, received.warnings)
        copy = incoming_receive_electronic(agency=agency, data=received.data, received_by=actor.user,
                                           exchange_warnings=package.warnings)
        ExchangeReceipt.objects.create(package=package, agency=agency, incoming=copy)
        for old in replaced:
            _mark_replaced(old, copy)
        if replaced:
            IncomingDocument.objects.filter(pk=copy.pk).update(replaces=replaced[0])
        package_enqueue_status(incoming=copy, code=DeliveryStatus.ARRIVED, staff=_("Hệ thống liên thông"),
                               reported_at=copy.arrived_at)
        created += 1
    if not created:
        return PackageState.IGNORED, _("Văn bản này đã được nhận trước đó.")
    return PackageState.PROCESSED, ""


def _add_warnings(package: ExchangePackage, warnings: tuple[StoredWarning, ...]) -> None:
    """The receiver's own warnings join the reader's on the package row, once (one per agency would repeat)."""
    new = [item for item in warnings if item not in package.warnings]
    if new:
        package.warnings = [*package.warnings, *new]
        package.save(update_fields=["warnings"])


def _copies_of(*, from_organ_id: str, document_ids: list[str], agency: Agency | None) -> list[IncomingDocument]:
    receipts = ExchangeReceipt.objects.filter(
        package__direction=Direction.IN, package__from_organ_id__iexact=from_organ_id,
        package__document_id__in=[d for d in document_ids if d], incoming__isnull=False,
    )
    if agency is not None:
        receipts = receipts.filter(agency=agency)
    ids = sorted(receipts.values_list("incoming_id", flat=True))
    return list(IncomingDocument.objects.filter(pk__in=ids).order_by("id"))


def _replaced_copies(package: ExchangePackage, document: edxml.DocumentPackage,
                     agency: Agency) -> list[IncomingDocument]:
    if document.business.doc_type != BusinessType.REPLACE:
        return []
    ids = [info.document_id for info in document.business.replacements] or [document.business.document_id]
    return _copies_of(from_organ_id=package.from_organ_id, document_ids=ids, agency=agency)


def _replacement_note(replaced: list[IncomingDocument]) -> str:
    return "\n".join(_("Văn bản này thay thế văn bản số %(ref)s ngày %(date)s.") % {
        "ref": old.reference, "date": old.issued_date.strftime("%d/%m/%Y")} for old in replaced)


def _mark_replaced(old: IncomingDocument, new: IncomingDocument) -> None:
    text = _("Văn bản này đã được thay thế bởi văn bản số %(ref)s ngày %(date)s.") % {
        "ref": new.reference, "date": new.issued_date.strftime("%d/%m/%Y")}
    incoming_mark_replaced(document_id=old.pk, text=text, replaced_by=new.document_id, actor=None)


def _recall_copies(package: ExchangePackage, *, document_ids: list[str], reason: str) -> tuple[str, str]:
    agencies = _our_agencies(list(package.to_organ_ids))
    copies = [c for c in _copies_of(from_organ_id=package.from_organ_id, document_ids=document_ids, agency=None)
              if not agencies or c.agency_id in {a.pk for a in agencies}]
    if not copies:
        return PackageState.IGNORED, _("Không tìm thấy văn bản được đề nghị thu hồi.")
    package.agency_id = copies[0].agency_id
    package.save(update_fields=["agency"])
    actor = system_actor()
    for copy in copies:
        incoming_recall_request(document_id=copy.pk, reason=reason or _("Cơ quan ban hành đề nghị thu hồi."),
                                requested_by=actor)
    return PackageState.PROCESSED, ""


def _apply_recall(package: ExchangePackage, document: edxml.DocumentPackage) -> tuple[str, str]:
    target = document.business.document_id or document.header.document_id
    return _recall_copies(package, document_ids=[target], reason=document.business.reason)


def _apply_update(package: ExchangePackage, document: edxml.DocumentPackage) -> tuple[str, str]:
    target = document.business.document_id or document.header.document_id
    copies = _copies_of(from_organ_id=package.from_organ_id, document_ids=[target], agency=None)
    if not copies:
        return PackageState.IGNORED, _("Không tìm thấy văn bản được đề nghị cập nhật.")
    reason = document.business.reason or _("Cơ quan ban hành gửi thông tin cập nhật văn bản.")
    for copy in copies:
        text = _("Cơ quan ban hành đề nghị cập nhật văn bản: %(reason)s") % {"reason": reason}
        copy.note = f"{copy.note}\n{text}".strip()
        copy.save(update_fields=["note", "updated_at"])
        audit_record(actor=None, event_type="incoming.update_requested", target=copy, agency=copy.agency,
                     data={"package": package.pk, "reason": reason})
    package.agency_id = copies[0].agency_id
    package.save(update_fields=["agency"])
    return PackageState.PROCESSED, ""


def _apply_status(package: ExchangePackage, status: edxml.StatusPackage) -> tuple[str, str]:
    code = status.status_code.strip().zfill(2)
    if code == DeliveryStatus.RECALL_REQUESTED:  # the sender recalls by status 13 instead of a recall package
        return _recall_copies(package, document_ids=[status.response_for.document_id], reason=status.description)
    sent = (ExchangePackage.objects.filter(direction=Direction.OUT, message_type=MessageType.EDOC,
                                           document_id=status.response_for.document_id, outgoing__isnull=False,
                                           business_doc_type__in=[BusinessType.NEW, BusinessType.REPLACE])
            .order_by("-id").first())
    delivery = None
    if sent is not None:
        delivery = OutgoingDelivery.objects.filter(
            document_id=sent.outgoing_id, kind=DeliveryKind.EXTERNAL,
            external_organ_id__iexact=status.from_.organ_id).first()
    if delivery is None:
        return PackageState.IGNORED, _("Không tìm thấy văn bản đi tương ứng với gói tin trạng thái.")
    package.delivery, package.agency_id = delivery, sent.agency_id if sent else None
    package.save(update_fields=["delivery", "agency"])
    staff = status.staff_info.staff if status.staff_info else ""
    if status.staff_info and status.staff_info.department:
        staff = f"{staff} — {status.staff_info.department}" if staff else status.staff_info.department
    delivery_status_record(delivery=delivery, code=code, description=status.description,
                           reported_at=status.timestamp, staff=staff)
    return PackageState.PROCESSED, ""


__all__ = ["Prepared", "package_apply", "package_prepare"]
