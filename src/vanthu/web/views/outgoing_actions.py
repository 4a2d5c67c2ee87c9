"""The POST actions of the outgoing document page. Each parses one small form and calls one service.

Plain POST/redirect/GET; htmx only enhances. A refused action leaves the document unchanged: the services run in
one transaction and ``run_action`` turns their ``ApplicationError`` into a message, a 403 or a 404. A PIN or
passphrase only passes through to the signing service; it is never stored, logged or put back into a form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.core.errors import ApplicationError
from vanthu.core.files import upload_content
from vanthu.documents.outgoing.distribution import outgoing_issue
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.recall import outgoing_recall
from vanthu.documents.outgoing.services import (
    outgoing_cancel,
    outgoing_mark_signed_on_paper,
    outgoing_number,
    outgoing_resubmit,
    outgoing_seal,
    outgoing_sign_personal,
    outgoing_signer_return,
    outgoing_submit,
    outgoing_void,
    review_approve,
    review_return,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.web.forms.actions import ReasonForm
from vanthu.web.forms.outgoing import CommentForm, IssueForm, KeyDeviceForm, RouteForm, ScanForm, VersionForm
from vanthu.web.views.common import error_response, form_errors_text, run_action
from vanthu.web.views.outgoing_common import (
    agency_choices,
    external_choices,
    external_recipients,
    key_device_choices,
    outgoing_or_404,
    reviewer_choices,
    unit_choices,
)


def _detail(pk: int) -> str:
    return reverse("web:outgoing_detail", args=[pk])


def _post(
    request: HttpRequest, document: OutgoingDocument, form: forms.Form,
    call: Callable[[dict[str, Any]], object], success: str,
) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return HttpResponseRedirect(_detail(document.pk))
    return run_action(request, lambda: call(form.cleaned_data), success=success, back_to=_detail(document.pk))


@require_POST
@actor_required
def submit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    outgoing_or_404(actor, pk)
    route = RouteForm(request.POST, reviewers=reviewer_choices(actor))
    if route.route is None:
        messages.error(request, " ".join(route.errors))
        return HttpResponseRedirect(_detail(pk))
    steps = route.route
    return run_action(request, lambda: outgoing_submit(actor=actor, document_id=pk, route=steps),
                      success=_("Đã trình dự thảo theo quy trình xem xét."), back_to=_detail(pk))


@require_POST
@actor_required
def resubmit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Back into review; a new version when a file or template text is given, a new route when one is posted."""
    document = outgoing_or_404(actor, pk)
    route = None
    if any(v.strip() for v in request.POST.getlist("route-reviewer")):
        parsed = RouteForm(request.POST, reviewers=reviewer_choices(actor))
        if parsed.route is None:
            messages.error(request, " ".join(parsed.errors))
            return HttpResponseRedirect(_detail(pk))
        route = parsed.route
    content: dict[str, Any] = {}
    note = ""
    version = VersionForm(request.POST, request.FILES, type_code=document.document_type.code, prefix="version")
    if request.FILES or (request.POST.get("version-body") or "").strip():
        if not version.is_valid():
            messages.error(request, form_errors_text(version))
            return HttpResponseRedirect(_detail(pk))
        content = version.content()
        note = version.cleaned_data["note"]
    else:
        note = (request.POST.get("version-note") or "").strip()
    return run_action(
        request, lambda: outgoing_resubmit(actor=actor, document_id=pk, route=route, note=note, **content),
        success=_("Đã trình lại dự thảo."), back_to=_detail(pk),
    )


@require_POST
@actor_required
def approve_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    return _post(request, document, CommentForm(request.POST, prefix="review"),
                 lambda d: review_approve(actor=actor, document_id=pk, comment=d["comment"]),
                 _("Đã đồng ý dự thảo."))


@require_POST
@actor_required
def return_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    return _post(request, document, CommentForm(request.POST, prefix="review"),
                 lambda d: review_return(actor=actor, document_id=pk, comment=d["comment"]),
                 _("Đã trả lại dự thảo cho người soạn thảo."))


@require_POST
@actor_required
def signer_return_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    return _post(request, document, CommentForm(request.POST, prefix="signer"),
                 lambda d: outgoing_signer_return(actor=actor, document_id=pk, comment=d["comment"]),
                 _("Đã trả lại dự thảo cho người soạn thảo."))


@require_POST
@actor_required
def cancel_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    return _post(request, document, ReasonForm(request.POST, prefix="cancel"),
                 lambda d: outgoing_cancel(actor=actor, document_id=pk, reason=d["reason"]),
                 _("Đã hủy dự thảo."))


@require_POST
@actor_required
def sign_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Ký số cá nhân: the signer's key device and PIN; a wrong PIN comes back as the service's message."""
    document = outgoing_or_404(actor, pk)
    form = KeyDeviceForm(request.POST, devices=key_device_choices(actor, "PERSONAL"), prefix="sign")

    return _post(request, document, form,
                 lambda d: outgoing_sign_personal(actor=actor, document_id=pk, key_device_id=d["key_device"],
                                                  pin=d["pin"]),
                 _("Đã ký số văn bản."))


@require_POST
@actor_required
def sign_on_paper_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    form = ScanForm(request.POST, request.FILES, prefix="paper")
    return _post(request, document, form,
                 lambda d: outgoing_mark_signed_on_paper(actor=actor, document_id=pk, scan=upload_content(d["scan"])),
                 _("Đã lưu bản quét văn bản ký tay."))


@require_POST
@actor_required
def number_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    outgoing_or_404(actor, pk)
    try:
        document = outgoing_number(actor=actor, document_id=pk)
    except ApplicationError as exc:
        return error_response(request, exc, back_to=_detail(pk))
    messages.success(request, _("Đã cấp số văn bản: %(reference)s.") % {"reference": document.reference})
    return HttpResponseRedirect(_detail(pk))


@require_POST
@actor_required
def seal_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Ký số cơ quan: the clerk with the agency's key device and its PIN."""
    document = outgoing_or_404(actor, pk)
    form = KeyDeviceForm(request.POST, devices=key_device_choices(actor, "ORGANISATION"), prefix="seal")

    return _post(request, document, form,
                 lambda d: outgoing_seal(actor=actor, document_id=pk, key_device_id=d["key_device"], pin=d["pin"]),
                 _("Đã ký số cơ quan."))


@require_POST
@actor_required
def issue_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    form = IssueForm(request.POST, units=unit_choices(actor), agencies=agency_choices(actor),
                     external=external_choices(), prefix="issue")

    return _post(request, document, form,
                 lambda d: outgoing_issue(actor=actor, document_id=pk, unit_ids=tuple(d["units"]),
                                          agency_ids=tuple(d["agencies"]), note=d["note"],
                                          external=external_recipients(list(d.get("external") or []))),
                 _("Đã ban hành văn bản."))


@require_POST
@actor_required
def void_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    return _post(request, document, ReasonForm(request.POST, prefix="void"),
                 lambda d: outgoing_void(actor=actor, document_id=pk, reason=d["reason"]),
                 _("Đã hủy số văn bản."))


@require_POST
@actor_required
def recall_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)

    return _post(request, document, ReasonForm(request.POST, prefix="recall"),
                 lambda d: outgoing_recall(actor=actor, document_id=pk, reason=d["reason"]),
                 _("Đã gửi đề nghị thu hồi văn bản tới các nơi nhận."))
