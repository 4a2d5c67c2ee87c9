"""Numbers past the database's integer range are refused in the error contract, never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Call, assert_error
from tests.builders import AgencyKit, arrived_document, registered_document
from vanthu.api.schemas import LIST_COUNT_CAP, MAX_OFFSET
from vanthu.documents.models import DocumentType

pytestmark = pytest.mark.django_db

HUGE = 10**20


def _invalid(response: Any, field: str) -> None:
    body = assert_error(response, 400, "invalid_input")
    assert any(field in error["loc"] for error in body["extra"]["errors"]), body


@pytest.mark.parametrize("query", [
    f"offset={HUGE}", "offset=1e20", f"offset={MAX_OFFSET + 1}", "offset=-1", "limit=0", f"limit={HUGE}",
    f"handler_id={HUGE}", f"document_type_id={HUGE}", "handler_id=0",
])
def test_list_query_out_of_range_is_400(api: Call, kit: AgencyKit, query: str) -> None:
    field = query.split("=")[0]
    _invalid(api(kit.clerk, "get", f"/api/v1/incoming?{query}"), field)


def test_largest_allowed_offset_is_an_empty_page(api: Call, kit: AgencyKit) -> None:
    registered_document(kit)
    page = api(kit.clerk, "get", f"/api/v1/incoming?offset={MAX_OFFSET}").json()
    assert page["items"] == [] and page["offset"] == MAX_OFFSET and page["count"] == 1


@pytest.mark.parametrize(("path", "body", "field"), [
    ("present", {"leader_id": HUGE}, "leader_id"),
    ("direct", {"lead": {"unit_id": HUGE}}, "unit_id"),
    ("direct", {"lead": {"user_id": HUGE}}, "user_id"),
    ("direct", {"lead": {"user_id": 1}, "cooperating": [{"unit_id": HUGE}]}, "unit_id"),
    ("direct", {"lead": {"user_id": 1}, "due_in_working_days": HUGE}, "due_in_working_days"),
    ("share", {"user_id": HUGE}, "user_id"),
    ("register", {"register_id": HUGE}, "register_id"),
])
def test_action_body_ids_out_of_range_are_400(api: Call, kit: AgencyKit, path: str, body: dict[str, Any],
                                              field: str) -> None:
    doc = registered_document(kit)
    who = kit.leader if path == "direct" else kit.clerk
    _invalid(api(who, "post", f"/api/v1/incoming/{doc.pk}/{path}", body), field)


def test_delegate_user_ids_out_of_range_are_400(api: Call, kit: AgencyKit) -> None:
    _invalid(api(kit.finance_head, "post", "/api/v1/assignments/1/delegate", {"user_ids": [HUGE]}), "user_ids")


def test_patch_document_type_out_of_range_is_400(api: Call, kit: AgencyKit) -> None:
    doc = arrived_document(kit)
    response = api(kit.clerk, "patch", f"/api/v1/incoming/{doc.pk}", {"document_type_id": HUGE})
    _invalid(response, "document_type_id")
    doc.refresh_from_db()
    assert doc.document_type_id == DocumentType.objects.get(pk=doc.document_type_id).pk


@pytest.mark.parametrize("path", [
    f"/api/v1/incoming/{HUGE}", f"/api/v1/incoming/1/files/{HUGE}", f"/api/v1/incoming/{HUGE}/files/1",
    f"/api/v1/agencies/{HUGE}/units", f"/api/v1/agencies/{HUGE}/leaders",
])
def test_get_with_path_id_out_of_range_is_refused(api: Call, kit: AgencyKit, path: str) -> None:
    response = api(kit.clerk, "get", path)
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


@pytest.mark.parametrize("path", [
    f"/api/v1/incoming/{HUGE}/register", f"/api/v1/assignments/{HUGE}/read",
    f"/api/v1/assignments/{HUGE}/complete",
])
def test_post_with_path_id_out_of_range_is_refused(api: Call, kit: AgencyKit, path: str) -> None:
    response = api(kit.clerk, "post", path, {})
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


def test_list_count_is_capped(api: Call, kit: AgencyKit, monkeypatch: pytest.MonkeyPatch) -> None:
    from vanthu.api.routers import incoming

    for _ in range(3):
        registered_document(kit)
    page = api(kit.clerk, "get", "/api/v1/incoming?limit=1").json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (3, False, 1)
    monkeypatch.setattr(incoming, "LIST_COUNT_CAP", 2)
    page = api(kit.clerk, "get", "/api/v1/incoming?limit=1").json()
    assert (page["count"], page["count_capped"], len(page["items"])) == (2, True, 1)
    assert LIST_COUNT_CAP == 10_000
