from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.builders import AgencyKit, arrived_document, registered_document
from tests.web.conftest import LoginAs, direct_to_finance
from vanthu.documents.enums import IncomingState, Priority
from vanthu.documents.models import DocumentType, IncomingDocument

pytestmark = pytest.mark.django_db

LIST = reverse("web:incoming_list")


def _rows(body: str) -> int:
    return body.count("data-document=")


def test_home_counts_the_clerks_box_and_links_to_the_filtered_list(kit: AgencyKit, login_as: LoginAs) -> None:
    arrived_document(kit)
    arrived_document(kit)
    body = login_as(kit.clerk).get(reverse("web:home")).content.decode()
    assert 'id="counter-to_register"' in body
    assert f'href="{LIST}?box=to_register"' in body
    assert '<div class="vt-counter-value text-warning-emphasis">2</div>' in body


def test_home_lists_the_work_waiting_for_the_handler(kit: AgencyKit, login_as: LoginAs) -> None:
    document = registered_document(kit, subject="Về việc báo cáo quyết toán ngân sách")
    direct_to_finance(kit, document)
    body = login_as(kit.finance_head).get(reverse("web:home")).content.decode()
    assert "Về việc báo cáo quyết toán ngân sách" in body
    assert '<div class="vt-counter-value text-primary">1</div>' in body


def test_overdue_documents_are_flagged_in_the_list(kit: AgencyKit, login_as: LoginAs) -> None:
    late = registered_document(kit, subject="Văn bản trễ hạn")
    direct_to_finance(kit, late)
    IncomingDocument.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=3))
    registered_document(kit, subject="Văn bản còn hạn")
    body = login_as(kit.leader).get(LIST).content.decode()
    assert body.count("vt-overdue-badge") == 1
    assert f'class="table-danger vt-overdue" data-document="{late.pk}"' in body


def test_urgency_is_shown_as_a_badge(kit: AgencyKit, login_as: LoginAs) -> None:
    registered_document(kit, priority=Priority.FLASH)
    body = login_as(kit.clerk).get(LIST).content.decode()
    assert "text-bg-danger vt-priority" in body and "Hỏa tốc" in body


def test_filters_by_box_state_type_issuer_and_dates(kit: AgencyKit, login_as: LoginAs) -> None:
    waiting = arrived_document(kit, organ_name="Sở Tài chính")
    registered = registered_document(kit, organ_name="Bộ Nội vụ")
    client = login_as(kit.clerk)
    assert f'data-document="{waiting.pk}"' in client.get(LIST, {"box": "to_register"}).content.decode()
    assert f'data-document="{registered.pk}"' not in client.get(LIST, {"box": "to_register"}).content.decode()
    by_state = client.get(LIST, {"state": IncomingState.REGISTERED}).content.decode()
    assert _rows(by_state) == 1 and f'data-document="{registered.pk}"' in by_state
    by_issuer = client.get(LIST, {"issuer": "tài chính"}).content.decode()
    assert f'data-document="{waiting.pk}"' in by_issuer and _rows(by_issuer) == 1
    other_type = DocumentType.objects.exclude(pk=waiting.document_type_id).first()
    assert other_type is not None
    assert _rows(client.get(LIST, {"document_type": other_type.pk}).content.decode()) == 0
    today = timezone.localdate()
    in_range = client.get(LIST, {"date_from": today.strftime("%d/%m/%Y"), "date_to": today.strftime("%d/%m/%Y")})
    assert _rows(in_range.content.decode()) == 2
    tomorrow = (today + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    assert _rows(client.get(LIST, {"date_from": tomorrow}).content.decode()) == 0


def test_filter_by_handler(kit: AgencyKit, login_as: LoginAs) -> None:
    handled = registered_document(kit)
    registered_document(kit)
    lead = direct_to_finance(kit, handled)
    from vanthu.documents.handling import assignment_delegate

    assignment_delegate(actor=kit.finance_head, assignment_id=lead.pk, user_ids=[kit.specialist.user.pk])
    body = login_as(kit.clerk).get(LIST, {"handler": kit.specialist.user.pk}).content.decode()
    assert _rows(body) == 1 and f'data-document="{handled.pk}"' in body


def test_text_query_finds_by_subject(kit: AgencyKit, login_as: LoginAs) -> None:
    wanted = registered_document(kit, subject="Về việc phòng chống lụt bão năm 2026")
    registered_document(kit, subject="Về việc tuyển dụng công chức")
    body = login_as(kit.clerk).get(LIST, {"q": "lụt bão"}).content.decode()
    assert f'data-document="{wanted.pk}"' in body and _rows(body) == 1


def test_list_pages_by_25(kit: AgencyKit, login_as: LoginAs) -> None:
    for _n in range(27):
        registered_document(kit, main_file=None)
    client = login_as(kit.clerk)
    first = client.get(LIST).content.decode()
    assert _rows(first) == 25 and 'id="next-page"' in first
    assert _rows(client.get(LIST, {"page": 2}).content.decode()) == 2


def test_htmx_request_gets_only_the_results(kit: AgencyKit, login_as: LoginAs) -> None:
    registered_document(kit)
    response = login_as(kit.clerk).get(LIST, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and _rows(body) == 1
    assert "HX-Request" in response["Vary"]


def test_list_never_shows_another_agencys_documents(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    registered_document(other_kit)
    mine = registered_document(kit)
    body = login_as(kit.clerk).get(LIST).content.decode()
    assert _rows(body) == 1 and f'data-document="{mine.pk}"' in body


def test_list_query_count_does_not_grow_with_rows(  # type: ignore[no-untyped-def]
    kit: AgencyKit, login_as: LoginAs, django_assert_max_num_queries
) -> None:
    client = login_as(kit.clerk)
    for _n in range(2):
        registered_document(kit, main_file=None, priority=Priority.URGENT)
    client.get(LIST)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, {"box": "", "state": ""})
    for _n in range(23):
        registered_document(kit, main_file=None, priority=Priority.URGENT)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as many:
        response = client.get(LIST, {"box": "", "state": ""})
    assert _rows(response.content.decode()) == 25
    assert len(many) == len(few)
