"""Audit log: append rows in the caller's transaction, and verify the hash chains against the signed checkpoints.

The log is partitioned into chains: one per agency (``chain`` = the agency's id) and the shared chain 0 for events
without an agency — and for every event written before the partition, which therefore stays verifiable as it was.
A transaction appends to one chain only, the chain of its first audited change: it then holds a single head lock,
so two transactions that touch agencies A and B in opposite orders cannot deadlock on the heads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from vanthu.core.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from vanthu.organizations.models import Agency, User

GENESIS = "0" * 64
SHARED_CHAIN = 0
_MEMO = "_vanthu_audit_chain"


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
    # No savepoint: the event belongs to the caller's change, and if appending fails the change must not commit
    # either. (Two round trips per audited write less, under the head lock.)
    with transaction.atomic(savepoint=False):
        chain = _transaction_chain(agency.pk if agency is not None and agency.pk else SHARED_CHAIN)
        head = _head_locked(chain)
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
            chain=chain,
        )
        event.hash = _digest(head.last_hash, event)
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            last_hash=event.hash, count=head.count + 1, last_event_id=event.pk)
    return event


@dataclass(frozen=True)
class _TransactionChain:
    outer: object  # the outermost atomic block of the application (not the test case's)
    hooks: object  # the connection's on-commit list: Django replaces it at commit, rollback and savepoint rollback
    chain: int


def _transaction_chain(wanted: int) -> int:
    """The chain this transaction already appends to, else ``wanted``.

    Django has no hook for "the transaction ended", but it replaces ``run_on_commit`` with a new list at every
    commit and rollback: the memo holds while that list and the outermost (non test-case) atomic block are the
    ones it saw. A savepoint rollback also replaces the list, dropping the memo — the head locked inside the
    savepoint may have been released with it — so such a transaction may take a second head."""
    connection = transaction.get_connection()
    outer = next(block for block in connection.atomic_blocks if not getattr(block, "_from_testcase", False))
    memo: _TransactionChain | None = getattr(connection, _MEMO, None)
    if memo is not None and memo.outer is outer and memo.hooks is connection.run_on_commit:
        return memo.chain
    setattr(connection, _MEMO, _TransactionChain(outer=outer, hooks=connection.run_on_commit, chain=wanted))
    return wanted


def _head_locked(chain: int) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        # ON CONFLICT DO NOTHING: the chain's first writers may race to create its head.
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain, last_hash=GENESIS)], ignore_conflicts=True)
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head


# --- verification ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ChainProblem:
    """One finding, worded for the administrator; ``kind`` names it for programs and tests."""

    event_id: int | None
    problem: str
    kind: str = ""


@dataclass(frozen=True)
class HeadState:
    """A chain's head as a checkpoint signs it: the last event, how many events, the last hash."""

    chain: int
    last_id: int
    count: int
    last_hash: str


@dataclass(frozen=True)
class CheckpointTarget:
    """The newest signed state of one chain, which the rows must still match."""

    state: HeadState
    number: int
    made_at: str


@dataclass
class _ChainState:
    prev_hash: str = GENESIS
    count: int = 0
    last_id: int | None = None


class ChainLabels:
    """How findings name a chain: the shared chain, or an agency's chain by its name when the caller knows the
    names (``names``: agency id → name; core reads no organisation)."""

    def __init__(self, names: Mapping[int, str] | None = None) -> None:
        self._names = dict(names or {})

    def __call__(self, chain: int) -> str:
        if chain == SHARED_CHAIN:
            return _("chuỗi chung")
        return _("chuỗi của cơ quan %(name)s (#%(id)s)") % {"name": self._names.get(chain, "?"), "id": chain}


@dataclass
class ChainWalk:
    """One pass over every row in id order (ids grow along each chain: a writer takes its id after locking the
    head), checking each row's hash and link, then each chain against its head and its newest checkpoint."""

    targets: Mapping[int, CheckpointTarget] = field(default_factory=dict)
    label: ChainLabels = field(default_factory=ChainLabels)
    states: dict[int, _ChainState] = field(default_factory=dict)
    mismatched: set[int] = field(default_factory=set)  # chains whose checkpoint no longer matches
    events: int = 0
    _reached: set[int] = field(default_factory=set)

    def run(self) -> Iterator[ChainProblem]:
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
            self.events += 1
            state = self.states.setdefault(event.chain, _ChainState())
            yield from self._row(event, state)
        yield from self._unreached_targets()
        yield from self._heads()

    def _row(self, event: AuditEvent, state: _ChainState) -> Iterator[ChainProblem]:
        if event.prev_hash != state.prev_hash:
            yield self._broken_link(event, state)
        if _digest(event.prev_hash, event) != event.hash:
            yield ChainProblem(event.id, _("Sự kiện #%(id)s đã bị sửa: nội dung không khớp với mã băm của nó.")
                               % {"id": event.id}, "edited")
        state.prev_hash, state.count, state.last_id = event.hash, state.count + 1, event.id
        target = self.targets.get(event.chain)
        if target is not None and event.chain not in self._reached and event.id >= target.state.last_id:
            self._reached.add(event.chain)
            if event.id > target.state.last_id:
                yield self._target_row_missing(target)
            else:
                yield from self._against_target(event, state, target)

    def _broken_link(self, event: AuditEvent, state: _ChainState) -> ChainProblem:
        chain = self.label(event.chain)
        if state.last_id is None:
            return ChainProblem(event.id, _(
                "Sự kiện #%(id)s mở đầu %(chain)s nhưng không nối với điểm gốc: các sự kiện trước nó trong chuỗi "
                "đã bị xóa.") % {"id": event.id, "chain": chain}, "link_broken")
        return ChainProblem(event.id, capfirst(_(
            "%(chain)s bị đứt giữa sự kiện #%(before)s và #%(id)s: sự kiện ở giữa đã bị xóa, hoặc mã băm của "
            "#%(before)s đã bị thay.") % {"chain": chain, "before": state.last_id, "id": event.id}), "link_broken")

    def _against_target(self, event: AuditEvent, state: _ChainState,
                        target: CheckpointTarget) -> Iterator[ChainProblem]:
        signed = target.state
        values = {"chain": self.label(event.chain), "number": target.number, "time": target.made_at,
                  "id": event.id, "seen": state.count, "count": signed.count}
        if state.count != signed.count:
            self.mismatched.add(event.chain)
            yield ChainProblem(event.id, capfirst(_(
                "%(chain)s đến sự kiện #%(id)s có %(seen)s sự kiện nhưng điểm kiểm tra số %(number)s "
                "(%(time)s) đã ký %(count)s: sự kiện đã bị xóa hoặc chèn thêm.") % values), "checkpoint_count")
        if event.hash != signed.last_hash:
            self.mismatched.add(event.chain)
            yield ChainProblem(event.id, capfirst(_(
                "%(chain)s không khớp điểm kiểm tra số %(number)s (%(time)s): mã băm của sự kiện #%(id)s khác mã "
                "đã ký — nhật ký đến sự kiện này đã bị viết lại.") % values), "checkpoint_hash")

    def _target_row_missing(self, target: CheckpointTarget) -> ChainProblem:
        self.mismatched.add(target.state.chain)
        return ChainProblem(target.state.last_id, _(
            "Sự kiện #%(id)s, sự kiện cuối của %(chain)s theo điểm kiểm tra số %(number)s (%(time)s), không còn "
            "trong bảng: nhật ký đã bị cắt hoặc viết lại.") % {
            "id": target.state.last_id, "chain": self.label(target.state.chain), "number": target.number,
            "time": target.made_at}, "checkpoint_row_missing")

    def _unreached_targets(self) -> Iterator[ChainProblem]:
        for chain, target in sorted(self.targets.items()):
            if chain not in self._reached:
                yield self._target_row_missing(target)

    def _heads(self) -> Iterator[ChainProblem]:
        for head in AuditChainHead.objects.order_by("chain"):
            state = self.states.pop(head.chain, _ChainState())
            yield from self._against_head(head, state)
        for chain, state in sorted(self.states.items()):
            yield ChainProblem(state.last_id, capfirst(_(
                "%(chain)s có %(seen)s sự kiện nhưng không có đầu chuỗi: đầu chuỗi đã bị xóa.") % {
                "chain": self.label(chain), "seen": state.count}), "head_missing")

    def _against_head(self, head: AuditChainHead, state: _ChainState) -> Iterator[ChainProblem]:
        values = {"chain": self.label(head.chain), "id": state.last_id, "last": head.last_event_id,
                  "count": head.count, "seen": state.count, "missing": head.count - state.count,
                  "extra": state.count - head.count}
        if state.count > head.count:
            yield ChainProblem(state.last_id, capfirst(_(
                "%(chain)s có %(seen)s sự kiện nhưng đầu chuỗi chỉ ghi %(count)s: %(extra)s sự kiện đã được chèn "
                "ngoài luồng ghi nhật ký.") % values), "rows_added")
        elif state.count < head.count and state.last_id is None:
            yield ChainProblem(head.last_event_id, _(
                "Toàn bộ %(count)s sự kiện của %(chain)s đã bị xóa.") % values, "truncated")
        elif state.count < head.count and head.last_event_id is not None and state.last_id != head.last_event_id:
            yield ChainProblem(state.last_id, capfirst(_(
                "%(chain)s bị cắt sau sự kiện #%(id)s: đầu chuỗi ghi sự kiện cuối là #%(last)s, thiếu tổng cộng "
                "%(missing)s sự kiện.") % values), "truncated")
        elif state.count < head.count:
            yield ChainProblem(state.last_id, capfirst(_(
                "%(chain)s thiếu %(missing)s sự kiện: đầu chuỗi ghi %(count)s, bảng còn %(seen)s (chỗ chuỗi bị đứt "
                "cho biết vị trí).") % values), "rows_missing")
        elif state.prev_hash != head.last_hash:
            yield ChainProblem(state.last_id, _(
                "Sự kiện cuối của %(chain)s (#%(id)s) không khớp với đầu chuỗi: sự kiện này hoặc đầu chuỗi đã bị "
                "thay.") % values, "head_mismatch")
