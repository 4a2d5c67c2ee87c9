"""A handler's actions on their assignment: delegate to specialists, record a note, complete, mark read."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from vanthu.api.auth import request_actor
from vanthu.api.schemas import AssignmentOut, CompleteIn, DelegateIn, ErrorOut, NoteIn, NoteOut, PathId
from vanthu.core.errors import NotFoundError
from vanthu.documents.handling import (
    assignment_complete,
    assignment_delegate,
    assignment_mark_read,
    processing_note_add,
)
from vanthu.documents.selectors import incoming_queryset_for_user
from vanthu.organizations.actor import Actor
from vanthu.workflows.models import Assignment, ProcessingNote

router = Router(tags=["Phần việc được giao"])

ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _visible_assignment(actor: Actor, assignment_id: int) -> int:
    """404 unless the actor can see the assignment's document; the service then decides whether it is theirs."""
    incoming_id = Assignment.objects.filter(pk=assignment_id).values_list("incoming_id", flat=True).first()
    if incoming_id is None or not incoming_queryset_for_user(actor=actor).filter(pk=incoming_id).exists():
        raise NotFoundError("not_found", _("Không tìm thấy phần việc."))
    return assignment_id


@router.post("/assignments/{assignment_id}/delegate", response={200: list[AssignmentOut], **ERRORS},
             summary="Lãnh đạo đơn vị giao chuyên viên xử lý")
def delegate(request: HttpRequest, assignment_id: PathId, payload: DelegateIn) -> list[Assignment]:
    actor = request_actor(request)
    return assignment_delegate(
        actor=actor, assignment_id=_visible_assignment(actor, assignment_id), user_ids=payload.user_ids,
        instruction=payload.instruction, due_date=payload.due_date,
    )


@router.post("/assignments/{assignment_id}/notes", response={201: NoteOut, **ERRORS},
             summary="Ghi nhận tiến độ, ý kiến (ý kiến phối hợp với vai trò phối hợp)")
def note(request: HttpRequest, assignment_id: PathId, payload: NoteIn) -> tuple[int, ProcessingNote]:
    actor = request_actor(request)
    created = processing_note_add(actor=actor, assignment_id=_visible_assignment(actor, assignment_id),
                                  text=payload.text, kind=payload.kind)
    return 201, created


@router.post("/assignments/{assignment_id}/complete", response={200: AssignmentOut, **ERRORS},
             summary="Hoàn thành phần việc")
def complete(request: HttpRequest, assignment_id: PathId, payload: CompleteIn) -> Assignment:
    actor = request_actor(request)
    return assignment_complete(actor=actor, assignment_id=_visible_assignment(actor, assignment_id),
                               result_note=payload.result_note, reply_reference=payload.reply_reference)


@router.post("/assignments/{assignment_id}/read", response={200: AssignmentOut, **ERRORS},
             summary="Đánh dấu đã xem (phần việc để biết)")
def mark_read(request: HttpRequest, assignment_id: PathId) -> Assignment:
    actor = request_actor(request)
    return assignment_mark_read(actor=actor, assignment_id=_visible_assignment(actor, assignment_id))
