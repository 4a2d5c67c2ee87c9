"""“Kiểm tra chữ ký số”: validate any PDF a user uploads, and show the stored check of a document's file.

An uploaded PDF is validated in memory and never stored: only the report (and the file's name, size and SHA-256)
stays in the user's session, under a random token, so that the page and its JSON/PDF/text downloads can be fetched
after the POST/redirect/GET. A new check replaces the previous one.

The report of a stored file (``web:signature_report``) is the ``PdfCheck`` of a blob the actor may see: the blob
must be a file of an incoming document or a version/attachment of an outgoing document visible to the actor,
through the same visibility rules as the document pages; anything else is 404.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from vanthu.core.errors import ApplicationError
from vanthu.core.models import Blob
from vanthu.core.text import ascii_slug
from vanthu.documents.models import DocumentFile
from vanthu.documents.outgoing.models import DraftVersion, OutgoingAttachment
from vanthu.documents.outgoing.selectors import outgoing_list_for_user
from vanthu.documents.selectors import incoming_queryset_for_user
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.signing.config import signing_validation_context
from vanthu.signing.models import PdfCheck
from vanthu.signing.services import pdf_check
from vanthu.signing.validation import pdf_validate, report_as_dict, report_as_text
from vanthu.signing.validation.export import report_as_pdf
from vanthu.signing.validation.report import ValidationReport
from vanthu.web.forms.signing import PdfCheckForm
from vanthu.web.views.signing_common import report_from_dict, report_view

SESSION_KEY = "vanthu_signature_check"
FORMATS = ("json", "pdf", "txt")
FORMAT_LABELS = (("pdf", "PDF"), ("json", "JSON"), ("txt", "TXT"))


def _refuse_encrypted(data: bytes) -> None:
    try:
        encrypted = PdfFileReader(io.BytesIO(data), strict=False).encrypted
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return  # pdf_validate gives the one "cannot read" message
    if encrypted:
        raise ApplicationError(
            "file_encrypted", _("Tệp PDF được đặt mật khẩu (mã hóa): không kiểm tra được chữ ký. "
                                "Hãy dùng bản không đặt mật khẩu."))


def pdf_bytes_validate(data: bytes) -> ValidationReport:
    """Validate an upload against the configured trust store; unreadable or encrypted files raise."""
    if not data.lstrip()[:5] == b"%PDF-":
        raise ApplicationError("pdf_unreadable", _("Tệp không phải PDF."))
    _refuse_encrypted(data)
    return pdf_validate(pdf=data, validation_context=signing_validation_context())


def _download(body: bytes | str, *, fmt: str, stem: str) -> HttpResponse:
    content_type = {"json": "application/json", "pdf": "application/pdf", "txt": "text/plain; charset=utf-8"}[fmt]
    response = HttpResponse(body, content_type=content_type)
    name = f"bao-cao-chu-ky-{ascii_slug(stem)[:60].strip('-') or 'tep'}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _export(data: dict[str, Any], *, fmt: str, file_info: dict[str, Any]) -> HttpResponse:
    stem = str(file_info.get("name") or "").rsplit(".", 1)[0]
    if fmt == "json":
        body = json.dumps({"file": file_info, **data}, ensure_ascii=False, indent=2)
        return _download(body, fmt=fmt, stem=stem)
    report = report_from_dict(data)
    if fmt == "pdf":
        pdf = report_as_pdf(report, file_name=str(file_info.get("name") or ""),
                            file_sha256=str(file_info.get("sha256") or ""))
        return _download(pdf, fmt=fmt, stem=stem)
    header = "".join(f"{label}: {file_info[key]}\n" for key, label in
                     (("name", _("Tệp")), ("sha256", _("Mã băm SHA-256 của tệp"))) if file_info.get(key))
    return _download(header + report_as_text(report), fmt=fmt, stem=stem)


# Checking an uploaded PDF


@require_http_methods(["GET", "POST"])
@actor_required
def check_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = PdfCheckForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        filename, data = form.cleaned_data["file"]
        try:
            report = pdf_bytes_validate(data)
        except ApplicationError as exc:
            form.add_error("file", str(exc.message))
        else:
            token = secrets.token_urlsafe(12)
            request.session[SESSION_KEY] = {
                "token": token, "report": report_as_dict(report),
                "file": {"name": filename, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()},
            }
            return HttpResponseRedirect(f"{reverse('web:signing_check')}?{urlencode({'ket-qua': token})}")
    context: dict[str, Any] = {"form": form}
    if request.method == "GET":
        stored = _stored_check(request, request.GET.get("ket-qua", ""))
        if stored is not None:
            context.update({
                "view": report_view(report_from_dict(stored["report"])), "file": stored["file"],
                "downloads": [(label, reverse("web:signing_check_export", args=[stored["token"], fmt]))
                              for fmt, label in FORMAT_LABELS],
            })
    return render(request, "web/signing/check.html", context)


def _stored_check(request: HttpRequest, token: str) -> dict[str, Any] | None:
    stored = request.session.get(SESSION_KEY)
    if not token or not isinstance(stored, dict) or not secrets.compare_digest(str(stored.get("token")), token):
        return None
    return stored


@require_GET
@actor_required
def check_export_view(request: HttpRequest, actor: Actor, token: str, fmt: str) -> HttpResponse:
    stored = _stored_check(request, token)
    if stored is None or fmt not in FORMATS:
        raise Http404(_("Kết quả kiểm tra không còn: hãy kiểm tra lại tệp."))
    return _export(stored["report"], fmt=fmt, file_info=stored["file"])


# The stored check of a document's file


@dataclass(frozen=True)
class BlobSource:
    """A blob the actor may see, with the name and the page of the document it belongs to."""

    blob: Blob
    filename: str
    document_label: str
    document_url: str


def _outgoing_url(document_id: int) -> str:
    try:
        return reverse("web:outgoing_detail", args=[document_id])
    except NoReverseMatch:  # the outgoing pages are optional for this page
        return ""


def blob_source_for(*, actor: Actor, blob_id: int) -> BlobSource:
    """The blob if it is a file of a document the actor may see; the same 404 for "missing" and "not yours"."""
    incoming = incoming_queryset_for_user(actor=actor).values("pk")
    outgoing = outgoing_list_for_user(actor=actor).values("pk")
    file = (DocumentFile.objects.filter(blob_id=blob_id, incoming_id__in=incoming)
            .select_related("blob", "incoming").order_by("id").first())
    if file is not None:
        return BlobSource(blob=file.blob, filename=file.filename, document_label=str(file.incoming.subject),
                          document_url=reverse("web:incoming_detail", args=[file.incoming_id]))
    version = (DraftVersion.objects.filter(pdf_id=blob_id, document_id__in=outgoing)
               .select_related("pdf", "document").order_by("id").first())
    if version is not None:
        return BlobSource(blob=version.pdf, filename=version.filename,
                          document_label=str(version.document.subject), document_url=_outgoing_url(version.document_id))
    attachment = (OutgoingAttachment.objects.filter(Q(original_id=blob_id) | Q(stamped_id=blob_id),
                                                    document_id__in=outgoing)
                  .select_related("document").order_by("id").first())
    if attachment is not None:
        return BlobSource(blob=Blob.objects.get(pk=blob_id), filename=attachment.filename,
                          document_label=str(attachment.document.subject),
                          document_url=_outgoing_url(attachment.document_id))
    raise Http404(_("Không tìm thấy tệp."))


def _check_or_error(source: BlobSource, *, refresh: bool = False) -> tuple[PdfCheck | None, str]:
    try:
        return pdf_check(blob=source.blob, refresh=refresh), ""
    except ApplicationError as exc:
        return None, str(exc.message)


@require_GET
@actor_required
def signature_report_view(request: HttpRequest, actor: Actor, blob_id: int) -> HttpResponse:
    source = blob_source_for(actor=actor, blob_id=blob_id)
    check, error = _check_or_error(source)
    context: dict[str, Any] = {"source": source, "check": check, "error": error}
    if check is not None:
        context["view"] = report_view(report_from_dict(check.report))
        context["downloads"] = [(label, reverse("web:signature_report_export", args=[blob_id, fmt]))
                                for fmt, label in FORMAT_LABELS]
    return render(request, "web/signing/report.html", context)


@require_POST
@actor_required
def signature_report_refresh_view(request: HttpRequest, actor: Actor, blob_id: int) -> HttpResponse:
    source = blob_source_for(actor=actor, blob_id=blob_id)
    check, error = _check_or_error(source, refresh=True)
    if check is None:
        messages.error(request, error)
    else:
        messages.success(request, _("Đã kiểm tra lại chữ ký số: %(verdict)s.") % {
            "verdict": report_view(report_from_dict(check.report)).verdict})
    return HttpResponseRedirect(reverse("web:signature_report", args=[blob_id]))


@require_GET
@actor_required
def signature_report_export_view(request: HttpRequest, actor: Actor, blob_id: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    source = blob_source_for(actor=actor, blob_id=blob_id)
    check, error = _check_or_error(source)
    if check is None:
        raise Http404(error)
    return _export(check.report, fmt=fmt, file_info={"name": source.filename, "sha256": source.blob.sha256,
                                                     "size": source.blob.size})
