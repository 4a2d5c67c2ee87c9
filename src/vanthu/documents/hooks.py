"""What documents hang on registries: the first effect of incoming changes, the register books a new agency
opens, and the deadline scan.

Called from ``DocumentsConfig.ready()``.
"""

from __future__ import annotations

from django.conf import settings

from vanthu.core.periodic import PeriodicJob, periodic_register
from vanthu.documents.effects import incoming_changed
from vanthu.documents.outgoing.delivery_status import delivery_status_from_incoming
from vanthu.documents.register_books import registers_open_defaults
from vanthu.documents.tasks import deadline_scan
from vanthu.organizations.effects import agency_created


def _scan_seconds() -> float:
    return float(settings.VANTHU_SCAN_MINUTES) * 60


def register() -> None:
    # The sender's side of a move inside this deployment comes first: it is part of the same life cycle.
    incoming_changed.register("documents.delivery_status", delivery_status_from_incoming)
    agency_created.register("documents.default_registers", registers_open_defaults)
    periodic_register(PeriodicJob("deadline scan", deadline_scan, _scan_seconds))
