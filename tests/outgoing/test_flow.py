from __future__ import annotations

import pytest

from tests.builders import AgencyKit, pdf_bytes
from tests.outgoing.helpers import draft, outgoing_input, signed, simple_route
from vanthu.core.errors import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from vanthu.core.files import UploadedContent
from vanthu.core.models import AuditEvent
from vanthu.documents.outgoing.enums import OutgoingState, ReviewKind, ReviewState
from vanthu.documents.outgoing.inputs import Route, RouteStep
from vanthu.documents.outgoing.selectors import outgoing_get_for_user, outgoing_list_for_user
from vanthu.documents.outgoing.services import (
    outgoing_cancel,
    outgoing_create,
    outgoing_mark_signed,
    outgoing_mark_signed_on_paper,
    outgoing_new_version,
    outgoing_number,
    outgoing_resubmit,
    outgoing_signer_return,
    outgoing_submit,
    outgoing_void,
    review_approve,
    review_return,
)

pytestmark = pytest.mark.django_db


def _events(document_id: int) -> list[str]:
    return list(AuditEvent.objects.filter(target_type="documents.outgoingdocument", target_id=str(document_id))
                .order_by("id").values_list("event_type", flat=True))


def test_full_happy_path_writes_one_audit_event_per_move(kit: AgencyKit) -> None:
    document = signed(kit)
    assert document.state == OutgoingState.SIGNED
    document = outgoing_number(actor=kit.clerk, document_id=document.pk)
    assert document.state == OutgoingState.NUMBERED
    assert _events(document.pk) == ["outgoing.created", "outgoing.submit", "outgoing.approve", "outgoing.approve",
                                    "outgoing.mark_signed", "outgoing.number"]


def test_specialist_creates_a_draft_with_version_one(kit: AgencyKit) -> None:
    document = draft(kit)
    assert document.state == OutgoingState.DRAFTING
    assert document.drafter == kit.specialist.user and document.drafting_unit == kit.finance
    assert list(document.versions.values_list("number", flat=True)) == [1]


def test_stats_viewer_or_guest_cannot_draft(kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        outgoing_create(actor=kit.admin, data=outgoing_input(kit),
                        upload=UploadedContent("a.pdf", pdf_bytes()))


def test_draft_needs_exactly_one_source(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as exc:
        outgoing_create(actor=kit.specialist, data=outgoing_input(kit))
    assert exc.value.code == "draft_source"


def test_signer_must_be_a_leader_of_the_agency(kit: AgencyKit, other_kit: AgencyKit) -> None:
    for signer in (kit.specialist2.user.pk, other_kit.leader.user.pk):
        with pytest.raises(ApplicationError) as exc:
            draft(kit, signer_id=signer)
        assert "signer_id" in exc.value.extra["fields"]


def test_new_version_only_by_the_drafter_and_numbers_increase(kit: AgencyKit) -> None:
    document = draft(kit)
    version = outgoing_new_version(actor=kit.specialist, document_id=document.pk,
                                   upload=UploadedContent("v2.pdf", pdf_bytes("v2")), note="Sửa điều 2")
    assert version.number == 2
    with pytest.raises(PermissionDeniedError):
        outgoing_new_version(actor=kit.clerk, document_id=document.pk, upload=UploadedContent("v3.pdf", pdf_bytes()))


def test_route_must_end_with_the_format_check(kit: AgencyKit) -> None:
    document = draft(kit)
    with pytest.raises(ApplicationError) as exc:
        outgoing_submit(actor=kit.specialist, document_id=document.pk,
                        route=Route((RouteStep(kit.finance_head.user.pk, ReviewKind.CONTENT),)))
    assert exc.value.code == "route_last_format"
    assert outgoing_get_for_user(actor=kit.specialist, document_id=document.pk).state == OutgoingState.DRAFTING


def test_sequential_route_waits_for_each_reviewer_in_turn(kit: AgencyKit) -> None:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    with pytest.raises(PermissionDeniedError) as exc:
        review_approve(actor=kit.office_head, document_id=document.pk)
    assert exc.value.code == "not_your_turn"
    review_approve(actor=kit.finance_head, document_id=document.pk, comment="Đồng ý")
    assert outgoing_get_for_user(actor=kit.specialist, document_id=document.pk).state == OutgoingState.IN_REVIEW
    document = review_approve(actor=kit.office_head, document_id=document.pk)
    assert document.state == OutgoingState.AWAITING_SIGNATURE


def test_parallel_group_reviewers_act_in_any_order_and_all_must_approve(kit: AgencyKit) -> None:
    document = draft(kit)
    route = Route((
        RouteStep(kit.finance_head.user.pk, ReviewKind.CONTENT),
        RouteStep(kit.office_head.user.pk, ReviewKind.COMMENT, parallel_group=1),
        RouteStep(kit.deputy.user.pk, ReviewKind.COMMENT, parallel_group=1),
        RouteStep(kit.clerk.user.pk, ReviewKind.FORMAT),
    ))
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=route)
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.deputy, document_id=document.pk)
    with pytest.raises(PermissionDeniedError):
        review_approve(actor=kit.clerk, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    assert review_approve(actor=kit.clerk, document_id=document.pk).state == OutgoingState.AWAITING_SIGNATURE
    stages = list(document.review_steps.order_by("order").values_list("stage", flat=True))
    assert stages == [1, 2, 2, 3]


def test_reviewer_returns_with_comment_and_drafter_resubmits_a_new_round(kit: AgencyKit) -> None:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    with pytest.raises(ApplicationError):
        review_return(actor=kit.finance_head, document_id=document.pk, comment="  ")
    document = review_return(actor=kit.finance_head, document_id=document.pk, comment="Bổ sung số liệu")
    assert document.state == OutgoingState.CHANGES_REQUESTED
    assert document.review_steps.get(order=1).state == ReviewState.RETURNED
    with pytest.raises(PermissionDeniedError):
        outgoing_resubmit(actor=kit.finance_head, document_id=document.pk)
    document = outgoing_resubmit(actor=kit.specialist, document_id=document.pk,
                                 upload=UploadedContent("v2.pdf", pdf_bytes("v2")), note="Đã bổ sung")
    assert document.state == OutgoingState.IN_REVIEW and document.review_round == 2
    assert document.versions.count() == 2
    assert document.review_steps.filter(round=2, state=ReviewState.PENDING).count() == 2


def test_signer_can_send_back_and_only_the_signer_signs(kit: AgencyKit) -> None:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    with pytest.raises(PermissionDeniedError):
        outgoing_mark_signed(actor=kit.deputy, document_id=document.pk)
    with pytest.raises(PermissionDeniedError):
        outgoing_signer_return(actor=kit.deputy, document_id=document.pk, comment="Sửa")
    document = outgoing_signer_return(actor=kit.leader, document_id=document.pk, comment="Viết lại mục 2")
    assert document.state == OutgoingState.CHANGES_REQUESTED


def test_signed_on_paper_by_the_clerk_records_no_personal_signature(kit: AgencyKit) -> None:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=document.pk)
    review_approve(actor=kit.office_head, document_id=document.pk)
    scan = UploadedContent("ban-quet.pdf", pdf_bytes("scan"))
    with pytest.raises(PermissionDeniedError):
        outgoing_mark_signed_on_paper(actor=kit.specialist, document_id=document.pk, scan=scan)
    document = outgoing_mark_signed_on_paper(actor=kit.clerk, document_id=document.pk, scan=scan)
    assert document.state == OutgoingState.SIGNED
    assert document.signed_on_paper and not document.has_valid_personal_signature


def test_moves_from_the_wrong_state_are_refused(kit: AgencyKit) -> None:
    document = draft(kit)
    with pytest.raises(ConflictError):
        outgoing_number(actor=kit.clerk, document_id=document.pk)
    with pytest.raises(ConflictError):
        review_approve(actor=kit.clerk, document_id=document.pk)
    with pytest.raises(NotFoundError):  # not a reviewer of this draft: it is not theirs to see
        review_approve(actor=kit.finance_head, document_id=document.pk)
    with pytest.raises(ConflictError):
        outgoing_mark_signed(actor=kit.leader, document_id=document.pk)
    with pytest.raises(ConflictError):
        outgoing_void(actor=kit.clerk, document_id=document.pk, reason="x")


def test_only_the_clerk_numbers(kit: AgencyKit) -> None:
    document = signed(kit)
    with pytest.raises(PermissionDeniedError):
        outgoing_number(actor=kit.leader, document_id=document.pk)


def test_cancel_by_drafter_or_leader_but_not_after_numbering(kit: AgencyKit) -> None:
    document = draft(kit)
    with pytest.raises(PermissionDeniedError):
        outgoing_cancel(actor=kit.clerk, document_id=document.pk, reason="Không cần")
    assert outgoing_cancel(actor=kit.specialist, document_id=document.pk,
                           reason="Không cần").state == OutgoingState.CANCELLED
    other = draft(kit)
    assert outgoing_cancel(actor=kit.leader, document_id=other.pk, reason="Dừng").state == OutgoingState.CANCELLED
    numbered = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    with pytest.raises(ConflictError):
        outgoing_cancel(actor=kit.leader, document_id=numbered.pk, reason="Muộn")


def test_void_keeps_the_number_used(kit: AgencyKit) -> None:
    first = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    voided = outgoing_void(actor=kit.clerk, document_id=first.pk, reason="Sai nội dung")
    assert voided.state == OutgoingState.VOIDED and voided.number == 1
    second = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    assert second.number == 2


def test_other_agency_gets_not_found(kit: AgencyKit, other_kit: AgencyKit) -> None:
    document = draft(kit)
    for actor in (other_kit.clerk, other_kit.leader, other_kit.specialist):
        with pytest.raises(NotFoundError):
            outgoing_get_for_user(actor=actor, document_id=document.pk)
        with pytest.raises(NotFoundError):
            outgoing_cancel(actor=actor, document_id=document.pk, reason="x")
        assert not outgoing_list_for_user(actor=actor).filter(pk=document.pk).exists()


def test_visibility_inside_the_agency(kit: AgencyKit) -> None:
    document = draft(kit)
    with pytest.raises(NotFoundError):
        outgoing_get_for_user(actor=kit.specialist2, document_id=document.pk)
    for actor in (kit.specialist, kit.clerk, kit.leader, kit.deputy):
        assert outgoing_get_for_user(actor=actor, document_id=document.pk).pk == document.pk
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    assert outgoing_get_for_user(actor=kit.office_head, document_id=document.pk).pk == document.pk
