"""Audit log: append rows in the caller's transaction and verify the hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from vanthu.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from vanthu.organizations.models import Agency, User

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "created_at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "agency": event.agency_id,
        "event_type": event.event_type,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def _digest(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + _canonical(event)).hexdigest()


def audit_record(
    *,
    actor: User | None,
    event_type: str,
    target: Model | tuple[str, Any],
    agency: Agency | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the transaction of the change it records."""
    if isinstance(target, tuple):
        target_type, target_id = target
    else:
        target_type, target_id = target._meta.label_lower, target.pk
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _ = AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS})
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        # Round-trip the JSON now so the stored value hashes the same when read back.
        clean = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
        event = AuditEvent(
            created_at=timezone.now(),
            actor=actor if actor is not None and actor.pk else None,
            agency=agency,
            event_type=event_type,
            target_type=target_type,
            target_id=str(target_id),
            data=clean,
            prev_hash=head.last_hash,
        )
        event.hash = _digest(head.last_hash, event)
        event.save()
        AuditChainHead.objects.filter(pk=1).update(last_hash=event.hash, count=head.count + 1)
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int | None
    problem: str


def audit_verify() -> Iterator[ChainProblem]:
    """Walk the chain in id order; report edited rows, broken links and missing rows."""
    prev = GENESIS
    seen = 0
    last_id: int | None = None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        seen += 1
        if event.prev_hash != prev:
            yield ChainProblem(event.id, "broken link: a row before this one was deleted or edited")
        if _digest(event.prev_hash, event) != event.hash:
            yield ChainProblem(event.id, "content does not match its hash: this row was edited")
        prev = event.hash
        last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None:
        if head.count != seen:
            yield ChainProblem(last_id, f"chain head counts {head.count} rows but {seen} are present")
        elif head.last_hash != prev:
            yield ChainProblem(last_id, "the last rows of the chain were removed")
