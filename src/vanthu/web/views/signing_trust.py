"""“CA gốc tin cậy”: the trust store of signature validation, kept by the system administrator.

Validation trusts only the roots listed here (plus the files named in the settings), never the operating system's
list: the Vietnamese root CAs an administrator imports, and the demo CA in demo mode.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor
from vanthu.signing.selectors import trust_roots_list
from vanthu.signing.services import trust_root_import, trust_root_set_active
from vanthu.web.forms.signing import TrustRootImportForm
from vanthu.web.views.common import error_response, form_add_error
from vanthu.web.views.signing_common import sysadmin_view


def _page(request: HttpRequest, form: TrustRootImportForm | None = None) -> HttpResponse:
    return render(request, "web/signing/trust_roots.html", {
        "roots": list(trust_roots_list()), "form": form or TrustRootImportForm(), "now": timezone.now()})


@require_GET
@sysadmin_view
def trust_roots_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _page(request)


@require_POST
@sysadmin_view
def trust_root_import_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = TrustRootImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            imported = trust_root_import(actor=actor, data=form.cleaned_data["data"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            count = len(imported) if isinstance(imported, list | tuple) else 1
            messages.success(request, ngettext("Đã nhập %(count)d CA gốc tin cậy.", "Đã nhập %(count)d CA gốc tin cậy.",
                                               count) % {"count": count})
            return HttpResponseRedirect(reverse("web:signing_trust_roots"))
    return _page(request, form)


@require_POST
@sysadmin_view
def trust_root_toggle_view(request: HttpRequest, actor: Actor, root_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    back = reverse("web:signing_trust_roots")
    try:
        root = trust_root_set_active(actor=actor, root_id=root_id, active=active)
    except ApplicationError as exc:
        return error_response(request, exc, back_to=back)
    text = _("Đã bật “%(subject)s”.") if active else _("Đã tắt “%(subject)s”: chữ ký chỉ tin cậy CA này sẽ là "
                                                         "“chưa xác định”.")
    messages.success(request, text % {"subject": getattr(root, "subject", "")})
    return HttpResponseRedirect(back)
