"""Direction, assignment and processing of incoming documents (ND30 Điều 24; docs/domain/incoming.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.calendar import add_working_days
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError, refuse_if
from vanthu.documents.enums import IncomingState
from vanthu.documents.lifecycle import TRANSITIONS
from vanthu.documents.models import IncomingDocument
from vanthu.documents.permissions import can_handle, direct_action, lock_visible
from vanthu.documents.transitions import lock_document, transition_apply, transition_check
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.services import notification_emit
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Membership, Unit, User
from vanthu.workflows.enums import OPEN_ASSIGNMENT_STATES, AssignmentState, HandlerRole, NoteKind
from vanthu.workflows.models import Assignment, Direction, ProcessingNote


@dataclass(frozen=True)
class Handler:
    """A unit or a person of the document's agency."""

    unit_id: int | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class DirectionInput:
    lead: Handler
    cooperating: Sequence[Handler] = ()
    informed: Sequence[Handler] = ()
    instruction: str = ""
    due_date: dt.date | None = None
    due_in_working_days: int | None = None


def _resolve_due(data: DirectionInput) -> dt.date | None:
    if data.due_date is not None and data.due_in_working_days is not None:
        raise ApplicationError("due_ambiguous", _("Chỉ nhập hạn xử lý theo ngày hoặc theo số ngày làm việc."))
    if data.due_in_working_days is not None:
        if data.due_in_working_days < 1:
            raise ApplicationError("due_invalid", _("Số ngày làm việc phải lớn hơn 0."))
        return add_working_days(timezone.localdate(), data.due_in_working_days)
    if data.due_date is not None and data.due_date < timezone.localdate():
        raise ApplicationError("due_in_past", _("Hạn xử lý không được trước ngày hôm nay."))
    return data.due_date


def _check_handler(document: IncomingDocument, handler: Handler) -> tuple[Unit | None, User | None]:
    if (handler.unit_id is None) == (handler.user_id is None):
        raise ApplicationError("handler_invalid", _("Mỗi người xử lý phải là một đơn vị hoặc một cá nhân."))
    if handler.unit_id is not None:
        unit = Unit.objects.filter(pk=handler.unit_id, agency=document.agency, is_active=True).first()
        if unit is None:
            raise ApplicationError("handler_invalid", _("Đơn vị xử lý không thuộc cơ quan."))
        return unit, None
    membership = (
        Membership.objects.filter(user_id=handler.user_id or 0, agency=document.agency, is_active=True)
        .select_related("user").first()
    )
    if membership is None:
        raise ApplicationError("handler_invalid", _("Người xử lý không thuộc cơ quan."))
    return None, membership.user


def _unit_leaders(unit_ids: set[int]) -> list[User]:
    memberships = Membership.objects.filter(
        unit_id__in=unit_ids, is_active=True, roles__code=RoleCode.UNIT_LEADER
    ).select_related("user")
    return [m.user for m in memberships]


def _notify_assigned(document: IncomingDocument, assignments: list[Assignment]) -> None:
    for assignment in assignments:
        users = [assignment.user] if assignment.user else _unit_leaders({assignment.unit_id or 0})
        notification_emit(
            kind=NotificationKind.ASSIGNED, recipients=users, dedup_key=f"assignment:{assignment.pk}",
            title=_("%(role)s: %(ref)s — %(subject)s") % {
                "role": assignment.get_role_display(), "ref": document.reference, "subject": document.subject},
            body=assignment.instruction, incoming_id=document.pk,
            url=reverse("web:incoming_detail", args=[document.pk]),
        )


def _create_assignments(
    document: IncomingDocument, direction: Direction, data: DirectionInput, actor: Actor, due: dt.date | None
) -> list[Assignment]:
    seen: set[tuple[int | None, int | None]] = set()
    created: list[Assignment] = []
    for role, handlers in (
        (HandlerRole.LEAD, [data.lead]), (HandlerRole.COOPERATING, data.cooperating),
        (HandlerRole.INFORMED, data.informed),
    ):
        for handler in handlers:
            key = (handler.unit_id, handler.user_id)
            if key in seen:
                raise ApplicationError("handler_twice", _("Một đơn vị hoặc cá nhân chỉ nhận một vai trò."))
            seen.add(key)
            unit, user = _check_handler(document, handler)
            created.append(Assignment.objects.create(
                incoming=document, direction=direction, role=role, unit=unit, user=user,
                due_date=None if role == HandlerRole.INFORMED else due, instruction=data.instruction,
                assigned_by=actor.user,
            ))
    return created


def _handlers_summary(assignments: list[Assignment]) -> dict[str, list[str]]:
    summary: dict[str, list[str]] = {}
    for a in assignments:
        summary.setdefault(a.role, []).append(a.handler_name)
    return summary


@transaction.atomic
def direction_create(*, actor: Actor, document_id: int, data: DirectionInput) -> Direction:
    """The leader's direction: one lead, co-operating and informed handlers, instruction, deadline (status 04).

    On an already directed document this is a re-direction: the current direction is superseded, its open
    assignments are cancelled and the history is kept.
    """
    document = lock_visible(actor, document_id)
    action = direct_action(document)
    transition = transition_check(document=document, action=action, actor=actor)
    redirect = action == "redirect"
    due = _resolve_due(data)
    if redirect:
        Direction.objects.filter(incoming=document, is_current=True).update(is_current=False)
        Assignment.objects.filter(incoming=document, state__in=OPEN_ASSIGNMENT_STATES).update(
            state=AssignmentState.CANCELLED, finished_at=timezone.now()
        )
    direction = Direction.objects.create(
        incoming=document, leader=actor.user, instruction=data.instruction.strip(), due_date=due
    )
    assignments = _create_assignments(document, direction, data, actor, due)
    transition_apply(
        document=document, transition=transition, actor=actor,
        event_type="incoming.redirected" if redirect else "incoming.directed",
        data={"instruction": direction.instruction, "due_date": due.isoformat() if due else None,
              "handlers": _handlers_summary(assignments)},
        fields={"due_date": due, "presented_to": None},
    )
    _notify_assigned(document, assignments)
    return direction


@transaction.atomic
def incoming_close_for_information(*, actor: Actor, document_id: int, instruction: str = "") -> IncomingDocument:
    """"Để biết, lưu": the leader closes the document without handlers (status 06)."""
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="close_for_information", actor=actor)
    Direction.objects.create(incoming=document, leader=actor.user, instruction=instruction.strip())
    transition_apply(
        document=document, transition=transition, actor=actor, event_type="incoming.closed_for_information",
        data={"instruction": instruction.strip()},
        fields={"completed_at": timezone.now(), "presented_to": None, "result_note": instruction.strip()},
    )
    return document


def _mark_started(document: IncomingDocument, assignment: Assignment, actor: Actor) -> IncomingDocument:
    """First action on a lead assignment moves the document to IN_PROGRESS (status 05)."""
    now = timezone.now()
    if assignment.state == AssignmentState.PENDING:
        assignment.state = AssignmentState.IN_PROGRESS
        assignment.started_at = now
        assignment.save(update_fields=["state", "started_at"])
    if assignment.role == HandlerRole.LEAD and document.state == IncomingState.ASSIGNED:
        transition_apply(
            document=document, transition=TRANSITIONS["start"], actor=actor, event_type="incoming.started",
            data={"assignment": assignment.pk, "handler": assignment.handler_name},
        )
    return document


def _open_assignment(
    actor: Actor, assignment_id: int, action: str = "handle"
) -> tuple[Assignment, IncomingDocument]:
    """The actor's open assignment and its document, locked in the workflow lock order — the document row first,
    then the assignment — and checked (``permissions.can_handle``: another agency's is not found, someone else's is
    refused, a finished one is closed, the document's state must allow ``action``)."""
    incoming_id = Assignment.objects.filter(pk=assignment_id).values_list("incoming_id", flat=True).first()
    if incoming_id is None:
        raise NotFoundError("not_found", _("Không tìm thấy phần việc."))
    document = lock_document(incoming_id)
    assignment = (
        Assignment.objects.select_for_update(of=("self",)).select_related("incoming", "unit", "user", "parent")
        .get(pk=assignment_id)
    )
    refuse_if(can_handle(actor, document, assignment, action))
    return assignment, document


@transaction.atomic
def assignment_delegate(
    *, actor: Actor, assignment_id: int, user_ids: Sequence[int], instruction: str = "",
    due_date: dt.date | None = None,
) -> list[Assignment]:
    """A unit leader passes the unit's work to specialists, optionally with an earlier sub-deadline."""
    assignment, document = _open_assignment(actor, assignment_id)
    if assignment.unit_id is None or not actor.has_role(RoleCode.UNIT_LEADER):
        raise PermissionDeniedError("forbidden", _("Chỉ lãnh đạo đơn vị được giao việc cho chuyên viên."))
    if not user_ids:
        raise ApplicationError("no_user", _("Chọn ít nhất một chuyên viên."))
    if due_date is not None and assignment.due_date is not None and due_date > assignment.due_date:
        raise ApplicationError("due_after_parent", _("Hạn giao chuyên viên không được sau hạn của đơn vị."))
    members = {
        m.user_id: m.user for m in Membership.objects.filter(
            unit_id=assignment.unit_id, user_id__in=user_ids, is_active=True
        ).select_related("user")
    }
    if set(user_ids) - set(members):
        raise ApplicationError("handler_invalid", _("Chuyên viên được giao phải thuộc đơn vị."))
    already = set(assignment.children.filter(state__in=OPEN_ASSIGNMENT_STATES).values_list("user_id", flat=True))
    children = []
    for user_id in user_ids:
        if user_id in already:
            continue
        children.append(Assignment.objects.create(
            incoming=document, direction=assignment.direction, parent=assignment, role=assignment.role,
            user=members[user_id], due_date=due_date or assignment.due_date,
            instruction=instruction.strip() or assignment.instruction, assigned_by=actor.user,
        ))
    _mark_started(document, assignment, actor)
    sub_due = due_date or assignment.due_date
    audit_record(
        actor=actor.user, event_type="incoming.delegated", target=document, agency=document.agency,
        data={"assignment": assignment.pk, "users": [str(members[u]) for u in user_ids],
              "due_date": sub_due.isoformat() if sub_due else None},
    )
    _notify_assigned(document, children)
    return children


@transaction.atomic
def processing_note_add(
    *, actor: Actor, assignment_id: int, text: str, kind: str = NoteKind.PROGRESS
) -> ProcessingNote:
    """Record progress or an opinion; co-operating handlers send their input to the lead this way."""
    if not text.strip():
        raise ApplicationError("text_required", _("Chưa nhập nội dung."))
    assignment, document = _open_assignment(actor, assignment_id)
    if assignment.role == HandlerRole.COOPERATING:
        kind = NoteKind.INPUT
    note = ProcessingNote.objects.create(
        incoming=document, assignment=assignment, author=actor.user, kind=kind, text=text.strip()
    )
    _mark_started(document, assignment, actor)
    audit_record(
        actor=actor.user, event_type="incoming.note", target=document, agency=document.agency,
        data={"assignment": assignment.pk, "kind": kind, "text": note.text},
    )
    return note


def _finish(assignment: Assignment, result_note: str) -> None:
    assignment.state = AssignmentState.READ if assignment.role == HandlerRole.INFORMED else AssignmentState.DONE
    assignment.finished_at = timezone.now()
    assignment.result_note = result_note
    assignment.save(update_fields=["state", "finished_at", "result_note"])


@transaction.atomic
def assignment_complete(
    *, actor: Actor, assignment_id: int, result_note: str = "", reply_reference: str = ""
) -> Assignment:
    """Mark one's part done. When the lead's part is done, the document is completed (status 06).

    A specialist's lead part also closes the unit's lead part above it once no other lead specialist is open.
    """
    assignment, document = _open_assignment(actor, assignment_id)
    if assignment.role == HandlerRole.INFORMED:
        raise ApplicationError("informed_only", _("Văn bản để biết chỉ cần đánh dấu đã xem."))
    _mark_started(document, assignment, actor)
    _finish(assignment, result_note.strip())
    audit_record(
        actor=actor.user, event_type="incoming.assignment_done", target=document, agency=document.agency,
        data={"assignment": assignment.pk, "role": assignment.role, "handler": assignment.handler_name,
              "result": result_note.strip(), "reply_reference": reply_reference.strip()},
    )
    top = assignment
    if assignment.parent_id is not None:
        parent = Assignment.objects.select_for_update().get(pk=assignment.parent_id)
        if not parent.children.filter(state__in=OPEN_ASSIGNMENT_STATES).exists():
            _finish(parent, result_note.strip())
            top = parent
    if top.parent_id is None and top.role == HandlerRole.LEAD and top.state == AssignmentState.DONE:
        # The document is done: the lead's other specialists and any co-operating part still open have nothing
        # left to contribute. For-information handlers may still mark the document read.
        Assignment.objects.filter(incoming=document, state__in=OPEN_ASSIGNMENT_STATES).exclude(
            role=HandlerRole.INFORMED
        ).update(state=AssignmentState.CANCELLED, finished_at=timezone.now())
        transition_apply(
            document=document, transition=TRANSITIONS["complete"], actor=actor, event_type="incoming.completed",
            data={"result": result_note.strip(), "reply_reference": reply_reference.strip()},
            fields={"completed_at": timezone.now(), "result_note": result_note.strip(),
                    "reply_reference": reply_reference.strip()},
        )
        leaders = [d.leader for d in document.directions.filter(is_current=True).select_related("leader")]
        notification_emit(
            kind=NotificationKind.COMPLETED, recipients=leaders, dedup_key=f"incoming:{document.pk}:completed:"
            f"{document.completed_at:%Y%m%d%H%M%S%f}",
            title=_("Đã hoàn thành: %(ref)s — %(subject)s") % {"ref": document.reference, "subject": document.subject},
            body=result_note.strip(), incoming_id=document.pk, url=reverse("web:incoming_detail", args=[document.pk]),
        )
    return assignment


@transaction.atomic
def assignment_mark_read(*, actor: Actor, assignment_id: int) -> Assignment:
    """For-information handlers acknowledge that they have read the document, also after it was completed."""
    assignment, document = _open_assignment(actor, assignment_id, action="read")
    if assignment.role != HandlerRole.INFORMED:
        raise ApplicationError("not_informed", _("Chỉ phần việc để biết mới đánh dấu đã xem."))
    _finish(assignment, "")
    audit_record(
        actor=actor.user, event_type="incoming.assignment_read", target=document, agency=document.agency,
        data={"assignment": assignment.pk, "handler": assignment.handler_name},
    )
    return assignment


@transaction.atomic
def incoming_reopen(*, actor: Actor, document_id: int, reason: str) -> IncomingDocument:
    """A leader reopens a completed document (status 05); the lead part goes back to in progress."""
    if not reason.strip():
        raise ApplicationError("reason_required", _("Phải nhập lý do mở lại."))
    document = lock_visible(actor, document_id)
    transition = transition_check(document=document, action="reopen", actor=actor)
    lead = (
        Assignment.objects.filter(incoming=document, parent__isnull=True, role=HandlerRole.LEAD,
                                  direction__is_current=True).order_by("-id").first()
    )
    if lead is None:
        raise ApplicationError("no_lead", _("Văn bản chưa có đơn vị chủ trì; hãy chỉ đạo lại."))
    Assignment.objects.filter(Q(pk=lead.pk)).update(state=AssignmentState.IN_PROGRESS, finished_at=None)
    transition_apply(
        document=document, transition=transition, actor=actor, event_type="incoming.reopened",
        data={"reason": reason.strip()}, fields={"completed_at": None},
    )
    _notify_assigned(document, [lead])
    return document
