"""Reading the header of a received package: MessageHeader, TraceHeaderList and Bussiness, status fields.

Robustness rule (STANDARDS.md): accept every variant seen in the wild, keep the raw value and flag it.
Elements of cardinality 1 in the MessageHeader table are required; a value that cannot be what its element
says (a date that is no date, an unknown business type) is an ``edxml.invalid_value``; integers that will
not parse and unknown priorities are kept raw in ``raw_values`` and flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from vanthu.edxml.errors import InvalidValueError, MissingElementError
from vanthu.edxml.model import (
    Business,
    Code,
    DocumentTypeInfo,
    MessageHeader,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
)
from vanthu.edxml.values import (
    DOCUMENT_ID_MAX_LENGTH,
    STATUS_LABELS,
    BusinessDocType,
    Priority,
    date_parse,
    integer_parse,
    organ_id_is_acceptable,
    organ_id_is_strict,
    timestamp_parse,
)
from vanthu.edxml.xmlsafe import Node

_TRUE = {"1", "true"}
_FALSE = {"0", "false", ""}


@dataclass
class Context:
    """What a read collects besides the data: flags and raw values by element path."""

    flags: set[str] = field(default_factory=set)
    raw: dict[str, str] = field(default_factory=dict)

    def flag(self, name: str) -> None:
        self.flags.add(name)

    def keep_raw(self, path: str, text: str, flag: str) -> None:
        self.raw[path] = text
        self.flags.add(flag)

    def organ_id(self, parent: Node, name: str = "OrganId") -> str:
        node = parent.require(name)
        return self.organ_id_text(node)

    def organ_id_text(self, node: Node) -> str:
        code = node.text()
        if organ_id_is_strict(code):
            return code
        if organ_id_is_acceptable(code):
            self.flag("lenient_organ_id")
            return code
        raise InvalidValueError(node.path, reason="organ_id", value=code[:64])

    def document_id(self, parent: Node, name: str = "DocumentId") -> str:
        node = parent.require(name)
        value = node.text()
        if not value or len(value) > DOCUMENT_ID_MAX_LENGTH:
            raise InvalidValueError(node.path, reason="document_id")
        return value

    def integer(self, parent: Node, name: str) -> int | None:
        node = parent.child(name)
        if node is None or not node.text():
            return None
        value = integer_parse(node.text())
        if value is None:
            self.keep_raw(node.path, node.text(), "raw_integer")
        return value

    def date(self, parent: Node, *names: str) -> date | None:
        node = parent.child(*names)
        if node is None or not node.text():
            return None
        try:
            value, variant = date_parse(node.text())
        except ValueError as exc:
            raise InvalidValueError(node.path, reason="date", value=node.text()[:64]) from exc
        if variant:
            self.flag("date_variant")
        return value

    def timestamp(self, parent: Node, name: str = "Timestamp") -> datetime:
        node = parent.require(name)
        try:
            value, variant = timestamp_parse(node.text())
        except ValueError as exc:
            raise InvalidValueError(node.path, reason="timestamp", value=node.text()[:64]) from exc
        if variant:
            self.flag("timestamp_variant")
        return value

    def boolean(self, parent: Node, *names: str) -> bool:
        node = parent.child(*names)
        if node is None:
            return False
        text = node.text().lower()
        if text in _TRUE:
            return True
        if text not in _FALSE:
            self.keep_raw(node.path, node.text(), "raw_flag")
        return False


def organization_read(ctx: Context, node: Node) -> Organization:
    return Organization(
        organ_id=ctx.organ_id(node),
        organ_name=node.value("OrganName"),
        organization_in_charge=node.value("OrganizationInCharge"),
        organ_add=node.value("OrganAdd"),
        email=node.value("Email"),
        telephone=node.value("Telephone"),
        fax=node.value("Fax"),
        website=node.value("Website"),
    )


def response_for_read(ctx: Context, node: Node) -> ResponseFor:
    return ResponseFor(
        organ_id=ctx.organ_id(node),
        code=node.value("Code"),
        promulgation_date=ctx.date(node, "PromulgationDate"),
        document_id=ctx.document_id(node),
    )


def staff_info_read(node: Node | None) -> StaffInfo | None:
    if node is None:
        return None
    return StaffInfo(department=node.value("Department"), staff=node.value("Staff"), mobile=node.value("Mobile"),
                     email=node.value("Email"))


def _priority(ctx: Context, other: Node) -> int:
    node = other.child("Priority")
    if node is None or not node.text():
        return Priority.NORMAL
    value = integer_parse(node.text())
    if value is None or value not in set(Priority):
        ctx.keep_raw(node.path, node.text(), "unknown_priority")
        return Priority.NORMAL
    return value


def _other_info(ctx: Context, header: Node) -> OtherInfo:
    other = header.require("OtherInfo")
    appendixes = other.child("Appendixes")
    return OtherInfo(
        priority=_priority(ctx, other),
        sphere_of_promulgation=other.value("SphereOfPromulgation"),
        typer_notation=other.value("TyperNotation"),
        promulgation_amount=ctx.integer(other, "PromulgationAmount"),
        page_amount=ctx.integer(other, "PageAmount"),
        appendixes=tuple(item.text() for item in appendixes.children("Appendix")) if appendixes is not None else (),
    )


def message_header_read(ctx: Context, header: Node) -> MessageHeader:
    """The MessageHeader of a document package. Vendor extras (Direction, ReplyFors, ResponseForTask…) are
    left in the raw package."""
    recipients = header.children("To")
    if not recipients:
        raise MissingElementError(f"{header.path}/To")
    code = header.require("Code")
    promulgation = header.require("PromulgationInfo")
    document_type = header.require("DocumentType")
    subject = header.require("Subject")
    signer = header.require("SignerInfo")
    places = header.child("ToPlaces")
    return MessageHeader(
        from_=organization_read(ctx, header.require("From")),
        to=tuple(organization_read(ctx, node) for node in recipients),
        document_id=ctx.document_id(header),
        code=Code(code_number=code.value("CodeNumber"), code_notation=code.value("CodeNotation")),
        promulgation_info=PromulgationInfo(place=promulgation.value("Place"),
                                           promulgation_date=ctx.date(promulgation, "PromulgationDate")),
        document_type=DocumentTypeInfo(type=ctx.integer(document_type, "Type"),
                                       type_detail=ctx.integer(document_type, "TypeDetail"),
                                       type_name=document_type.value("TypeName")),
        subject=subject.text(),
        content=header.value("Content"),
        signer_info=SignerInfo(competence=signer.value("Competence"), position=signer.value("Position"),
                               full_name=signer.value("FullName")),
        due_date=ctx.date(header, "DueDate"),
        other_info=_other_info(ctx, header),
        response_for=tuple(response_for_read(ctx, node) for node in header.children("ResponseFor")),
        steering_type=ctx.integer(header, "SteeringType"),
        to_places=tuple(node.text() for node in places.children("Place")) if places is not None else (),
    )


def traces_read(ctx: Context, trace_list: Node | None) -> tuple[TraceHeader, ...]:
    if trace_list is None:
        return ()
    if any(trace_list.attribute(name) is not None for name in ("mustUnderstand", "actor", "version")):
        ctx.flag("sdk_variant")
    return tuple(
        TraceHeader(organ_id=ctx.organ_id(node), timestamp=ctx.timestamp(node))
        for node in trace_list.children("TraceHeader")
    )


def _business_child(ctx: Context, business: Node, suffix: str) -> Node | None:
    node = business.child(f"Bussiness{suffix}")
    if node is None:
        node = business.child(f"Business{suffix}")
        if node is not None:
            ctx.flag("business_spelling")
    return node


def _doc_type(ctx: Context, business: Node) -> int:
    node = _business_child(ctx, business, "DocType")
    if node is None or not node.text():
        return BusinessDocType.NEW
    value = integer_parse(node.text())
    if value is None or value not in set(BusinessDocType):
        # Never guess: a recall read as a new document would be worse than a refusal.
        raise InvalidValueError(node.path, reason="doc_type", value=node.text()[:16])
    return value


def _paper(ctx: Context, business: Node) -> bool:
    node = business.child("Paper")
    if node is None or node.text() in ("", "0"):
        return False
    if node.text() == "1":
        return True
    ctx.keep_raw(node.path, node.text(), "raw_paper")  # one source reads it as a page count
    return False


def _receivers(ctx: Context, info: Node) -> tuple[Receiver, ...]:
    receiver_list = info.child("ReceiverList")
    if receiver_list is None:
        return ()
    receivers = []
    for node in receiver_list.children("Receiver"):
        kind = node.require("ReceiverType")
        value = integer_parse(kind.text())
        if value not in (0, 1):
            raise InvalidValueError(kind.path, reason="receiver_type", value=kind.text()[:16])
        receivers.append(Receiver(organ_id=ctx.organ_id(node), receiver_type=value))
    return tuple(receivers)


def _replacements(ctx: Context, business: Node) -> tuple[ReplacementInfo, ...]:
    replacement_list = business.child("ReplacementInfoList")
    if replacement_list is None:
        return ()
    result = []
    for node in replacement_list.children("ReplacementInfo"):
        organ_list = node.child("OrganIdList")
        organ_ids = tuple(ctx.organ_id_text(item) for item in organ_list.children("OrganId")) \
            if organ_list is not None else ()
        result.append(ReplacementInfo(document_id=ctx.document_id(node), organ_ids=organ_ids))
    return tuple(result)


def business_read(ctx: Context, business: Node | None) -> Business:
    if business is None:
        ctx.flag("no_business")
        return Business()
    if business.name.casefold() == "business":
        ctx.flag("business_spelling")
    info = _business_child(ctx, business, "DocumentInfo")
    reason = _business_child(ctx, business, "DocReason")
    document_id = business.child("DocumentId")
    return Business(
        doc_type=_doc_type(ctx, business),
        reason=reason.text() if reason is not None else "",
        document_id=document_id.text() if document_id is not None else "",
        paper=_paper(ctx, business),
        staff_info=staff_info_read(business.child("StaffInfo")),
        document_info_changed=ctx.boolean(info, "DocumentInfo") if info is not None else False,
        receivers_changed=ctx.boolean(info, "DocumentReceiver") if info is not None else False,
        receivers=_receivers(ctx, info) if info is not None else (),
        replacements=_replacements(ctx, business),
    )


def status_read(ctx: Context, header: Node) -> StatusPackage:
    code_node = header.require("StatusCode")
    code = code_node.text()
    if not code or len(code) > 16:
        raise InvalidValueError(code_node.path, reason="status_code", value=code[:16])
    if code not in STATUS_LABELS:
        ctx.flag("unknown_status_code")
    return StatusPackage(
        from_=organization_read(ctx, header.require("From")),
        response_for=response_for_read(ctx, header.require("ResponseFor")),
        status_code=code,
        description=header.value("Description"),
        timestamp=ctx.timestamp(header),
        staff_info=staff_info_read(header.child("StaffInfo")),
    )
