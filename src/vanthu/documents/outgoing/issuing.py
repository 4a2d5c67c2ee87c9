"""After review: co-signed and signed, numbered (ND30 Điều 15), sealed, voided; and the guard against sending
secrets."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.blobs import blob_read, blob_store
from vanthu.core.errors import ApplicationError, ConflictError, PermissionDeniedError, refuse_if
from vanthu.core.files import PDF, UploadedContent, file_check
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.documents.numbering import format_number, number_next, register_default
from vanthu.documents.outgoing.lifecycle import TRANSITIONS
from vanthu.documents.outgoing.models import DraftVersion, OutgoingCoSigner, OutgoingDocument, RegisterRule
from vanthu.documents.outgoing.permissions import can_number, lock_visible
from vanthu.documents.outgoing.signers import document_signers, next_signer, signing_turn
from vanthu.documents.outgoing.template import DATE_FIELD, NUMBER_FIELD
from vanthu.documents.outgoing.transitions import transition_apply, transition_check
from vanthu.organizations.actor import Actor
from vanthu.signing.formfill import pdf_fill_text_fields


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


def _store_version(
    document: OutgoingDocument, actor: Actor, content: bytes, filename: str, note: str,
    field_boxes: dict[str, Any] | None = None,
) -> DraftVersion:
    number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    previous = document.versions.order_by("-number").first()
    return DraftVersion.objects.create(
        document=document, number=number, pdf=blob_store(content=content, content_type=PDF), filename=filename,
        field_boxes=field_boxes if field_boxes is not None else (previous.field_boxes if previous else {}),
        template=previous.template if previous else "", page_count=previous.page_count if previous else None,
        created_by=actor.user, note=note,
    )


def field_box_located(version: DraftVersion, name: str) -> bool:
    """Whether the draft itself prints the text around this box: a built-in template always does; for uploaded
    or converted drafts the placement step says so per box (``"located"``); a box we had to invent (missing or
    ``"located": False``) stands alone on the page."""
    entry = (version.field_boxes or {}).get(name)
    if not isinstance(entry, dict):
        return False
    return bool(version.template) or bool(entry.get("located", True))


def issue_date_text(day: dt.date, place: str = "") -> str:
    """ND30 Phụ lục I: "<địa danh>, ngày 05 tháng 3 năm 2026" — days below 10 and the months 1 and 2 take a
    leading zero (ngày 05, tháng 01, tháng 02), other months do not."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place.strip()}, {text}" if place.strip() else text


def number_date_values(document: OutgoingDocument, version: DraftVersion) -> dict[str, str]:
    """What goes into the reserved fields. When the draft prints "Số:" and the place before the fields (templates,
    located boxes), the fields hold "05/QĐ-UBND" and "ngày … tháng … năm …"; a field standing alone carries its
    label and the place too."""
    assert document.issued_date is not None
    number = document.reference
    date = issue_date_text(document.issued_date)
    if not field_box_located(version, NUMBER_FIELD):
        number = f"Số: {number}"
    if not field_box_located(version, DATE_FIELD):
        date = issue_date_text(document.issued_date, document.agency.place_name)
    return {NUMBER_FIELD: number, DATE_FIELD: date}


def _digitally_signed(pdf: bytes) -> bool:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return bool(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError):
        return False


def _fill_number_and_date(document: OutgoingDocument, actor: Actor) -> bool:
    """Write the number and date into the signed PDF's reserved fields as a new version (a form-filling revision
    the leader's signature allows). Paper-signed scans and PDFs without a digital signature are left as they are.
    Any failure propagates, so the caller's transaction gives the number back."""
    if document.signed_on_paper:
        return False
    version = document.versions.order_by("-number").first()
    if version is None:
        return False
    pdf = blob_read(version.pdf)
    if not _digitally_signed(pdf):
        return False
    filled = pdf_fill_text_fields(pdf, number_date_values(document, version), font_size=13,
                                  italic_fields=(DATE_FIELD,), font_sizes={DATE_FIELD: 14})
    _store_version(document, actor, filled, f"van-ban-{document.pk}-da-cap-so.pdf", _("Bản đã điền số, ngày"))
    return True


@transaction.atomic
def outgoing_mark_cosigned(
    *, actor: Actor, document_id: int, signed_pdf: bytes | None = None, valid_signature: bool = True
) -> OutgoingDocument:
    """A co-signer's personal signature is on the document (called by the signing code); it stays
    AWAITING_SIGNATURE for the next signer. Only the co-signer whose turn it is (``signers.signing_turn``): the
    co-signer rows are locked after the document row, so two signatures cannot both take the same turn."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="cosign", actor=actor)
    cosigners = list(OutgoingCoSigner.objects.select_for_update().filter(document=document)
                     .select_related("user", "agency").order_by("order"))
    slot = signing_turn(actor=actor, signers=document_signers(document, cosigners))
    if slot.is_main:
        raise ConflictError("signing.not_a_cosigner", _("Bạn không phải người ký cùng của văn bản này."))
    cosigner = next(c for c in cosigners if c.pk == slot.cosigner_id)
    if signed_pdf is not None:
        _store_version(document, actor, signed_pdf, f"van-ban-{document.pk}-da-ky-{cosigner.order}.pdf",
                       _("Bản đã ký số của người ký cùng"))
    cosigner.signed_at = timezone.now()
    cosigner.save(update_fields=["signed_at"])
    transition_apply(document=document, transition=transition, actor=actor,
                     data={"cosigner": cosigner.order, "agency": cosigner.agency_id, "valid": valid_signature})
    return document


@transaction.atomic
def outgoing_mark_signed(
    *, actor: Actor, document_id: int, signed_pdf: bytes | None = None, valid_signature: bool = True
) -> OutgoingDocument:
    """The main signer's personal PAdES signature is on the document (called by the signing code), after every
    co-signer's. ``valid_signature``: every signer's signature validates (the statistics fact)."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="mark_signed", actor=actor)
    if document.signer_id != actor.user.pk:
        raise PermissionDeniedError("forbidden", _("Chỉ người ký được ký văn bản này."))
    cosigners = list(OutgoingCoSigner.objects.select_for_update().filter(document=document)
                     .select_related("user", "agency").order_by("order"))
    waiting = next_signer(document_signers(document, cosigners))
    if waiting is not None and not waiting.is_main:
        raise ConflictError("signing.not_your_turn",
                            _("Chưa đến lượt bạn ký văn bản này: %(name)s cần ký trước.") % {"name": waiting.full_name},
                            {"next_signer": waiting.user_id})
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
    refuse_if(can_number(actor, document))
    transition = TRANSITIONS["number"]
    register = register_for(document)
    now = timezone.now()
    today = timezone.localdate(now)
    number = number_next(register=register, year=today.year)
    fields = {
        "register": register, "number_year": today.year, "number": number, "code_number": format_number(number),
        "code_notation": code_notation_for(document), "issued_date": today, "numbered_at": now,
    }
    for name, value in fields.items():
        setattr(document, name, value)
    filled = _fill_number_and_date(document, actor)
    transition_apply(
        document=document, transition=transition, actor=actor, fields=fields,
        data={"register": register.name, "number": number, "reference": f"{fields['code_number']}/"
              f"{fields['code_notation']}", "issued_date": today.isoformat(), "filled": filled},
    )
    return document


@transaction.atomic
def outgoing_mark_sealed(
    *, actor: Actor, document_id: int, sealed_pdf: bytes | None = None, valid_signature: bool = True,
    valid_personal_signature: bool | None = None,
) -> OutgoingDocument:
    """The agency's signature is on the document (called by the signing code; NUMBERED → SEALED). The statistics
    facts come from the validation of the final PDF: the agency signature, and — when given — the personal one."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="mark_sealed", actor=actor)
    if sealed_pdf is not None:
        _store_version(document, actor, sealed_pdf, f"van-ban-{document.pk}.pdf", _("Bản đã ký số cơ quan"))
    fields: dict[str, Any] = {"has_valid_org_signature": valid_signature}
    if valid_personal_signature is not None:
        fields["has_valid_personal_signature"] = valid_personal_signature
    transition_apply(document=document, transition=transition, actor=actor,
                     data={"org_signature": True, "valid": valid_signature}, fields=fields)
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
