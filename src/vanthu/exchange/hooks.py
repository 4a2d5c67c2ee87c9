"""The exchange connector's part in the document life cycles (ADR 0008).

Registered by ``register`` (called from ``ExchangeConfig.ready()``): the status report to a sender on another
deployment as an effect of every incoming change that reports a status, the connector as the
``external_transport`` of outgoing deliveries to agencies of other deployments, and — when a hub is configured —
the receive loop, the outbox retries and the directory refresh as periodic jobs.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from vanthu.core.periodic import PeriodicJob, periodic_register
from vanthu.documents.effects import external_transport, incoming_changed
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
from vanthu.exchange.client import hub_configured
from vanthu.exchange.outbox import package_enqueue_document, package_withdraw_recipient
from vanthu.exchange.status import exchange_status_from_incoming
from vanthu.exchange.tasks import exchange_directory_refresh, exchange_receive, exchange_send_retries
from vanthu.organizations.actor import Actor


class HubTransport:
    """Deliveries to other deployments go through the hub: one edXML package in the outbox per issue."""

    def enqueue(self, *, document: OutgoingDocument, deliveries: Sequence[OutgoingDelivery], actor: Actor,
                business: int, reason: str, replaces: OutgoingDocument | None) -> None:
        if deliveries:
            package_enqueue_document(document=document, deliveries=deliveries, actor=actor, business=business,
                                     reason=reason, replaces=replaces)

    def withdraw(self, *, delivery: OutgoingDelivery, actor: Actor, reason: str) -> bool:
        return package_withdraw_recipient(delivery=delivery, actor=actor, reason=reason)


RETRY_TICK_SECONDS = 15.0
DIRECTORY_SECONDS = 3600.0


def _poll_seconds() -> float:
    return max(float(settings.VANTHU_HUB_POLL_SECONDS), 0.2)


def register() -> None:
    incoming_changed.register("exchange.status_report", exchange_status_from_incoming)
    external_transport.provide("exchange.hub", HubTransport())
    periodic_register(PeriodicJob("exchange receive", exchange_receive, _poll_seconds, hub_configured))
    periodic_register(PeriodicJob("exchange retries", exchange_send_retries,
                                  lambda: min(RETRY_TICK_SECONDS, _poll_seconds()), hub_configured))
    periodic_register(PeriodicJob("exchange directory", exchange_directory_refresh, lambda: DIRECTORY_SECONDS,
                                  hub_configured))
