"""How the client reads the hub's answers: ErrorCode decides, 5xx and silence are "unavailable"."""

from __future__ import annotations

import json

import pytest

from vanthu.hubapi.client import HubClient, HubError, HubUnavailableError, _envelope


def _body(**data: object) -> bytes:
    return json.dumps(data).encode()


def test_error_code_zero_is_success_whatever_status_says() -> None:
    assert _envelope("op", 200, _body(status="FAIL", ErrorCode="0", DocId="x"))["DocId"] == "x"
    assert _envelope("op", 200, _body(status="SUCCESS", ErrorCode=0))["ErrorCode"] == 0


def test_non_zero_error_code_is_a_refusal_even_with_status_ok() -> None:
    with pytest.raises(HubError) as caught:
        _envelope("sendEdoc", 200, _body(status="OK", ErrorCode="5", ErrorDesc="Gói tin hỏng"))
    assert not isinstance(caught.value, HubUnavailableError)
    assert caught.value.error_code == "5" and caught.value.error_desc == "Gói tin hỏng"
    assert caught.value.extra["error_code"] == "5" and "Gói tin hỏng" in str(caught.value.message)


def test_missing_error_code_falls_back_to_status() -> None:
    assert _envelope("op", 200, _body(status="OK", data=[]))["data"] == []
    with pytest.raises(HubError):
        _envelope("op", 200, _body(status="FAIL"))


@pytest.mark.parametrize(("status", "content"), [(500, b"<html>oops"), (502, b""), (503, b"busy"),
                                                 (500, _body(status="FAIL", ErrorCode="9", ErrorDesc="x"))])
def test_server_errors_are_unavailable(status: int, content: bytes) -> None:
    with pytest.raises(HubUnavailableError) as caught:
        _envelope("op", status, content)
    assert "Không kết nối được trục liên thông văn bản" in str(caught.value.message)


def test_unreadable_client_error_is_a_refusal() -> None:
    with pytest.raises(HubError) as caught:
        _envelope("op", 404, b"Not Found")
    assert not isinstance(caught.value, HubUnavailableError)


def test_client_refuses_bad_arguments_before_calling() -> None:
    with pytest.raises(ValueError, match="endpoint"):
        HubClient(endpoint="ftp://hub", system_id="S", secret="x")
    with pytest.raises(ValueError, match="hash_file_encoding"):
        HubClient(endpoint="http://hub", system_id="S", secret="x", hash_file_encoding="base64")
    client = HubClient(endpoint="http://127.0.0.1:9", system_id="S", secret="very-secret")
    assert "very-secret" not in repr(client)
    with pytest.raises(ValueError, match="message_type"):
        client.received_list(message_type="fax")
    with pytest.raises(ValueError, match="status"):
        client.ack("x", "maybe")
