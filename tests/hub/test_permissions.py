"""A system sees only what concerns the agencies it hosts, and no operation answers an unsigned caller."""

from __future__ import annotations

import json

import pytest

from tests.hub import packages
from tests.hub.conftest import A1, B1, C1, JSON, Caller, body_of
from vanthu.hub.models import Delivery, HubAgency, Package
from vanthu.hub.views import OPERATIONS
from vanthu.hubapi.auth import signed_headers

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]

# Operation (as spelled by the SDK) → method: every operation in the table.
ALL_OPERATIONS = {
    "sendEdoc": "POST", "getReceivedEdocList": "POST", "getEdoc": "POST", "downloadEdoc": "GET",
    "updateStatus": "POST", "getSentEdocList": "POST", "countReceiveEdoc": "GET", "countReceiveStatus": "GET",
    "getAgenciesList": "POST", "getAgenciesListQD20": "POST", "getSynchronizeUnit": "POST",
    "registerAgency": "POST", "deleteAgency": "POST",
}


def test_the_table_lists_every_operation() -> None:
    assert {name.lower() for name in ALL_OPERATIONS} == set(OPERATIONS)


@pytest.mark.parametrize(("operation", "method"), ALL_OPERATIONS.items())
def test_every_operation_refuses_a_wrong_hmac(sys_a: Caller, operation: str, method: str) -> None:
    response = sys_a.call(operation, {"docId": "0" * 32, "AgencyCode": A1}, method=method, secret="wrong")
    assert response.status_code == 401 and body_of(response)["ErrorCode"] == "1"


@pytest.mark.parametrize(("operation", "method"), ALL_OPERATIONS.items())
def test_every_operation_refuses_an_unknown_system(sys_a: Caller, operation: str, method: str) -> None:
    headers = dict(signed_headers(system_id="SYS-X", secret="x", inputs={"docId": "0" * 32}, content_type=JSON))
    headers.pop("Content-Type")
    response = sys_a.client.generic(method, f"/{operation}", data=b"", content_type=JSON, headers=headers)
    assert response.status_code == 401 and body_of(response)["ErrorCode"] == "2"


@pytest.mark.parametrize(("operation", "method"), ALL_OPERATIONS.items())
def test_every_operation_refuses_an_unsigned_call(sys_a: Caller, operation: str, method: str) -> None:
    response = sys_a.client.generic(method, f"/{operation}", data=b"", content_type=JSON)
    assert response.status_code == 401 and body_of(response)["ErrorCode"] == "1"


@pytest.fixture
def sent_to_b(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> str:
    return sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)


def test_other_systems_do_not_list_it(sys_a: Caller, sys_c: Caller, sent_to_b: str) -> None:
    assert sys_c.received() == [] and sys_a.received() == []


def test_other_systems_cannot_get_or_download_it(sys_a: Caller, sys_c: Caller, sent_to_b: str) -> None:
    for caller in (sys_c, sys_a):  # the sender fetches nothing either: it is not a recipient
        assert body_of(caller.call("getEdoc", {"docId": sent_to_b}))["ErrorCode"] == "6"
        assert body_of(caller.call("downloadEdoc", {"docId": sent_to_b}, method="GET"))["ErrorCode"] == "6"
    assert Delivery.objects.get().status == "pending"


def test_other_systems_cannot_acknowledge_it(sys_a: Caller, sys_c: Caller, sent_to_b: str) -> None:
    for status in ("done", "fail", "processing"):
        assert sys_c.ack(sent_to_b, status)["ErrorCode"] == "6"
        assert sys_a.ack(sent_to_b, status)["ErrorCode"] == "6"
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.hidden_until) == ("pending", 0, None)


def test_other_systems_do_not_count_it(sys_c: Caller, sys_b: Caller, sent_to_b: str) -> None:
    assert body_of(sys_c.call("countReceiveEdoc", method="GET"))["count"] == 0
    assert body_of(sys_b.call("countReceiveEdoc", method="GET"))["count"] == 1


def test_only_the_sending_system_sees_it_in_a_sent_list(sys_b: Caller, sys_c: Caller, sent_to_b: str) -> None:
    assert sys_c.sent_list(sent_to_b) == [] and sys_b.sent_list(sent_to_b) == [] and sys_c.sent_list() == []


def test_sending_as_another_systems_agency_is_refused(sys_c: Caller, sent_to_b: str) -> None:
    package = packages.edoc(A1, [C1])
    response = sys_c.send(package, from_code=A1)
    assert body_of(response)["ErrorCode"] == "3"
    assert Package.objects.count() == 1


def test_directory_changes_are_limited_to_own_agencies(sys_c: Caller, sent_to_b: str) -> None:
    body = json.dumps({"code": B1, "name": "Chiếm mã"}).encode()
    assert body_of(sys_c.call("registerAgency", body=body, content_type=JSON))["ErrorCode"] == "3"
    assert body_of(sys_c.call("deleteAgency", {"AgencyCode": B1}))["ErrorCode"] == "3"
    assert HubAgency.objects.get(code=B1).system.system_id == "SYS-B"


def test_status_about_another_systems_document_goes_only_to_its_sender(sys_a: Caller, sys_b: Caller,
                                                                       sys_c: Caller) -> None:
    doc_id = sys_b.sent(packages.status(B1, A1), from_code=B1, message_type="status")
    assert [item["docId"] for item in sys_a.received("status")] == [doc_id]
    assert sys_c.received("status") == []
