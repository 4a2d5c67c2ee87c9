"""Drafting screens: a new draft from a PDF, a DOCX/ODT or a built-in template; new versions; replacements."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, signed
from tests.outgoing.office_docs import docx_bytes, nd30_blocks
from tests.web.conftest import LoginAs
from vanthu.core.models import AuditEvent
from vanthu.documents.models import DocumentType
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import DraftVersion, OutgoingDocument
from vanthu.documents.outgoing.services import outgoing_number, outgoing_void

pytestmark = pytest.mark.django_db

CREATE = reverse("web:outgoing_create")


def _pdf(name: str = "du-thao.pdf", text: str = "Du thao") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def _data(kit: AgencyKit, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "document_type": DocumentType.objects.get(code="QUYET_DINH").pk,
        "subject": "Quyết định phê duyệt kế hoạch chuyển đổi số năm 2026",
        "priority": "0", "confidentiality": "0", "signer": kit.leader.user.pk, "signing_capacity": "",
        "signer_title": "Giám đốc", "to_places": "Như Điều 3;\nLưu: VT.", "source_kind": "pdf",
        "main_file": _pdf(), "note": "Bản đầu",
    }
    values.update(overrides)
    return values


def _select(body: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    assert match is not None, name
    return match.group(0)


def test_anonymous_is_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(CREATE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_form_offers_leaders_as_signers_and_other_agencies_as_recipients(
    kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs
) -> None:
    body = login_as(kit.specialist).get(CREATE).content.decode()
    signers, recipients = _select(body, "signer"), _select(body, "recipients")
    assert f'<option value="{kit.leader.user.pk}">{kit.leader.user.full_name}</option>' in signers
    assert f'<option value="{kit.finance_head.user.pk}">' in signers  # unit leaders sign too (KT., TL.)
    assert f'<option value="{kit.specialist2.user.pk}">' not in signers
    assert f'<option value="{other_kit.agency.pk}">{other_kit.agency.name}</option>' in recipients
    assert f'<option value="{kit.agency.pk}">' not in recipients
    assert 'name="source_kind"' in body and "Dùng mẫu dựng sẵn theo Nghị định 30" in body


def test_create_from_an_uploaded_pdf(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.specialist).post(CREATE, _data(kit, recipients=[other_kit.agency.pk]))
    document = OutgoingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:outgoing_detail", args=[document.pk])
    assert document.state == OutgoingState.DRAFTING and document.drafter_id == kit.specialist.user.pk
    assert document.signer_id == kit.leader.user.pk and document.signer_title == "Giám đốc"
    assert list(document.recipients.values_list("pk", flat=True)) == [other_kit.agency.pk]
    version = DraftVersion.objects.get(document=document)
    assert version.filename == "du-thao.pdf" and version.note == "Bản đầu" and version.source_id is None


def test_create_from_a_built_in_template(kit: AgencyKit, login_as: LoginAs) -> None:
    data = _data(kit, source_kind="template", main_file="", body="Điều 1. Phê duyệt kế hoạch.\n\nĐiều 2. Thi hành.",
                 authority="GIÁM ĐỐC", signing_capacity="KT.")
    login_as(kit.specialist).post(CREATE, data)
    version = DraftVersion.objects.get(document__drafter=kit.specialist.user)
    assert version.template == "QUYET_DINH" and "vanthu_number" in version.field_boxes


def test_template_needs_a_body_and_a_type_with_a_template(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    body = client.post(CREATE, _data(kit, source_kind="template", main_file="", body="  ")).content.decode()
    assert "Chưa nhập nội dung văn bản." in body
    report = DocumentType.objects.filter(is_active=True).exclude(
        code__in=["CONG_VAN", "QUYET_DINH", "TO_TRINH", "THONG_BAO", "GIAY_MOI"]).first()
    assert report is not None
    body = client.post(CREATE, _data(kit, source_kind="template", main_file="", body="Nội dung",
                                     document_type=report.pk)).content.decode()
    assert "Chưa có mẫu dựng sẵn cho loại văn bản này; hãy tải tệp lên." in body
    assert not OutgoingDocument.objects.exists()


def test_create_from_a_docx_keeps_the_source(kit: AgencyKit, login_as: LoginAs) -> None:
    upload = SimpleUploadedFile("Dự thảo quyết định.docx", docx_bytes(nd30_blocks()))
    client = login_as(kit.specialist)
    client.post(CREATE, _data(kit, source_kind="office", main_file=upload))
    version = DraftVersion.objects.select_related("source", "pdf").get(document__drafter=kit.specialist.user)
    assert version.source is not None and version.pdf.content_type == "application/pdf"
    assert version.filename.endswith(".pdf")
    source = client.get(reverse("web:outgoing_source_file", args=[version.document_id, version.pk]))
    assert source.status_code == 200 and source["Content-Disposition"].startswith("attachment")
    assert b"".join(source.streaming_content).startswith(b"PK")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": ""}, "This field is required|Trường này là bắt buộc"),
        ({"main_file": ""}, "Hãy chọn tệp PDF của dự thảo."),
        ({"main_file": SimpleUploadedFile("a.docx", b"PK\x03\x04")}, "Tệp dự thảo phải là PDF."),
        ({"source_kind": "office"}, "Tệp nguồn phải là DOCX hoặc ODT."),
        ({"signer": "999999"}, "Select a valid choice|Hãy chọn một lựa chọn hợp lệ"),
        ({"main_file": SimpleUploadedFile("hong.pdf", b"%PDF-1.4 hong")}, "PDF"),
    ],
)
def test_bad_input_shows_errors_and_creates_nothing(
    kit: AgencyKit, login_as: LoginAs, overrides: dict[str, Any], message: str
) -> None:
    response = login_as(kit.specialist).post(CREATE, _data(kit, **overrides))
    assert response.status_code == 200
    assert re.search(message, response.content.decode())
    assert not OutgoingDocument.objects.exists() and not AuditEvent.objects.filter(event_type="outgoing.created")


def test_a_signer_from_another_agency_is_refused(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    body = login_as(kit.specialist).post(CREATE, _data(kit, signer=other_kit.leader.user.pk)).content.decode()
    assert 'id="id_signer"' in body and "is-invalid" in body
    assert not OutgoingDocument.objects.exists()


def test_secret_draft_needs_clearance(kit: AgencyKit, login_as: LoginAs) -> None:
    response = login_as(kit.specialist).post(CREATE, _data(kit, confidentiality="1"))
    assert "Bạn không được giao xử lý văn bản mật." in response.content.decode()
    assert not OutgoingDocument.objects.exists()


def test_an_agency_administrator_may_not_draft(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.admin)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _data(kit)).status_code == 403
    assert not OutgoingDocument.objects.exists()


def test_new_version_by_the_drafter(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    url = reverse("web:outgoing_version", args=[document.pk])
    client = login_as(kit.specialist)
    assert client.get(url).status_code == 200
    response = client.post(url, {"version-source_kind": "pdf", "version-main_file": _pdf("v2.pdf"),
                                 "version-note": "Sửa Điều 2"})
    assert response.status_code == 302
    latest = DraftVersion.objects.filter(document=document).order_by("-number").first()
    assert latest is not None and latest.number == 2 and latest.note == "Sửa Điều 2"


def test_new_version_bad_input_and_wrong_people(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    url = reverse("web:outgoing_version", args=[document.pk])
    body = login_as(kit.specialist).post(url, {"version-source_kind": "pdf"}).content.decode()
    assert "Hãy chọn tệp PDF của dự thảo." in body
    leader = login_as(kit.leader)
    assert leader.post(url, {"version-source_kind": "pdf", "version-main_file": _pdf()}).status_code == 403
    assert login_as(other_kit.clerk).get(url).status_code == 404
    assert DraftVersion.objects.filter(document=document).count() == 1


def test_replacement_draft_starts_from_the_issued_document_and_is_linked(
    kit: AgencyKit, login_as: LoginAs
) -> None:
    from vanthu.documents.outgoing.distribution import outgoing_issue

    old = outgoing_number(actor=kit.clerk, document_id=signed(kit, subject="Kế hoạch cũ").pk)
    old.channel = "PAPER"
    old.save(update_fields=["channel"])
    outgoing_issue(actor=kit.clerk, document_id=old.pk, unit_ids=[kit.finance.pk], agency_ids=())
    client = login_as(kit.clerk)
    page = client.get(CREATE, {"thay-the": old.pk}).content.decode()
    assert "Kế hoạch cũ" in page and f'name="replaces" value="{old.pk}"' in page
    client.post(CREATE, _data(kit, replaces=old.pk, subject="Kế hoạch mới (thay thế)"))
    new = OutgoingDocument.objects.get(subject="Kế hoạch mới (thay thế)")
    assert new.replaces_id == old.pk
    assert "Văn bản này thay thế văn bản" in client.get(reverse("web:outgoing_detail", args=[new.pk])).content.decode()


def test_a_voided_document_cannot_be_replaced(kit: AgencyKit, login_as: LoginAs) -> None:
    old = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    outgoing_void(actor=kit.clerk, document_id=old.pk, reason="Sai thể thức")
    client = login_as(kit.clerk)
    body = client.post(CREATE, _data(kit, replaces=old.pk)).content.decode()
    assert "Chỉ thay thế được văn bản đã phát hành của cơ quan." in body
    assert OutgoingDocument.objects.count() == 1


def test_replacing_another_agencys_document_is_not_found(
    kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs
) -> None:
    theirs = draft(other_kit)
    assert login_as(kit.clerk).get(CREATE, {"thay-the": theirs.pk}).status_code == 404
