"""The POST actions of the outgoing page, without signatures: route builder, review, resubmit, cancel, paper
signature, number, issue on paper, void, recall, attachments. Refusals are shown and change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, signed, simple_route
from tests.web.conftest import LoginAs
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import Confidentiality
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.enums import OutgoingState, ReviewKind, ReviewState
from vanthu.documents.outgoing.models import DraftVersion, OutgoingAttachment, OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.services import (
    outgoing_number,
    outgoing_submit,
    review_approve,
    review_return,
)

pytestmark = pytest.mark.django_db


def _url(name: str, document: OutgoingDocument) -> str:
    return reverse(f"web:outgoing_{name}", args=[document.pk])


def _state(document: OutgoingDocument) -> str:
    document.refresh_from_db()
    return document.state


def _page(client: Client, document: OutgoingDocument) -> str:
    return client.get(_url("detail", document)).content.decode()


def _events(document: OutgoingDocument) -> int:
    return AuditEvent.objects.filter(target_type="documents.outgoingdocument", target_id=str(document.pk)).count()


def _route(*rows: tuple[int | str, str, str]) -> dict[str, list[Any]]:
    return {"route-reviewer": [r[0] for r in rows], "route-kind": [r[1] for r in rows],
            "route-group": [r[2] for r in rows]}


def _in_review(kit: AgencyKit) -> OutgoingDocument:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    return document


def _awaiting_signature(kit: AgencyKit) -> OutgoingDocument:
    document = _in_review(kit)
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    return document


def _secret_numbered(kit: AgencyKit) -> OutgoingDocument:
    for actor in (kit.specialist, kit.clerk):
        actor.user.can_handle_secret = True
        actor.user.save(update_fields=["can_handle_secret"])
    return outgoing_number(actor=kit.clerk, document_id=signed(kit, confidentiality=Confidentiality.SECRET).pk)


def test_drafter_sees_the_route_builder_with_a_format_check_last(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    body = _page(login_as(kit.specialist), document)
    assert 'id="action-submit"' in body and body.count('name="route-reviewer"') == 4  # 3 rows + the JS template
    assert '<option value="FORMAT" selected>' in body


def test_submit_with_a_sequential_route(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    client = login_as(kit.specialist)
    response = client.post(_url("submit", document), _route(
        (kit.finance_head.user.pk, ReviewKind.CONTENT, ""), ("", ReviewKind.CONTENT, ""),
        (kit.office_head.user.pk, ReviewKind.FORMAT, "")))
    assert response.status_code == 302 and _state(document) == OutgoingState.IN_REVIEW
    steps = list(document.review_steps.order_by("order").values_list("reviewer_id", "kind", "stage"))
    assert steps == [(kit.finance_head.user.pk, "CONTENT", 1), (kit.office_head.user.pk, "FORMAT", 2)]
    assert "Đã trình dự thảo theo quy trình xem xét." in _page(client, document)


def test_submit_with_a_parallel_group(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    login_as(kit.specialist).post(_url("submit", document), _route(
        (kit.finance_head.user.pk, ReviewKind.CONTENT, "1"), (kit.deputy.user.pk, ReviewKind.COMMENT, "1"),
        (kit.office_head.user.pk, ReviewKind.FORMAT, "")))
    stages = list(document.review_steps.order_by("order").values_list("stage", flat=True))
    assert stages == [1, 1, 2]
    body = _page(login_as(kit.deputy), document)
    assert 'id="action-review"' in body and "song song" in body


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((), "Quy trình xem xét phải có ít nhất một bước."),
        ((("999999", "CONTENT", ""),), "Người xem xét ở bước 1 không hợp lệ."),
        ((("me", "BOSS", ""),), "Loại bước ở bước 1 không hợp lệ."),
        ((("me", "FORMAT", "x"),), "Nhóm song song ở bước 1 phải là số từ 1 đến 999."),
        ((("me", "CONTENT", ""),), "Bước cuối của quy trình xem xét phải là kiểm tra thể thức."),
    ],
)
def test_a_bad_route_is_refused_and_nothing_changes(
    kit: AgencyKit, login_as: LoginAs, rows: tuple[tuple[str, str, str], ...], message: str
) -> None:
    document = draft(kit)
    before = _events(document)
    client = login_as(kit.specialist)
    fixed = tuple((str(kit.office_head.user.pk) if r == "me" else r, k, g) for r, k, g in rows)
    client.post(_url("submit", document), _route(*fixed))
    assert _state(document) == OutgoingState.DRAFTING and _events(document) == before
    assert not document.review_steps.exists()
    assert message in _page(client, document)


def test_only_the_drafter_can_submit(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    client = login_as(kit.leader)
    assert 'id="action-submit"' not in _page(client, document)
    response = client.post(_url("submit", document), _route((kit.office_head.user.pk, ReviewKind.FORMAT, "")))
    assert response.status_code == 403 and _state(document) == OutgoingState.DRAFTING


def test_reviewer_approves_then_format_checker_hands_it_to_the_signer(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _in_review(kit)
    assert 'id="action-review"' not in _page(login_as(kit.office_head), document)  # not yet their turn
    login_as(kit.finance_head).post(_url("approve", document), {"review-comment": "Đồng ý nội dung"})
    step = document.review_steps.get(reviewer=kit.finance_head.user)
    assert step.state == ReviewState.APPROVED and step.comment == "Đồng ý nội dung"
    login_as(kit.office_head).post(_url("approve", document), {})
    assert _state(document) == OutgoingState.AWAITING_SIGNATURE
    body = _page(login_as(kit.specialist), document)
    assert "Đồng ý nội dung" in body and "Đồng ý dự thảo" in body  # route comment and timeline label


def test_return_needs_a_comment(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _in_review(kit)
    client = login_as(kit.finance_head)
    client.post(_url("return", document), {"review-comment": "  "})
    assert _state(document) == OutgoingState.IN_REVIEW
    assert "Phải nhập ý kiến khi trả lại dự thảo." in _page(client, document)
    client.post(_url("return", document), {"review-comment": "Bổ sung căn cứ pháp lý"})
    assert _state(document) == OutgoingState.CHANGES_REQUESTED
    assert "Bổ sung căn cứ pháp lý" in _page(login_as(kit.specialist), document)


def test_a_stranger_to_the_route_cannot_approve(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _in_review(kit)
    before = _events(document)
    response = login_as(kit.leader).post(_url("approve", document), {})
    assert response.status_code == 403 and _events(document) == before


def test_resubmit_with_a_new_version_and_the_same_route(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _in_review(kit)
    review_return(actor=kit.finance_head, document_id=document.pk, comment="Sửa lại")
    client = login_as(kit.specialist)
    assert 'id="action-resubmit"' in _page(client, document)
    client.post(_url("resubmit", document), {
        "version-source_kind": "pdf", "version-note": "Đã sửa theo ý kiến",
        "version-main_file": SimpleUploadedFile("v2.pdf", pdf_bytes("v2")),
        "route-reviewer": ["", "", ""], "route-kind": ["CONTENT", "CONTENT", "FORMAT"], "route-group": ["", "", ""],
    })
    document.refresh_from_db()
    assert document.state == OutgoingState.IN_REVIEW and document.review_round == 2
    assert DraftVersion.objects.filter(document=document).count() == 2
    assert document.review_steps.filter(round=2).count() == 2


def test_resubmit_with_a_new_route_and_no_new_version(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _in_review(kit)
    review_return(actor=kit.finance_head, document_id=document.pk, comment="Xin ý kiến thêm Văn phòng")
    login_as(kit.specialist).post(_url("resubmit", document), {
        "version-source_kind": "pdf", **_route((kit.specialist2.user.pk, ReviewKind.COMMENT, ""),
                                               (kit.office_head.user.pk, ReviewKind.FORMAT, ""))})
    document.refresh_from_db()
    assert document.review_round == 2 and DraftVersion.objects.filter(document=document).count() == 1
    assert list(document.review_steps.filter(round=2).values_list("reviewer_id", flat=True)) == [
        kit.specialist2.user.pk, kit.office_head.user.pk]


def test_signer_sends_it_back(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _awaiting_signature(kit)
    client = login_as(kit.leader)
    assert 'id="action-signer-return"' in _page(client, document)
    client.post(_url("signer_return", document), {"signer-comment": "Làm rõ kinh phí"})
    assert _state(document) == OutgoingState.CHANGES_REQUESTED


def test_deputy_is_not_the_signer(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _awaiting_signature(kit)
    client = login_as(kit.deputy)
    assert 'id="action-sign"' not in _page(client, document)
    assert client.post(_url("signer_return", document), {"signer-comment": "x"}).status_code == 403
    assert _state(document) == OutgoingState.AWAITING_SIGNATURE


def test_cancel_needs_a_reason(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    client = login_as(kit.specialist)
    client.post(_url("cancel", document), {"cancel-reason": ""})
    assert _state(document) == OutgoingState.DRAFTING
    client.post(_url("cancel", document), {"cancel-reason": "Không cần ban hành nữa"})
    assert _state(document) == OutgoingState.CANCELLED
    assert "Lý do hủy: Không cần ban hành nữa" in _page(client, document)


def test_clerk_uploads_the_paper_signed_scan(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _awaiting_signature(kit)
    client = login_as(kit.clerk)
    client.post(_url("sign_on_paper", document), {})  # no file: refused, nothing changes
    assert _state(document) == OutgoingState.AWAITING_SIGNATURE
    client.post(_url("sign_on_paper", document),
                {"paper-scan": SimpleUploadedFile("ban-ky.pdf", pdf_bytes("Ban ky tay"))})
    document.refresh_from_db()
    assert document.state == OutgoingState.SIGNED and document.signed_on_paper
    assert "Ký tay trên giấy" in _page(client, document)


def test_specialist_cannot_upload_the_scan(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _awaiting_signature(kit)
    response = login_as(kit.specialist).post(
        _url("sign_on_paper", document), {"paper-scan": SimpleUploadedFile("b.pdf", pdf_bytes())})
    assert response.status_code == 403 and _state(document) == OutgoingState.AWAITING_SIGNATURE


def test_clerk_numbers_a_signed_document(kit: AgencyKit, login_as: LoginAs) -> None:
    document = signed(kit)
    client = login_as(kit.clerk)
    assert 'id="action-number"' in _page(client, document)
    client.post(_url("number", document))
    document.refresh_from_db()
    assert document.state == OutgoingState.NUMBERED and document.reference.startswith("01/")
    body = _page(client, document)
    assert f"Đã cấp số văn bản: {document.reference}." in body and "Cấp số, ngày ban hành" in body


def test_leader_cannot_number(kit: AgencyKit, login_as: LoginAs) -> None:
    document = signed(kit)
    assert login_as(kit.leader).post(_url("number", document)).status_code == 403
    assert _state(document) == OutgoingState.SIGNED


def test_secret_document_is_issued_on_paper_to_units_only(
    kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs
) -> None:
    document = _secret_numbered(kit)
    client = login_as(kit.clerk)
    body = _page(client, document)
    assert 'id="action-issue"' in body and 'id="action-seal"' not in body
    assert 'name="issue-agencies"' in body and "disabled" in body.split('name="issue-agencies"')[1].split(">")[0]
    # Forcing an agency past the disabled field: the service refuses and nothing is sent.
    client.post(_url("issue", document), {"issue-units": [kit.finance.pk], "issue-agencies": [other_kit.agency.pk]})
    assert _state(document) == OutgoingState.NUMBERED and not OutgoingDelivery.objects.exists()
    assert "Văn bản mật không được gửi qua mạng" in _page(client, document)
    client.post(_url("issue", document), {"issue-units": [kit.finance.pk], "issue-note": "Gửi bản giấy"})
    assert _state(document) == OutgoingState.ISSUED
    assert list(OutgoingDelivery.objects.values_list("unit_id", flat=True)) == [kit.finance.pk]
    assert "Phòng Kế hoạch - Tài chính" in _page(client, document).split('id="document-deliveries"')[1]


def test_issue_needs_a_recipient(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _secret_numbered(kit)
    client = login_as(kit.clerk)
    client.post(_url("issue", document), {})
    assert _state(document) == OutgoingState.NUMBERED
    assert "Chưa chọn nơi nhận văn bản." in _page(client, document)


def test_clerk_voids_a_number_with_a_reason(kit: AgencyKit, login_as: LoginAs) -> None:
    document = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    client = login_as(kit.clerk)
    client.post(_url("void", document), {"void-reason": ""})
    assert _state(document) == OutgoingState.NUMBERED
    client.post(_url("void", document), {"void-reason": "Sai thể thức"})
    assert _state(document) == OutgoingState.VOIDED


def test_recall_an_issued_document_and_draft_its_replacement(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _secret_numbered(kit)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=[kit.finance.pk], agency_ids=())
    client = login_as(kit.leader)
    kit.leader.user.can_handle_secret = True
    kit.leader.user.save(update_fields=["can_handle_secret"])
    body = _page(client, document)
    assert 'id="action-recall"' in body and 'id="link-replace"' in body
    client.post(_url("recall", document), {"recall-reason": ""})
    assert _state(document) == OutgoingState.ISSUED
    client.post(_url("recall", document), {"recall-reason": "Nội dung không còn phù hợp"})
    assert _state(document) == OutgoingState.RECALLED
    assert "Lý do thu hồi: Nội dung không còn phù hợp" in _page(client, document)


def test_specialist_cannot_recall(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _secret_numbered(kit)
    outgoing_issue(actor=kit.clerk, document_id=document.pk, unit_ids=[kit.finance.pk], agency_ids=())
    response = login_as(kit.specialist).post(_url("recall", document), {"recall-reason": "x"})
    assert response.status_code == 403 and _state(document) == OutgoingState.ISSUED


def test_attachments_are_added_downloaded_and_removed(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    client = login_as(kit.specialist)
    client.post(_url("attachment_add", document), {"attachment-uploads": [
        SimpleUploadedFile("phu-luc-1.pdf", pdf_bytes("Phu luc 1")),
        SimpleUploadedFile("phu-luc-2.pdf", pdf_bytes("Phu luc 2"))]})
    assert list(OutgoingAttachment.objects.order_by("order").values_list("filename", flat=True)) == [
        "phu-luc-1.pdf", "phu-luc-2.pdf"]
    first = OutgoingAttachment.objects.get(filename="phu-luc-1.pdf")
    download = client.get(reverse("web:outgoing_attachment_file", args=[document.pk, first.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    client.post(reverse("web:outgoing_attachment_remove", args=[document.pk, first.pk]))
    assert list(OutgoingAttachment.objects.values_list("filename", flat=True)) == ["phu-luc-2.pdf"]


def test_a_bad_attachment_among_good_ones_adds_none(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    client = login_as(kit.specialist)
    client.post(_url("attachment_add", document), {"attachment-uploads": [
        SimpleUploadedFile("tot.pdf", pdf_bytes()), SimpleUploadedFile("xau.docx", b"PK\x03\x04 khong phai")]})
    assert not OutgoingAttachment.objects.exists()
    client.post(_url("attachment_add", document), {})
    assert "Hãy chọn ít nhất một tệp." in _page(client, document)


def test_create_with_attachments_in_one_go(kit: AgencyKit, login_as: LoginAs) -> None:
    from vanthu.documents.models import DocumentType

    login_as(kit.specialist).post(reverse("web:outgoing_create"), {
        "document_type": DocumentType.objects.get(code="CONG_VAN").pk, "subject": "Về việc báo cáo",
        "priority": "0", "confidentiality": "0", "source_kind": "pdf",
        "main_file": SimpleUploadedFile("cv.pdf", pdf_bytes()),
        "attachments": [SimpleUploadedFile("bieu-mau.pdf", pdf_bytes("Bieu mau"))],
    })
    assert list(OutgoingAttachment.objects.values_list("filename", "document__subject")) == [
        ("bieu-mau.pdf", "Về việc báo cáo")]


def test_detail_page_shows_versions_route_timeline_and_preview(kit: AgencyKit, login_as: LoginAs) -> None:
    document = _in_review(kit)
    review_approve(actor=kit.finance_head, document_id=document.pk, comment="Nhất trí")
    body = _page(login_as(kit.specialist), document)
    version = DraftVersion.objects.get(document=document)
    assert 'id="pdf-viewer"' in body and f"/phien-ban/{version.pk}/?inline=1" in body
    assert 'data-version="1"' in body and "du-thao.pdf" in body
    assert 'data-round="1"' in body and "Nhất trí" in body and "Đang chờ xem xét" in body
    assert body.index("Tạo dự thảo") < body.index("Trình xem xét") < body.index("Đồng ý dự thảo")
    assert "Chưa ký số" in body and 'id="link-signature-report"' not in body  # an unsigned draft: nothing to check
    pdf = login_as(kit.specialist).get(reverse("web:outgoing_version_file", args=[document.pk, version.pk]),
                                       {"inline": "1"})
    assert pdf.status_code == 200 and pdf["Content-Disposition"].startswith("inline")
    assert pdf["Cache-Control"] == "private, no-store"
