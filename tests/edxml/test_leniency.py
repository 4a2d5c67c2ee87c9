"""Liberal in what we accept: what a real system omits or writes differently is read, the raw value kept, and
reported as a typed warning naming the element — never a refusal (the corpus has whole packages; these are the
rules one by one, on our own package with one thing changed)."""

from __future__ import annotations

import base64
import re
from datetime import date, datetime

import pytest

from tests.edxml.kit import PDF, VN, sample_package, sample_status
from vanthu.edxml import (
    Business,
    MalformedPackageError,
    ParsedPackage,
    Receiver,
    document_package_build,
    package_parse,
    package_routing,
    status_package_build,
)
from vanthu.edxml.values import date_read, timestamp_parse


def _parsed(pattern: bytes, replacement: bytes, *, package: bytes | None = None) -> ParsedPackage:
    original = package if package is not None else document_package_build(sample_package())
    changed = re.sub(pattern, replacement, original, count=1, flags=re.DOTALL)
    assert changed != original
    return package_parse(changed)


def _warnings(parsed: ParsedPackage) -> list[tuple[str, str, str]]:
    return [(w.code, w.element, w.value) for w in parsed.warnings]


def test_a_package_without_recipients_is_read_and_routed_by_the_hub_input() -> None:
    original = document_package_build(sample_package())
    data = re.sub(rb"<edXML:To>.*</edXML:To>\s*", b"", original, count=1, flags=re.DOTALL)
    parsed = package_parse(data)
    assert parsed.document is not None and parsed.document.header.to == ()
    assert _warnings(parsed) == [("recipient_missing", "MessageHeader/To", "")]
    assert package_routing(data).to_organ_ids == ()


def test_a_missing_document_id_is_made_as_we_make_ours() -> None:
    parsed = _parsed(rb"<edXML:DocumentId>000.00.00.H49,2024/03/05,15/CT-UBND</edXML:DocumentId>", b"")
    assert parsed.document is not None
    assert parsed.document.header.document_id == "000.00.00.H49,2024/03/05,15/CT-UBND"
    assert _warnings(parsed) == [("document_id_missing", "MessageHeader/DocumentId", "")]


@pytest.mark.parametrize(("element", "code"), [
    ("OtherInfo", "other_info_missing"), ("SignerInfo", "signer_info_missing"),
    ("DocumentType", "document_type_missing"),
])
def test_an_absent_part_of_the_header_is_a_warning(element: str, code: str) -> None:
    parsed = _parsed(rf"<edXML:{element}>.*?</edXML:{element}>".encode(), b"")
    assert _warnings(parsed) == [(code, f"MessageHeader/{element}", "")]


def test_a_date_that_is_no_date_is_dropped_and_kept_raw() -> None:
    parsed = _parsed(rb"<edXML:DueDate>2024/03/20<", "<edXML:DueDate>hai mươi tháng ba<".encode())
    assert parsed.document is not None and parsed.document.header.due_date is None
    assert _warnings(parsed) == [("date_unreadable", "MessageHeader/DueDate", "hai mươi tháng ba")]
    assert parsed.raw_values == {"MessageHeader/DueDate": "hai mươi tháng ba"}


def test_a_month_first_date_is_read_so_and_flagged_for_checking() -> None:
    parsed = _parsed(rb"<edXML:DueDate>2024/03/20<", b"<edXML:DueDate>03/20/2024<")
    assert parsed.document is not None and parsed.document.header.due_date == date(2024, 3, 20)
    assert _warnings(parsed) == [("date_month_first", "MessageHeader/DueDate", "03/20/2024")]


@pytest.mark.parametrize(("text", "expected"), [
    ("20240305", date(2024, 3, 5)),
    ("05.03.2024", date(2024, 3, 5)),
    ("2024-03-04T17:00:00Z", date(2024, 3, 5)),  # a Vietnamese midnight written in UTC
    ("2024-03-05T00:00:00+07:00", date(2024, 3, 5)),
    ("3/5/2024 12:00:00 AM", date(2024, 3, 5)),  # .NET en-US: month first
])
def test_more_date_forms_real_systems_write(text: str, expected: date) -> None:
    assert date_read(text)[0] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("1709611509000", datetime(2024, 3, 5, 11, 5, 9, tzinfo=VN)),  # Unix time in milliseconds
    ("2024/03/05", datetime(2024, 3, 5, tzinfo=VN)),  # a date alone
    ("3/5/2024 2:05:09 PM", datetime(2024, 3, 5, 14, 5, 9, tzinfo=VN)),
])
def test_more_timestamp_forms_real_systems_write(text: str, expected: datetime) -> None:
    assert timestamp_parse(text) == (expected, True)


def test_a_hop_without_a_time_is_kept_without_one() -> None:
    parsed = _parsed(rb"<edXML:Timestamp>[^<]*</edXML:Timestamp>", b"")
    assert parsed.document is not None and parsed.document.traces[0].timestamp is None
    assert _warnings(parsed) == [("timestamp_missing", "TraceHeaderList/TraceHeader[1]/Timestamp", "")]


def test_an_unreadable_hop_time_is_dropped_and_kept_raw() -> None:
    parsed = _parsed(rb"<edXML:Timestamp>[^<]*<", "<edXML:Timestamp>9 giờ 30 sáng nay<".encode())
    assert parsed.document is not None and parsed.document.traces[0].timestamp is None
    assert _warnings(parsed) == [("timestamp_unreadable", "TraceHeaderList/TraceHeader[1]/Timestamp",
                                  "9 giờ 30 sáng nay")]


def test_an_organ_id_too_long_to_be_a_code_is_not_used() -> None:
    parsed = _parsed(rb"<edXML:OrganId>000.00.00.G22<", b"<edXML:OrganId>" + b"X" * 51 + b"<")
    assert parsed.document is not None and parsed.document.header.to[0].organ_id == ""
    assert _warnings(parsed) == [("organ_id_unusable", "MessageHeader/To[1]/OrganId", "X" * 51)]


def test_a_recall_without_reason_or_target_falls_back_to_the_package_document() -> None:
    package = document_package_build(sample_package(business=Business(doc_type=1, reason="Sai", document_id="X")))
    data = package.replace(b"<edXML:BussinessDocReason>Sai</edXML:BussinessDocReason>", b"").replace(
        b"<edXML:DocumentId>X</edXML:DocumentId>", b"")
    parsed = package_parse(data)
    assert parsed.document is not None
    assert (parsed.document.business.doc_type, parsed.document.business.document_id) == (1, "")
    assert [w.code for w in parsed.warnings] == ["business_reason_missing", "business_target_missing"]


def test_a_receiver_change_of_unknown_kind_is_skipped() -> None:
    package = document_package_build(sample_package(business=Business(
        doc_type=2, reason="Bổ sung nơi nhận", document_id="X",
        receivers=(Receiver("000.00.00.H54", 1), Receiver("000.00.00.H53", 0)))))
    parsed = package_parse(package.replace(b"<edXML:ReceiverType>1<", b"<edXML:ReceiverType>them<", 1))
    assert parsed.document is not None
    assert [r.organ_id for r in parsed.document.business.receivers] == ["000.00.00.H53"]
    assert [w.code for w in parsed.warnings] == ["receiver_type_unknown"]


def test_a_reference_without_content_id_is_skipped_and_its_file_still_read() -> None:
    parsed = _parsed(rb"(<edXML:Reference>\s*)<edXML:ContentId>[^<]*</edXML:ContentId>", rb"\1")
    assert parsed.document is not None and len(parsed.document.attachments) == 2
    assert [w.code for w in parsed.warnings] == ["reference_without_content_id", "unreferenced_attachment"]


def test_a_file_without_content_id_gets_one_when_the_manifest_does_not_need_it() -> None:
    original = document_package_build(sample_package())
    data = re.sub(rb"<edXML:edXMLManifest.*</edXML:edXMLManifest>", b"", original, flags=re.DOTALL)
    data = re.sub(rb"<ContentId>[^<]*</ContentId>", b"", data, count=1)
    parsed = package_parse(data)
    assert parsed.document is not None
    assert parsed.document.attachments[0].content_id == "tep-dinh-kem-1"
    assert [w.code for w in parsed.warnings][:1] == ["content_id_missing"]


def test_a_data_uri_carries_the_file_and_its_type() -> None:
    uri = b"data:application/pdf;base64," + base64.b64encode(PDF)
    parsed = _parsed(rb"(<Attachment>.*?)<ContentType>[^<]*</ContentType>(.*?<edXML:ContentTransferEncoded[^>]*>)"
                     rb"[^<]*", rb"\1\2" + uri)
    assert parsed.document is not None
    attachment = parsed.document.attachments[0]
    assert (attachment.data, attachment.content_type) == (PDF, "application/pdf")
    assert ("transfer_encoding_variant", "AttachmentEncoded/Attachment[1]/ContentTransferEncoded",
            "data-uri") in _warnings(parsed)


def test_an_undeclared_prefix_nobody_knows_is_still_malformed() -> None:
    with pytest.raises(MalformedPackageError):
        package_parse(document_package_build(sample_package()).replace(
            b"<edXML:Reference>", b'<edXML:Reference foo:bar="1">', 1))


def test_a_status_without_a_timestamp_is_read_without_one() -> None:
    parsed = _parsed(rb"<edXML:Timestamp>[^<]*</edXML:Timestamp>", b"", package=status_package_build(sample_status()))
    assert parsed.status is not None and parsed.status.timestamp is None
    assert _warnings(parsed) == [("timestamp_missing", "MessageHeader/Timestamp", "")]
