"""Batch agency signing (ký số cơ quan hàng loạt): pick the numbered documents, start one job, watch its progress.

The job runs in the worker; its page polls a small progress fragment with htmx every second until it is over.
Without JavaScript the page has a refresh link and shows the same numbers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, NotFoundError
from vanthu.core.http.errors import forbidden
from vanthu.documents.enums import Channel
from vanthu.documents.outgoing.enums import OutgoingState
from vanthu.documents.outgoing.models import OutgoingDocument
from vanthu.documents.outgoing.selectors import outgoing_list_for_user
from vanthu.documents.outgoing.services import outgoing_seal_batch_start, signing_job_get
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.signing.models import SigningJob, SigningJobState
from vanthu.web.forms.outgoing import BatchSealForm
from vanthu.web.views.common import error_response, form_add_error
from vanthu.web.views.outgoing_common import key_device_choices

BATCH_LIMIT = 500
FINISHED = (SigningJobState.DONE, SigningJobState.FAILED)


def _numbered(actor: Actor) -> list[OutgoingDocument]:
    """Numbered, electronic documents of the actor's agency, oldest number first (the order they were issued)."""
    rows = outgoing_list_for_user(actor=actor, state=OutgoingState.NUMBERED).filter(
        agency_id=actor.agency_id or 0, channel=Channel.ELECTRONIC, confidentiality=0
    )
    return list(rows.order_by("numbered_at", "id")[:BATCH_LIMIT])


@actor_required
def batch_seal_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not actor.is_clerk:
        return forbidden(request, _("Chỉ văn thư được ký số cơ quan."))
    documents = _numbered(actor)
    form = BatchSealForm(
        request.POST or None, documents=[(d.pk, d.reference) for d in documents],
        devices=key_device_choices(actor, "ORGANISATION"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            job = outgoing_seal_batch_start(actor=actor, document_ids=list(form.cleaned_data["documents"]),
                                            key_device_id=form.cleaned_data["key_device"],
                                            pin=form.cleaned_data["pin"])
        except ApplicationError as exc:
            if isinstance(exc, NotFoundError):
                raise Http404(str(exc.message)) from exc
            form_add_error(form, exc)
        else:
            messages.success(request, _("Đã bắt đầu ký số cơ quan %(n)d văn bản.") % {"n": job.total})
            return redirect("web:outgoing_batch_job", job_id=job.pk)
    selected = {int(v) for v in form["documents"].value() or [] if str(v).isdigit()}
    return render(request, "web/outgoing/batch_seal.html",
                  {"form": form, "documents": documents, "selected": selected})


def _job(actor: Actor, job_id: int) -> SigningJob:
    try:
        job: SigningJob = signing_job_get(actor=actor, job_id=job_id)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    return job


def _job_context(job: SigningJob) -> dict[str, Any]:
    processed = job.done + job.failed
    percent = int(100 * processed / job.total) if job.total else 100
    ids = [int(i) for i in job.document_ids]
    failed_ids = {int(e.get("document_id") or 0) for e in job.errors}
    finished = job.state in FINISHED
    documents = OutgoingDocument.objects.filter(pk__in=ids, agency_id=job.agency_id).order_by("numbered_at", "id")
    return {
        "job": job, "percent": percent, "processed": processed, "finished": finished,
        "signed": [d for d in documents if d.pk not in failed_ids] if finished else [],
    }


@actor_required
def batch_job_view(request: HttpRequest, actor: Actor, job_id: int) -> HttpResponse:
    try:
        job = _job(actor, job_id)
    except ApplicationError as exc:
        return error_response(request, exc, back_to=request.path)
    template = "web/outgoing/_job_progress.html" if request.headers.get("HX-Request") else "web/outgoing/job.html"
    return render(request, template, _job_context(job))
