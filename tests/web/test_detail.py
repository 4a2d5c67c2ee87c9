from __future__ import annotations

import pytest
from django.urls import reverse

from tests.builders import AgencyKit, arrived_document, pdf_bytes, registered_document
from tests.web.conftest import LoginAs, delegate_to_specialist, direct_to_finance
from vanthu.documents.enums import FileRole
from vanthu.documents.handling import processing_note_add
from vanthu.documents.services import incoming_present

pytestmark = pytest.mark.django_db


def _detail(pk: int) -> str:
    return reverse("web:incoming_detail", args=[pk])


def test_document_page_shows_metadata_files_viewer_and_timeline(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit, subject="Về việc kiểm tra công tác văn thư", signer_full_name="Trần Thị Bình")
    main = document.files.get(role=FileRole.MAIN)
    body = login_as(kit.clerk).get(_detail(document.pk)).content.decode()
    assert "Về việc kiểm tra công tác văn thư" in body and "Trần Thị Bình" in body
    assert "02/11/2026" in body  # issue date shown dd/mm/yyyy
    file_url = reverse("web:incoming_file", args=[document.pk, main.pk])
    assert f'href="{file_url}"' in body
    assert f'data-pdf-url="{file_url}?inline=1"' in body and "pdf.worker.min.mjs" in body
    assert 'data-event="incoming.registered"' in body and "Vào sổ văn bản đến" in body


def test_download_sends_the_file_with_type_and_name(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    main = document.files.get(role=FileRole.MAIN)
    client = login_as(kit.clerk)
    response = client.get(reverse("web:incoming_file", args=[document.pk, main.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment") and "congvan.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]
    inline = client.get(reverse("web:incoming_file", args=[document.pk, main.pk]), {"inline": "1"})
    assert inline["Content-Disposition"].startswith("inline")


def test_file_of_another_document_is_not_served_through_this_one(kit: AgencyKit, login_as: LoginAs) -> None:
    visible = registered_document(kit)
    other = registered_document(kit, main_file=None)
    from vanthu.core.files import UploadedContent
    from vanthu.documents.services import incoming_file_add

    file = incoming_file_add(actor=kit.clerk, document_id=other.pk, upload=UploadedContent("x.pdf", pdf_bytes()),
                             role=FileRole.MAIN)
    response = login_as(kit.clerk).get(reverse("web:incoming_file", args=[visible.pk, file.pk]))
    assert response.status_code == 404


def test_clerk_sees_register_and_return_on_an_arrival(kit: AgencyKit, login_as: LoginAs) -> None:
    body = login_as(kit.clerk).get(_detail(arrived_document(kit).pk)).content.decode()
    assert 'id="action-register"' in body and ">Vào sổ</button>" in body
    assert 'id="action-return"' in body and ">Trả lại</button>" in body
    assert 'id="action-direct"' not in body


def test_leader_sees_direct_on_a_presented_document(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=kit.leader.user.pk)
    body = login_as(kit.leader).get(_detail(document.pk)).content.decode()
    assert 'id="action-direct"' in body and ">Chỉ đạo</button>" in body
    assert f'value="unit:{kit.finance.pk}"' in body and f'value="user:{kit.specialist.user.pk}"' in body
    assert 'id="action-register"' not in body


def test_unit_leader_sees_delegate_and_specialist_sees_progress_and_complete(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    direct_to_finance(kit, document)
    head = login_as(kit.finance_head).get(_detail(document.pk)).content.decode()
    assert 'id="action-delegate"' in head and ">Giao chuyên viên</button>" in head
    assert f'value="{kit.specialist.user.pk}"' in head
    delegate_to_specialist_doc = registered_document(kit)
    delegate_to_specialist(kit, delegate_to_specialist_doc)
    body = login_as(kit.specialist).get(_detail(delegate_to_specialist_doc.pk)).content.decode()
    assert ">Cập nhật tiến độ</button>" in body and ">Hoàn thành</button>" in body
    assert 'id="action-direct"' not in body and 'id="action-delegate"' not in body


def test_handling_slip_has_the_three_parts(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    child = delegate_to_specialist(kit, document)
    processing_note_add(actor=kit.specialist, assignment_id=child.pk, text="Đề xuất trả lời theo hướng dẫn")
    body = login_as(kit.leader).get(reverse("web:incoming_slip", args=[document.pk])).content.decode()
    assert "PHIẾU GIẢI QUYẾT VĂN BẢN ĐẾN" in body
    for part in ("slip-part-1", "slip-part-2", "slip-part-3"):
        assert f'id="{part}"' in body
    assert "Phòng KHTC chủ trì tham mưu" in body
    assert str(kit.specialist.user) in body and "Đề xuất trả lời theo hướng dẫn" in body
    assert "slip.css" in body
