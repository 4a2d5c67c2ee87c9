"""Units (phòng, ban) of the actor's agency: list, create, rename, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.core.errors import ApplicationError
from vanthu.organizations.actor import Actor
from vanthu.organizations.forms import UnitForm
from vanthu.organizations.services import unit_create, unit_deactivate, unit_update
from vanthu.organizations.views.base import (
    agency_admin_view,
    form_context,
    report_error,
    unit_get_for_admin,
    unit_list_for_admin,
)


@agency_admin_view
def unit_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(request, "organizations/unit_list.html", {"units": unit_list_for_admin(actor=actor)})


@agency_admin_view
def unit_add(request: HttpRequest, actor: Actor) -> HttpResponse:
    assert actor.agency is not None
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = unit_create(actor=actor, agency=actor.agency, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã thêm đơn vị “%(name)s”.") % {"name": unit.name})
            return redirect("web:organizations:unit_list")
    context = form_context(title=_("Thêm đơn vị"), form=form, back_url=reverse("web:organizations:unit_list"))
    return render(request, "organizations/form.html", context)


@agency_admin_view
def unit_edit(request: HttpRequest, actor: Actor, unit_id: int) -> HttpResponse:
    unit = unit_get_for_admin(actor=actor, unit_id=unit_id)
    form = UnitForm(request.POST or None, initial={"name": unit.name, "abbreviation": unit.abbreviation})
    if request.method == "POST" and form.is_valid():
        try:
            unit_update(actor=actor, unit=unit, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã cập nhật đơn vị."))
            return redirect("web:organizations:unit_list")
    context = form_context(title=_("Sửa đơn vị “%(name)s”") % {"name": unit.name}, form=form,
                           back_url=reverse("web:organizations:unit_list"))
    return render(request, "organizations/form.html", context)


@require_POST
@agency_admin_view
def unit_deactivate_view(request: HttpRequest, actor: Actor, unit_id: int) -> HttpResponse:
    unit = unit_get_for_admin(actor=actor, unit_id=unit_id)
    try:
        unit_deactivate(actor=actor, unit=unit)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Đã ngừng hoạt động đơn vị “%(name)s”.") % {"name": unit.name})
    return redirect("web:organizations:unit_list")
