"""Writes on agencies, units, positions, users and memberships. Each one is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError, PermissionDeniedError
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.organizations.actor import Actor
from vanthu.organizations.codes import normalize_code
from vanthu.organizations.models import Agency, AgencyLevel, Membership, Position, Role, Unit, User

DEFAULT_REGISTERS = [
    (RegisterKind.INCOMING, "Sổ đăng ký văn bản đến"),
    (RegisterKind.SECRET_INCOMING, "Sổ đăng ký văn bản đến mật"),
    (RegisterKind.OUTGOING, "Sổ đăng ký văn bản đi"),
    (RegisterKind.SECRET_OUTGOING, "Sổ đăng ký văn bản đi mật"),
]


def _validation_error(exc: ValidationError) -> ApplicationError:
    messages = [str(m) for m in exc.messages]
    return ApplicationError("invalid_input", " ".join(messages), {"fields": getattr(exc, "message_dict", {})})


def _require_sysadmin(actor: Actor | None) -> None:
    if actor is not None and not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị hệ thống được quản lý cơ quan."))


def _require_agency_admin(actor: Actor | None, agency: Agency) -> None:
    if actor is None or actor.is_sysadmin:
        return
    if actor.agency_id != agency.pk or not actor.is_agency_admin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị cơ quan được thực hiện thao tác này."))


@transaction.atomic
def agency_create(
    *, actor: Actor | None, name: str, abbreviation: str, organ_id: str | None, kind: str = "STATE",
    level_code: str | None = None, parent: Agency | None = None, place_name: str = "", email: str = "",
) -> Agency:
    """Create an agency with its default registers. ``actor=None`` only for installation commands."""
    _require_sysadmin(actor)
    agency = Agency(
        name=name.strip(), abbreviation=abbreviation.strip(), organ_id=normalize_code(organ_id) if organ_id else None,
        kind=kind, parent=parent, place_name=place_name, email=email,
        level=AgencyLevel.objects.filter(code=level_code).first() if level_code else None,
    )
    try:
        agency.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    agency.save()
    if not agency.is_external:
        for kind_code, register_name in DEFAULT_REGISTERS:
            Register.objects.create(agency=agency, kind=kind_code, name=register_name, is_default=True)
    audit_record(
        actor=actor.user if actor else None, event_type="agency.created", target=agency, agency=agency,
        data={"name": agency.name, "organ_id": agency.organ_id, "kind": agency.kind},
    )
    return agency


@transaction.atomic
def unit_create(*, actor: Actor | None, agency: Agency, name: str, abbreviation: str) -> Unit:
    _require_agency_admin(actor, agency)
    unit = Unit(agency=agency, name=name.strip(), abbreviation=abbreviation.strip().upper())
    try:
        unit.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    unit.save()
    audit_record(actor=actor.user if actor else None, event_type="unit.created", target=unit, agency=agency,
                 data={"name": unit.name, "abbreviation": unit.abbreviation})
    return unit


@transaction.atomic
def position_create(
    *, actor: Actor | None, agency: Agency, name: str, is_head: bool = False, is_deputy: bool = False
) -> Position:
    _require_agency_admin(actor, agency)
    position, created = Position.objects.get_or_create(
        agency=agency, name=name.strip(), defaults={"is_head": is_head, "is_deputy": is_deputy}
    )
    if created:
        audit_record(actor=actor.user if actor else None, event_type="position.created", target=position,
                     agency=agency, data={"name": position.name})
    return position


@transaction.atomic
def user_create(
    *, actor: Actor | None, username: str, full_name: str, password: str | None, email: str = "",
    can_handle_secret: bool = False,
) -> User:
    if actor is not None and not (actor.is_sysadmin or actor.is_agency_admin):
        raise PermissionDeniedError("forbidden", _("Bạn không có quyền tạo người dùng."))
    username = username.strip().lower()
    if User.objects.filter(username=username).exists():
        raise ApplicationError("username_taken", _("Tên đăng nhập “%(u)s” đã có.") % {"u": username})
    user = User(username=username, full_name=full_name.strip(), email=email.strip(),
                can_handle_secret=can_handle_secret)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(actor=actor.user if actor else None, event_type="user.created", target=user,
                 agency=actor.agency if actor else None, data={"username": username, "full_name": user.full_name})
    return user


@transaction.atomic
def membership_create(
    *, actor: Actor | None, user: User, agency: Agency, roles: Iterable[str], unit: Unit | None = None,
    position: Position | None = None,
) -> Membership:
    _require_agency_admin(actor, agency)
    if unit is not None and unit.agency_id != agency.pk:
        raise ApplicationError("invalid_unit", _("Đơn vị không thuộc cơ quan."))
    role_codes = sorted(set(roles))
    if "SYSADMIN" in role_codes and actor is not None and not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị hệ thống được cấp quyền quản trị hệ thống."))
    membership = Membership.objects.create(user=user, agency=agency, unit=unit, position=position)
    membership.roles.set(Role.objects.filter(code__in=role_codes))
    audit_record(actor=actor.user if actor else None, event_type="membership.created", target=membership,
                 agency=agency, data={"user": user.username, "unit": unit.name if unit else None, "roles": role_codes})
    return membership


@transaction.atomic
def membership_set_roles(*, actor: Actor, membership: Membership, roles: Iterable[str]) -> Membership:
    _require_agency_admin(actor, membership.agency)
    role_codes = sorted(set(roles))
    if "SYSADMIN" in role_codes and not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị hệ thống được cấp quyền quản trị hệ thống."))
    old = sorted(membership.role_codes())
    membership.roles.set(Role.objects.filter(code__in=role_codes))
    membership._role_codes = frozenset(role_codes)
    audit_record(actor=actor.user, event_type="membership.roles_changed", target=membership,
                 agency=membership.agency, data={"old": old, "new": role_codes})
    return membership


@transaction.atomic
def membership_deactivate(*, actor: Actor, membership: Membership) -> Membership:
    _require_agency_admin(actor, membership.agency)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(actor=actor.user, event_type="membership.deactivated", target=membership,
                 agency=membership.agency, data={"user": membership.user.username})
    return membership
