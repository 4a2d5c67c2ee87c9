"""Recall and replacement (ND30 Điều 18): 13 → copies frozen; 15 purges the copy to a tombstone; 16 gives it back;
a replacement is linked before issue and noted on both sides."""

from __future__ import annotations

import pytest

from tests.builders import AgencyKit
from tests.outgoing.helpers import draft, simple_route
from tests.outgoing.test_distribution import (  # noqa: F401 -- fixtures
    audit_types,
    delivery_to,
    issue_to,
    sealed_document,
    sealed_pdf,
    third_kit,
    trusted,
)
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import IncomingState
from vanthu.documents.handling import DirectionInput, Handler, direction_create, processing_note_add
from vanthu.documents.models import DocumentFile, IncomingDocument
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import OutgoingDocument, RecallState
from vanthu.documents.outgoing.recall import outgoing_recall, outgoing_replace
from vanthu.documents.outgoing.selectors import outgoing_replaced_by
from vanthu.documents.outgoing.services import (
    outgoing_cancel,
    outgoing_mark_sealed,
    outgoing_mark_signed,
    outgoing_number,
    outgoing_submit,
    review_approve,
)
from vanthu.documents.recall import incoming_recall_agree, incoming_recall_refuse
from vanthu.documents.services import incoming_present, incoming_register, incoming_return
from vanthu.search.models import SearchEntry
from vanthu.workflows.models import Assignment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("trusted")]
INCOMING = "documents.incomingdocument"


@pytest.fixture
def issued(kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
           sealed_pdf: bytes) -> tuple[OutgoingDocument, dict[int, IncomingDocument]]:  # noqa: F811
    """Issued to two agencies; the first has directed its copy to a specialist who is working on it."""
    document = sealed_document(kit, sealed_pdf)
    copies = issue_to(kit, document, other_kit, third_kit)
    copy = copies[other_kit.agency.pk]
    incoming_register(actor=other_kit.clerk, document_id=copy.pk)
    incoming_present(actor=other_kit.clerk, document_id=copy.pk, leader_id=other_kit.leader.user.pk)
    direction_create(actor=other_kit.leader, document_id=copy.pk,
                     data=DirectionInput(lead=Handler(user_id=other_kit.specialist.user.pk),
                                         instruction="Chủ trì tham mưu"))
    return document, copies


def _copy(copies: dict[int, IncomingDocument], recipient: AgencyKit) -> IncomingDocument:
    return IncomingDocument.objects.get(pk=copies[recipient.agency.pk].pk)


def test_recall_freezes_the_document_and_every_copy(
    kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
    issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, copies = issued
    outgoing_recall(actor=kit.leader, document_id=document.pk, reason="Sai thẩm quyền ban hành")
    document.refresh_from_db()
    assert document.state == OutgoingState.RECALLED and document.recalled_at is not None
    assert document.recall_reason == "Sai thẩm quyền ban hành"
    for recipient, before in ((other_kit, IncomingState.ASSIGNED), (third_kit, IncomingState.ARRIVED)):
        delivery = delivery_to(document, recipient)
        assert (delivery.status_code, delivery.recall_state) == ("13", RecallState.REQUESTED)
        assert delivery.status_description == "Sai thẩm quyền ban hành"
        copy = _copy(copies, recipient)
        assert copy.state == IncomingState.RECALL_PENDING
        event = AuditEvent.objects.filter(target_type=INCOMING, target_id=str(copy.pk),
                                          event_type="incoming.recall_requested").get()
        assert event.data["from"] == before
    # Frozen on both sides: no second recall, no handling of the copy.
    with pytest.raises(ConflictError):
        outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="Lần nữa")
    lead = Assignment.objects.get(incoming_id=copies[other_kit.agency.pk].pk, role="LEAD")
    with pytest.raises(ConflictError):
        processing_note_add(actor=other_kit.specialist, assignment_id=lead.pk, text="Tiếp tục xử lý")
    with pytest.raises(ConflictError):
        incoming_register(actor=third_kit.clerk, document_id=copies[third_kit.agency.pk].pk)


def test_agreeing_purges_the_copy_and_keeps_a_tombstone(
    kit: AgencyKit, other_kit: AgencyKit, issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, copies = issued
    copy = _copy(copies, other_kit)
    processing_note_add(actor=other_kit.specialist, assignment_id=copy.assignments.get(role="LEAD").pk,
                        text="Ghi chú nội dung xử lý")
    assert SearchEntry.objects.filter(document_id=copy.pk).exists() and copy.files.count() == 2
    outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="Ban hành nhầm")
    incoming_recall_agree(actor=other_kit.clerk, document_id=copy.pk)

    delivery = delivery_to(document, other_kit)
    assert (delivery.status_code, delivery.recall_state) == ("15", RecallState.AGREED)
    copy.refresh_from_db()
    assert copy.state == IncomingState.RECALLED
    assert document.subject not in copy.subject and "thu hồi" in copy.subject
    assert copy.signer_full_name == "" and copy.to_places == "" and copy.page_amount is None
    assert not DocumentFile.objects.filter(incoming=copy).exists()
    assert not SearchEntry.objects.filter(document_id=copy.pk).exists()
    assert not copy.notes.exists()
    assert not copy.assignments.filter(state__in=["PENDING", "IN_PROGRESS"]).exists()
    assert set(copy.assignments.values_list("instruction", flat=True)) == {""}
    # The tombstone: the exchange id, the sender, the dates, and the whole log.
    assert copy.document_id.startswith(f"{kit.agency.organ_id},") and copy.issuer == kit.agency
    assert copy.issued_date == document.issued_date and copy.arrival_number == 1
    event = AuditEvent.objects.get(target_type=INCOMING, target_id=str(copy.pk), event_type="incoming.recalled")
    assert event.actor == other_kit.clerk.user and event.data["status_code"] == "15"
    assert event.data["tombstone"]["document_id"] == copy.document_id
    assert [f["name"] for f in event.data["tombstone"]["files"]] == [f"van-ban-{document.pk}.pdf",
                                                                     "bao-cao-chu-ky-so.pdf"]
    assert audit_types(INCOMING, copy.pk)[:3] == ["incoming.arrived", "incoming.registered", "incoming.presented"]
    with pytest.raises(ConflictError):
        incoming_recall_agree(actor=other_kit.clerk, document_id=copy.pk)


def test_refusing_needs_a_reason_and_gives_the_copy_back(
    kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
    issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, copies = issued
    outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="Ban hành nhầm")
    copy = _copy(copies, other_kit)
    with pytest.raises(ApplicationError) as exc:
        incoming_recall_refuse(actor=other_kit.clerk, document_id=copy.pk, reason="  ")
    assert exc.value.code == "reason_required"
    incoming_recall_refuse(actor=other_kit.clerk, document_id=copy.pk, reason="Đã triển khai, không thể thu hồi")
    copy.refresh_from_db()
    assert copy.state == IncomingState.ASSIGNED and copy.files.count() == 2
    delivery = delivery_to(document, other_kit)
    assert (delivery.status_code, delivery.recall_state) == ("16", RecallState.REFUSED)
    assert delivery.status_description == "Đã triển khai, không thể thu hồi"
    # Handling continues where it stopped; the copy that had only arrived goes back to the clerk's queue.
    processing_note_add(actor=other_kit.specialist, assignment_id=copy.assignments.get(role="LEAD").pk,
                        text="Tiếp tục xử lý")
    incoming_recall_refuse(actor=third_kit.clerk, document_id=copies[third_kit.agency.pk].pk, reason="Không đồng ý")
    assert _copy(copies, third_kit).state == IncomingState.ARRIVED


def test_a_returned_copy_is_left_alone(
    kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
    issued: tuple[OutgoingDocument, dict[int, IncomingDocument]],
) -> None:
    document, copies = issued
    incoming_return(actor=third_kit.clerk, document_id=copies[third_kit.agency.pk].pk, reason="Gửi nhầm")
    outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="Ban hành nhầm")
    delivery = delivery_to(document, third_kit)
    assert (delivery.status_code, delivery.recall_state) == ("02", RecallState.NONE)
    assert _copy(copies, third_kit).state == IncomingState.RETURNED


def test_who_may_recall(kit: AgencyKit, other_kit: AgencyKit,
                        issued: tuple[OutgoingDocument, dict[int, IncomingDocument]]) -> None:
    document, _copies = issued
    with pytest.raises(ApplicationError) as exc:
        outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="")
    assert exc.value.code == "reason_required"
    for actor in (kit.specialist, kit.finance_head, kit.specialist2):  # drafter, reviewer, office-unit member
        with pytest.raises(PermissionDeniedError):
            outgoing_recall(actor=actor, document_id=document.pk, reason="Thu hồi")
    for actor in (other_kit.clerk, other_kit.leader):
        with pytest.raises(NotFoundError):
            outgoing_recall(actor=actor, document_id=document.pk, reason="Thu hồi")
    document.refresh_from_db()
    assert document.state == OutgoingState.ISSUED


def test_who_may_answer_a_recall(kit: AgencyKit, other_kit: AgencyKit, third_kit: AgencyKit,  # noqa: F811
                                 issued: tuple[OutgoingDocument, dict[int, IncomingDocument]]) -> None:
    document, copies = issued
    copy = copies[other_kit.agency.pk]
    with pytest.raises(ConflictError):  # nothing to answer before the sender recalls
        incoming_recall_agree(actor=other_kit.clerk, document_id=copy.pk)
    outgoing_recall(actor=kit.clerk, document_id=document.pk, reason="Ban hành nhầm")
    for actor in (other_kit.leader, other_kit.specialist):  # they see the copy, the answer is the clerk's
        with pytest.raises(PermissionDeniedError):
            incoming_recall_agree(actor=actor, document_id=copy.pk)
        with pytest.raises(PermissionDeniedError):
            incoming_recall_refuse(actor=actor, document_id=copy.pk, reason="Không")
    for actor in (kit.clerk, third_kit.clerk, other_kit.finance_head):  # sender, another recipient, not assigned
        with pytest.raises(NotFoundError):
            incoming_recall_agree(actor=actor, document_id=copy.pk)
        with pytest.raises(NotFoundError):
            incoming_recall_refuse(actor=actor, document_id=copy.pk, reason="Không")
    assert _copy(copies, other_kit).state == IncomingState.RECALL_PENDING


# --- replacement ------------------------------------------------------------------------------------------------

def test_a_replacement_is_noted_on_both_sides_when_it_is_issued(
    kit: AgencyKit, other_kit: AgencyKit, sealed_pdf: bytes,  # noqa: F811
) -> None:
    old = sealed_document(kit, sealed_pdf)
    old_copy = issue_to(kit, old, other_kit)[other_kit.agency.pk]
    new = draft(kit, subject="Về việc ban hành Kế hoạch chuyển đổi số năm 2026 (thay thế)")
    outgoing_replace(actor=kit.specialist, old_document_id=old.pk, new_document_id=new.pk)
    new.refresh_from_db()
    assert new.replaces == old and outgoing_replaced_by(old) is None  # not issued yet

    outgoing_submit(actor=kit.specialist, document_id=new.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=new.pk)
    review_approve(actor=kit.office_head, document_id=new.pk)
    outgoing_mark_signed(actor=kit.leader, document_id=new.pk)
    outgoing_number(actor=kit.clerk, document_id=new.pk)
    outgoing_mark_sealed(actor=kit.clerk, document_id=new.pk, sealed_pdf=sealed_pdf)
    new_copy = issue_to(kit, new, other_kit)[other_kit.agency.pk]

    new.refresh_from_db()
    old.refresh_from_db()
    assert outgoing_replaced_by(old) == new
    assert "outgoing.replaced" in audit_types("documents.outgoingdocument", old.pk)
    old_copy.refresh_from_db()
    assert f"thay thế bởi văn bản số {new.reference}" in old_copy.note
    assert f"thay thế văn bản số {old.reference}" in new_copy.note
    assert old.state == OutgoingState.ISSUED  # replaced, not recalled: its recipients keep it


def test_replacement_rules(kit: AgencyKit, other_kit: AgencyKit, sealed_pdf: bytes) -> None:  # noqa: F811
    old = sealed_document(kit, sealed_pdf)
    new = draft(kit)
    with pytest.raises(ConflictError) as exc:  # the old one is not issued yet
        outgoing_replace(actor=kit.clerk, old_document_id=old.pk, new_document_id=new.pk)
    assert exc.value.code == "not_issued"
    issue_to(kit, old, other_kit)
    with pytest.raises(ApplicationError):
        outgoing_replace(actor=kit.clerk, old_document_id=old.pk, new_document_id=old.pk)
    outgoing_submit(actor=kit.specialist, document_id=new.pk, route=simple_route(kit))
    with pytest.raises(PermissionDeniedError):  # reviews both, but is neither clerk, leader nor the drafter
        outgoing_replace(actor=kit.finance_head, old_document_id=old.pk, new_document_id=new.pk)
    with pytest.raises(NotFoundError):
        outgoing_replace(actor=other_kit.clerk, old_document_id=old.pk, new_document_id=new.pk)
    outgoing_replace(actor=kit.clerk, old_document_id=old.pk, new_document_id=new.pk)
    with pytest.raises(ConflictError) as exc:
        outgoing_replace(actor=kit.clerk, old_document_id=old.pk, new_document_id=new.pk)
    assert exc.value.code == "already_linked"
    second = draft(kit)
    with pytest.raises(ConflictError) as exc:
        outgoing_replace(actor=kit.clerk, old_document_id=old.pk, new_document_id=second.pk)
    assert exc.value.code == "already_replaced"
    outgoing_cancel(actor=kit.specialist, document_id=new.pk, reason="Soạn lại")
    outgoing_replace(actor=kit.leader, old_document_id=old.pk, new_document_id=second.pk)
