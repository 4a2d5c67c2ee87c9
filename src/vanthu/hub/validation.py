"""Checks a package passes before the hub accepts it, and who it goes to (docs/standards/hub-api.md#open-points).

All of it runs before any transaction opens: the body is hashed once here and parsed by the edXML library's
hardened ``package_routing`` (no DTD, no entities, size and depth limits); a package with a ``Signature`` element
is parsed once more, for the signature.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from lxml import etree

from vanthu.edxml import EdxmlError, package_routing
from vanthu.edxml.dsig import signature_check
from vanthu.edxml.values import DSIG_NAMESPACE
from vanthu.edxml.xmlsafe import local_name, namespace_of, xml_parse
from vanthu.hub import errors
from vanthu.hub.enums import MessageType
from vanthu.hubapi.auth import hash_file_matches


@dataclass(frozen=True)
class AcceptedPackage:
    """A package that passed every check that needs no database: what ``package_send`` stores."""

    body: bytes
    sha256: str
    message_type: str
    service_type: str
    from_code: str
    recipients: tuple[str, ...]
    document_id: str
    business_doc_type: int
    status_code: str
    # Accepted, but worth telling the sender (Vietnamese, for ``ErrorDesc`` and the event log).
    warnings: tuple[str, ...] = ()


def code_key(code: str) -> str:
    """Agency codes compare case-insensitively (docs/standards/agency-codes.md); they are stored as received,
    trimmed."""
    return code.strip().upper()


def to_header_parse(value: str) -> list[str]:
    """The optional ``to`` input: a JSON array of codes as a string; a bare comma-separated list is accepted too."""
    text = value.strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise errors.malformed(_("Tham số to không phải mảng JSON các mã đơn vị"), "to") from exc
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            raise errors.malformed(_("Tham số to không phải mảng JSON các mã đơn vị"), "to")
        return [item.strip() for item in data if item.strip()]
    return [item.strip() for item in text.split(",") if item.strip()]


def _unique(codes: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    result: list[str] = []
    for code in codes:
        if code_key(code) not in seen:
            seen.add(code_key(code))
            result.append(code.strip())
    return tuple(result)


_DSIG_NAMESPACE_BYTES = DSIG_NAMESPACE.encode("ascii")
# How a package in UTF-16 or UTF-32 begins (a BOM, or ``<`` as two or four bytes): its markup is not ASCII.
_WIDE_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00")
# The line break the SDK writes after the package (``MultipartUtility.addInputStreamPart``).
_LINE_BREAKS = (b"\r\n", b"\n")


def transport_body(body: bytes, hash_file: str | None) -> tuple[bytes, bytes] | None:
    """The package the body carries, and its SHA-256, or ``None`` when ``hash-file`` matches neither form.

    The official SDK writes the package followed by CRLF while ``hash-file`` covers the package alone. The body as
    sent is the package when the hash says so (a file that ends with a line break keeps it); otherwise the body
    without ONE trailing CRLF (or LF) is, when the hash matches that. Nothing else is ever trimmed. One SHA-256 pass:
    the hash of the body without the line break is extended by it for the hash of the whole.
    """
    if not hash_file:
        return None
    trailer = next((end for end in _LINE_BREAKS if body.endswith(end)), b"")
    head = hashlib.sha256(memoryview(body)[:len(body) - len(trailer)])
    whole = head.copy()
    whole.update(trailer)
    if hash_file_matches(hash_file, whole.digest()):
        return body, whole.digest()
    if trailer and hash_file_matches(hash_file, head.digest()):
        return body[:len(body) - len(trailer)], head.digest()
    return None


def _signatures(root: etree._Element) -> tuple[bool, bool]:
    """(an XML-DSig ``Signature`` is present, a ``Signature`` in another namespace or none is)."""
    dsig = foreign = False
    for element in root.iter():
        if local_name(element) == "Signature":
            if namespace_of(element) == DSIG_NAMESPACE:
                dsig = True
            else:
                foreign = True
    return dsig, foreign


def _header_end(body: bytes) -> int:
    """Where ``edXMLHeader`` closes (its second mention), or the end of the body."""
    first = body.find(b"edXMLHeader>")
    second = body.find(b"edXMLHeader>", first + 1) if first >= 0 else -1
    return second if second >= 0 else len(body)


def _signature_suspected(body: bytes) -> bool:
    """Worth parsing for a signature: the XML-DSig namespace anywhere (as before), or a ``Signature`` element in
    the header, where the skeleton and the SDK's builder put it. Searching the whole body for the short name cost
    about 0.1 ms per 137 KB package (Base64 defeats the search's skips); the header is a few KB."""
    if body.startswith(_WIDE_STARTS):
        return True
    return _DSIG_NAMESPACE_BYTES in body or body.find(b"Signature", 0, _header_end(body)) >= 0


def _check_package_signature(body: bytes, max_bytes: int) -> tuple[str, ...]:
    """A package that carries an XML-DSig signature must match it (it was changed on the way otherwise); a package
    without one is accepted, as the national hub does (docs/standards/edxml.md). A ``Signature`` element outside the
    XML-DSig namespace cannot be verified: accepted, with a warning for the sender."""
    if not _signature_suspected(body):
        return ()
    root = xml_parse(body, max_bytes=max_bytes)
    dsig, foreign = _signatures(root)
    if dsig:
        check = signature_check(body, root)
        if check.state == "invalid":
            raise errors.package_signature_invalid(check.reason)
    if foreign:
        return (str(_("Phần tử Signature của gói tin không thuộc không gian tên XML-DSig "
                      "(http://www.w3.org/2000/09/xmldsig#) nên chữ ký không được kiểm tra")),)
    return ()


def package_accept(
    *,
    body: bytes,
    hash_file: str | None,
    from_code: str | None,
    message_type: str | None,
    service_type: str | None,
    to: str | None,
    max_bytes: int,
) -> AcceptedPackage:
    """Size (7), transport hash (4), well-formed package of the announced type from the announced sender (5), an
    XML-DSig signature that matches (1).

    Recipients: the ``to`` input if present, else what the package names (``To/OrganId`` for a document,
    ``ResponseFor/OrganId`` for a status package).
    """
    if len(body) > max_bytes:
        raise errors.too_large(max_bytes)
    kind = (message_type or "").strip().lower()
    if kind not in MessageType.values:
        raise errors.malformed(_("Tham số messagetype phải là edoc hoặc status"), "messagetype")
    carried = transport_body(body, hash_file)
    if carried is None:
        raise errors.hash_mismatch()
    body, digest = carried
    sender = (from_code or "").strip()
    if not sender:
        raise errors.malformed(_("Thiếu tham số from (mã đơn vị gửi)"), "from")
    try:
        routing = package_routing(body, max_bytes=max_bytes)
    except EdxmlError as exc:
        # The library's message names the element (``… tại MessageHeader/To[2]/OrganId``).
        raise errors.malformed(exc.message, str(exc.extra.get("element", ""))) from exc
    warnings = _check_package_signature(body, max_bytes)
    if routing.kind != kind:
        raise errors.malformed(_("Tham số messagetype không khớp với loại gói tin"), "messagetype")
    if code_key(routing.from_organ_id) != code_key(sender):
        raise errors.malformed(_("Tham số from không khớp với From/OrganId của gói tin"), "From/OrganId")
    listed = to_header_parse(to) if to else []
    recipients = _unique(listed or list(routing.to_organ_ids))
    if not recipients:
        element = "ResponseFor/OrganId" if routing.kind == "status" else "To/OrganId"
        raise errors.malformed(_("Gói tin không có nơi nhận"), element)
    return AcceptedPackage(
        body=body, sha256=digest.hex(), message_type=kind, service_type=(service_type or "eDoc").strip()[:20],
        from_code=sender, recipients=recipients, document_id=routing.document_id[:100],
        business_doc_type=int(routing.business_doc_type), status_code=routing.status_code[:10], warnings=warnings,
    )
