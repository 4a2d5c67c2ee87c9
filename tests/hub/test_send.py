"""sendEdoc: validation before acceptance, routing, one transaction, duplicates
(docs/standards/hub-api.md#open-points)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.http import HttpResponse
from django.test import override_settings

from tests.edxml.kit import agency_signer
from tests.hub import packages
from tests.hub.conftest import A1, A2, B1, C1, OCTET, Caller, body_of
from vanthu.hub import services
from vanthu.hub.models import Delivery, HubEvent, Package
from vanthu.hubapi.auth import hash_file_value, sdk_hex, signed_headers

pytestmark = [pytest.mark.urls("vanthu.hub.urls"), pytest.mark.django_db]


def _nothing_stored() -> bool:
    return not Package.objects.exists() and not Delivery.objects.exists()


def _package_with_short_sdk_hash() -> bytes:
    """A package whose SHA-256 has a byte below 0x10, so the SDK's unpadded hex differs from the padded one."""
    for number in range(1, 200):
        package = packages.edoc(A1, [B1], number=number)
        digest = hashlib.sha256(package).digest()
        if sdk_hex(digest) != digest.hex():
            return package
    raise AssertionError("no package with a short hex byte")


def test_accepted_package_is_stored_with_one_delivery_per_recipient(sys_a: Caller, sys_b: Caller,
                                                                    sys_c: Caller) -> None:
    package = packages.edoc(A1, [B1, C1])
    doc_id = sys_a.sent(package, from_code=A1)
    stored = Package.objects.get(hub_id=doc_id)
    assert bytes(stored.body) == package and stored.sha256 == hashlib.sha256(package).hexdigest()
    assert stored.size == len(package) and stored.message_type == "edoc" and stored.sender_system == sys_a.system
    assert sorted(Delivery.objects.filter(package=stored).values_list("recipient_code", "status")) == [
        (C1, "pending"), (B1, "pending")]
    assert len(doc_id) == 32 and int(doc_id, 16) >= 0


def test_sdk_unpadded_hash_file_is_accepted(sys_a: Caller, sys_b: Caller) -> None:
    package = _package_with_short_sdk_hash()
    unpadded = hash_file_value(package, encoding="sdk")
    assert len(unpadded) < 64
    assert sys_a.sent(package, from_code=A1, hash_file=unpadded)


@pytest.mark.parametrize("form", ["hex", "HEX"])
def test_padded_hash_file_in_any_case_is_accepted(sys_a: Caller, sys_b: Caller, form: str) -> None:
    package = packages.edoc(A1, [B1])
    value = hash_file_value(package, encoding="hex")
    assert sys_a.sent(package, from_code=A1, hash_file=value.upper() if form == "HEX" else value)


def test_plain_hash_file_header_is_accepted(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    response = sys_a.call("sendEdoc", {"from": A1, "servicetype": "eDoc", "messagetype": "edoc"}, body=package,
                          content_type=OCTET, extra={"hash-file": hash_file_value(package)})
    assert body_of(response)["ErrorCode"] == "0"


@pytest.mark.parametrize("hash_file", ["", "0" * 64, "not-hex"])
def test_wrong_or_missing_hash_file_is_error_4_and_nothing_is_stored(sys_a: Caller, sys_b: Caller,
                                                                     hash_file: str) -> None:
    response = sys_a.send(packages.edoc(A1, [B1]), from_code=A1, hash_file=hash_file)
    assert body_of(response)["ErrorCode"] == "4" and response.status_code == 400
    assert _nothing_stored()


def test_hash_of_another_body_is_error_4(sys_a: Caller, sys_b: Caller) -> None:
    response = sys_a.send(packages.edoc(A1, [B1]), from_code=A1,
                          hash_file=hash_file_value(packages.edoc(A1, [B1])))
    assert body_of(response)["ErrorCode"] == "4"
    assert _nothing_stored()


def test_sending_as_an_agency_of_another_system_is_error_3(sys_a: Caller, sys_b: Caller) -> None:
    response = sys_a.send(packages.edoc(B1, [A1]), from_code=B1)
    assert body_of(response)["ErrorCode"] == "3" and response.status_code == 403
    assert _nothing_stored()


def test_sending_as_an_unregistered_agency_is_error_3(sys_a: Caller, sys_b: Caller) -> None:
    response = sys_a.send(packages.edoc("000.00.99.H49", [B1]), from_code="000.00.99.H49")
    assert body_of(response)["ErrorCode"] == "3"
    assert _nothing_stored()


def test_from_input_must_agree_with_the_package_sender(sys_a: Caller, sys_b: Caller) -> None:
    # A2 is the caller's too, but the package says it comes from B1: refused, whatever the header claims.
    response = sys_a.send(packages.edoc(B1, [A1]), from_code=A2)
    answer = body_of(response)
    assert answer["ErrorCode"] == "5" and "From/OrganId" in answer["ErrorDesc"]
    assert _nothing_stored()


@pytest.mark.parametrize("body", [packages.XXE, packages.BILLION_LAUGHS], ids=["xxe", "entity-expansion"])
def test_hostile_package_is_error_5_naming_the_element_and_nothing_is_stored(sys_a: Caller, body: bytes) -> None:
    answer = body_of(sys_a.send(body, from_code=A1))
    assert answer["ErrorCode"] == "5" and "DOCTYPE" in answer["ErrorDesc"]
    assert _nothing_stored()


def test_truncated_package_is_error_5_naming_the_element(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    answer = body_of(sys_a.send(package[: len(package) // 3], from_code=A1))
    assert answer["ErrorCode"] == "5" and "edXML" in answer["ErrorDesc"]
    assert _nothing_stored()


def test_not_xml_at_all_is_error_5(sys_a: Caller) -> None:
    assert body_of(sys_a.send(b"%PDF-1.7 not a package", from_code=A1))["ErrorCode"] == "5"
    assert _nothing_stored()


def test_message_type_must_match_the_package(sys_a: Caller, sys_b: Caller) -> None:
    answer = body_of(sys_a.send(packages.edoc(A1, [B1]), from_code=A1, message_type="status"))
    assert answer["ErrorCode"] == "5" and "messagetype" in answer["ErrorDesc"]
    assert body_of(sys_a.send(packages.edoc(A1, [B1]), from_code=A1, message_type="fax"))["ErrorCode"] == "5"
    assert _nothing_stored()


@override_settings(VANTHU_HUB_MAX_PACKAGE_BYTES=20_000)
def test_package_over_the_limit_is_error_7_and_nothing_is_stored(sys_a: Caller, sys_b: Caller) -> None:
    response = sys_a.send(packages.edoc(A1, [B1], size=30_000), from_code=A1)
    assert response.status_code == 413 and body_of(response)["ErrorCode"] == "7"
    assert _nothing_stored()
    assert sys_a.sent(packages.edoc(A1, [B1], size=5_000), from_code=A1)


@override_settings(VANTHU_HUB_MAX_PACKAGE_BYTES=20_000)
def test_declared_length_over_the_limit_is_refused_before_reading(sys_a: Caller) -> None:
    response = sys_a.call("sendEdoc", {"from": A1, "messagetype": "edoc", "hash-file": "0"}, body=b"x",
                          content_type=OCTET, extra={"Content-Length": "200000000"})
    assert response.status_code == 413 and body_of(response)["ErrorCode"] == "7"


def test_to_input_overrides_the_package_recipients(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1, C1]), from_code=A1, to=[B1])
    assert list(Delivery.objects.filter(package__hub_id=doc_id).values_list("recipient_code", flat=True)) == [B1]
    assert sys_c.received() == []


def test_to_input_as_comma_separated_list_and_duplicates_collapse(sys_a: Caller, sys_b: Caller,
                                                                  sys_c: Caller) -> None:
    package = packages.edoc(A1, [B1])
    response = sys_a.call("sendEdoc", {"from": A1, "messagetype": "edoc", "hash-file": hash_file_value(package),
                                       "to": f"{B1}, {C1},{B1.lower()}"}, body=package, content_type=OCTET)
    doc_id = body_of(response)["DocId"]
    assert sorted(Delivery.objects.filter(package__hub_id=doc_id).values_list("recipient_code", flat=True)) == [
        C1, B1]


def test_malformed_to_input_is_error_5(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    response = sys_a.call("sendEdoc", {"from": A1, "messagetype": "edoc", "hash-file": hash_file_value(package),
                                       "to": '["unterminated'}, body=package, content_type=OCTET)
    assert body_of(response)["ErrorCode"] == "5"
    assert _nothing_stored()


def test_status_package_goes_to_the_original_sender(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> None:
    doc_id = sys_b.sent(packages.status(B1, A1, code="03"), from_code=B1, message_type="status")
    assert [item["docId"] for item in sys_a.received("status")] == [doc_id]
    assert sys_a.received("edoc") == [] and sys_c.received("status") == []
    assert Package.objects.get(hub_id=doc_id).status_code == "03"


def test_recipient_codes_match_case_insensitively(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1.replace("G", "g")]), from_code=A1)
    assert [item["docId"] for item in sys_b.received()] == [doc_id]


def test_unknown_recipient_is_accepted_and_failed_in_the_sent_list(sys_a: Caller, sys_b: Caller) -> None:
    doc_id = sys_a.sent(packages.edoc(A1, [B1, "000.00.00.K99"]), from_code=A1)
    rows = {row["toCode"]: row for row in sys_a.sent_list(doc_id)}
    assert rows["000.00.00.K99"]["sendStatus"] == "failed"
    assert "không có trên trục" in rows["000.00.00.K99"]["sendStatusDesc"]
    assert rows[B1]["sendStatus"] == "pending"


def test_duplicate_send_returns_the_first_doc_id_and_stores_nothing_new(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    first = sys_a.sent(package, from_code=A1)
    assert sys_a.sent(package, from_code=A1, hash_file=hash_file_value(package, encoding="hex")) == first
    assert Package.objects.count() == 1 and Delivery.objects.count() == 1


def test_same_body_after_the_duplicate_window_is_a_new_package(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    first = sys_a.sent(package, from_code=A1)
    Package.objects.filter(hub_id=first).update(created_at=Package.objects.get(hub_id=first).created_at
                                                - dt.timedelta(hours=25))
    assert sys_a.sent(package, from_code=A1) != first


# -- what the official SDK sends: the package followed by CRLF, hash-file over the package alone ------------------


@pytest.mark.parametrize("line_break", [b"\r\n", b"\n"], ids=["crlf", "lf"])
def test_body_with_a_trailing_line_break_outside_the_hash_is_stored_without_it(sys_a: Caller, sys_b: Caller,
                                                                                line_break: bytes) -> None:
    package = packages.edoc(A1, [B1])
    doc_id = sys_a.sent(package + line_break, from_code=A1, hash_file=hash_file_value(package))
    stored = Package.objects.get(hub_id=doc_id)
    assert bytes(stored.body) == package and stored.sha256 == hashlib.sha256(package).hexdigest()


def test_padded_hash_of_the_package_alone_is_accepted_too(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    doc_id = sys_a.sent(package + b"\r\n", from_code=A1, hash_file=hash_file_value(package, encoding="hex"))
    assert bytes(Package.objects.get(hub_id=doc_id).body) == package


def test_body_whose_hash_covers_the_line_break_is_stored_as_sent(sys_a: Caller, sys_b: Caller) -> None:
    body = packages.edoc(A1, [B1]) + b"\r\n"
    doc_id = sys_a.sent(body, from_code=A1, hash_file=hash_file_value(body))
    assert bytes(Package.objects.get(hub_id=doc_id).body) == body


@pytest.mark.parametrize("tail", [b"\r\n\r\n", b" \r\n", b"\n\n", b"\r"], ids=["two-crlf", "space", "two-lf", "cr"])
def test_nothing_but_one_trailing_line_break_is_forgiven(sys_a: Caller, sys_b: Caller, tail: bytes) -> None:
    package = packages.edoc(A1, [B1])
    response = sys_a.send(package + tail, from_code=A1, hash_file=hash_file_value(package))
    assert body_of(response)["ErrorCode"] == "4"
    assert _nothing_stored()


def test_the_same_package_with_and_without_the_line_break_is_one_send(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1])
    first = sys_a.sent(package + b"\r\n", from_code=A1, hash_file=hash_file_value(package))
    assert sys_a.sent(package, from_code=A1) == first
    assert Package.objects.count() == 1


# -- refusals in the envelope the SDK reads: DocId present and empty ------------------------------------------------


def _refusals(sys_a: Caller) -> dict[str, tuple[int, HttpResponse]]:
    package = packages.edoc(A1, [B1])
    return {
        "bad signature": (1, sys_a.call("sendEdoc", {"from": A1, "messagetype": "edoc"}, body=package,
                                        content_type=OCTET, secret="wrong")),
        "not owned": (3, sys_a.send(packages.edoc(B1, [A1]), from_code=B1)),
        "hash": (4, sys_a.send(package, from_code=A1, hash_file="0" * 64)),
        "malformed": (5, sys_a.send(b"not a package", from_code=A1)),
        "method": (5, sys_a.call("sendEdoc", method="GET")),
    }


def test_every_send_refusal_has_an_empty_doc_id_and_a_vietnamese_message(sys_a: Caller, sys_b: Caller) -> None:
    for name, (code, response) in _refusals(sys_a).items():
        answer = body_of(response)
        assert (answer["status"], answer["ErrorCode"], answer["DocId"]) == ("FAIL", str(code), ""), name
        assert answer["ErrorDesc"] and not answer["ErrorDesc"].isascii(), name  # Vietnamese, with diacritics
    assert _nothing_stored()


def test_refusal_of_an_unknown_system_has_an_empty_doc_id(sys_a: Caller) -> None:
    headers = dict(signed_headers(system_id="NO-SUCH", secret="x", inputs={"from": A1}, content_type=OCTET))
    headers.pop("Content-Type")
    answer = body_of(sys_a.client.post("/sendEdoc", data=b"x", content_type=OCTET, headers=headers))
    assert (answer["ErrorCode"], answer["DocId"]) == ("2", "")


def test_answers_are_ascii_json_so_a_us_ascii_reader_keeps_the_vietnamese(sys_a: Caller, sys_b: Caller) -> None:
    response = sys_a.send(packages.edoc(A1, [B1]), from_code=A1, hash_file="0" * 64)
    assert response.content.isascii()
    assert "Mã băm" in json.loads(response.content.decode("ascii"))["ErrorDesc"]


def test_refusals_of_other_operations_carry_no_doc_id(sys_b: Caller) -> None:
    assert "DocId" not in body_of(sys_b.call("getEdoc", {"docId": "0" * 32}))


# -- the package's own signature --------------------------------------------------------------------------------------


def test_signature_outside_the_xmldsig_namespace_is_accepted_with_a_warning(sys_a: Caller, sys_b: Caller) -> None:
    response = sys_a.send(packages.with_foreign_signature(packages.edoc(A1, [B1])), from_code=A1)
    answer = body_of(response)
    assert answer["ErrorCode"] == "0" and answer["DocId"]
    assert "XML-DSig" in answer["ErrorDesc"] and "không được kiểm tra" in answer["ErrorDesc"]
    event = HubEvent.objects.get(event_type="package.warning")
    assert event.target == answer["DocId"] and "XML-DSig" in event.data["warnings"][0]


def test_package_without_any_signature_is_accepted_without_a_warning(sys_a: Caller, sys_b: Caller) -> None:
    answer = body_of(sys_a.send(packages.edoc(A1, [B1]), from_code=A1))
    assert (answer["ErrorCode"], answer["ErrorDesc"]) == ("0", "")
    assert not HubEvent.objects.filter(event_type="package.warning").exists()


def test_valid_xmldsig_signature_is_accepted(sys_a: Caller, sys_b: Caller) -> None:
    answer = body_of(sys_a.send(packages.edoc(A1, [B1], signer=agency_signer()), from_code=A1))
    assert (answer["ErrorCode"], answer["ErrorDesc"]) == ("0", "")


def test_xmldsig_signature_that_does_not_match_is_still_refused(sys_a: Caller, sys_b: Caller) -> None:
    signed = packages.edoc(A1, [B1], signer=agency_signer())
    tampered = signed.replace("Thử nghiệm".encode(), b"Thu nghiem", 1)
    assert tampered != signed
    answer = body_of(sys_a.send(tampered, from_code=A1))
    assert (answer["ErrorCode"], answer["DocId"]) == ("1", "") and "thay đổi sau khi ký" in answer["ErrorDesc"]
    assert _nothing_stored()


def test_xmldsig_signature_that_does_not_match_is_refused_in_a_utf16_package_too(sys_a: Caller,
                                                                                  sys_b: Caller) -> None:
    signed = packages.edoc(A1, [B1], signer=agency_signer())
    tampered = signed.replace("Thử nghiệm".encode(), b"Thu nghiem", 1).decode("utf-8")
    utf16 = tampered.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1).encode("utf-16")
    assert body_of(sys_a.send(utf16, from_code=A1))["ErrorCode"] == "1"
    assert _nothing_stored()


def test_foreign_signature_beside_a_broken_xmldsig_one_does_not_save_it(sys_a: Caller, sys_b: Caller) -> None:
    signed = packages.edoc(A1, [B1], signer=agency_signer())
    tampered = packages.with_foreign_signature(signed.replace("Thử nghiệm".encode(), b"Thu nghiem", 1))
    assert body_of(sys_a.send(tampered, from_code=A1))["ErrorCode"] == "1"
    assert _nothing_stored()


# -- the same body again within the window, to recipients the first send did not have -----------------------------


def _copies_of(package: bytes, code: str) -> int:
    return Delivery.objects.filter(package__sha256=hashlib.sha256(package).hexdigest(), recipient_code=code).count()


def test_repeat_to_a_new_recipient_reaches_it_under_a_new_doc_id(sys_a: Caller, sys_b: Caller,
                                                                 sys_c: Caller) -> None:
    package = packages.edoc(A1, [B1, C1])
    first = sys_a.sent(package, from_code=A1, to=[B1])
    second = sys_a.sent(package, from_code=A1, to=[B1, C1])
    assert second != first
    assert [item["docId"] for item in sys_c.received()] == [second]
    assert [item["docId"] for item in sys_b.received()] == [first]
    assert [row["toCode"] for row in sys_a.sent_list(second)] == [C1]
    assert bytes(Package.objects.get(hub_id=second).body) == package


def test_recipients_who_have_it_do_not_get_it_twice(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> None:
    package = packages.edoc(A1, [B1, C1])
    sys_a.sent(package, from_code=A1, to=[B1])
    sys_a.sent(package, from_code=A1, to=[C1, B1])
    sys_a.sent(package, from_code=A1, to=[B1, C1])
    assert (_copies_of(package, B1), _copies_of(package, C1)) == (1, 1)


def test_retried_repeat_returns_the_doc_id_of_the_send_it_repeats(sys_a: Caller, sys_b: Caller,
                                                                  sys_c: Caller) -> None:
    package = packages.edoc(A1, [B1, C1])
    first = sys_a.sent(package, from_code=A1, to=[B1])
    second = sys_a.sent(package, from_code=A1, to=[B1, C1])
    assert sys_a.sent(package, from_code=A1, to=[B1, C1]) == second
    assert sys_a.sent(package, from_code=A1, to=[B1]) == first
    assert Package.objects.count() == 2


def test_repeat_is_recorded_with_the_earlier_doc_id(sys_a: Caller, sys_b: Caller, sys_c: Caller) -> None:
    package = packages.edoc(A1, [B1, C1])
    first = sys_a.sent(package, from_code=A1, to=[B1])
    second = sys_a.sent(package, from_code=A1, to=[B1, C1])
    event = HubEvent.objects.get(event_type="package.repeated")
    assert (event.target, event.data) == (second, {"earlier": [first], "skipped": [B1], "to": [C1]})


def test_recipient_unknown_at_the_first_send_gets_it_when_sent_again_once_known(sys_a: Caller, sys_b: Caller,
                                                                               sys_c: Caller) -> None:
    newcomer = "000.00.09.G09"
    package = packages.edoc(A1, [B1, newcomer])
    first = sys_a.sent(package, from_code=A1)
    services.agency_register(actor=None, system=sys_c.system, code=newcomer, name="Vụ mới")
    second = sys_a.sent(package, from_code=A1)
    assert second != first and [item["docId"] for item in sys_c.received()] == [second]
    assert _copies_of(package, B1) == 1


def test_retry_while_a_recipient_is_still_unknown_stores_nothing(sys_a: Caller, sys_b: Caller) -> None:
    package = packages.edoc(A1, [B1, "000.00.00.K99"])
    first = sys_a.sent(package, from_code=A1)
    assert sys_a.sent(package, from_code=A1) == first
    assert Package.objects.count() == 1
