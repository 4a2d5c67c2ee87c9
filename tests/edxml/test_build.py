"""The builder emits exactly docs/standards/edxml.md#skeleton, docs/standards/status-codes.md#status-package, and
refuses what must never be sent."""

from __future__ import annotations

import base64
import io
import random
import re
import uuid
import zipfile
from dataclasses import replace
from datetime import date, datetime

import pytest
from lxml import etree

from tests.edxml.kit import (
    PDF,
    QUANG_NINH,
    agency_signer,
    sample_header,
    sample_package,
    sample_status,
)
from vanthu.edxml import (
    NAMESPACE,
    Attachment,
    Business,
    EdxmlError,
    Organization,
    OtherInfo,
    PackageTooLargeError,
    Receiver,
    ReplacementInfo,
    SecretDocumentError,
    TraceHeader,
    document_id_make,
    document_package_build,
    status_package_build,
)

NS = {"e": NAMESPACE, "ds": "http://www.w3.org/2000/09/xmldsig#"}


def _tree(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))


def _names(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element if isinstance(child.tag, str)]


def test_document_package_follows_the_skeleton() -> None:
    data = document_package_build(sample_package())
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = _tree(data)
    assert root.tag == f"{{{NAMESPACE}}}edXML"
    assert _names(root) == ["edXMLEnvelope", "AttachmentEncoded"]  # files are a sibling of the envelope
    assert _names(root.find("e:edXMLEnvelope", NS)) == ["edXMLHeader", "edXMLBody"]
    assert _names(root.find("e:edXMLEnvelope/e:edXMLHeader", NS)) == ["MessageHeader", "TraceHeaderList"]
    assert b"<edXML:edXMLEnvelope xmlns:edXML=\"http://www.mic.gov.vn/TBT/QCVN_102_2016\">" in data


def test_message_header_elements_come_in_the_table_order() -> None:
    root = _tree(document_package_build(sample_package()))
    header = root.find(".//e:MessageHeader", NS)
    assert _names(header) == [
        "From", "To", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content",
        "SignerInfo", "DueDate", "OtherInfo", "ResponseFor", "SteeringType", "ToPlaces",
    ]
    assert _names(header.find("e:From", NS)) == [
        "OrganId", "OrganizationInCharge", "OrganName", "OrganAdd", "Email", "Telephone", "Fax", "Website",
    ]
    assert _names(header.find("e:OtherInfo", NS)) == [
        "Priority", "SphereOfPromulgation", "TyperNotation", "PromulgationAmount", "PageAmount", "Appendixes",
    ]


def test_dates_and_timestamps_use_the_emitted_forms() -> None:
    package = sample_package(traces=(TraceHeader("000.00.00.H49", datetime.fromisoformat("2024-03-05T02:30:07Z")),))
    root = _tree(document_package_build(package))
    assert root.findtext(".//e:PromulgationInfo/e:PromulgationDate", namespaces=NS) == "2024/03/05"
    assert root.findtext(".//e:MessageHeader/e:DueDate", namespaces=NS) == "2024/03/20"
    assert root.findtext(".//e:TraceHeader/e:Timestamp", namespaces=NS) == "2024/03/05 09:30:07"  # +07:00


def test_business_is_spelt_bussiness() -> None:
    data = document_package_build(sample_package(business=Business(
        doc_type=1, reason="Ban hành nhầm", document_id="000.00.00.H49,2024/03/01,10/CT-UBND")))
    business = _tree(data).find(".//e:TraceHeaderList/e:Bussiness", NS)
    assert _names(business) == ["DocumentId", "BussinessDocType", "BussinessDocReason", "Paper"]
    assert business.findtext("e:BussinessDocType", namespaces=NS) == "1"
    assert b"Business" not in data


def test_update_package_carries_the_receiver_changes() -> None:
    business = Business(doc_type=2, reason="Bổ sung nơi nhận", document_id="X-1", document_info_changed=False,
                        receivers_changed=True, receivers=(Receiver("000.00.00.H54", 1), Receiver("000.00.00.G09", 0)))
    info = _tree(document_package_build(sample_package(business=business))).find(".//e:BussinessDocumentInfo", NS)
    assert info.findtext("e:DocumentInfo", namespaces=NS) == "0"
    assert info.findtext("e:DocumentReceiver", namespaces=NS) == "1"
    assert [r.findtext("e:ReceiverType", namespaces=NS) for r in info.findall("e:ReceiverList/e:Receiver", NS)] == [
        "1", "0"]


def test_new_document_business_names_its_own_document_id() -> None:
    data = document_package_build(sample_package(business=Business()))
    assert _tree(data).findtext(".//e:Bussiness/e:DocumentId", namespaces=NS) == sample_header().document_id


def test_every_attachment_is_one_zip_entry_linked_by_a_cid_uuid() -> None:
    package = sample_package(attachments=(Attachment("Chỉ thị số 15.pdf", "application/pdf", PDF),))
    root = _tree(document_package_build(package))
    reference = root.find(".//e:edXMLManifest/e:Reference", NS)
    attachment = root.find("e:AttachmentEncoded/e:Attachment", NS)
    assert _names(reference) == ["ContentId", "ContentType", "Description", "AttachmentName"]
    assert _names(attachment) == ["ContentId", "AttachmentName", "Description", "ContentType",
                                  "ContentTransferEncoded"]
    content_id = reference.findtext("e:ContentId", namespaces=NS)
    assert content_id == attachment.findtext("e:ContentId", namespaces=NS)
    assert content_id.startswith("cid:") and uuid.UUID(content_id[4:]).version == 4
    assert reference.findtext("e:ContentType", namespaces=NS) == "application/zip"
    assert attachment.findtext("e:AttachmentName", namespaces=NS) == "Chỉ thị số 15.pdf"
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(
        attachment.findtext("e:ContentTransferEncoded", namespaces=NS))))
    [entry] = archive.infolist()
    assert entry.filename == "Chỉ thị số 15.pdf"
    assert entry.flag_bits & 0x800  # UTF-8 names
    assert archive.read(entry) == PDF


def test_ascii_file_names_also_carry_the_utf8_flag() -> None:
    root = _tree(document_package_build(sample_package(attachments=(Attachment("a.pdf", "application/pdf", PDF),))))
    encoded = root.findtext(".//e:ContentTransferEncoded", namespaces=NS)
    assert zipfile.ZipFile(io.BytesIO(base64.b64decode(encoded))).infolist()[0].flag_bits & 0x800


def test_status_package_holds_only_the_status_elements() -> None:
    root = _tree(status_package_build(sample_status()))
    assert _names(root) == ["edXMLEnvelope"]
    assert _names(root.find("e:edXMLEnvelope", NS)) == ["edXMLHeader"]
    header = root.find(".//e:MessageHeader", NS)
    assert _names(header) == ["From", "ResponseFor", "StaffInfo", "StatusCode", "Description", "Timestamp"]
    assert header.findtext("e:Timestamp", namespaces=NS) == "2024/03/05 14:05:09"
    assert _names(header.find("e:ResponseFor", NS)) == ["OrganId", "Code", "PromulgationDate", "DocumentId"]


def test_signature_sits_at_the_end_of_the_header_and_covers_everything() -> None:
    root = _tree(document_package_build(sample_package(), signer=agency_signer()))
    header = root.find(".//e:edXMLHeader", NS)
    assert _names(header) == ["MessageHeader", "TraceHeaderList", "Signature"]
    signature = header.find("ds:Signature", NS)
    assert signature.find("ds:SignedInfo/ds:Reference", NS).get("URI") == ""
    assert [t.get("Algorithm") for t in signature.findall(".//ds:Transform", NS)] == [
        "http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#"]
    assert signature.find("ds:SignedInfo/ds:SignatureMethod", NS).get("Algorithm").endswith("#rsa-sha256")
    assert signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509SubjectName", namespaces=NS).startswith("CN=")
    assert signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=NS)


def test_algorithm_none_sends_the_package_unsigned() -> None:
    data = document_package_build(sample_package(), signer=agency_signer("none"))
    assert b"Signature" not in data


@pytest.mark.parametrize("confidentiality", [1, 2, 3])
def test_secret_document_is_never_packaged(confidentiality: int) -> None:
    with pytest.raises(SecretDocumentError) as caught:
        document_package_build(sample_package(confidentiality=confidentiality), signer=agency_signer())
    assert caught.value.code == "edxml.secret_document"
    assert str(caught.value.message) == "Văn bản mật không được gửi qua mạng"
    assert caught.value.extra["element"] == "confidentiality"


def test_package_over_the_limit_is_refused_before_it_is_encoded() -> None:
    big = Attachment("scan.pdf", "application/pdf", random.Random(1).randbytes(300_000))  # incompressible
    with pytest.raises(PackageTooLargeError) as caught:
        document_package_build(sample_package(attachments=(big,)), max_bytes=100_000)
    assert caught.value.code == "edxml.too_large"
    assert caught.value.extra["element"] == "AttachmentEncoded/Attachment[1]"
    assert caught.value.extra["max"] == 100_000


def test_package_over_the_limit_after_signing_is_refused() -> None:
    unsigned = document_package_build(sample_package())
    with pytest.raises(PackageTooLargeError) as caught:
        document_package_build(sample_package(), signer=agency_signer(), max_bytes=len(unsigned) + 100)
    assert caught.value.extra["element"] == "edXML"


def test_missing_document_id_is_made_from_issuer_date_and_code() -> None:
    data = document_package_build(sample_package(header=sample_header(document_id="")))
    assert _tree(data).findtext(".//e:MessageHeader/e:DocumentId", namespaces=NS) == document_id_make(
        organ_id="000.00.00.H49", promulgation_date=date(2024, 3, 5), code_number="15", code_notation="CT-UBND")


def test_organ_ids_are_emitted_in_upper_case() -> None:
    header = sample_header(to=(Organization("000.00.00.g22", "Văn phòng Chính phủ"),))
    root = _tree(document_package_build(sample_package(header=header)))
    assert root.findtext(".//e:To/e:OrganId", namespaces=NS) == "000.00.00.G22"


@pytest.mark.parametrize(("package", "element"), [
    (sample_package(header=sample_header(from_=replace(QUANG_NINH, organ_id="99.99.99.G21"))),
     "MessageHeader/From/OrganId"),
    (sample_package(header=sample_header(to=())), "MessageHeader/To"),
    (sample_package(header=sample_header(to=(Organization("không hợp lệ"),))), "MessageHeader/To[1]/OrganId"),
    (sample_package(header=sample_header(subject="  ")), "MessageHeader/Subject"),
    (sample_package(header=sample_header(subject="Trích yếu \x07")), "MessageHeader/Subject"),
    (sample_package(header=sample_header(other_info=OtherInfo(priority=7))), "MessageHeader/OtherInfo/Priority"),
    (sample_package(traces=(TraceHeader("000.00.00.H49", datetime(2024, 3, 5, 9, 30)),)),
     "TraceHeaderList/TraceHeader[1]/Timestamp"),
    (sample_package(business=Business(doc_type=5)), "TraceHeaderList/Bussiness/BussinessDocType"),
    (sample_package(business=Business(doc_type=1, document_id="X")), "TraceHeaderList/Bussiness/BussinessDocReason"),
    (sample_package(business=Business(doc_type=3, reason="Thay thế")), "TraceHeaderList/Bussiness/DocumentId"),
    (sample_package(business=Business(receivers=(Receiver("000.00.00.H54"),))),
     "TraceHeaderList/Bussiness/BussinessDocumentInfo"),
    (sample_package(business=Business(replacements=(ReplacementInfo("X"),))),
     "TraceHeaderList/Bussiness/ReplacementInfoList"),
    (sample_package(attachments=(Attachment("../etc/passwd", "text/plain", b"x"),)),
     "AttachmentEncoded/Attachment[1]/AttachmentName"),
    (sample_package(attachments=(Attachment("a.pdf", "application/pdf", b"1", content_id="same"),
                                 Attachment("b.pdf", "application/pdf", b"2", content_id="same"))),
     "AttachmentEncoded/Attachment[2]/ContentId"),
])
def test_builder_refuses_invalid_values_naming_the_element(package: object, element: str) -> None:
    with pytest.raises(EdxmlError) as caught:
        document_package_build(package)  # type: ignore[arg-type]
    assert caught.value.code in ("edxml.invalid_value", "edxml.missing_element")
    assert caught.value.extra["element"] == element
    assert element in str(caught.value.message)


@pytest.mark.parametrize(("status", "element"), [
    (sample_status(status_code="3"), "MessageHeader/StatusCode"),
    (sample_status(status_code="02", description=""), "MessageHeader/Description"),
    (sample_status(status_code="16", description=" "), "MessageHeader/Description"),
    (sample_status(from_=Organization("H37.DN.001")), "MessageHeader/From/OrganId"),
    (sample_status(timestamp=datetime(2024, 3, 5)), "MessageHeader/Timestamp"),
])
def test_status_builder_refuses_invalid_values(status: object, element: str) -> None:
    with pytest.raises(EdxmlError) as caught:
        status_package_build(status)  # type: ignore[arg-type]
    assert caught.value.extra["element"] == element


def test_no_business_spelling_or_legacy_namespace_is_ever_emitted() -> None:
    data = document_package_build(sample_package(), signer=agency_signer())
    assert not re.search(rb"<[^>]*Business", data)
    assert b"go.vn" not in data
