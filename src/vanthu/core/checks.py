"""Start-up checks of the deployment settings (``vanthu check``; ``vanthu serve`` refuses to start on an error)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.security)
def https_behind_a_trusted_proxy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """With VANTHU_HTTPS the TLS proxy's X-Forwarded-Proto is what tells Django a request was HTTPS; if that proxy
    is not trusted the header is dropped, every request looks like plain HTTP and is redirected to HTTPS again."""
    if getattr(settings, "SECURE_SSL_REDIRECT", False) and not getattr(settings, "VANTHU_TRUSTED_PROXIES", ()):
        return [Error(
            "VANTHU_HTTPS is on but VANTHU_TRUSTED_PROXIES is empty: X-Forwarded-Proto from the TLS proxy would be "
            "ignored and every request redirected to HTTPS again.",
            hint="Set VANTHU_TRUSTED_PROXIES to the proxy's address, e.g. 127.0.0.1 when it runs on this machine.",
            id="vanthu.E001",
        )]
    return []
