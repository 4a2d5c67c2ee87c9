"""Authenticating a hub call: the system's HMAC over the literal sign-header (docs/standards/hub-api.md#hub-side)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from vanthu.hub import conf, errors
from vanthu.hub.models import ConnectedSystem
from vanthu.hubapi.auth import (
    HASH_HEADER,
    SIGN_HEADER,
    SignedFields,
    SignHeaderError,
    sign_header_parse,
    signature_matches,
    timestamp_parse,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class HubCall:
    """An authenticated call: the calling system and its signed inputs."""

    system: ConnectedSystem
    fields: SignedFields

    def param(self, name: str) -> str | None:
        """A signed input by name (exact first, then any case), stripped; ``None`` when absent."""
        value = self.fields.get(name)
        return value.strip() if value is not None else None


def _meta_name(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


def header_raw(request: HttpRequest, header: str) -> bytes | None:
    """A request header's bytes as sent: servers hand values over decoded as Latin-1, so encoding back is exact."""
    value = request.META.get(_meta_name(header))
    if value is None:
        return None
    try:
        return str(value).encode("latin-1")
    except UnicodeEncodeError:  # a test client may pass non-Latin-1 text directly
        return str(value).encode("utf-8")


def header_text(request: HttpRequest, header: str) -> str | None:
    raw = header_raw(request, header)
    return raw.decode("utf-8", "replace").strip() if raw is not None else None


def call_authenticate(request: HttpRequest) -> HubCall:
    """The calling system, or error 1 (bad signature) / 2 (unknown system). Never relaxed (robustness rule)."""
    raw = header_raw(request, SIGN_HEADER)
    received = header_text(request, HASH_HEADER)
    if raw is None or not received:
        raise errors.bad_signature()
    try:
        fields = sign_header_parse(raw.strip())
    except SignHeaderError as exc:
        raise errors.bad_signature() from exc
    system_id = (fields.get("systemid") or "").strip()
    system = system_for_call(system_id) if system_id else None
    if system is None:
        logger.warning("hub: call from unknown system %r", system_id[:100])
        raise errors.unknown_system()
    if not signature_matches(secret=system.secret, sign_header=fields.raw, received=received):
        logger.warning("hub: wrong HMAC from system %s", system.system_id)
        raise errors.bad_signature()
    for name, allowed in _separate_forms(fields).items():
        separate = header_text(request, name)
        if separate is not None and separate not in allowed:
            logger.warning("hub: header %s disagrees with the signed value (system %s)", name, system.system_id)
            raise errors.bad_signature()
    _clock_check(fields, system)
    return HubCall(system=system, fields=fields)


def _separate_forms(fields: SignedFields) -> dict[str, set[str]]:
    """What each separately sent header may hold. Header names ignore case, so signed keys differing only in case
    (the SDK's ``docId`` and ``docid``) arrive as one header: either value, or both joined by the server."""
    grouped: dict[str, list[str]] = {}
    for name, value in fields.wire_names():
        grouped.setdefault(name.lower(), []).append(value.strip())
    forms: dict[str, set[str]] = {}
    for name, values in grouped.items():
        forms[name] = {values[0]} if len(values) == 1 else {*values, ",".join(values), ", ".join(values)}
    return forms


def system_for_call(system_id: str) -> ConnectedSystem | None:
    """The active system with that id (one plain query: every call starts here)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, system_id, secret FROM hub_connectedsystem WHERE system_id = %s AND is_active = %s",
                       [system_id, True])
        row = cursor.fetchone()
    return ConnectedSystem.from_db(connection.alias, ["id", "system_id", "secret"], row) if row else None


def _clock_check(fields: SignedFields, system: ConnectedSystem) -> None:
    """The SDK stamps once per client object, so stale timestamps are normal: log, enforce only when configured.

    Its timestamp is its JVM's wall clock with no zone: read in ``VANTHU_HUB_CLIENT_TIMEZONE`` unless it carries
    an offset of its own.
    """
    raw = fields.get("timestamp") or ""
    stamped = timestamp_parse(raw, zone=conf.client_timezone())
    limit = conf.max_clock_skew_seconds()
    if stamped is None:
        logger.info("hub: unreadable timestamp %r from system %s", raw[:40], system.system_id)
        if limit > 0:
            raise errors.bad_signature()
        return
    skew = abs((timezone.now() - stamped).total_seconds())
    if limit > 0 and skew > limit:
        logger.warning("hub: timestamp %.0f s off from system %s, refused", skew, system.system_id)
        raise errors.bad_signature()
    if skew > 300:
        logger.info("hub: timestamp %.0f s off from system %s", skew, system.system_id)
