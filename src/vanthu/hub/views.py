"""The hub's operations (docs/standards/hub-api.md), one short function each, behind one authenticating dispatcher.

Every answer is the national hub's JSON envelope (``status``/``ErrorCode``/``ErrorDesc`` plus the operation's
data), refusals included; only ``downloadEdoc`` answers a success with the raw package. A ``sendEdoc`` answer
always has ``DocId`` (empty on a refusal): the official SDK reads it unconditionally and, without it, fails with
a null pointer and reports nothing. The JSON is ASCII (other characters escaped): the SDK reads a ``sendEdoc`` answer
as US-ASCII and a refusal in its JVM's default charset, so a raw UTF-8 message would reach its caller garbled.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from vanthu.hub import conf, errors, selectors, services
from vanthu.hub.auth import HubCall, call_authenticate, header_text
from vanthu.hub.enums import MessageType
from vanthu.hub.errors import HubProtocolError
from vanthu.hub.validation import package_accept

logger = logging.getLogger(__name__)

Result = dict[str, Any] | HttpResponse
Handler = Callable[[HttpRequest, HubCall], Result]


SEND_OPERATION = "sendedoc"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


def envelope(data: dict[str, Any] | None = None, *, status: int = 200) -> HttpResponse:
    body = {"status": "OK", "ErrorCode": "0", "ErrorDesc": "", **(data or {})}
    return HttpResponse(json.dumps(body), status=status, content_type=JSON_CONTENT_TYPE)


def operation_of(path: str) -> str:
    """The operation a request path names (``/sendEdoc/`` → ``sendedoc``), as the dispatcher compares it."""
    return path.strip("/").rsplit("/", 1)[-1].lower()


def error_body(exc: HubProtocolError, operation: str = "") -> bytes:
    """The refusal envelope; for ``sendEdoc`` with the empty ``DocId`` the SDK reads in every answer."""
    body = {"status": "FAIL", "ErrorCode": str(exc.error_code), "ErrorDesc": str(exc.message)}
    if operation.lower() == SEND_OPERATION:
        body["DocId"] = ""
    return json.dumps(body).encode()


def error_response(exc: HubProtocolError, operation: str = "") -> HttpResponse:
    return HttpResponse(error_body(exc, operation), status=exc.status, content_type=JSON_CONTENT_TYPE)


def body_read(request: HttpRequest, limit: int) -> bytes:
    """The body, refused with error 7 as soon as the declared or the counted length passes ``limit``."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.strip().isdigit() and int(declared) > limit:
        raise errors.too_large(limit)
    chunks: list[bytes] = []
    total = 0
    while chunk := request.read(1 << 16):
        total += len(chunk)
        if total > limit:
            raise errors.too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _message_type(call: HubCall, default: str = MessageType.EDOC) -> str:
    value = (call.param("messagetype") or default).lower()
    if value not in MessageType.values:
        raise errors.malformed(_("Tham số messagetype phải là edoc hoặc status"), "messagetype")
    return value


def send_edoc(request: HttpRequest, call: HubCall) -> Result:
    limit = conf.max_package_bytes()
    hash_file = call.param("hash-file") or header_text(request, "hash-file")
    accepted = package_accept(
        body=body_read(request, limit), hash_file=hash_file, from_code=call.param("from"),
        message_type=call.param("messagetype"), service_type=call.param("servicetype"), to=call.param("to"),
        max_bytes=limit,
    )
    doc_id = services.package_send(system=call.system, package=accepted)
    if accepted.warnings:
        logger.warning("hub: package %s from %s accepted with warnings: %s", doc_id, accepted.from_code,
                       "; ".join(accepted.warnings))
    # ErrorDesc is free text on success too (the SDK prints it): the sender's operator gets to see the warnings.
    return {"ErrorDesc": "; ".join(accepted.warnings), "DocId": doc_id}


def received_list(request: HttpRequest, call: HubCall) -> Result:
    return {"data": selectors.received_list_for_system(system=call.system, message_type=_message_type(call))}


def _fetch(call: HubCall) -> tuple[str, bytes]:
    copy = selectors.recipient_copy(system=call.system, doc_id=call.param("docId"))
    body = selectors.package_body(copy=copy)
    services.delivery_mark_delivered(system=call.system, copy=copy)
    return copy.hub_id, body


def get_edoc(request: HttpRequest, call: HubCall) -> Result:
    return {"data": base64.b64encode(_fetch(call)[1]).decode("ascii")}


def download_edoc(request: HttpRequest, call: HubCall) -> Result:
    hub_id, body = _fetch(call)
    response = HttpResponse(body, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{hub_id}.edxml"'
    return response


def update_status(request: HttpRequest, call: HubCall) -> Result:
    # The SDK writes ``docid`` for this call while a stale ``docId`` may linger in its map: prefer ``docid``.
    doc_id = selectors.doc_id_normalize(call.param("docid"))
    if not doc_id:
        raise errors.unknown_doc()
    services.delivery_ack(system=call.system, doc_id=doc_id, status=call.param("status") or "")
    return {}


def sent_list(request: HttpRequest, call: HubCall) -> Result:
    return {"data": selectors.sent_list_for_system(system=call.system, message_type=_message_type(call),
                                                   doc_id=call.param("docId"))}


def count_edoc(request: HttpRequest, call: HubCall) -> Result:
    return {"count": selectors.received_count_for_system(system=call.system, message_type=MessageType.EDOC)}


def count_status(request: HttpRequest, call: HubCall) -> Result:
    return {"count": selectors.received_count_for_system(system=call.system, message_type=MessageType.STATUS)}


def agencies(request: HttpRequest, call: HubCall) -> Result:
    return {"data": selectors.agencies_list()}


def agencies_qd20(request: HttpRequest, call: HubCall) -> Result:
    return {"data": selectors.agencies_list_qd20(level=call.param("level"))}


def synchronize_units(request: HttpRequest, call: HubCall) -> Result:
    return {"data": selectors.agencies_synchronize()}


def register_agency(request: HttpRequest, call: HubCall) -> Result:
    try:
        data = json.loads(body_read(request, 1 << 20) or b"{}")
    except ValueError as exc:
        raise errors.malformed(_("Nội dung registerAgency không phải JSON"), "body") from exc
    if not isinstance(data, dict):
        raise errors.malformed(_("Nội dung registerAgency không phải JSON"), "body")
    fields = {str(key).lower(): "" if value is None else str(value) for key, value in data.items()}
    services.agency_register(
        actor=call.system, system=call.system, code=fields.get("code", ""), name=fields.get("name", ""),
        parent_code=fields.get("pcode", ""), mail=fields.get("mail", ""), mobile=fields.get("mobile", ""),
        fax=fields.get("fax", ""),
    )
    return {}


def delete_agency(request: HttpRequest, call: HubCall) -> Result:
    services.agency_delete(actor=call.system, code=call.param("AgencyCode") or "")
    return {}


# Operation names compare case-insensitively; the methods are those the SDK uses, plus the other one where harmless.
OPERATIONS: dict[str, tuple[Handler, frozenset[str]]] = {
    "sendedoc": (send_edoc, frozenset({"POST"})),
    "getreceivededoclist": (received_list, frozenset({"POST", "GET"})),
    "getedoc": (get_edoc, frozenset({"POST", "GET"})),
    "downloadedoc": (download_edoc, frozenset({"GET", "POST"})),
    "updatestatus": (update_status, frozenset({"POST", "GET"})),
    "getsentedoclist": (sent_list, frozenset({"POST", "GET"})),
    "countreceiveedoc": (count_edoc, frozenset({"GET", "POST"})),
    "countreceivestatus": (count_status, frozenset({"GET", "POST"})),
    "getagencieslist": (agencies, frozenset({"POST", "GET"})),
    "getagencieslistqd20": (agencies_qd20, frozenset({"POST", "GET"})),
    "getsynchronizeunit": (synchronize_units, frozenset({"POST", "GET"})),
    "registeragency": (register_agency, frozenset({"POST"})),
    "deleteagency": (delete_agency, frozenset({"POST", "GET"})),
}


def dispatch(request: HttpRequest, operation: str) -> HttpResponse:
    """Authenticate, run the operation, answer in the envelope; an unexpected failure is error 9, logged."""
    entry = OPERATIONS.get(operation.lower())
    if entry is None:
        return HttpResponse(status=404)
    handler, methods = entry
    if request.method not in methods:
        response = error_response(errors.method_not_allowed(request.method or ""), operation)
        response["Allow"] = ", ".join(sorted(methods))
        return response
    try:
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.strip().isdigit() and int(declared) > conf.max_package_bytes():
            raise errors.too_large(conf.max_package_bytes())
        result = handler(request, call_authenticate(request))
    except HubProtocolError as exc:
        return error_response(exc, operation)
    except Exception:
        logger.exception("hub: %s failed", operation)
        return error_response(errors.internal(), operation)
    return result if isinstance(result, HttpResponse) else envelope(result)
