"""Moving an incoming document through its life cycle (``lifecycle``): the one check, the one apply, the row lock."""

from __future__ import annotations

from typing import Any

from vanthu.core.audit import audit_record
from vanthu.core.errors import refuse_if
from vanthu.documents.effects import IncomingChange, incoming_changed
from vanthu.documents.lifecycle import TRANSITIONS, Transition
from vanthu.documents.models import IncomingDocument
from vanthu.documents.permissions import can_move
from vanthu.organizations.actor import Actor


def transition_check(*, document: IncomingDocument, action: str, actor: Actor) -> Transition:
    """Refuse a move the state or the actor's roles do not allow (``permissions.can_move``). Call with the document
    row locked."""
    refuse_if(can_move(actor, document, action))
    return TRANSITIONS[action]


def transition_apply(
    *,
    document: IncomingDocument,
    transition: Transition,
    actor: Actor,
    event_type: str,
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> None:
    """Move the document, save the changed fields, write the timeline/audit event and run the effects of the
    change (``documents.effects.incoming_changed``: statistics, search, the status report to the sender) in one
    go, in the caller's transaction."""
    old_state = document.state
    changed = dict(fields or {})
    if transition.target is not None:
        changed["state"] = transition.target
    previous = {name: getattr(document, name) for name in changed}
    for name, value in changed.items():
        setattr(document, name, value)
    if changed:
        document.save(update_fields=[*changed.keys(), "updated_at"])
    payload = {"from": old_state, "to": document.state, **(data or {})}
    if transition.status_code:
        payload["status_code"] = transition.status_code
    audit_record(actor=actor.user, event_type=event_type, target=document, agency=document.agency, data=payload)
    incoming_changed.run(IncomingChange(document=document, event_type=event_type, actor=actor, previous=previous,
                                        status_code=transition.status_code, data=payload))


def lock_document(document_id: int) -> IncomingDocument:
    return IncomingDocument.objects.select_for_update(of=("self",)).select_related("agency").get(pk=document_id)
