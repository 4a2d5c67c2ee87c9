"""Issue and distribution of outgoing documents (ND30 Điều 16–17; docs/domain/outgoing.md#deliveries).

``outgoing_issue`` moves a sealed (electronic) or numbered (paper) document to ISSUED and creates one
``OutgoingDelivery`` per recipient:

- UNIT: a unit of the issuing agency. Its members can then read the document and are notified.
- AGENCY: another agency of this deployment. Its incoming copy is created at once, waiting for acceptance
  (ARRIVED), with the fields pre-filled and the files: the sealed PDF, the stamped attachments and the signature
  report. Status 01 is recorded; the recipient's later moves report 02–06 (``delivery_status``).
- EXTERNAL: an agency of another deployment, reached through the exchange hub (issue 4: ``exchange_enqueue``).
  Press offices and other guests (Agency kind EXTERNAL/PRESS) are agencies of this deployment: AGENCY deliveries.

Secret documents are issued on paper only: any delivery to an agency is refused and nothing changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError, ConflictError, refuse_if
from vanthu.core.files import UploadedContent, file_check
from vanthu.documents.effects import external_transport
from vanthu.documents.enums import Channel
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.outgoing.delivery_status import delivery_status_record
from vanthu.documents.outgoing.enums import DeliveryStatus, OutgoingState
from vanthu.documents.outgoing.issuing import outgoing_assert_can_send_electronically
from vanthu.documents.outgoing.lifecycle import TRANSITIONS
from vanthu.documents.outgoing.models import DeliveryKind, OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.permissions import can_issue, is_electronic
from vanthu.documents.outgoing.selectors import outgoing_get_for_user
from vanthu.documents.outgoing.transitions import lock_outgoing_in_order, transition_apply, transition_check
from vanthu.documents.services import incoming_mark_replaced, incoming_receive_electronic
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import NotificationSpec, notifications_emit_many
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency, Membership, Unit
from vanthu.signing.validation.report_pdf import (
    SIGNATURE_REPORT_FILENAME,
    signature_report_heading,
    signature_report_pdf,
)

EXCHANGE_NEW, EXCHANGE_REPLACE = 0, 3  # edXML BussinessDocType


@dataclass(frozen=True)
class ExternalRecipient:
    """An agency of another deployment, known by its QCVN 102 code (the exchange directory, issue 4)."""

    organ_id: str
    name: str


@dataclass(frozen=True)
class _Package:
    """What every recipient agency receives. Built before the transaction: reading blobs and validating the
    signatures (which may fetch revocation data) must not hold the document's row lock or SQLite's write lock."""

    version_id: int
    attachment_ids: tuple[tuple[int, int | None], ...]
    main: UploadedContent
    files: tuple[UploadedContent, ...]
    page_count: int | None


def exchange_document_id(document: OutgoingDocument) -> str:
    """The edXML DocumentId: ``<issuer OrganId>,<yyyy/MM/dd>,<số>/<ký hiệu>`` (docs/standards/edxml.md)."""
    organ_id = document.agency.organ_id or f"vanthu-{document.agency_id}"
    issued = document.issued_date.strftime("%Y/%m/%d") if document.issued_date else ""
    return f"{organ_id},{issued},{document.reference}"


def exchange_enqueue(
    *, document: OutgoingDocument, deliveries: Sequence[OutgoingDelivery], actor: Actor, business: int = 0,
    reason: str = "", replaces: OutgoingDocument | None = None,
) -> None:
    """Hand EXTERNAL deliveries to the inter-agency exchange (``documents.effects.external_transport``), in the
    caller's transaction: one edXML package for all of them goes to the outbox. ``business`` is the edXML
    BussinessDocType: 0 new, 1 recall, 2 update, 3 replace. No transport, or not connected to a hub: refused
    (``exchange_not_connected``), so nothing is recorded as sent that cannot be delivered."""
    if not deliveries:
        return
    transport = external_transport.get()
    if transport is None:
        first = deliveries[0]
        raise ApplicationError(
            "exchange_not_connected",
            _("Chưa kết nối trục liên thông văn bản: chưa gửi được văn bản đến %(name)s (%(code)s).")
            % {"name": first.external_name, "code": first.external_organ_id}, {"organ_id": first.external_organ_id})
    transport.enqueue(document=document, deliveries=deliveries, actor=actor, business=business, reason=reason,
                      replaces=replaces)


def exchange_cancel_unsent(*, delivery: OutgoingDelivery, actor: Actor, reason: str) -> bool:
    """Withdraw an EXTERNAL delivery whose package has not left the outbox (queued, or failed for good); True if
    so. A package a worker is sending right now is left alone: the recipient gets a recall instead."""
    transport = external_transport.get()
    return transport is not None and transport.withdraw(delivery=delivery, actor=actor, reason=reason)


def signature_report_for(document: OutgoingDocument, files: Sequence[UploadedContent]) -> UploadedContent:
    """The validation report of every signed file, as a PDF the recipient keeps with the document."""
    issued = document.issued_date.strftime("%d/%m/%Y") if document.issued_date else ""
    heading = signature_report_heading(reference=document.reference, issued=issued, issuer=document.agency.name,
                                       subject=document.subject)
    return UploadedContent(SIGNATURE_REPORT_FILENAME, signature_report_pdf(heading=heading, files=files))


def _attachment_ids(document: OutgoingDocument) -> tuple[tuple[int, int | None], ...]:
    return tuple(document.attachments.order_by("order", "id").values_list("id", "stamped_id"))


def _package_build(document: OutgoingDocument) -> _Package:
    version = document.versions.select_related("pdf").order_by("-number").first()
    if version is None:
        raise ApplicationError("no_version", _("Văn bản chưa có tệp."))
    main = UploadedContent(version.filename, blob_read(version.pdf))
    page_count = file_check(filename=main.filename, content=main.content).page_count
    attachments: list[UploadedContent] = []
    for attachment in document.attachments.select_related("stamped").order_by("order", "id"):
        if attachment.stamped is None:
            raise ApplicationError(
                "attachment_not_sealed",
                _("Phụ lục “%(name)s” chưa được ký số cơ quan; chưa thể phát hành.") % {"name": attachment.filename},
            )
        attachments.append(UploadedContent(attachment.filename, blob_read(attachment.stamped)))
    report = signature_report_for(document, [main, *attachments])
    return _Package(version_id=version.pk, attachment_ids=_attachment_ids(document), main=main,
                    files=(*attachments, report), page_count=page_count)


@dataclass(frozen=True)
class _Recipients:
    units: list[Unit]
    agencies: list[Agency]  # this deployment
    external: list[tuple[ExternalRecipient, Agency | None]]  # another deployment (an Agency row if marked so)


def _recipients(
    document: OutgoingDocument, unit_ids: Sequence[int], agency_ids: Sequence[int] | None,
    external: Sequence[ExternalRecipient],
) -> _Recipients:
    units = list(Unit.objects.filter(pk__in=set(unit_ids), agency_id=document.agency_id, is_active=True)
                 .order_by("id"))
    if len(units) != len(set(unit_ids)):
        raise ApplicationError("invalid_recipient", _("Đơn vị nhận phải là đơn vị của cơ quan ban hành."))
    ids = set(document.recipients.values_list("pk", flat=True) if agency_ids is None else agency_ids)
    if document.agency_id in ids:
        raise ApplicationError("invalid_recipient", _("Không gửi văn bản cho chính cơ quan ban hành; hãy chọn "
                                                      "đơn vị nhận trong cơ quan."))
    agencies = list(Agency.objects.filter(pk__in=ids, is_active=True).order_by("id"))
    if len(agencies) != len(ids):
        raise ApplicationError("invalid_recipient", _("Cơ quan nhận không hợp lệ."))
    # Press offices and other organisations without an e-office (kind EXTERNAL/PRESS) are agencies of this
    # deployment with guest accounts: they get their copy in the web inbox like any other agency
    # (docs/domain/multi-agency.md).
    outside: list[tuple[ExternalRecipient, Agency | None]] = []
    for item in external:
        if not item.organ_id.strip():
            raise ApplicationError("invalid_recipient", _("Cơ quan nhận liên thông phải có mã định danh."))
        outside.append((ExternalRecipient(item.organ_id.strip(), item.name.strip()), None))
    return _Recipients(units=units, agencies=agencies, external=outside)


def outgoing_issue(
    *, actor: Actor, document_id: int, unit_ids: Sequence[int] = (), agency_ids: Sequence[int] | None = None,
    external: Sequence[ExternalRecipient] = (), note: str = "",
) -> OutgoingDocument:
    """Issue the document to its recipients (SEALED, or NUMBERED for paper → ISSUED), by a clerk of the agency.

    ``agency_ids=None`` means the recipients chosen at drafting (``document.recipients``); pass ``()`` to send to
    units only. Electronic documents need both signatures; paper ones (every secret document) only record who
    gets a copy. Everything happens in one transaction: a recipient that fails leaves nothing behind, and a
    second issue is refused as a state conflict, so no recipient ever gets two copies.
    """
    document = outgoing_get_for_user(actor=actor, document_id=document_id)
    refuse_if(can_issue(actor, document))
    package = None
    wanted = document.recipients.exists() if agency_ids is None else bool(agency_ids)
    if wanted and document.state == OutgoingState.SEALED and is_electronic(document):
        package = _package_build(document)
    return _issue(actor=actor, document_id=document_id, replaces_id=document.replaces_id, unit_ids=unit_ids,
                  agency_ids=agency_ids, external=external, note=note.strip(), package=package)


@transaction.atomic
def _issue(
    *, actor: Actor, document_id: int, replaces_id: int | None, unit_ids: Sequence[int],
    agency_ids: Sequence[int] | None, external: Sequence[ExternalRecipient], note: str, package: _Package | None,
) -> OutgoingDocument:
    locked = lock_outgoing_in_order(document_id, *([replaces_id] if replaces_id else []))
    document = locked[document_id]
    refuse_if(can_issue(actor, document))
    transition = TRANSITIONS["issue"]
    if document.replaces_id != replaces_id:
        raise ConflictError("document_changed", _("Văn bản vừa được thay đổi; hãy thực hiện lại."))
    recipients = _recipients(document, unit_ids, agency_ids, external)
    if recipients.agencies or recipients.external:
        outgoing_assert_can_send_electronically(document)
    if not (recipients.units or recipients.agencies or recipients.external):
        raise ApplicationError("no_recipients", _("Chưa chọn nơi nhận văn bản."))
    electronic = is_electronic(document)
    if electronic:
        _check_signed(document)
        if recipients.agencies and (package is None or package.version_id != _latest_version_id(document)
                                    or package.attachment_ids != _attachment_ids(document)):
            raise ConflictError("document_changed", _("Văn bản vừa được thay đổi; hãy thực hiện lại."))
    now = timezone.now()
    transition_apply(
        document=document, transition=transition, actor=actor, fields={"issued_at": now},
        data={"channel": Channel.ELECTRONIC if electronic else Channel.PAPER, "note": note,
              "units": [u.name for u in recipients.units], "agencies": [a.name for a in recipients.agencies],
              "external": [f"{e.name} ({e.organ_id})" for e, _agency in recipients.external],
              "document_id": exchange_document_id(document)},
    )
    sent_at = now if electronic else None
    unit_deliveries = [OutgoingDelivery.objects.create(document=document, kind=DeliveryKind.UNIT, unit=unit,
                                                       sent_at=sent_at) for unit in recipients.units]
    _notify_units(document, unit_deliveries, actor)
    replaced = locked.get(replaces_id) if replaces_id else None
    for agency in recipients.agencies:
        _deliver_to_agency(document, agency, actor, package if electronic else None, note, replaced)
    outside = [
        OutgoingDelivery.objects.create(document=document, kind=DeliveryKind.EXTERNAL, agency=known,
                                        external_organ_id=item.organ_id, external_name=item.name)
        for item, known in recipients.external
    ]
    if electronic:
        exchange_enqueue(document=document, deliveries=outside, actor=actor, replaces=replaced,
                         business=EXCHANGE_REPLACE if replaced is not None else EXCHANGE_NEW)
    if replaced is not None:
        _mark_replaced(old=replaced, new=document, actor=actor)
    return document


def _latest_version_id(document: OutgoingDocument) -> int | None:
    return document.versions.order_by("-number").values_list("pk", flat=True).first()


def _check_signed(document: OutgoingDocument) -> None:
    if document.state != OutgoingState.SEALED:
        raise ConflictError("not_sealed", _("Văn bản điện tử phải được ký số cơ quan trước khi phát hành."),
                            {"state": document.state})
    personal = document.has_valid_personal_signature or document.signed_on_paper
    if not (personal and document.has_valid_org_signature):
        raise ApplicationError(
            "signatures_missing",
            _("Văn bản chưa có đủ chữ ký số hợp lệ của người có thẩm quyền và của cơ quan; chưa thể phát hành."),
        )


def _notify_units(document: OutgoingDocument, deliveries: list[OutgoingDelivery], actor: Actor) -> None:
    if not deliveries:
        return
    members = Membership.objects.filter(
        unit_id__in=[d.unit_id for d in deliveries], agency_id=document.agency_id, is_active=True,
        user__is_active=True,
    ).exclude(user_id=actor.user.pk)
    if document.is_secret:
        members = members.filter(user__can_handle_secret=True)
    by_unit: dict[int, set[int]] = {}
    for unit_id, user_id in members.values_list("unit_id", "user_id"):
        by_unit.setdefault(unit_id, set()).add(user_id)
    title = _("Văn bản đi gửi đơn vị: %(ref)s — %(subject)s") % {
        "ref": document.reference, "subject": document.subject}
    notifications_emit_many(specs=[
        NotificationSpec(kind=NotificationKind.ASSIGNED, user_ids=tuple(sorted(by_unit.get(d.unit_id or 0, ()))),
                         dedup_key=f"outgoing:{document.pk}:unit:{d.unit_id}", title=title)
        for d in deliveries
    ])


def _copy_input(document: OutgoingDocument, package: _Package, note: str,
                replaced: OutgoingDocument | None) -> IncomingInput:
    notes = [note] if note else []
    if replaced is not None:
        notes.append(_replaces_note(replaced))
    signer = document.signer
    assert document.issued_date is not None
    return IncomingInput(
        document_type_id=document.document_type_id, code_number=document.code_number,
        code_notation=document.code_notation, issued_date=document.issued_date, organ_name=document.agency.name,
        organ_id=document.agency.organ_id or "", issuer_id=document.agency_id, subject=document.subject,
        signer_position=" ".join(p for p in (document.signing_capacity, document.signer_title) if p)[:100],
        signer_full_name=((signer.full_name or signer.get_username()) if signer else "")[:100],
        priority=document.priority, to_places=document.to_places, description=document.summary[:500],
        page_amount=package.page_count, document_id=exchange_document_id(document), note="\n".join(notes),
        main_file=package.main, attachments=package.files,
    )


def _deliver_to_agency(document: OutgoingDocument, agency: Agency, actor: Actor, package: _Package | None,
                       note: str, replaced: OutgoingDocument | None) -> OutgoingDelivery:
    if package is None:  # paper: who gets a copy is recorded; the recipient's clerk enters it on arrival
        return OutgoingDelivery.objects.create(document=document, kind=DeliveryKind.AGENCY, agency=agency)
    incoming = incoming_receive_electronic(agency=agency, data=_copy_input(document, package, note, replaced),
                                           received_by=actor.user, sender=document.agency)
    delivery = OutgoingDelivery.objects.create(document=document, kind=DeliveryKind.AGENCY, agency=agency,
                                               incoming=incoming, sent_at=incoming.arrived_at)
    delivery_status_record(delivery=delivery, code=DeliveryStatus.ARRIVED, reported_at=incoming.arrived_at)
    return delivery


def _replaces_note(old: OutgoingDocument) -> str:
    issued = old.issued_date.strftime("%d/%m/%Y") if old.issued_date else ""
    return _("Văn bản này thay thế văn bản số %(ref)s ngày %(date)s.") % {"ref": old.reference, "date": issued}


def _mark_replaced(*, old: OutgoingDocument, new: OutgoingDocument, actor: Actor) -> None:
    """ND30 Điều 18: the old document shows its replacement; its recipients find a note on their copy."""
    transition = transition_check(document=old, action="replaced", actor=actor)
    transition_apply(document=old, transition=transition, actor=actor,
                     data={"replaced_by": new.pk, "reference": new.reference})
    issued = new.issued_date.strftime("%d/%m/%Y") if new.issued_date else ""
    text = _("Văn bản này đã được thay thế bởi văn bản số %(ref)s ngày %(date)s.") % {
        "ref": new.reference, "date": issued}
    copies = old.deliveries.filter(incoming__isnull=False).order_by("incoming_id").values_list("incoming_id", flat=True)
    for incoming_id in copies:
        incoming_mark_replaced(document_id=incoming_id, text=text, replaced_by=exchange_document_id(new), actor=actor)
