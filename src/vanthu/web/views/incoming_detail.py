"""The document page, file download and the handling slip (phiếu giải quyết văn bản đến)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from vanthu.core.blobs import blob_open
from vanthu.documents.enums import FileRole
from vanthu.documents.models import DocumentFile, IncomingDocument
from vanthu.documents.timeline import event_label, incoming_timeline
from vanthu.exchange.warnings import warnings_display
from vanthu.organizations.actor import Actor
from vanthu.organizations.guards import actor_required
from vanthu.web.forms.actions import (
    CompleteForm,
    DelegateForm,
    DirectForm,
    InstructionForm,
    NoteForm,
    PresentForm,
    ReasonForm,
    RegisterForm,
    ShareForm,
)
from vanthu.web.selectors import document_actions, document_handling, people_choices
from vanthu.web.views.common import document_or_404


def _files(document: IncomingDocument) -> list[DocumentFile]:
    return list(DocumentFile.objects.filter(incoming=document).order_by("role", "id"))


@actor_required
def incoming_detail_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    handling = document_handling(actor=actor, document=document)
    actions = document_actions(actor=actor, document=document, assignments=handling.assignments)
    files = _files(document)
    timeline = [(event, event_label(event.event_type)) for event in incoming_timeline(document=document)]
    context: dict[str, Any] = {
        "document": document, "handling": handling, "actions": actions, "files": files,
        "main_pdf": next((f for f in files if f.role == FileRole.MAIN and f.is_pdf), None),
        "timeline": timeline, "exchange_warnings": warnings_display(document.exchange_warnings),
    }
    if actions.any:
        people = people_choices(actor=actor, document=document)
        context.update({
            "register_form": RegisterForm(registers=people.registers),
            "return_form": ReasonForm(prefix="return"),
            "present_form": PresentForm(leaders=people.leaders),
            "direct_form": DirectForm(handlers=people.handlers),
            "close_form": InstructionForm(prefix="close"),
            "reopen_form": ReasonForm(prefix="reopen"),
            "share_form": ShareForm(people=people.people),
            "assignment_forms": [
                {
                    "assignment": a,
                    "delegate": DelegateForm(prefix=f"a{a.pk}", specialists=people.specialists.get(a.unit_id or 0, []))
                    if a.unit_id is not None and actor.is_unit_leader else None,
                    "note": NoteForm(prefix=f"a{a.pk}"),
                    "complete": CompleteForm(prefix=f"a{a.pk}"),
                }
                for a in actions.my_assignments
            ],
        })
    return render(request, "web/incoming/detail.html", context)


@actor_required
def incoming_file_view(request: HttpRequest, actor: Actor, pk: int, file_id: int) -> HttpResponseBase:
    """Send a file of a visible document. ``?inline=1`` lets the PDF viewer read it in the page."""
    document = document_or_404(actor, pk)
    file = DocumentFile.objects.filter(pk=file_id, incoming=document).select_related("blob").first()
    if file is None:
        raise Http404
    response = FileResponse(
        blob_open(file.blob), content_type=file.content_type, as_attachment=request.GET.get("inline") != "1",
        filename=file.filename,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@actor_required
def incoming_slip_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Phiếu giải quyết văn bản đến: the leader's direction, the unit's assignment, the handler's result."""
    document = document_or_404(actor, pk)
    handling = document_handling(actor=actor, document=document)
    return render(request, "web/incoming/slip.html", {"document": document, "handling": handling})
