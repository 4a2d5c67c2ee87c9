"""HTML and JSON views of the bell, the list and the settings page. Thin: selectors in, services out."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vanthu.core.errors import NotFoundError
from vanthu.notifications.selectors import (
    notification_list_for_user,
    notification_preferences_for_user,
    notification_unread_count,
)
from vanthu.notifications.services import (
    Channels,
    notification_mark_all_read,
    notification_mark_read,
    notification_preferences_update,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.otp import verified_login_required

PAGE_SIZE = 20


def _actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is None:  # login_required ran first; a user without an actor is a broken session
        raise Http404
    return actor  # type: ignore[no-any-return]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(reverse("web:notifications:list"))


@verified_login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    page = Paginator(notification_list_for_user(actor=actor), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "notifications/list.html", {
        "page": page, "unread": notification_unread_count(actor=actor),
    })


@verified_login_required
@require_GET
def unread_count(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"unread": notification_unread_count(actor=_actor(request))})


@verified_login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        notification_mark_read(actor=actor, notification_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    if _wants_json(request):
        return JsonResponse({"unread": notification_unread_count(actor=actor)})
    return _back(request)


@verified_login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    count = notification_mark_all_read(actor=actor)
    if _wants_json(request):
        return JsonResponse({"unread": 0, "marked": count})
    messages.success(request, _("Đã đánh dấu %(n)d thông báo là đã đọc.") % {"n": count})
    return _back(request)


@verified_login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    choices = notification_preferences_for_user(actor=actor)
    if request.method == "POST":
        notification_preferences_update(actor=actor, choices={
            c.kind: Channels(in_app=f"in_app_{c.kind}" in request.POST, email=f"email_{c.kind}" in request.POST)
            for c in choices
        })
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("web:notifications:settings")
    return render(request, "notifications/settings.html", {
        "choices": choices, "has_email": bool(actor.user.email),
    })
