"""Drafting screens: a new draft (PDF, DOCX/ODT or built-in template), a new version, attachments.

A draft and its attachments are created in one transaction, so a refused attachment leaves nothing behind.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.core.errors import ApplicationError
from vanthu.core.files import UploadedContent, upload_content
from vanthu.core.http.errors import forbidden
from vanthu.documents.convert import office_to_pdf
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.permissions import DRAFTER_ROLES
from vanthu.documents.outgoing.recall import outgoing_replace
from vanthu.documents.outgoing.services import (
    outgoing_attachment_add,
    outgoing_attachment_remove,
    outgoing_create,
    outgoing_new_version,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.web.forms.outgoing import AttachmentForm, OutgoingCreateForm, VersionForm
from vanthu.web.views.common import form_add_error, form_errors_text, run_action
from vanthu.web.views.outgoing_common import (
    agency_choices,
    cosigner_choices,
    outgoing_actions,
    outgoing_or_404,
    signer_choices,
)

# Names the drafting services use in ApplicationError.extra["fields"], mapped to the form's fields.
FIELD_NAMES = {"document_type_id": "document_type", "signer_id": "signer", "recipient_ids": "recipients"}


def _field_name(form: OutgoingCreateForm | VersionForm, name: str) -> str:
    """The form field a service error is about; ``cosigner_<n>`` counts the chosen co-signers, not the slots."""
    slots = getattr(form, "cosigner_slots", [])
    prefix, _sep, index = name.rpartition("_")
    if prefix == "cosigner" and index.isdigit() and 0 < int(index) <= len(slots):
        return f"cosigner_{slots[int(index) - 1]}"
    return FIELD_NAMES.get(name, name)


def _add_error(form: OutgoingCreateForm | VersionForm, exc: ApplicationError) -> None:
    fields = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
    if isinstance(fields, dict):
        renamed = {_field_name(form, name): text for name, text in fields.items()}
        exc = ApplicationError(exc.code, exc.message, {**exc.extra, "fields": renamed})
    form_add_error(form, exc)


def _initial_from(document: OutgoingDocument) -> dict[str, Any]:
    """A replacement starts from the document it replaces (ND30 Điều 18)."""
    return {
        "document_type": document.document_type_id, "subject": document.subject, "summary": document.summary,
        "priority": document.priority, "confidentiality": document.confidentiality, "signer": document.signer_id,
        "signing_capacity": document.signing_capacity, "signer_title": document.signer_title,
        "recipients": list(document.recipients.values_list("pk", flat=True)), "to_places": document.to_places,
        "is_internal": document.is_internal,
        **{key: value for cosigner in document.cosigners.order_by("order") for key, value in (
            (f"cosigner_{cosigner.order}", f"{cosigner.agency_id}:{cosigner.user_id}"),
            (f"cosigner_{cosigner.order}_capacity", cosigner.signing_capacity),
            (f"cosigner_{cosigner.order}_title", cosigner.signer_title))},
    }


def _attachments_add(actor: Actor, document_id: int, form: OutgoingCreateForm) -> None:
    uploads = form.attachment_uploads()
    if not uploads:
        return
    for upload in uploads:
        outgoing_attachment_add(actor=actor, document_id=document_id, upload=upload)


def _converted_first(content: dict[str, Any]) -> dict[str, Any]:
    """A DOCX/ODT-only draft converted to PDF before our transaction opens: LibreOffice takes seconds and must not
    run while the transaction holds the database (the service would convert it the same way, inside it)."""
    source: UploadedContent | None = content["source"]
    if source is None or content["upload"] is not None or content["template"] is not None:
        return content
    pdf = office_to_pdf(content=source.content, filename=source.filename)
    return {**content, "upload": UploadedContent(f"{PurePath(source.filename).stem or 'du-thao'}.pdf", pdf)}


def _create(actor: Actor, form: OutgoingCreateForm, replaces: OutgoingDocument | None) -> OutgoingDocument:
    """The draft, its attachments and the link to the document it replaces, all or nothing."""
    content = _converted_first(form.content())
    with transaction.atomic():
        document = outgoing_create(actor=actor, data=form.to_input(), note=form.cleaned_data["note"], **content)
        if replaces is not None:
            outgoing_replace(actor=actor, old_document_id=replaces.pk, new_document_id=document.pk)
        _attachments_add(actor, document.pk, form)
    return document


@actor_required
def outgoing_create_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    if actor.agency is None or not actor.has_role(*DRAFTER_ROLES):
        return forbidden(request, _("Bạn không có quyền soạn thảo văn bản đi."))
    replaces = None
    replaces_id = request.GET.get("thay-the") or request.POST.get("replaces")
    if replaces_id and replaces_id.isdigit():
        replaces = outgoing_or_404(actor, int(replaces_id))
    initial = _initial_from(replaces) if replaces is not None else {}
    form = OutgoingCreateForm(request.POST or None, request.FILES or None, initial=initial,
                              signers=signer_choices(actor), agencies=agency_choices(actor),
                              cosigners=cosigner_choices(actor))
    if request.method == "POST" and form.is_valid():
        try:
            document = _create(actor, form, replaces)
        except ApplicationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã tạo dự thảo văn bản đi."))
            return redirect("web:outgoing_detail", pk=document.pk)
    return render(request, "web/outgoing/form.html", {"form": form, "replaces": replaces})


@actor_required
def outgoing_version_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """A new version of the draft: the drafter, while drafting or after it was sent back."""
    document = outgoing_or_404(actor, pk)
    if not outgoing_actions(actor=actor, document=document, open_steps=[]).new_version:
        return forbidden(request, _("Chỉ người soạn thảo được cập nhật dự thảo khi đang soạn hoặc được trả lại."))
    form = VersionForm(request.POST or None, request.FILES or None, type_code=document.document_type.code,
                       prefix="version")
    if request.method == "POST" and form.is_valid():
        try:
            version = outgoing_new_version(actor=actor, document_id=document.pk, note=form.cleaned_data["note"],
                                           **form.content())
        except ApplicationError as exc:
            _add_error(form, exc)
        else:
            messages.success(request, _("Đã lưu phiên bản %(n)d của dự thảo.") % {"n": version.number})
            return redirect("web:outgoing_detail", pk=document.pk)
    return render(request, "web/outgoing/version_form.html", {"form": form, "document": document})


@require_POST
@actor_required
def outgoing_attachment_add_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    back = reverse("web:outgoing_detail", args=[document.pk])
    form = AttachmentForm(request.POST, request.FILES, prefix="attachment")
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(back)
    def add_all() -> None:
        with transaction.atomic():
            for file in form.cleaned_data["uploads"]:
                outgoing_attachment_add(actor=actor, document_id=document.pk, upload=upload_content(file))

    return run_action(request, add_all, success=_("Đã thêm phụ lục, tệp đính kèm."), back_to=back)


@require_POST
@actor_required
def outgoing_attachment_remove_view(request: HttpRequest, actor: Actor, pk: int, attachment_id: int) -> HttpResponse:
    document = outgoing_or_404(actor, pk)
    return run_action(
        request, lambda: outgoing_attachment_remove(actor=actor, document_id=document.pk, attachment_id=attachment_id),
        success=_("Đã gỡ tệp đính kèm."), back_to=reverse("web:outgoing_detail", args=[document.pk]),
    )
