"""Moving an outgoing document through its life cycle (``lifecycle``): the one check, the one apply, the row locks."""

from __future__ import annotations

from typing import Any

from vanthu.core.audit import audit_record
from vanthu.core.errors import refuse_if
from vanthu.documents.effects import OutgoingChange, outgoing_changed
from vanthu.documents.outgoing.lifecycle import TRANSITIONS, Transition
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.permissions import can_move
from vanthu.organizations.actor import Actor


def transition_check(*, document: OutgoingDocument, action: str, actor: Actor) -> Transition:
    """Refuse a move the state or the actor's roles do not allow (``permissions.can_move``). Call with the document
    row locked."""
    refuse_if(can_move(actor, document, action))
    return TRANSITIONS[action]


def transition_apply(
    *,
    document: OutgoingDocument,
    transition: Transition,
    actor: Actor,
    data: dict[str, Any] | None = None,
    fields: dict[str, Any] | None = None,
) -> None:
    """Move the document, save the changed fields, write the audit event ``outgoing.<action>`` and run the
    effects of the change (``documents.effects.outgoing_changed``) in one go, in the caller's transaction."""
    old_state = document.state
    changed = dict(fields or {})
    if transition.target is not None:
        changed["state"] = transition.target
    previous = {name: getattr(document, name) for name in changed}
    for name, value in changed.items():
        setattr(document, name, value)
    if changed:
        document.save(update_fields=[*changed.keys(), "updated_at"])
    audit_record(
        actor=actor.user, event_type=f"outgoing.{transition.action}", target=document, agency=document.agency,
        data={"from": old_state, "to": document.state, **(data or {})},
    )
    outgoing_changed.run(OutgoingChange(document=document, action=transition.action, actor=actor, previous=previous))


def lock_outgoing(document_id: int) -> OutgoingDocument:
    return OutgoingDocument.objects.select_for_update(of=("self",)).select_related("agency").get(pk=document_id)


def lock_outgoing_in_order(*ids: int) -> dict[int, OutgoingDocument]:
    """Lock several outgoing rows (a replacement and the document it replaces) always in id order, so two moves
    touching the same pair cannot deadlock."""
    return {pk: lock_outgoing(pk) for pk in sorted(set(ids))}
