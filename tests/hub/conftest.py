"""Connected systems, agencies and a signed caller for the hub's views (Django's test client)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client

from vanthu.hub import services
from vanthu.hub.models import ConnectedSystem
from vanthu.hubapi.auth import hash_file_value, signed_headers

JSON = "application/json"
OCTET = "application/octet-stream"

A1, A2 = "000.00.00.H49", "000.00.11.H49"  # hosted by system A (a province)
B1 = "000.00.00.G22"  # hosted by system B
C1 = "000.00.00.G09"  # hosted by system C


@dataclass
class Caller:
    """One connected system calling the hub through Django's test client, signing like the SDK."""

    client: Client
    system: ConnectedSystem
    secret: str

    @property
    def system_id(self) -> str:
        return self.system.system_id

    def call(self, operation: str, inputs: dict[str, str] | None = None, *, body: bytes = b"",
             content_type: str = JSON, method: str = "POST", extra: dict[str, str] | None = None,
             secret: str | None = None) -> HttpResponse:
        headers = dict(signed_headers(system_id=self.system_id, secret=secret or self.secret, inputs=inputs or {},
                                      content_type=content_type))
        headers.pop("Content-Type")
        headers.update(extra or {})
        response: HttpResponse = self.client.generic(method, f"/{operation}", data=body, content_type=content_type,
                                                     headers=headers)
        return response

    def send(self, package: bytes, *, from_code: str, message_type: str = "edoc", to: list[str] | None = None,
             hash_file: str | None = None) -> HttpResponse:
        inputs = {"from": from_code, "servicetype": "eDoc", "messagetype": message_type,
                  "hash-file": hash_file if hash_file is not None else hash_file_value(package)}
        if to is not None:
            inputs["to"] = json.dumps(to)
        return self.call("sendEdoc", inputs, body=package, content_type=OCTET)

    def sent(self, package: bytes, *, from_code: str, **kwargs: Any) -> str:
        """Send and return the DocId, failing the test on a refusal."""
        answer = body_of(self.send(package, from_code=from_code, **kwargs))
        assert answer["ErrorCode"] == "0", answer
        return str(answer["DocId"])

    def received(self, message_type: str = "edoc") -> list[dict[str, Any]]:
        answer = body_of(self.call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": message_type}))
        assert answer["ErrorCode"] == "0", answer
        return list(answer["data"])

    def ack(self, doc_id: str, status: str) -> dict[str, Any]:
        return body_of(self.call("updateStatus", {"docId": doc_id, "status": status}))

    def sent_list(self, doc_id: str | None = None, message_type: str = "edoc") -> list[dict[str, Any]]:
        inputs = {"servicetype": "eDoc", "messagetype": message_type}
        if doc_id:
            inputs["docId"] = doc_id
        answer = body_of(self.call("getSentEdocList", inputs))
        assert answer["ErrorCode"] == "0", answer
        return list(answer["data"])


def body_of(response: HttpResponse) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(response.content)
    return data


def caller_make(system_id: str, agencies: dict[str, str]) -> Caller:
    secret = f"secret-of-{system_id}"
    system = services.system_add(system_id=system_id, secret=secret)
    for code, name in agencies.items():
        services.agency_register(actor=None, system=system, code=code, name=name)
    return Caller(client=Client(), system=system, secret=secret)


@pytest.fixture
def sys_a(db: None) -> Caller:
    return caller_make("SYS-A", {A1: "UBND tỉnh Quảng Ninh", A2: "Sở Nội vụ Quảng Ninh"})


@pytest.fixture
def sys_b(db: None) -> Caller:
    return caller_make("SYS-B", {B1: "Văn phòng Chính phủ"})


@pytest.fixture
def sys_c(db: None) -> Caller:
    return caller_make("SYS-C", {C1: "Bộ Nội vụ"})
