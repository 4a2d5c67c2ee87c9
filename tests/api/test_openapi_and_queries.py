"""The OpenAPI document lists every endpoint; the list endpoint's query count does not grow with the page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import bearer
from tests.builders import AgencyKit, registered_document
from vanthu.documents.handling import DirectionInput, Handler, direction_create
from vanthu.documents.services import incoming_present

pytestmark = pytest.mark.django_db

EXPECTED_OPERATIONS = {
    ("get", "/api/v1/me"),
    ("get", "/api/v1/agencies/{agency_id}/units"),
    ("get", "/api/v1/agencies/{agency_id}/leaders"),
    ("get", "/api/v1/document-types"),
    ("get", "/api/v1/incoming"),
    ("post", "/api/v1/incoming"),
    ("get", "/api/v1/incoming/counters"),
    ("get", "/api/v1/incoming/{document_id}"),
    ("patch", "/api/v1/incoming/{document_id}"),
    ("get", "/api/v1/incoming/{document_id}/files/{file_id}"),
    *(("post", f"/api/v1/incoming/{{document_id}}/{action}")
      for action in ("register", "return", "present", "direct", "close-for-information", "reopen", "share")),
    *(("post", f"/api/v1/assignments/{{assignment_id}}/{action}")
      for action in ("delegate", "notes", "complete", "read")),
    ("get", "/api/v1/stats"),
    ("get", "/api/v1/stats/agencies/{agency_id}"),
}


def test_openapi_document_lists_every_endpoint_with_bearer_security(client: Client, db: None) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    operations = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert operations == EXPECTED_OPERATIONS
    schemes = spec["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    detail = spec["paths"]["/api/v1/incoming/{document_id}"]["get"]["responses"]
    assert detail["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_interactive_docs_page_is_served(client: Client, db: None) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200 and b"openapi.json" in response.content


def _directed(kit: AgencyKit) -> None:
    doc = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=doc.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=doc.pk,
                     data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), due_in_working_days=3))


def _list_queries(client: Client, headers: dict[str, str], path: str) -> int:
    client.get(path, headers=headers)  # first call stamps last_used_at; measure the steady state
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("path", ["/api/v1/incoming", "/api/v1/incoming?box=to_handle",
                                  "/api/v1/incoming?q=chuyển đổi số"])
def test_list_query_count_does_not_grow_with_the_number_of_documents(client: Client, kit: AgencyKit,
                                                                       path: str) -> None:
    for headers_of in (kit.clerk, kit.finance_head):
        headers = bearer(headers_of)
        _directed(kit)
        few = _list_queries(client, headers, path)
        for _ in range(6):
            _directed(kit)
        many = _list_queries(client, headers, path)
        assert many == few
        # token + roles, then count + page (and the session/axes middleware touch nothing for bearer calls)
        assert few <= 5
