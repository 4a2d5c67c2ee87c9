"""The hub's refusals. They keep the national hub's envelope (``ErrorCode``/``ErrorDesc``), not our API's shape;
the numeric codes are our own (docs/standards/hub-api.md) because the official ones are unknown."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from vanthu.core.errors import ApplicationError

BAD_SIGNATURE = 1
UNKNOWN_SYSTEM = 2
SENDER_NOT_OWNED = 3
HASH_MISMATCH = 4
MALFORMED = 5
UNKNOWN_DOC = 6
TOO_LARGE = 7
INTERNAL = 9

_HTTP_STATUS = {BAD_SIGNATURE: 401, UNKNOWN_SYSTEM: 401, SENDER_NOT_OWNED: 403, HASH_MISMATCH: 400,
                MALFORMED: 400, UNKNOWN_DOC: 404, TOO_LARGE: 413, INTERNAL: 500}
_CODES = {BAD_SIGNATURE: "hub.bad_signature", UNKNOWN_SYSTEM: "hub.unknown_system",
          SENDER_NOT_OWNED: "hub.sender_not_owned", HASH_MISMATCH: "hub.hash_mismatch", MALFORMED: "hub.malformed",
          UNKNOWN_DOC: "hub.unknown_doc", TOO_LARGE: "hub.too_large", INTERNAL: "hub.internal"}


class HubProtocolError(ApplicationError):
    """A refusal answered as ``{"status": "FAIL", "ErrorCode": "<n>", "ErrorDesc": message}``."""

    def __init__(self, error_code: int, message: str | Promise, extra: dict[str, Any] | None = None) -> None:
        super().__init__(_CODES[error_code], message, extra)
        self.error_code = error_code
        self.status = _HTTP_STATUS[error_code]


def bad_signature(message: str | Promise | None = None) -> HubProtocolError:
    return HubProtocolError(BAD_SIGNATURE, message or _("Chữ ký yêu cầu không hợp lệ"))


def package_signature_invalid(reason: str) -> HubProtocolError:
    """The package's own XML signature does not match its content: changed after signing (error 1, but HTTP 400:
    the request is authenticated, the package is not)."""
    error = HubProtocolError(BAD_SIGNATURE, _("Chữ ký số của gói tin không hợp lệ (%(reason)s): gói tin đã bị "
                                              "thay đổi sau khi ký") % {"reason": reason}, {"element": "Signature"})
    error.status = 400
    return error


def unknown_system() -> HubProtocolError:
    return HubProtocolError(UNKNOWN_SYSTEM, _("Hệ thống chưa được kết nối với trục liên thông"))


def sender_not_owned(code: str) -> HubProtocolError:
    return HubProtocolError(SENDER_NOT_OWNED, _("Đơn vị %(code)s không thuộc hệ thống gửi yêu cầu") % {"code": code},
                            {"code": code})


def hash_mismatch() -> HubProtocolError:
    return HubProtocolError(HASH_MISMATCH, _("Mã băm (hash-file) không khớp với nội dung gói tin"))


def malformed(message: str | Promise, element: str = "") -> HubProtocolError:
    return HubProtocolError(MALFORMED, message, {"element": element} if element else None)


def method_not_allowed(method: str) -> HubProtocolError:
    """A malformed request (5) answered with HTTP 405."""
    error = HubProtocolError(MALFORMED, _("Thao tác này không nhận phương thức HTTP %(method)s") %
                             {"method": method[:10]}, {"element": "method"})
    error.status = 405
    return error


def unknown_doc() -> HubProtocolError:
    # The same answer for "no such package" and "not addressed to you", so ids leak nothing.
    return HubProtocolError(UNKNOWN_DOC, _("Không tìm thấy gói tin"))


def too_large(limit: int) -> HubProtocolError:
    return HubProtocolError(TOO_LARGE, _("Gói tin vượt quá giới hạn %(limit)s byte") % {"limit": limit},
                            {"limit": limit})


def internal() -> HubProtocolError:
    return HubProtocolError(INTERNAL, _("Lỗi nội bộ của trục liên thông"))
