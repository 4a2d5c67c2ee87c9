"""The national platform's official Java SDK (SDKVXP 2.0.1) as it behaves on the wire, re-created for the tests.

Written from what the SDK is known to send and read (docs/subsystems/hub.md, "The official SDK"), independently of
``vanthu.hubapi``: it hashes, signs and stamps on its own, so a mistake shared by our hub and our client cannot
hide here. Driven the way the SDK's own examples drive it:

- **One header map per service object** (``KnobstickService`` for packages, ``AgencyService`` for the
  directory), a Java ``HashMap``. ``timestamp`` is stamped once, when the object is made, with the JVM's wall clock
  in ITS zone and no zone in the text; ``systemid`` follows; every call then puts ``Content-Type`` and its inputs
  into the same map and nothing is ever removed, so stale inputs (``docId``, ``filePath``, ``status``,
  ``hash-file``, …) travel on later calls. Headers and the signed JSON follow Java's ``HashMap`` iteration order.
- **Inputs as the SDK's callers give them**: a JSON text read leniently, as Gson reads it (the examples write
  ``{"status":"done","docId":<id without quotes>}``); ``to`` travels as the JSON array's text.
- **Headers**: every map entry as ``XroadVnpt-<key>``, ``Content-Type`` also unprefixed, then
  ``XroadVnpt-sign-header-key`` (the keys joined by ``;``), ``XroadVnpt-sign-header`` (the entries as compact JSON,
  as Gson writes it: non-ASCII as is), ``XroadVnpt-hash-header`` (HMAC-SHA256, lowercase hex),
  ``User-Agent: JAVASDKAgent/1.0.0 XRoad/VPCP``, ``XroadVnpt-version: 3.0.201608``, and what the HTTP library adds.
- **Bodies**: ``sendEdoc`` the file followed by CRLF, with ``hash-file`` the SHA-256 of the file alone written
  byte by byte in hex without zero padding; ``registerAgency`` the JSON data; ``getEdoc``, the counts (POSTed, not
  GET), ``updateStatus`` and ``deleteAgency`` the text ``{}``; the lists an empty form; ``downloadEdoc`` a GET.
- **Answers read the SDK's way**: a ``sendEdoc`` answer as US-ASCII (a refusal in the JVM's charset), the others
  as UTF-8, lines joined. ``status``, ``ErrorCode``, ``ErrorDesc`` — and ``DocId`` for ``sendEdoc`` — are read
  unconditionally: when one is missing (or not a plain value) the SDK fails inside and hands its caller ``null``,
  here ``None``. List fields are read when present, as strings (``version`` as an int, ``deleted``/``isAgency`` as
  booleans); ``getEdoc`` decodes ``data`` from Base64 into text unless ``status`` is ``FAIL``; ``downloadEdoc``
  keeps whatever bytes came back, whatever the HTTP status.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.test import Client

USER_AGENT = "JAVASDKAgent/1.0.0 XRoad/VPCP"
VERSION = "3.0.201608"
JSON = "application/json"
OCTET = "application/octet-stream"
CRLF = b"\r\n"
# What HttpURLConnection (sendEdoc) and Apache HttpClient (every other call) add to the SDK's own headers.
URLCONNECTION_ACCEPT = "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"

Headers = list[tuple[str, str]]


class SdkCrash(Exception):
    """Where the SDK would throw inside a call and return ``null`` to its caller."""


# -- Java: String.hashCode, HashMap order, SimpleDateFormat, Integer.toHexString, Gson ------------------------------


def java_string_hash(text: str) -> int:
    """``String.hashCode()``: over UTF-16 code units, 32-bit wrap-around (kept unsigned here)."""
    units = text.encode("utf-16-be")
    value = 0
    for index in range(0, len(units), 2):
        value = (31 * value + int.from_bytes(units[index:index + 2], "big")) & 0xFFFFFFFF
    return value


class JavaHashMap:
    """``HashMap<String, String>`` iteration order: by bucket (the spread hash masked by the capacity), and by
    insertion within a bucket; the capacity starts at 16 and doubles past a 0.75 load. Nothing is ever removed."""

    def __init__(self) -> None:
        self._order: list[str] = []
        self._values: dict[str, str] = {}
        self._capacity = 16

    def put(self, key: str, value: str) -> None:
        if key not in self._values:
            self._order.append(key)
            if len(self._order) > self._capacity * 3 // 4:
                self._capacity *= 2
        self._values[key] = value

    def get(self, key: str) -> str | None:
        return self._values.get(key)

    def items(self) -> Iterator[tuple[str, str]]:
        def bucket(key: str) -> int:
            hashed = java_string_hash(key)
            return (hashed ^ (hashed >> 16)) & (self._capacity - 1)

        for position in sorted(range(len(self._order)), key=lambda index: (bucket(self._order[index]), index)):
            key = self._order[position]
            yield key, self._values[key]


def java_timestamp(moment: dt.datetime, zone: ZoneInfo) -> str:
    """``new SimpleDateFormat("ddMMyyyy'T'HHmmss+SSSS").format(date)`` in a JVM whose default zone is ``zone``."""
    local = moment.astimezone(zone)
    return f"{local:%d%m%Y}T{local:%H%M%S}+{local.microsecond // 1000:04d}"


def unpadded_hex(digest: bytes) -> str:
    """``Integer.toHexString(0xFF & b)`` for each byte, concatenated."""
    return "".join(format(byte, "x") for byte in digest)


_GSON_SHORT = {'"': '\\"', "\\": "\\\\", "\t": "\\t", "\b": "\\b", "\n": "\\n", "\r": "\\r", "\f": "\\f"}


def gson_string(text: str) -> str:
    out = ['"']
    for char in text:
        if char in _GSON_SHORT:
            out.append(_GSON_SHORT[char])
        elif ord(char) < 0x20 or char in "\u2028\u2029":
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def gson_json(value: Any) -> str:
    """``JsonElement.toString()``: compact, non-ASCII as is, no HTML escaping."""
    if isinstance(value, dict):
        return "{" + ",".join(f"{gson_string(key)}:{gson_json(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(gson_json(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return gson_string(value) if isinstance(value, str) else str(value)


class _Lenient:
    """Gson's lenient reading of the callers' JSON text: unquoted names and values are taken as text."""

    _STOP = set(",:}] \t\r\n[{")

    def __init__(self, text: str) -> None:
        self.text, self.at = text, 0

    def _skip(self) -> None:
        while self.at < len(self.text) and self.text[self.at] in " \t\r\n":
            self.at += 1

    def _expect(self, char: str) -> None:
        self._skip()
        if self.text[self.at:self.at + 1] != char:
            raise SdkCrash(f"MalformedJsonException: expected {char!r} at {self.at} in {self.text!r}")
        self.at += 1

    def value(self) -> Any:
        self._skip()
        char = self.text[self.at:self.at + 1]
        if char == "{":
            return self.object()
        if char == "[":
            self.at += 1
            items: list[Any] = []
            self._skip()
            if self.text[self.at:self.at + 1] == "]":
                self.at += 1
                return items
            while True:
                items.append(self.value())
                self._skip()
                if self.text[self.at:self.at + 1] == ",":
                    self.at += 1
                    continue
                self._expect("]")
                return items
        if char == '"':
            decoder = json.JSONDecoder()
            text, end = decoder.raw_decode(self.text, self.at)
            self.at = end
            return text
        start = self.at
        while self.at < len(self.text) and self.text[self.at] not in self._STOP:
            self.at += 1
        if start == self.at:
            raise SdkCrash(f"MalformedJsonException at {start} in {self.text!r}")
        return self.text[start:self.at]

    def object(self) -> dict[str, Any]:
        self._expect("{")
        result: dict[str, Any] = {}
        self._skip()
        if self.text[self.at:self.at + 1] == "}":
            self.at += 1
            return result
        while True:
            key = self.value()
            self._expect(":")
            result[str(key)] = self.value()
            self._skip()
            if self.text[self.at:self.at + 1] == ",":
                self.at += 1
                continue
            self._expect("}")
            return result


def gson_lenient_object(text: str) -> dict[str, Any]:
    return _Lenient(text).object()


def _as_string(value: Any) -> str:
    """``JsonElement.getAsString()``: plain values only."""
    if isinstance(value, (dict, list)) or value is None:
        raise SdkCrash(f"getAsString on {value!r}")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# -- transports ---------------------------------------------------------------------------------------------------


class Transport(Protocol):
    @property
    def host(self) -> str:
        """The ``Host`` header value."""

    def exchange(self, method: str, path: str, headers: Headers, body: bytes | None) -> tuple[int, bytes]:
        """One request; the HTTP status and the body of the answer."""


@dataclass
class LoopbackTransport:
    """A real connection per call (the SDK builds a new client every time), headers written exactly as given."""

    address: str
    port: int
    timeout: float = 30

    @property
    def host(self) -> str:
        return f"{self.address}:{self.port}"

    def exchange(self, method: str, path: str, headers: Headers, body: bytes | None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(self.address, self.port, timeout=self.timeout)
        try:
            connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                connection.putheader(name, value.encode("latin-1", "replace"))
            connection.endheaders(body)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


_HOP_BY_HOP = {"host", "content-length", "connection", "content-type"}


@dataclass
class DjangoTransport:
    """Django's test client instead of a socket (the hub's views in the test database, SQLite or PostgreSQL)."""

    client: Client = field(default_factory=Client)
    host: str = "testserver"

    def exchange(self, method: str, path: str, headers: Headers, body: bytes | None) -> tuple[int, bytes]:
        content_type = next((value for name, value in headers if name == "Content-Type"), "")
        rest = {name: value for name, value in headers if name.lower() not in _HOP_BY_HOP}
        response = self.client.generic(method, path, data=body or b"", content_type=content_type, headers=rest)
        return response.status_code, bytes(response.content)


# -- the SDK's services -------------------------------------------------------------------------------------------


@dataclass
class SdkResult:
    """What an SDK call hands its caller (when it does not hand back ``null``)."""

    status: str
    error_code: str
    error_desc: str
    doc_id: str | None = None
    items: list[dict[str, Any]] = field(default_factory=list)
    data: str | None = None
    count: int | None = None
    file: bytes = b""


RECEIVED_FIELDS = ("docId", "serviceType", "messageType", "created_time", "updated_time", "from", "to", "status",
                   "status_desc")
SENT_FIELDS = ("serviceType", "receiverDocId", "toCode", "receiveStatus", "title", "messageType", "notation",
               "receivedTime", "sentTime", "sendStatus", "sendStatusDesc", "senderDocId", "fromCode",
               "receiveStatusDesc")
AGENCY_FIELDS = ("code", "id", "mail", "name", "pid", "oldCode")
QD20_FIELDS = ("code", "id", "mail", "name", "code102")
SYNC_FIELDS = ("code", "id", "mail", "name", "pid", "centerCode", "modifyDate")


def _read_lines(content: bytes, charset: str) -> str:
    """``BufferedReader.readLine()`` in a loop, appended: the line breaks are gone."""
    return "".join(content.decode(charset, "replace").splitlines())


def _answer(text: str) -> dict[str, Any]:
    try:
        answer = json.loads(text)
    except ValueError as exc:
        raise SdkCrash(f"unparseable answer {text[:200]!r}") from exc
    if not isinstance(answer, dict):
        raise SdkCrash(f"answer is not an object: {text[:200]!r}")
    return answer


def _field(answer: dict[str, Any], name: str) -> str:
    """``element.get(name).getAsString()``: a missing name is a NullPointerException."""
    if name not in answer:
        raise SdkCrash(f"NullPointerException: no {name!r} in {answer!r}")
    return _as_string(answer[name])


def _envelope(answer: dict[str, Any]) -> SdkResult:
    return SdkResult(status=_field(answer, "status"), error_code=_field(answer, "ErrorCode"),
                     error_desc=_field(answer, "ErrorDesc"))


def _rows(answer: dict[str, Any], strings: tuple[str, ...], *, ints: tuple[str, ...] = (),
          booleans: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    data = answer.get("data")
    if not isinstance(data, list):
        raise SdkCrash(f"getAsJsonArray on {data!r}")
    rows: list[dict[str, Any]] = []
    for element in data:
        if not isinstance(element, dict):
            raise SdkCrash(f"getAsJsonObject on {element!r}")
        row: dict[str, Any] = {name: _as_string(element[name]) for name in strings if name in element}
        for name in ints:
            if name in element:
                value = element[name]
                if isinstance(value, bool) or not isinstance(value, (int, str)):
                    raise SdkCrash(f"getAsInt on {value!r}")
                row[name] = int(value)
        for name in booleans:
            if name in element:
                value = element[name]
                row[name] = value if isinstance(value, bool) else _as_string(value).lower() == "true"
        rows.append(row)
    return rows


class VnptService:
    """The SDK's base service: the header map, the signature, one call."""

    def __init__(self, *, system_id: str, secret: str, transport: Transport, zone: ZoneInfo,
                 jvm_charset: str = "utf-8", endpoint_path: str = "", now: dt.datetime | None = None) -> None:
        self.headers = JavaHashMap()
        self.headers.put("timestamp", java_timestamp(now or dt.datetime.now(dt.UTC), zone))
        self.headers.put("systemid", system_id)
        self._secret = secret
        self.transport = transport
        self.jvm_charset = jvm_charset
        self.path = endpoint_path.rstrip("/")
        self.sent: list[tuple[str, Headers, bytes | None]] = []  # what went on the wire, for the tests to inspect

    def _merge(self, json_headers: str, *, to_as_json: bool = False) -> dict[str, Any]:
        inputs = gson_lenient_object(json_headers)
        for key, value in inputs.items():
            self.headers.put(key, gson_json(value) if to_as_json and key == "to" else _as_string(value))
        return inputs

    def signed_headers(self) -> Headers:
        """``addXroadVnptHashHeader``: the map's entries, the key list, the signed JSON, its HMAC, agent, version."""
        headers: Headers = []
        signed: dict[str, str] = {}
        keys: list[str] = []
        for key, value in self.headers.items():
            if key == "Content-Type":
                headers.append((key, value))
            signed["XroadVnpt-" + key] = value
            headers.append(("XroadVnpt-" + key, value))
            keys.append(key)
        sign_header = gson_json(signed)
        digest = hmac.new(self._secret.encode("utf-8"), sign_header.encode("utf-8"), hashlib.sha256).hexdigest()
        headers += [("XroadVnpt-sign-header-key", ";".join(keys)), ("XroadVnpt-sign-header", sign_header),
                    ("XroadVnpt-hash-header", digest), ("User-Agent", USER_AGENT), ("XroadVnpt-version", VERSION)]
        return headers

    def _http_client_call(self, operation: str, *, method: str = "POST", body: bytes | None = b"") -> bytes:
        """An Apache HttpClient call with the signed headers as its default headers; the answer's bytes."""
        headers = [*self.signed_headers(), ("Host", self.transport.host), ("Connection", "Keep-Alive"),
                   ("Accept-Encoding", "gzip,deflate")]
        if method != "GET":
            headers.append(("Content-Length", str(len(body or b""))))
        status, content = self._exchange(method, operation, headers, body if method != "GET" else None)
        del status  # HttpClient calls read the body whatever the status
        return content

    def _exchange(self, method: str, operation: str, headers: Headers, body: bytes | None) -> tuple[int, bytes]:
        self.sent.append((operation, headers, body))
        return self.transport.exchange(method, f"{self.path}/{operation}", headers, body)

    def _simple(self, operation: str, json_headers: str, *, body: bytes | None = b"") -> dict[str, Any]:
        self.headers.put("Content-Type", JSON)
        self._merge(json_headers)
        return _answer(_read_lines(self._http_client_call(operation, body=body), "utf-8"))


class KnobstickService(VnptService):
    """``KnobstickServiceImp``: packages."""

    def send(self, json_headers: str, edxml: bytes) -> SdkResult | None:
        """``sendEdoc(jsonHeaders, edXMLFileLocation)``."""
        try:
            self.headers.put("Content-Type", OCTET)
            self._merge(json_headers, to_as_json=True)
            self.headers.put("hash-file", unpadded_hex(hashlib.sha256(edxml).digest()))
            body = edxml + CRLF
            headers = [*self.signed_headers(), ("Host", self.transport.host), ("Accept", URLCONNECTION_ACCEPT),
                       ("Connection", "keep-alive"), ("Content-Length", str(len(body)))]
            status, content = self._exchange("POST", "sendEdoc", headers, body)
            answer = _answer(_read_lines(content, "ascii" if status in (200, 201) else self.jvm_charset))
            result = _envelope(answer)
            result.doc_id = _field(answer, "DocId")
            return result
        except SdkCrash:
            return None

    def received_list(self, json_headers: str) -> SdkResult | None:
        """``getReceivedEdocList``: an unreadable (empty) answer is taken for an empty list."""
        try:
            self.headers.put("Content-Type", JSON)
            self._merge(json_headers)
            text = _read_lines(self._http_client_call("getReceivedEdocList"), "utf-8")
            if not text.strip():
                return SdkResult(status="OK", error_code="0", error_desc="Success")
            answer = _answer(text)
            result = _envelope(answer)
            if result.error_code.lower() == "0":
                result.items = _rows(answer, RECEIVED_FIELDS)
            return result
        except SdkCrash:
            return None

    def sent_list(self, json_headers: str) -> SdkResult | None:
        """``getSentEdocList``."""
        try:
            answer = self._simple("getSentEdocList", json_headers)
            result = _envelope(answer)
            if result.error_code.lower() == "0":
                result.items = _rows(answer, SENT_FIELDS)
            return result
        except SdkCrash:
            return None

    def get(self, json_headers: str) -> SdkResult | None:
        """``getEdoc``: the package as text (Base64 decoded, read as UTF-8)."""
        try:
            answer = self._simple("getEdoc", json_headers, body=b"{}")
            result = _envelope(answer)
            if result.status != "FAIL":
                try:
                    raw = base64.b64decode(_field(answer, "data"))
                except binascii.Error as exc:
                    raise SdkCrash("Base64") from exc
                result.data = raw.decode("utf-8", "replace")
            return result
        except SdkCrash:
            return None

    def count(self, operation: str, json_headers: str = "{}") -> SdkResult | None:
        """``countReceiveEdoc`` / ``countReceiveStatus``: declared GET, sent as a POST of ``{}``."""
        try:
            answer = self._simple(operation, json_headers, body=b"{}")
            result = _envelope(answer)
            if result.status != "FAIL":
                value = answer.get("count")
                if isinstance(value, bool) or not isinstance(value, (int, str)):
                    raise SdkCrash(f"getAsInt on {value!r}")
                result.count = int(value)
            return result
        except SdkCrash:
            return None

    def download(self, json_headers: str) -> SdkResult:
        """``downloadEdoc``: a GET; whatever comes back is the file, SUCCESS when it is not empty."""
        self.headers.put("Content-Type", JSON)
        self._merge(json_headers)
        content = self._http_client_call("downloadEdoc", method="GET", body=None)
        if content:
            return SdkResult(status="SUCCESS", error_code="0", error_desc="", file=content)
        return SdkResult(status="FAIL", error_code="100", error_desc="")

    def update_status(self, json_headers: str) -> SdkResult | None:
        """``updateStatus``."""
        try:
            return _envelope(self._simple("updateStatus", json_headers, body=b"{}"))
        except SdkCrash:
            return None


class AgencyService(VnptService):
    """``AgencyServiceImp``: the directory."""

    def _list(self, operation: str, json_headers: str, strings: tuple[str, ...], **kinds: tuple[str, ...]
              ) -> SdkResult | None:
        try:
            answer = self._simple(operation, json_headers)
            result = _envelope(answer)
            if result.error_code == "0":
                result.items = _rows(answer, strings, **kinds)
            return result
        except SdkCrash:
            return None

    def agencies(self, json_headers: str = "{}") -> SdkResult | None:
        return self._list("getAgenciesList", json_headers, AGENCY_FIELDS)

    def agencies_qd20(self, json_headers: str) -> SdkResult | None:
        return self._list("getAgenciesListQD20", json_headers, QD20_FIELDS)

    def synchronize(self, json_headers: str = "{}") -> SdkResult | None:
        return self._list("getSynchronizeUnit", json_headers, SYNC_FIELDS, ints=("version",),
                          booleans=("deleted", "isAgency"))

    def register(self, json_headers: str, data: str) -> SdkResult | None:
        """``registerAgency(jsonHeaders, data)``: the data is the body, as JSON."""
        try:
            return _envelope(self._simple("registerAgency", json_headers, body=data.encode("utf-8")))
        except SdkCrash:
            return None

    def delete(self, json_headers: str) -> SdkResult | None:
        try:
            return _envelope(self._simple("deleteAgency", json_headers, body=b"{}"))
        except SdkCrash:
            return None
