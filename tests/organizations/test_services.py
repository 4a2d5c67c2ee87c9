"""Services behind the administration screens: each write is refused outside the actor's agency and audited."""

from __future__ import annotations

import pytest

from tests.builders import AgencyKit
from vanthu.core.errors import ApplicationError, PermissionDeniedError
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.documents.register_books import register_create, register_rename, register_set_default
from vanthu.organizations.actor import Actor
from vanthu.organizations.models import Membership, User
from vanthu.organizations.services import (
    member_create,
    member_deactivate,
    member_roles_update,
    position_create,
    position_update,
    unit_create,
    unit_deactivate,
    unit_update,
    user_password_reset,
)

pytestmark = pytest.mark.django_db


def _events(event_type: str, target_id: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type, target_id=str(target_id)))


def _new_member(kit: AgencyKit, username: str = "nguyenvana", roles: tuple[str, ...] = ("SPECIALIST",)) -> Membership:
    return member_create(actor=kit.admin, agency=kit.agency, username=username, full_name="Nguyễn Văn A",
                         password="Mat-khau-rat-dai-2026", roles=roles, unit=kit.finance)


def test_unit_update_renames_and_audits_old_and_new_values(kit: AgencyKit) -> None:
    unit = unit_update(actor=kit.admin, unit=kit.finance, name="Phòng Tài chính", abbreviation="tc")
    unit.refresh_from_db()
    assert (unit.name, unit.abbreviation) == ("Phòng Tài chính", "TC")
    [event] = _events("unit.updated", unit.pk)
    assert event.data["old"]["abbreviation"] == "KHTC" and event.data["new"]["abbreviation"] == "TC"
    assert event.actor_id == kit.admin.user.pk and event.agency_id == kit.agency.pk


def test_unit_update_refuses_an_abbreviation_already_used_in_the_agency(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as info:
        unit_update(actor=kit.admin, unit=kit.finance, name="Phòng Tài chính", abbreviation="VP")
    assert info.value.code == "invalid_input"
    assert not _events("unit.updated", kit.finance.pk)


def test_unit_with_active_members_cannot_be_deactivated(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as info:
        unit_deactivate(actor=kit.admin, unit=kit.finance)
    assert info.value.code == "unit_has_members"
    kit.finance.refresh_from_db()
    assert kit.finance.is_active


def test_empty_unit_is_deactivated_and_audited(kit: AgencyKit) -> None:
    unit = unit_create(actor=kit.admin, agency=kit.agency, name="Phòng Nội vụ", abbreviation="NV")
    unit_deactivate(actor=kit.admin, unit=unit)
    unit.refresh_from_db()
    assert unit.is_active is False
    assert len(_events("unit.deactivated", unit.pk)) == 1


def test_admin_of_another_agency_cannot_change_a_unit(kit: AgencyKit, other_kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        unit_update(actor=other_kit.admin, unit=kit.finance, name="Chiếm quyền", abbreviation="X")
    kit.finance.refresh_from_db()
    assert kit.finance.name == "Phòng Kế hoạch - Tài chính"


def test_specialist_cannot_create_a_unit(kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        unit_create(actor=kit.specialist, agency=kit.agency, name="Phòng X", abbreviation="X")


def test_position_update_is_audited(kit: AgencyKit) -> None:
    position = position_create(actor=kit.admin, agency=kit.agency, name="Giám đốc", is_head=True)
    position_update(actor=kit.admin, position=position, name="Giám đốc Sở", is_head=True, is_deputy=False)
    position.refresh_from_db()
    assert position.name == "Giám đốc Sở"
    [event] = _events("position.updated", position.pk)
    assert event.data["old"]["name"] == "Giám đốc"


def test_member_create_makes_account_and_membership_with_audit(kit: AgencyKit) -> None:
    membership = _new_member(kit)
    assert membership.agency_id == kit.agency.pk and membership.unit_id == kit.finance.pk
    assert membership.role_codes() == frozenset({"SPECIALIST"})
    assert membership.user.check_password("Mat-khau-rat-dai-2026")
    assert len(_events("user.created", membership.user.pk)) == 1
    assert len(_events("membership.created", membership.pk)) == 1


def test_member_create_is_all_or_nothing(kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        _new_member(kit, roles=("SYSADMIN",))
    assert not User.objects.filter(username="nguyenvana").exists()


def test_member_create_refuses_a_taken_username(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as info:
        _new_member(kit, username=kit.clerk.user.username)
    assert info.value.code == "username_taken"


def test_member_create_refuses_a_position_of_another_agency(kit: AgencyKit, other_kit: AgencyKit) -> None:
    foreign = position_create(actor=other_kit.admin, agency=other_kit.agency, name="Giám đốc")
    with pytest.raises(ApplicationError) as info:
        member_create(actor=kit.admin, agency=kit.agency, username="ab", full_name="A B",
                      password="Mat-khau-rat-dai-2026", roles=[], position=foreign)
    assert info.value.code == "invalid_position"


def test_agency_admin_cannot_grant_sysadmin(kit: AgencyKit) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    with pytest.raises(PermissionDeniedError):
        member_roles_update(actor=kit.admin, membership=membership, roles=["SPECIALIST", "SYSADMIN"])
    assert set(membership.roles.values_list("code", flat=True)) == {"SPECIALIST"}


def test_member_roles_update_changes_roles_and_audits(kit: AgencyKit) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    member_roles_update(actor=kit.admin, membership=membership, roles=["SPECIALIST", "FORMAT_CHECKER"])
    assert set(membership.roles.values_list("code", flat=True)) == {"SPECIALIST", "FORMAT_CHECKER"}
    [event] = _events("membership.roles_changed", membership.pk)
    assert event.data == {"old": ["SPECIALIST"], "new": ["FORMAT_CHECKER", "SPECIALIST"]}


def test_agency_admin_cannot_drop_their_own_admin_role(kit: AgencyKit) -> None:
    assert kit.admin.membership is not None
    with pytest.raises(ApplicationError) as info:
        member_roles_update(actor=kit.admin, membership=kit.admin.membership, roles=["SPECIALIST"])
    assert info.value.code == "self_lockout"


def test_agency_admin_cannot_touch_a_system_administrator_account(kit: AgencyKit) -> None:
    membership = _new_member(kit, username="quantrihethong")
    User.objects.filter(pk=membership.user_id).update(is_superuser=True)
    membership.refresh_from_db()
    with pytest.raises(PermissionDeniedError):
        user_password_reset(actor=kit.admin, membership=membership, password="Mat-khau-moi-2026-xyz")
    with pytest.raises(PermissionDeniedError):
        member_deactivate(actor=kit.admin, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active and membership.user.check_password("Mat-khau-rat-dai-2026")


def test_member_deactivate_is_audited(kit: AgencyKit) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    member_deactivate(actor=kit.admin, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active is False
    assert len(_events("membership.deactivated", membership.pk)) == 1


def test_password_reset_sets_the_password_and_never_logs_it(kit: AgencyKit) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    user_password_reset(actor=kit.admin, membership=membership, password="Mat-khau-moi-2026-xyz")
    membership.user.refresh_from_db()
    assert membership.user.check_password("Mat-khau-moi-2026-xyz")
    [event] = _events("user.password_reset", membership.user_id)
    assert "Mat-khau-moi-2026-xyz" not in str(event.data)


def test_password_reset_refuses_a_weak_password(kit: AgencyKit) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    with pytest.raises(ApplicationError) as info:
        user_password_reset(actor=kit.admin, membership=membership, password="123")
    assert info.value.code == "invalid_input"


def test_extra_register_is_not_default_while_one_exists(kit: AgencyKit) -> None:
    register = register_create(actor=kit.admin, agency=kit.agency, kind=RegisterKind.INCOMING,
                               name="Sổ văn bản đến của Đảng ủy")
    assert register.is_default is False
    assert len(_events("register.created", register.pk)) == 1


def test_set_default_leaves_exactly_one_default_per_kind(kit: AgencyKit) -> None:
    register = register_create(actor=kit.admin, agency=kit.agency, kind=RegisterKind.INCOMING, name="Sổ đến 2")
    register_set_default(actor=kit.admin, register=register)
    defaults = Register.objects.filter(agency=kit.agency, kind=RegisterKind.INCOMING, is_default=True)
    assert list(defaults) == [register]
    [event] = _events("register.default_set", register.pk)
    assert len(event.data["previous"]) == 1
    assert Register.objects.filter(agency=kit.agency, kind=RegisterKind.OUTGOING, is_default=True).count() == 1


def test_register_rename_is_audited(kit: AgencyKit) -> None:
    register = Register.objects.filter(agency=kit.agency, kind=RegisterKind.OUTGOING).get()
    register_rename(actor=kit.admin, register=register, name="Sổ văn bản đi năm 2026")
    [event] = _events("register.renamed", register.pk)
    assert event.data == {"old": "Sổ đăng ký văn bản đi", "new": "Sổ văn bản đi năm 2026"}


def test_register_create_refuses_an_unknown_kind(kit: AgencyKit) -> None:
    with pytest.raises(ApplicationError) as info:
        register_create(actor=kit.admin, agency=kit.agency, kind="BOGUS", name="Sổ lạ")
    assert info.value.code == "invalid_kind"


def test_admin_of_another_agency_cannot_set_a_default_register(kit: AgencyKit, other_kit: AgencyKit) -> None:
    register = register_create(actor=kit.admin, agency=kit.agency, kind=RegisterKind.INCOMING, name="Sổ đến 2")
    with pytest.raises(PermissionDeniedError):
        register_set_default(actor=other_kit.admin, register=register)
    register.refresh_from_db()
    assert register.is_default is False


def test_sysadmin_may_administer_any_agency(kit: AgencyKit, sysadmin_actor: Actor) -> None:
    unit = unit_create(actor=sysadmin_actor, agency=kit.agency, name="Phòng Nội vụ", abbreviation="NV")
    assert unit.agency_id == kit.agency.pk
