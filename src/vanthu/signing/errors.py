"""Refusals of the signing path. Codes are stable; messages are Vietnamese msgids."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from vanthu.core.errors import ApplicationError, PermissionDeniedError


class SigningError(ApplicationError):
    """Base class: every signing refusal is an ApplicationError with its own code."""


class WrongPinError(SigningError):
    """``extra["attempts_left"]``, when known: wrong PINs still allowed before the device is locked."""

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        left = (extra or {}).get("attempts_left")
        message = _("Mã PIN không đúng") if left is None else ngettext_lazy(
            "Mã PIN không đúng; còn %(n)d lần thử trước khi thiết bị ký bị tạm khóa.",
            "Mã PIN không đúng; còn %(n)d lần thử trước khi thiết bị ký bị tạm khóa.", "n") % {"n": left}
        super().__init__("signing.wrong_pin", message, extra)


class TokenLockedError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__("signing.token_locked", _("Thiết bị ký đã bị khóa"), extra)


class KeyDeviceLockedError(SigningError):
    """Our lock-out after too many wrong PINs (signing.pinguard); ``extra["until"]`` is when it ends."""

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        until = (extra or {}).get("until_display")
        message = (_("Thiết bị ký tạm khóa do nhập sai mã PIN quá số lần cho phép; hãy thử lại sau.") if not until
                   else _("Thiết bị ký tạm khóa do nhập sai mã PIN quá số lần cho phép; hãy thử lại sau %(time)s.")
                   % {"time": until})
        super().__init__("signing.device_locked", message, extra)


class KeyUnavailableError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__("signing.key_unavailable", _("Không tìm thấy khóa ký trên thiết bị"), extra)


class CertificateExpiredError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__("signing.certificate_expired", _("Chứng thư số đã hết hạn"), extra)


class CertificateNotYetValidError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__("signing.certificate_not_yet_valid", _("Chứng thư số chưa có hiệu lực"), extra)


class CertificateRevokedError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__("signing.certificate_revoked", _("Chứng thư số đã bị thu hồi"), extra)


class CertificateUntrustedError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__(
            "signing.certificate_untrusted",
            _("Không xác thực được chứng thư số (chuỗi tin cậy hoặc trạng thái thu hồi)"),
            extra,
        )


class CertificateNotOwnedError(PermissionDeniedError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__(
            "signing.certificate_not_owned", _("Chứng thư số không thuộc về người ký"), extra
        )


class SigningFailedError(SigningError):
    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__("signing.failed", _("Ký số không thành công"), extra)
