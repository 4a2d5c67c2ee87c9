from __future__ import annotations

import pytest

from tests.builders import AgencyKit, arrived_document, registered_document
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import (
    DirectionInput,
    Handler,
    assignment_complete,
    assignment_mark_read,
    direction_create,
)
from vanthu.documents.inputs import incoming_input_from
from vanthu.documents.selectors import incoming_counters_for_user, incoming_get_for_user
from vanthu.documents.services import incoming_present, incoming_register, incoming_update
from vanthu.workflows.enums import AssignmentState, HandlerRole

pytestmark = pytest.mark.django_db


def _directed(kit: AgencyKit) -> int:
    doc = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    direction_create(
        actor=kit.leader, document_id=doc.pk,
        data=DirectionInput(lead=Handler(user_id=kit.specialist.user.pk),
                            cooperating=[Handler(unit_id=kit.office.pk)],
                            informed=[Handler(user_id=kit.specialist2.user.pk)], due_in_working_days=3),
    )
    return doc.pk


def test_completing_the_lead_closes_cooperation_but_informed_can_still_read(kit: AgencyKit) -> None:
    doc_id = _directed(kit)
    lead = incoming_get_for_user(actor=kit.specialist, document_id=doc_id).assignments.get(role=HandlerRole.LEAD)
    assignment_complete(actor=kit.specialist, assignment_id=lead.pk, result_note="Xong")
    doc = incoming_get_for_user(actor=kit.leader, document_id=doc_id)
    assert doc.state == IncomingState.COMPLETED
    assert doc.assignments.get(role=HandlerRole.COOPERATING).state == AssignmentState.CANCELLED
    assert incoming_counters_for_user(actor=kit.office_head).to_handle == 0
    informed = doc.assignments.get(role=HandlerRole.INFORMED)
    assignment_mark_read(actor=kit.specialist2, assignment_id=informed.pk)
    informed.refresh_from_db()
    assert informed.state == AssignmentState.READ


def test_editing_metadata_keeps_the_fields_the_form_does_not_show(kit: AgencyKit) -> None:
    doc = arrived_document(kit, document_id="000.00.00.H49,2026/03/05,15/CT-UBND", organ_id="000.00.00.H49",
                           description="Gửi kèm bản giấy")
    doc = incoming_register(actor=kit.clerk, document_id=doc.pk)
    incoming_update(actor=kit.clerk, document_id=doc.pk, data=incoming_input_from(doc, note="Đã kiểm tra"))
    doc.refresh_from_db()
    assert (doc.document_id, doc.organ_id, doc.description, doc.note) == (
        "000.00.00.H49,2026/03/05,15/CT-UBND", "000.00.00.H49", "Gửi kèm bản giấy", "Đã kiểm tra")


def test_duplicate_warning_does_not_reveal_a_document_the_viewer_cannot_read(kit: AgencyKit) -> None:
    kit.clerk.user.can_handle_secret = True
    kit.clerk.user.save()
    secret = registered_document(kit, confidentiality=1, main_file=None, code_number="07", code_notation="CV-X")
    twin = registered_document(kit, code_number="07", code_notation="CV-X", issued_date=secret.issued_date)
    assert twin.duplicate_of_id == secret.pk
    incoming_present(actor=kit.clerk, document_id=twin.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=twin.pk,
                     data=DirectionInput(lead=Handler(user_id=kit.specialist.user.pk)))
    seen_by_specialist = incoming_get_for_user(actor=kit.specialist, document_id=twin.pk)
    assert seen_by_specialist.duplicate_of is None
    assert incoming_get_for_user(actor=kit.clerk, document_id=twin.pk).duplicate_of_id == secret.pk
