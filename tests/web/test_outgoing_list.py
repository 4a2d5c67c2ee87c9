"""The outgoing list: boxes, filters, search, paging, isolation, query count; the home page's outgoing counters."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import AgencyKit
from tests.outgoing.helpers import draft, signed, simple_route
from tests.web.conftest import LoginAs
from vanthu.documents.enums import Confidentiality, Priority
from vanthu.documents.models import DocumentType
from vanthu.documents.outgoing.enums import ReviewKind
from vanthu.documents.outgoing.inputs import Route, RouteStep
from vanthu.documents.outgoing.services import outgoing_number, outgoing_submit, review_approve

pytestmark = pytest.mark.django_db

LIST = reverse("web:outgoing_list")


def _ids(body: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-outgoing="(\d+)"', body)}


def test_anonymous_is_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_drafter_sees_own_drafts_in_the_mine_box(kit: AgencyKit, login_as: LoginAs) -> None:
    mine = draft(kit, subject="Dự thảo kế hoạch chuyển đổi số")
    other = draft(kit)
    other.drafter_id = kit.specialist2.user.pk
    other.save(update_fields=["drafter"])
    body = login_as(kit.specialist).get(LIST, {"box": "mine"}).content.decode()
    assert _ids(body) == {mine.pk}
    assert "Dự thảo kế hoạch chuyển đổi số" in body and 'aria-current="page"' in body


def test_review_box_shows_only_documents_at_my_stage(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    # finance_head reviews first; office_head's format check waits for that stage.
    assert _ids(login_as(kit.finance_head).get(LIST, {"box": "to_review"}).content.decode()) == {document.pk}
    assert _ids(login_as(kit.office_head).get(LIST, {"box": "to_review"}).content.decode()) == set()
    review_approve(actor=kit.finance_head, document_id=document.pk)
    assert _ids(login_as(kit.office_head).get(LIST, {"box": "to_review"}).content.decode()) == {document.pk}
    assert _ids(login_as(kit.finance_head).get(LIST, {"box": "to_review"}).content.decode()) == set()


def test_parallel_reviewers_both_see_the_document_in_their_box(kit: AgencyKit, login_as: LoginAs) -> None:
    document = draft(kit)
    route = Route((RouteStep(kit.finance_head.user.pk, ReviewKind.CONTENT, 1),
                   RouteStep(kit.deputy.user.pk, ReviewKind.COMMENT, 1),
                   RouteStep(kit.office_head.user.pk, ReviewKind.FORMAT)))
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=route)
    for reviewer in (kit.finance_head, kit.deputy):
        assert _ids(login_as(reviewer).get(LIST, {"box": "to_review"}).content.decode()) == {document.pk}


def test_signer_and_clerk_boxes(kit: AgencyKit, login_as: LoginAs) -> None:
    waiting = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=waiting.pk, route=simple_route(kit))
    review_approve(actor=kit.finance_head, document_id=waiting.pk)
    review_approve(actor=kit.office_head, document_id=waiting.pk)
    to_number = signed(kit)
    to_seal = outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    assert _ids(login_as(kit.leader).get(LIST, {"box": "to_sign"}).content.decode()) == {waiting.pk}
    clerk = login_as(kit.clerk)
    assert _ids(clerk.get(LIST, {"box": "to_number"}).content.decode()) == {to_number.pk}
    assert _ids(clerk.get(LIST, {"box": "to_seal"}).content.decode()) == {to_seal.pk}
    # The leader is not a clerk: the clerk's boxes are empty for them.
    assert _ids(login_as(kit.leader).get(LIST, {"box": "to_number"}).content.decode()) == set()


def test_filters_by_state_type_and_search(kit: AgencyKit, login_as: LoginAs) -> None:
    decision = draft(kit, subject="Quyết định phê duyệt dự toán")
    letter = draft(kit, "CONG_VAN", subject="Công văn đôn đốc báo cáo")
    numbered = outgoing_number(actor=kit.clerk, document_id=signed(kit, subject="Kế hoạch năm 2026").pk)
    client = login_as(kit.clerk)
    assert _ids(client.get(LIST, {"state": "NUMBERED"}).content.decode()) == {numbered.pk}
    cong_van = DocumentType.objects.get(code="CONG_VAN").pk
    assert _ids(client.get(LIST, {"document_type": cong_van}).content.decode()) == {letter.pk}
    assert _ids(client.get(LIST, {"q": "dự toán"}).content.decode()) == {decision.pk}
    assert _ids(client.get(LIST, {"q": numbered.code_notation}).content.decode()) == {numbered.pk}
    # A bad filter value is dropped, the others still apply.
    assert _ids(client.get(LIST, {"state": "NONSENSE", "q": "đôn đốc"}).content.decode()) == {letter.pk}


def test_list_shows_reference_urgency_and_secrecy(kit: AgencyKit, login_as: LoginAs) -> None:
    kit.clerk.user.can_handle_secret = True
    kit.clerk.user.save(update_fields=["can_handle_secret"])
    numbered = outgoing_number(actor=kit.clerk, document_id=signed(kit, priority=Priority.FLASH).pk)
    body = login_as(kit.clerk).get(LIST).content.decode()
    assert numbered.reference in body and "Hỏa tốc" in body and "text-bg-danger vt-priority" in body
    kit.specialist.user.can_handle_secret = True
    kit.specialist.user.save(update_fields=["can_handle_secret"])
    draft(kit, confidentiality=Confidentiality.SECRET)
    assert ">Mật</span>" in login_as(kit.specialist).get(LIST).content.decode()


def test_list_never_shows_another_agencys_documents(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    draft(other_kit)
    mine = draft(kit)
    assert _ids(login_as(kit.clerk).get(LIST).content.decode()) == {mine.pk}


def test_specialist_does_not_see_colleagues_drafts(kit: AgencyKit, login_as: LoginAs) -> None:
    draft(kit)
    assert _ids(login_as(kit.specialist2).get(LIST).content.decode()) == set()


def test_htmx_request_gets_only_the_results(kit: AgencyKit, login_as: LoginAs) -> None:
    draft(kit)
    response = login_as(kit.clerk).get(LIST, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="outgoing-table"' in body and "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_paging_and_query_count_do_not_grow_with_rows(  # type: ignore[no-untyped-def]
    kit: AgencyKit, login_as: LoginAs, django_assert_max_num_queries
) -> None:
    client = login_as(kit.clerk)
    for _n in range(2):
        draft(kit, priority=Priority.URGENT)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(LIST)
    for _n in range(25):
        draft(kit, priority=Priority.URGENT)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get(LIST)
    body = response.content.decode()
    assert len(_ids(body)) == 25 and 'id="next-page"' in body
    assert len(many) == len(few)
    assert len(_ids(client.get(LIST, {"page": "2"}).content.decode())) == 2


def test_home_shows_the_outgoing_counters(kit: AgencyKit, login_as: LoginAs) -> None:
    outgoing_number(actor=kit.clerk, document_id=signed(kit).pk)
    signed(kit)
    body = login_as(kit.clerk).get(reverse("web:home")).content.decode()
    assert f'href="{LIST}?box=to_number" id="counter-outgoing-to_number"' in body
    assert body.count('<div class="vt-counter-value text-info-emphasis">1</div>') == 2  # to number, to seal
    document = draft(kit)
    outgoing_submit(actor=kit.specialist, document_id=document.pk, route=simple_route(kit))
    reviewer = login_as(kit.finance_head).get(reverse("web:home")).content.decode()
    assert 'id="counter-outgoing-to_review"' in reviewer and 'id="counter-outgoing-to_number"' not in reviewer
    assert '<div class="vt-counter-value text-info-emphasis">1</div><div>Chờ tôi xem xét</div>' in reviewer
