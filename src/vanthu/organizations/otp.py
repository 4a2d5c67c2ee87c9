"""The second factor (TOTP), checked in one place by every entry point: web pages, administration screens, the
REST API, the Django admin and the live-notification WebSocket.

A session is *fully authenticated* when its user has no confirmed TOTP device, or when the session has passed the
TOTP step (django-otp stores the verifying device in the session; ``OTPMiddleware`` exposes it as
``request.user.is_verified()``). A session opened with the password alone by a user who has a device — for
example through a login form other than ``/dang-nhap/`` — is refused everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from django.contrib.admin import AdminSite
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.models import Device

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)

# The answer is cached on the request: several guards may ask during one request, each asking costs a query.
_CACHE_ATTR = "_vanthu_fully_authenticated"


def user_is_fully_authenticated(user: Any) -> bool:
    """An authenticated user who either has no confirmed TOTP device or whose session verified one."""
    if user is None or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    if callable(is_verified) and is_verified():
        return True
    return not user_has_device(user, confirmed=True)


def session_is_fully_authenticated(request: HttpRequest) -> bool:
    """True when the request's session may act as its user (see the module docstring)."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = user_is_fully_authenticated(getattr(request, "user", None))
        setattr(request, _CACHE_ATTR, cached)
    return bool(cached)


def scope_is_fully_authenticated(user: Any, session: Mapping[str, Any] | None) -> bool:
    """The same rule for a Channels scope, where ``OTPMiddleware`` does not run: the device id stored in the
    session must name a confirmed device of this user. Synchronous (queries the database)."""
    if user is None or not user.is_authenticated:
        return False
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if persistent_id:
        device = Device.from_persistent_id(str(persistent_id))
        if device is not None and device.user_id == user.pk and device.confirmed:
            return True
    return not user_has_device(user, confirmed=True)


def refuse_half_authenticated(request: HttpRequest) -> HttpResponseRedirect | None:
    """``None`` when the request may go on; otherwise the redirect to the login page. A password-only session of a
    user with a device is ended first, so that the login page does not send it straight back."""
    if session_is_fully_authenticated(request):
        return None
    if request.user.is_authenticated:
        logout(request)
    return redirect_to_login(request.get_full_path())


def verified_login_required(view: Callable[P, R]) -> Callable[P, HttpResponseBase]:
    """``login_required`` that also demands the second factor from users who have one."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        request = cast(HttpRequest, args[0])
        refused = refuse_half_authenticated(request)
        if refused is not None:
            return refused
        return view(*args, **kwargs)

    return wrapper


class VerifiedAdminSite(AdminSite):
    """The Django admin under the same rule as the rest of the site.

    Its own login form (password only) is never used: anonymous visitors go to ``/dang-nhap/``, which asks for the
    TOTP code when the user has a device. Users without a device keep using the admin as before.
    """

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and session_is_fully_authenticated(request)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.user.is_authenticated and not session_is_fully_authenticated(request):
            logout(request)
        if not request.user.is_authenticated:
            target = request.GET.get("next") or reverse("admin:index", current_app=self.name)
            return cast(HttpResponse, redirect_to_login(target, login_url=reverse("web:login")))
        # Signed in completely but not allowed into the admin: no second login form, a plain refusal.
        raise PermissionDenied
