"""Receiving what the field really sends: a package another vendor's system built reaches the clerk as an incoming
document, with what it omits or writes differently stored on the package log and on the document and shown to
the clerk in Vietnamese; what the package leaves out is taken from its DocumentId or the exchange directory.
Packages go through the real hub process (tests/exchange/conftest.py); the corpus is tests/edxml/corpus/."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.builders import AgencyKit, make_agency_kit
from tests.exchange.conftest import HubServer
from vanthu import edxml
from vanthu.core.files import UploadedContent
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.exchange.client import hub_client
from vanthu.exchange.enums import Direction, PackageState
from vanthu.exchange.mapping import UNKNOWN_CODE, incoming_input_for, sender_resolve
from vanthu.exchange.models import ExchangePackage, ExternalAgency
from vanthu.exchange.receiving import exchange_poll
from vanthu.exchange.warnings import warnings_display

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
CORPUS = Path(__file__).parents[1] / "edxml" / "corpus"
VENDOR = "H37.DN.001"  # the LGSP enterprise client of the corpus


@pytest.fixture
def receiver(hub_server: HubServer, settings: Any) -> AgencyKit:
    settings.VANTHU_HUB_URL = hub_server.hub.url
    settings.VANTHU_HUB_SYSTEM_ID = hub_server.system_id
    settings.VANTHU_HUB_SECRET = hub_server.secret
    kit = make_agency_kit()
    hub_client().agency_register(code=kit.agency.organ_id or "", name=kit.agency.name)
    return kit


def _deliver(name: str, *, sender: str, to: str, edits: dict[str, str] | None = None) -> ExchangePackage:
    """A corpus package, addressed to ``to``, sent through the hub as ``sender`` and received."""
    text = (CORPUS / f"{name}.edxml").read_text(encoding="utf-8")
    for old, new in (edits or {}).items():
        text = text.replace(old, new)
    hub_client().agency_register(code=sender, name="Hệ thống của nhà cung cấp khác")
    hub_client().send(package=text.encode(), from_organ_id=sender, message_type="edoc", to=[to])
    exchange_poll()
    return ExchangePackage.objects.filter(direction=Direction.IN, from_organ_id=sender).latest("id")


def _lgsp(receiver: AgencyKit) -> ExchangePackage:
    return _deliver("lgsp-dotnet-serializer", sender=VENDOR, to=receiver.agency.organ_id or "",
                    edits={"000.00.00.H37": receiver.agency.organ_id or ""})


def _codes(warnings: list[dict[str, str]]) -> list[str]:
    return [item["code"] for item in warnings]


def _from_kit(name: str, receiver: AgencyKit, **edits: str) -> ExchangePackage:
    """A corpus package of Bộ Tài chính's shape, sent by an agency of this deployment to ``receiver``."""
    code = make_agency_kit().agency.organ_id or ""
    return _deliver(name, sender=code, to=receiver.agency.organ_id or "",
                    edits={"000.00.00.G12": code, "000.00.00.H49": receiver.agency.organ_id or "", **edits})


def test_a_package_with_platform_hops_lacking_an_agency_code_becomes_an_incoming_document(
    receiver: AgencyKit,
) -> None:
    package = _from_kit("trace-hop-without-organ-id", receiver)
    assert package.state == PackageState.PROCESSED, package.error
    copy = IncomingDocument.objects.get(agency=receiver.agency)
    assert copy.state == IncomingState.ARRIVED
    assert (copy.reference, copy.issued_date, copy.organ_name) == ("3120/BTC-NSNN", dt.date(2024, 4, 10),
                                                                   "Bộ Tài chính")
    assert _codes(copy.exchange_warnings) == ["organ_id_missing", "organ_id_missing"]


def test_the_warnings_are_kept_on_the_package_log_and_on_the_incoming_document(receiver: AgencyKit) -> None:
    package = _lgsp(receiver)
    expected = ["sdk_variant", "no_cid_prefix", "organ_id_nonstandard", "raw_attachment"]
    assert _codes(package.warnings) == expected
    assert package.warnings[2] == {
        "code": "organ_id_nonstandard", "element": "MessageHeader/From/OrganId", "value": VENDOR,
        "message": "Mã định danh của nơi gửi không theo cấu trúc mã cơ quan nhà nước; giữ nguyên như nhận được"}
    assert IncomingDocument.objects.get(agency=receiver.agency).exchange_warnings == package.warnings


def test_the_clerk_reads_the_warnings_in_vietnamese_on_the_document_page(receiver: AgencyKit,
                                                                         client: Client) -> None:
    _lgsp(receiver)
    copy = IncomingDocument.objects.get(agency=receiver.agency)
    client.force_login(receiver.clerk.user, backend=MODEL_BACKEND)
    page = client.get(f"/van-ban-den/{copy.pk}/").content.decode()
    assert 'id="exchange-warnings"' in page
    assert "Gói tin liên thông có 4 điểm khác chuẩn" in page
    assert "Tệp đính kèm gửi không nén" in page
    assert "MessageHeader/" not in page  # element paths are for the package log, not for the clerk


def test_the_package_page_lists_the_warnings_with_their_elements(receiver: AgencyKit, client: Client) -> None:
    package = _lgsp(receiver)
    client.force_login(receiver.clerk.user, backend=MODEL_BACKEND)
    page = client.get(f"/lien-thong/goi-tin/{package.pk}/").content.decode()
    assert 'id="package-warnings"' in page
    assert "Mã tệp đính kèm không có tiền tố cid:" in page
    assert "(AttachmentEncoded/Attachment[1]/ContentId)" in page


def test_a_conformant_package_shows_the_clerk_no_warning(receiver: AgencyKit, client: Client) -> None:
    hops = ("        <edXML:TraceHeader>\n          <edXML:Timestamp>2024/04/10 15:02:13</edXML:Timestamp>\n"
            "        </edXML:TraceHeader>\n        <edXML:TraceHeader>\n          <edXML:OrganId></edXML:OrganId>\n"
            "          <edXML:Timestamp>2024/04/10 15:02:14</edXML:Timestamp>\n        </edXML:TraceHeader>\n")
    package = _from_kit("trace-hop-without-organ-id", receiver, **{hops: ""})
    copy = IncomingDocument.objects.get(agency=receiver.agency)
    assert package.warnings == copy.exchange_warnings == []
    client.force_login(receiver.clerk.user, backend=MODEL_BACKEND)
    assert 'id="exchange-warnings"' not in client.get(f"/van-ban-den/{copy.pk}/").content.decode()


def test_a_package_without_code_and_date_takes_them_from_its_document_id(receiver: AgencyKit) -> None:
    text = (CORPUS / "no-code.edxml").read_text(encoding="utf-8")
    start, end = text.index("        <edXML:PromulgationInfo>"), text.index("</edXML:PromulgationInfo>\n") + 26
    _from_kit("no-code", receiver, **{text[start:end]: ""})
    copy = IncomingDocument.objects.get(agency=receiver.agency)
    assert (copy.code_number, copy.code_notation, copy.issued_date) == ("3120", "BTC-NSNN", dt.date(2024, 4, 10))
    assert _codes(copy.exchange_warnings) == ["code_missing", "promulgation_info_missing", "code_from_document_id",
                                              "issued_date_from_document_id"]


def _package(path: str) -> edxml.DocumentPackage:
    parsed = edxml.package_parse((CORPUS / path).read_bytes())
    assert parsed.document is not None
    return parsed.document


def test_a_sender_without_a_code_is_found_in_the_directory_by_name() -> None:
    ExternalAgency.objects.create(organ_id="000.00.12.H54", name="Sở Tài chính tỉnh Thái Bình")
    sender = sender_resolve(_package("organ-id-null.edxml").header.from_)  # OrganId "null"
    assert (sender.organ_id, sender.organ_name) == ("000.00.12.H54", "Sở Tài chính tỉnh Thái Bình")
    [warning] = sender.warnings
    assert (warning["code"], warning["value"]) == ("sender_found_by_name",
                                                   "Sở Tài chính tỉnh Thái Bình (000.00.12.H54)")


def test_the_directory_name_match_ignores_case_and_diacritics() -> None:
    ExternalAgency.objects.create(organ_id="000.00.12.H54", name="SO TAI CHINH TINH THAI BINH")
    assert sender_resolve(edxml.Organization("", "Sở Tài chính tỉnh Thái Bình")).organ_id == "000.00.12.H54"


def test_an_unknown_sender_code_is_kept_verbatim_even_when_its_name_is_listed() -> None:
    ExternalAgency.objects.create(organ_id="000.00.00.H22", name="Văn phòng Tỉnh ủy Quảng Ninh")
    sender = sender_resolve(_package("sender-party-code.edxml").header.from_)
    assert (sender.organ_id, sender.organ_name) == ("VPTU", "Văn phòng Tỉnh ủy Quảng Ninh")
    assert [w["value"] for w in sender.warnings] == ["Văn phòng Tỉnh ủy Quảng Ninh (000.00.00.H22)"]


def test_a_sender_known_by_code_only_gets_its_name_from_the_directory() -> None:
    ExternalAgency.objects.create(organ_id="0101234567", name="Công ty cổ phần Xây lắp Hạ Long")
    sender = sender_resolve(edxml.Organization("0101234567"))
    assert (sender.organ_id, sender.organ_name) == ("0101234567", "Công ty cổ phần Xây lắp Hạ Long")
    assert [w["code"] for w in sender.warnings] == ["sender_name_from_directory"]


def test_two_agencies_of_the_same_name_resolve_nothing() -> None:
    for code in ("000.00.01.H54", "000.00.02.H54"):
        ExternalAgency.objects.create(organ_id=code, name="Phòng Tài chính - Kế hoạch")
    sender = sender_resolve(edxml.Organization("", "Phòng Tài chính - Kế hoạch"))
    assert (sender.organ_id, sender.warnings) == ("", ())


def test_a_package_with_no_code_anywhere_waits_for_the_clerk_to_fill_it_in() -> None:
    document = _package("gateway-java-aggregated.edxml")  # an opaque DocumentId: nothing to take the code from
    header = replace(document.header, code=edxml.Code("", ""))
    received = incoming_input_for(edxml.DocumentPackage(header=header), files=[UploadedContent("a.pdf", b"%PDF")])
    assert (received.data.code_number, received.data.code_notation) == ("", UNKNOWN_CODE)
    assert [w["code"] for w in received.warnings] == ["code_unknown"]


def test_a_stored_warning_is_shown_in_the_readers_language() -> None:
    stored = [{"code": "organ_id_missing", "element": "TraceHeaderList/TraceHeader[2]/OrganId",
               "message": "Không có mã định danh của một bước chuyển gói tin", "value": ""},
              {"code": "code_from_document_id", "element": "MessageHeader/Code", "message": "…", "value": "x"}]
    with translation.override("en"):
        rows = warnings_display(stored)
    assert [row.message for row in rows] == [
        "No identifier code for a hop of the package",
        "The number and notation were taken from the exchange document ID; check them"]


def test_a_stored_warning_of_a_code_no_longer_known_keeps_its_message() -> None:
    [row] = warnings_display([{"code": "gone", "element": "X", "message": "Thông báo cũ", "value": ""}])
    assert row.message == "Thông báo cũ"
