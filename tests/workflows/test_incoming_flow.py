from __future__ import annotations

import pytest

from tests.builders import AgencyKit, arrived_document, registered_document
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    assignment_delegate,
    direction_create,
    incoming_reopen,
    processing_note_add,
)
from vanthu.documents.selectors import incoming_get_for_user
from vanthu.documents.services import incoming_present, incoming_register, incoming_return, incoming_share
from vanthu.documents.timeline import incoming_timeline
from vanthu.workflows.enums import AssignmentState, HandlerRole

pytestmark = pytest.mark.django_db


def _direct(kit: AgencyKit, doc_id: int) -> None:
    incoming_present(actor=kit.clerk, document_id=doc_id, leader_id=kit.leader.user.pk)
    direction_create(
        actor=kit.leader, document_id=doc_id,
        data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), cooperating=[Handler(unit_id=kit.office.pk)],
                            instruction="Phòng KHTC chủ trì tham mưu", due_in_working_days=5),
    )


def test_full_flow_from_arrival_to_completion(kit: AgencyKit) -> None:
    doc = arrived_document(kit)
    assert doc.state == IncomingState.ARRIVED and doc.arrival_number is None
    doc = incoming_register(actor=kit.clerk, document_id=doc.pk)
    assert doc.state == IncomingState.REGISTERED and doc.arrival_number == 1
    _direct(kit, doc.pk)
    doc.refresh_from_db()
    assert doc.state == IncomingState.ASSIGNED and doc.due_date is not None
    lead = doc.assignments.get(role=HandlerRole.LEAD)
    [child] = assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    doc.refresh_from_db()
    assert doc.state == IncomingState.IN_PROGRESS
    processing_note_add(actor=kit.specialist, assignment_id=child.pk, text="Đang tổng hợp số liệu")
    assignment_complete(actor=kit.specialist, assignment_id=child.pk, result_note="Đã trả lời",
                        reply_reference="45/KHTC")
    doc.refresh_from_db()
    lead.refresh_from_db()
    assert doc.state == IncomingState.COMPLETED
    assert doc.reply_reference == "45/KHTC"
    assert lead.state == AssignmentState.DONE
    events = [e.event_type for e in incoming_timeline(document=doc)]
    assert events == ["incoming.arrived", "incoming.registered", "incoming.presented", "incoming.directed",
                      "incoming.started", "incoming.delegated", "incoming.note", "incoming.assignment_done",
                      "incoming.completed"]
    incoming_reopen(actor=kit.leader, document_id=doc.pk, reason="Cần bổ sung")
    doc.refresh_from_db()
    assert doc.state == IncomingState.IN_PROGRESS


def test_specialist_sees_only_assigned_documents(kit: AgencyKit) -> None:
    doc = registered_document(kit)
    with pytest.raises(NotFoundError):
        incoming_get_for_user(actor=kit.specialist, document_id=doc.pk)
    _direct(kit, doc.pk)
    lead = doc.assignments.get(role=HandlerRole.LEAD)
    assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    assert incoming_get_for_user(actor=kit.specialist, document_id=doc.pk).pk == doc.pk
    with pytest.raises(NotFoundError):
        incoming_get_for_user(actor=kit.specialist2, document_id=doc.pk)


def test_other_agency_never_sees_document(kit: AgencyKit, other_kit: AgencyKit) -> None:
    doc = registered_document(kit)
    for actor in (other_kit.clerk, other_kit.leader, other_kit.specialist):
        with pytest.raises(NotFoundError):
            incoming_get_for_user(actor=actor, document_id=doc.pk)
    # The service checks visibility itself: another agency's clerk learns nothing, not even that it exists.
    with pytest.raises(NotFoundError):
        incoming_present(actor=other_kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)


def test_return_requires_reason_and_arrived_state(kit: AgencyKit) -> None:
    doc = arrived_document(kit)
    with pytest.raises(ApplicationError):
        incoming_return(actor=kit.clerk, document_id=doc.pk, reason="  ")
    doc = incoming_return(actor=kit.clerk, document_id=doc.pk, reason="Gửi nhầm cơ quan")
    assert doc.state == IncomingState.RETURNED
    with pytest.raises(ConflictError):
        incoming_register(actor=kit.clerk, document_id=doc.pk)


def test_specialist_cannot_direct(kit: AgencyKit) -> None:
    doc = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    data = DirectionInput(lead=Handler(unit_id=kit.finance.pk))
    with pytest.raises(NotFoundError):  # not shared with them: they do not even see it
        direction_create(actor=kit.specialist, document_id=doc.pk, data=data)
    incoming_share(actor=kit.clerk, document_id=doc.pk, user_id=kit.specialist.user.pk)
    with pytest.raises(PermissionDeniedError):  # they see it, but directing is a leader's
        direction_create(actor=kit.specialist, document_id=doc.pk, data=data)
