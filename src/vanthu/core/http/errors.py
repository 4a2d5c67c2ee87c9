"""The one path from a refusal to an HTML answer (the API has its JSON twin in ``api/errors.py``).

A service refuses with an ``ApplicationError`` whose class carries the HTTP status: ``NotFoundError`` 404 (for
"missing" and "not yours" alike), ``PermissionDeniedError`` 403, ``ConflictError`` 409, anything else 400. A view
either lets it propagate — ``ApplicationErrorMiddleware`` turns it into the Vietnamese error page with the
service's message — or, for a POST action that goes back to the page it came from, shows the message there
(``web.views.common.run_action``). Django's own 400/403/404/500 pages use the same templates (``400.html`` …), so a
mistyped address, a refused page and a refused action look and read the same. No traceback is logged for a
refusal: it is an answer, not a failure.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vanthu.core.errors import ApplicationError, PermissionDeniedError

PAGES = {403: "403.html", 404: "404.html"}


def error_page(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    """The error page for a refusal, with the status its class carries and its message."""
    template = PAGES.get(exc.status, "400.html")
    return render(request, template, {"message": str(exc.message), "code": exc.code}, status=exc.status)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return error_page(request, PermissionDeniedError("forbidden", message))


class ApplicationErrorMiddleware:
    """Turns an ``ApplicationError`` escaping an HTML view into its error page (``/api/`` answers JSON itself)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ApplicationError) and not request.path.startswith("/api/"):
            return error_page(request, exception)
        return None
