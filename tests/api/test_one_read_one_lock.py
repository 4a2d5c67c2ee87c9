"""Registering through the API reads the document through the visibility rule once and locks its row once.

Before the layering pass the API read the document before and after each call while the service trusted it; now the
service locks the row through the actor's visibility in one query and the API answers with what it returns.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.builders import AgencyKit, arrived_document
from vanthu.api.services import api_token_create
from vanthu.documents import permissions

pytestmark = pytest.mark.django_db


def test_registering_reads_the_document_once_and_locks_it_once(kit: AgencyKit,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    document = arrived_document(kit)
    _token, plain = api_token_create(actor=kit.clerk, name="một lần", expires_in_days=1)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    calls: list[int] = []
    rule = permissions.incoming_visibility_q

    def counted(actor: Any) -> Any:
        calls.append(1)
        return rule(actor)

    monkeypatch.setattr(permissions, "incoming_visibility_q", counted)
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(f"/api/v1/incoming/{document.pk}/register", data={}, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["arrival_number"] == 1
    assert len(calls) == 1
    if connection.vendor == "postgresql":  # SQLite has no row locks: the statement carries no FOR UPDATE there
        locks = [q["sql"] for q in queries.captured_queries
                 if "FOR UPDATE" in q["sql"] and ' FROM "documents_incomingdocument"' in q["sql"]]
        assert len(locks) == 1
