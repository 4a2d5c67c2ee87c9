"""``vanthu demo-hub``: the demo's hub database, systems and agencies, and the national công văn waiting for the
demo province — once, however often it runs."""

from __future__ import annotations

import os
import sys

import pytest

from tests.builders import make_agency_kit
from tests.exchange.harness import free_port, wait_for
from tests.processes import spawn, stop
from vanthu.demo.hub import DEMO_SYSTEM, NATIONAL_AGENCIES, demo_hub_prepare
from vanthu.hubapi.client import HubClient, HubUnavailableError, ReceivedItem
from vanthu.organizations.models import Agency

pytestmark = pytest.mark.django_db


def _listed(client: HubClient) -> list[ReceivedItem] | None:
    try:
        return client.received_list(message_type="edoc")
    except HubUnavailableError:  # not answering yet
        return None


def test_the_demo_hub_connects_the_province_and_delivers_one_national_document() -> None:
    province = make_agency_kit()
    port = free_port()
    first = demo_hub_prepare(port=port)
    again = demo_hub_prepare(port=port)
    assert first.sent_inbound and not again.sent_inbound
    assert Agency.objects.get(pk=province.agency.pk).hub_enabled
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    server = spawn([sys.executable, "-m", "vanthu.cli", "hub", "serve", "--port", str(port)], env=env)
    try:
        client = HubClient(endpoint=f"http://127.0.0.1:{port}", system_id=DEMO_SYSTEM, secret=first.secret)
        items = wait_for(lambda: _listed(client), what="the demo hub")
        assert [item.from_code for item in items] == [NATIONAL_AGENCIES[0][0]]
        assert {a.code for a in client.agencies()} >= {code for code, _name in NATIONAL_AGENCIES}
    finally:
        stop(server)
