"""Reading received packages: ``package_parse`` (everything) and ``package_routing`` (what the hub needs).

Both run the same hardened XML parse and the same structural validation of the header and the manifest;
``package_routing`` skips decoding the attachments and checking the signature. What is refused and what is only
reported (docs/subsystems/edxml.md, "Fatal or warning"): hostile or broken XML, a document nobody can identify,
a missing or corrupt file and a signature that does not match are refused with the element named; every other
deviation — the legacy schema, the .NET SDK variant, ``Business``/``Bussiness``, ContentIds without ``cid:``,
other date and time forms, absent optional parts, odd codes, undeclared ``xlink:`` — becomes a warning.
Text is read in Unicode NFC whatever the sender used (NFD from some systems), so facts compare as shown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from lxml import etree

from vanthu.edxml.attachments import (
    OCTET_STREAM,
    ZIP_CONTENT_TYPE,
    content_sniff,
    content_type_clean,
    content_type_guess,
    encoded_decode,
    extension_for,
    extension_known,
    unpack,
)
from vanthu.edxml.dsig import signature_check
from vanthu.edxml.errors import (
    InvalidValueError,
    MalformedPackageError,
    MissingElementError,
    PackageTooLargeError,
    SignatureMismatchError,
)
from vanthu.edxml.model import (
    Attachment,
    DocumentPackage,
    PackageKind,
    ParsedPackage,
    Routing,
    SignatureCheck,
)
from vanthu.edxml.reader import (
    Context,
    business_read,
    message_header_read,
    status_read,
    traces_read,
)
from vanthu.edxml.values import LEGACY_NAMESPACE, NAMESPACE, content_id_normalize
from vanthu.edxml.xmlsafe import DEFAULT_MAX_BYTES, Node, local_name, namespace_of, xml_read

# Decompressed attachments may be larger than the package; this bounds a zip bomb, not a real document.
UNPACKED_RATIO = 4
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class _Layout:
    kind: PackageKind
    message_header: Node
    trace_list: Node | None
    business: Node | None
    references: list[Node]
    attachments: list[Node]


@dataclass(frozen=True)
class _Link:
    """An ``AttachmentEncoded/Attachment`` and the manifest ``Reference`` with the same ContentId."""

    attachment: Node
    content_id: str
    reference: Node | None


def _section(node: Node | None, path: str) -> Node | None:
    return Node(node.element, path) if node is not None else None


def _namespace(ctx: Context, root: Node) -> None:
    namespace = namespace_of(root.element)
    if namespace == LEGACY_NAMESPACE or root.name == "EdXMLEnvelope":
        ctx.warn("legacy_namespace", root.path, namespace)
    elif namespace != NAMESPACE:
        ctx.warn("namespace_unknown", root.path, namespace)


def _layout(ctx: Context, root_element: etree._Element) -> _Layout:
    root = Node(root_element, local_name(root_element))
    if root.name.casefold() == "edxml":
        envelope = root.require("edXMLEnvelope")
    elif root.name.casefold() == "edxmlenvelope":
        envelope = root
    else:
        raise MalformedPackageError(root.path, reason="root")
    _namespace(ctx, root)
    header = envelope.require("edXMLHeader")
    signature = header.child("DigitalSignature")
    if signature is not None:
        ctx.warn("sdk_variant", "edXMLHeader/DigitalSignature")
    message_header = Node(header.require("MessageHeader").element, "MessageHeader")
    trace_list = _section(header.child("TraceHeaderList"), "TraceHeaderList")
    business_node = trace_list.child("Bussiness", "Business") if trace_list is not None else None
    if business_node is None:
        business_node = header.child("Bussiness", "Business")
    body = envelope.child("edXMLBody")
    manifest = _section(body.child("edXMLManifest") if body is not None else None, "edXMLManifest")
    found = root.child("AttachmentEncoded") or envelope.child("AttachmentEncoded")
    if found is None and body is not None:
        found = body.child("AttachmentEncoded")
    encoded = _section(found, "AttachmentEncoded")
    return _Layout(
        # A document MessageHeader has neither; a status package that lost its StatusCode is still one.
        kind="status" if message_header.child("StatusCode", "Timestamp") is not None else "edoc",
        message_header=message_header,
        trace_list=trace_list,
        business=_section(business_node, f"TraceHeaderList/{business_node.name}") if business_node else None,
        references=manifest.children("Reference") if manifest is not None else [],
        attachments=encoded.children("Attachment") if encoded is not None else [],
    )


def _content_id(ctx: Context, raw: str, path: str) -> str:
    content_id, prefixed = content_id_normalize(raw)
    if not content_id:
        raise InvalidValueError(path, reason="content_id")
    if not prefixed:
        ctx.warn("no_cid_prefix", path, raw)
    return content_id


def _references(ctx: Context, layout: _Layout) -> dict[str, Node]:
    references: dict[str, Node] = {}
    for reference in layout.references:
        href = reference.attribute("href")
        if href is not None:
            ctx.warn("sdk_variant", reference.path)
        raw = reference.value("ContentId") or href or ""
        if not raw:
            ctx.warn("reference_without_content_id", f"{reference.path}/ContentId")
            continue
        content_id = _content_id(ctx, raw, f"{reference.path}/ContentId")
        if content_id in references:
            raise InvalidValueError(f"{reference.path}/ContentId", reason="duplicate_content_id")
        references[content_id] = reference
    return references


def _links(ctx: Context, layout: _Layout) -> list[_Link]:
    """Match files to the manifest by ContentId; a referenced file that is missing is a defective package, and
    so is a file without content or two files with the same ContentId (which is which?)."""
    references = _references(ctx, layout)
    links: list[_Link] = []
    found: set[str] = set()
    for index, attachment in enumerate(layout.attachments, 1):
        node = attachment.child("ContentId")
        if node is None or not node.text():
            content_id = f"tep-dinh-kem-{index}"
            ctx.warn("content_id_missing", f"{attachment.path}/ContentId")
        else:
            content_id = _content_id(ctx, node.text(), node.path)
        if content_id in found:
            raise InvalidValueError(f"{attachment.path}/ContentId", reason="duplicate_content_id")
        found.add(content_id)
        attachment.require("ContentTransferEncoded")
        listed = references.get(content_id)
        if listed is None:
            ctx.warn("unreferenced_attachment", attachment.path, content_id)
        links.append(_Link(attachment, content_id, listed))
    for content_id, reference in references.items():
        if content_id not in found:
            raise MissingElementError("AttachmentEncoded/Attachment", content_id=content_id,
                                      reference=reference.path)
    return links


def _safe_name(ctx: Context, name: str, path: str) -> str:
    """Names come from another system: no directories, no control characters."""
    safe = _UNSAFE_NAME_CHARS.sub("", re.split(r"[/\\]", name)[-1]).strip()
    if safe != name:
        ctx.keep_raw(path, name, "unsafe_attachment_name")
    return safe


def _value(link: _Link, name: str) -> str:
    value = link.attachment.value(name)
    if not value and link.reference is not None:
        value = link.reference.value(name)
    return value


@dataclass
class _Budget:
    """Decompressed bytes still allowed, across all the files of the package."""

    limit: int
    remaining: int = -1

    def __post_init__(self) -> None:
        self.remaining = self.limit


def _content_type(ctx: Context, link: _Link, *, name: str, data: bytes, zipped: bool, declared: str) -> str:
    """The file's type. A one-entry zip declared as a zip (what we emit) has the type of its name; otherwise the
    declared type when it is a usable MIME type that the name does not contradict, else what the name and then
    the bytes show (reported, the declared value kept)."""
    cleaned = content_type_clean(declared)
    by_name = content_type_guess(name) if extension_known(name) else ""
    if zipped and cleaned == ZIP_CONTENT_TYPE:
        return by_name or content_sniff(data) or OCTET_STREAM
    if cleaned and cleaned == declared and (cleaned != ZIP_CONTENT_TYPE or by_name in ("", ZIP_CONTENT_TYPE)):
        return cleaned
    inferred = by_name or content_sniff(data) or cleaned or OCTET_STREAM
    path = f"{link.attachment.path}/ContentType"
    if not declared:
        ctx.warn("content_type_missing", path)
    elif inferred != declared:
        ctx.keep_raw(path, declared, "content_type_corrected")
    return inferred


def _name(ctx: Context, link: _Link, index: int, entry_name: str) -> str:
    path = f"{link.attachment.path}/AttachmentName"
    name = unicodedata.normalize("NFC", _value(link, "AttachmentName") or entry_name)
    if not name:
        ctx.warn("unnamed_attachment", path)
        name = f"tep-dinh-kem-{index}"
    return _safe_name(ctx, name, path) or f"tep-dinh-kem-{index}"


def _attachment(ctx: Context, link: _Link, index: int, budget: _Budget) -> Attachment:
    encoded = link.attachment.require("ContentTransferEncoded")
    decoded = encoded_decode(encoded.text(), element=encoded.path)
    unpacked = unpack(decoded.data, element=encoded.path, limit=budget.remaining)
    budget.remaining -= len(unpacked.data)
    if budget.remaining < 0:  # raw files count too
        raise PackageTooLargeError(encoded.path, limit="unpacked_bytes", max=budget.limit)
    variant = ", ".join(v for v in (decoded.variant, "gzip" if unpacked.gzipped else "") if v)
    if variant:
        ctx.warn("transfer_encoding_variant", encoded.path, variant)
    if unpacked.unreadable:
        ctx.warn("zip_unreadable", encoded.path)
    elif not unpacked.zipped and not unpacked.gzipped:
        ctx.warn("raw_attachment", encoded.path)
    name = _name(ctx, link, index, unpacked.entry_name)
    declared = _value(link, "ContentType") or decoded.declared_type
    content_type = _content_type(ctx, link, name=name, data=unpacked.data, zipped=unpacked.zipped,
                                 declared=declared)
    extension = extension_for(content_type)
    if extension and not extension_known(name):
        ctx.warn("attachment_extension_added", f"{link.attachment.path}/AttachmentName", name)
        name += extension
    return Attachment(name=name, content_type=content_type, data=unpacked.data,
                      description=_value(link, "Description"), content_id=link.content_id)


def _nfc(root: etree._Element) -> bool:
    """Vietnamese text in NFC, whatever the sender used (decomposed marks display the same: no warning). The
    files' Base64 is skipped: reading it would copy megabytes for nothing."""
    changed = False
    for element in root.iter():
        if local_name(element) == "ContentTransferEncoded":
            continue
        for attribute in ("text", "tail"):
            value = getattr(element, attribute)
            if value and not value.isascii() and not unicodedata.is_normalized("NFC", value):
                setattr(element, attribute, unicodedata.normalize("NFC", value))
                changed = True
    return changed


@dataclass(frozen=True)
class _Read:
    root: etree._Element
    data: bytes  # as parsed: with the declarations added for undeclared prefixes
    repaired: bool
    ctx: Context
    layout: _Layout
    links: list[_Link]


def _read(data: bytes, max_bytes: int) -> _Read:
    xml = xml_read(data, max_bytes=max_bytes)
    ctx = Context()
    for prefix in xml.declared_prefixes:
        ctx.warn("namespace_prefix_undeclared", "edXML", prefix)
    if _nfc(xml.root):
        ctx.flag("unicode_normalised")
    layout = _layout(ctx, xml.root)
    return _Read(xml.root, xml.data, bool(xml.declared_prefixes), ctx, layout,
                 _links(ctx, layout) if layout.kind == "edoc" else [])


def _signature(read: _Read) -> SignatureCheck:
    """The signature check; a mismatch is FATAL — unless a namespace declaration had to be added, which may be
    what changed the canonical form: then it cannot be checked, like any other unverifiable signature."""
    check = signature_check(read.data, read.root)
    if check.problem in ("digest", "value") and not read.repaired:
        raise SignatureMismatchError(check.reason, detail=check.detail[:200])
    if check.problem == "namespace":
        read.ctx.warn("signature_namespace", "edXMLHeader/Signature")
    elif check.state == "invalid":
        read.ctx.warn("signature_unverifiable", "edXMLHeader/Signature", check.reason)
    return check


def _parsed(read: _Read, **fields: object) -> ParsedPackage:
    ctx = read.ctx
    return ParsedPackage(flags=tuple(sorted(ctx.flags)), raw_values=dict(ctx.raw), warnings=tuple(ctx.warnings),
                         **fields)  # type: ignore[arg-type]


def package_parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_unpacked_bytes: int | None = None) -> ParsedPackage:
    """Parse a received ``.edxml`` package (document or status) and check its signature.

    Raises an ``EdxmlError`` naming the element for every fatal defect (a signature that does not match the
    package is one: ``edxml.signature_mismatch``); everything else tolerated is in ``warnings``.
    ``max_unpacked_bytes`` (default 4 × ``max_bytes``) bounds the decompressed size of all attachments
    together."""
    read = _read(data, max_bytes)
    ctx, layout = read.ctx, read.layout
    if layout.kind == "status":
        status = status_read(ctx, layout.message_header)
        return _parsed(read, kind="status", document=None, status=status, signature=_signature(read))
    header = message_header_read(ctx, layout.message_header)
    traces = traces_read(ctx, layout.trace_list)
    business = business_read(ctx, layout.business)
    budget = _Budget(max_unpacked_bytes if max_unpacked_bytes is not None else UNPACKED_RATIO * max_bytes)
    attachments = tuple(_attachment(ctx, link, index, budget) for index, link in enumerate(read.links, 1))
    signature = _signature(read)
    document = DocumentPackage(header=header, business=business, traces=traces, attachments=attachments)
    return _parsed(read, kind="edoc", document=document, status=None, signature=signature)


def package_routing(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Routing:
    """Validate the structure of a package and say where it goes, without decoding files or the signature."""
    read = _read(data, max_bytes)
    ctx, layout = read.ctx, read.layout
    if layout.kind == "status":
        status = status_read(ctx, layout.message_header)
        return Routing(kind="status", from_organ_id=status.from_.organ_id,
                       to_organ_ids=tuple(code for code in (status.response_for.organ_id,) if code),
                       document_id=status.response_for.document_id, status_code=status.status_code)
    header = message_header_read(ctx, layout.message_header)
    traces_read(ctx, layout.trace_list)
    business = business_read(ctx, layout.business)
    return Routing(kind="edoc", from_organ_id=header.from_.organ_id,
                   to_organ_ids=tuple(org.organ_id for org in header.to if org.organ_id),
                   document_id=header.document_id, business_doc_type=business.doc_type)
