"""Business statuses of copies received from the hub, sent back automatically (docs/standards/status-codes.md).

``exchange_status_from_incoming`` is an effect of ``documents.effects.incoming_changed``: every move that reports a
QCVN 102 status (accept 03, return 02, assign 04, process 05, complete 06, recall agreed 15 / refused 16) runs it
in the recipient's transaction, so the status package joins the outbox with the move, or neither happens.
"""

from __future__ import annotations

from vanthu.documents.effects import IncomingChange
from vanthu.exchange.models import ExchangeReceipt
from vanthu.exchange.outbox import package_enqueue_status


def exchange_status_from_incoming(change: IncomingChange) -> None:
    if not change.status_code or change.actor is None:
        return
    document = change.document
    if not ExchangeReceipt.objects.filter(incoming_id=document.pk).exists():
        return  # a paper document, or a copy delivered inside this deployment
    actor = change.actor
    staff = actor.user.full_name or actor.user.get_username()
    if actor.unit is not None:
        staff = f"{staff} — {actor.unit.name}"
    package_enqueue_status(incoming=document, code=change.status_code,
                           description=str(change.data.get("reason") or ""), staff=staff, actor_user=actor.user)
