"""Upload checks and text extraction for document files.

Bad input is refused with a Vietnamese message before anything is stored: wrong type for the extension,
corrupt or encrypted PDFs, files over the size limit.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from lxml import etree

from vanthu.core.errors import ApplicationError


@dataclass(frozen=True)
class UploadedContent:
    """A file as received (upload, package attachment, generated report): its name and its bytes."""

    filename: str
    content: bytes


PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
PNG = "image/png"
JPEG = "image/jpeg"
TIFF = "image/tiff"

EXTENSIONS = {".pdf": PDF, ".docx": DOCX, ".odt": ODT, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".tif": TIFF,
              ".tiff": TIFF}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content: bytes
    content_type: str
    page_count: int | None


def _sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                    return ODT
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return DOCX
        except zipfile.BadZipFile:
            return None
    return None


def _pdf_page_count(content: bytes, filename: str) -> int:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        if reader.encrypted:
            raise ApplicationError(
                "file_encrypted",
                _("Tệp “%(name)s” được đặt mật khẩu (mã hóa). Hãy gỡ mật khẩu rồi tải lên lại.") % {"name": filename},
            )
        count = int(reader.root["/Pages"]["/Count"])
    except ApplicationError:
        raise
    except (PdfError, KeyError, ValueError, TypeError, IndexError, AttributeError, OSError) as exc:
        raise ApplicationError(
            "file_corrupt",
            _("Tệp “%(name)s” bị hỏng hoặc không phải PDF hợp lệ.") % {"name": filename},
        ) from exc
    if count < 1:
        raise ApplicationError("file_corrupt", _("Tệp “%(name)s” không có trang nào.") % {"name": filename})
    return count


def file_check_size(*, filename: str, size: int) -> None:
    """Refuse a file over ``VANTHU_MAX_UPLOAD_BYTES``; callers check the declared size before reading the bytes."""
    limit = settings.VANTHU_MAX_UPLOAD_BYTES
    if size > limit:
        raise ApplicationError(
            "file_too_large",
            _("Tệp “%(name)s” vượt quá dung lượng cho phép (%(limit)s MB).")
            % {"name": Path(filename).name.strip() or "tep", "limit": limit // (1024 * 1024)},
            {"limit_bytes": limit, "size": size},
        )


def upload_read(*, filename: str, size: int | None, read: Callable[[], bytes]) -> bytes:
    """Read an upload only once its declared size is known to be within the limit (no multi-GB reads)."""
    if size is not None:
        file_check_size(filename=filename, size=size)
    return read()


def file_check(*, filename: str, content: bytes) -> CheckedFile:
    """Validate one upload: size, type (content must match the extension), PDF readability."""
    name = Path(filename).name.strip() or "tep"
    file_check_size(filename=name, size=len(content))
    if not content:
        raise ApplicationError("file_empty", _("Tệp “%(name)s” rỗng.") % {"name": name})
    declared = EXTENSIONS.get(Path(name).suffix.lower())
    if declared is None:
        raise ApplicationError(
            "file_type_not_allowed",
            _("Không nhận tệp “%(name)s”: chỉ nhận PDF, DOCX, ODT, PNG, JPEG, TIFF.") % {"name": name},
        )
    actual = _sniff(content)
    if actual != declared:
        raise ApplicationError(
            "file_type_mismatch",
            _("Nội dung tệp “%(name)s” không khớp với phần mở rộng của tệp.") % {"name": name},
            {"declared": declared, "detected": actual},
        )
    pages = _pdf_page_count(content, name) if actual == PDF else None
    return CheckedFile(filename=name, content=content, content_type=actual, page_count=pages)


def _xml_text(data: bytes) -> str:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser=parser)
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def text_extract(*, content: bytes, content_type: str) -> str:
    """Plain text for the search index. Never raises on bad content: an unreadable file just has no text."""
    try:
        if content_type == PDF:
            if shutil.which("pdftotext") is None:
                return ""
            with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
                tmp.write(content)
                tmp.flush()
                result = subprocess.run(
                    ["pdftotext", "-q", "-enc", "UTF-8", tmp.name, "-"],
                    capture_output=True, timeout=120, check=False,
                )
            return result.stdout.decode("utf-8", "replace")
        if content_type in (DOCX, ODT):
            member = "word/document.xml" if content_type == DOCX else "content.xml"
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                info = archive.getinfo(member)
                if info.file_size > 50 * 1024 * 1024:
                    return ""
                return _xml_text(archive.read(member))
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, subprocess.TimeoutExpired):
        return ""
    return ""


def upload_content(upload: UploadedFile[Any]) -> UploadedContent:
    """An uploaded file (web form or API) as service input, refused before reading when it is too large."""
    name = upload.name or "tep"
    return UploadedContent(filename=name, content=upload_read(filename=name, size=upload.size, read=upload.read))
