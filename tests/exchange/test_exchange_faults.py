"""Faults on the way, with real processes: the hub down while A issues, B killed in the middle of receiving, the
same package twice, hostile or broken packages at the hub, a wrong HMAC."""

from __future__ import annotations

import http.client
import json
from typing import Any

import pytest

from tests.builders import pdf_bytes
from tests.exchange.conftest import Province, Side
from tests.exchange.harness import wait_for
from vanthu import edxml
from vanthu.hubapi import auth as hubauth
from vanthu.hubapi.client import HubClient, HubError
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.xdist_group("province")


def _copies(side: Side, subject: str) -> list[dict[str, Any]]:
    return [row for row in side.call("incoming") if row["subject"] == subject]


def _delivery(side: Side, document_id: int) -> dict[str, Any]:
    [row] = side.call("deliveries", document_id=document_id)
    return dict(row)


def test_the_outbox_holds_while_the_hub_is_down_and_delivers_after_it_restarts(province: Province) -> None:
    a, b = province.a, province.b
    province.hub.stop()
    try:
        sent = a.call("issue", to=[[b.code, b.name]], subject="Về việc gửi khi trục đang dừng")
        wait_for(lambda: any(p["attempts"] >= 2 for p in a.call("packages") if p["direction"] == "OUT"
                             and p["state"] == "QUEUED"), what="retries while the hub is down")
        assert _delivery(a, sent["id"])["transport"] == "QUEUED"
    finally:
        province.hub.start()
    wait_for(lambda: _delivery(a, sent["id"])["transport"] == "SENT", timeout=90, what="sent after restart")
    wait_for(lambda: _copies(b, sent["subject"]), what="the copy in B")
    wait_for(lambda: _delivery(a, sent["id"])["status_code"] == "01", what="01 at A")
    assert len(_copies(b, sent["subject"])) == 1


@pytest.mark.parametrize("when", ["before_commit", "after_commit"])
def test_b_killed_while_receiving_ends_with_exactly_one_incoming_document(province: Province, when: str) -> None:
    a, b = province.a, province.b
    b.deployment.stop_worker()
    try:
        sent = a.call("issue", to=[[b.code, b.name]], subject=f"Về việc nhận bị gián đoạn ({when})")
        wait_for(lambda: _delivery(a, sent["id"])["transport"] == "SENT", what="sent by A")
        with pytest.raises(AssertionError, match="driver exited"):
            b.call("receive_crash", when=when)  # the driver process dies at that point
        expected = 0 if when == "before_commit" else 1
        assert len(_copies(b, sent["subject"])) == expected, "a crash inside the transaction stores nothing"
        b.call("poll")  # the restarted receiver: the hub delivers the package again
        b.call("poll")
        assert len(_copies(b, sent["subject"])) == 1
    finally:
        b.deployment.start_worker()
    wait_for(lambda: _delivery(a, sent["id"])["status_code"] == "01", what="01 at A")


def _client(side: Side, province: Province) -> HubClient:
    deployment = side.deployment
    return HubClient(endpoint=province.hub.url, system_id=deployment.system_id, secret=deployment.secret)


def _package(a: Side, b: Side, subject: str) -> bytes:
    header = edxml.MessageHeader(
        from_=edxml.Organization(organ_id=a.code, organ_name=a.name),
        to=(edxml.Organization(organ_id=b.code, organ_name=b.name),),
        document_id=f"{a.code},2026/12/06,99/TEST-{subject[-4:]}",
        code=edxml.Code(code_number="99", code_notation="TB-STN"),
        promulgation_info=edxml.PromulgationInfo(place="Hà Nội", promulgation_date=None),
        document_type=edxml.DocumentTypeInfo(type=7, type_detail=0, type_name="Thông báo"),
        subject=subject,
    )
    package = edxml.DocumentPackage(header=header, attachments=(
        edxml.Attachment(name="thong-bao.pdf", content_type="application/pdf",
                         data=pdf_bytes("Thong bao thu nghiem")),))
    return edxml.document_package_build(package)


def test_the_same_package_sent_twice_makes_one_document(province: Province) -> None:
    a, b = province.a, province.b
    client = _client(a, province)
    data = _package(a, b, "Về việc gói tin gửi hai lần 0001")
    first = client.send(package=data, from_organ_id=a.code, message_type="edoc", to=[b.code])
    second = client.send(package=data, from_organ_id=a.code, message_type="edoc", to=[b.code])
    assert first == second, "the hub answers a repeated body with the first DocId"
    wait_for(lambda: _copies(b, "Về việc gói tin gửi hai lần 0001"), what="the copy in B")
    b.call("poll")
    assert len(_copies(b, "Về việc gói tin gửi hai lần 0001")) == 1


def _raw_send(province: Province, side: Side, body: bytes, *, hash_file: str | None = None,
              secret: str | None = None) -> tuple[int, dict[str, Any]]:
    deployment = side.deployment
    inputs = {"from": side.code, "servicetype": "eDoc", "messagetype": "edoc",
              "hash-file": hash_file if hash_file is not None else hubauth.hash_file_value(body)}
    headers = hubauth.signed_headers(system_id=deployment.system_id, secret=secret or deployment.secret,
                                     inputs=inputs, content_type="application/octet-stream")
    connection = http.client.HTTPConnection("127.0.0.1", province.hub.port, timeout=60)
    try:
        connection.request("POST", "/sendEdoc", body=body, headers=dict(headers))
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


def _hub_count(province: Province, side: Side) -> int:
    return _client(side, province).count_received("edoc")


XXE = (b'<?xml version="1.0"?><!DOCTYPE edXML [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<edXML><edXMLEnvelope><edXMLHeader><MessageHeader><Subject>&x;</Subject></MessageHeader>'
       b'</edXMLHeader></edXMLEnvelope></edXML>')
LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><edXML>&c;</edXML>')


@pytest.mark.parametrize("case", ["wrong_hash", "xxe", "entity_expansion", "truncated", "bad_signature"])
def test_a_broken_or_hostile_package_is_refused_by_the_hub_and_nothing_is_stored(
    province: Province, test_pki: TestPki, case: str,
) -> None:
    a, b = province.a, province.b
    good = _package(a, b, f"Về việc gói tin lỗi {case} 0002")
    bodies = {"wrong_hash": good, "xxe": XXE, "entity_expansion": LAUGHS, "truncated": good[: len(good) // 2],
              "bad_signature": _tampered_signed(a, b, test_pki)}
    before = _hub_count(province, b)
    status, answer = _raw_send(province, a, bodies[case],
                               hash_file=hubauth.hash_file_value(b"other") if case == "wrong_hash" else None)
    assert answer.get("ErrorCode") != "0", answer
    assert answer.get("ErrorDesc"), "a clear reason"
    expected = {"wrong_hash": "4", "bad_signature": "1"}.get(case, "5")
    assert answer["ErrorCode"] == expected, answer
    assert _hub_count(province, b) == before, "nothing queued for the recipient"
    assert status in (200, 400, 401, 413, 422)


def _tampered_signed(a: Side, b: Side, pki: TestPki) -> bytes:
    """A package signed with an exchange certificate (the test PKI's agency-rsa), changed after signing."""
    identity = pki.identity("agency-rsa")
    signer = edxml.PackageSigner.from_pem(identity.cert_pem, identity.key_pem)
    header = edxml.MessageHeader(
        from_=edxml.Organization(organ_id=a.code, organ_name=a.name),
        to=(edxml.Organization(organ_id=b.code, organ_name=b.name),),
        document_id=f"{a.code},2026/12/06,98/TB-STN", code=edxml.Code(code_number="98", code_notation="TB-STN"),
        promulgation_info=edxml.PromulgationInfo(place="Hà Nội", promulgation_date=None),
        document_type=edxml.DocumentTypeInfo(type=7, type_detail=0, type_name="Thông báo"),
        subject="Về việc gói tin bị sửa sau khi ký",
    )
    signed = edxml.document_package_build(edxml.DocumentPackage(header=header, attachments=(
        edxml.Attachment(name="a.pdf", content_type="application/pdf", data=pdf_bytes("a")),)),
        signer=signer)
    return signed.replace("bị sửa sau khi ký".encode(), "đã bị sửa trên đường".encode())


def test_a_200_mb_body_is_refused_without_storing_it(province: Province) -> None:
    a, b = province.a, province.b
    before = _hub_count(province, b)
    body = b"0" * (200 * 1024 * 1024)
    try:
        _status, answer = _raw_send(province, a, body, hash_file=hubauth.hash_file_value(body))
    except (ConnectionResetError, BrokenPipeError):
        answer = {"ErrorCode": "7"}  # the hub answered early and closed the connection mid-upload
    assert answer.get("ErrorCode") == "7", answer
    assert _hub_count(province, b) == before


def test_a_wrong_hmac_is_401(province: Province) -> None:
    a = province.a
    status, answer = _raw_send(province, a, _package(a, province.b, "Về việc sai khóa 0003"),
                               secret="khong-phai-khoa-nay")
    assert status == 401 and answer.get("ErrorCode") == "1"
    with pytest.raises(HubError):
        HubClient(endpoint=province.hub.url, system_id=a.deployment.system_id, secret="sai").count_received("edoc")
