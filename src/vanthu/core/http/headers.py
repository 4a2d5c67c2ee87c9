"""Content-Security-Policy and Permissions-Policy on every response, from settings.

The policy is ``VANTHU_CONTENT_SECURITY_POLICY`` (directive → sources) and ``VANTHU_PERMISSIONS_POLICY`` (feature →
allowed origins, empty: nobody). Scripts come only from our own static files (``script-src 'self'``): no inline
``<script>``, no ``on…=`` attributes, no ``eval`` — which is why the UI runs Alpine.js's CSP build. A view that needs
more (a future QR-scanning page asking for the camera) sets its own header; the middleware leaves a header that is
already there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy(directives: Mapping[str, Sequence[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


def permissions_policy(features: Mapping[str, Sequence[str]]) -> str:
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy(getattr(settings, "VANTHU_CONTENT_SECURITY_POLICY", {}))
        self.permissions = permissions_policy(getattr(settings, "VANTHU_PERMISSIONS_POLICY", {}))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response
