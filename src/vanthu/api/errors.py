"""The one error contract of the API: ``{"code", "message", "extra"}`` with the error's HTTP status."""

from __future__ import annotations

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


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's error list, reduced to what a client needs and guaranteed JSON-serialisable."""
    return [
        {"loc": [str(part) for part in error.get("loc", ())], "type": str(error.get("type", "")),
         "msg": str(error.get("msg", ""))}
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
