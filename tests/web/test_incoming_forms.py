from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.builders import AgencyKit, pdf_bytes, registered_document
from tests.web.conftest import LoginAs
from vanthu.core.models import AuditEvent, Blob
from vanthu.documents.enums import FileRole, IncomingState
from vanthu.documents.models import DocumentFile, DocumentType, IncomingDocument

pytestmark = pytest.mark.django_db

CREATE = reverse("web:incoming_create")


def _fields(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": DocumentType.objects.get(code="CONG_VAN").pk,
        "code_number": "125", "code_notation": "UBND-VX", "issued_date": "05/11/2026",
        "organ_name": "Ủy ban nhân dân tỉnh Demo", "subject": "Về việc tăng cường công tác phòng cháy",
        "signer_full_name": "Nguyễn Văn An", "signer_position": "Phó Chủ tịch", "priority": "1",
        "confidentiality": "0", "to_places": "Như trên", "requested_due_date": "20/11/2026", "note": "",
    }
    values.update(overrides)
    return values


def _pdf(name: str = "congvan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages=2), content_type="application/pdf")


def test_clerk_registers_a_paper_document_with_main_file_and_attachments(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    assert "Vào sổ văn bản đến" in client.get(CREATE).content.decode()
    response = client.post(CREATE, {**_fields(), "main_file": _pdf(),
                                     "attachments": [_pdf("phuluc1.pdf"), _pdf("phuluc2.pdf")]})
    document = IncomingDocument.objects.get(agency=kit.agency)
    assert response.status_code == 302 and response["Location"] == reverse("web:incoming_detail", args=[document.pk])
    assert document.state == IncomingState.REGISTERED and document.arrival_number == 1
    assert str(document.issued_date) == "2026-11-05" and str(document.requested_due_date) == "2026-11-20"
    assert document.signer_full_name == "Nguyễn Văn An" and document.priority == 1
    roles = sorted(document.files.values_list("role", flat=True))
    assert roles == [FileRole.ATTACHMENT, FileRole.ATTACHMENT, FileRole.MAIN]


def test_duplicate_warning_is_shown_after_saving(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    client.post(CREATE, _fields())
    response = client.post(CREATE, _fields(), follow=True)
    body = response.content.decode()
    assert "có thể trùng" in body and 'id="duplicate-warning"' in body
    assert IncomingDocument.objects.filter(agency=kit.agency).count() == 2


def test_bad_file_is_refused_in_vietnamese_and_nothing_is_stored(kit: AgencyKit, login_as: LoginAs) -> None:
    fake = SimpleUploadedFile("congvan.pdf", b"this is not a pdf", content_type="application/pdf")
    response = login_as(kit.clerk).post(CREATE, {**_fields(), "main_file": fake})
    assert response.status_code == 200
    assert "không khớp với phần mở rộng" in response.content.decode()
    assert not IncomingDocument.objects.exists()
    assert not DocumentFile.objects.exists() and not Blob.objects.exists()


def test_secret_document_with_a_file_is_refused_on_the_file_field(kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.clerk).post(CREATE, {**_fields(confidentiality="1"), "main_file": _pdf()})
    assert "Văn bản mật không được tải tệp lên hệ thống" in response.content.decode()
    assert response.context["form"].errors["main_file"]
    assert not IncomingDocument.objects.exists()


def test_missing_required_fields_are_reported(kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.clerk).post(CREATE, _fields(subject="", issued_date="32/13/2026"))
    form = response.context["form"]
    assert "subject" in form.errors and form.errors["issued_date"] == ["Ngày phải có dạng dd/mm/yyyy."]
    assert not IncomingDocument.objects.exists()


def test_only_a_clerk_may_open_the_new_document_form(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _fields()).status_code == 403
    assert not IncomingDocument.objects.exists()


def test_clerk_edits_the_metadata_and_the_change_is_audited(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    client = login_as(kit.clerk)
    url = reverse("web:incoming_edit", args=[document.pk])
    page = client.get(url).content.decode()
    assert document.subject in page and "02/11/2026" in page
    response = client.post(url, _fields(subject="Trích yếu đã sửa"))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.subject == "Trích yếu đã sửa"
    assert AuditEvent.objects.filter(event_type="incoming.updated", target_id=str(document.pk)).exists()


def test_edit_cannot_change_confidentiality_and_shows_why(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    response = login_as(kit.clerk).post(reverse("web:incoming_edit", args=[document.pk]),
                                        _fields(confidentiality="1"))
    assert "Không thể đổi độ mật" in response.content.decode()
    document.refresh_from_db()
    assert document.confidentiality == 0


def test_clerk_adds_a_file(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    response = login_as(kit.clerk).post(reverse("web:incoming_file_add", args=[document.pk]),
                                        {"file": _pdf("bosung.pdf"), "role": FileRole.ATTACHMENT})
    assert response.status_code == 302
    assert document.files.filter(filename="bosung.pdf", role=FileRole.ATTACHMENT).exists()


def test_leader_cannot_edit_or_add_files(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit)
    client = login_as(kit.leader)
    assert client.post(reverse("web:incoming_edit", args=[document.pk]), _fields(subject="x")).status_code == 403
    assert client.post(reverse("web:incoming_file_add", args=[document.pk]), {"file": _pdf()}).status_code == 403
    document.refresh_from_db()
    assert document.subject != "x" and document.files.count() == 1


def test_an_issue_date_years_ahead_is_shown_on_its_field(kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.clerk).post(CREATE, {**_fields(issued_date="31/12/2099"), "main_file": _pdf()})
    assert response.status_code == 200
    assert response.context["form"].errors["issued_date"] == ["Ngày ban hành 31/12/2099 chưa tới; hãy kiểm tra lại."]
    assert not IncomingDocument.objects.exists()


def test_a_requested_deadline_before_the_issue_date_is_shown_on_its_field(kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.clerk).post(CREATE, {**_fields(requested_due_date="04/11/2026"), "main_file": _pdf()})
    assert response.context["form"].errors["requested_due_date"] == [
        "Hạn trả lời 04/11/2026 ở trước ngày ban hành 05/11/2026."]
