"""The exchange hub's signed-header scheme (docs/standards/hub-api.md), one implementation for the hub and its client.

Every input of a hub call travels as a header ``XroadVnpt-<name>``; the JSON map of those headers
(``XroadVnpt-sign-header``) is signed with HMAC-SHA256 under the system's shared secret
(``XroadVnpt-hash-header``). The body is covered only through ``hash-file``, the SHA-256 of the body, which the
official SDK writes as hex without zero padding. Standard library only: the client runs in every deployment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from vanthu.edxml.values import VIETNAM_TZ

PREFIX = "XroadVnpt-"
SIGN_HEADER_KEY = "XroadVnpt-sign-header-key"
SIGN_HEADER = "XroadVnpt-sign-header"
HASH_HEADER = "XroadVnpt-hash-header"
VERSION_HEADER = "XroadVnpt-version"
USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
VERSION = "3.0.201608"
HASH_FILE_ENCODINGS = ("sdk", "hex")

# edXML and the hub carry no zone: Vietnam time, UTC+07:00 all year (one constant, in the edXML library).
VIETNAM = VIETNAM_TZ
# The SDK's ``ddMMyyyy'T'HHmmss+SSSS`` (``+SSSS``: milliseconds, not a zone), optionally followed or replaced by an
# explicit offset: ``Z``, ``±HH:MM``, or ``-HHMM`` (the SDK writes a literal ``+``, so a minus can only be a zone;
# a bare ``+HHMM`` stays milliseconds).
_TIMESTAMP = re.compile(
    r"^(?P<day>\d{2})(?P<month>\d{2})(?P<year>\d{4})T(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})"
    r"(?:\+(?P<millis>\d{1,4}))?(?P<zone>Z|[+-]\d{2}:\d{2}|[+-]\d{4})?$")
_ZONE = re.compile(r"^(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$")


class SignHeaderError(ValueError):
    """The sign-header is missing, is not a JSON object of strings, or disagrees with a separate header."""


def sdk_hex(digest: bytes) -> str:
    """Hex the way the SDK writes ``hash-file``: each byte without zero padding (``0x0a`` → ``a``)."""
    return "".join(f"{byte:x}" for byte in digest)


def hash_file_value(body: bytes, *, encoding: str = "sdk") -> str:
    """The ``hash-file`` input for a body: ``sdk`` (unpadded, what the SDK sends) or ``hex`` (padded)."""
    if encoding not in HASH_FILE_ENCODINGS:
        raise ValueError(f"hash-file encoding must be one of {HASH_FILE_ENCODINGS}, got {encoding!r}")
    digest = hashlib.sha256(body).digest()
    return sdk_hex(digest) if encoding == "sdk" else digest.hex()


def hash_file_matches(value: str, digest: bytes) -> bool:
    """Padded or unpadded hex, any case, against the SHA-256 ``digest`` the receiver computed itself."""
    received = value.strip().lower()
    padded = hmac.compare_digest(received.encode(), digest.hex().encode())
    unpadded = hmac.compare_digest(received.encode(), sdk_hex(digest).encode())
    return padded or unpadded


def timestamp_format(moment: datetime | None = None) -> str:
    """``ddMMyyyy'T'HHmmss+SSSS`` in Vietnam time; ``+SSSS`` is milliseconds padded to 4 digits, not a zone."""
    local = (moment or datetime.now(UTC)).astimezone(VIETNAM)
    return f"{local:%d%m%Y}T{local:%H%M%S}+{local.microsecond // 1000:04d}"


def _offset(text: str) -> tzinfo | None:
    if text == "Z":
        return UTC
    match = _ZONE.match(text)
    if match is None:
        return None
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 18 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match["sign"] == "-" else delta)


def timestamp_parse(value: str, *, zone: tzinfo = VIETNAM) -> datetime | None:
    """The instant a timestamp input names, or ``None`` when it cannot be read.

    The SDK writes wall-clock time in its JVM's own zone without saying which: such a timestamp is read in
    ``zone``. An explicit offset (``Z``, ``±HH:MM``, ``-HHMM``, or an ISO 8601 timestamp with one) wins.
    """
    text = value.strip()
    match = _TIMESTAMP.match(text)
    if match is None:
        return _iso_parse(text, zone)
    at = zone
    if match["zone"]:
        explicit = _offset(match["zone"])
        if explicit is None:
            return None
        at = explicit
    try:
        local = datetime(int(match["year"]), int(match["month"]), int(match["day"]), int(match["hour"]),
                         int(match["minute"]), int(match["second"]), min(int(match["millis"] or 0), 999) * 1000)
    except ValueError:
        return None
    return local.replace(tzinfo=at)


def _iso_parse(text: str, zone: tzinfo) -> datetime | None:
    """``2026-03-05T09:30:00+07:00`` and the like; a date alone is no timestamp."""
    if "T" not in text and " " not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def signature(secret: str, sign_header: str | bytes) -> str:
    """Lowercase hex HMAC-SHA256 keyed with the secret's UTF-8 bytes over the exact sign-header bytes."""
    data = sign_header.encode("utf-8") if isinstance(sign_header, str) else sign_header
    return hmac.new(secret.encode("utf-8"), data, hashlib.sha256).hexdigest()


def signature_matches(*, secret: str, sign_header: bytes, received: str) -> bool:
    """Constant-time, case-insensitive comparison of a received hash-header with the one we compute."""
    expected = signature(secret, sign_header).encode("ascii")
    return hmac.compare_digest(expected, received.strip().lower().encode("utf-8", "replace"))


def signed_headers(
    *,
    system_id: str,
    secret: str,
    inputs: Mapping[str, str],
    content_type: str,
    moment: datetime | None = None,
) -> list[tuple[str, str]]:
    """All headers of one call: the prefixed inputs, the signed JSON map and its HMAC, the SDK's agent and version.

    The map holds ``systemid``, a fresh ``timestamp``, ``Content-Type`` and the operation's ``inputs``, in that
    order. The JSON is compact and ASCII-escaped so that every header value stays ASCII on the wire.
    """
    fields: dict[str, str] = {"systemid": system_id, "timestamp": timestamp_format(moment),
                              "Content-Type": content_type}
    fields.update(inputs)
    sign_header = json.dumps({PREFIX + name: value for name, value in fields.items()}, separators=(",", ":"))
    headers = [("Content-Type", content_type)]
    headers.extend((PREFIX + name, value) for name, value in fields.items())
    headers.extend([
        (SIGN_HEADER_KEY, ";".join(fields)),
        (SIGN_HEADER, sign_header),
        (HASH_HEADER, signature(secret, sign_header)),
        ("User-Agent", USER_AGENT),
        (VERSION_HEADER, VERSION),
    ])
    return headers


@dataclass(frozen=True)
class SignedFields:
    """The inputs of a received sign-header: names without the ``XroadVnpt-`` prefix, in received order."""

    raw: bytes
    items: tuple[tuple[str, str], ...]

    def get(self, name: str) -> str | None:
        """The value of ``name``: an exact match first, then any case (``docId``/``docid``)."""
        for key, value in self.items:
            if key == name:
                return value
        folded = name.casefold()
        for key, value in self.items:
            if key.casefold() == folded:
                return value
        return None

    def wire_names(self) -> Iterator[tuple[str, str]]:
        """(header name as it would be sent separately, value) for every signed input."""
        for key, value in self.items:
            yield (PREFIX + key, value)


def sign_header_parse(raw: bytes) -> SignedFields:
    """Read the literal sign-header. Key order is arbitrary (the SDK's map is a hash map); values must be strings."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SignHeaderError("sign-header is not JSON") from exc
    if not isinstance(data, dict):
        raise SignHeaderError("sign-header is not a JSON object")
    items: list[tuple[str, str]] = []
    for key, value in data.items():
        if not isinstance(value, str):
            raise SignHeaderError(f"sign-header value of {key!r} is not a string")
        name = key[len(PREFIX):] if key.lower().startswith(PREFIX.lower()) else key
        items.append((name, value))
    return SignedFields(raw=raw, items=tuple(items))
