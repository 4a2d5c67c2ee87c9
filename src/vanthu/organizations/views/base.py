"""Access rules shared by the administration screens, and the permission-checked reads they use.

Every read is scoped to the acting membership's agency, so an id from another agency gives 404, never 403: an
agency administrator learns nothing about other agencies (docs/architecture.md, house rule 2).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, Concatenate, ParamSpec

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from vanthu.core.errors import ApplicationError, NotFoundError
from vanthu.core.http.errors import forbidden
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Membership, Position, Role, Unit
from vanthu.organizations.otp import refuse_half_authenticated
from vanthu.organizations.permissions import admin_agency_id

P = ParamSpec("P")
AdminView = Callable[Concatenate[HttpRequest, Actor, P], HttpResponse]


def current_actor(request: HttpRequest) -> Actor | None:
    """``request.actor`` is a lazy proxy of ``Actor | None``; truthiness forces it."""
    actor = getattr(request, "actor", None)
    return actor if actor else None


def _wrap(view: AdminView[P], allowed: Callable[[Actor], bool]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Refusals the view raises become their error pages (``core.http.errors``); so does a guard that says no."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        refused = refuse_half_authenticated(request)
        if refused is not None:
            return refused
        actor = current_actor(request)
        if actor is None or not allowed(actor):
            return forbidden(request, _("Trang này dành cho quản trị cơ quan."))
        return view(request, actor, *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


def _is_agency_admin(actor: Actor) -> bool:
    return actor.agency_id is not None and (actor.is_agency_admin or actor.is_sysadmin)


def agency_admin_view(view: AdminView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Anonymous → login; no AGENCY_ADMIN role on the acting membership → 403; the view gets the actor."""
    return _wrap(view, _is_agency_admin)


def calendar_view(view: AdminView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """The work calendar: agency admins read it, system administrators (even without an agency) edit it."""
    return _wrap(view, lambda actor: actor.is_sysadmin or _is_agency_admin(actor))


def calendar_edit_view(view: AdminView[P]) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Holidays are deployment-wide: only a system administrator changes them."""
    return _wrap(view, lambda actor: actor.is_sysadmin)


def report_error(request: HttpRequest, exc: ApplicationError) -> None:
    messages.error(request, str(exc.message))


def unit_list_for_admin(*, actor: Actor) -> QuerySet[Unit]:
    return Unit.objects.filter(agency_id=admin_agency_id(actor)).select_related("parent").order_by("-is_active", "name")


def unit_get_for_admin(*, actor: Actor, unit_id: int) -> Unit:
    unit = Unit.objects.select_related("agency").filter(pk=unit_id, agency_id=admin_agency_id(actor)).first()
    if unit is None:
        raise NotFoundError("not_found", _("Không tìm thấy đơn vị."))
    return unit


def position_list_for_admin(*, actor: Actor) -> QuerySet[Position]:
    return Position.objects.filter(agency_id=admin_agency_id(actor)).order_by("name")


def position_get_for_admin(*, actor: Actor, position_id: int) -> Position:
    position = (
        Position.objects.select_related("agency").filter(pk=position_id, agency_id=admin_agency_id(actor)).first()
    )
    if position is None:
        raise NotFoundError("not_found", _("Không tìm thấy chức vụ."))
    return position


def membership_list_for_admin(*, actor: Actor) -> QuerySet[Membership]:
    """Every membership of the agency with what the list shows, in a fixed number of queries."""
    return (
        Membership.objects.filter(agency_id=admin_agency_id(actor))
        .select_related("user", "unit", "position", "agency")
        .prefetch_related(Prefetch("roles", queryset=Role.objects.order_by("code")))
        .order_by("-is_active", "user__full_name", "id")
    )


def membership_get_for_admin(*, actor: Actor, membership_id: int) -> Membership:
    membership = membership_list_for_admin(actor=actor).filter(pk=membership_id).first()
    if membership is None:
        raise NotFoundError("not_found", _("Không tìm thấy người dùng."))
    return membership


def form_context(*, title: str, form: Any, back_url: str, submit_label: str | None = None) -> dict[str, Any]:
    return {"title": title, "form": form, "back_url": back_url, "submit_label": submit_label or _("Lưu")}
