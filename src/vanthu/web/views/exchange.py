"""Liên thông văn bản screens: the exchange monitor with its counters and package log, one package (raw .edxml
download, resend), and the directory of agencies on the hub."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError, NotFoundError
from vanthu.core.http.errors import forbidden
from vanthu.core.paging import capped_page
from vanthu.exchange.client import hub_configured
from vanthu.exchange.enums import Direction, MessageType, PackageState
from vanthu.exchange.selectors import (
    exchange_may_monitor,
    exchange_monitor_for_user,
    exchange_package_get_for_user,
    exchange_packages_for_user,
    external_agencies_list,
)
from vanthu.exchange.services import exchange_directory_refresh, exchange_package_resend
from vanthu.exchange.warnings import warnings_display
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required

PAGE_SIZE = 30
STATE_CLASSES = {
    PackageState.QUEUED: "secondary", PackageState.SENT: "success", PackageState.FAILED: "danger",
    PackageState.CANCELLED: "dark", PackageState.PROCESSED: "success", PackageState.IGNORED: "warning",
    PackageState.QUARANTINED: "danger",
}


def _choice(value: str | None, allowed: list[str]) -> str:
    return value if value in allowed else ""


@actor_required
def monitor_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not exchange_may_monitor(actor):
        return forbidden(request, _("Chỉ văn thư, lãnh đạo và quản trị của cơ quan xem được liên thông văn bản."))
    filters = {
        "direction": _choice(request.GET.get("direction"), list(Direction.values)),
        "state": _choice(request.GET.get("state"), list(PackageState.values)),
        "message_type": _choice(request.GET.get("message_type"), list(MessageType.values)),
    }
    page = capped_page(exchange_packages_for_user(actor=actor, **filters), PAGE_SIZE, request.GET.get("page"))
    rows = list(page.object_list)
    for package in rows:
        package.state_css = STATE_CLASSES.get(package.state, "secondary")
    page.object_list = rows
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "web/exchange/monitor.html", {
        "counters": exchange_monitor_for_user(actor=actor), "page": page, "filters": filters,
        "query_string": query.urlencode(), "directions": Direction.choices, "states": PackageState.choices,
        "message_types": MessageType.choices, "connected": hub_configured(),
    })


def _package(actor: Actor, pk: int):  # type: ignore[no-untyped-def]
    try:
        return exchange_package_get_for_user(actor=actor, package_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc


@actor_required
def package_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    package = _package(actor, pk)
    package.state_css = STATE_CLASSES.get(package.state, "secondary")
    return render(request, "web/exchange/package.html", {
        "package": package, "receipts": package.receipts.select_related("agency", "incoming").order_by("id"),
        "package_warnings": warnings_display(package.warnings),
        "may_resend": package.state == PackageState.FAILED and package.direction == Direction.OUT
        and (actor.is_sysadmin or (actor.agency_id == package.agency_id and actor.is_clerk)),
    })


@actor_required
def package_download_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    package = _package(actor, pk)
    if package.blob is None:
        raise Http404(_("Gói tin không có nội dung."))
    response = HttpResponse(blob_read(package.blob), content_type="application/xml")
    name = package.hub_doc_id or f"goi-tin-{package.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.edxml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@actor_required
def package_resend_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    _package(actor, pk)
    try:
        exchange_package_resend(actor=actor, package_id=pk)
        messages.success(request, _("Đã đưa gói tin vào hàng đợi gửi lại."))
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("web:exchange_package", args=[pk]))


@actor_required
def directory_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    if actor.membership is None and not actor.is_sysadmin:
        return forbidden(request, _("Bạn không có quyền xem danh bạ liên thông."))
    query = request.GET.get("q", "")[:100]
    page = capped_page(external_agencies_list(query=query), 50, request.GET.get("page"))
    return render(request, "web/exchange/directory.html", {"page": page, "q": query, "connected": hub_configured()})


@require_POST
@actor_required
def directory_sync_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not actor.is_sysadmin:
        return forbidden(request, _("Chỉ quản trị hệ thống được cập nhật danh bạ liên thông."))
    try:
        result = exchange_directory_refresh(actor=actor)
        messages.success(request, ngettext("Đã cập nhật danh bạ: %(total)d cơ quan, thêm mới %(added)d.",
                                           "Đã cập nhật danh bạ: %(total)d cơ quan, thêm mới %(added)d.",
                                           result.total) % {"total": result.total, "added": result.added})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("web:exchange_directory"))
