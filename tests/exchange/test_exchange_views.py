"""The exchange screens: the monitor and package log, one package and its raw download, resend, the directory,
and "Chọn nơi nhận liên thông" when issuing — each with who may and who may not."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.builders import AgencyKit, make_agency_kit
from tests.exchange.conftest import HubServer
from tests.exchange.test_connector import _issue, _round
from tests.outgoing.signing_kit import SigningSetup, signing_setup
from vanthu.exchange.client import hub_client
from vanthu.exchange.enums import Direction, MessageType, PackageState
from vanthu.exchange.models import ExchangePackage, ExternalAgency
from vanthu.organizations.actor import Actor
from vanthu.organizations.services import user_create
from vanthu.signing.pki.testing import TestPki

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def connected(hub_server: HubServer, settings: Any) -> HubServer:
    settings.VANTHU_HUB_URL = hub_server.hub.url
    settings.VANTHU_HUB_SYSTEM_ID = hub_server.system_id
    settings.VANTHU_HUB_SECRET = hub_server.secret
    return hub_server


@pytest.fixture
def sent(connected: HubServer, test_pki: TestPki, settings: Any) -> tuple[SigningSetup, AgencyKit]:
    sender, receiver = make_agency_kit(), make_agency_kit()
    for kit in (sender, receiver):
        hub_client().agency_register(code=kit.agency.organ_id or "", name=kit.agency.name)
    signing = signing_setup(sender, test_pki, settings)
    _issue(signing, receiver)
    _round()
    return signing, receiver


def _as(client: Client, actor: Actor) -> Client:
    client.force_login(actor.user, backend=MODEL_BACKEND)
    return client


def _out(signing: SigningSetup) -> ExchangePackage:
    return ExchangePackage.objects.get(direction=Direction.OUT, message_type=MessageType.EDOC,
                                       agency=signing.kit.agency)


def test_the_monitor_shows_counters_and_the_agencys_packages(client: Client,
                                                             sent: tuple[SigningSetup, AgencyKit]) -> None:
    signing, _receiver = sent
    response = _as(client, signing.kit.clerk).get("/lien-thong/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-counter="sent"' in body and f'data-package="{_out(signing).pk}"' in body
    assert response.context["counters"].sent == 1


def test_the_monitor_list_does_not_grow_queries_with_rows(client: Client, sent: tuple[SigningSetup, AgencyKit],
                                                          connected: HubServer) -> None:
    signing, receiver = sent
    _as(client, signing.kit.clerk)
    with CaptureQueriesContext(connection) as few:
        client.get("/lien-thong/")
    for _ in range(3):
        _issue(signing, receiver)
    with CaptureQueriesContext(connection) as many:
        client.get("/lien-thong/")
    assert len(many) == len(few)


def test_a_specialist_may_not_open_the_monitor(client: Client, sent: tuple[SigningSetup, AgencyKit]) -> None:
    signing, _receiver = sent
    assert _as(client, signing.kit.specialist).get("/lien-thong/").status_code == 403


def test_a_package_and_its_raw_edxml_for_its_agency_only(client: Client,
                                                        sent: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = sent
    package = _out(signing)
    _as(client, signing.kit.leader)
    assert client.get(f"/lien-thong/goi-tin/{package.pk}/").status_code == 200
    download = client.get(f"/lien-thong/goi-tin/{package.pk}/tai-ve/")
    assert download.status_code == 200 and download["Content-Type"] == "application/xml"
    assert b"QCVN_102_2016" in download.content and download["Content-Disposition"].endswith('.edxml"')
    for outsider in (receiver.clerk, signing.kit.specialist):
        _as(client, outsider)
        assert client.get(f"/lien-thong/goi-tin/{package.pk}/").status_code == 404
        assert client.get(f"/lien-thong/goi-tin/{package.pk}/tai-ve/").status_code == 404


def test_resend_is_for_the_sending_clerk(client: Client, sent: tuple[SigningSetup, AgencyKit]) -> None:
    signing, receiver = sent
    package = _out(signing)
    ExchangePackage.objects.filter(pk=package.pk).update(state=PackageState.FAILED)
    _as(client, receiver.clerk)
    assert client.post(f"/lien-thong/goi-tin/{package.pk}/gui-lai/").status_code == 404
    _as(client, signing.kit.leader)
    client.post(f"/lien-thong/goi-tin/{package.pk}/gui-lai/")
    assert ExchangePackage.objects.get(pk=package.pk).state == PackageState.FAILED, "a leader may not resend"
    _as(client, signing.kit.clerk)
    assert client.post(f"/lien-thong/goi-tin/{package.pk}/gui-lai/").status_code == 302
    assert ExchangePackage.objects.get(pk=package.pk).state in (PackageState.QUEUED, PackageState.SENT)


def test_the_directory_is_refreshed_by_a_system_administrator_only(client: Client, kit: AgencyKit,
                                                                   connected: HubServer) -> None:
    other = make_agency_kit()
    hub_client().agency_register(code=other.agency.organ_id or "", name="Bộ Thử nghiệm")
    _as(client, kit.clerk)
    assert client.post("/lien-thong/danh-ba/cap-nhat/").status_code == 403
    admin = user_create(actor=None, username="quantri-he-thong", full_name="Quản trị", password=None)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin, backend=MODEL_BACKEND)
    assert client.post("/lien-thong/danh-ba/cap-nhat/").status_code == 302
    assert not ExternalAgency.objects.filter(organ_id=other.agency.organ_id).exists(), "our own agencies are local"
    ExternalAgency.objects.create(organ_id="000.00.00.G22", name="Văn phòng Chính phủ")
    _as(client, kit.clerk)
    page = client.get("/lien-thong/danh-ba/?q=chinh phu").content.decode()
    assert "000.00.00.G22" in page


def test_the_issue_form_offers_the_directory_when_connected(client: Client, connected: HubServer,
                                                            test_pki: TestPki, settings: Any) -> None:
    sender = make_agency_kit()
    hub_client().agency_register(code=sender.agency.organ_id or "", name=sender.agency.name)
    ExternalAgency.objects.create(organ_id="000.00.00.G22", name="Văn phòng Chính phủ")
    hub_client().agency_register(code="000.00.00.G22", name="Văn phòng Chính phủ")
    signing = signing_setup(sender, test_pki, settings)
    document = signing.sealed()
    _as(client, sender.clerk)
    page = client.get(f"/van-ban-di/{document.pk}/").content.decode()
    assert 'id="issue-external"' in page and "000.00.00.G22" in page
    response = client.post(f"/van-ban-di/{document.pk}/ban-hanh/", {"issue-external": ["000.00.00.G22"]})
    assert response.status_code == 302
    package = ExchangePackage.objects.get(direction=Direction.OUT, outgoing=document)
    assert package.to_organ_ids == ["000.00.00.G22"]


def test_without_a_hub_the_issue_form_has_no_external_recipients(client: Client, kit: AgencyKit,
                                                                 test_pki: TestPki, settings: Any) -> None:
    settings.VANTHU_HUB_URL = ""
    signing = signing_setup(kit, test_pki, settings)
    document = signing.sealed()
    page = _as(client, kit.clerk).get(f"/van-ban-di/{document.pk}/").content.decode()
    assert 'id="action-issue"' in page and 'id="issue-external"' not in page
