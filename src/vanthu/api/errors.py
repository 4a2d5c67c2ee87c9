"""The one error contract of the API: ``{"code", "message", "extra"}`` with the error's HTTP status."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from vanthu.core.errors import ApplicationError


class UnauthenticatedError(ApplicationError):
    """No credentials, or a token that is unknown, expired or revoked."""

    status = 401


def _respond(api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str,
             extra: dict[str, Any] | None = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "extra": extra or {}}, status=status)


# Pydantic's messages are English; the type of each error says what went wrong, so the message is ours. ``ctx``
# fills the placeholders (the limit that was exceeded, the values allowed).
_DATE = _lazy("Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-11-05.")
_DATETIME = _lazy("Thời điểm phải có dạng ISO 8601, ví dụ 2026-11-05T08:30:00+07:00.")
_INTEGER = _lazy("Phải là số nguyên.")
_CHOICE = _lazy("Phải là một trong các giá trị: %(expected)s.")
VALIDATION_MESSAGES: dict[str, Any] = {
    "missing": _lazy("Thiếu trường bắt buộc."),
    "string_type": _lazy("Phải là chuỗi ký tự."),
    "string_too_short": _lazy("Phải có ít nhất %(min_length)s ký tự."),
    "string_too_long": _lazy("Dài quá %(max_length)s ký tự."),
    "int_type": _INTEGER, "int_parsing": _INTEGER, "int_from_float": _INTEGER,
    "greater_than_equal": _lazy("Phải lớn hơn hoặc bằng %(ge)s."),
    "greater_than": _lazy("Phải lớn hơn %(gt)s."),
    "less_than_equal": _lazy("Phải nhỏ hơn hoặc bằng %(le)s."),
    "less_than": _lazy("Phải nhỏ hơn %(lt)s."),
    "bool_type": _lazy("Phải là true hoặc false."), "bool_parsing": _lazy("Phải là true hoặc false."),
    "date_format": _DATE, "date_type": _DATE, "date_parsing": _DATE, "date_from_datetime_parsing": _DATE,
    "date_from_datetime_inexact": _DATE,
    "datetime_type": _DATETIME, "datetime_parsing": _DATETIME, "datetime_from_date_parsing": _DATETIME,
    "literal_error": _CHOICE, "enum": _CHOICE,
    "list_type": _lazy("Phải là một danh sách."),
    "too_short": _lazy("Phải có ít nhất %(min_length)s phần tử."),
    "too_long": _lazy("Có nhiều nhất %(max_length)s phần tử."),
    "dict_type": _lazy("Phải là một đối tượng JSON."), "model_type": _lazy("Phải là một đối tượng JSON."),
    "model_attributes_type": _lazy("Phải là một đối tượng JSON."),
    "json_invalid": _lazy("Không phải JSON hợp lệ."), "json_type": _lazy("Không phải JSON hợp lệ."),
    "extra_forbidden": _lazy("Trường này không được phép."),
}
UNKNOWN_VALIDATION_ERROR = _lazy("Giá trị không hợp lệ.")


def validation_message(error: dict[str, Any]) -> str:
    """The Vietnamese message of one pydantic error, or a generic one for a type we do not name."""
    template = VALIDATION_MESSAGES.get(str(error.get("type", "")), UNKNOWN_VALIDATION_ERROR)
    context = {str(key): str(value) for key, value in (error.get("ctx") or {}).items()}
    if "expected" in context:  # "'a', 'b' or 'c'": the values are ours to list, the "or" is English
        context["expected"] = re.sub(r"\s+or\s+", ", ", context["expected"])
    try:
        return str(template) % context if "%(" in str(template) else str(template)
    except (KeyError, ValueError, TypeError):
        return str(UNKNOWN_VALIDATION_ERROR)


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's error list, reduced to what a client needs, in Vietnamese and guaranteed JSON-serialisable."""
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "type": str(error.get("type", "")),
         "msg": validation_message(error)}
        for error in errors
    ]


HTTP_ERRORS = {
    400: ("invalid_input", _lazy("Không đọc được dữ liệu gửi lên (JSON không hợp lệ?).")),
    403: ("forbidden", _lazy("Bạn không có quyền thực hiện thao tác này.")),
    429: ("throttled", _lazy("Gửi quá nhiều yêu cầu; hãy thử lại sau.")),
}


def install_error_handlers(api: NinjaAPI) -> None:
    def application_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, ApplicationError)
        return _respond(api, request, exc.status, exc.code, str(exc.message), exc.extra)

    def validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        assert isinstance(exc, NinjaValidationError)
        return _respond(api, request, 400, "invalid_input", _("Dữ liệu gửi lên không hợp lệ."),
                        {"errors": _clean_errors(list(exc.errors))})

    def authentication_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 401, "unauthenticated",
                        _("Chưa đăng nhập: gửi token trong tiêu đề Authorization: Bearer <token>."))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return _respond(api, request, 404, "not_found", _("Không tìm thấy."))

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # Raised by ninja itself (unparsable body, throttling…): its English text goes to extra only.
        assert isinstance(exc, HttpError)
        code, message = HTTP_ERRORS.get(exc.status_code, ("http_error", _("Yêu cầu không thực hiện được.")))
        return _respond(api, request, exc.status_code, code, str(message), {"detail": str(exc)})

    api.add_exception_handler(ApplicationError, application_error)
    api.add_exception_handler(NinjaValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(HttpError, http_error)
