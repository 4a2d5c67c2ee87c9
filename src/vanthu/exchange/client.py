"""The hub client of this deployment, from the settings (``VANTHU_HUB_*``)."""

from __future__ import annotations

from django.conf import settings

from vanthu.exchange.outbox import hub_configured, not_connected
from vanthu.hubapi.client import HubClient


def hub_client() -> HubClient:
    """A new client (one connection; not shared between threads). Not connected → ``exchange_not_connected``."""
    if not hub_configured():
        raise not_connected(str(settings.VANTHU_HUB_URL or "—"), str(settings.VANTHU_HUB_SYSTEM_ID or "—"))
    return HubClient(
        endpoint=settings.VANTHU_HUB_URL, system_id=settings.VANTHU_HUB_SYSTEM_ID,
        secret=settings.VANTHU_HUB_SECRET, timeout=float(settings.VANTHU_HUB_TIMEOUT),
        hash_file_encoding=settings.VANTHU_HUB_HASH_FILE_ENCODING,
    )
