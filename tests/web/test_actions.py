from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.builders import AgencyKit, arrived_document, registered_document
from tests.web.conftest import LoginAs, delegate_to_specialist, direct_to_finance
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import DirectionInput, Handler, assignment_complete, direction_create
from vanthu.documents.models import DocumentShare, IncomingDocument
from vanthu.documents.services import incoming_present
from vanthu.workflows.enums import AssignmentState, HandlerRole
from vanthu.workflows.models import Assignment, ProcessingNote

pytestmark = pytest.mark.django_db


def _state(document: IncomingDocument) -> str:
    document.refresh_from_db()
    return document.state


def _messages(client: Client, pk: int) -> str:
    return client.get(reverse("web:incoming_detail", args=[pk])).content.decode()


def test_register_an_arrival(kit: AgencyKit, login_as: LoginAs) -> None:
    document = arrived_document(kit)
    client = login_as(kit.clerk)
    response = client.post(reverse("web:incoming_register", args=[document.pk]), {"register": ""})
    assert response.status_code == 302
    assert _state(document) == IncomingState.REGISTERED and document.arrival_number == 1
    assert "Đã vào sổ văn bản đến." in _messages(client, document.pk)


def test_return_needs_a_reason_then_returns(kit: AgencyKit, login_as: LoginAs) -> None:
    document = arrived_document(kit)
    client = login_as(kit.clerk)
    url = reverse("web:incoming_return", args=[document.pk])
    client.post(url, {"return-reason": "   "})
    assert _state(document) == IncomingState.ARRIVED
    assert "Phải nhập lý do trả lại văn bản." in _messages(client, document.pk)
    client.post(url, {"return-reason": "Gửi nhầm cơ quan"})
    assert _state(document) == IncomingState.RETURNED and document.returned_reason == "Gửi nhầm cơ quan"


def test_present_to_a_leader(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    login_as(kit.clerk).post(reverse("web:incoming_present", args=[document.pk]),
                             {"leader": kit.deputy.user.pk, "note": "Kính trình"})
    assert _state(document) == IncomingState.PRESENTED and document.presented_to_id == kit.deputy.user.pk


def test_direct_with_lead_cooperating_informed_and_working_days(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=kit.leader.user.pk)
    login_as(kit.leader).post(reverse("web:incoming_direct", args=[document.pk]), {
        "lead": f"unit:{kit.finance.pk}", "cooperating": [f"unit:{kit.office.pk}"],
        "informed": [f"user:{kit.deputy.user.pk}"], "instruction": "Giao KHTC chủ trì",
        "due_mode": "days", "due_days": "5",
    })
    assert _state(document) == IncomingState.ASSIGNED and document.due_date is not None
    roles = dict(Assignment.objects.filter(incoming=document).values_list("role", "unit_id"))
    assert roles[HandlerRole.LEAD] == kit.finance.pk and roles[HandlerRole.COOPERATING] == kit.office.pk
    assert Assignment.objects.get(incoming=document, role=HandlerRole.INFORMED).user_id == kit.deputy.user.pk


def test_direct_with_a_date_typed_dd_mm_yyyy(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    due = timezone.localdate() + dt.timedelta(days=10)
    login_as(kit.leader).post(reverse("web:incoming_direct", args=[document.pk]), {
        "lead": f"user:{kit.specialist.user.pk}", "due_mode": "date", "due_date": due.strftime("%d/%m/%Y"),
    })
    assert _state(document) == IncomingState.ASSIGNED and document.due_date == due


def test_direct_refusal_is_shown_and_nothing_changes(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    client = login_as(kit.leader)
    client.post(reverse("web:incoming_direct", args=[document.pk]), {
        "lead": f"unit:{kit.finance.pk}", "due_mode": "date", "due_date": "01/01/2020",
    })
    assert _state(document) == IncomingState.REGISTERED and not Assignment.objects.filter(incoming=document).exists()
    assert "Hạn xử lý không được trước ngày hôm nay." in _messages(client, document.pk)


def test_close_for_information(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    login_as(kit.leader).post(reverse("web:incoming_close", args=[document.pk]), {"close-instruction": "Để biết"})
    assert _state(document) == IncomingState.COMPLETED


def test_unit_leader_delegates_to_a_specialist(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    lead = direct_to_finance(kit, document)
    login_as(kit.finance_head).post(
        reverse("web:assignment_delegate", args=[document.pk, lead.pk]),
        {f"a{lead.pk}-users": [kit.specialist.user.pk], f"a{lead.pk}-instruction": "Em xử lý"},
    )
    child = Assignment.objects.get(parent=lead)
    assert child.user_id == kit.specialist.user.pk and _state(document) == IncomingState.IN_PROGRESS


def test_specialist_adds_progress_then_completes(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    child = delegate_to_specialist(kit, document)
    client = login_as(kit.specialist)
    client.post(reverse("web:assignment_note", args=[document.pk, child.pk]),
                {f"a{child.pk}-text": "Đã làm việc với các xã", f"a{child.pk}-kind": "PROGRESS"})
    assert ProcessingNote.objects.filter(incoming=document, text="Đã làm việc với các xã").exists()
    client.post(reverse("web:assignment_complete", args=[document.pk, child.pk]),
                {f"a{child.pk}-result_note": "Đã có văn bản trả lời", f"a{child.pk}-reply_reference": "45/KHTC"})
    assert _state(document) == IncomingState.COMPLETED and document.reply_reference == "45/KHTC"


def test_informed_handler_marks_read(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    direction_create(actor=kit.leader, document_id=document.pk, data=DirectionInput(
        lead=Handler(unit_id=kit.finance.pk), informed=[Handler(user_id=kit.specialist2.user.pk)]))
    informed = Assignment.objects.get(incoming=document, role=HandlerRole.INFORMED)
    client = login_as(kit.specialist2)
    assert ">Đã xem</button>" in _messages(client, document.pk)
    client.post(reverse("web:assignment_read", args=[document.pk, informed.pk]))
    informed.refresh_from_db()
    assert informed.state == AssignmentState.READ


def test_leader_reopens_a_completed_document(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    lead = direct_to_finance(kit, document)
    assignment_complete(actor=kit.finance_head, assignment_id=lead.pk, result_note="Xong")
    assert _state(document) == IncomingState.COMPLETED
    client = login_as(kit.leader)
    assert ">Mở lại</button>" in _messages(client, document.pk)
    client.post(reverse("web:incoming_reopen", args=[document.pk]), {"reopen-reason": "Cần bổ sung số liệu"})
    assert _state(document) == IncomingState.IN_PROGRESS


def test_clerk_shares_with_a_colleague(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    login_as(kit.clerk).post(reverse("web:incoming_share", args=[document.pk]), {"user": kit.specialist2.user.pk})
    assert DocumentShare.objects.filter(incoming=document, user=kit.specialist2.user).exists()
