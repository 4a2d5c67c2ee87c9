"""Attachment encoding: Base64 of a one-entry zip on send; raw or zipped Base64 on receive (docs/standards/edxml.md).

The VNPT library most receivers use zips, and apparently unzips, every file, so every file is sent as one
entry under its original name with the UTF-8 flag set. Zipping leaves PAdES signatures inside PDFs intact.
On receive a zip is recognised by its magic bytes, never by ``ContentType``, and unpacked only when it holds
exactly one file, under a decompressed-size limit (zip bombs).
"""

from __future__ import annotations

import base64
import binascii
import io
import mimetypes
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime

from vanthu.edxml.errors import InvalidValueError, PackageTooLargeError
from vanthu.edxml.values import VIETNAM_TZ

ZIP_MAGIC = b"PK\x03\x04"
ZIP_CONTENT_TYPE = "application/zip"
OCTET_STREAM = "application/octet-stream"
_UTF8_NAME_FLAG = 0x800

# Deterministic types for the files agencies exchange; mimetypes (which depends on the host's tables) after.
_CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".rtf": "application/rtf",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".zip": ZIP_CONTENT_TYPE,
    ".rar": "application/vnd.rar",
    ".7z": "application/x-7z-compressed",
}


def content_type_guess(name: str) -> str:
    dot = name.rfind(".")
    if dot >= 0 and name[dot:].lower() in _CONTENT_TYPES:
        return _CONTENT_TYPES[name[dot:].lower()]
    guessed, _encoding = mimetypes.guess_type(name, strict=True)
    return guessed or OCTET_STREAM


def extension_known(name: str) -> bool:
    """Whether the name ends in one of the extensions of the files agencies exchange."""
    dot = name.rfind(".")
    return dot >= 0 and name[dot:].lower() in _CONTENT_TYPES


# The first extension listed for a type is the one a name without extension gets.
_EXTENSIONS = {content_type: extension for extension, content_type in reversed(_CONTENT_TYPES.items())}


def extension_for(content_type: str) -> str:
    """``.pdf`` for ``application/pdf``; ``""`` for a type that is not one of the exchanged files'."""
    return _EXTENSIONS.get(content_type, "")


# Declared types that say nothing about the file, and aliases some systems write.
_GENERIC_TYPES = frozenset({OCTET_STREAM, "binary/octet-stream", "application/binary", "application/unknown",
                            "application/x-download", "application/force-download", "application/download",
                            "unknown/unknown", "*/*"})
_ALIASES = {"application/x-pdf": "application/pdf", "application/acrobat": "application/pdf",
            "image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "application/x-zip-compressed": ZIP_CONTENT_TYPE,
            "application/x-msword": "application/msword", "text/xml": "application/xml"}
_MIME = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$")


def content_type_clean(declared: str) -> str:
    """A declared ``ContentType`` as a usable MIME type (lower case, no parameters, aliases resolved), or ``""``
    when it says nothing (generic, not a MIME type at all)."""
    value = declared.split(";", 1)[0].strip().lower()
    value = _ALIASES.get(value, value)
    if value in _GENERIC_TYPES or not _MIME.match(value):
        return ""
    return value


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def content_sniff(data: bytes) -> str:
    """The type the bytes show (magic numbers of the exchanged kinds), ``""`` when they show none for sure."""
    if b"%PDF-" in data[:1024]:
        return "application/pdf"
    for magic, content_type in ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                                (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
                                (b"{\\rtf", "application/rtf"), (b"Rar!\x1a\x07", "application/vnd.rar"),
                                (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed")):
        if data.startswith(magic):
            return content_type
    if data.startswith(ZIP_MAGIC):
        return _zip_kind(data)
    return ""


def _zip_kind(data: bytes) -> str:
    """DOCX, XLSX, PPTX, ODT, ODS by their entries (names only: nothing is inflated), else a zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except _ZIP_ERRORS:
        return ""
    for prefix, content_type in (("word/", _CONTENT_TYPES[".docx"]), ("xl/", _CONTENT_TYPES[".xlsx"]),
                                 ("ppt/", _CONTENT_TYPES[".pptx"])):
        if any(name.startswith(prefix) for name in names):
            return content_type
    if "mimetype" in names and "content.xml" in names:
        return ""  # ODF: the kind is in the mimetype entry; the name decides
    return ZIP_CONTENT_TYPE


class _Utf8ZipInfo(zipfile.ZipInfo):
    """zipfile sets the UTF-8 flag only for non-ASCII names and resets ``flag_bits`` when writing; this entry
    always has it, in the local header and in the central directory."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("utf-8"), self.flag_bits | _UTF8_NAME_FLAG


def zip_single(name: str, data: bytes) -> bytes:
    """One deflated entry named ``name`` (UTF-8 flag always set, so every unzipper reads Vietnamese names)."""
    now = datetime.now(VIETNAM_TZ)
    info = _Utf8ZipInfo(name, date_time=(now.year, now.month, now.day, now.hour, now.minute, now.second))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def base64_encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True)
class Decoded:
    """The bytes of ``ContentTransferEncoded``; ``variant`` names a form other than plain Base64 (``base64url``,
    ``data-uri``) and ``declared_type`` the type a data URI carries."""

    data: bytes
    variant: str = ""
    declared_type: str = ""


_DATA_URI = re.compile(r"^data:([^;,]*)(?:;[^;,=]+=[^;,]*)*;base64,", re.IGNORECASE)


def encoded_decode(text: str, *, element: str) -> Decoded:
    """Plain Base64 (what we emit; any whitespace, missing padding tolerated), the URL-safe alphabet, or a
    ``data:…;base64,`` URI. Anything else is a corrupt file: ``edxml.invalid_value``."""
    compact = "".join(text.split())
    variant, declared = "", ""
    uri = _DATA_URI.match(compact)
    if uri is not None:
        variant, declared, compact = "data-uri", uri[1], compact[uri.end():]
    if ("-" in compact or "_" in compact) and "+" not in compact and "/" not in compact:
        variant = variant or "base64url"
        compact = compact.replace("-", "+").replace("_", "/")
    if len(compact) % 4:
        compact += "=" * (-len(compact) % 4)
    try:
        return Decoded(base64.b64decode(compact.encode("ascii"), validate=True), variant, declared)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise InvalidValueError(element, reason="base64") from exc


@dataclass(frozen=True)
class Unpacked:
    """The file inside: ``zipped`` tells whether a one-entry zip was unpacked; ``entry_name`` its name;
    ``unreadable`` that the bytes looked like a zip but could not be read (kept raw); ``gzipped`` that they were a
    gzip stream (some gateways compress so instead of zipping)."""

    data: bytes
    zipped: bool
    entry_name: str = ""
    unreadable: bool = False
    gzipped: bool = False


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError, ValueError, KeyError, IndexError)


GZIP_MAGIC = b"\x1f\x8b\x08"


def _gunzip(data: bytes, *, element: str, limit: int) -> Unpacked:
    """A gzip stream inflated to at most ``limit`` bytes; kept raw when it is not a readable one."""
    stream = zlib.decompressobj(wbits=31)
    try:
        content = stream.decompress(data, limit + 1)
    except zlib.error:
        return Unpacked(data, zipped=False, unreadable=True)
    if len(content) > limit:
        raise PackageTooLargeError(element, limit="unpacked_bytes", max=limit)
    if not stream.eof:
        return Unpacked(data, zipped=False, unreadable=True)
    return Unpacked(content, zipped=False, gzipped=True)


def unpack(data: bytes, *, element: str, limit: int) -> Unpacked:
    """Unpack a one-entry zip (or a gzip stream) no larger than ``limit`` once decompressed; anything else stays
    as it is.

    A multi-entry zip is a real zip file sent raw (a DOCX is one too), so it is kept whole."""
    if data.startswith(GZIP_MAGIC):
        return _gunzip(data, element=element, limit=limit)
    if not data.startswith(ZIP_MAGIC):
        return Unpacked(data, zipped=False)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) != 1 or entries[0].is_dir():
                return Unpacked(data, zipped=False)
            entry = entries[0]
            if entry.file_size > limit:
                raise PackageTooLargeError(element, limit="unpacked_bytes", max=limit, size=entry.file_size)
            with archive.open(entry) as stream:
                content = stream.read(limit + 1)  # the declared size may lie
            if len(content) > limit:
                raise PackageTooLargeError(element, limit="unpacked_bytes", max=limit)
    except _ZIP_ERRORS:
        return Unpacked(data, zipped=False, unreadable=True)
    return Unpacked(content, zipped=True, entry_name=entry.filename)
