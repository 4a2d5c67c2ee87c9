"""The signed-header scheme shared by the hub and its client (docs/standards/hub-api.md#authentication)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from zoneinfo import ZoneInfo

import pytest

from vanthu.hubapi.auth import (
    SignHeaderError,
    hash_file_matches,
    hash_file_value,
    sdk_hex,
    sign_header_parse,
    signed_headers,
    timestamp_format,
    timestamp_parse,
)


def test_sdk_hex_drops_the_leading_zero_of_each_byte() -> None:
    assert sdk_hex(bytes([0x0A, 0xFF, 0x00, 0x10])) == "aff010"


def test_hash_file_in_both_encodings() -> None:
    body = b"edXML body"
    digest = hashlib.sha256(body).digest()
    assert hash_file_value(body, encoding="hex") == digest.hex()
    assert hash_file_value(body) == sdk_hex(digest)
    with pytest.raises(ValueError, match="encoding"):
        hash_file_value(body, encoding="base64")


def test_hash_file_matches_padded_unpadded_any_case_and_nothing_else() -> None:
    digest = bytes([0x01] * 32)
    assert hash_file_matches("01" * 32, digest) and hash_file_matches("1" * 32, digest)
    assert hash_file_matches(" " + "01" * 32 + " ", digest)
    assert not hash_file_matches("02" * 32, digest) and not hash_file_matches("", digest)
    assert hash_file_matches("AB" * 32, bytes([0xAB] * 32))


def test_timestamp_is_vietnam_time_with_milliseconds_padded_to_four_digits() -> None:
    moment = dt.datetime(2026, 3, 4, 18, 2, 3, 45_000, tzinfo=dt.UTC)
    assert timestamp_format(moment) == "05032026T010203+0045"
    assert timestamp_parse("05032026T010203+0045") == moment
    assert timestamp_parse("2026-03-05") is None and timestamp_parse("32132026T010203+0045") is None


UTC_PLUS_7 = dt.timezone(dt.timedelta(hours=7))


def test_timestamp_without_a_zone_is_read_in_the_given_zone() -> None:
    assert timestamp_parse("05032026T010203+0045", zone=dt.UTC) == dt.datetime(2026, 3, 5, 1, 2, 3, 45_000,
                                                                               tzinfo=dt.UTC)
    new_york = timestamp_parse("05032026T010203+0045", zone=ZoneInfo("America/New_York"))
    assert new_york == dt.datetime(2026, 3, 5, 6, 2, 3, 45_000, tzinfo=dt.UTC)


@pytest.mark.parametrize("value", [
    "05032026T080203+0000+07:00", "05032026T080203+07:00", "05032026T010203Z", "05032026T010203+0000Z",
    "04032026T200203-0500", "04032026T200203-05:00", "2026-03-05T08:02:03+07:00", "2026-03-05T01:02:03Z",
])
def test_explicit_offset_wins_over_the_configured_zone(value: str) -> None:
    for zone in (dt.UTC, UTC_PLUS_7, ZoneInfo("America/Sao_Paulo")):
        assert timestamp_parse(value, zone=zone) == dt.datetime(2026, 3, 5, 1, 2, 3, tzinfo=dt.UTC), (value, zone)


def test_four_digits_after_a_plus_stay_milliseconds_as_the_sdk_writes_them() -> None:
    assert timestamp_parse("05032026T010203+0700", zone=dt.UTC) == dt.datetime(2026, 3, 5, 1, 2, 3, 700_000,
                                                                               tzinfo=dt.UTC)


@pytest.mark.parametrize("value", ["05032026T010203+25:00", "05032026T010203+07:99", "05032026T010203+0000+0700x",
                                   "2026-03-05", "", "now"])
def test_unreadable_timestamps_are_none(value: str) -> None:
    assert timestamp_parse(value, zone=dt.UTC) is None


def test_signed_headers_follow_the_sdk() -> None:
    moment = dt.datetime(2026, 3, 5, 1, 2, 3, tzinfo=dt.UTC)
    headers = signed_headers(system_id="SYS", secret="khóa", inputs={"docId": "abc"},
                             content_type="application/json", moment=moment)
    names = dict(headers)
    assert names["Content-Type"] == names["XroadVnpt-Content-Type"] == "application/json"
    assert names["XroadVnpt-systemid"] == "SYS" and names["XroadVnpt-docId"] == "abc"
    assert names["XroadVnpt-sign-header-key"] == "systemid;timestamp;Content-Type;docId"
    sign_header = names["XroadVnpt-sign-header"]
    assert " " not in sign_header and json.loads(sign_header) == {
        "XroadVnpt-systemid": "SYS", "XroadVnpt-timestamp": "05032026T080203+0000",
        "XroadVnpt-Content-Type": "application/json", "XroadVnpt-docId": "abc"}
    expected = hmac.new("khóa".encode(), sign_header.encode(), hashlib.sha256).hexdigest()
    assert names["XroadVnpt-hash-header"] == expected
    assert names["User-Agent"] == "JAVASDKAgent/1.0.0 XRoad/VPCP" and names["XroadVnpt-version"] == "3.0.201608"
    assert all(value.isascii() for _, value in headers)


def test_each_call_gets_a_fresh_timestamp() -> None:
    first = dict(signed_headers(system_id="S", secret="x", inputs={}, content_type="a/b",
                                moment=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    second = dict(signed_headers(system_id="S", secret="x", inputs={}, content_type="a/b"))
    assert first["XroadVnpt-timestamp"] != second["XroadVnpt-timestamp"]


def test_sign_header_parse_strips_the_prefix_and_finds_names_in_any_case() -> None:
    fields = sign_header_parse(b'{"XroadVnpt-docid":"b","xroadvnpt-systemid":"S","plain":"p"}')
    assert fields.get("docId") == "b" and fields.get("systemid") == "S" and fields.get("plain") == "p"
    assert fields.get("missing") is None
    both = sign_header_parse(b'{"XroadVnpt-docId":"old","XroadVnpt-docid":"new"}')
    assert both.get("docid") == "new" and both.get("docId") == "old"


@pytest.mark.parametrize("raw", [b"[]", b"{", b'{"XroadVnpt-a": 1}', b"\xff"])
def test_sign_header_must_be_an_object_of_strings(raw: bytes) -> None:
    with pytest.raises(SignHeaderError):
        sign_header_parse(raw)
