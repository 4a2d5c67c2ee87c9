"""Hub limits: Django settings when set (``settings_hub`` reads them from ``VANTHU_HUB_*``), else the environment."""

from __future__ import annotations

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from vanthu.core.env import env_int

MIB = 1024 * 1024


def max_package_bytes() -> int:
    """Largest accepted body (open point 10): ``VANTHU_HUB_MAX_PACKAGE_BYTES``, default 50 MiB."""
    return int(getattr(settings, "VANTHU_HUB_MAX_PACKAGE_BYTES", env_int("HUB_MAX_PACKAGE_BYTES", 50 * MIB)))


def max_delivery_attempts() -> int:
    """``fail`` acknowledgements after which a delivery is given up (open point 5)."""
    return int(getattr(settings, "VANTHU_HUB_MAX_DELIVERY_ATTEMPTS", env_int("HUB_MAX_DELIVERY_ATTEMPTS", 5)))


def processing_hide_seconds() -> int:
    """How long ``processing`` hides a delivery from the recipient's list (open point 5: 10 minutes)."""
    return int(getattr(settings, "VANTHU_HUB_PROCESSING_HIDE_SECONDS", env_int("HUB_PROCESSING_HIDE_SECONDS", 600)))


def max_clock_skew_seconds() -> int:
    """0 (the default) = timestamps are only logged, never enforced (open point 3)."""
    return int(getattr(settings, "VANTHU_HUB_MAX_CLOCK_SKEW", env_int("HUB_MAX_CLOCK_SKEW", 0)))


def client_timezone() -> ZoneInfo:
    """The zone of the SDK's ``timestamp`` when it names none (its JVM's own): ``VANTHU_HUB_CLIENT_TIMEZONE``."""
    default = os.environ.get("VANTHU_HUB_CLIENT_TIMEZONE") or "Asia/Ho_Chi_Minh"
    name = str(getattr(settings, "VANTHU_HUB_CLIENT_TIMEZONE", default))
    return zone_named(name)


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ImproperlyConfigured(f"VANTHU_HUB_CLIENT_TIMEZONE must be an IANA zone such as Asia/Ho_Chi_Minh or "
                                   f"UTC, got {name!r}") from exc


def duplicate_window_hours() -> int:
    """Same sender and body within this window → the first DocId (open point 9)."""
    return int(getattr(settings, "VANTHU_HUB_DUPLICATE_WINDOW_HOURS", env_int("HUB_DUPLICATE_WINDOW_HOURS", 24)))


def list_limit() -> int:
    """Most rows one list call returns (oldest first); the rest come on the next poll."""
    return int(getattr(settings, "VANTHU_HUB_LIST_LIMIT", env_int("HUB_LIST_LIMIT", 1000)))
