"""Business statuses of copies received from the hub, sent back automatically (STANDARDS.md (c)).

``documents.transitions.transition_apply`` calls ``exchange_status_from_incoming`` for every move that reports
a QCVN 102 status (accept 03, return 02, assign 04, process 05, complete 06, recall agreed 15 / refused 16), in
the recipient's transaction: the status package joins the outbox with the move, or neither happens.
"""

from __future__ import annotations

from typing import Any

from vanthu.documents.models import IncomingDocument
from vanthu.exchange.models import ExchangeReceipt
from vanthu.exchange.outbox import package_enqueue_status
from vanthu.organizations.actor import Actor


def exchange_status_from_incoming(*, document: IncomingDocument, code: str, actor: Actor,
                                  data: dict[str, Any]) -> None:
    if not ExchangeReceipt.objects.filter(incoming_id=document.pk).exists():
        return  # a paper document, or a copy delivered inside this deployment
    staff = actor.user.full_name or actor.user.get_username()
    if actor.unit is not None:
        staff = f"{staff} — {actor.unit.name}"
    package_enqueue_status(incoming=document, code=code, description=str(data.get("reason") or ""), staff=staff,
                           actor_user=actor.user)
