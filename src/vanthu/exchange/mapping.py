"""Our records ↔ edXML (STANDARDS.md (b), (c); ND30 Phụ lục VI field names).

Outgoing → package: ``document_package_for`` (what a recipient of another deployment receives).
Package → incoming: ``incoming_input_for`` (the copy that waits for acceptance), with the document type matched by
name first (ignoring case and diacritics), then by the QCVN 102 codes, else "Khác".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from vanthu import edxml
from vanthu.core.files import UploadedContent
from vanthu.core.text import normalise_text
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.documents.outgoing.distribution import exchange_document_id
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.exchange.enums import BusinessType
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Agency

STEERING, NOT_STEERING = 2, 1  # SteeringType as emitted (STANDARDS.md (b), UNSURE: drive nothing from it)
OTHER_TYPE_CODE = "KHAC"


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
    """TypeName first (case and diacritics ignored), then (Type, TypeDetail), else "Khác" (STANDARDS.md (b))."""
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


def incoming_input_for(
    package: edxml.DocumentPackage, *, files: Sequence[UploadedContent], note: str = "",
) -> IncomingInput:
    """The copy of a received document package, waiting for acceptance: fields as the sender declared them."""
    header = package.header
    issued = header.promulgation_info.promulgation_date if header.promulgation_info else None
    main, *others = files
    return IncomingInput(
        document_type_id=document_type_for(header.document_type).pk,
        code_number=header.code.code_number if header.code else "",
        code_notation=header.code.code_notation if header.code else "",
        issued_date=issued or timezone.localdate(),
        organ_name=header.from_.organ_name or header.from_.organ_id,
        organ_id=header.from_.organ_id,
        subject=header.subject or "—",
        signer_position=_signer_position(header.signer_info),
        signer_full_name=(header.signer_info.full_name if header.signer_info else "")[:100],
        priority=header.other_info.priority if header.other_info and 0 <= header.other_info.priority <= 4 else 0,
        to_places="\n".join(header.to_places)[:1000],
        description=(header.content or "")[:500],
        page_amount=header.other_info.page_amount if header.other_info else None,
        requested_due_date=header.due_date if isinstance(header.due_date, dt.date) else None,
        document_id=header.document_id[:255],
        note=note,
        main_file=main,
        attachments=tuple(others),
    )
