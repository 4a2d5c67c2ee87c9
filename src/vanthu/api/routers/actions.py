"""Actions on an incoming document: register, return, present, direct, close, reopen, share.

The services lock the document through the actor's visibility (``documents.permissions.lock_visible``), so a
document of another agency, or one the actor has no part in, answers 404 exactly like a wrong id; then the role
(403) and the state (409). The answer is the document as the service left it: one read, one lock.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from vanthu.api.auth import request_actor
from vanthu.api.schemas import (
    CloseIn,
    DirectIn,
    ErrorOut,
    HandlerIn,
    IncomingOut,
    PathId,
    PresentIn,
    ReasonIn,
    RegisterIn,
    ShareIn,
)
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    direction_create,
    incoming_close_for_information,
    incoming_reopen,
)
from vanthu.documents.models import IncomingDocument
from vanthu.documents.services import incoming_present, incoming_register, incoming_return, incoming_share

router = Router(tags=["Xử lý văn bản đến"])

RESPONSES: dict[int, type[IncomingOut] | type[ErrorOut]] = {
    200: IncomingOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut,
}


def _handler(data: HandlerIn) -> Handler:
    return Handler(unit_id=data.unit_id, user_id=data.user_id)


@router.post("/incoming/{document_id}/register", response=RESPONSES, summary="Tiếp nhận, vào sổ (cấp số đến)")
def register(request: HttpRequest, document_id: PathId, payload: RegisterIn) -> IncomingDocument:
    actor = request_actor(request)
    return incoming_register(actor=actor, document_id=document_id, register_id=payload.register_id)


@router.post("/incoming/{document_id}/return", response=RESPONSES, summary="Trả lại văn bản (có lý do)")
def return_(request: HttpRequest, document_id: PathId, payload: ReasonIn) -> IncomingDocument:
    actor = request_actor(request)
    return incoming_return(actor=actor, document_id=document_id, reason=payload.reason)


@router.post("/incoming/{document_id}/present", response=RESPONSES, summary="Trình lãnh đạo")
def present(request: HttpRequest, document_id: PathId, payload: PresentIn) -> IncomingDocument:
    actor = request_actor(request)
    return incoming_present(actor=actor, document_id=document_id, leader_id=payload.leader_id, note=payload.note)


@router.post("/incoming/{document_id}/direct", response=RESPONSES,
             summary="Lãnh đạo chỉ đạo: chủ trì, phối hợp, để biết, hạn xử lý")
def direct(request: HttpRequest, document_id: PathId, payload: DirectIn) -> IncomingDocument:
    actor = request_actor(request)
    data = DirectionInput(
        lead=_handler(payload.lead), cooperating=[_handler(h) for h in payload.cooperating],
        informed=[_handler(h) for h in payload.informed], instruction=payload.instruction,
        due_date=payload.due_date, due_in_working_days=payload.due_in_working_days,
    )
    return direction_create(actor=actor, document_id=document_id, data=data).incoming


@router.post("/incoming/{document_id}/close-for-information", response=RESPONSES,
             summary="Lãnh đạo cho ý kiến: để biết, lưu")
def close_for_information(request: HttpRequest, document_id: PathId, payload: CloseIn) -> IncomingDocument:
    actor = request_actor(request)
    return incoming_close_for_information(actor=actor, document_id=document_id, instruction=payload.instruction)


@router.post("/incoming/{document_id}/reopen", response=RESPONSES, summary="Mở lại văn bản đã hoàn thành")
def reopen(request: HttpRequest, document_id: PathId, payload: ReasonIn) -> IncomingDocument:
    actor = request_actor(request)
    return incoming_reopen(actor=actor, document_id=document_id, reason=payload.reason)


@router.post("/incoming/{document_id}/share", response=RESPONSES, summary="Chia sẻ văn bản cho cán bộ trong cơ quan")
def share(request: HttpRequest, document_id: PathId, payload: ShareIn) -> IncomingDocument:
    actor = request_actor(request)
    return incoming_share(actor=actor, document_id=document_id, user_id=payload.user_id).incoming
