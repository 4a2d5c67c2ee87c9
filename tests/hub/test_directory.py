"""The agency directory: registerAgency, deleteAgency, getAgenciesList(QD20), getSynchronizeUnit."""

from __future__ import annotations

import json

import pytest

from tests.hub import packages
from tests.hub.conftest import A1, A2, B1, JSON, Caller, body_of
from vanthu.hub.models import Delivery, HubAgency, HubEvent

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]

NEW = "000.12.11.H49"


def _register(caller: Caller, **fields: str) -> dict[str, object]:
    body = json.dumps({"id": "", "pcode": "", "mail": "", "mobile": "", "fax": "", **fields}).encode()
    return body_of(caller.call("registerAgency", body=body, content_type=JSON))


def _list(caller: Caller, operation: str = "getAgenciesList", **inputs: str) -> list[dict[str, object]]:
    answer = body_of(caller.call(operation, inputs))
    assert answer["ErrorCode"] == "0", answer
    return list(answer["data"])


def test_register_adds_an_agency_hosted_by_the_caller(sys_a: Caller) -> None:
    answer = _register(sys_a, code=f" {NEW} ", name="Phòng Nội vụ", pcode=A2, mail="pnv@quangninh.gov.vn")
    assert answer["ErrorCode"] == "0"
    agency = HubAgency.objects.get(code=NEW)
    assert agency.system == sys_a.system and agency.parent_code == A2 and agency.version == 1
    rows = {row["code"]: row for row in _list(sys_a)}
    assert rows[NEW]["pid"] == HubAgency.objects.get(code=A2).pk
    assert rows[NEW]["name"] == "Phòng Nội vụ" and rows[NEW]["mail"] == "pnv@quangninh.gov.vn"
    assert HubEvent.objects.filter(event_type="agency.registered", target=NEW).exists()


def test_new_agency_can_send_and_receive_at_once(sys_a: Caller, sys_b: Caller) -> None:
    _register(sys_a, code=NEW, name="Phòng Nội vụ")
    doc_id = sys_b.sent(packages.edoc(B1, [NEW]), from_code=B1)
    assert [item["docId"] for item in sys_a.received()] == [doc_id]
    assert sys_a.sent(packages.edoc(NEW, [B1]), from_code=NEW)


def test_registering_again_updates_and_bumps_the_version(sys_a: Caller) -> None:
    _register(sys_a, code=NEW, name="Phòng Nội vụ")
    _register(sys_a, code=NEW.lower(), name="Phòng Nội vụ huyện")
    agency = HubAgency.objects.get(code_key=NEW)
    assert (agency.name, agency.version) == ("Phòng Nội vụ huyện", 2)


def test_code_of_another_system_cannot_be_registered(sys_a: Caller, sys_b: Caller) -> None:
    assert _register(sys_b, code=A1, name="Chiếm mã")["ErrorCode"] == "3"
    agency = HubAgency.objects.get(code=A1)
    assert agency.system == sys_a.system and agency.name == "UBND tỉnh Quảng Ninh"


def test_deleted_code_of_another_system_cannot_be_taken_over(sys_a: Caller, sys_b: Caller) -> None:
    sys_a.call("deleteAgency", {"AgencyCode": A2})
    assert _register(sys_b, code=A2, name="Chiếm mã")["ErrorCode"] == "3"


@pytest.mark.parametrize("fields", [{"code": "not a code", "name": "X"}, {"code": NEW, "name": " "},
                                    {"code": NEW, "name": "X", "pcode": "bad code"}])
def test_invalid_registration_is_error_5(sys_a: Caller, fields: dict[str, str]) -> None:
    assert _register(sys_a, **fields)["ErrorCode"] == "5"
    assert not HubAgency.objects.filter(code_key=NEW).exists()


def test_registration_body_must_be_a_json_object(sys_a: Caller) -> None:
    for body in (b"{broken", b"[1, 2]"):
        assert body_of(sys_a.call("registerAgency", body=body, content_type=JSON))["ErrorCode"] == "5"


def test_delete_hides_the_agency_but_synchronize_reports_it(sys_a: Caller, sys_b: Caller) -> None:
    assert body_of(sys_a.call("deleteAgency", {"AgencyCode": A2}))["ErrorCode"] == "0"
    assert A2 not in {row["code"] for row in _list(sys_b)}
    synced = {row["code"]: row for row in _list(sys_b, "getSynchronizeUnit")}
    assert synced[A2]["deleted"] is True and synced[A2]["version"] == 2
    assert synced[A1]["deleted"] is False and synced[A1]["centerCode"] == "SYS-A"
    assert synced[B1]["centerCode"] == "SYS-B" and synced[A1]["isAgency"] is True
    assert str(synced[A1]["modifyDate"]).endswith("+07:00")


def test_deleted_agency_can_neither_send_nor_receive(sys_a: Caller, sys_b: Caller) -> None:
    sys_a.call("deleteAgency", {"AgencyCode": A2})
    assert body_of(sys_a.send(packages.edoc(A2, [B1]), from_code=A2))["ErrorCode"] == "3"
    doc_id = sys_b.sent(packages.edoc(B1, [A2]), from_code=B1)
    assert Delivery.objects.get(package__hub_id=doc_id).status == "failed"


def test_another_systems_agency_cannot_be_deleted(sys_a: Caller, sys_b: Caller) -> None:
    assert body_of(sys_b.call("deleteAgency", {"AgencyCode": A1}))["ErrorCode"] == "3"
    assert body_of(sys_b.call("deleteAgency", {"AgencyCode": "000.00.00.Z99"}))["ErrorCode"] == "3"
    assert not HubAgency.objects.get(code=A1).deleted


def test_qd20_list_filters_by_level_and_gives_the_qcvn_code(sys_a: Caller, sys_b: Caller) -> None:
    level1 = {row["code"] for row in _list(sys_a, "getAgenciesListQD20", level="1")}
    assert level1 == {A1, B1}
    level2 = _list(sys_a, "getAgenciesListQD20", level="2")
    assert [(row["code"], row["code102"]) for row in level2] == [(A2, A2)]


def test_every_connected_system_reads_the_whole_directory(sys_a: Caller, sys_b: Caller) -> None:
    assert {row["code"] for row in _list(sys_b)} == {A1, A2, B1}
