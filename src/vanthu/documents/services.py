"""Writes on incoming documents: receive, register, return, present, share (ND30 Điều 20–22)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.blobs import blob_store
from vanthu.core.errors import ApplicationError, PermissionDeniedError, refuse_if
from vanthu.core.files import CheckedFile, UploadedContent, file_check
from vanthu.documents.duplicates import incoming_find_duplicates
from vanthu.documents.effects import IncomingChange, incoming_changed
from vanthu.documents.enums import Channel, FileRole, IncomingState, RegisterKind
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.lifecycle import TRANSITIONS
from vanthu.documents.models import DocumentFile, DocumentShare, DocumentType, IncomingDocument, Register
from vanthu.documents.numbering import number_next, register_default
from vanthu.documents.permissions import can_present, lock_visible
from vanthu.documents.transitions import lock_document, transition_apply, transition_check
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import notification_emit
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Agency, Membership, User

# A document dated tomorrow may be registered the evening before; an issue date further ahead is a typing error
# (2099 for 2019, 9999) that would sort above every real document in the registers and lists.
ISSUED_DATE_TOLERANCE = dt.timedelta(days=1)


def _date_errors(data: IncomingInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.issued_date > timezone.localdate() + ISSUED_DATE_TOLERANCE:
        errors["issued_date"] = _("Ngày ban hành %(date)s chưa tới; hãy kiểm tra lại.") % {
            "date": f"{data.issued_date:%d/%m/%Y}"}
    if data.requested_due_date is not None and data.requested_due_date < data.issued_date:
        errors["requested_due_date"] = _("Hạn trả lời %(due)s ở trước ngày ban hành %(issued)s.") % {
            "due": f"{data.requested_due_date:%d/%m/%Y}",
            "issued": f"{data.issued_date:%d/%m/%Y}"}
    return errors


def _check_input(data: IncomingInput) -> list[CheckedFile]:
    """Validate everything before the first write, so a refusal leaves nothing behind."""
    errors: dict[str, str] = _date_errors(data)
    if not data.subject.strip():
        errors["subject"] = _("Chưa nhập trích yếu.")
    if not data.organ_name.strip():
        errors["organ_name"] = _("Chưa nhập cơ quan ban hành.")
    if not (data.code_number.strip() or data.code_notation.strip()):
        errors["code_number"] = _("Chưa nhập số, ký hiệu văn bản.")
    if len(data.subject) > 500:
        errors["subject"] = _("Trích yếu dài quá 500 ký tự.")
    if not DocumentType.objects.filter(pk=data.document_type_id, is_active=True).exists():
        errors["document_type_id"] = _("Loại văn bản không hợp lệ.")
    if data.confidentiality and (data.main_file or data.attachments):
        errors["main_file"] = _(
            "Văn bản mật không được tải tệp lên hệ thống; chỉ đăng ký thông tin vào sổ văn bản mật."
        )
    if errors:
        raise ApplicationError(
            "invalid_input", _("Thông tin văn bản chưa hợp lệ: %(details)s") % {"details": " ".join(errors.values())},
            {"fields": errors},
        )
    uploads: list[tuple[UploadedContent, str]] = []
    if data.main_file is not None:
        uploads.append((data.main_file, FileRole.MAIN))
    uploads += [(a, FileRole.ATTACHMENT) for a in data.attachments]
    return [file_check(filename=u.filename, content=u.content) for u, _role in uploads]


def _store_files(document: IncomingDocument, data: IncomingInput, checked: list[CheckedFile]) -> None:
    """The checked files as blobs of the document. Text extraction for search is queued by the search app when the
    change is announced (``files_added``), in this transaction, so a crash cannot lose it."""
    for position, item in enumerate(checked):
        role = FileRole.MAIN if position == 0 and data.main_file is not None else FileRole.ATTACHMENT
        blob = blob_store(content=item.content, content_type=item.content_type)
        DocumentFile.objects.create(
            incoming=document, role=role, blob=blob, filename=item.filename,
            content_type=item.content_type, page_count=item.page_count,
        )


def _register_in(document: IncomingDocument, register: Register) -> None:
    now = timezone.now()
    year = timezone.localdate(now).year
    document.register = register
    document.arrival_year = year
    document.arrival_number = number_next(register=register, year=year)
    document.arrival_date = now


def _register_for(agency: Agency, *, secret: bool, register_id: int | None) -> Register:
    kind = RegisterKind.SECRET_INCOMING if secret else RegisterKind.INCOMING
    if register_id is None:
        return register_default(agency=agency, kind=kind)
    register = Register.objects.filter(pk=register_id, agency=agency, kind=kind, is_active=True).first()
    if register is None:
        raise ApplicationError("invalid_register", _("Sổ văn bản không hợp lệ cho văn bản này."))
    return register


def _require_clerk(actor: Actor) -> Agency:
    if actor.agency is None or not actor.has_role(RoleCode.CLERK):
        raise PermissionDeniedError("forbidden", _("Chỉ văn thư được tiếp nhận, vào sổ văn bản đến."))
    return actor.agency


def _fields_from(data: IncomingInput) -> dict[str, object]:
    return {
        "document_type_id": data.document_type_id,
        "code_number": data.code_number.strip(),
        "code_notation": data.code_notation.strip(),
        "issued_date": data.issued_date,
        "organ_name": data.organ_name.strip(),
        "organ_id": data.organ_id.strip(),
        "issuer_id": data.issuer_id,
        "subject": data.subject.strip(),
        "signer_position": data.signer_position.strip(),
        "signer_full_name": data.signer_full_name.strip(),
        "priority": data.priority,
        "confidentiality": data.confidentiality,
        "to_places": data.to_places.strip(),
        "description": data.description.strip(),
        "language": data.language,
        "page_amount": data.page_amount,
        "requested_due_date": data.requested_due_date,
        "document_id": data.document_id.strip(),
        "note": data.note.strip(),
    }


@transaction.atomic
def incoming_create(
    *, actor: Actor, data: IncomingInput, register_id: int | None = None
) -> IncomingDocument:
    """A paper or hand-delivered document scanned and entered by the clerk: created registered (số đến)."""
    agency = _require_clerk(actor)
    checked = _check_input(data)
    register = _register_for(agency, secret=bool(data.confidentiality), register_id=register_id)
    now = timezone.now()
    document = IncomingDocument(
        agency=agency, state=IncomingState.REGISTERED, channel=Channel.PAPER, arrived_at=now,
        created_by=actor.user, **_fields_from(data),
    )
    if document.page_amount is None and checked and checked[0].page_count:
        document.page_amount = checked[0].page_count
    _register_in(document, register)
    duplicates = incoming_find_duplicates(
        agency=agency, code_number=document.code_number, code_notation=document.code_notation,
        organ_name=document.organ_name, issued_date=document.issued_date, document_id=document.document_id,
    )
    document.duplicate_of = duplicates[0] if duplicates else None
    document.save()
    _store_files(document, data, checked)
    payload = {"to": document.state, "arrival_number": document.arrival_number, "register": register.name,
               "channel": document.channel, "files": [c.filename for c in checked],
               "duplicate_of": document.duplicate_of_id}
    audit_record(actor=actor.user, event_type="incoming.registered", target=document, agency=agency, data=payload)
    incoming_changed.run(IncomingChange(document=document, event_type="incoming.registered", actor=actor,
                                        data=payload, created=True, files_added=bool(checked)))
    return document


@transaction.atomic
def incoming_receive_electronic(
    *, agency: Agency, data: IncomingInput, received_by: User, sender: Agency | None = None,
    exchange_warnings: Sequence[Mapping[str, str]] = (),
) -> IncomingDocument:
    """An electronic document delivered to ``agency`` (internal delivery or hub): lands in ARRIVED.

    ``received_by`` is the system account or the sending clerk; the receiving clerk accepts it later.
    ``exchange_warnings``: how the package it came in deviated from QCVN 102, shown to that clerk.
    """
    checked = _check_input(data)
    if data.confidentiality:
        raise ApplicationError("secret_not_exchanged", _("Văn bản mật không được gửi, nhận qua mạng."))
    document = IncomingDocument(
        agency=agency, state=IncomingState.ARRIVED, channel=Channel.ELECTRONIC, arrived_at=timezone.now(),
        created_by=received_by, exchange_warnings=[dict(item) for item in exchange_warnings], **_fields_from(data),
    )
    if sender is not None:
        document.issuer = sender
        document.organ_id = document.organ_id or (sender.organ_id or "")
    document.save()
    _store_files(document, data, checked)
    payload = {"to": document.state, "status_code": "01", "files": [c.filename for c in checked],
               **({"exchange_warnings": [item["code"] for item in document.exchange_warnings]}
                  if document.exchange_warnings else {})}
    audit_record(actor=received_by, event_type="incoming.arrived", target=document, agency=agency, data=payload)
    # Status 01 is the deliverer's to record (the delivery, or the connector's receipt), not a report back.
    incoming_changed.run(IncomingChange(document=document, event_type="incoming.arrived", actor=None, data=payload,
                                        created=True, files_added=bool(checked)))
    return document


@transaction.atomic
def incoming_register(*, actor: Actor, document_id: int, register_id: int | None = None) -> IncomingDocument:
    """Accept an electronic arrival: assign the số đến (ND30 Điều 22; status 03 to the sender)."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="register", actor=actor)
    register = _register_for(document.agency, secret=document.is_secret, register_id=register_id)
    _register_in(document, register)
    duplicates = incoming_find_duplicates(
        agency=document.agency, code_number=document.code_number, code_notation=document.code_notation,
        organ_name=document.organ_name, issued_date=document.issued_date, document_id=document.document_id,
        exclude_id=document.pk,
    )
    transition_apply(
        document=document, transition=transition, actor=actor, event_type="incoming.registered",
        data={"arrival_number": document.arrival_number, "register": register.name},
        fields={
            "register": register, "arrival_year": document.arrival_year,
            "arrival_number": document.arrival_number, "arrival_date": document.arrival_date,
            "duplicate_of": duplicates[0] if duplicates else None,
        },
    )
    return document


@transaction.atomic
def incoming_return(*, actor: Actor, document_id: int, reason: str) -> IncomingDocument:
    """Send a wrongly addressed or invalid document back (status 02); a reason is required."""
    if not reason.strip():
        raise ApplicationError("reason_required", _("Phải nhập lý do trả lại văn bản."))
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="return", actor=actor)
    transition_apply(
        document=document, transition=transition, actor=actor, event_type="incoming.returned",
        data={"reason": reason.strip()}, fields={"returned_reason": reason.strip(), "returned_at": timezone.now()},
    )
    if document.created_by_id != actor.user.pk:
        notification_emit(
            kind=NotificationKind.RETURNED, recipients=[document.created_by],
            dedup_key=f"incoming:{document.pk}:returned",
            title=_("Văn bản %(ref)s bị trả lại") % {"ref": document.reference},
            body=reason.strip(), incoming_id=document.pk,
        )
    return document


def _leader_membership(agency: Agency, leader_id: int) -> Membership:
    membership = (
        Membership.objects.filter(agency=agency, user_id=leader_id, is_active=True, roles__code=RoleCode.LEADER)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ApplicationError("invalid_leader", _("Người nhận trình phải là lãnh đạo của cơ quan."))
    return membership


@transaction.atomic
def incoming_present(*, actor: Actor, document_id: int, leader_id: int, note: str = "") -> IncomingDocument:
    """Present to a leader (ND30 Điều 23), or pass from one leader to another (head → deputy in charge)."""
    document = lock_visible(actor, document_id)
    refuse_if(can_present(actor, document))
    transition = TRANSITIONS["present"]
    leader = _leader_membership(document.agency, leader_id).user
    transition_apply(
        document=document, transition=transition, actor=actor, event_type="incoming.presented",
        data={"leader": leader.pk, "leader_name": str(leader), "note": note.strip()},
        fields={"presented_to": leader, "forwarded_at": timezone.now()},
    )
    notification_emit(
        kind=NotificationKind.PRESENTED, recipients=[leader],
        dedup_key=f"incoming:{document.pk}:presented:{leader.pk}:{document.forwarded_at:%Y%m%d%H%M%S%f}",
        title=_("Văn bản trình: %(ref)s — %(subject)s") % {"ref": document.reference, "subject": document.subject},
        incoming_id=document.pk, url=reverse("web:incoming_detail", args=[document.pk]),
    )
    return document


@transaction.atomic
def incoming_update(*, actor: Actor, document_id: int, data: IncomingInput) -> IncomingDocument:
    """Correct the metadata before the document is finished; old and new values go to the audit log."""
    document = lock_visible(actor, document_id)
    transition_check(document=document, action="edit", actor=actor)
    if data.main_file is not None or data.attachments:
        raise ApplicationError("use_file_add", _("Thêm tệp bằng chức năng thêm tệp."))
    _check_input(data)
    if bool(data.confidentiality) != document.is_secret:
        raise ApplicationError(
            "confidentiality_locked", _("Không thể đổi độ mật sau khi đã vào sổ; hãy trả lại và vào sổ lại.")
        )
    new = _fields_from(data)
    previous = {k: getattr(document, k) for k, v in new.items() if getattr(document, k) != v}
    if previous:
        changes = {k: {"old": str(old), "new": str(new[k])} for k, old in previous.items()}
        for key, value in new.items():
            setattr(document, key, value)
        document.save()
        audit_record(
            actor=actor.user, event_type="incoming.updated", target=document, agency=document.agency,
            data={"changes": changes},
        )
        incoming_changed.run(IncomingChange(document=document, event_type="incoming.updated", actor=actor,
                                            previous=previous, data={"changes": changes}))
    return document


@transaction.atomic
def incoming_file_add(*, actor: Actor, document_id: int, upload: UploadedContent, role: str) -> DocumentFile:
    document = lock_visible(actor, document_id)
    transition_check(document=document, action="edit", actor=actor)
    if document.is_secret:
        raise ApplicationError("secret_no_files", _("Văn bản mật không được tải tệp lên hệ thống."))
    if role == FileRole.MAIN and document.files.filter(role=FileRole.MAIN).exists():
        role = FileRole.ATTACHMENT
    checked = file_check(filename=upload.filename, content=upload.content)
    blob = blob_store(content=checked.content, content_type=checked.content_type)
    file = DocumentFile.objects.create(
        incoming=document, role=role, blob=blob, filename=checked.filename,
        content_type=checked.content_type, page_count=checked.page_count,
    )
    payload = {"file": checked.filename, "sha256": blob.sha256, "role": role}
    audit_record(actor=actor.user, event_type="incoming.file_added", target=document, agency=document.agency,
                 data=payload)
    incoming_changed.run(IncomingChange(document=document, event_type="incoming.file_added", actor=actor,
                                        data=payload, files_added=True))
    return file


def incoming_mark_replaced(*, document_id: int, text: str, replaced_by: str, actor: Actor | None) -> bool:
    """ND30 Điều 18: a received copy learns that its document was replaced — the note says by which (``text``).
    Called in the transaction that issues or receives the replacement; a returned or recalled copy is left alone.
    Returns whether the copy was marked."""
    document = lock_document(document_id)
    if document.state in (IncomingState.RETURNED, IncomingState.RECALLED):
        return False
    previous = {"note": document.note}
    document.note = f"{document.note}\n{text}".strip()
    document.save(update_fields=["note", "updated_at"])
    payload = {"note": text, "replaced_by": replaced_by}
    audit_record(actor=actor.user if actor else None, event_type="incoming.replaced", target=document,
                 agency=document.agency, data=payload)
    incoming_changed.run(IncomingChange(document=document, event_type="incoming.replaced", actor=actor,
                                        previous=previous, data=payload))
    return True


@transaction.atomic
def incoming_share(*, actor: Actor, document_id: int, user_id: int) -> DocumentShare:
    document = lock_visible(actor, document_id)
    transition_check(document=document, action="share", actor=actor)
    if not Membership.objects.filter(agency=document.agency, user_id=user_id, is_active=True).exists():
        raise ApplicationError("invalid_user", _("Chỉ chia sẻ được cho cán bộ trong cơ quan."))
    share, created = DocumentShare.objects.get_or_create(
        incoming=document, user_id=user_id, defaults={"shared_by": actor.user}
    )
    if created:
        audit_record(
            actor=actor.user, event_type="incoming.shared", target=document, agency=document.agency,
            data={"user": user_id},
        )
    return share


__all__ = ["incoming_create", "incoming_mark_replaced", "incoming_present",
           "incoming_receive_electronic", "incoming_register", "incoming_return", "incoming_share", "incoming_update"]
