"""Building packages: exactly one form, docs/standards/edxml.md#skeleton, docs/standards/status-codes.md#status-package.

Namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016``; elements in the order of the MessageHeader table;
``Bussiness`` spelt as the real packages spell it; dates ``yyyy/MM/dd`` and timestamps
``yyyy/MM/dd HH:mm:ss`` in Vietnam time; every file zipped as one entry, ``ContentType=application/zip``,
``cid:<uuid4>`` in the manifest and in ``AttachmentEncoded``, which is a sibling of the envelope.
Leading and trailing whitespace of values is not significant and is not emitted; text is emitted in Unicode NFC.
What the builder emits parses with no warning at all (tests/edxml/test_conformance.py): it refuses what would
not — a sender without a name, a hop without a time, a status code outside QCVN 102's, a file name without a
known extension.
"""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date, datetime

from lxml import etree

from vanthu.edxml.attachments import ZIP_CONTENT_TYPE, base64_encode, extension_known, zip_single
from vanthu.edxml.dsig import PackageSigner, package_sign, signature_placeholder, signer_for_algorithm
from vanthu.edxml.errors import (
    InvalidValueError,
    MissingElementError,
    PackageTooLargeError,
    SecretDocumentError,
)
from vanthu.edxml.model import (
    Business,
    DocumentPackage,
    MessageHeader,
    Organization,
    ResponseFor,
    StaffInfo,
    StatusPackage,
)
from vanthu.edxml.values import (
    DOCUMENT_ID_MAX_LENGTH,
    NAMESPACE,
    STATUS_CODE_FORM,
    STATUS_CODES_NEEDING_DESCRIPTION,
    STATUS_LABELS,
    BusinessDocType,
    Priority,
    date_format,
    document_id_make,
    organ_id_is_acceptable,
    organ_id_is_strict,
    timestamp_format,
)
from vanthu.edxml.xmlsafe import DEFAULT_MAX_BYTES

_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_BASE64_RATIO = 4 / 3


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _node(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, _tag(name))


def _leaf(parent: etree._Element, name: str, value: str, path: str) -> etree._Element:
    element = _node(parent, name)
    try:
        element.text = unicodedata.normalize("NFC", value.strip())
    except ValueError as exc:  # control characters and the like cannot be written in XML 1.0
        raise InvalidValueError(f"{path}/{name}", reason="xml_characters") from exc
    return element


def _int_leaf(parent: etree._Element, name: str, value: int | None) -> None:
    if value is not None:
        _node(parent, name).text = str(int(value))


def _date_leaf(parent: etree._Element, name: str, value: date | None) -> None:
    if value is not None:
        _node(parent, name).text = date_format(value)


def _timestamp_leaf(parent: etree._Element, name: str, value: datetime | None, path: str) -> None:
    if value is None:
        raise MissingElementError(f"{path}/{name}")
    try:
        text = timestamp_format(value)
    except ValueError as exc:
        raise InvalidValueError(f"{path}/{name}", reason="naive_datetime") from exc
    _node(parent, name).text = text


def _organ_id(value: str, path: str, *, own: bool = False) -> str:
    """Codes are emitted in upper case; our own agencies' must be strict, partners' at least lenient."""
    code = value.strip().upper()
    if not (organ_id_is_strict(code) if own else organ_id_is_acceptable(code)):
        raise InvalidValueError(path, reason="organ_id", value=value)
    return code


def _organization(parent: etree._Element, name: str, org: Organization, path: str, *, own: bool) -> None:
    code = _organ_id(org.organ_id, f"{path}/OrganId", own=own)
    if own and not org.organ_name.strip():
        raise InvalidValueError(f"{path}/OrganName", reason="empty")
    node = _node(parent, name)
    _node(node, "OrganId").text = code
    for child, value in (
        ("OrganizationInCharge", org.organization_in_charge), ("OrganName", org.organ_name),
        ("OrganAdd", org.organ_add), ("Email", org.email), ("Telephone", org.telephone), ("Fax", org.fax),
        ("Website", org.website),
    ):
        _leaf(node, child, value, path)


def _response_for(parent: etree._Element, item: ResponseFor, path: str) -> None:
    node = _node(parent, "ResponseFor")
    _node(node, "OrganId").text = _organ_id(item.organ_id, f"{path}/OrganId")
    _leaf(node, "Code", item.code, path)
    _date_leaf(node, "PromulgationDate", item.promulgation_date)
    _document_id(node, "DocumentId", item.document_id, path)


def _document_id(parent: etree._Element, name: str, value: str, path: str) -> None:
    if not value.strip() or len(value.strip()) > DOCUMENT_ID_MAX_LENGTH:
        raise InvalidValueError(f"{path}/{name}", reason="document_id")
    _leaf(parent, name, value, path)


def _staff_info(parent: etree._Element, staff: StaffInfo, path: str) -> None:
    node = _node(parent, "StaffInfo")
    for child, value in (("Department", staff.department), ("Staff", staff.staff), ("Mobile", staff.mobile),
                         ("Email", staff.email)):
        _leaf(node, child, value, f"{path}/StaffInfo")


def _header_document_id(header: MessageHeader) -> str:
    if header.document_id.strip():
        return header.document_id
    if header.promulgation_info.promulgation_date is None:
        raise MissingElementError("MessageHeader/DocumentId")
    return document_id_make(
        organ_id=header.from_.organ_id, promulgation_date=header.promulgation_info.promulgation_date,
        code_number=header.code.code_number, code_notation=header.code.code_notation,
    )


def _message_header(parent: etree._Element, header: MessageHeader, document_id: str) -> None:
    path = "MessageHeader"
    node = _node(parent, "MessageHeader")
    _organization(node, "From", header.from_, f"{path}/From", own=True)
    if not header.to:
        raise MissingElementError(f"{path}/To")
    for index, recipient in enumerate(header.to, 1):
        _organization(node, "To", recipient, f"{path}/To[{index}]", own=False)
    _document_id(node, "DocumentId", document_id, path)
    code = _node(node, "Code")
    _leaf(code, "CodeNumber", header.code.code_number, f"{path}/Code")
    _leaf(code, "CodeNotation", header.code.code_notation, f"{path}/Code")
    promulgation = _node(node, "PromulgationInfo")
    _leaf(promulgation, "Place", header.promulgation_info.place, f"{path}/PromulgationInfo")
    _date_leaf(promulgation, "PromulgationDate", header.promulgation_info.promulgation_date)
    document_type = _node(node, "DocumentType")
    _int_leaf(document_type, "Type", header.document_type.type)
    _int_leaf(document_type, "TypeDetail", header.document_type.type_detail)
    _leaf(document_type, "TypeName", header.document_type.type_name, f"{path}/DocumentType")
    if not header.subject.strip():
        raise InvalidValueError(f"{path}/Subject", reason="empty")
    _leaf(node, "Subject", header.subject, path)
    if header.content.strip():
        _leaf(node, "Content", header.content, path)
    signer = _node(node, "SignerInfo")
    for child, value in (("Competence", header.signer_info.competence), ("Position", header.signer_info.position),
                         ("FullName", header.signer_info.full_name)):
        _leaf(signer, child, value, f"{path}/SignerInfo")
    _date_leaf(node, "DueDate", header.due_date)
    _other_info(node, header, f"{path}/OtherInfo")
    for index, item in enumerate(header.response_for, 1):
        _response_for(node, item, f"{path}/ResponseFor[{index}]")
    _int_leaf(node, "SteeringType", header.steering_type)
    if header.to_places:
        places = _node(node, "ToPlaces")
        for index, place in enumerate(header.to_places, 1):
            _leaf(places, "Place", place, f"{path}/ToPlaces/Place[{index}]")


def _other_info(parent: etree._Element, header: MessageHeader, path: str) -> None:
    info = header.other_info
    if info.priority not in set(Priority):
        raise InvalidValueError(f"{path}/Priority", reason="priority", value=info.priority)
    node = _node(parent, "OtherInfo")
    _int_leaf(node, "Priority", info.priority)
    _leaf(node, "SphereOfPromulgation", info.sphere_of_promulgation, path)
    _leaf(node, "TyperNotation", info.typer_notation, path)
    _int_leaf(node, "PromulgationAmount", info.promulgation_amount)
    _int_leaf(node, "PageAmount", info.page_amount)
    appendixes = _node(node, "Appendixes")
    for index, appendix in enumerate(info.appendixes, 1):
        _leaf(appendixes, "Appendix", appendix, f"{path}/Appendixes/Appendix[{index}]")


def _business(parent: etree._Element, business: Business, own_document_id: str) -> None:
    path = "TraceHeaderList/Bussiness"
    if business.doc_type not in set(BusinessDocType):
        raise InvalidValueError(f"{path}/BussinessDocType", reason="doc_type", value=business.doc_type)
    is_new = business.doc_type == BusinessDocType.NEW
    if not is_new and not business.reason.strip():
        raise InvalidValueError(f"{path}/BussinessDocReason", reason="empty")
    if not is_new and not business.document_id.strip():
        raise InvalidValueError(f"{path}/DocumentId", reason="empty")
    if business.doc_type != BusinessDocType.UPDATE and (
            business.receivers or business.document_info_changed or business.receivers_changed):
        raise InvalidValueError(f"{path}/BussinessDocumentInfo", reason="update_only")
    if business.doc_type != BusinessDocType.REPLACE and business.replacements:
        raise InvalidValueError(f"{path}/ReplacementInfoList", reason="replace_only")
    node = _node(parent, "Bussiness")
    _document_id(node, "DocumentId", business.document_id if not is_new or business.document_id.strip()
                 else own_document_id, path)
    _node(node, "BussinessDocType").text = str(int(business.doc_type))
    _leaf(node, "BussinessDocReason", business.reason, path)
    _node(node, "Paper").text = "1" if business.paper else "0"
    if business.doc_type == BusinessDocType.UPDATE:
        info = _node(node, "BussinessDocumentInfo")
        _node(info, "DocumentInfo").text = "1" if business.document_info_changed else "0"
        _node(info, "DocumentReceiver").text = "1" if business.receivers_changed else "0"
        receivers = _node(info, "ReceiverList")
        for index, receiver in enumerate(business.receivers, 1):
            where = f"{path}/BussinessDocumentInfo/ReceiverList/Receiver[{index}]"
            if receiver.receiver_type not in (0, 1):
                raise InvalidValueError(f"{where}/ReceiverType", reason="receiver_type")
            item = _node(receivers, "Receiver")
            _node(item, "OrganId").text = _organ_id(receiver.organ_id, f"{where}/OrganId")
            _node(item, "ReceiverType").text = str(receiver.receiver_type)
    if business.staff_info is not None:
        _staff_info(node, business.staff_info, path)
    if business.doc_type == BusinessDocType.REPLACE:
        replacements = _node(node, "ReplacementInfoList")
        for index, replacement in enumerate(business.replacements, 1):
            where = f"{path}/ReplacementInfoList/ReplacementInfo[{index}]"
            item = _node(replacements, "ReplacementInfo")
            _document_id(item, "DocumentId", replacement.document_id, where)
            organ_ids = _node(item, "OrganIdList")
            for position, organ_id in enumerate(replacement.organ_ids, 1):
                _node(organ_ids, "OrganId").text = _organ_id(organ_id, f"{where}/OrganIdList/OrganId[{position}]")


def _check_size(size: int, max_bytes: int, element: str) -> None:
    if size > max_bytes:
        raise PackageTooLargeError(element, limit="bytes", max=max_bytes, size=size)


def _attachments(root: etree._Element, body: etree._Element, package: DocumentPackage, max_bytes: int) -> None:
    manifest = _node(body, "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = _node(root, "AttachmentEncoded")
    seen: set[str] = set()
    total = 0
    for index, attachment in enumerate(package.attachments, 1):
        path = f"AttachmentEncoded/Attachment[{index}]"
        name = unicodedata.normalize("NFC", attachment.name.strip())
        if not name or any(char in name for char in "/\\\x00") or not extension_known(name):
            raise InvalidValueError(f"{path}/AttachmentName", reason="file_name", value=attachment.name)
        content_id = attachment.content_id.strip() or str(uuid.uuid4())
        if content_id in seen or any(char in content_id for char in "<> "):
            raise InvalidValueError(f"{path}/ContentId", reason="content_id", value=content_id)
        seen.add(content_id)
        zipped = zip_single(name, attachment.data)
        total += int(len(zipped) * _BASE64_RATIO)
        _check_size(total, max_bytes, path)  # refuse before encoding more than the limit
        reference = _node(manifest, "Reference")
        _node(reference, "ContentId").text = f"cid:{content_id}"
        _node(reference, "ContentType").text = ZIP_CONTENT_TYPE
        _leaf(reference, "Description", attachment.description, path)
        _leaf(reference, "AttachmentName", name, path)
        item = _node(encoded, "Attachment")
        _node(item, "ContentId").text = f"cid:{content_id}"
        _leaf(item, "AttachmentName", name, path)
        _leaf(item, "Description", attachment.description, path)
        _node(item, "ContentType").text = ZIP_CONTENT_TYPE
        transfer = etree.SubElement(item, _tag("ContentTransferEncoded"), nsmap={"edXML": NAMESPACE})
        transfer.text = base64_encode(zipped)


def _skeleton() -> tuple[etree._Element, etree._Element, etree._Element]:
    root = etree.Element(_tag("edXML"), nsmap={None: NAMESPACE})
    envelope = etree.SubElement(root, _tag("edXMLEnvelope"), nsmap={"edXML": NAMESPACE})
    header = _node(envelope, "edXMLHeader")
    return root, envelope, header


def _finish(root: etree._Element, header: etree._Element, signer: PackageSigner | None, max_bytes: int) -> bytes:
    etree.indent(root, space="  ")
    active = signer_for_algorithm(signer)
    if active is not None:
        signature_placeholder(header)
        root = package_sign(root, active)
    data = _DECLARATION + bytes(etree.tostring(root, encoding="UTF-8")) + b"\n"
    _check_size(len(data), max_bytes, "edXML")
    return data


def document_package_build(package: DocumentPackage, *, signer: PackageSigner | None = None,
                           max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The ``.edxml`` bytes of a document package, signed when ``signer`` is given (and its algorithm is not
    ``none``). Refuses secret documents, whatever calls it, and packages larger than ``max_bytes``."""
    if package.confidentiality != 0:
        raise SecretDocumentError(confidentiality=package.confidentiality)
    root, envelope, header = _skeleton()
    document_id = _header_document_id(package.header)
    _message_header(header, package.header, document_id)
    traces = _node(header, "TraceHeaderList")
    for index, trace in enumerate(package.traces, 1):
        path = f"TraceHeaderList/TraceHeader[{index}]"
        node = _node(traces, "TraceHeader")
        _node(node, "OrganId").text = _organ_id(trace.organ_id, f"{path}/OrganId")
        _timestamp_leaf(node, "Timestamp", trace.timestamp, path)
    _business(traces, package.business, document_id)
    body = _node(envelope, "edXMLBody")
    _attachments(root, body, package, max_bytes)
    return _finish(root, header, signer, max_bytes)


def status_package_build(status: StatusPackage, *, signer: PackageSigner | None = None,
                         max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The ``.edxml`` bytes of a status package: MessageHeader only, no To, no body, no attachments."""
    path = "MessageHeader"
    code = status.status_code.strip()
    if not STATUS_CODE_FORM.match(code) or code not in STATUS_LABELS:
        raise InvalidValueError(f"{path}/StatusCode", reason="status_code", value=status.status_code)
    if code in STATUS_CODES_NEEDING_DESCRIPTION and not status.description.strip():
        raise InvalidValueError(f"{path}/Description", reason="reason_required")
    root, _envelope, header = _skeleton()
    node = _node(header, "MessageHeader")
    _organization(node, "From", status.from_, f"{path}/From", own=True)
    _response_for(node, status.response_for, f"{path}/ResponseFor")
    if status.staff_info is not None:
        _staff_info(node, status.staff_info, path)
    _node(node, "StatusCode").text = code
    _leaf(node, "Description", status.description, path)
    _timestamp_leaf(node, "Timestamp", status.timestamp, path)
    return _finish(root, header, signer, max_bytes)
