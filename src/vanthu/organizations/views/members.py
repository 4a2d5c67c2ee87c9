"""Officials of the actor's agency: list, create (account + membership), roles, deactivate, reset password."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.core.errors import ApplicationError, PermissionDeniedError
from vanthu.organizations.actor import Actor
from vanthu.organizations.forms import MemberCreateForm, MemberRolesForm, PasswordResetForm
from vanthu.organizations.services import (
    member_create,
    member_deactivate,
    member_roles_update,
    user_password_reset,
    user_password_reset_check,
)
from vanthu.organizations.views.base import (
    agency_admin_view,
    form_context,
    membership_get_for_admin,
    membership_list_for_admin,
    report_error,
)

PAGE_SIZE = 50


@agency_admin_view
def member_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    memberships = membership_list_for_admin(actor=actor)
    query = request.GET.get("q", "").strip()
    if query:
        memberships = memberships.filter(Q(user__full_name__icontains=query) | Q(user__username__icontains=query))
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "organizations/member_list.html", {"page": page, "query": query})


@agency_admin_view
def member_add(request: HttpRequest, actor: Actor) -> HttpResponse:
    assert actor.agency is not None
    form = MemberCreateForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            member_create(
                actor=actor, agency=actor.agency, username=data["username"], full_name=data["full_name"],
                email=data["email"], password=data["password1"], roles=data["roles"], unit=data["unit"],
                position=data["position"], can_handle_secret=data["can_handle_secret"],
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã tạo tài khoản “%(u)s”.") % {"u": data["username"].lower()})
            return redirect("web:organizations:member_list")
    context = form_context(title=_("Thêm người dùng"), form=form, back_url=reverse("web:organizations:member_list"))
    return render(request, "organizations/form.html", context)


@agency_admin_view
def member_roles(request: HttpRequest, actor: Actor, membership_id: int) -> HttpResponse:
    membership = membership_get_for_admin(actor=actor, membership_id=membership_id)
    form = MemberRolesForm(request.POST or None, actor=actor, initial={"roles": sorted(membership.role_codes())})
    if request.method == "POST" and form.is_valid():
        try:
            member_roles_update(actor=actor, membership=membership, roles=form.cleaned_data["roles"])
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã cập nhật vai trò của %(name)s.") % {"name": membership.user})
            return redirect("web:organizations:member_list")
    context = form_context(title=_("Vai trò của %(name)s") % {"name": membership.user}, form=form,
                           back_url=reverse("web:organizations:member_list"))
    return render(request, "organizations/form.html", context)


@require_POST
@agency_admin_view
def member_deactivate_view(request: HttpRequest, actor: Actor, membership_id: int) -> HttpResponse:
    membership = membership_get_for_admin(actor=actor, membership_id=membership_id)
    try:
        member_deactivate(actor=actor, membership=membership)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Đã ngừng tài khoản của %(name)s trong cơ quan.") % {"name": membership.user})
    return redirect("web:organizations:member_list")


@agency_admin_view
def member_password(request: HttpRequest, actor: Actor, membership_id: int) -> HttpResponse:
    membership = membership_get_for_admin(actor=actor, membership_id=membership_id)
    user_password_reset_check(actor=actor, membership=membership)  # refused → 403 before any form is shown
    form = PasswordResetForm(request.POST or None, user=membership.user)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_reset(actor=actor, membership=membership, password=form.cleaned_data["password1"])
        except PermissionDeniedError:
            raise
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Đã đặt lại mật khẩu cho %(name)s.") % {"name": membership.user})
            return redirect("web:organizations:member_list")
    context = form_context(title=_("Đặt lại mật khẩu cho %(name)s") % {"name": membership.user}, form=form,
                           back_url=reverse("web:organizations:member_list"))
    return render(request, "organizations/form.html", context)
