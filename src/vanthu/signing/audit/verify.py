"""Verifying the audit log: the signed checkpoints, then every chain against its head and its newest checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

from vanthu.core.audit import ChainLabels, ChainProblem, ChainWalk
from vanthu.core.audit_guard import audit_guard_installed
from vanthu.core.models import AuditChainHead
from vanthu.organizations.models import Agency
from vanthu.signing.audit.checking import CheckpointSummary, checkpoints_check, rewritten_ranges


@dataclass
class AuditReport:
    """What ``vanthu audit verify`` prints: every problem, and what was checked."""

    problems: list[ChainProblem]
    events: int
    chains: int
    checkpoints: CheckpointSummary
    guard_installed: bool | None


def audit_verify_report(*, checkpoint_dir: Path | None = None) -> AuditReport:
    """Verify the signed checkpoints (signature, timestamp, sequence), then walk every chain against its head and
    its newest checkpoint; where a chain no longer matches, name the stretch that was rewritten."""
    checked = checkpoints_check(checkpoint_dir)
    walk = ChainWalk(targets=checked.targets, label=ChainLabels(dict(Agency.objects.values_list("pk", "name"))))
    problems = [*checked.problems, *walk.run()]
    problems += rewritten_ranges(walk.mismatched, checked, walk.label)
    return AuditReport(problems=problems, events=walk.events, chains=AuditChainHead.objects.count(),
                       checkpoints=checked.summary, guard_installed=audit_guard_installed(connection))


def audit_verify(*, checkpoint_dir: Path | None = None) -> Iterator[ChainProblem]:
    """Every problem in the log (see :func:`audit_verify_report`)."""
    yield from audit_verify_report(checkpoint_dir=checkpoint_dir).problems
