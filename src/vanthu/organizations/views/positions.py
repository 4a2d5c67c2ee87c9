"""Positions (chức vụ) of the actor's agency: list, create, edit."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor
from vanthu.organizations.forms import PositionForm
from vanthu.organizations.models import Position
from vanthu.organizations.permissions import admin_agency_id
from vanthu.organizations.services import position_create, position_update
from vanthu.organizations.views.base import (
    agency_admin_view,
    form_context,
    position_get_for_admin,
    position_list_for_admin,
)


@agency_admin_view
def position_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "organizations/position_list.html", {"positions": position_list_for_admin(actor=actor)})


@agency_admin_view
def position_add(request: HttpRequest, actor: Actor) -> HttpResponse:
    assert actor.agency is not None
    form = PositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if Position.objects.filter(agency_id=admin_agency_id(actor), name=form.cleaned_data["name"].strip()).exists():
            form.add_error("name", _("Chức vụ này đã có."))
        else:
            position_create(actor=actor, agency=actor.agency, **form.cleaned_data)
            messages.success(request, _("Đã thêm chức vụ."))
            return redirect("web:organizations:position_list")
    context = form_context(title=_("Thêm chức vụ"), form=form, back_url=reverse("web:organizations:position_list"))
    return render(request, "organizations/form.html", context)


@agency_admin_view
def position_edit(request: HttpRequest, actor: Actor, position_id: int) -> HttpResponse:
    position = position_get_for_admin(actor=actor, position_id=position_id)
    initial = {"name": position.name, "is_head": position.is_head, "is_deputy": position.is_deputy}
    form = PositionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            position_update(actor=actor, position=position, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã cập nhật chức vụ."))
            return redirect("web:organizations:position_list")
    context = form_context(title=_("Sửa chức vụ “%(name)s”") % {"name": position.name}, form=form,
                           back_url=reverse("web:organizations:position_list"))
    return render(request, "organizations/form.html", context)
