"""The whole incoming flow driven through the API, as an external system or script would."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from tests.api.conftest import Call, bearer
from tests.builders import AgencyKit, arrived_document, pdf_bytes, registered_document
from vanthu.core.blobs import blob_read
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import DocumentType, IncomingDocument
from vanthu.workflows.enums import AssignmentState, HandlerRole

pytestmark = pytest.mark.django_db


def _metadata(**overrides: object) -> str:
    values: dict[str, object] = {
        "document_type_id": DocumentType.objects.get(code="CONG_VAN").pk,
        "code_number": "123", "code_notation": "UBND-VP", "issued_date": "2026-11-02",
        "organ_name": "Ủy ban nhân dân tỉnh Demo", "subject": "Về việc kiểm kê tài sản công năm 2026",
    }
    values.update(overrides)
    return json.dumps(values)


def _upload(client: Client, kit: AgencyKit, **files: object) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data: dict[str, object] = {"metadata": _metadata()}
    data["main_file"] = SimpleUploadedFile("congvan.pdf", pdf_bytes("Cong van", pages=2), "application/pdf")
    data.update(files)
    return client.post("/api/v1/incoming", data=data, headers=bearer(kit.clerk))


def test_full_flow_create_present_direct_delegate_note_complete(client: Client, call: Call, kit: AgencyKit) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    annex = SimpleUploadedFile("phuluc.pdf", pdf_bytes("Phu luc"), "application/pdf")
    created = _upload(client, kit, attachments=[annex])
    assert created.status_code == 201, created.content  # type: ignore[attr-defined]
    doc = created.json()  # type: ignore[attr-defined]
    assert doc["state"] == IncomingState.REGISTERED and doc["arrival_number"] == 1
    assert doc["page_amount"] == 2
    assert [(f["role"], f["filename"]) for f in doc["files"]] == [("ATTACHMENT", "phuluc.pdf"), ("MAIN", "congvan.pdf")]
    doc_id = doc["id"]

    presented = call(kit.clerk, "post", f"/api/v1/incoming/{doc_id}/present",
                     {"leader_id": kit.leader.user.pk, "note": "Kính trình Giám đốc"})
    assert presented.status_code == 200 and presented.json()["state"] == IncomingState.PRESENTED

    directed = call(kit.leader, "post", f"/api/v1/incoming/{doc_id}/direct", {
        "lead": {"unit_id": kit.finance.pk}, "cooperating": [{"unit_id": kit.office.pk}],
        "instruction": "Phòng KHTC chủ trì tham mưu", "due_in_working_days": 5,
    })
    assert directed.status_code == 200, directed.content
    assert directed.json()["state"] == IncomingState.ASSIGNED and directed.json()["due_date"] is not None

    detail = call(kit.finance_head, "get", f"/api/v1/incoming/{doc_id}").json()
    lead = next(a for a in detail["assignments"] if a["role"] == HandlerRole.LEAD)
    delegated = call(kit.finance_head, "post", f"/api/v1/assignments/{lead['id']}/delegate",
                     {"user_ids": [kit.specialist.user.pk], "instruction": "Đồng chí tổng hợp"})
    assert delegated.status_code == 200, delegated.content
    [child] = delegated.json()
    assert child["user_id"] == kit.specialist.user.pk and child["parent_id"] == lead["id"]

    noted = call(kit.specialist, "post", f"/api/v1/assignments/{child['id']}/notes",
                 {"text": "Đang tổng hợp số liệu"})
    assert noted.status_code == 201 and noted.json()["text"] == "Đang tổng hợp số liệu"

    done = call(kit.specialist, "post", f"/api/v1/assignments/{child['id']}/complete",
                {"result_note": "Đã trả lời", "reply_reference": "45/KHTC"})
    assert done.status_code == 200 and done.json()["state"] == AssignmentState.DONE

    final = call(kit.specialist, "get", f"/api/v1/incoming/{doc_id}").json()
    assert final["state"] == IncomingState.COMPLETED and final["reply_reference"] == "45/KHTC"
    assert [e["event_type"] for e in final["timeline"]] == [
        "incoming.registered", "incoming.presented", "incoming.directed", "incoming.started",
        "incoming.delegated", "incoming.note", "incoming.assignment_done", "incoming.completed",
    ]
    assert final["timeline"][0]["label"] == "Vào sổ văn bản đến"


def test_file_download_returns_the_stored_bytes(client: Client, call: Call, kit: AgencyKit) -> None:
    doc = registered_document(kit)
    file = doc.files.get()
    detail = call(kit.clerk, "get", f"/api/v1/incoming/{doc.pk}").json()
    response = call(kit.clerk, "get", detail["files"][0]["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and file.filename in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == blob_read(file.blob)


def test_register_and_return_arrived_documents(call: Call, kit: AgencyKit) -> None:
    first, second = arrived_document(kit), arrived_document(kit)
    registered = call(kit.clerk, "post", f"/api/v1/incoming/{first.pk}/register", {})
    assert registered.status_code == 200 and registered.json()["arrival_number"] == 1
    returned = call(kit.clerk, "post", f"/api/v1/incoming/{second.pk}/return", {"reason": "Gửi nhầm cơ quan"})
    assert returned.status_code == 200 and returned.json()["state"] == IncomingState.RETURNED
    assert IncomingDocument.objects.get(pk=second.pk).returned_reason == "Gửi nhầm cơ quan"


def test_close_for_information_then_reopen_needs_a_lead(call: Call, kit: AgencyKit) -> None:
    doc = registered_document(kit)
    closed = call(kit.leader, "post", f"/api/v1/incoming/{doc.pk}/close-for-information",
                  {"instruction": "Để biết, lưu"})
    assert closed.status_code == 200 and closed.json()["state"] == IncomingState.COMPLETED
    reopened = call(kit.leader, "post", f"/api/v1/incoming/{doc.pk}/reopen", {"reason": "Cần xử lý tiếp"})
    assert reopened.status_code == 400 and reopened.json()["code"] == "no_lead"


def test_share_makes_the_document_visible_to_a_specialist(call: Call, kit: AgencyKit) -> None:
    doc = registered_document(kit)
    assert call(kit.specialist2, "get", f"/api/v1/incoming/{doc.pk}").status_code == 404
    shared = call(kit.clerk, "post", f"/api/v1/incoming/{doc.pk}/share", {"user_id": kit.specialist2.user.pk})
    assert shared.status_code == 200
    assert call(kit.specialist2, "get", f"/api/v1/incoming/{doc.pk}").json()["id"] == doc.pk


def test_patch_changes_only_the_fields_sent_and_is_audited(call: Call, kit: AgencyKit) -> None:
    doc = registered_document(kit, signer_full_name="Nguyễn Văn A")
    response = call(kit.clerk, "patch", f"/api/v1/incoming/{doc.pk}",
                    {"subject": "Về việc sửa trích yếu", "requested_due_date": "2026-12-31"})
    assert response.status_code == 200, response.content
    doc.refresh_from_db()
    assert doc.subject == "Về việc sửa trích yếu" and doc.requested_due_date == dt.date(2026, 12, 31)
    assert doc.signer_full_name == "Nguyễn Văn A"
    event = AuditEvent.objects.filter(event_type="incoming.updated", target_id=str(doc.pk)).get()
    assert set(event.data["changes"]) == {"subject", "requested_due_date"}


def test_patch_refuses_null_for_a_required_field(call: Call, kit: AgencyKit) -> None:
    doc = registered_document(kit)
    response = call(kit.clerk, "patch", f"/api/v1/incoming/{doc.pk}", {"subject": None})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    assert IncomingDocument.objects.get(pk=doc.pk).subject == doc.subject


def test_me_lists_memberships_and_roles(call: Call, kit: AgencyKit) -> None:
    body = call(kit.clerk, "get", "/api/v1/me").json()
    assert body["user"]["username"] == kit.clerk.user.username
    assert body["roles"] == ["CLERK"] and body["agency_id"] == kit.agency.pk
    assert [m["is_current"] for m in body["memberships"]] == [True]


def test_units_and_leaders_of_own_agency(call: Call, kit: AgencyKit) -> None:
    units = call(kit.specialist, "get", f"/api/v1/agencies/{kit.agency.pk}/units").json()
    assert {u["abbreviation"] for u in units} == {"VP", "KHTC"}
    leaders = call(kit.clerk, "get", f"/api/v1/agencies/{kit.agency.pk}/leaders").json()
    assert {x["user_id"] for x in leaders} == {kit.leader.user.pk, kit.deputy.user.pk}


def test_list_filters_pages_and_flags_overdue(call: Call, kit: AgencyKit) -> None:
    docs = [registered_document(kit) for _ in range(3)]
    IncomingDocument.objects.filter(pk=docs[0].pk).update(due_date=dt.date(2020, 1, 1))
    page = call(kit.clerk, "get", "/api/v1/incoming?limit=2&offset=0").json()
    assert page["count"] == 3 and len(page["items"]) == 2 and page["limit"] == 2
    overdue = call(kit.clerk, "get", "/api/v1/incoming?box=overdue").json()
    assert [d["id"] for d in overdue["items"]] == [docs[0].pk] and overdue["items"][0]["is_overdue"] is True
    rest = call(kit.clerk, "get", "/api/v1/incoming?offset=2").json()
    assert [d["id"] for d in rest["items"]] == [docs[0].pk]


def test_free_text_query_finds_by_subject(call: Call, kit: AgencyKit) -> None:
    wanted = registered_document(kit, subject="Về việc phòng chống lụt bão")
    registered_document(kit, subject="Về việc tuyển dụng viên chức")
    found = call(kit.clerk, "get", "/api/v1/incoming?q=lụt bão").json()
    assert [d["id"] for d in found["items"]] == [wanted.pk]
    without_diacritics = call(kit.clerk, "get", "/api/v1/incoming?q=lut bao").json()
    assert [d["id"] for d in without_diacritics["items"]] == [wanted.pk]


def test_counters_count_documents_waiting_for_the_clerk(call: Call, kit: AgencyKit) -> None:
    arrived_document(kit)
    arrived_document(kit)
    registered_document(kit)
    assert call(kit.clerk, "get", "/api/v1/incoming/counters").json() == {
        "to_register": 2, "to_handle": 0, "overdue": 0, "due_soon": 0}
