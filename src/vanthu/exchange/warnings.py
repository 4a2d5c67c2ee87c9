"""The warnings of a received package as the connector keeps and shows them (docs/subsystems/exchange.md).

Two sources: the edXML reader (``vanthu.edxml.warnings``: what the package omits or writes differently) and the
receiver itself (this module: what it had to decide to make an incoming document of it — the sender found in the
directory by name, a date of issue taken from the DocumentId…). Both are stored alike, as plain dicts
``{code, element, message, value}`` on the package log row and on the incoming document; the message is stored in
Vietnamese and shown again in the reader's language from its code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from vanthu import edxml

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

StoredWarning = dict[str, str]

_RECEIVER_MESSAGES: dict[str, _StrPromise] = {
    "sender_found_by_name": _("Nơi gửi được xác định theo tên trong danh bạ liên thông"),
    "sender_name_from_directory": _("Tên nơi gửi lấy từ danh bạ liên thông"),
    "code_from_document_id": _("Số, ký hiệu lấy từ mã văn bản liên thông; cần kiểm tra lại"),
    "code_unknown": _("Gói tin không có số, ký hiệu; cần bổ sung trước khi vào sổ"),
    "issued_date_from_document_id": _("Ngày ban hành lấy từ mã văn bản liên thông; cần kiểm tra lại"),
    "issued_date_assumed": _("Gói tin không có ngày ban hành; tạm ghi ngày nhận, cần kiểm tra lại"),
    "text_truncated": _("Nội dung dài quá mức lưu trữ; đã cắt bớt"),
}


def _message(code: str, element: str) -> _StrPromise | None:
    if code in _RECEIVER_MESSAGES:
        return _RECEIVER_MESSAGES[code]
    if code in edxml.WARNING_CODES:
        return edxml.warning_message(code, element)
    return None


def warning_stored(warning: edxml.PackageWarning) -> StoredWarning:
    return {"code": warning.code, "element": warning.element, "message": warning.message, "value": warning.value}


def receiver_warning(code: str, element: str, value: str = "") -> StoredWarning:
    """A warning of the receiver's own (``code`` one of this module's)."""
    return {"code": code, "element": element, "message": str(_RECEIVER_MESSAGES[code]), "value": value[:200]}


def package_warnings(parsed: edxml.ParsedPackage) -> list[StoredWarning]:
    return [warning_stored(warning) for warning in parsed.warnings]


@dataclass(frozen=True)
class WarningRow:
    """A warning as a page shows it: the message in the active language, the element, the raw value."""

    code: str
    element: str
    message: str
    value: str


def warnings_display(stored: Iterable[Mapping[str, str]] | None) -> list[WarningRow]:
    """Stored warnings for a page: the message rendered again from the code (so it follows the reader's
    language), the stored one for a code no longer known."""
    rows = []
    for item in stored or ():
        code, element = str(item.get("code", "")), str(item.get("element", ""))
        message = _message(code, element)
        rows.append(WarningRow(code=code, element=element, value=str(item.get("value", "")),
                               message=str(message) if message is not None else str(item.get("message", ""))))
    return rows
