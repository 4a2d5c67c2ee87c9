"""What happens elsewhere when a document changes: the events of the document life cycles and their registries.

The life cycles (``transitions.py``, ``outgoing/transitions.py``) and the services that create or edit documents
run these registries in their own transaction, after the change and its audit event. The apps above register their
effects in ``AppConfig.ready()`` (ADR 0008); today, in registration order:

- ``incoming_changed``: the sender's delivery in this deployment learns the status (documents), the month of
  statistics is marked dirty (reports), the search entry is rebuilt and new files are queued for text extraction
  (search), a status package goes back to a sender on another deployment (exchange);
- ``outgoing_changed``: the months of an issued document are marked dirty (reports);
- ``delivery_transported``: a delivery left for another deployment — its month is marked dirty (reports).

``external_transport`` is the exchange connector, the way deliveries reach agencies of other deployments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from vanthu.core.effects import Effects, Slot
from vanthu.documents.models import IncomingDocument
from vanthu.documents.outgoing.models import OutgoingDelivery, OutgoingDocument
from vanthu.organizations.actor import Actor


@dataclass(frozen=True)
class IncomingChange:
    """An incoming document was created, moved, edited or given files, in the transaction that did it."""

    document: IncomingDocument
    event_type: str  # the audit event that recorded the change: "incoming.registered", "incoming.updated", …
    actor: Actor | None  # None: the system (a copy delivered by the exchange connector)
    previous: Mapping[str, Any] = field(default_factory=dict)  # old values of the fields that changed
    status_code: str | None = None  # the QCVN 102 status this change reports to the sender (docs/standards)
    data: Mapping[str, Any] = field(default_factory=dict)  # the audit payload (a reason, the handlers…)
    created: bool = False
    files_added: bool = False
    changed: frozenset[str] = field(init=False)  # the names of the fields that changed

    def __post_init__(self) -> None:
        object.__setattr__(self, "changed", frozenset(self.previous))


@dataclass(frozen=True)
class OutgoingChange:
    """An outgoing document moved in its life cycle (``outgoing.<action>``), in the transaction that did it."""

    document: OutgoingDocument
    action: str
    actor: Actor | None
    previous: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryTransport:
    """Deliveries of one document left for, or failed to reach, another deployment."""

    agency_id: int
    document_id: int
    delivery_ids: tuple[int, ...]
    state: str  # TransportState
    at: dt.datetime


incoming_changed: Effects[IncomingChange] = Effects("incoming_changed")
outgoing_changed: Effects[OutgoingChange] = Effects("outgoing_changed")
delivery_transported: Effects[DeliveryTransport] = Effects("delivery_transported")


class ExternalTransport(Protocol):
    """Deliveries to agencies of other deployments (EXTERNAL), provided by the exchange connector.

    ``enqueue`` runs in the issuing transaction and must only write (the package to the outbox); ``withdraw``
    takes back a delivery that has not left yet and says whether it could.
    """

    def enqueue(self, *, document: OutgoingDocument, deliveries: Sequence[OutgoingDelivery], actor: Actor,
                business: int, reason: str, replaces: OutgoingDocument | None) -> None: ...

    def withdraw(self, *, delivery: OutgoingDelivery, actor: Actor, reason: str) -> bool: ...


external_transport: Slot[ExternalTransport] = Slot("external_transport")
