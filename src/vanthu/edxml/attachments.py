"""Attachment encoding: Base64 of a one-entry zip on send; raw or zipped Base64 on receive (STANDARDS (b)).

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


def base64_decode(text: str, *, element: str) -> bytes:
    """Base64 with any whitespace in it; missing ``=`` padding is tolerated."""
    compact = "".join(text.split())
    if len(compact) % 4:
        compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise InvalidValueError(element, reason="base64") from exc


@dataclass(frozen=True)
class Unpacked:
    """The file inside: ``zipped`` tells whether a one-entry zip was unpacked; ``entry_name`` its name;
    ``unreadable`` that the bytes looked like a zip but could not be read (kept raw)."""

    data: bytes
    zipped: bool
    entry_name: str = ""
    unreadable: bool = False


_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, RuntimeError,
               NotImplementedError, ValueError, KeyError, IndexError)


def unpack(data: bytes, *, element: str, limit: int) -> Unpacked:
    """Unpack a one-entry zip no larger than ``limit`` once decompressed; anything else stays as it is.

    A multi-entry zip is a real zip file sent raw (a DOCX is one too), so it is kept whole."""
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
