"""The server keeps the promises of its OpenAPI document. schemathesis reads the live ``/api/openapi.json`` of a test
server, generates requests for every operation — valid ones and invalid ones, a bounded, reproducible number of
each — sends them with a clerk's token and checks that no answer is a server error, that every status code is one
the operation declares, that every body matches the declared schema and content type, and that invalid requests are
refused."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.api.conftest import bearer
from tests.builders import make_agency_kit, registered_document
from vanthu.documents.handling import DirectionInput, Handler, direction_create
from vanthu.documents.services import incoming_present

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# An invalid request must also be refused (4xx), not served as if it were valid ("date_to=0" read as 01/01/1970).
INVALID_CHECKS = [*CHECKS, negative_data_rejection]
EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def clerk_headers(live_server: Any) -> dict[str, str]:
    """A clerk's token, and data for the generated ids to sometimes hit: a directed document with assignments."""
    kit = make_agency_kit()
    document = registered_document(kit)
    incoming_present(actor=kit.clerk, document_id=document.pk, leader_id=kit.leader.user.pk)
    direction_create(actor=kit.leader, document_id=document.pk,
                     data=DirectionInput(lead=Handler(unit_id=kit.finance.pk), due_in_working_days=3))
    return bearer(kit.clerk)


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
                         ids=["valid-requests", "invalid-requests"])
def test_every_answer_is_one_the_openapi_document_declares(
    live_server: Any, clerk_headers: dict[str, str], mode: schemathesis.GenerationMode
) -> None:
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/openapi.json")
    checks = CHECKS if mode == schemathesis.GenerationMode.POSITIVE else INVALID_CHECKS
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def exercise(case: Any) -> None:
            case.call_and_validate(headers=clerk_headers, checks=checks)

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as exc:  # every operation is tried, all failures reported
            failures[operation.label] = str(exc)[:3000]
    assert not failures, "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())
