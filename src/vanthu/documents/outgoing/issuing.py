"""After review: signed, numbered (ND30 Điều 15), sealed, voided; and the guard against sending secrets."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError, PermissionDeniedError
from vanthu.documents.enums import RegisterKind
from vanthu.documents.files import PDF, file_check
from vanthu.documents.inputs import UploadedContent
from vanthu.documents.models import Register
from vanthu.documents.numbering import format_number, number_next, register_default
from vanthu.documents.outgoing.drafting import lock_visible
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDocument, RegisterRule
from vanthu.documents.outgoing.transitions import transition_apply, transition_check
from vanthu.organizations.actor import Actor


def outgoing_assert_can_send_electronically(document: OutgoingDocument) -> None:
    """Secret documents (Mật, Tối mật, Tuyệt mật) are numbered and registered but never sent over the network."""
    if document.is_secret:
        raise ApplicationError("secret_not_sent", _("Văn bản mật không được gửi qua mạng"),
                               {"confidentiality": document.confidentiality})


def code_notation_for(document: OutgoingDocument) -> str:
    """Ký hiệu per ND30 Phụ lục I: "QĐ-UBND"; a công văn (no type abbreviation): "UBND-VP"."""
    agency_abbr = document.agency.abbreviation.strip()
    type_abbr = document.document_type.abbreviation.strip()
    if type_abbr:
        return f"{type_abbr}-{agency_abbr}"
    unit = document.drafting_unit
    return f"{agency_abbr}-{unit.abbreviation.strip()}" if unit is not None else agency_abbr


def register_for(document: OutgoingDocument) -> Register:
    """The register of a rule for this document type, else the agency's default; secret ones their own series."""
    kind = RegisterKind.SECRET_OUTGOING if document.is_secret else RegisterKind.OUTGOING
    rule = (
        RegisterRule.objects.filter(
            agency_id=document.agency_id, document_type_id=document.document_type_id, register__kind=kind,
            register__is_active=True,
        ).select_related("register").order_by("id").first()
    )
    if rule is not None:
        return rule.register
    return register_default(agency=document.agency, kind=kind)


def _store_version(document: OutgoingDocument, actor: Actor, content: bytes, filename: str, note: str) -> None:
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    previous = document.versions.order_by("-number").first()
    DraftVersion.objects.create(
        document=document, number=number, pdf=blob_store(content=content, content_type=PDF), filename=filename,
        field_boxes=previous.field_boxes if previous else {}, created_by=actor.user, note=note,
    )


@transaction.atomic
def outgoing_mark_signed(
    *, actor: Actor, document_id: int, signed_pdf: bytes | None = None, valid_signature: bool = True
) -> OutgoingDocument:
    """The signer's personal PAdES signature is on the document (called by the signing code)."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="mark_signed", actor=actor)
    if document.signer_id != actor.user.pk:
        raise PermissionDeniedError("forbidden", _("Chỉ người ký được ký văn bản này."))
    if signed_pdf is not None:
        _store_version(document, actor, signed_pdf, f"van-ban-{document.pk}-da-ky.pdf", _("Bản đã ký số"))
    transition_apply(
        document=document, transition=transition, actor=actor, data={"personal_signature": True},
        fields={"signed_at": timezone.now(), "signed_on_paper": False,
                "has_valid_personal_signature": valid_signature},
    )
    return document


@transaction.atomic
def outgoing_mark_signed_on_paper(*, actor: Actor, document_id: int, scan: UploadedContent) -> OutgoingDocument:
    """The leader signed by hand; the clerk uploads the scan (``personal_signature=False``)."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="mark_signed_on_paper", actor=actor)
    checked = file_check(filename=scan.filename, content=scan.content)
    if checked.content_type != PDF:
        raise ApplicationError("scan_not_pdf", _("Bản quét văn bản đã ký phải là tệp PDF."))
    _store_version(document, actor, checked.content, checked.filename, _("Bản quét văn bản ký tay"))
    transition_apply(
        document=document, transition=transition, actor=actor, data={"personal_signature": False},
        fields={"signed_at": timezone.now(), "signed_on_paper": True, "has_valid_personal_signature": False},
    )
    return document


@transaction.atomic
def outgoing_number(*, actor: Actor, document_id: int) -> OutgoingDocument:
    """Number and date (SIGNED → NUMBERED) under the register counter's row lock: gap-free and unique."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="number", actor=actor)
    if document.is_secret and not actor.user.can_handle_secret:
        raise PermissionDeniedError("forbidden_secret", _("Bạn không được giao xử lý văn bản mật."))
    register = register_for(document)
    now = timezone.now()
    today = timezone.localdate(now)
    number = number_next(register=register, year=today.year)
    fields = {
        "register": register, "number_year": today.year, "number": number, "code_number": format_number(number),
        "code_notation": code_notation_for(document), "issued_date": today, "numbered_at": now,
    }
    transition_apply(
        document=document, transition=transition, actor=actor, fields=fields,
        data={"register": register.name, "number": number, "reference": f"{fields['code_number']}/"
              f"{fields['code_notation']}", "issued_date": today.isoformat()},
    )
    return document


@transaction.atomic
def outgoing_mark_sealed(*, actor: Actor, document_id: int, sealed_pdf: bytes | None = None,
                         valid_signature: bool = True) -> OutgoingDocument:
    """The agency's signature is on the document (called by the signing code; NUMBERED → SEALED)."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="mark_sealed", actor=actor)
    if sealed_pdf is not None:
        _store_version(document, actor, sealed_pdf, f"van-ban-{document.pk}.pdf", _("Bản đã ký số cơ quan"))
    transition_apply(document=document, transition=transition, actor=actor, data={"org_signature": True},
                     fields={"has_valid_org_signature": valid_signature})
    return document


@transaction.atomic
def outgoing_void(*, actor: Actor, document_id: int, reason: str) -> OutgoingDocument:
    """Withdraw before issue (NUMBERED/SEALED → VOIDED). The number stays used; the register row shows it void."""
    if not reason.strip():
        raise ApplicationError("reason_required", _("Phải nhập lý do hủy số văn bản."))
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="void", actor=actor)
    transition_apply(document=document, transition=transition, actor=actor,
                     data={"reason": reason.strip(), "reference": document.reference},
                     fields={"cancel_reason": reason.strip()})
    return document
