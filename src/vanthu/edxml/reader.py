"""Reading the header of a received package: MessageHeader, TraceHeaderList and Bussiness, status fields.

Robustness rule (docs/subsystems/edxml.md, "Fatal or warning"): a package is refused only when the document
cannot be identified — no sender at all (neither ``From/OrganId`` nor ``From/OrganName``), no subject, no
DocumentId and nothing to make one from, a business type that is not one of the four, a status package without
its code or the document it reports on. Everything else a real system omits or writes differently is read as
well as it can be, the raw value kept, and reported as a typed warning (``Context.warn``).
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
    PackageWarning,
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
    ORGAN_ID_MAX_LENGTH,
    PLACEHOLDER_VALUES,
    STATUS_CODES_NEEDING_DESCRIPTION,
    STATUS_LABELS,
    BusinessDocType,
    Priority,
    date_read,
    document_id_make,
    integer_parse,
    organ_id_is_acceptable,
    organ_id_is_strict,
    timestamp_parse,
)
from vanthu.edxml.warnings import warning_make
from vanthu.edxml.xmlsafe import Node

_TRUE = {"1", "true"}
_FALSE = {"0", "false", ""}
# Form variants reported once per package (a file per attachment would repeat them).
_ONCE = frozenset({"sdk_variant", "no_cid_prefix", "raw_attachment", "business_spelling", "timestamp_variant"})


@dataclass
class Context:
    """What a read collects besides the data: warnings in document order, flags, raw values by element path."""

    flags: set[str] = field(default_factory=set)
    raw: dict[str, str] = field(default_factory=dict)
    warnings: list[PackageWarning] = field(default_factory=list)

    def flag(self, name: str) -> None:
        """An informational flag (``lenient_organ_id``, ``unicode_normalised``): not a warning."""
        self.flags.add(name)

    def warn(self, code: str, element: str, value: str = "") -> None:
        if code in _ONCE and code in self.flags:
            return
        self.flags.add(code)
        self.warnings.append(warning_make(code, element, value))

    def keep_raw(self, path: str, text: str, code: str) -> None:
        self.raw[path] = text
        self.warn(code, path, text)

    def organ_id(self, parent: Node, *, sender: bool = False) -> str:
        """The ``OrganId`` of ``parent``, kept verbatim; ``""`` (with a warning) when absent or a placeholder."""
        node = parent.child("OrganId")
        if node is None:
            self.warn("organ_id_missing", f"{parent.path}/OrganId")
            return ""
        return self.organ_id_text(node, sender=sender)

    def organ_id_text(self, node: Node, *, sender: bool = False) -> str:
        """A code as received. Our builder writes strict codes in ``From`` and at least lenient ones elsewhere
        (partners'); anything else — an enterprise's or a Party body's code, a system identifier — is kept and
        reported, the sender's always (the directory resolves it), the others' when not even lenient."""
        code = node.text()
        if not code or code.casefold() in PLACEHOLDER_VALUES:
            self.warn("organ_id_missing", node.path, code)
            return ""
        if organ_id_is_strict(code):
            return code
        if len(code) > ORGAN_ID_MAX_LENGTH or any(ord(char) < 32 for char in code):
            self.warn("organ_id_unusable", node.path, code)
            return ""
        acceptable = organ_id_is_acceptable(code)
        if acceptable:
            self.flag("lenient_organ_id")
        if sender or not acceptable:
            self.warn("organ_id_nonstandard", node.path, code)
        return code

    def document_id(self, parent: Node, name: str = "DocumentId") -> str:
        """A DocumentId, ``""`` when absent (the caller decides); longer than 255 characters is refused."""
        node = parent.child(name)
        if node is None:
            return ""
        value = node.text()
        if len(value) > DOCUMENT_ID_MAX_LENGTH:
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

    def date(self, parent: Node | None, *names: str) -> date | None:
        node = parent.child(*names) if parent is not None else None
        if node is None or not node.text():
            return None
        try:
            value, form = date_read(node.text())
        except ValueError:
            self.keep_raw(node.path, node.text(), "date_unreadable")
            return None
        if form == "month_first":
            self.warn("date_month_first", node.path, node.text())
        elif form == "variant":
            self.warn("date_variant", node.path, node.text())
        return value

    def timestamp(self, parent: Node, name: str = "Timestamp") -> datetime | None:
        node = parent.child(name)
        if node is None or not node.text():
            self.warn("timestamp_missing", f"{parent.path}/{name}")
            return None
        try:
            value, variant = timestamp_parse(node.text())
        except (ValueError, OverflowError, OSError):
            self.keep_raw(node.path, node.text(), "timestamp_unreadable")
            return None
        if variant:
            self.warn("timestamp_variant", node.path, node.text())
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


def organization_read(ctx: Context, node: Node, *, sender: bool = False) -> Organization:
    return Organization(
        organ_id=ctx.organ_id(node, sender=sender),
        organ_name=node.value("OrganName"),
        organization_in_charge=node.value("OrganizationInCharge"),
        organ_add=node.value("OrganAdd"),
        email=node.value("Email"),
        telephone=node.value("Telephone"),
        fax=node.value("Fax"),
        website=node.value("Website"),
    )


def sender_read(ctx: Context, header: Node) -> Organization:
    """``From``: FATAL when absent, or when it has neither a code nor a name — nobody could say who sent it."""
    sender = organization_read(ctx, header.require("From"), sender=True)
    if not sender.organ_id and not sender.organ_name:
        raise MissingElementError(f"{header.path}/From/OrganId", also="OrganName")
    if not sender.organ_name:
        ctx.warn("organ_name_missing", f"{header.path}/From/OrganName")
    return sender


def response_for_read(ctx: Context, node: Node, *, required: bool) -> ResponseFor:
    """The document answered (a document package: informational) or reported on (a status package: its
    DocumentId is required, it is what the status is about)."""
    document_id = ctx.document_id(node)
    if not document_id:
        if required:
            raise MissingElementError(f"{node.path}/DocumentId")
        ctx.warn("response_for_document_id_missing", f"{node.path}/DocumentId")
    return ResponseFor(
        organ_id=ctx.organ_id(node),
        code=node.value("Code"),
        promulgation_date=ctx.date(node, "PromulgationDate"),
        document_id=document_id,
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
    other = header.child("OtherInfo")
    if other is None:
        ctx.warn("other_info_missing", f"{header.path}/OtherInfo")
        return OtherInfo()
    appendixes = other.child("Appendixes")
    return OtherInfo(
        priority=_priority(ctx, other),
        sphere_of_promulgation=other.value("SphereOfPromulgation"),
        typer_notation=other.value("TyperNotation"),
        promulgation_amount=ctx.integer(other, "PromulgationAmount"),
        page_amount=ctx.integer(other, "PageAmount"),
        appendixes=tuple(item.text() for item in appendixes.children("Appendix") if item.text())
        if appendixes is not None else (),
    )


def _optional(ctx: Context, header: Node, name: str, code: str) -> Node | None:
    node = header.child(name)
    if node is None:
        ctx.warn(code, f"{header.path}/{name}")
    return node


def _subject(header: Node) -> str:
    """FATAL when absent or empty: a document nobody can name cannot be registered."""
    node = header.require("Subject")
    if not node.text():
        raise InvalidValueError(node.path, reason="empty")
    return node.text()


def _header_document_id(ctx: Context, header: Node, sender: Organization, code: Code,
                        promulgation: PromulgationInfo) -> str:
    """The DocumentId; when absent, the one ``document_id_make`` would write, if the package has what it takes
    (sender's code, date, number or notation) — FATAL otherwise: statuses, recalls and replacements name it."""
    document_id = ctx.document_id(header)
    if document_id:
        return document_id
    if not (sender.organ_id and promulgation.promulgation_date and (code.code_number or code.code_notation)):
        raise MissingElementError(f"{header.path}/DocumentId")
    ctx.warn("document_id_missing", f"{header.path}/DocumentId")
    return document_id_make(organ_id=sender.organ_id, promulgation_date=promulgation.promulgation_date,
                            code_number=code.code_number, code_notation=code.code_notation)


def message_header_read(ctx: Context, header: Node) -> MessageHeader:
    """The MessageHeader of a document package. Vendor extras (Direction, ReplyFors, ResponseForTask…) are
    left in the raw package."""
    sender = sender_read(ctx, header)
    subject = _subject(header)
    recipients = header.children("To")
    if not recipients:
        ctx.warn("recipient_missing", f"{header.path}/To")
    code_node = _optional(ctx, header, "Code", "code_missing")
    code = Code(code_number=code_node.value("CodeNumber"), code_notation=code_node.value("CodeNotation")) \
        if code_node is not None else Code("", "")
    promulgation_node = _optional(ctx, header, "PromulgationInfo", "promulgation_info_missing")
    promulgation = PromulgationInfo(
        place=promulgation_node.value("Place") if promulgation_node is not None else "",
        promulgation_date=ctx.date(promulgation_node, "PromulgationDate"))
    document_type = _optional(ctx, header, "DocumentType", "document_type_missing")
    signer = _optional(ctx, header, "SignerInfo", "signer_info_missing")
    places = header.child("ToPlaces")
    return MessageHeader(
        from_=sender,
        to=tuple(organization_read(ctx, node) for node in recipients),
        document_id=_header_document_id(ctx, header, sender, code, promulgation),
        code=code,
        promulgation_info=promulgation,
        document_type=DocumentTypeInfo(type=ctx.integer(document_type, "Type"),
                                       type_detail=ctx.integer(document_type, "TypeDetail"),
                                       type_name=document_type.value("TypeName"))
        if document_type is not None else DocumentTypeInfo(type=None, type_detail=None),
        subject=subject,
        content=header.value("Content"),
        signer_info=SignerInfo(competence=signer.value("Competence"), position=signer.value("Position"),
                               full_name=signer.value("FullName")) if signer is not None else SignerInfo(),
        due_date=ctx.date(header, "DueDate"),
        other_info=_other_info(ctx, header),
        response_for=tuple(response_for_read(ctx, node, required=False) for node in header.children("ResponseFor")),
        steering_type=ctx.integer(header, "SteeringType"),
        to_places=tuple(node.text() for node in places.children("Place") if node.text())
        if places is not None else (),
    )


def traces_read(ctx: Context, trace_list: Node | None) -> tuple[TraceHeader, ...]:
    if trace_list is None:
        return ()
    if any(trace_list.attribute(name) is not None for name in ("mustUnderstand", "actor", "version")):
        ctx.warn("sdk_variant", trace_list.path)
    return tuple(
        TraceHeader(organ_id=ctx.organ_id(node), timestamp=ctx.timestamp(node))
        for node in trace_list.children("TraceHeader")
    )


def _business_child(ctx: Context, business: Node, suffix: str) -> Node | None:
    node = business.child(f"Bussiness{suffix}")
    if node is None:
        node = business.child(f"Business{suffix}")
        if node is not None:
            ctx.warn("business_spelling", node.path)
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
    receivers = []
    for receiver_list in info.children("ReceiverList"):  # one list, or one per receiver (a Java library)
        for node in receiver_list.children("Receiver"):
            kind = node.child("ReceiverType")
            value = integer_parse(kind.text()) if kind is not None else None
            if value not in (0, 1):
                ctx.warn("receiver_type_unknown", kind.path if kind is not None else f"{node.path}/ReceiverType",
                         kind.text() if kind is not None else "")
                continue
            organ_id = ctx.organ_id(node)
            if organ_id:
                receivers.append(Receiver(organ_id=organ_id, receiver_type=value))
    return tuple(receivers)


def _replacements(ctx: Context, business: Node) -> tuple[ReplacementInfo, ...]:
    result = []
    for replacement_list in business.children("ReplacementInfoList"):
        for node in replacement_list.children("ReplacementInfo"):
            document_id = ctx.document_id(node)
            if not document_id:
                ctx.warn("replacement_incomplete", f"{node.path}/DocumentId")
                continue
            organ_list = node.child("OrganIdList")
            organ_ids = tuple(code for code in (ctx.organ_id_text(item) for item in organ_list.children("OrganId"))
                              if code) if organ_list is not None else ()
            result.append(ReplacementInfo(document_id=document_id, organ_ids=organ_ids))
    return tuple(result)


def business_read(ctx: Context, business: Node | None, *, trace_list_path: str = "TraceHeaderList") -> Business:
    if business is None:
        ctx.warn("no_business", f"{trace_list_path}/Bussiness")
        return Business()
    if business.name.casefold() == "business":
        ctx.warn("business_spelling", business.path)
    info = _business_child(ctx, business, "DocumentInfo")
    reason = _business_child(ctx, business, "DocReason")
    document_id = ctx.document_id(business)
    doc_type = _doc_type(ctx, business)
    reason_text = reason.text() if reason is not None else ""
    if doc_type != BusinessDocType.NEW:
        if not reason_text:
            ctx.warn("business_reason_missing", f"{business.path}/BussinessDocReason")
        if not document_id:
            ctx.warn("business_target_missing", f"{business.path}/DocumentId")
    return Business(
        doc_type=doc_type,
        reason=reason_text,
        document_id=document_id,
        paper=_paper(ctx, business),
        staff_info=staff_info_read(business.child("StaffInfo")),
        document_info_changed=ctx.boolean(info, "DocumentInfo") if info is not None else False,
        receivers_changed=ctx.boolean(info, "DocumentReceiver") if info is not None else False,
        receivers=_receivers(ctx, info) if info is not None else (),
        replacements=_replacements(ctx, business),
    )


def status_read(ctx: Context, header: Node) -> StatusPackage:
    """A status package: FATAL without its code, its sender or the document it reports on."""
    code_node = header.require("StatusCode")
    code = code_node.text()
    if not code or len(code) > 16:
        raise InvalidValueError(code_node.path, reason="status_code", value=code[:16])
    if code not in STATUS_LABELS:
        ctx.warn("unknown_status_code", code_node.path, code)
    sender = sender_read(ctx, header)
    response_for = response_for_read(ctx, header.require("ResponseFor"), required=True)
    description = header.value("Description")
    if code in STATUS_CODES_NEEDING_DESCRIPTION and not description:
        ctx.warn("status_reason_missing", f"{header.path}/Description")
    return StatusPackage(
        from_=sender,
        response_for=response_for,
        status_code=code,
        description=description,
        timestamp=ctx.timestamp(header),
        staff_info=staff_info_read(header.child("StaffInfo")),
    )
