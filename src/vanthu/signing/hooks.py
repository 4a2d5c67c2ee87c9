"""What signing hangs on registries: the periodic signed checkpoint of the audit chains. Called from ``ready()``."""

from __future__ import annotations

from django.conf import settings

from vanthu.core.periodic import PeriodicJob, periodic_register
from vanthu.signing.audit.tasks import audit_checkpoint


def _checkpoint_seconds() -> float:
    return float(settings.VANTHU_AUDIT_CHECKPOINT_MINUTES) * 60


def _checkpoints_on() -> bool:
    return float(settings.VANTHU_AUDIT_CHECKPOINT_MINUTES) > 0


def register() -> None:
    periodic_register(PeriodicJob("audit checkpoint", audit_checkpoint, _checkpoint_seconds, _checkpoints_on))
