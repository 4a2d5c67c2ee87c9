"""Reading received packages: ``package_parse`` (everything) and ``package_routing`` (what the hub needs).

Both run the same hardened XML parse and the same structural validation of the header and the manifest;
``package_routing`` skips decoding the attachments and checking the signature. Accepted variants
(STANDARDS.md (b)): ``Business``/``Bussiness``, ``cid:x``/``x``/``<x>``, raw or zipped Base64 with whitespace,
the three date forms, ISO timestamps, the .NET SDK variant and the legacy ``http://www.go.vn/eDoc`` schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from vanthu.edxml.attachments import ZIP_CONTENT_TYPE, base64_decode, content_type_guess, unpack
from vanthu.edxml.dsig import signature_check
from vanthu.edxml.errors import (
    InvalidValueError,
    MalformedPackageError,
    MissingElementError,
    PackageTooLargeError,
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
from vanthu.edxml.values import LEGACY_NAMESPACE, content_id_normalize
from vanthu.edxml.xmlsafe import DEFAULT_MAX_BYTES, Node, local_name, namespace_of, xml_parse

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


def _layout(ctx: Context, root_element: etree._Element) -> _Layout:
    root = Node(root_element, local_name(root_element))
    if namespace_of(root_element) == LEGACY_NAMESPACE or root.name == "EdXMLEnvelope":
        ctx.flag("legacy_namespace")
    if root.name.casefold() == "edxml":
        envelope = root.require("edXMLEnvelope")
    elif root.name.casefold() == "edxmlenvelope":
        envelope = root
    else:
        raise MalformedPackageError(root.path, reason="root")
    if namespace_of(envelope.element) == LEGACY_NAMESPACE:
        ctx.flag("legacy_namespace")
    header = envelope.require("edXMLHeader")
    if header.child("DigitalSignature") is not None:
        ctx.flag("sdk_variant")
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
        ctx.flag("no_cid_prefix")
    return content_id


def _links(ctx: Context, layout: _Layout) -> list[_Link]:
    """Match files to the manifest by ContentId; a referenced file that is missing is a defective package."""
    references: dict[str, Node] = {}
    for reference in layout.references:
        href = reference.attribute("href")
        if href is not None:
            ctx.flag("sdk_variant")
        raw = reference.value("ContentId") or href or ""
        if not raw:
            raise MissingElementError(f"{reference.path}/ContentId")
        content_id = _content_id(ctx, raw, f"{reference.path}/ContentId")
        if content_id in references:
            raise InvalidValueError(f"{reference.path}/ContentId", reason="duplicate_content_id")
        references[content_id] = reference
    links: list[_Link] = []
    found: set[str] = set()
    for attachment in layout.attachments:
        node = attachment.require("ContentId")
        content_id = _content_id(ctx, node.text(), node.path)
        if content_id in found:
            raise InvalidValueError(node.path, reason="duplicate_content_id")
        found.add(content_id)
        attachment.require("ContentTransferEncoded")
        listed = references.get(content_id)
        if listed is None:
            ctx.flag("unreferenced_attachment")
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


def _attachment(ctx: Context, link: _Link, index: int, budget: _Budget) -> Attachment:
    encoded = link.attachment.require("ContentTransferEncoded")
    data = base64_decode(encoded.text(), element=encoded.path)
    unpacked = unpack(data, element=encoded.path, limit=budget.remaining)
    budget.remaining -= len(unpacked.data)
    if budget.remaining < 0:  # raw files count too
        raise PackageTooLargeError(encoded.path, limit="unpacked_bytes", max=budget.limit)
    name = _value(link, "AttachmentName") or unpacked.entry_name
    if not name:
        ctx.flag("unnamed_attachment")
        name = f"tep-dinh-kem-{index}"
    name = _safe_name(ctx, name, f"{link.attachment.path}/AttachmentName") or f"tep-dinh-kem-{index}"
    declared = _value(link, "ContentType")
    if unpacked.unreadable:
        ctx.flag("zip_unreadable")
    if not unpacked.zipped:
        ctx.flag("raw_attachment")
    if unpacked.zipped and declared.lower() in ("", ZIP_CONTENT_TYPE, "application/x-zip-compressed"):
        content_type = content_type_guess(name)
    else:
        content_type = declared or content_type_guess(name)
    return Attachment(name=name, content_type=content_type, data=unpacked.data,
                      description=_value(link, "Description"), content_id=link.content_id)


@dataclass(frozen=True)
class _Read:
    root: etree._Element
    ctx: Context
    layout: _Layout
    links: list[_Link]


def _read(data: bytes, max_bytes: int) -> _Read:
    root = xml_parse(data, max_bytes=max_bytes)
    ctx = Context()
    layout = _layout(ctx, root)
    return _Read(root, ctx, layout, _links(ctx, layout) if layout.kind == "edoc" else [])


def package_parse(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  max_unpacked_bytes: int | None = None) -> ParsedPackage:
    """Parse a received ``.edxml`` package (document or status) and check its signature.

    Raises an ``EdxmlError`` naming the element for every defect; a missing or bad signature is reported in
    ``signature``, never raised. ``max_unpacked_bytes`` (default 4 × ``max_bytes``) bounds the decompressed
    size of all attachments together."""
    read = _read(data, max_bytes)
    ctx, layout = read.ctx, read.layout
    signature: SignatureCheck
    if layout.kind == "status":
        status = status_read(ctx, layout.message_header)
        signature = signature_check(data, read.root)
        return ParsedPackage(kind="status", document=None, status=status, signature=signature,
                             flags=tuple(sorted(ctx.flags)), raw_values=dict(ctx.raw))
    header = message_header_read(ctx, layout.message_header)
    traces = traces_read(ctx, layout.trace_list)
    business = business_read(ctx, layout.business)
    budget = _Budget(max_unpacked_bytes if max_unpacked_bytes is not None else UNPACKED_RATIO * max_bytes)
    attachments = tuple(_attachment(ctx, link, index, budget) for index, link in enumerate(read.links, 1))
    signature = signature_check(data, read.root)
    document = DocumentPackage(header=header, business=business, traces=traces, attachments=attachments)
    return ParsedPackage(kind="edoc", document=document, status=None, signature=signature,
                         flags=tuple(sorted(ctx.flags)), raw_values=dict(ctx.raw))


def package_routing(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Routing:
    """Validate the structure of a package and say where it goes, without decoding files or the signature."""
    read = _read(data, max_bytes)
    ctx, layout = read.ctx, read.layout
    if layout.kind == "status":
        status = status_read(ctx, layout.message_header)
        return Routing(kind="status", from_organ_id=status.from_.organ_id,
                       to_organ_ids=(status.response_for.organ_id,),
                       document_id=status.response_for.document_id, status_code=status.status_code)
    header = message_header_read(ctx, layout.message_header)
    traces_read(ctx, layout.trace_list)
    business = business_read(ctx, layout.business)
    return Routing(kind="edoc", from_organ_id=header.from_.organ_id,
                   to_organ_ids=tuple(org.organ_id for org in header.to), document_id=header.document_id,
                   business_doc_type=business.doc_type)
