"""What notifications hang on registries: the safety net for e-mails a crash lost. Called from ``ready()``."""

from __future__ import annotations

from django.conf import settings

from vanthu.core.periodic import PeriodicJob, periodic_register
from vanthu.notifications.tasks import missed_emails_requeue


def _seconds() -> float:
    return float(settings.VANTHU_SCAN_MINUTES) * 60


def register() -> None:
    periodic_register(PeriodicJob("missed e-mails", missed_emails_requeue, _seconds))
