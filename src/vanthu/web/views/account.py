"""Login (password, then TOTP when the user has a device), logout, TOTP set-up, switching membership."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import devices_for_user
from django_otp import login as otp_login

from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import SESSION_KEY, Actor, memberships_for
from vanthu.organizations.guards import actor_required
from vanthu.organizations.models import User
from vanthu.web.forms.account import LoginForm, TokenForm
from vanthu.web.services import totp_device_confirm, totp_device_confirmed, totp_device_start
from vanthu.web.views.common import form_add_error

PENDING_USER = "web_pending_user_id"
PENDING_BACKEND = "web_pending_backend"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


def _confirmed_devices(user: Any) -> list[Any]:
    return list(devices_for_user(user, confirmed=True))


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return HttpResponseRedirect(_next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"].strip().lower(), password=form.cleaned_data["password"]
        )
        if user is None:
            form.add_error(None, _("Tên đăng nhập hoặc mật khẩu không đúng."))
        elif _confirmed_devices(user):
            # The password is right but the session stays anonymous until the second step passes.
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = getattr(user, "backend", "")
            return redirect(f"{reverse('web:login_otp')}?{urlencode({'next': _next_url(request)})}")
        else:
            login(request, user)
            return HttpResponseRedirect(_next_url(request))
    return render(request, "web/account/login.html", {"form": form, "next": _next_url(request)})


def login_otp_view(request: HttpRequest) -> HttpResponse:
    user_id = request.session.get(PENDING_USER)
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        return redirect("web:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next((d for d in _confirmed_devices(user) if d.verify_token(form.cleaned_data["token"])), None)
        if device is None:
            form.add_error("token", _("Mã xác thực không đúng hoặc đã hết hạn."))
        else:
            backend = request.session.pop(PENDING_BACKEND, "") or None
            request.session.pop(PENDING_USER, None)
            login(request, user, backend=backend)
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
    return render(request, "web/account/login_otp.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("Đã đăng xuất."))
    return redirect("web:login")


@actor_required
def otp_setup_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    confirmed = totp_device_confirmed(actor=actor)
    if confirmed is not None:
        return render(request, "web/account/otp_setup.html", {"confirmed": confirmed})
    device = totp_device_start(actor=actor)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(actor=actor, device_id=device.pk, token=form.cleaned_data["token"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            otp_login(request, device)  # this session has just proved the code
            messages.success(request, _("Đã bật xác thực hai bước."))
            return redirect("web:otp_setup")
    qr = segno.make(device.config_url, micro=False).svg_inline(scale=4, dark="#000", light="#fff")
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(request, "web/account/otp_setup.html", {"form": form, "qr_svg": qr, "secret": secret})


@require_POST
@actor_required
def membership_switch_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    raw = request.POST.get("membership", "")
    user = actor.user
    assert isinstance(user, User)
    chosen = next((m for m in memberships_for(user) if raw.isdigit() and m.pk == int(raw)), None)
    if chosen is None:
        raise Http404(_("Không tìm thấy vai trò."))
    request.session[SESSION_KEY] = chosen.pk
    messages.success(request, _("Đang làm việc với vai trò: %(agency)s") % {"agency": chosen.agency})
    return HttpResponseRedirect(_next_url(request))
