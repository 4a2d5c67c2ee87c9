"""Agency administration of register books (sổ văn bản), under /quan-tri/so-van-ban/: list, add an extra one, rename,
set the default. The rules are ``documents.register_books``; the screens share the /quan-tri/ layout and guards."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.core.errors import ApplicationError
from vanthu.documents.register_books import (
    register_create,
    register_get_for_admin,
    register_list_for_admin,
    register_rename,
    register_set_default,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.views.base import agency_admin_view, form_context, report_error
from vanthu.web.forms.admin import RegisterCreateForm, RegisterRenameForm


@agency_admin_view
def register_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "organizations/register_list.html", {"registers": register_list_for_admin(actor=actor)})


@agency_admin_view
def register_add(request: HttpRequest, actor: Actor) -> HttpResponse:
    assert actor.agency is not None
    form = RegisterCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            register_create(actor=actor, agency=actor.agency, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã thêm sổ văn bản."))
            return redirect("web:organizations:register_list")
    context = form_context(title=_("Thêm sổ văn bản"), form=form, back_url=reverse("web:organizations:register_list"))
    return render(request, "organizations/form.html", context)


@agency_admin_view
def register_edit(request: HttpRequest, actor: Actor, register_id: int) -> HttpResponse:
    register = register_get_for_admin(actor=actor, register_id=register_id)
    form = RegisterRenameForm(request.POST or None, initial={"name": register.name})
    if request.method == "POST" and form.is_valid():
        try:
            register_rename(actor=actor, register=register, name=form.cleaned_data["name"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã đổi tên sổ."))
            return redirect("web:organizations:register_list")
    context = form_context(title=_("Đổi tên sổ “%(name)s”") % {"name": register.name}, form=form,
                           back_url=reverse("web:organizations:register_list"))
    return render(request, "organizations/form.html", context)


@require_POST
@agency_admin_view
def register_default(request: HttpRequest, actor: Actor, register_id: int) -> HttpResponse:
    register = register_get_for_admin(actor=actor, register_id=register_id)
    try:
        register_set_default(actor=actor, register=register)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("“%(name)s” là sổ mặc định.") % {"name": register.name})
    return redirect("web:organizations:register_list")
