"""The POST actions of the document page. Each parses one small form and calls one service.

Plain POST/redirect/GET; htmx only enhances. A refused action leaves the document unchanged: the services run
in one transaction and ``run_action`` turns their ``ApplicationError`` into a message, a 403 or a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.documents.handling import (
    assignment_complete,
    assignment_delegate,
    assignment_mark_read,
    direction_create,
    incoming_close_for_information,
    incoming_reopen,
    processing_note_add,
)
from vanthu.documents.models import IncomingDocument
from vanthu.documents.recall import incoming_recall_agree, incoming_recall_refuse
from vanthu.documents.services import incoming_present, incoming_register, incoming_return, incoming_share
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
from vanthu.web.selectors import assignment_on_document, people_choices
from vanthu.web.views.common import document_or_404, form_errors_text, run_action
from vanthu.workflows.enums import NoteKind
from vanthu.workflows.models import Assignment


def _detail(pk: int) -> str:
    return reverse("web:incoming_detail", args=[pk])


def _post(
    request: HttpRequest, document: IncomingDocument, form: forms.Form,
    call: Callable[[dict[str, Any]], object], success: str,
) -> HttpResponse:
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return HttpResponseRedirect(_detail(document.pk))
    return run_action(request, lambda: call(form.cleaned_data), success=success, back_to=_detail(document.pk))


@require_POST
@actor_required
def register_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    form = RegisterForm(request.POST, registers=people_choices(actor=actor, document=document).registers)
    return _post(request, document, form,
                 lambda d: incoming_register(actor=actor, document_id=pk, register_id=d["register"]),
                 _("Đã vào sổ văn bản đến."))


@require_POST
@actor_required
def return_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    return _post(request, document, ReasonForm(request.POST, prefix="return"),
                 lambda d: incoming_return(actor=actor, document_id=pk, reason=d["reason"]),
                 _("Đã trả lại văn bản."))


@require_POST
@actor_required
def present_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    form = PresentForm(request.POST, leaders=people_choices(actor=actor, document=document).leaders)
    return _post(request, document, form,
                 lambda d: incoming_present(actor=actor, document_id=pk, leader_id=d["leader"], note=d["note"]),
                 _("Đã trình lãnh đạo."))


@require_POST
@actor_required
def direct_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    form = DirectForm(request.POST, handlers=people_choices(actor=actor, document=document).handlers)
    return _post(request, document, form,
                 lambda _d: direction_create(actor=actor, document_id=pk, data=form.to_input()),
                 _("Đã chỉ đạo xử lý."))


@require_POST
@actor_required
def close_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    return _post(request, document, InstructionForm(request.POST, prefix="close"),
                 lambda d: incoming_close_for_information(actor=actor, document_id=pk, instruction=d["instruction"]),
                 _("Đã cho ý kiến: để biết, lưu."))


@require_POST
@actor_required
def reopen_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    return _post(request, document, ReasonForm(request.POST, prefix="reopen"),
                 lambda d: incoming_reopen(actor=actor, document_id=pk, reason=d["reason"]),
                 _("Đã mở lại văn bản để xử lý tiếp."))


@require_POST
@actor_required
def share_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    form = ShareForm(request.POST, people=people_choices(actor=actor, document=document).people)
    return _post(request, document, form,
                 lambda d: incoming_share(actor=actor, document_id=pk, user_id=d["user"]),
                 _("Đã chia sẻ văn bản."))


def _assignment(actor: Actor, pk: int, assignment_id: int) -> tuple[IncomingDocument, Assignment]:
    document = document_or_404(actor, pk)
    assignment = assignment_on_document(actor=actor, document=document, assignment_id=assignment_id)
    if assignment is None:
        raise Http404(_("Không tìm thấy phần việc."))
    return document, assignment


@require_POST
@actor_required
def delegate_view(request: HttpRequest, actor: Actor, pk: int, assignment_id: int) -> HttpResponse:
    document, assignment = _assignment(actor, pk, assignment_id)
    specialists = people_choices(actor=actor, document=document).specialists.get(assignment.unit_id or 0, [])
    form = DelegateForm(request.POST, prefix=f"a{assignment_id}", specialists=specialists)
    return _post(request, document, form,
                 lambda d: assignment_delegate(actor=actor, assignment_id=assignment_id, user_ids=d["users"],
                                               instruction=d["instruction"], due_date=d["due_date"]),
                 _("Đã giao chuyên viên xử lý."))


@require_POST
@actor_required
def note_view(request: HttpRequest, actor: Actor, pk: int, assignment_id: int) -> HttpResponse:
    document, _assignment_row = _assignment(actor, pk, assignment_id)
    return _post(request, document, NoteForm(request.POST, prefix=f"a{assignment_id}"),
                 lambda d: processing_note_add(actor=actor, assignment_id=assignment_id, text=d["text"],
                                               kind=d["kind"] or NoteKind.PROGRESS),
                 _("Đã cập nhật tiến độ."))


@require_POST
@actor_required
def complete_view(request: HttpRequest, actor: Actor, pk: int, assignment_id: int) -> HttpResponse:
    document, _assignment_row = _assignment(actor, pk, assignment_id)
    return _post(request, document, CompleteForm(request.POST, prefix=f"a{assignment_id}"),
                 lambda d: assignment_complete(actor=actor, assignment_id=assignment_id,
                                               result_note=d["result_note"], reply_reference=d["reply_reference"]),
                 _("Đã hoàn thành phần việc."))


@require_POST
@actor_required
def mark_read_view(request: HttpRequest, actor: Actor, pk: int, assignment_id: int) -> HttpResponse:
    document, _assignment_row = _assignment(actor, pk, assignment_id)
    return run_action(request, lambda: assignment_mark_read(actor=actor, assignment_id=assignment_id),
                      success=_("Đã đánh dấu đã xem."), back_to=_detail(document.pk))


@require_POST
@actor_required
def recall_agree_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The sender recalls the document (status 13); the clerk agrees (15) and the copy is withdrawn."""
    document = document_or_404(actor, pk)
    return run_action(request, lambda: incoming_recall_agree(actor=actor, document_id=document.pk),
                      success=_("Đã đồng ý thu hồi văn bản."), back_to=_detail(document.pk))


@require_POST
@actor_required
def recall_refuse_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The clerk refuses the recall (16) with a reason; the document goes back to where it was."""
    document = document_or_404(actor, pk)
    return _post(request, document, ReasonForm(request.POST, prefix="recall"),
                 lambda d: incoming_recall_refuse(actor=actor, document_id=pk, reason=d["reason"]),
                 _("Đã từ chối thu hồi văn bản."))
