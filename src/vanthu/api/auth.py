"""API authentication: a bearer token (scripts, other systems) or the browser's session with CSRF.

Both resolve to an :class:`Actor`, stored as ``request.actor`` like the web UI's middleware does.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from vanthu.api.errors import UnauthenticatedError
from vanthu.api.models import ApiToken
from vanthu.api.services import TOKEN_PREFIX, token_hash
from vanthu.core.errors import PermissionDeniedError
from vanthu.organizations.actor import Actor, actor_from_request
from vanthu.organizations.models import Role
from vanthu.organizations.otp import session_is_fully_authenticated

# Writing last_used_at on every call would turn each read into a write; once a minute is precise enough.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _refuse(code: str, message: str) -> UnauthenticatedError:
    return UnauthenticatedError(code, message)


def actor_for_token(plain: str) -> Actor:
    """The actor a bearer token acts as, or a 401 error saying why the token is refused."""
    if not plain.startswith(TOKEN_PREFIX):
        raise _refuse("token_invalid", _("Token không hợp lệ."))
    token = (
        ApiToken.objects.filter(key_hash=token_hash(plain))
        .select_related("user", "membership__agency", "membership__unit", "membership__position")
        .prefetch_related(Prefetch("membership__roles", queryset=Role.objects.all()))
        .first()
    )
    if token is None:
        raise _refuse("token_invalid", _("Token không hợp lệ."))
    now = timezone.now()
    if token.is_revoked:
        raise _refuse("token_revoked", _("Token đã bị thu hồi."))
    if token.is_expired(now):
        raise _refuse("token_expired", _("Token đã hết hạn."))
    membership = token.membership
    if not (token.user.is_active and membership.is_active and membership.agency.is_active):
        raise _refuse("token_inactive", _("Tài khoản hoặc vị trí công tác gắn với token đã ngừng hoạt động."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return Actor(user=token.user, membership=membership)


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        actor = actor_for_token(token.strip())
        request.actor = actor  # type: ignore[attr-defined]
        request.user = actor.user
        return actor


class SessionActorAuth(APIKeyCookie):
    """The logged-in browser session. CSRF is checked only when a session cookie is actually sent, so a
    request without any credentials gets 401 rather than a CSRF refusal."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key and request.user.is_authenticated and check_csrf(request) is not None:
            raise PermissionDeniedError("csrf_failed", _("Thiếu hoặc sai mã CSRF; hãy tải lại trang."))
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if not key or not request.user.is_authenticated:
            return None
        if not session_is_fully_authenticated(request):
            return None  # password-only session of a user with a TOTP device: 401 like no session at all
        actor = actor_from_request(request)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


API_AUTH = [BearerTokenAuth(), SessionActorAuth()]


def request_actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise _refuse("unauthenticated", _("Chưa đăng nhập."))
    return actor
