"""Who signs an outgoing document, in which order, in which signature field and with which ND30 signer block.

One competent signer (``OutgoingDocument.signer``) or several: the co-signers (``OutgoingCoSigner``) are the leaders of
the other agencies of a joint document (văn bản liên tịch) or a second leader of the drafting agency. ND30 Phụ lục I
(mục II.9, văn bản liên tịch) gives every competent signer their own block — capacity line, title, signature, name —
with the lead agency's (cơ quan chủ trì) signer in the usual place of the signer block; each gets their own personal
signature here. The order:

1. the co-signers, in the order chosen at drafting, each into ``vanthu_sig_personal_<order + 1>``;
2. the main signer last, into ``vanthu_sig_personal``: the head of the lead agency, whose signature completes the
   document — the clerk numbers it after that signature (ND30 Điều 15) and the agency's seal goes over their image.

Every later signature is an incremental update, so the earlier ones stay valid. Layout (templates and the default
boxes of uploaded drafts): the main signer's block bottom right, co-signer 1 to its left, co-signers 2 and 3 in the
row below it (left, right).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from vanthu.core.errors import ConflictError, PermissionDeniedError
from vanthu.documents.outgoing.enums import OutgoingState, SigningCapacity
from vanthu.documents.outgoing.inputs import CoSignerInput
from vanthu.documents.outgoing.models import OutgoingCoSigner, OutgoingDocument
from vanthu.documents.outgoing.template import PERSONAL_SIG_FIELD
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, Membership, Position, User
from vanthu.signing.validation.report import CertificateKind, Indication

MAX_COSIGNERS = 3
SIGNER_ROLES = (RoleCode.LEADER, RoleCode.UNIT_LEADER)  # may sign for the drafting agency (ND30 Điều 13)
OTHER_AGENCY_ROLES = (RoleCode.LEADER,)  # may sign a joint document for a co-issuing agency


def cosigner_field_name(order: int) -> str:
    """The signature field of co-signer ``order`` (1, 2, 3): ``vanthu_sig_personal_2`` …"""
    return f"{PERSONAL_SIG_FIELD}_{order + 1}"


@dataclass(frozen=True)
class SignerSlot:
    """One signer of the document, in signing order."""

    user_id: int
    agency: Agency
    field_name: str
    capacity: str  # SigningCapacity value
    title: str
    full_name: str
    signed: bool
    cosigner_id: int | None = None  # None: the main signer

    @property
    def is_main(self) -> bool:
        return self.cosigner_id is None


def _name(user: User) -> str:
    return user.full_name or str(user)


def document_cosigners(document: OutgoingDocument) -> list[OutgoingCoSigner]:
    return list(OutgoingCoSigner.objects.filter(document=document).select_related("user", "agency").order_by("order"))


def document_signers(document: OutgoingDocument,
                     cosigners: Iterable[OutgoingCoSigner] | None = None) -> list[SignerSlot]:
    """The co-signers in their order, then the main signer (when chosen)."""
    rows = document_cosigners(document) if cosigners is None else list(cosigners)
    slots = [
        SignerSlot(user_id=c.user_id, agency=c.agency, field_name=cosigner_field_name(c.order),
                   capacity=c.signing_capacity, title=c.signer_title, full_name=_name(c.user),
                   signed=c.signed_at is not None, cosigner_id=c.pk)
        for c in rows
    ]
    signer = document.signer
    if signer is not None:
        main_signed = document.state != OutgoingState.AWAITING_SIGNATURE and document.signed_at is not None
        slots.append(SignerSlot(user_id=signer.pk, agency=document.agency, field_name=PERSONAL_SIG_FIELD,
                                capacity=document.signing_capacity, title=document.signer_title,
                                full_name=_name(signer), signed=main_signed))
    return slots


def next_signer(signers: Iterable[SignerSlot]) -> SignerSlot | None:
    return next((slot for slot in signers if not slot.signed), None)


def signing_turn(*, actor: Actor, signers: list[SignerSlot]) -> SignerSlot:
    """The actor's slot when it is their turn; otherwise "not a signer", "already signed" or "not your turn yet".
    A co-signer signs for the agency of their acting membership."""
    mine = [s for s in signers if s.user_id == actor.user.pk and (s.is_main or s.agency.pk == actor.agency_id)]
    if not mine:
        raise PermissionDeniedError("forbidden", _("Chỉ người ký được ký văn bản này."))
    slot = next_signer(mine)
    if slot is None:
        raise ConflictError("signing.already_signed", _("Bạn đã ký số văn bản này."))
    first = next_signer(signers)
    if first is not slot:
        assert first is not None
        raise ConflictError("signing.not_your_turn",
                            _("Chưa đến lượt bạn ký văn bản này: %(name)s cần ký trước.") % {"name": first.full_name},
                            {"next_signer": first.user_id})
    return slot


def signatures_valid(report: Mapping[str, Any], field_names: Iterable[str]) -> bool:
    """Whether each of ``field_names`` holds a valid (TOTAL_PASSED) personal signature, per a stored check's report
    (``PdfCheck.report``). The statistics fact ``has_valid_personal_signature`` needs every signer's."""
    valid = {
        sig.get("field_name") for sig in report.get("signatures", [])
        if sig.get("indication") == Indication.TOTAL_PASSED.value
        and sig.get("certificate_kind") == CertificateKind.PERSONAL.value
    }
    names = list(field_names)
    return bool(names) and all(name in valid for name in names)


# --- The ND30 signer block (Phụ lục I, mục II.9) ------------------------------------------------------------------

_PLACE_WORDS = (" tỉnh ", " thành phố ", " huyện ", " quận ", " thị xã ", " xã ", " phường ", " thị trấn ")


def _collective_name(agency_name: str) -> str:
    """"Ủy ban nhân dân tỉnh Demo" → "Ủy ban nhân dân" (TM. ỦY BAN NHÂN DÂN)."""
    lowered = f" {agency_name.lower()} "
    cut = min((lowered.find(word) for word in _PLACE_WORDS if lowered.find(word) > 0), default=-1)
    return agency_name[:cut].strip() if cut > 0 else agency_name


def signer_lines(*, agency: Agency, capacity: str, title: str) -> tuple[str, str]:
    """The capacity line and the title line of a signer of ``agency``: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC; TM. ỦY BAN NHÂN
    DÂN / CHỦ TỊCH; Q. GIÁM ĐỐC; TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG; TUQ. GIÁM ĐỐC / TRƯỞNG PHÒNG; a head signing
    directly: GIÁM ĐỐC. The head's title is the agency's head position, else the signer's title without "Phó"."""
    title = title.strip()
    head_position = Position.objects.filter(agency_id=agency.pk, is_head=True).order_by("id").first()
    head = head_position.name if head_position else ""
    if not head:
        head = title[4:].strip() if title.lower().startswith("phó ") else title
    if capacity == SigningCapacity.KT:
        return f"KT. {head}", title
    if capacity == SigningCapacity.TM:
        return f"TM. {_collective_name(agency.name)}", title or head
    if capacity == SigningCapacity.Q:
        return f"Q. {head}", ""
    if capacity in (SigningCapacity.TL, SigningCapacity.TUQ):
        return f"{capacity} {head}", title
    return title or head, ""


def signer_block_lines(document: OutgoingDocument) -> tuple[str, str]:
    """The main signer's capacity and title lines (see :func:`signer_lines`)."""
    return signer_lines(agency=document.agency, capacity=document.signing_capacity, title=document.signer_title)


def slot_lines(slot: SignerSlot) -> tuple[str, str]:
    return signer_lines(agency=slot.agency, capacity=slot.capacity, title=slot.title)


# --- Choosing co-signers at drafting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedCoSigner:
    user: User
    agency: Agency
    signing_capacity: str
    signer_title: str


def _signer_of(agency: Agency, user_id: int, roles: tuple[str, ...]) -> User | None:
    membership = (Membership.objects.filter(agency=agency, user_id=user_id, is_active=True, user__is_active=True,
                                            roles__code__in=roles).select_related("user").first())
    return membership.user if membership else None


def cosigners_check(
    *, agency: Agency, entries: tuple[CoSignerInput, ...], main_signer_id: int | None, secret: bool,
) -> tuple[list[CheckedCoSigner], dict[str, str]]:
    """The co-signers of a draft, checked: at most three; leaders of the drafting agency, or leaders of another
    active agency of the deployment (joint documents — never for secret ones, which do not leave the agency);
    nobody twice, nor the main signer again. Errors are keyed ``cosigner_<n>`` (1-based) or ``cosigners``."""
    errors: dict[str, str] = {}
    checked: list[CheckedCoSigner] = []
    if len(entries) > MAX_COSIGNERS:
        return [], {"cosigners": _("Tối đa %(max)d người ký cùng.") % {"max": MAX_COSIGNERS}}
    others = {a.pk: a for a in Agency.objects.filter(
        Q(pk__in=[e.agency_id for e in entries if e.agency_id not in (None, agency.pk)]), is_active=True)}
    seen = {main_signer_id} if main_signer_id is not None else set()
    for index, entry in enumerate(entries, start=1):
        key = f"cosigner_{index}"
        own = entry.agency_id in (None, agency.pk)
        target = agency if own else others.get(entry.agency_id or 0)
        if entry.signing_capacity not in SigningCapacity.values:
            errors[key] = _("Thẩm quyền ký của người ký cùng không hợp lệ.")
        elif target is None:
            errors[key] = _("Cơ quan của người ký cùng không hợp lệ.")
        elif not own and secret:
            errors[key] = _("Văn bản mật không ký liên tịch với cơ quan khác trên hệ thống.")
        elif entry.signer_id in seen:
            errors[key] = _("Mỗi người chỉ ký một lần trên văn bản.")
        elif len(entry.signer_title.strip()) > 200:
            errors[key] = _("Chức vụ người ký cùng dài quá 200 ký tự.")
        else:
            user = _signer_of(target, entry.signer_id, SIGNER_ROLES if own else OTHER_AGENCY_ROLES)
            if user is None:
                errors[key] = _("Người ký cùng phải là lãnh đạo của cơ quan ký.")
            else:
                seen.add(user.pk)
                checked.append(CheckedCoSigner(user=user, agency=target, signing_capacity=entry.signing_capacity,
                                               signer_title=entry.signer_title.strip()))
    return checked, errors


def cosigners_create(document: OutgoingDocument, cosigners: list[CheckedCoSigner]) -> None:
    """Called by ``outgoing_create`` inside its transaction (its audit event lists them)."""
    OutgoingCoSigner.objects.bulk_create([
        OutgoingCoSigner(document=document, order=order, user=c.user, agency=c.agency,
                         signing_capacity=c.signing_capacity, signer_title=c.signer_title)
        for order, c in enumerate(cosigners, start=1)
    ])


def cosigners_reset(document: OutgoingDocument) -> None:
    """A new draft version carries no signature: everybody signs again (called inside the version's transaction)."""
    OutgoingCoSigner.objects.filter(document=document, signed_at__isnull=False).update(signed_at=None)
