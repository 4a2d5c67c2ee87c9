"""The connector in one deployment, against a real hub process: outbox, sending with retries, the receive loop,
statuses, recall, idempotency, quarantine, the monitor. Both agencies are hosted by this deployment's hub system
here, so one process plays sender and receiver (the multi-process tests are test_exchange_e2e/faults)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.builders import AgencyKit, make_agency_kit
from tests.exchange.conftest import HubServer
from tests.outgoing.signing_kit import SigningSetup, signing_setup
from vanthu import edxml
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.documents.enums import IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.distribution import ExternalRecipient, outgoing_issue
from vanthu.documents.outgoing.enums import TransportState
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
from vanthu.documents.outgoing.recall import outgoing_recall
from vanthu.documents.recall import incoming_recall_refuse
from vanthu.documents.services import incoming_register
from vanthu.exchange.client import hub_client
from vanthu.exchange.enums import Direction, MessageType, PackageState, SignerTrust
from vanthu.exchange.models import ExchangePackage, ExchangeReceipt
from vanthu.exchange.outbox import package_enqueue_document
from vanthu.exchange.receiving import exchange_poll
from vanthu.exchange.selectors import exchange_monitor_for_user, exchange_package_get_for_user
from vanthu.exchange.sending import exchange_send_due
from vanthu.exchange.services import exchange_package_resend
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def connected(hub_server: HubServer, settings: Any) -> HubServer:
    settings.VANTHU_HUB_URL = hub_server.hub.url
    settings.VANTHU_HUB_SYSTEM_ID = hub_server.system_id
    settings.VANTHU_HUB_SECRET = hub_server.secret
    settings.VANTHU_HUB_RETRY_SECONDS = 0
    return hub_server


def _host(kit: AgencyKit) -> None:
    hub_client().agency_register(code=kit.agency.organ_id or "", name=kit.agency.name)


@pytest.fixture
def pair(connected: HubServer, test_pki: TestPki, settings: Any) -> tuple[SigningSetup, AgencyKit]:
    sender, receiver = make_agency_kit(), make_agency_kit()
    for kit in (sender, receiver):
        _host(kit)
    return signing_setup(sender, test_pki, settings), receiver


def _issue(signing: SigningSetup, receiver: AgencyKit, **overrides: Any) -> OutgoingDocument:
    document = signing.sealed(**overrides)
    return outgoing_issue(actor=signing.kit.clerk, document_id=document.pk, agency_ids=(),
                          external=[ExternalRecipient(receiver.agency.organ_id or "", receiver.agency.name)])


def _round() -> None:
    """What the worker does: send the outbox, then receive (twice: the status packages the receipt causes)."""
    for _ in range(3):
        exchange_send_due()
        exchange_poll()


def _copy(receiver: AgencyKit) -> IncomingDocument:
    return IncomingDocument.objects.get(agency=receiver.agency)


def test_issue_writes_one_package_to_the_outbox_in_the_same_transaction(
    pair: tuple[SigningSetup, AgencyKit],
) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    [package] = ExchangePackage.objects.filter(direction=Direction.OUT, outgoing=document)
    assert package.state == PackageState.QUEUED and package.to_organ_ids == [receiver.agency.organ_id]
    delivery = OutgoingDelivery.objects.get(document=document)
    assert delivery.transport_state == TransportState.QUEUED and delivery.sent_at is None
    parsed = edxml.package_parse(_blob(package))
    assert parsed.document is not None and parsed.document.header.subject == document.subject
    assert parsed.document.header.code.code_number == document.code_number
    assert parsed.document.attachments[0].name.endswith(".pdf")


def _blob(package: ExchangePackage) -> bytes:
    from vanthu.core.blobs import blob_read

    assert package.blob is not None
    return blob_read(package.blob)


def test_the_receiver_gets_a_copy_waiting_for_acceptance_and_the_sender_sees_01_then_03(
    pair: tuple[SigningSetup, AgencyKit],
) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    _round()
    copy = _copy(receiver)
    assert copy.state == IncomingState.ARRIVED and copy.document_id.endswith(document.reference)
    assert copy.organ_id == signing.kit.agency.organ_id and copy.subject == document.subject
    assert "bao-cao-chu-ky-so.pdf" in set(copy.files.values_list("filename", flat=True))
    delivery = OutgoingDelivery.objects.get(document=document)
    assert delivery.transport_state == TransportState.SENT and delivery.status_code == "01"
    incoming_register(actor=receiver.clerk, document_id=copy.pk)
    _round()
    delivery.refresh_from_db()
    assert delivery.status_code == "03"
    assert list(delivery.events.values_list("code", flat=True)) == ["01", "03"]


def test_polling_again_changes_nothing(pair: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = pair
    _issue(signing, receiver)
    _round()
    counts = (IncomingDocument.objects.count(), ExchangePackage.objects.count())
    _round()
    assert (IncomingDocument.objects.count(), ExchangePackage.objects.count()) == counts


def test_the_same_document_under_a_new_hub_id_is_not_created_twice(pair: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    _round()
    [package] = ExchangePackage.objects.filter(direction=Direction.OUT, outgoing=document,
                                               message_type=MessageType.EDOC)
    # The sender's system sends the same document again (a new hub id: the hub only dedupes identical bodies).
    data = _blob(package).replace(b"</edXML>", b"<!-- gui lai --></edXML>")
    hub_client().send(package=data, from_organ_id=signing.kit.agency.organ_id or "", message_type="edoc",
                      to=[receiver.agency.organ_id or ""])
    _round()
    assert IncomingDocument.objects.filter(agency=receiver.agency).count() == 1
    assert ExchangePackage.objects.filter(direction=Direction.IN, state=PackageState.IGNORED).count() == 1


def test_a_package_with_a_corrupt_pdf_is_quarantined_and_reported(pair: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = pair
    header = edxml.MessageHeader(
        from_=edxml.Organization(organ_id=signing.kit.agency.organ_id or "", organ_name="Gửi thử"),
        to=(edxml.Organization(organ_id=receiver.agency.organ_id or "", organ_name=receiver.agency.name),),
        document_id="x,2026/12/06,01/TB", code=edxml.Code(code_number="01", code_notation="TB"),
        promulgation_info=edxml.PromulgationInfo(place="Hà Nội", promulgation_date=None),
        document_type=edxml.DocumentTypeInfo(type=7, type_detail=0, type_name="Thông báo"), subject="Tệp hỏng")
    data = edxml.document_package_build(edxml.DocumentPackage(header=header, attachments=(
        edxml.Attachment(name="hong.pdf", content_type="application/pdf", data=b"%PDF-1.4 khong phai pdf"),)))
    hub_client().send(package=data, from_organ_id=signing.kit.agency.organ_id or "", message_type="edoc",
                      to=[receiver.agency.organ_id or ""])
    result = exchange_poll()
    assert result.quarantined == 1 and not IncomingDocument.objects.filter(agency=receiver.agency).exists()
    package = ExchangePackage.objects.get(direction=Direction.IN, state=PackageState.QUARANTINED)
    assert package.error_code == "file_corrupt" and package.blob is not None
    assert exchange_poll().quarantined == 0, "acknowledged as failed: redelivered at most as a known package"


def test_an_unreachable_hub_keeps_the_package_queued_with_backoff_then_fails_for_good(
    pair: tuple[SigningSetup, AgencyKit], settings: Any,
) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    settings.VANTHU_HUB_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    settings.VANTHU_HUB_MAX_SEND_ATTEMPTS = 3
    for _ in range(3):
        exchange_send_due()
    package = ExchangePackage.objects.get(direction=Direction.OUT, outgoing=document)
    assert package.state == PackageState.FAILED and package.attempts == 3
    assert package.error_code == "exchange.hub_unavailable"
    assert OutgoingDelivery.objects.get(document=document).transport_state == TransportState.FAILED
    assert exchange_monitor_for_user(actor=signing.kit.clerk).failed == 1


def test_a_failed_package_is_resent_by_the_clerk_only(pair: tuple[SigningSetup, AgencyKit], settings: Any,
                                                      connected: HubServer) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    settings.VANTHU_HUB_URL = "http://127.0.0.1:9"
    settings.VANTHU_HUB_MAX_SEND_ATTEMPTS = 1
    exchange_send_due()
    package = ExchangePackage.objects.get(direction=Direction.OUT, outgoing=document)
    assert package.state == PackageState.FAILED
    with pytest.raises(PermissionDeniedError):  # the leader sees the log, only a clerk sends
        exchange_package_resend(actor=signing.kit.leader, package_id=package.pk)
    for outsider in (signing.kit.specialist, receiver.clerk):
        with pytest.raises(NotFoundError):
            exchange_package_resend(actor=outsider, package_id=package.pk)
    settings.VANTHU_HUB_URL = connected.hub.url
    exchange_package_resend(actor=signing.kit.clerk, package_id=package.pk)
    _round()
    assert OutgoingDelivery.objects.get(document=document).status_code == "01"


def test_a_sender_not_hosted_by_this_system_fails_at_once(connected: HubServer, test_pki: TestPki,
                                                          settings: Any) -> None:
    stranger, receiver = make_agency_kit(), make_agency_kit()
    _host(receiver)  # the sender is never registered with the hub: it refuses it as a sender (error 3)
    document = _issue(signing_setup(stranger, test_pki, settings), receiver)
    exchange_send_due()
    package = ExchangePackage.objects.get(direction=Direction.OUT, outgoing=document)
    assert package.state == PackageState.FAILED and package.attempts == 1
    assert package.error_code == "exchange.hub_error"


def test_recall_through_the_hub_and_the_refusal_comes_back(pair: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    _round()
    outgoing_recall(actor=signing.kit.clerk, document_id=document.pk, reason="Sai số liệu.")
    _round()
    copy = _copy(receiver)
    assert copy.state == IncomingState.RECALL_PENDING
    incoming_recall_refuse(actor=receiver.clerk, document_id=copy.pk, reason="Đã triển khai, không thu hồi.")
    _round()
    delivery = OutgoingDelivery.objects.get(document=document)
    assert delivery.recall_state == "REFUSED" and delivery.status_code == "16"
    assert delivery.status_description == "Đã triển khai, không thu hồi."


def test_a_recall_before_the_package_left_withdraws_it_without_asking(
    pair: tuple[SigningSetup, AgencyKit], settings: Any,
) -> None:
    signing, receiver = pair
    document = _issue(signing, receiver)
    outgoing_recall(actor=signing.kit.clerk, document_id=document.pk, reason="Phát hành nhầm.")
    package = ExchangePackage.objects.get(direction=Direction.OUT, outgoing=document)
    assert package.state == PackageState.CANCELLED
    assert OutgoingDelivery.objects.get(document=document).transport_state == TransportState.CANCELLED
    _round()
    assert not IncomingDocument.objects.filter(agency=receiver.agency).exists()


def test_a_secret_document_is_never_packaged_whatever_calls_the_outbox(
    pair: tuple[SigningSetup, AgencyKit],
) -> None:
    signing, receiver = pair
    document = signing.sealed()
    OutgoingDocument.objects.filter(pk=document.pk).update(confidentiality=1)  # a caller that skipped the checks
    delivery = OutgoingDelivery.objects.create(document=document, kind="EXTERNAL",
                                               external_organ_id=receiver.agency.organ_id or "",
                                               external_name=receiver.agency.name)
    with pytest.raises(ApplicationError) as info:
        package_enqueue_document(document=OutgoingDocument.objects.get(pk=document.pk), deliveries=[delivery],
                                 actor=signing.kit.clerk)
    assert info.value.code == "edxml.secret_document"
    assert not ExchangePackage.objects.exists()


def test_a_deployment_without_a_hub_refuses_external_recipients(kit: AgencyKit, test_pki: TestPki,
                                                                settings: Any) -> None:
    settings.VANTHU_HUB_URL = ""
    signing = signing_setup(kit, test_pki, settings)
    document = signing.sealed()
    with pytest.raises(ApplicationError) as info:
        outgoing_issue(actor=kit.clerk, document_id=document.pk, agency_ids=(),
                       external=[ExternalRecipient("000.00.00.G22", "Văn phòng Chính phủ")])
    assert info.value.code == "exchange_not_connected"
    assert OutgoingDocument.objects.get(pk=document.pk).state == "SEALED", "nothing issued"


def test_packages_are_visible_to_their_agency_only(pair: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = pair
    _issue(signing, receiver)
    _round()
    sent = ExchangePackage.objects.filter(direction=Direction.OUT, message_type=MessageType.EDOC).get()
    received = ExchangeReceipt.objects.get(agency=receiver.agency).package
    assert exchange_package_get_for_user(actor=signing.kit.clerk, package_id=sent.pk) == sent
    assert exchange_package_get_for_user(actor=receiver.leader, package_id=received.pk) == received
    for actor, package in ((receiver.clerk, sent), (signing.kit.clerk, received), (signing.kit.specialist, sent)):
        with pytest.raises(NotFoundError):
            exchange_package_get_for_user(actor=actor, package_id=package.pk)


def test_the_monitor_counts_with_one_query(pair: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = pair
    _issue(signing, receiver)
    with CaptureQueriesContext(connection) as queries:
        counters = exchange_monitor_for_user(actor=signing.kit.clerk)
    assert counters.not_sent == 1 and counters.sent == 0
    assert len(queries) == 3, [q["sql"][:80] for q in queries.captured_queries]  # calendar (2), the counters



def test_the_receiver_records_whether_the_package_signer_is_trusted(pair: tuple[SigningSetup, AgencyKit],
                                                                     settings: Any, tmp_path: Path,
                                                                     client: Client) -> None:
    signing, receiver = pair
    p12 = tmp_path / "exchange.p12"
    p12.write_bytes(signing.pki.identity("agency-rsa").pkcs12(b"mat-khau"))
    settings.VANTHU_EXCHANGE_CERT_FILE, settings.VANTHU_EXCHANGE_CERT_PASSWORD = str(p12), "mat-khau"
    _issue(signing, receiver)
    _round()
    received = ExchangePackage.objects.get(direction=Direction.IN, message_type=MessageType.EDOC)
    assert (received.signature_state, received.signer_trust) == ("valid", SignerTrust.TRUSTED)
    assert "UBND tỉnh Demo" in received.signer_subject
    client.force_login(receiver.clerk.user, backend=MODEL_BACKEND)
    page = client.get(f"/lien-thong/goi-tin/{received.pk}/")
    assert page.status_code == 200
    assert 'data-signer-trust="trusted"' in page.content.decode()
