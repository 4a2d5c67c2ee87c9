"""Our records ↔ edXML (docs/standards/edxml.md, docs/standards/status-codes.md; ND30 Phụ lục VI field names).

Outgoing → package: ``document_package_for`` (what a recipient of another deployment receives).
Package → incoming: ``incoming_input_for`` (the copy that waits for acceptance), with the document type matched by
name first (ignoring case and diacritics), then by the QCVN 102 codes, else "Khác"; the sender resolved through the
exchange directory (``sender_resolve``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import timezone

from vanthu import edxml
from vanthu.core.files import UploadedContent
from vanthu.core.text import normalise_text
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.outgoing.distribution import exchange_document_id
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.edxml.values import DocumentIdParts
from vanthu.exchange.enums import BusinessType
from vanthu.exchange.models import ExternalAgency
from vanthu.exchange.warnings import StoredWarning, receiver_warning
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency

STEERING, NOT_STEERING = 2, 1  # SteeringType as emitted (docs/standards/edxml.md#steeringtype: drive nothing from it)
OTHER_TYPE_CODE = "KHAC"
UNKNOWN_CODE = "—"  # ký hiệu of a received document whose package gives none: the clerk fills it in


def organization_of(agency: Agency) -> edxml.Organization:
    parent = agency.parent
    return edxml.Organization(
        organ_id=agency.organ_id or "", organ_name=agency.name,
        organization_in_charge=(parent.organ_id or parent.name) if parent is not None else "",
        organ_add=agency.address, email=agency.email, telephone=agency.phone,
    )


def staff_of(actor: Actor) -> edxml.StaffInfo:
    return edxml.StaffInfo(department=actor.unit.name if actor.unit else "",
                           staff=(actor.user.full_name or actor.user.get_username())[:100], email=actor.user.email)


def _signer_info(document: OutgoingDocument) -> edxml.SignerInfo:
    signer = document.signer
    competence = " ".join(p for p in (document.signing_capacity, document.signer_title.upper()) if p)
    return edxml.SignerInfo(competence=competence, position=document.signer_title,
                            full_name=(signer.full_name or signer.get_username()) if signer else "")


def document_package_for(
    *, document: OutgoingDocument, recipients: Sequence[tuple[str, str]], business: int, reason: str,
    files: Sequence[edxml.Attachment], staff: edxml.StaffInfo, replaces: OutgoingDocument | None = None,
) -> edxml.DocumentPackage:
    """The package of an issued (or recalled, replaced) document for ``recipients`` [(organ_id, name)]."""
    agency = document.agency
    document_id = exchange_document_id(document)
    header = edxml.MessageHeader(
        from_=organization_of(agency),
        to=tuple(edxml.Organization(organ_id=code, organ_name=name) for code, name in recipients),
        document_id=document_id,
        code=edxml.Code(code_number=document.code_number, code_notation=document.code_notation),
        promulgation_info=edxml.PromulgationInfo(place=agency.place_name, promulgation_date=document.issued_date),
        document_type=edxml.DocumentTypeInfo(type=document.document_type.qcvn_type,
                                             type_detail=document.document_type.qcvn_type_detail,
                                             type_name=document.document_type.name),
        subject=document.subject,
        content=document.summary,
        signer_info=_signer_info(document),
        due_date=None,
        other_info=edxml.OtherInfo(priority=int(document.priority), promulgation_amount=document.copy_count,
                                   page_amount=_page_count(document)),
        response_for=_response_for(document),
        steering_type=NOT_STEERING,
        to_places=tuple(line.strip() for line in document.to_places.splitlines() if line.strip()),
    )
    replacements: tuple[edxml.ReplacementInfo, ...] = ()
    if business == BusinessType.REPLACE and replaces is not None:
        replacements = (edxml.ReplacementInfo(document_id=exchange_document_id(replaces),
                                              organ_ids=tuple(code for code, _name in recipients)),)
    return edxml.DocumentPackage(
        header=header,
        business=edxml.Business(doc_type=int(business), reason=reason, document_id=document_id,
                                staff_info=staff, replacements=replacements),
        traces=(edxml.TraceHeader(organ_id=agency.organ_id or "", timestamp=timezone.now()),),
        attachments=tuple(files),
        confidentiality=int(document.confidentiality),
    )


def _page_count(document: OutgoingDocument) -> int | None:
    version = document.versions.order_by("-number").first()
    return version.page_count if version is not None else None


def _response_for(document: OutgoingDocument) -> tuple[edxml.ResponseFor, ...]:
    reply = document.reply_to
    if reply is None or not reply.document_id:
        return ()
    return (edxml.ResponseFor(organ_id=reply.organ_id, code=reply.reference, promulgation_date=reply.issued_date,
                              document_id=reply.document_id),)


def status_response_for(incoming: IncomingDocument) -> edxml.ResponseFor:
    """ResponseFor of a status package: the original document as its sender identified it."""
    return edxml.ResponseFor(organ_id=incoming.organ_id, code=incoming.reference,
                             promulgation_date=incoming.issued_date, document_id=incoming.document_id)


def document_type_for(info: edxml.DocumentTypeInfo) -> DocumentType:
    """TypeName first (case and diacritics ignored), then (Type, TypeDetail), else "Khác" (docs/standards/edxml.md)."""
    types = list(DocumentType.objects.filter(is_active=True))
    wanted = normalise_text(info.type_name or "")
    if wanted:
        for candidate in types:
            if normalise_text(candidate.name) == wanted:
                return candidate
    for candidate in types:
        if info.type is not None and candidate.qcvn_type == info.type and candidate.code != OTHER_TYPE_CODE and (
                info.type_detail in (None, 0) or candidate.qcvn_type_detail == info.type_detail):
            return candidate
    return DocumentType.objects.get(code=OTHER_TYPE_CODE)


def _signer_position(signer: edxml.SignerInfo | None) -> str:
    if signer is None:
        return ""
    parts = [signer.competence.strip()]
    if signer.position.strip() and signer.position.strip().upper() not in signer.competence.upper():
        parts.append(signer.position.strip())
    return " ".join(p for p in parts if p)[:100]


@dataclass(frozen=True)
class Sender:
    """Who sent a package, as the incoming document records it, and what it took to know."""

    organ_id: str
    organ_name: str
    warnings: tuple[StoredWarning, ...] = ()


def sender_resolve(org: edxml.Organization) -> Sender:
    """The sender through the exchange directory. The code is kept verbatim (statuses go back to it); the
    directory names a sender that gave no name, and gives a code to one that gave none (or only one the
    directory does not know) when exactly one agency there bears its name, compared without case and
    diacritics (``core.text.normalise_text``)."""
    code, name = org.organ_id.strip(), org.organ_name.strip()
    listed = ExternalAgency.objects.filter(organ_id__iexact=code).first() if code else None
    if listed is not None:
        if name:
            return Sender(code, name)
        return Sender(code, listed.name, (receiver_warning("sender_name_from_directory", "MessageHeader/From/OrganName",
                                                           listed.name),))
    matches = list(ExternalAgency.objects.filter(name_key=normalise_text(name)[:300])[:2]) if name else []
    if len(matches) != 1:
        return Sender(code, name or code)
    found = matches[0]
    return Sender(code or found.organ_id, name, (receiver_warning(
        "sender_found_by_name", "MessageHeader/From", f"{found.name} ({found.organ_id})"),))


@dataclass(frozen=True)
class Received:
    """The copy of a received document package, and the receiver's own warnings about it."""

    data: IncomingInput
    warnings: tuple[StoredWarning, ...]


def _code(header: edxml.MessageHeader, parts: DocumentIdParts | None,
          warnings: list[StoredWarning]) -> tuple[str, str]:
    number, notation = header.code.code_number, header.code.code_notation
    if number or notation:
        return number, notation
    if parts is not None and (parts.code_number or parts.code_notation):
        warnings.append(receiver_warning("code_from_document_id", "MessageHeader/Code", header.document_id))
        return parts.code_number, parts.code_notation
    warnings.append(receiver_warning("code_unknown", "MessageHeader/Code"))
    return "", UNKNOWN_CODE


def _issued(header: edxml.MessageHeader, parts: DocumentIdParts | None,
            warnings: list[StoredWarning]) -> dt.date:
    if header.promulgation_info.promulgation_date is not None:
        return header.promulgation_info.promulgation_date
    element = "MessageHeader/PromulgationInfo/PromulgationDate"
    if parts is not None:
        warnings.append(receiver_warning("issued_date_from_document_id", element, header.document_id))
        return parts.promulgation_date
    warnings.append(receiver_warning("issued_date_assumed", element))
    return timezone.localdate()


def _fit(value: str, size: int, element: str, warnings: list[StoredWarning]) -> str:
    if len(value) <= size:
        return value
    warnings.append(receiver_warning("text_truncated", element, value[:200]))
    return value[:size]


def incoming_input_for(
    package: edxml.DocumentPackage, *, files: Sequence[UploadedContent], note: str = "",
) -> Received:
    """The copy of a received document package, waiting for acceptance: fields as the sender declared them.
    What a real package leaves out is made up where the DocumentId or the directory tells it, with a warning
    the clerk sees: the sender, the số/ký hiệu, the date of issue."""
    header = package.header
    sender = sender_resolve(header.from_)
    warnings = list(sender.warnings)
    parts = edxml.document_id_parts(header.document_id)
    number, notation = _code(header, parts, warnings)
    main, *others = files
    data = IncomingInput(
        document_type_id=document_type_for(header.document_type).pk,
        code_number=_fit(number, 50, "MessageHeader/Code/CodeNumber", warnings),
        code_notation=_fit(notation, 50, "MessageHeader/Code/CodeNotation", warnings),
        issued_date=_issued(header, parts, warnings),
        organ_name=_fit(sender.organ_name, 200, "MessageHeader/From/OrganName", warnings),
        organ_id=sender.organ_id,
        subject=_fit(header.subject, 500, "MessageHeader/Subject", warnings),
        signer_position=_signer_position(header.signer_info),
        signer_full_name=header.signer_info.full_name[:100],
        priority=header.other_info.priority if 0 <= header.other_info.priority <= 4 else 0,
        to_places="\n".join(header.to_places)[:1000],
        description=header.content[:500],
        page_amount=header.other_info.page_amount,
        requested_due_date=header.due_date,
        document_id=header.document_id[:255],
        note=note,
        main_file=main,
        attachments=tuple(others),
    )
    return Received(data=data, warnings=tuple(warnings))
