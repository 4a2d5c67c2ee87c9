"""“Chứng thư số của tôi” and “Chứng thư số cơ quan”: key devices, the signature image and the agency seal.

Both pages have the same shape — the certificates with their key devices, a PKCS#12 import, a PKCS#11 token
registration, deactivation — and differ in whose certificates they show (the user's personal ones, or the agency's
organisation ones, managed by its clerk or administrator) and in the image (the blue signature, or the red seal
printed at its real diameter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.blobs import blob_read
from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.organizations.models import Agency
from vanthu.signing.models import CertificateKind, KeyDevice
from vanthu.signing.selectors import key_devices_for, seal_image_for, signature_image_for
from vanthu.signing.services import (
    key_device_deactivate,
    key_device_import_pkcs12,
    key_device_register_pkcs11,
    seal_image_upload,
    signature_image_upload,
)
from vanthu.web.forms.signing import (
    Pkcs11RegisterForm,
    Pkcs12ImportForm,
    SealImageForm,
    SignatureImageForm,
    pkcs11_module_choices,
)
from vanthu.web.views.common import error_response, form_add_error
from vanthu.web.views.signing_common import agency_signing_view


@dataclass(frozen=True)
class DeviceRow:
    device: KeyDevice
    status: str
    status_css: str
    deactivate_url: str


def certificate_status(not_before: datetime, not_after: datetime, now: datetime | None = None) -> tuple[str, str]:
    """The validity of a certificate today, in words and a badge colour."""
    moment = now or timezone.now()
    if moment < not_before:
        return _("Chưa đến hạn"), "warning"
    if moment > not_after:
        return _("Hết hạn"), "danger"
    return _("Còn hiệu lực"), "success"


@dataclass(frozen=True)
class Scope:
    """Which of the two pages: the user's personal certificates or the agency's."""

    for_agency: bool

    @property
    def kind(self) -> str:
        return CertificateKind.ORGANISATION if self.for_agency else CertificateKind.PERSONAL

    @property
    def page(self) -> str:
        return "web:signing_agency" if self.for_agency else "web:signing_mine"

    @property
    def template(self) -> str:
        return "web/signing/agency.html" if self.for_agency else "web/signing/mine.html"

    def url(self, name: str, *args: Any) -> str:
        prefix = "web:signing_agency_" if self.for_agency else "web:signing_mine_"
        return reverse(prefix + name, args=args)


MINE = Scope(for_agency=False)
AGENCY = Scope(for_agency=True)


def _rows(actor: Actor, scope: Scope) -> list[DeviceRow]:
    rows = []
    for device in key_devices_for(actor=actor, kind=scope.kind):
        label, css = certificate_status(device.certificate.not_before, device.certificate.not_after)
        rows.append(DeviceRow(device=device, status=label, status_css=css,
                              deactivate_url=scope.url("deactivate", device.pk)))
    return rows


def _page(request: HttpRequest, actor: Actor, scope: Scope, **bound: forms.Form) -> HttpResponse:
    """The whole page; a form that failed comes in ``bound`` and is shown with its errors."""
    context: dict[str, Any] = {
        "scope": scope,
        "rows": _rows(actor, scope),
        "urls": {name: scope.url(name) for name in ("import", "token", "image", "image_png")},
        "p12_form": bound.get("p12_form") or Pkcs12ImportForm(),
        "p11_form": bound.get("p11_form") or Pkcs11RegisterForm(),
        "p11_available": bool(pkcs11_module_choices()),
    }
    if scope.for_agency:
        context["seal"] = seal_image_for(_agency(actor))
        context["image_form"] = bound.get("image_form") or SealImageForm()
    else:
        context["signature"] = signature_image_for(actor.user)
        context["image_form"] = bound.get("image_form") or SignatureImageForm()
    return render(request, scope.template, context)


def _import_pkcs12(request: HttpRequest, actor: Actor, scope: Scope) -> HttpResponse:
    form = Pkcs12ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            device = key_device_import_pkcs12(
                actor=actor, pkcs12_bytes=form.cleaned_data["file"],
                passphrase=form.cleaned_data["passphrase"].encode("utf-8"),
                label=form.cleaned_data["label"], for_agency=scope.for_agency,
            )
        except ApplicationError as exc:
            if exc.code == "signing.wrong_pin":
                form.add_error("passphrase", _("Mật khẩu của tệp PKCS#12 không đúng."))
            else:
                form_add_error(form, exc)
        else:
            messages.success(request, _("Đã nhập chứng thư số “%(subject)s”.") % {
                "subject": device.certificate.subject})
            return HttpResponseRedirect(reverse(scope.page))
    return _page(request, actor, scope, p12_form=form)


def _register_pkcs11(request: HttpRequest, actor: Actor, scope: Scope) -> HttpResponse:
    form = Pkcs11RegisterForm(request.POST)
    if form.is_valid():
        try:
            device = key_device_register_pkcs11(
                actor=actor, module_path=form.cleaned_data["module_path"],
                token_label=form.cleaned_data["token_label"], key_label=form.cleaned_data["key_label"],
                pin=form.cleaned_data["pin"], for_agency=scope.for_agency,
            )
        except ApplicationError as exc:
            if exc.code == "signing.wrong_pin":
                form.add_error("pin", str(exc.message))
            else:
                form_add_error(form, exc)
        else:
            messages.success(request, _("Đã đăng ký thiết bị ký cho chứng thư số “%(subject)s”.") % {
                "subject": device.certificate.subject})
            return HttpResponseRedirect(reverse(scope.page))
    return _page(request, actor, scope, p11_form=form)


def _deactivate(request: HttpRequest, actor: Actor, scope: Scope, device_id: int) -> HttpResponse:
    # Only the devices this page lists can be stopped from it: someone else's device id is simply not found.
    if not any(row.device.pk == device_id for row in _rows(actor, scope)):
        raise Http404(_("Không tìm thấy thiết bị ký."))
    try:
        key_device_deactivate(actor=actor, device_id=device_id)
    except ApplicationError as exc:
        return error_response(request, exc, back_to=reverse(scope.page))
    messages.success(request, _("Đã ngừng sử dụng thiết bị ký."))
    return HttpResponseRedirect(reverse(scope.page))


def _agency(actor: Actor) -> Agency:
    """The acting agency; ``agency_signing_view`` lets no one without one through."""
    if actor.agency is None:
        raise Http404
    return actor.agency


def _png(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# “Chứng thư số của tôi”


@require_GET
@actor_required
def mine_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _page(request, actor, MINE)


@require_POST
@actor_required
def mine_import_pkcs12_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _import_pkcs12(request, actor, MINE)


@require_POST
@actor_required
def mine_register_pkcs11_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _register_pkcs11(request, actor, MINE)


@require_POST
@actor_required
def mine_deactivate_view(request: HttpRequest, actor: Actor, device_id: int) -> HttpResponse:
    return _deactivate(request, actor, MINE, device_id)


@require_POST
@actor_required
def mine_image_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SignatureImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            signature_image_upload(actor=actor, png=form.cleaned_data["image"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Đã cập nhật ảnh chữ ký."))
            return HttpResponseRedirect(reverse(MINE.page))
    return _page(request, actor, MINE, image_form=form)


@require_GET
@actor_required
def mine_image_png_view(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    image = signature_image_for(actor.user)
    if image is None:
        raise Http404(_("Chưa có ảnh chữ ký."))
    return _png(blob_read(image.image))


# “Chứng thư số cơ quan” (văn thư, quản trị cơ quan)


@require_GET
@agency_signing_view
def agency_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _page(request, actor, AGENCY)


@require_POST
@agency_signing_view
def agency_import_pkcs12_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _import_pkcs12(request, actor, AGENCY)


@require_POST
@agency_signing_view
def agency_register_pkcs11_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _register_pkcs11(request, actor, AGENCY)


@require_POST
@agency_signing_view
def agency_deactivate_view(request: HttpRequest, actor: Actor, device_id: int) -> HttpResponse:
    return _deactivate(request, actor, AGENCY, device_id)


@require_POST
@agency_signing_view
def agency_image_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SealImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            seal_image_upload(actor=actor, png=form.cleaned_data["image"], diameter_mm=form.cleaned_data["diameter_mm"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Đã cập nhật ảnh con dấu."))
            return HttpResponseRedirect(reverse(AGENCY.page))
    return _page(request, actor, AGENCY, image_form=form)


@require_GET
@agency_signing_view
def agency_image_png_view(request: HttpRequest, actor: Actor) -> HttpResponseBase:
    seal = seal_image_for(_agency(actor))
    if seal is None:
        raise Http404(_("Chưa có ảnh con dấu."))
    return _png(blob_read(seal.image))
