"""HMAC-SHA256 over the literal sign-header (docs/standards/hub-api.md#hub-side)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tests.hub.conftest import JSON, Caller, body_of
from vanthu.hub import conf, services
from vanthu.hubapi.auth import signature, signed_headers, timestamp_format

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]


def _raw_call(caller: Caller, headers: dict[str, str], operation: str = "getAgenciesList") -> dict[str, object]:
    headers = dict(headers)
    headers.pop("Content-Type", None)
    response = caller.client.post(f"/{operation}", data=b"", content_type=JSON, headers=headers)
    return {"http": response.status_code, **body_of(response)}


def test_correctly_signed_call_is_answered(sys_a: Caller) -> None:
    response = sys_a.call("getAgenciesList")
    assert response.status_code == 200
    assert body_of(response)["status"] == "OK" and body_of(response)["ErrorCode"] == "0"


def test_wrong_secret_is_refused_with_401_and_error_1(sys_a: Caller) -> None:
    response = sys_a.call("getAgenciesList", secret="not-the-secret")
    assert response.status_code == 401
    assert body_of(response)["ErrorCode"] == "1" and body_of(response)["status"] == "FAIL"


def test_unknown_system_is_error_2(sys_a: Caller) -> None:
    headers = dict(signed_headers(system_id="NO-SUCH", secret="x", inputs={}, content_type=JSON))
    answer = _raw_call(sys_a, headers)
    assert answer["http"] == 401 and answer["ErrorCode"] == "2"


def test_deactivated_system_is_unknown(sys_a: Caller) -> None:
    sys_a.system.is_active = False
    sys_a.system.save(update_fields=["is_active"])
    assert body_of(sys_a.call("getAgenciesList"))["ErrorCode"] == "2"


def test_secret_change_takes_effect_at_once(sys_a: Caller) -> None:
    services.system_add(system_id=sys_a.system_id, secret="rotated")
    assert sys_a.call("getAgenciesList").status_code == 401
    assert sys_a.call("getAgenciesList", secret="rotated").status_code == 200


def test_missing_signature_headers_are_refused(sys_a: Caller) -> None:
    headers = dict(signed_headers(system_id=sys_a.system_id, secret=sys_a.secret, inputs={}, content_type=JSON))
    for missing in ("XroadVnpt-sign-header", "XroadVnpt-hash-header"):
        partial = {k: v for k, v in headers.items() if k != missing}
        assert _raw_call(sys_a, partial)["ErrorCode"] == "1"


def test_edited_signed_value_breaks_the_signature(sys_a: Caller) -> None:
    headers = dict(signed_headers(system_id=sys_a.system_id, secret=sys_a.secret, inputs={"level": "1"},
                                  content_type=JSON))
    headers["XroadVnpt-sign-header"] = headers["XroadVnpt-sign-header"].replace('"1"', '"2"')
    headers["XroadVnpt-level"] = "2"
    assert _raw_call(sys_a, headers, "getAgenciesListQD20")["http"] == 401


def test_separate_header_must_match_the_signed_value(sys_a: Caller) -> None:
    headers = dict(signed_headers(system_id=sys_a.system_id, secret=sys_a.secret, inputs={"level": "1"},
                                  content_type=JSON))
    headers["XroadVnpt-level"] = "2"
    answer = _raw_call(sys_a, headers, "getAgenciesListQD20")
    assert answer["http"] == 401 and answer["ErrorCode"] == "1"


def test_key_order_is_free_and_hash_header_case_does_not_matter(sys_a: Caller) -> None:
    fields = {"XroadVnpt-level": "1", "XroadVnpt-Content-Type": JSON, "XroadVnpt-timestamp": timestamp_format(),
              "XroadVnpt-systemid": sys_a.system_id}
    sign_header = json.dumps(fields, separators=(",", ":"))
    headers = {"XroadVnpt-sign-header": sign_header,
               "XroadVnpt-hash-header": signature(sys_a.secret, sign_header).upper()}
    assert _raw_call(sys_a, headers, "getAgenciesListQD20")["ErrorCode"] == "0"


def test_signature_covers_the_utf8_bytes_of_a_non_ascii_sign_header(sys_a: Caller) -> None:
    # The SDK's Gson writes non-ASCII as is; a server hands header bytes over decoded as Latin-1.
    fields = {"XroadVnpt-systemid": sys_a.system_id, "XroadVnpt-timestamp": timestamp_format(),
              "XroadVnpt-note": "Văn phòng"}
    sign_header = json.dumps(fields, separators=(",", ":"), ensure_ascii=False)
    headers = {"XroadVnpt-sign-header": sign_header.encode("utf-8").decode("latin-1"),
               "XroadVnpt-hash-header": signature(sys_a.secret, sign_header.encode("utf-8"))}
    assert _raw_call(sys_a, headers)["ErrorCode"] == "0"


def test_non_json_sign_header_is_a_bad_signature(sys_a: Caller) -> None:
    headers = {"XroadVnpt-sign-header": "{not json", "XroadVnpt-hash-header": signature(sys_a.secret, "{not json")}
    assert _raw_call(sys_a, headers)["ErrorCode"] == "1"


def test_stale_timestamp_is_only_logged_by_default(sys_a: Caller) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    headers = dict(signed_headers(system_id=sys_a.system_id, secret=sys_a.secret, inputs={}, content_type=JSON,
                                  moment=old))
    assert _raw_call(sys_a, headers)["ErrorCode"] == "0"


@override_settings(VANTHU_HUB_MAX_CLOCK_SKEW=300)
def test_stale_timestamp_is_refused_when_a_skew_limit_is_set(sys_a: Caller) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    headers = dict(signed_headers(system_id=sys_a.system_id, secret=sys_a.secret, inputs={}, content_type=JSON,
                                  moment=old))
    assert _raw_call(sys_a, headers)["http"] == 401
    assert sys_a.call("getAgenciesList").status_code == 200


def _stamped(caller: Caller, timestamp: str) -> dict[str, str]:
    """Headers of a call stamped ``timestamp``, the way a JVM writes its own wall clock."""
    sign_header = json.dumps({"XroadVnpt-timestamp": timestamp, "XroadVnpt-systemid": caller.system_id,
                              "XroadVnpt-Content-Type": JSON}, separators=(",", ":"))
    return {"XroadVnpt-sign-header": sign_header, "XroadVnpt-hash-header": signature(caller.secret, sign_header)}


def _jvm_clock(zone: str, suffix: str = "") -> str:
    local = dt.datetime.now(ZoneInfo(zone))
    return f"{local:%d%m%Y}T{local:%H%M%S}+{local.microsecond // 1000:04d}{suffix}"


@override_settings(VANTHU_HUB_MAX_CLOCK_SKEW=300, VANTHU_HUB_CLIENT_TIMEZONE="UTC")
def test_sdk_in_a_utc_jvm_is_accepted_when_the_hub_reads_client_clocks_in_utc(sys_a: Caller) -> None:
    assert _raw_call(sys_a, _stamped(sys_a, _jvm_clock("UTC")))["ErrorCode"] == "0"


@override_settings(VANTHU_HUB_MAX_CLOCK_SKEW=300, VANTHU_HUB_CLIENT_TIMEZONE="America/Sao_Paulo")
def test_timestamp_with_its_own_offset_is_read_with_it_whatever_the_client_zone(sys_a: Caller) -> None:
    assert _raw_call(sys_a, _stamped(sys_a, _jvm_clock("Asia/Tokyo", "+09:00")))["ErrorCode"] == "0"
    assert _raw_call(sys_a, _stamped(sys_a, _jvm_clock("UTC", "Z")))["ErrorCode"] == "0"
    assert _raw_call(sys_a, _stamped(sys_a, _jvm_clock("UTC", "+07:00")))["http"] == 401


@override_settings(VANTHU_HUB_CLIENT_TIMEZONE="Asia/Ha_Noi")
def test_misspelt_client_zone_stops_the_hub_with_a_clear_message() -> None:
    with pytest.raises(ImproperlyConfigured, match="VANTHU_HUB_CLIENT_TIMEZONE"):
        conf.client_timezone()


def test_operation_names_are_case_insensitive_and_unknown_ones_404(sys_a: Caller) -> None:
    assert sys_a.call("GETAGENCIESLIST").status_code == 200
    assert sys_a.call("noSuchOperation").status_code == 404


def test_wrong_method_is_405(sys_a: Caller) -> None:
    assert sys_a.call("sendEdoc", method="GET").status_code == 405
