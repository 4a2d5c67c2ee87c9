"""New incoming document (paper, entered by the clerk), edit of its metadata, adding a file."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.core.files import upload_content
from vanthu.core.http.errors import forbidden
from vanthu.documents.services import incoming_create, incoming_file_add, incoming_update
from vanthu.organizations.actor import Actor
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.guards import actor_required
from vanthu.web.forms.incoming import FileAddForm, IncomingCreateForm, IncomingForm
from vanthu.web.selectors import document_actions, incoming_registers
from vanthu.web.views.common import document_or_404, form_add_error


@actor_required
def incoming_create_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    if not actor.has_role(RoleCode.CLERK):
        return forbidden(request, _("Chỉ văn thư được tiếp nhận, vào sổ văn bản đến."))
    registers = incoming_registers(actor=actor)
    form = IncomingCreateForm(request.POST or None, request.FILES or None, registers=registers)
    if request.method == "POST" and form.is_valid():
        register = form.cleaned_data.get("register")
        try:
            document = incoming_create(
                actor=actor, data=form.to_create_input(), register_id=register.pk if register else None
            )
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(
                request, _("Đã vào sổ văn bản đến, số đến %(number)s.") % {"number": document.arrival_number}
            )
            if document.duplicate_of_id:
                messages.warning(request, _("Văn bản này có thể trùng với một văn bản đã vào sổ; hãy kiểm tra."))
            return redirect("web:incoming_detail", pk=document.pk)
    return render(request, "web/incoming/form.html", {"form": form, "creating": True})


@actor_required
def incoming_edit_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    if not document_actions(actor=actor, document=document, assignments=[]).edit:
        return forbidden(request, _("Bạn không có quyền sửa văn bản này."))
    form = IncomingForm(request.POST or None, initial=IncomingForm.initial_from(document))
    if request.method == "POST" and form.is_valid():
        try:
            incoming_update(actor=actor, document_id=document.pk, data=form.to_update_input(document))
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Đã cập nhật thông tin văn bản."))
            return redirect("web:incoming_detail", pk=document.pk)
    return render(request, "web/incoming/form.html", {"form": form, "document": document, "creating": False})


@actor_required
def incoming_file_add_view(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    document = document_or_404(actor, pk)
    if not document_actions(actor=actor, document=document, assignments=[]).edit:
        return forbidden(request, _("Bạn không có quyền thêm tệp cho văn bản này."))
    form = FileAddForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            incoming_file_add(actor=actor, document_id=document.pk, upload=upload_content(form.cleaned_data["file"]),
                              role=form.cleaned_data["role"])
        except ApplicationError as exc:
            form_add_error(form, exc)
        else:
            messages.success(request, _("Đã thêm tệp."))
            return redirect("web:incoming_detail", pk=document.pk)
    return render(request, "web/incoming/file_add.html", {"form": form, "document": document})
