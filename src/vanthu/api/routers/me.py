"""Who am I, my agency's units and leaders, the document-type catalogue."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from vanthu.api.auth import request_actor
from vanthu.api.schemas import (
    AgencyOut,
    DocumentTypeOut,
    ErrorOut,
    LeaderOut,
    MembershipOut,
    MeOut,
    PathId,
    UnitOut,
    UserOut,
)
from vanthu.core.errors import NotFoundError
from vanthu.documents.models import DocumentType
from vanthu.organizations.actor import Actor, memberships_for
from vanthu.organizations.enums import RoleCode
from vanthu.organizations.models import Membership, Unit

router = Router(tags=["Tài khoản, cơ quan"])

# 400: a query parameter with a NUL is refused at the edge, whatever the route; 401: no or a refused token.
ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 401: ErrorOut}
AGENCY_ERRORS: dict[int, type[ErrorOut]] = {**ERRORS, 404: ErrorOut}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Người dùng hiện tại, các vị trí công tác và vai trò")
def me(request: HttpRequest) -> MeOut:
    actor = request_actor(request)
    current_id = actor.membership.pk if actor.membership else None
    memberships = [
        MembershipOut(
            id=m.pk, agency=AgencyOut.from_orm(m.agency), unit=UnitOut.from_orm(m.unit) if m.unit else None,
            position=m.position.name if m.position else None,
            roles=sorted(m.role_codes()), is_current=m.pk == current_id,
        )
        for m in memberships_for(actor.user)
    ]
    return MeOut(
        user=UserOut.from_orm(actor.user), membership_id=current_id, agency_id=actor.agency_id,
        roles=sorted(actor.roles), memberships=memberships,
    )


def _own_agency(actor: Actor, agency_id: int) -> int:
    """Directory data of an agency is for its own members only; others get the same 404 as a wrong id."""
    if actor.agency_id is None or actor.agency_id != agency_id:
        raise NotFoundError("not_found", _("Không tìm thấy cơ quan."))
    return agency_id


@router.get("/agencies/{agency_id}/units", response={200: list[UnitOut], **AGENCY_ERRORS},
            summary="Các đơn vị của cơ quan mình")
def agency_units(request: HttpRequest, agency_id: PathId) -> list[Unit]:
    agency_id = _own_agency(request_actor(request), agency_id)
    return list(Unit.objects.filter(agency_id=agency_id, is_active=True).order_by("name"))


@router.get("/agencies/{agency_id}/leaders", response={200: list[LeaderOut], **AGENCY_ERRORS},
            summary="Lãnh đạo của cơ quan mình")
def agency_leaders(request: HttpRequest, agency_id: PathId) -> list[LeaderOut]:
    agency_id = _own_agency(request_actor(request), agency_id)
    memberships = (
        Membership.objects.filter(agency_id=agency_id, is_active=True, user__is_active=True,
                                  roles__code=RoleCode.LEADER)
        .select_related("user", "position").distinct().order_by("user__full_name", "id")
    )
    return [
        LeaderOut(
            user_id=m.user_id, full_name=m.user.full_name, position=m.position.name if m.position else None,
            is_head=bool(m.position and m.position.is_head), is_deputy=bool(m.position and m.position.is_deputy),
        )
        for m in memberships
    ]


@router.get("/document-types", response={200: list[DocumentTypeOut], **ERRORS}, summary="Danh mục loại văn bản")
def document_types(request: HttpRequest) -> list[DocumentType]:
    request_actor(request)
    return list(DocumentType.objects.filter(is_active=True).order_by("name"))
