"""The hub this deployment is connected to, from the settings (``VANTHU_HUB_*``): whether there is one, and its
client."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.hubapi.client import HubClient

EDXML_CONTENT_TYPE = "application/xml"  # how package bodies are stored as blobs


def hub_configured() -> bool:
    return bool(settings.VANTHU_HUB_URL and settings.VANTHU_HUB_SYSTEM_ID)


def not_connected(name: str, organ_id: str) -> ApplicationError:
    return ApplicationError(
        "exchange_not_connected",
        _("Chưa kết nối trục liên thông văn bản: chưa gửi được văn bản đến %(name)s (%(code)s).")
        % {"name": name, "code": organ_id},
        {"organ_id": organ_id},
    )


def hub_client() -> HubClient:
    """A new client (one connection; not shared between threads). Not connected → ``exchange_not_connected``."""
    if not hub_configured():
        raise not_connected(str(settings.VANTHU_HUB_URL or "—"), str(settings.VANTHU_HUB_SYSTEM_ID or "—"))
    return HubClient(
        endpoint=settings.VANTHU_HUB_URL, system_id=settings.VANTHU_HUB_SYSTEM_ID,
        secret=settings.VANTHU_HUB_SECRET, timeout=float(settings.VANTHU_HUB_TIMEOUT),
        hash_file_encoding=settings.VANTHU_HUB_HASH_FILE_ENCODING,
    )
