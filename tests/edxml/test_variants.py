"""Receiving what partners really send (docs/standards/edxml.md): every variant is read, kept and flagged.

The fixtures are written from docs/standards/edxml.md, the .NET SDK example and the
legacy provincial schema; nothing is downloaded.
"""

from __future__ import annotations

import base64
import io
import textwrap
import zipfile
from datetime import date, datetime, timedelta, timezone

import pytest

from tests.edxml.kit import PDF, VN
from vanthu.edxml import package_parse, package_routing
from vanthu.edxml.attachments import zip_single
from vanthu.edxml.values import content_id_normalize, date_parse, timestamp_parse

PDF_B64_WRAPPED = "\n".join(textwrap.wrap(base64.b64encode(PDF).decode(), 76))

DOTNET_SDK = f"""<?xml version="1.0" encoding="utf-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" xmlns:xlink="http://www.w3.org/1999/xlink">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>99.99.99.G21</edXML:OrganId><edXML:OrganName>Đơn vị thử nghiệm</edXML:OrganName>
        </edXML:From>
        <edXML:To><edXML:OrganId>999.010.01.H22</edXML:OrganId><edXML:OrganName>Đơn vị nhận</edXML:OrganName></edXML:To>
        <edXML:DocumentId>2f6e1c1e-5b7e-4d0c-9a57-0d0f6f1c2a11</edXML:DocumentId>
        <edXML:Code><edXML:CodeNumber>07</edXML:CodeNumber><edXML:CodeNotation>UBND-VP</edXML:CodeNotation></edXML:Code>
        <edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place>
          <edXML:PromulgationDate>2016/11/04</edXML:PromulgationDate></edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:Type>18</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail>
          <edXML:TypeName>Công văn</edXML:TypeName></edXML:DocumentType>
        <edXML:Subject>V/v thử nghiệm kết nối trục liên thông</edXML:Subject>
        <edXML:SignerInfo><edXML:Competence>TL. CHÁNH VĂN PHÒNG</edXML:Competence>
          <edXML:Position>TRƯỞNG PHÒNG</edXML:Position><edXML:FullName>Phạm Thị Thu</edXML:FullName></edXML:SignerInfo>
        <edXML:OtherInfo><edXML:Priority>0</edXML:Priority><edXML:PromulgationAmount>1</edXML:PromulgationAmount>
          <edXML:PageAmount>1</edXML:PageAmount></edXML:OtherInfo>
        <edXML:SteeringType>0</edXML:SteeringType>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList edXML:id="trace" edXML:version="1.0" edXML:mustUnderstand="1"
                             edXML:actor="http://schemas.xmlsoap.org/soap/actor/next">
        <edXML:TraceHeader><edXML:OrganId>99.99.99.G21</edXML:OrganId>
          <edXML:Timestamp>2016-11-04T10:15:30</edXML:Timestamp></edXML:TraceHeader>
        <edXML:Bussiness><edXML:BussinessDocType>0</edXML:BussinessDocType>
          <edXML:BussinessDocReason></edXML:BussinessDocReason><edXML:Paper>0</edXML:Paper></edXML:Bussiness>
      </edXML:TraceHeaderList>
      <edXML:DigitalSignature/>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference xlink:href="cid:6b1f3c2a-0001">
          <edXML:ContentType>application/pdf</edXML:ContentType>
          <edXML:AttachmentName>CongVan07.pdf</edXML:AttachmentName>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment>
      <ContentId>6b1f3c2a-0001</ContentId>
      <AttachmentName>CongVan07.pdf</AttachmentName>
      <ContentType>application/pdf</ContentType>
      <edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
{PDF_B64_WRAPPED}
      </edXML:ContentTransferEncoded>
    </Attachment>
  </AttachmentEncoded>
</edXML>
"""

LEGACY = f"""<?xml version="1.0" encoding="UTF-8"?>
<EdXMLEnvelope xmlns="http://www.go.vn/eDoc">
  <EdXMLHeader>
    <MessageHeader>
      <From><OrganId>000.00.00.H54</OrganId><OrganName>UBND tỉnh Thái Bình</OrganName></From>
      <To><OrganId>000.00.11.H53</OrganId><OrganName>Sở Nội vụ</OrganName></To>
      <DocumentId>000.00.00.H54,2019/10/02,245/UBND-NC</DocumentId>
      <Code><CodeNumber>245</CodeNumber><CodeNotation>UBND-NC</CodeNotation></Code>
      <PromulgationInfo><Place>Thái Bình</Place><PromulgationDate>02/10/2019</PromulgationDate></PromulgationInfo>
      <DocumentType><Type>1</Type><TypeDetail>0</TypeDetail><TypeName>Công văn</TypeName></DocumentType>
      <Subject>V/v báo cáo tình hình thực hiện nhiệm vụ</Subject>
      <SignerInfo><Competence>KT. CHỦ TỊCH</Competence><Position>PHÓ CHỦ TỊCH</Position>
        <FullName>Đặng Trọng Thăng</FullName></SignerInfo>
      <OtherInfo><Priority>2</Priority></OtherInfo>
    </MessageHeader>
    <TraceHeaderList>
      <TraceHeader><OrganId>000.00.00.H54</OrganId><Timestamp>2019-10-02T08:00:00+07:00</Timestamp></TraceHeader>
      <Business><BusinessDocType>0</BusinessDocType><BusinessDocReason/></Business>
    </TraceHeaderList>
  </EdXMLHeader>
  <EdXMLBody><EdXMLManifest><Reference><ContentId>&lt;f1&gt;</ContentId><AttachmentName>CV245.pdf</AttachmentName>
  </Reference></EdXMLManifest></EdXMLBody>
  <AttachmentEncoded><Attachment><ContentId>&lt;f1&gt;</ContentId><AttachmentName>CV245.pdf</AttachmentName>
    <ContentType>application/zip</ContentType>
    <ContentTransferEncoded>{base64.b64encode(zip_single("CV245.pdf", PDF)).decode()}</ContentTransferEncoded>
  </Attachment></AttachmentEncoded>
</EdXMLEnvelope>
"""


def _vendor_package(*, message_header_tail: str = "", business: str = "", attachment: str = "",
                    promulgation_date: str = "2024-03-05", trace_timestamp: str = "2024-03-05T02:30:00Z",
                    organ_id: str = "H37.DN.001") -> bytes:
    """A package from a vendor gateway: unknown extras, comments, CDATA, lenient codes, other date forms."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- sinh bởi cổng liên thông của nhà cung cấp -->
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
<edXMLEnvelope><edXMLHeader>
  <MessageHeader>
    <From><OrganId> {organ_id} </OrganId><OrganName>Doanh nghiệp thử</OrganName><Extra>kept raw</Extra></From>
    <To><OrganId>000.00.00.g22</OrganId></To>
    <DocumentId>VNPT-0001</DocumentId>
    <Code><CodeNumber>5</CodeNumber><CodeNotation>BC-DN</CodeNotation></Code>
    <PromulgationInfo><Place>Hà Nội</Place><PromulgationDate>{promulgation_date}</PromulgationDate></PromulgationInfo>
    <DocumentType><Type> 14 </Type><TypeDetail>x</TypeDetail><TypeName>Báo cáo</TypeName></DocumentType>
    <Subject><![CDATA[Báo cáo quý I & kế hoạch <quý II>]]></Subject>
    <SignerInfo><FullName>Vũ Minh Hoàng</FullName></SignerInfo>
    <Direction>1</Direction>
    <OtherInfo><Priority>9</Priority><PromulgationAmount>ba mươi</PromulgationAmount>
      <ReplyFors><ReplyFor>ignored</ReplyFor></ReplyFors></OtherInfo>
    <ResponseForTask><TaskCode>T-1</TaskCode></ResponseForTask>
    {message_header_tail}
  </MessageHeader>
  <TraceHeaderList>
    <TraceHeader><OrganId>H37.DN.001</OrganId><Timestamp>{trace_timestamp}</Timestamp></TraceHeader>
    {business}
  </TraceHeaderList>
</edXMLHeader>
<edXMLBody><edXMLManifest version="1.0"/></edXMLBody></edXMLEnvelope>
<AttachmentEncoded>{attachment}</AttachmentEncoded>
</edXML>
""".encode()


def test_dotnet_sdk_variant_is_accepted() -> None:
    parsed = package_parse(DOTNET_SDK.encode())
    document = parsed.document
    assert document is not None
    assert document.header.from_.organ_id == "99.99.99.G21"
    assert document.header.document_id == "2f6e1c1e-5b7e-4d0c-9a57-0d0f6f1c2a11"  # a UUID, kept opaque
    assert document.traces[0].timestamp == datetime(2016, 11, 4, 10, 15, 30, tzinfo=VN)
    [attachment] = document.attachments
    assert (attachment.name, attachment.content_type, attachment.content_id) == (
        "CongVan07.pdf", "application/pdf", "6b1f3c2a-0001")
    assert attachment.data == PDF  # raw Base64, wrapped in lines
    assert parsed.signature.state == "absent"  # an empty DigitalSignature is no signature
    assert {"sdk_variant", "no_cid_prefix", "lenient_organ_id", "raw_attachment", "timestamp_variant"} <= set(
        parsed.flags)


def test_legacy_provincial_schema_is_accepted_and_flagged() -> None:
    parsed = package_parse(LEGACY.encode())
    assert parsed.document is not None
    header = parsed.document.header
    assert header.promulgation_info.promulgation_date == date(2019, 10, 2)  # dd/MM/yyyy
    assert header.other_info.priority == 2
    assert parsed.document.attachments[0].data == PDF  # zipped, unpacked
    assert parsed.document.attachments[0].content_type == "application/pdf"
    assert parsed.document.attachments[0].content_id == "f1"  # <f1>
    assert {"legacy_namespace", "business_spelling", "date_variant", "no_cid_prefix"} <= set(parsed.flags)


def test_routing_reads_variants_like_the_full_parse() -> None:
    routing = package_routing(LEGACY.encode())
    assert (routing.kind, routing.from_organ_id, routing.to_organ_ids) == ("edoc", "000.00.00.H54",
                                                                          ("000.00.11.H53",))


def test_vendor_extras_are_ignored_and_odd_values_kept_raw() -> None:
    parsed = package_parse(_vendor_package())
    assert parsed.document is not None
    header = parsed.document.header
    assert header.from_.organ_id == "H37.DN.001"
    assert header.to[0].organ_id == "000.00.00.g22"  # stored as received, trimmed
    assert header.subject == "Báo cáo quý I & kế hoạch <quý II>"
    assert header.document_type.type == 14
    assert header.document_type.type_detail is None
    assert header.other_info.priority == 0  # unknown priority is treated as normal
    assert header.other_info.promulgation_amount is None
    assert header.promulgation_info.promulgation_date == date(2024, 3, 5)
    assert parsed.document.traces[0].timestamp == datetime(2024, 3, 5, 9, 30, tzinfo=VN)
    assert parsed.document.traces[0].timestamp.utcoffset() == timedelta(hours=7)
    assert parsed.raw_values == {
        "MessageHeader/DocumentType/TypeDetail": "x",
        "MessageHeader/OtherInfo/Priority": "9",
        "MessageHeader/OtherInfo/PromulgationAmount": "ba mươi",
    }
    assert {"lenient_organ_id", "unknown_priority", "raw_integer", "date_variant", "timestamp_variant",
            "no_business"} <= set(parsed.flags)


@pytest.mark.parametrize("business", [
    "<Bussiness><BussinessDocType>1</BussinessDocType><BussinessDocReason>Sai sót</BussinessDocReason>"
    "<DocumentId>VNPT-0000</DocumentId></Bussiness>",
    "<Business><BusinessDocType>1</BusinessDocType><BusinessDocReason>Sai sót</BusinessDocReason>"
    "<DocumentId>VNPT-0000</DocumentId></Business>",
])
def test_both_business_spellings_are_read(business: str) -> None:
    parsed = package_parse(_vendor_package(business=business))
    assert parsed.document is not None
    assert (parsed.document.business.doc_type, parsed.document.business.reason,
            parsed.document.business.document_id) == (1, "Sai sót", "VNPT-0000")
    assert ("business_spelling" in parsed.flags) == ("<Business>" in business)


def test_paper_other_than_zero_or_one_is_kept_raw() -> None:
    parsed = package_parse(_vendor_package(business="<Bussiness><Paper>3</Paper></Bussiness>"))
    assert parsed.document is not None
    assert parsed.document.business.paper is False
    assert parsed.raw_values["TraceHeaderList/Bussiness/Paper"] == "3"


def _attachment(content_id: str, data: bytes, name: str = "baocao.pdf", content_type: str = "") -> str:
    encoded = base64.b64encode(data).decode()
    spaced = " \n\t".join(encoded[i:i + 60] for i in range(0, len(encoded), 60))
    return (f"<Attachment><ContentId>{content_id}</ContentId><AttachmentName>{name}</AttachmentName>"
            f"<ContentType>{content_type}</ContentType><ContentTransferEncoded>{spaced}</ContentTransferEncoded>"
            "</Attachment>")


@pytest.mark.parametrize("content_id", ["cid:a1", "a1", "&lt;a1&gt;", "cid:&lt;a1&gt;", " CID:a1 "])
def test_every_content_id_form_is_accepted(content_id: str) -> None:
    parsed = package_parse(_vendor_package(attachment=_attachment(content_id, zip_single("baocao.pdf", PDF))))
    assert parsed.document is not None
    assert parsed.document.attachments[0].content_id == "a1"
    assert parsed.document.attachments[0].data == PDF


def test_a_real_zip_file_with_several_entries_is_kept_whole() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    docx = buffer.getvalue()
    parsed = package_parse(_vendor_package(attachment=_attachment("d1", docx, "dutoan.docx", "application/zip")))
    assert parsed.document is not None
    assert parsed.document.attachments[0].data == docx
    assert "raw_attachment" in parsed.flags


def test_bytes_that_only_look_like_a_zip_are_kept_and_flagged() -> None:
    fake = b"PK\x03\x04" + b"\x00" * 100
    parsed = package_parse(_vendor_package(attachment=_attachment("z1", fake)))
    assert parsed.document is not None
    assert parsed.document.attachments[0].data == fake
    assert "zip_unreadable" in parsed.flags


def test_a_zip_entry_whose_declared_size_lies_is_never_inflated_past_it() -> None:
    honest = zip_single("bom.txt", b"0" * 200_000)
    central = honest.rindex(b"PK\x01\x02")
    # Declare 10 bytes in the central directory (file size at offset 24); the reader stops there, the CRC fails.
    lying = honest[:central + 24] + (10).to_bytes(4, "little") + honest[central + 28:]
    parsed = package_parse(_vendor_package(attachment=_attachment("z1", lying)))
    assert parsed.document is not None
    assert parsed.document.attachments[0].data == lying
    assert "zip_unreadable" in parsed.flags


def test_attachment_names_lose_directories_and_control_characters() -> None:
    parsed = package_parse(_vendor_package(attachment=_attachment("n1", PDF, "..\\..\\tmp/evil&#9;.pdf")))
    assert parsed.document is not None
    assert parsed.document.attachments[0].name == "evil.pdf"
    assert parsed.raw_values["AttachmentEncoded/Attachment[1]/AttachmentName"] == "..\\..\\tmp/evil\t.pdf"


def test_an_attachment_missing_from_the_manifest_is_accepted_and_flagged() -> None:
    parsed = package_parse(_vendor_package(attachment=_attachment("cid:x9", PDF)))
    assert "unreferenced_attachment" in parsed.flags


STATUS_VARIANT = """<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
  <From><OrganId>000.00.00.G22</OrganId><OrganName>Văn phòng Chính phủ</OrganName></From>
  <ResponseFor><OrganId>000.00.00.H49</OrganId><Code>15/CT-UBND</Code><PromulgationDate>05/03/2024</PromulgationDate>
    <DocumentId>000.00.00.H49,2024/03/05,15/CT-UBND</DocumentId></ResponseFor>
  <StatusCode>09</StatusCode>
  <Timestamp>2024-03-05T14:05:09.123+07:00</Timestamp>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""


def test_status_variant_with_unknown_code_and_iso_timestamp() -> None:
    parsed = package_parse(STATUS_VARIANT.encode())
    assert parsed.kind == "status"
    assert parsed.status is not None
    assert parsed.status.status_code == "09"
    assert parsed.status.description == ""
    assert parsed.status.staff_info is None
    assert parsed.status.timestamp == datetime(2024, 3, 5, 14, 5, 9, 123000, tzinfo=VN)
    assert {"unknown_status_code", "timestamp_variant", "date_variant"} <= set(parsed.flags)


@pytest.mark.parametrize(("text", "expected", "variant"), [
    ("2024/03/05", date(2024, 3, 5), False),
    ("05/03/2024", date(2024, 3, 5), True),
    ("2024-03-05", date(2024, 3, 5), True),
    (" 2024/3/5 ", date(2024, 3, 5), True),
    ("2024/03/05 00:00:00", date(2024, 3, 5), True),
])
def test_date_forms(text: str, expected: date, variant: bool) -> None:
    assert date_parse(text) == (expected, variant)


@pytest.mark.parametrize("text", ["05/03/24", "2024/13/01", "hôm nay", "2024/02/30", "٢٠٢٤/03/05"])
def test_dates_that_are_not_dates(text: str) -> None:
    with pytest.raises(ValueError, match=r".*"):
        date_parse(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024/03/05 09:30:00", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),
    ("2024-03-05T09:30:00", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),
    ("2024-03-05T02:30:00Z", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),
    ("2024-03-04T21:30:00-05:00", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),
    ("2024-03-05T09:30:00+0700", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),
    ("05/03/2024 09:30", datetime(2024, 3, 5, 9, 30, tzinfo=VN)),
])
def test_timestamp_forms_are_converted_to_vietnam_time(text: str, expected: datetime) -> None:
    value, _variant = timestamp_parse(text)
    assert value == expected
    assert value.utcoffset() == timezone(timedelta(hours=7)).utcoffset(None)


@pytest.mark.parametrize(("raw", "expected"), [
    ("cid:abc", ("abc", True)), ("abc", ("abc", False)), ("<abc>", ("abc", False)), ("cid:<abc>", ("abc", True)),
])
def test_content_id_forms(raw: str, expected: tuple[str, bool]) -> None:
    assert content_id_normalize(raw) == expected
