"""Client of an exchange hub — ours (``vanthu hub serve``) or the national platform — over its REST API.

Standard library HTTP only, one kept-alive connection per client and thread. Every call is signed with
``hubauth`` exactly as the official SDK signs it, with a fresh timestamp. Success is ``ErrorCode == "0"`` whatever
``status`` says (docs/standards/hub-api.md); a refusal raises ``HubError`` carrying the hub's
``ErrorCode``/``ErrorDesc``,
and a hub that cannot be reached, times out or answers 5xx raises ``HubUnavailableError`` (worth retrying).
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import ssl
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from vanthu.core.errors import ApplicationError
from vanthu.hubapi.auth import HASH_FILE_ENCODINGS, hash_file_value, signed_headers

JSON = "application/json"
OCTET = "application/octet-stream"
MESSAGE_TYPES = ("edoc", "status")
ACK_STATUSES = ("done", "fail", "processing")


class HubError(ApplicationError):
    """The hub refused the call; ``error_code``/``error_desc`` are the hub's own (also in ``extra``)."""

    status = 502

    def __init__(self, message: Any, *, error_code: str = "", error_desc: str = "", operation: str = "",
                 code: str = "exchange.hub_error") -> None:
        super().__init__(code, message, {"error_code": error_code, "error_desc": error_desc, "operation": operation})
        self.error_code = error_code
        self.error_desc = error_desc
        self.operation = operation


class HubUnavailableError(HubError):
    """No answer worth reading: connection refused or lost, timeout, or a 5xx. Retry later."""

    status = 503

    def __init__(self, *, operation: str = "", error_code: str = "", error_desc: str = "") -> None:
        super().__init__(_("Không kết nối được trục liên thông văn bản"), error_code=error_code,
                         error_desc=error_desc, operation=operation, code="exchange.hub_unavailable")


@dataclass(frozen=True)
class ReceivedItem:
    """One package waiting for this system (``getReceivedEdocList``)."""

    doc_id: str
    service_type: str
    message_type: str
    created_time: str
    updated_time: str
    from_code: str
    to_codes: tuple[str, ...]
    status: str
    status_desc: str


@dataclass(frozen=True)
class SentItem:
    """One recipient of a package this system sent (``getSentEdocList``); statuses are display text."""

    sender_doc_id: str
    receiver_doc_id: str
    from_code: str
    to_code: str
    title: str
    notation: str
    message_type: str
    service_type: str
    sent_time: str
    received_time: str
    send_status: str
    send_status_desc: str
    receive_status: str
    receive_status_desc: str


@dataclass(frozen=True)
class HubAgency:
    """An agency of the hub's directory (``getAgenciesList``, ``getAgenciesListQD20``, ``getSynchronizeUnit``)."""

    code: str
    name: str
    id: str = ""
    pid: str = ""
    parent_code: str = ""
    mail: str = ""
    old_code: str = ""
    code102: str = ""
    version: str = ""
    center_code: str = ""
    deleted: bool = False
    is_agency: bool = True
    modify_date: str = ""


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in {"true", "1", "yes"}


def _codes(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(_text(item).strip() for item in value if _text(item).strip())
    return tuple(code.strip() for code in _text(value).split(",") if code.strip())


def _rows(answer: dict[str, Any], operation: str) -> list[dict[str, Any]]:
    data = answer.get("data")
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise HubError(_("Trục liên thông trả lời không đúng định dạng"), operation=operation)
    return data


def _agency(row: dict[str, Any]) -> HubAgency:
    return HubAgency(
        code=_text(row.get("code")), name=_text(row.get("name")), id=_text(row.get("id")),
        pid=_text(row.get("pid")), parent_code=_text(row.get("pcode")), mail=_text(row.get("mail")),
        old_code=_text(row.get("oldCode")), code102=_text(row.get("code102")), version=_text(row.get("version")),
        center_code=_text(row.get("centerCode")), deleted=_flag(row.get("deleted")),
        is_agency=_flag(row.get("isAgency", True)), modify_date=_text(row.get("modifyDate")),
    )


class HubClient:
    """One connected system talking to one hub endpoint (``<endpoint>/<operation>``)."""

    def __init__(self, *, endpoint: str, system_id: str, secret: str, timeout: float = 30,
                 hash_file_encoding: str = "sdk") -> None:
        if hash_file_encoding not in HASH_FILE_ENCODINGS:
            raise ValueError(f"hash_file_encoding must be one of {HASH_FILE_ENCODINGS}, got {hash_file_encoding!r}")
        parts = urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError(f"hub endpoint must be an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint
        self.system_id = system_id
        self._secret = secret
        self.timeout = timeout
        self.hash_file_encoding = hash_file_encoding
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = parts.path.rstrip("/")
        self._local = threading.local()

    def __repr__(self) -> str:  # never the secret
        return f"<HubClient {self.system_id} @ {self.endpoint}>"

    # -- operations ---------------------------------------------------------------------------------------------

    def send(self, *, package: bytes, from_organ_id: str, message_type: str, to: Sequence[str] | None = None) -> str:
        """``sendEdoc``: the hub's DocId. Sending the same body to the same recipients again within 24 h returns the
        same DocId; our hub gives recipients earlier sends did not reach a new one."""
        inputs = {"from": from_organ_id, "servicetype": "eDoc", "messagetype": _kind(message_type),
                  "hash-file": hash_file_value(package, encoding=self.hash_file_encoding)}
        if to:
            inputs["to"] = json.dumps(list(to), separators=(",", ":"))
        answer = self._call("sendEdoc", inputs, body=package, content_type=OCTET)
        doc_id = _text(answer.get("DocId") or answer.get("docId")).strip()
        if not doc_id:
            raise HubError(_("Trục liên thông trả lời không đúng định dạng"), operation="sendEdoc")
        return doc_id

    def received_list(self, *, message_type: str) -> list[ReceivedItem]:
        """``getReceivedEdocList``: packages waiting for this system (poll ``edoc`` and ``status`` separately)."""
        answer = self._call("getReceivedEdocList", {"servicetype": "eDoc", "messagetype": _kind(message_type)})
        return [ReceivedItem(
            doc_id=_text(row.get("docId")), service_type=_text(row.get("serviceType")),
            message_type=_text(row.get("messageType")), created_time=_text(row.get("created_time")),
            updated_time=_text(row.get("updated_time")), from_code=_text(row.get("from")),
            to_codes=_codes(row.get("to")), status=_text(row.get("status")), status_desc=_text(row.get("status_desc")),
        ) for row in _rows(answer, "getReceivedEdocList")]

    def get(self, doc_id: str) -> bytes:
        """``getEdoc``: the package's exact bytes (the hub answers Base64)."""
        answer = self._call("getEdoc", {"docId": doc_id})
        try:
            return base64.b64decode("".join(_text(answer.get("data")).split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise HubError(_("Trục liên thông trả lời không đúng định dạng"), operation="getEdoc") from exc

    def download(self, doc_id: str) -> bytes:
        """``downloadEdoc``: the package as a raw stream."""
        return self._call_raw("downloadEdoc", {"docId": doc_id}, method="GET")

    def ack(self, doc_id: str, status: str) -> None:
        """``updateStatus``: the transport acknowledgement ``done`` / ``fail`` (/ ``processing``)."""
        if status not in ACK_STATUSES:
            raise ValueError(f"status must be one of {ACK_STATUSES}, got {status!r}")
        self._call("updateStatus", {"docId": doc_id, "status": status})

    def sent_list(self, *, message_type: str, doc_id: str | None = None) -> list[SentItem]:
        """``getSentEdocList``: one row per recipient of this system's sent packages (of one, with ``doc_id``)."""
        inputs = {"servicetype": "eDoc", "messagetype": _kind(message_type)}
        if doc_id:
            inputs["docId"] = doc_id
        return [SentItem(
            sender_doc_id=_text(row.get("senderDocId")), receiver_doc_id=_text(row.get("receiverDocId")),
            from_code=_text(row.get("fromCode")), to_code=_text(row.get("toCode")), title=_text(row.get("title")),
            notation=_text(row.get("notation")), message_type=_text(row.get("messageType")),
            service_type=_text(row.get("serviceType")), sent_time=_text(row.get("sentTime")),
            received_time=_text(row.get("receivedTime")), send_status=_text(row.get("sendStatus")),
            send_status_desc=_text(row.get("sendStatusDesc")), receive_status=_text(row.get("receiveStatus")),
            receive_status_desc=_text(row.get("receiveStatusDesc")),
        ) for row in _rows(self._call("getSentEdocList", inputs), "getSentEdocList")]

    def count_received(self, message_type: str) -> int:
        """``countReceiveEdoc`` / ``countReceiveStatus``."""
        operation = "countReceiveEdoc" if _kind(message_type) == "edoc" else "countReceiveStatus"
        answer = self._call(operation, {}, method="GET")
        try:
            return int(answer.get("count", 0))
        except (TypeError, ValueError) as exc:
            raise HubError(_("Trục liên thông trả lời không đúng định dạng"), operation=operation) from exc

    def agencies(self) -> list[HubAgency]:
        """``getAgenciesList``: the hub's live directory."""
        return [_agency(row) for row in _rows(self._call("getAgenciesList", {}), "getAgenciesList")]

    def agencies_qd20(self, level: str = "1") -> list[HubAgency]:
        """``getAgenciesListQD20``: agencies of one level with their QĐ 20 and QCVN 102 codes."""
        answer = self._call("getAgenciesListQD20", {"level": level})
        return [_agency(row) for row in _rows(answer, "getAgenciesListQD20")]

    def synchronize_units(self) -> list[HubAgency]:
        """``getSynchronizeUnit``: every agency, deleted ones flagged, with version and hosting system."""
        return [_agency(row) for row in _rows(self._call("getSynchronizeUnit", {}), "getSynchronizeUnit")]

    def agency_register(self, *, code: str, name: str, parent_code: str = "", mail: str = "", mobile: str = "",
                        fax: str = "", id: str = "") -> None:
        """``registerAgency``: add or update an agency hosted by this system."""
        body = json.dumps({"id": id, "pcode": parent_code, "code": code, "name": name, "mail": mail,
                           "mobile": mobile, "fax": fax}, ensure_ascii=False).encode("utf-8")
        self._call("registerAgency", {}, body=body, content_type=JSON)

    def agency_delete(self, code: str) -> None:
        """``deleteAgency``: remove an agency hosted by this system from the directory."""
        self._call("deleteAgency", {"AgencyCode": code})

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    # -- transport ----------------------------------------------------------------------------------------------

    def _call(self, operation: str, inputs: dict[str, str], *, body: bytes | None = None,
              content_type: str = JSON, method: str = "POST") -> dict[str, Any]:
        status, _, content = self._exchange(operation, inputs, body, content_type, method)
        return _envelope(operation, status, content)

    def _call_raw(self, operation: str, inputs: dict[str, str], *, method: str) -> bytes:
        status, content_type_back, content = self._exchange(operation, inputs, None, JSON, method)
        if status == 200 and "json" not in content_type_back.lower():
            return content
        _envelope(operation, status, content)
        raise HubError(_("Trục liên thông trả lời không đúng định dạng"), operation=operation)

    def _connection(self) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        if connection is None:
            if self._https:
                connection = http.client.HTTPSConnection(self._host, self._port, timeout=self.timeout,
                                                         context=ssl.create_default_context())
            else:
                connection = http.client.HTTPConnection(self._host, self._port, timeout=self.timeout)
            self._local.connection = connection
        return connection

    def _exchange(self, operation: str, inputs: dict[str, str], body: bytes | None, content_type: str,
                  method: str) -> tuple[int, str, bytes]:
        """One request on the kept-alive connection; a connection the server closed while idle is reopened once
        (a repeated ``sendEdoc`` is harmless: the hub answers a repeated body to the same recipients with the same
        DocId)."""
        for attempt in (1, 2):
            reused = getattr(self._local, "connection", None) is not None
            connection = self._connection()
            headers = dict(signed_headers(system_id=self.system_id, secret=self._secret, inputs=inputs,
                                          content_type=content_type))
            try:
                try:
                    connection.request(method, f"{self._path}/{operation}", body=body, headers=headers)
                except (BrokenPipeError, ConnectionResetError):
                    if reused and attempt == 1:
                        raise
                    # A fresh connection broken while the body was going out: the hub may have refused the body
                    # early (error 7) and its answer may be waiting to be read.
                response = connection.getresponse()
                content = response.read()
                if response.will_close:
                    self.close()
                return response.status, response.getheader("Content-Type", ""), content
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self.close()
                if reused and attempt == 1:
                    continue
                raise HubUnavailableError(operation=operation) from exc
            except (OSError, http.client.HTTPException) as exc:  # refused, timeout (socket.timeout), bad status line
                self.close()
                raise HubUnavailableError(operation=operation) from exc
        raise HubUnavailableError(operation=operation)  # pragma: no cover - the loop returns or raises


def _kind(message_type: str) -> str:
    value = message_type.strip().lower()
    if value not in MESSAGE_TYPES:
        raise ValueError(f"message_type must be one of {MESSAGE_TYPES}, got {message_type!r}")
    return value


def _envelope(operation: str, status: int, content: bytes) -> dict[str, Any]:
    try:
        answer = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, ValueError):
        answer = None
    if not isinstance(answer, dict):
        if status >= 500 or status in (429, 502, 503, 504):
            raise HubUnavailableError(operation=operation)
        raise HubError(_("Trục liên thông trả lời không đúng định dạng"), operation=operation,
                       error_desc=f"HTTP {status}")
    code = answer.get("ErrorCode")
    desc = _text(answer.get("ErrorDesc"))
    ok = str(code).strip() == "0" if code is not None else _text(answer.get("status")).upper() in {"OK", "SUCCESS"}
    if ok and status < 400:
        return answer
    if status >= 500:
        raise HubUnavailableError(operation=operation, error_code=_text(code), error_desc=desc)
    raise HubError(_("Trục liên thông từ chối yêu cầu: %(desc)s") % {"desc": desc or _text(code)},
                   error_code=_text(code), error_desc=desc, operation=operation)


__all__ = ["HubAgency", "HubClient", "HubError", "HubUnavailableError", "ReceivedItem", "SentItem"]
