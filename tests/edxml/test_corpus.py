"""The corpus of real-world shapes (tests/edxml/corpus/, written by us from what integrators of the national
platform describe): each package is read with the facts a clerk registers and exactly the warnings listed; each
FATAL one is refused with the element named. Every file carries the same small PDF."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.edxml.kit import VN
from vanthu.edxml import EdxmlError, package_parse, package_routing

CORPUS = Path(__file__).parent / "corpus"
PDF_SHA256 = "4c79ca82d4d6142dc3a05282ca249ad79a0bbeae51060cbc84e913bfdecbb757"
BTC = ("000.00.00.G12", "Bộ Tài chính")
BTC_ID = "000.00.00.G12,2024/04/10,3120/BTC-NSNN"
SUBJECT = "V/v hướng dẫn lập dự toán ngân sách nhà nước năm 2025"
FILE = ("3120-BTC-NSNN.pdf", "application/pdf")
ATTACHMENT = "AttachmentEncoded/Attachment[1]"


@dataclass(frozen=True)
class Document:
    """What a document package must give: sender (code, name), recipients' codes, DocumentId, số/ký hiệu, date of
    issue, subject, files (name, type) and the warnings (code, element) in the order they are met."""

    sender: tuple[str, str] = BTC
    to: tuple[str, ...] = ("000.00.00.H49",)
    document_id: str = BTC_ID
    code: tuple[str, str] = ("3120", "BTC-NSNN")
    issued: date | None = date(2024, 4, 10)
    subject: str = SUBJECT
    files: tuple[tuple[str, str], ...] = (FILE,)
    warnings: tuple[tuple[str, str], ...] = ()


DOCUMENTS = {
    "trace-hop-without-organ-id": Document(warnings=(
        ("organ_id_missing", "TraceHeaderList/TraceHeader[2]/OrganId"),
        ("organ_id_missing", "TraceHeaderList/TraceHeader[3]/OrganId"))),
    "organ-id-null": Document(
        sender=("", "Sở Tài chính tỉnh Thái Bình"), to=("000.00.00.H49", ""),
        warnings=(("organ_id_missing", "MessageHeader/From/OrganId"),
                  ("organ_id_missing", "MessageHeader/To[2]/OrganId"),
                  ("organ_id_missing", "TraceHeaderList/TraceHeader[1]/OrganId"))),
    "organ-id-system-identifier": Document(
        sender=("VNPT-IOFFICE-QNI-0042", "Sở Xây dựng tỉnh Quảng Ninh"),
        to=("3f9c2a1e-7b40-4d8e-9a51-0c6e2d1b7f33",),
        warnings=(("organ_id_nonstandard", "MessageHeader/From/OrganId"),
                  ("organ_id_nonstandard", "MessageHeader/To[1]/OrganId"))),
    "sender-enterprise-code": Document(
        sender=("0101234567", "Công ty cổ phần Xây lắp Hạ Long"), to=("000.00.00.H49", "0101234567-001"),
        warnings=(("organ_id_nonstandard", "MessageHeader/From/OrganId"),)),
    "sender-party-code": Document(
        sender=("VPTU", "Văn phòng Tỉnh ủy Quảng Ninh"),
        warnings=(("organ_id_nonstandard", "MessageHeader/From/OrganId"),)),
    "sender-short-dotted-code": Document(
        sender=("01.02.H23", "Trung tâm Phục vụ hành chính công"),
        warnings=(("organ_id_nonstandard", "MessageHeader/From/OrganId"),)),
    "response-for-without-organ-id": Document(warnings=(("organ_id_missing", "MessageHeader/ResponseFor[1]/OrganId"),)),
    "no-code": Document(code=("", ""), warnings=(("code_missing", "MessageHeader/Code"),)),
    "no-promulgation-info": Document(issued=None,
                                     warnings=(("promulgation_info_missing", "MessageHeader/PromulgationInfo"),)),
    "signature-outside-xmldsig": Document(warnings=(("signature_namespace", "edXMLHeader/Signature"),)),
    "xlink-undeclared": Document(warnings=(("namespace_prefix_undeclared", "edXML"),
                                           ("sdk_variant", "edXMLManifest/Reference[1]"))),
    "dates-day-first": Document(warnings=(
        ("date_variant", "MessageHeader/PromulgationInfo/PromulgationDate"), ("date_variant", "MessageHeader/DueDate"),
        ("timestamp_variant", "TraceHeaderList/TraceHeader[1]/Timestamp"))),
    "dates-iso-with-zone": Document(warnings=(
        ("date_variant", "MessageHeader/PromulgationInfo/PromulgationDate"), ("date_variant", "MessageHeader/DueDate"),
        ("timestamp_variant", "TraceHeaderList/TraceHeader[1]/Timestamp"))),
    "vietnamese-nfd": Document(files=(("Công văn 3120.pdf", "application/pdf"),)),
    "attachment-raw-no-type-no-extension": Document(
        files=(("Cong van 3120.pdf", "application/pdf"),),
        warnings=((("raw_attachment", f"{ATTACHMENT}/ContentTransferEncoded")),
                  ("content_type_missing", f"{ATTACHMENT}/ContentType"),
                  ("attachment_extension_added", f"{ATTACHMENT}/AttachmentName"))),
    "attachment-octet-stream-mime-wrapped": Document(
        warnings=(("content_type_corrected", f"{ATTACHMENT}/ContentType"),)),
    "attachment-gzip-base64url": Document(
        warnings=(("transfer_encoding_variant", f"{ATTACHMENT}/ContentTransferEncoded"),
                  ("content_type_corrected", f"{ATTACHMENT}/ContentType"))),
    "namespace-prefix-ns2": Document(),
    "no-namespace": Document(warnings=(("namespace_unknown", "edXML"),)),
    "lgsp-dotnet-serializer": Document(
        sender=("H37.DN.001", "Công ty TNHH Thương mại Đồng Đăng"), to=("000.00.00.H37",),
        document_id="H37.DN.001,2024/05/06,12/CV-DD", code=("12", "CV-DD"), issued=date(2024, 5, 6),
        subject="Đề nghị hướng dẫn thủ tục cấp phép xây dựng kho hàng tại cửa khẩu",
        files=(("CV12-DD.pdf", "application/pdf"),),
        warnings=(("sdk_variant", "edXMLHeader/DigitalSignature"),
                  ("no_cid_prefix", f"{ATTACHMENT}/ContentId"),
                  ("organ_id_nonstandard", "MessageHeader/From/OrganId"),
                  ("raw_attachment", f"{ATTACHMENT}/ContentTransferEncoded"))),
    "gateway-java-aggregated": Document(
        sender=("000.00.00.G22", "Văn phòng Chính phủ"), document_id="6e0d3a9c-41f2-4b7e-9c85-2f1a0b7d3e64",
        code=("20240603091200", "GW-AUTO"), issued=date(2024, 6, 3),
        subject="Thông báo kết luận của Phó Thủ tướng tại cuộc họp ngày 31 tháng 5 năm 2024",
        files=(("TB-ket-luan.pdf", "application/pdf"),)),
}

FATAL = {
    "fatal-no-sender": ("edxml.missing_element", "MessageHeader/From/OrganId"),
    "fatal-no-subject": ("edxml.missing_element", "MessageHeader/Subject"),
    "fatal-no-document-id": ("edxml.missing_element", "MessageHeader/DocumentId"),
    "fatal-file-missing": ("edxml.missing_element", "AttachmentEncoded/Attachment"),
    "fatal-file-corrupt": ("edxml.invalid_value", f"{ATTACHMENT}/ContentTransferEncoded"),
    "fatal-doctype": ("edxml.forbidden_construct", "DOCTYPE"),
    "fatal-business-type": ("edxml.invalid_value", "TraceHeaderList/Bussiness/BussinessDocType"),
    "fatal-status-without-document": ("edxml.missing_element", "MessageHeader/ResponseFor/DocumentId"),
}


def _read(name: str) -> bytes:
    return (CORPUS / f"{name}.edxml").read_bytes()


def test_every_corpus_file_has_its_expectation() -> None:
    names = {path.stem for path in CORPUS.glob("*.edxml")}
    assert names == set(DOCUMENTS) | set(FATAL) | {"status-java-library", "status-dotnet-en-us"}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_a_real_world_document_package_gives_its_facts_and_its_warnings(name: str) -> None:
    expected = DOCUMENTS[name]
    parsed = package_parse(_read(name))
    assert parsed.document is not None
    header = parsed.document.header
    assert (header.from_.organ_id, header.from_.organ_name) == expected.sender
    assert tuple(org.organ_id for org in header.to) == expected.to
    assert header.document_id == expected.document_id
    assert (header.code.code_number, header.code.code_notation) == expected.code
    assert header.promulgation_info.promulgation_date == expected.issued
    assert header.subject == expected.subject
    assert tuple((a.name, a.content_type) for a in parsed.document.attachments) == expected.files
    assert all(hashlib.sha256(a.data).hexdigest() == PDF_SHA256 for a in parsed.document.attachments)
    assert tuple((w.code, w.element) for w in parsed.warnings) == expected.warnings


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_hub_routes_every_real_world_document_package(name: str) -> None:
    routing = package_routing(_read(name))
    assert routing.document_id == DOCUMENTS[name].document_id
    assert routing.to_organ_ids == tuple(code for code in DOCUMENTS[name].to if code)


@pytest.mark.parametrize("name", sorted(FATAL))
def test_a_fatal_shape_is_refused_naming_the_element(name: str) -> None:
    with pytest.raises(EdxmlError) as caught:
        package_parse(_read(name))
    assert (caught.value.code, caught.value.element) == FATAL[name]
    assert caught.value.element in str(caught.value.message)


def test_a_status_package_from_a_java_library() -> None:
    parsed = package_parse(_read("status-java-library"))
    status = parsed.status
    assert status is not None
    assert (status.status_code, status.from_.organ_id, status.description) == ("02", "000.00.00.H49", "")
    assert (status.response_for.organ_id, status.response_for.document_id) == ("", BTC_ID)
    assert status.timestamp == datetime(2024, 4, 11, tzinfo=VN)  # a date alone: midnight
    assert status.staff_info is not None and status.staff_info.staff == "Nguyễn Thị Lan"  # the first clerk
    assert tuple((w.code, w.element) for w in parsed.warnings) == (
        ("organ_id_missing", "MessageHeader/ResponseFor/OrganId"),
        ("status_reason_missing", "MessageHeader/Description"),
        ("timestamp_variant", "MessageHeader/Timestamp"))
    assert package_routing(_read("status-java-library")).to_organ_ids == ()  # the hub asks for `to`


def test_a_status_package_with_a_dotnet_en_us_timestamp() -> None:
    parsed = package_parse(_read("status-dotnet-en-us"))
    status = parsed.status
    assert status is not None
    assert status.timestamp == datetime(2024, 4, 11, 14, 5, 9, tzinfo=VN)  # 4/11/2024 2:05:09 PM: month first
    assert status.response_for.promulgation_date == date(2024, 4, 10)
    assert tuple(w.code for w in parsed.warnings) == ("organ_id_nonstandard", "date_month_first", "timestamp_variant")


def test_nfd_text_is_read_as_nfc_and_compares_equal() -> None:
    assert "Bộ Tài chính".encode() not in _read("vietnamese-nfd")  # the file really is decomposed
    parsed = package_parse(_read("vietnamese-nfd"))
    assert parsed.document is not None
    assert parsed.document.header.signer_info.full_name == "Trần Văn Minh"
    assert "unicode_normalised" in parsed.flags
