"""What the official SDK sends, through the hub's views (test database: SQLite or PostgreSQL): the stand-in of
tests/hub/sdk_client.py against the cases seen in the field. The whole flow against a real process:
test_sdk_flow.py."""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from tests.hub import packages
from tests.hub.conftest import A1, B1, C1, Caller
from tests.hub.sdk_client import (
    DjangoTransport,
    JavaHashMap,
    KnobstickService,
    gson_json,
    gson_lenient_object,
    java_timestamp,
    unpadded_hex,
)
from vanthu.hub.models import Delivery, Package

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]

UTC = ZoneInfo("UTC")


def _knobstick(caller: Caller, *, zone: ZoneInfo = UTC, jvm_charset: str = "utf-8") -> KnobstickService:
    return KnobstickService(system_id=caller.system_id, secret=caller.secret, transport=DjangoTransport(),
                            zone=zone, jvm_charset=jvm_charset)


def _send_inputs(from_code: str, message_type: str = "edoc", to: list[str] | None = None) -> str:
    inputs = f'{{"from":"{from_code}","servicetype":"eDoc","messagetype":"{message_type}"'
    return inputs + (f',"to":{gson_json(to)}}}' if to is not None else "}")


# -- the stand-in itself: Java's behaviour, checked against a JDK --------------------------------------------------


def test_stand_in_orders_headers_as_a_java_hashmap_including_its_resize() -> None:
    keys = ["timestamp", "systemid", "Content-Type", "servicetype", "messagetype", "from", "to", "hash-file",
            "filePath", "docId", "status", "docid", "AgencyCode"]
    seen = JavaHashMap()
    for key in keys:
        seen.put(key, "v")
    # Printed by OpenJDK 17's HashMap for the same puts (13 keys: the table has grown from 16 to 32).
    assert ";".join(key for key, _ in seen.items()) == (
        "systemid;messagetype;docId;docid;filePath;servicetype;hash-file;AgencyCode;from;to;timestamp;Content-Type;"
        "status")


def test_stand_in_stamps_and_hashes_like_the_jdk() -> None:
    moment = dt.datetime(2026, 3, 5, 1, 2, 3, 45_000, tzinfo=dt.UTC)
    assert java_timestamp(moment, UTC) == "05032026T010203+0045"
    assert java_timestamp(moment, ZoneInfo("Asia/Ho_Chi_Minh")) == "05032026T080203+0045"
    assert unpadded_hex(bytes([0x0A, 0xFF, 0x00, 0x10])) == "aff010"


def test_stand_in_reads_the_examples_unquoted_values_as_gson_does() -> None:
    assert gson_lenient_object('{"status":"done","docId":0dbcb61d-e30e-45e9}') == {
        "status": "done", "docId": "0dbcb61d-e30e-45e9"}
    assert gson_lenient_object('{"from":"000.00.00.H49","to":["000.00.00.G22"]}')["to"] == ["000.00.00.G22"]


# -- sendEdoc ------------------------------------------------------------------------------------------------------


def test_sdk_send_is_accepted_and_stored_without_the_crlf_it_appends(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    sdk = _knobstick(sys_a)
    result = sdk.send(_send_inputs(A1), package)
    assert result is not None and (result.status, result.error_code) == ("OK", "0") and result.doc_id
    _, headers, body = sdk.sent[-1]
    assert body == package + b"\r\n"
    assert dict(headers)["XroadVnpt-hash-file"] == unpadded_hex(hashlib.sha256(package).digest())
    stored = Package.objects.get(hub_id=result.doc_id)
    assert bytes(stored.body) == package and stored.sha256 == hashlib.sha256(package).hexdigest()


def test_sdk_status_package_is_accepted_with_the_crlf(sys_a: Caller, sys_b: Caller) -> None:
    result = _knobstick(sys_b).send(_send_inputs(B1, "status"), packages.status(B1, A1, code="03"))
    assert result is not None and result.error_code == "0"
    assert [item["docId"] for item in sys_a.received("status")] == [result.doc_id]


def test_sdk_to_input_travels_as_json_text_and_routes(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> None:
    result = _knobstick(sys_a).send(_send_inputs(A1, to=[C1]), packages.edoc(A1, [B1, C1]))
    assert result is not None and result.error_code == "0"
    assert list(Delivery.objects.values_list("recipient_code", flat=True)) == [C1]


def test_sdk_gets_a_result_with_an_empty_doc_id_when_its_send_is_refused(sys_a: Caller, sys_b: Caller) -> None:
    result = _knobstick(sys_a).send(_send_inputs(B1), packages.edoc(B1, [A1]))
    assert result is not None  # the SDK returned null before: no DocId in the refusal
    assert (result.status, result.error_code, result.doc_id) == ("FAIL", "3", "")
    assert result.error_desc == f"Đơn vị {B1} không thuộc hệ thống gửi yêu cầu"


@pytest.mark.parametrize("charset", ["utf-8", "cp1252", "ascii"])
def test_sdk_refusal_message_stays_vietnamese_whatever_the_jvm_charset(sys_a: Caller, sys_b: Caller,
                                                                       charset: str) -> None:
    result = _knobstick(sys_a, jvm_charset=charset).send(_send_inputs(A1, "status"), packages.edoc(A1, [B1]))
    assert result is not None and result.error_code == "5"
    assert result.error_desc == "Tham số messagetype không khớp với loại gói tin"


def test_sdk_success_answer_read_as_us_ascii_keeps_the_warning_text(sys_a: Caller, sys_b: Caller) -> None:
    result = _knobstick(sys_a).send(_send_inputs(A1), packages.with_foreign_signature(packages.edoc(A1, [B1])))
    assert result is not None and result.error_code == "0" and result.doc_id
    assert "không được kiểm tra" in result.error_desc


# -- timestamps from a JVM outside Vietnam ---------------------------------------------------------------------------


@override_settings(VANTHU_HUB_MAX_CLOCK_SKEW=300, VANTHU_HUB_CLIENT_TIMEZONE="UTC")
def test_sdk_in_a_utc_jvm_passes_the_clock_check_when_the_hub_reads_utc(sys_a: Caller, sys_b: Caller) -> None:
    result = _knobstick(sys_a, zone=UTC).send(_send_inputs(A1), packages.edoc(A1, [B1]))
    assert result is not None and result.error_code == "0"


@override_settings(VANTHU_HUB_MAX_CLOCK_SKEW=300, VANTHU_HUB_CLIENT_TIMEZONE="America/New_York")
def test_sdk_in_a_new_york_jvm_passes_the_clock_check_when_the_hub_reads_new_york(sys_a: Caller,
                                                                                     sys_b: Caller) -> None:
    sdk = _knobstick(sys_a, zone=ZoneInfo("America/New_York"))
    result = sdk.count("countReceiveEdoc")
    assert result is not None and result.error_code == "0"


# -- updateStatus as the examples write it ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["docId", "docid"])
def test_sdk_update_status_with_the_doc_id_unquoted_acknowledges(sys_a: Caller, sys_b: Caller, key: str) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1]), from_code=A1)
    result = _knobstick(sys_b).update_status(f'{{"status":"done","{key}":{doc_id}}}')
    assert result is not None and result.error_code == "0"
    assert Delivery.objects.get().status == "acked"
