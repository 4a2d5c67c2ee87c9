"""A request that does not match the schema is refused in Vietnamese (pydantic's own messages are English), dates are
ISO dates only, and the OpenAPI document offers null exactly where null is accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.api.conftest import assert_error, bearer
from tests.builders import AgencyKit, registered_document
from vanthu.api.errors import validation_message

pytestmark = pytest.mark.django_db


def _first_error(response: Any) -> dict[str, Any]:
    body = assert_error(response, 400, "invalid_input")
    error: dict[str, Any] = body["extra"]["errors"][0]
    return error


@pytest.mark.parametrize("value", ["0", "86400", "20261105", "05/11/2026"])
def test_a_number_is_not_a_date(client: Client, kit: AgencyKit, value: str) -> None:
    error = _first_error(client.get(f"/api/v1/incoming?date_to={value}", headers=bearer(kit.clerk)))
    assert error["loc"] == ["query", "date_to"]
    assert error["msg"] == "Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-11-05."


def test_an_iso_date_is_a_date(client: Client, kit: AgencyKit) -> None:
    assert client.get("/api/v1/incoming?date_to=2026-11-05", headers=bearer(kit.clerk)).status_code == 200


@pytest.mark.parametrize(("query", "message"), [
    ("limit=abc", "Phải là số nguyên."),
    ("limit=0", "Phải lớn hơn hoặc bằng 1."),
    ("limit=101", "Phải nhỏ hơn hoặc bằng 100."),
    ("issuer=" + "x" * 201, "Dài quá 200 ký tự."),
    ("box=abc", "Phải là một trong các giá trị: 'to_register', 'to_handle', 'overdue', 'due_soon'."),
])
def test_query_errors_are_explained_in_vietnamese(client: Client, kit: AgencyKit, query: str, message: str) -> None:
    assert _first_error(client.get(f"/api/v1/incoming?{query}", headers=bearer(kit.clerk)))["msg"] == message


def test_a_missing_field_is_explained_in_vietnamese(client: Client, kit: AgencyKit) -> None:
    response = client.post("/api/v1/incoming/1/return", data="{}", content_type="application/json",
                           headers=bearer(kit.clerk))
    assert _first_error(response)["msg"] == "Thiếu trường bắt buộc."


def test_the_english_interface_gets_english_messages(client: Client, kit: AgencyKit) -> None:
    response = client.get("/api/v1/incoming?limit=abc", headers={**bearer(kit.clerk), "accept-language": "en"})
    assert _first_error(response)["msg"] == "Must be an integer."


def test_an_error_type_without_a_message_of_ours_is_still_vietnamese() -> None:
    with translation.override("vi"):
        message = validation_message({"type": "uuid_parsing", "msg": "Input should be a valid UUID"})
    assert message == "Giá trị không hợp lệ."


def test_null_is_refused_for_a_field_that_always_holds_a_value(client: Client, kit: AgencyKit) -> None:
    document = registered_document(kit)
    response = client.patch(f"/api/v1/incoming/{document.pk}", data=json.dumps({"organ_name": None}),
                            content_type="application/json", headers=bearer(kit.clerk))
    assert _first_error(response)["msg"] == "Phải là chuỗi ký tự."


def test_null_clears_the_fields_that_may_be_empty(client: Client, kit: AgencyKit) -> None:
    document = registered_document(kit, page_amount=3)
    body = json.dumps({"page_amount": None, "requested_due_date": None})
    response = client.patch(f"/api/v1/incoming/{document.pk}", data=body, content_type="application/json",
                            headers=bearer(kit.clerk))
    assert response.status_code == 200 and response.json()["page_amount"] is None


def test_the_openapi_document_offers_null_only_where_it_is_accepted(client: Client) -> None:
    fields = client.get("/api/openapi.json").json()["components"]["schemas"]["IncomingPatchIn"]["properties"]
    nullable = {name for name, field in fields.items() if {"type": "null"} in field.get("anyOf", [])}
    assert nullable == {"page_amount", "requested_due_date"}
