"""The recipient's side of a recall (ND30 Điều 18, Phụ lục VI; docs/domain/incoming.md).

The sender's request freezes the copy (RECALL_PENDING, whatever open state it was in). The recipient's clerk then
agrees — status 15, the copy becomes a tombstone: content and metadata purged; the DocumentId, the sender, the dates
and the audit log kept (docs/standards/nd30.md#recall) — or refuses with a reason — status 16, the copy goes back to
the state it was in. Both statuses reach the sender through ``transition_apply``'s status report.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, ConflictError, PermissionDeniedError
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import IncomingState as S
from vanthu.documents.lifecycle import Transition
from vanthu.documents.models import DocumentFile, DocumentShare, IncomingDocument
from vanthu.documents.selectors import incoming_get_for_user
from vanthu.documents.timeline import INCOMING_TARGET
from vanthu.documents.transitions import lock_document, transition_apply
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.workflows.enums import OPEN_ASSIGNMENT_STATES, AssignmentState
from vanthu.workflows.models import Assignment, Direction, ProcessingNote

# A returned or already recalled copy has nothing left to withdraw.
RECALLABLE = frozenset({S.ARRIVED, S.REGISTERED, S.PRESENTED, S.ASSIGNED, S.IN_PROGRESS, S.COMPLETED})

RECALL_REQUEST = Transition("recall_request", RECALLABLE, S.RECALL_PENDING, frozenset())
RECALL_AGREE = Transition("recall_agree", frozenset({S.RECALL_PENDING}), S.RECALLED, frozenset({RoleCode.CLERK}),
                          "15")

REQUESTED_EVENT = "incoming.recall_requested"


def incoming_recall_request(*, document_id: int, reason: str, requested_by: Actor) -> IncomingDocument | None:
    """The sender asked for its document back: freeze the copy. Called by the sender's recall (or, for a copy
    received from the hub, by the exchange connector) in its transaction; the previous state goes to the log.

    Returns ``None`` when the copy is returned or already recalled and there is nothing to withdraw.
    """
    document = lock_document(document_id)
    if document.state not in RECALL_REQUEST.sources:
        return None
    transition_apply(document=document, transition=RECALL_REQUEST, actor=requested_by, event_type=REQUESTED_EVENT,
                     data={"reason": reason.strip(), "document_id": document.document_id})
    return document


def _open_pending(actor: Actor, document_id: int) -> IncomingDocument:
    """Not-found for another agency's copy; then the row lock, the state and the clerk's role."""
    incoming_get_for_user(actor=actor, document_id=document_id)
    document = lock_document(document_id)
    if document.state != S.RECALL_PENDING:
        raise ConflictError(
            "invalid_state",
            _("Không thể thực hiện thao tác này khi văn bản đang ở trạng thái “%(state)s”.")
            % {"state": S(document.state).label},
            {"state": document.state},
        )
    if actor.agency_id != document.agency_id or not actor.has_role(RoleCode.CLERK):
        raise PermissionDeniedError("forbidden", _("Chỉ văn thư được xác nhận hoặc từ chối thu hồi văn bản."))
    return document


def _tombstone(document: IncomingDocument) -> dict[str, Any]:
    files = document.files.select_related("blob").order_by("id")
    return {
        "document_id": document.document_id, "organ_id": document.organ_id, "organ_name": document.organ_name,
        "reference": document.reference, "issued_date": document.issued_date.isoformat(),
        "arrived_at": document.arrived_at.isoformat(), "arrival_number": document.arrival_number,
        "files": [{"name": f.filename, "sha256": f.blob.sha256} for f in files],
    }


def _purge_handling(document: IncomingDocument) -> None:
    """Handling content goes too: notes, instructions and results; open work is cancelled. Who handled it and
    when stays in the audit log."""
    ProcessingNote.objects.filter(incoming=document).delete()
    Direction.objects.filter(incoming=document).update(instruction="")
    Assignment.objects.filter(incoming=document, state__in=OPEN_ASSIGNMENT_STATES).update(
        state=AssignmentState.CANCELLED, finished_at=timezone.now())
    Assignment.objects.filter(incoming=document).update(instruction="", result_note="")
    DocumentShare.objects.filter(incoming=document).delete()
    # Rows only: the bytes are content-addressed and shared with the sender's original, which ND30 keeps. The search
    # entry follows the tombstone (an effect of the move: ``search.effects``).
    DocumentFile.objects.filter(incoming=document).delete()


@transaction.atomic
def incoming_recall_agree(*, actor: Actor, document_id: int) -> IncomingDocument:
    """The clerk confirms the recall (status 15): the copy is purged to a tombstone (RECALLED, terminal)."""
    document = _open_pending(actor, document_id)
    tombstone = _tombstone(document)
    _purge_handling(document)
    transition_apply(
        document=document, transition=RECALL_AGREE, actor=actor, event_type="incoming.recalled",
        data={"tombstone": tombstone},
        fields={
            "subject": _("Văn bản đã được thu hồi theo đề nghị của cơ quan ban hành"),
            "description": "", "signer_position": "", "signer_full_name": "", "to_places": "", "note": "",
            "page_amount": None, "requested_due_date": None, "due_date": None, "presented_to": None,
            "result_note": "", "reply_reference": "", "returned_reason": "", "duplicate_of": None,
        },
    )
    return document


def _state_before_recall(document: IncomingDocument) -> str:
    event = (
        AuditEvent.objects.filter(target_type=INCOMING_TARGET, target_id=str(document.pk), event_type=REQUESTED_EVENT)
        .order_by("-id").first()
    )
    previous = str(event.data.get("from", "")) if event is not None else ""
    if previous in RECALLABLE:
        return previous
    return S.ARRIVED if document.arrival_number is None else S.REGISTERED


@transaction.atomic
def incoming_recall_refuse(*, actor: Actor, document_id: int, reason: str) -> IncomingDocument:
    """The clerk refuses the recall with a reason (status 16): the copy goes back to the state it was in."""
    if not reason.strip():
        raise ApplicationError("reason_required", _("Phải nhập lý do từ chối thu hồi."))
    document = _open_pending(actor, document_id)
    back = Transition("recall_refuse", frozenset({S.RECALL_PENDING}), _state_before_recall(document),
                      frozenset({RoleCode.CLERK}), "16")
    transition_apply(document=document, transition=back, actor=actor, event_type="incoming.recall_refused",
                     data={"reason": reason.strip()})
    return document
