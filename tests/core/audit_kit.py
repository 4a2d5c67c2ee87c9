"""Helpers of the audit tests: write events into chosen chains, and act as an attacker with database access."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from vanthu.core.audit import GENESIS, SHARED_CHAIN, _digest, audit_record
from vanthu.core.audit_guard import audit_guard_disable
from vanthu.core.models import AuditChainHead, AuditEvent
from vanthu.organizations.models import Agency
from vanthu.signing.config import signing_config_reset
from vanthu.signing.pki.testing import TestPki


def write_events(agency: Agency | None, count: int, *, kind: str = "test.event") -> list[AuditEvent]:
    """``count`` events, each in its own transaction as a service would write them."""
    events = []
    for i in range(count):
        with transaction.atomic():
            events.append(audit_record(actor=None, event_type=kind, target=("test.item", i), agency=agency,
                                       data={"i": i, "ghi_chu": "sự kiện thử"}))
    return events


def chain_of(agency: Agency | None) -> int:
    return agency.pk if agency is not None else SHARED_CHAIN


def chain_rows(chain: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain=chain).order_by("id"))


def attacker_update(event_id: int, **values: object) -> None:
    """An UPDATE the triggers would refuse: the attacker owns the table and disables them first (for the rest
    of the test's transaction)."""
    audit_guard_disable(connection)
    AuditEvent.objects.filter(pk=event_id).update(**values)


def attacker_delete(*event_ids: int) -> None:
    audit_guard_disable(connection)
    with connection.cursor() as cursor:
        for event_id in event_ids:
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s", [event_id])


def attacker_recompute(chain: int) -> None:
    """The rewrite the hash chain alone cannot see: every hash of the chain recomputed from the genesis over the
    rows as they now are, and the head moved to match, so the chain and its head agree again."""
    audit_guard_disable(connection)
    prev = GENESIS
    rows = chain_rows(chain)
    for row in rows:
        row.prev_hash, row.hash = prev, _digest(prev, row)
        AuditEvent.objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
        prev = row.hash
    AuditChainHead.objects.filter(chain=chain).update(last_hash=prev, count=len(rows),
                                                      last_event_id=rows[-1].pk if rows else None)


@pytest.fixture
def checkpoint_dir(settings: Any, tmp_path: Path, test_pki: TestPki) -> Iterator[Path]:
    """Checkpoints in a private folder, signed by a deployment audit key generated there, timestamped by the
    test PKI's TSA, whose root is trusted."""
    settings.VANTHU_TSA_URL = test_pki.tsa_url
    settings.VANTHU_TRUST_ROOTS = [str(test_pki.root_pem_path)]
    settings.VANTHU_AUDIT_CHECKPOINT_DIR = str(tmp_path / "checkpoints")
    settings.VANTHU_AUDIT_KEY_DIR = str(tmp_path / "audit-key")
    settings.VANTHU_AUDIT_CHECKPOINT_CERTS = []
    settings.VANTHU_EXCHANGE_CERT_FILE = ""
    signing_config_reset()
    yield tmp_path / "checkpoints"
    signing_config_reset()
