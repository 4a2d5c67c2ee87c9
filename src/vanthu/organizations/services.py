"""Writes on agencies, units, positions, users and memberships. Each one is audited."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.errors import ApplicationError, PermissionDeniedError, refuse_if
from vanthu.organizations.actor import Actor
from vanthu.organizations.codes import normalize_code
from vanthu.organizations.effects import AgencyCreated, PasswordReset, agency_created, password_reset
from vanthu.organizations.models import Agency, AgencyLevel, Membership, Position, Role, Unit, User
from vanthu.organizations.permissions import can_administer


def _validation_error(exc: ValidationError) -> ApplicationError:
    messages = [str(m) for m in exc.messages]
    return ApplicationError("invalid_input", " ".join(messages), {"fields": getattr(exc, "message_dict", {})})


def _require_sysadmin(actor: Actor | None) -> None:
    if actor is not None and not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị hệ thống được quản lý cơ quan."))


def _require_agency_admin(actor: Actor | None, agency: Agency) -> None:
    refuse_if(can_administer(actor, agency))


@transaction.atomic
def agency_create(
    *, actor: Actor | None, name: str, abbreviation: str, organ_id: str | None, kind: str = "STATE",
    level_code: str | None = None, parent: Agency | None = None, place_name: str = "", email: str = "",
) -> Agency:
    """Create an agency (its default register books follow: ``effects.agency_created``). ``actor=None`` only for
    installation commands."""
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
    audit_record(
        actor=actor.user if actor else None, event_type="agency.created", target=agency, agency=agency,
        data={"name": agency.name, "organ_id": agency.organ_id, "kind": agency.kind},
    )
    agency_created.run(AgencyCreated(agency=agency, actor=actor))
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


# Agency-administration screens (quản trị cơ quan). Each service re-checks the actor's right on the agency so that a
# view which forgot to filter by agency still cannot reach another agency's rows.


def _require_not_privileged(actor: Actor, user: User) -> None:
    """An agency admin must not be able to take over a deployment administrator's account."""
    if actor.is_sysadmin:
        return
    if user.is_superuser or Membership.objects.filter(user=user, roles__code="SYSADMIN").exists():
        raise PermissionDeniedError("forbidden", _("Không được thay đổi tài khoản quản trị hệ thống."))


def _full_clean(instance: Unit | Position) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise _validation_error(exc) from exc


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, name: str, abbreviation: str) -> Unit:
    _require_agency_admin(actor, unit.agency)
    old = {"name": unit.name, "abbreviation": unit.abbreviation}
    unit.name, unit.abbreviation = name.strip(), abbreviation.strip().upper()
    _full_clean(unit)
    unit.save(update_fields=["name", "abbreviation"])
    audit_record(actor=actor.user, event_type="unit.updated", target=unit, agency=unit.agency,
                 data={"old": old, "new": {"name": unit.name, "abbreviation": unit.abbreviation}})
    return unit


@transaction.atomic
def unit_deactivate(*, actor: Actor, unit: Unit) -> Unit:
    """A unit that still has active members stays open: their documents would lose their handler."""
    _require_agency_admin(actor, unit.agency)
    if unit.memberships.filter(is_active=True).exists():
        raise ApplicationError("unit_has_members",
                               _("Đơn vị còn người dùng đang hoạt động; hãy chuyển hoặc ngừng họ trước."))
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    audit_record(actor=actor.user, event_type="unit.deactivated", target=unit, agency=unit.agency,
                 data={"name": unit.name})
    return unit


@transaction.atomic
def position_update(*, actor: Actor, position: Position, name: str, is_head: bool, is_deputy: bool) -> Position:
    _require_agency_admin(actor, position.agency)
    old = {"name": position.name, "is_head": position.is_head, "is_deputy": position.is_deputy}
    position.name, position.is_head, position.is_deputy = name.strip(), is_head, is_deputy
    _full_clean(position)
    position.save(update_fields=["name", "is_head", "is_deputy"])
    audit_record(actor=actor.user, event_type="position.updated", target=position, agency=position.agency,
                 data={"old": old, "new": {"name": position.name, "is_head": is_head, "is_deputy": is_deputy}})
    return position


@transaction.atomic
def member_create(
    *, actor: Actor, agency: Agency, username: str, full_name: str, password: str, roles: Iterable[str],
    email: str = "", unit: Unit | None = None, position: Position | None = None, can_handle_secret: bool = False,
) -> Membership:
    """A new official of the agency: the user account and its membership, together or not at all."""
    _require_agency_admin(actor, agency)
    if position is not None and position.agency_id != agency.pk:
        raise ApplicationError("invalid_position", _("Chức vụ không thuộc cơ quan."))
    user = user_create(actor=actor, username=username, full_name=full_name, password=password, email=email,
                       can_handle_secret=can_handle_secret)
    return membership_create(actor=actor, user=user, agency=agency, roles=roles, unit=unit, position=position)


@transaction.atomic
def member_roles_update(*, actor: Actor, membership: Membership, roles: Iterable[str]) -> Membership:
    _require_agency_admin(actor, membership.agency)
    _require_not_privileged(actor, membership.user)
    role_codes = set(roles)
    if membership.pk == getattr(actor.membership, "pk", None) and "AGENCY_ADMIN" not in role_codes:
        raise ApplicationError("self_lockout", _("Không thể tự bỏ quyền quản trị cơ quan của chính mình."))
    return membership_set_roles(actor=actor, membership=membership, roles=role_codes)


@transaction.atomic
def member_deactivate(*, actor: Actor, membership: Membership) -> Membership:
    _require_agency_admin(actor, membership.agency)
    _require_not_privileged(actor, membership.user)
    if membership.pk == getattr(actor.membership, "pk", None):
        raise ApplicationError("self_lockout", _("Không thể tự ngừng tài khoản của chính mình."))
    return membership_deactivate(actor=actor, membership=membership)


def _require_account_within_agency(actor: Actor, user: User, agency: Agency) -> None:
    """Actions on the account itself (its password) reach every agency the user works in, so an agency admin may
    take them only when all of the user's active memberships are in that agency; otherwise a system administrator
    must."""
    if actor.is_sysadmin:
        return
    if Membership.objects.filter(user=user, is_active=True).exclude(agency_id=agency.pk).exists():
        raise PermissionDeniedError(
            "account_shared", _("Người dùng còn công tác tại cơ quan khác; chỉ quản trị hệ thống được thực hiện."),
        )


def user_password_reset_check(*, actor: Actor, membership: Membership) -> None:
    """Raise ``PermissionDeniedError`` unless the actor may reset this official's password (the form asks first)."""
    _require_agency_admin(actor, membership.agency)
    _require_not_privileged(actor, membership.user)
    if not membership.is_active:
        raise PermissionDeniedError(
            "membership_inactive", _("Người dùng đã ngừng công tác tại cơ quan; không thể đặt lại mật khẩu."),
        )
    _require_account_within_agency(actor, membership.user, membership.agency)


@transaction.atomic
def user_password_reset(*, actor: Actor, membership: Membership, password: str) -> User:
    """Set a new password for an official of the agency (their API tokens are revoked: ``effects.password_reset``).
    The password itself never reaches the audit log."""
    user_password_reset_check(actor=actor, membership=membership)
    user = membership.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise _validation_error(exc) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor.user, event_type="user.password_reset", target=user, agency=membership.agency,
                 data={"username": user.username})
    password_reset.run(PasswordReset(user=user, agency=membership.agency, actor=actor))
    return user
