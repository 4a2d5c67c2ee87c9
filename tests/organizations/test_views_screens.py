"""Happy paths of the agency-administration screens, driven through the test client."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import AgencyKit
from tests.organizations.conftest import client_for
from vanthu.core.models import AuditEvent
from vanthu.documents.enums import RegisterKind
from vanthu.documents.models import Register
from vanthu.organizations.models import Membership, Position, Unit, User
from vanthu.organizations.services import member_create

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: int) -> str:
    return reverse(f"web:organizations:{name}", kwargs=kwargs)


def test_index_names_the_agency(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.get(url("index"))
    assert response.status_code == 200
    assert kit.agency.name in response.content.decode()


def test_unit_list_shows_own_units_only(kit: AgencyKit, other_kit: AgencyKit, admin_client_for_kit: Client) -> None:
    unit_create_other = Unit.objects.create(agency=other_kit.agency, name="Phòng Bí mật khác", abbreviation="BMK")
    body = admin_client_for_kit.get(url("unit_list")).content.decode()
    assert "Phòng Kế hoạch - Tài chính" in body
    assert unit_create_other.name not in body


def test_unit_add_creates_and_redirects(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("unit_add"), {"name": "Phòng Nội vụ", "abbreviation": "nv"})
    assert response.status_code == 302 and response["Location"] == url("unit_list")
    unit = Unit.objects.get(agency=kit.agency, abbreviation="NV")
    assert AuditEvent.objects.filter(event_type="unit.created", target_id=str(unit.pk)).exists()


def test_unit_add_shows_a_vietnamese_error_for_a_taken_abbreviation(kit: AgencyKit,
                                                                     admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("unit_add"), {"name": "Văn phòng 2", "abbreviation": "VP"})
    assert response.status_code == 200
    assert Unit.objects.filter(agency=kit.agency, abbreviation="VP").count() == 1
    assert response.context["form"].non_field_errors()


def test_unit_edit_renames(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("unit_edit", unit_id=kit.finance.pk),
                                         {"name": "Phòng Tài chính", "abbreviation": "TC"})
    assert response.status_code == 302
    kit.finance.refresh_from_db()
    assert kit.finance.name == "Phòng Tài chính"


def test_unit_deactivate_with_members_reports_why(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("unit_deactivate", unit_id=kit.finance.pk), follow=True)
    assert "còn người dùng" in response.content.decode()
    kit.finance.refresh_from_db()
    assert kit.finance.is_active


def test_unit_deactivate_of_an_empty_unit(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    unit = Unit.objects.create(agency=kit.agency, name="Phòng trống", abbreviation="PT")
    assert admin_client_for_kit.post(url("unit_deactivate", unit_id=unit.pk)).status_code == 302
    unit.refresh_from_db()
    assert unit.is_active is False


def test_position_add_and_edit(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("position_add"), {"name": "Phó Giám đốc", "is_deputy": "on"})
    assert response.status_code == 302
    position = Position.objects.get(agency=kit.agency, name="Phó Giám đốc")
    assert position.is_deputy
    admin_client_for_kit.post(url("position_edit", position_id=position.pk), {"name": "Phó Giám đốc Sở"})
    position.refresh_from_db()
    assert (position.name, position.is_deputy) == ("Phó Giám đốc Sở", False)
    assert "Phó Giám đốc Sở" in admin_client_for_kit.get(url("position_list")).content.decode()


def test_position_add_refuses_a_duplicate_name(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    admin_client_for_kit.post(url("position_add"), {"name": "Giám đốc", "is_head": "on"})
    response = admin_client_for_kit.post(url("position_add"), {"name": "Giám đốc"})
    assert response.status_code == 200
    assert Position.objects.filter(agency=kit.agency, name="Giám đốc").count() == 1


def _member_form(kit: AgencyKit, **overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "tranthib", "full_name": "Trần Thị B", "email": "b@example.vn", "unit": kit.office.pk,
        "roles": ["CLERK"], "password1": "Mat-khau-rat-dai-2026", "password2": "Mat-khau-rat-dai-2026",
    }
    data.update(overrides)
    return data


def test_member_add_creates_account_and_membership(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("member_add"), _member_form(kit))
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="tranthib")
    assert membership.agency_id == kit.agency.pk and membership.unit_id == kit.office.pk
    assert membership.role_codes() == frozenset({"CLERK"})


def test_member_add_form_does_not_offer_sysadmin(admin_client_for_kit: Client) -> None:
    body = admin_client_for_kit.get(url("member_add")).content.decode()
    assert 'value="AGENCY_ADMIN"' in body
    assert 'value="SYSADMIN"' not in body


def test_member_add_refuses_a_forged_sysadmin_role(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("member_add"), _member_form(kit, roles="SYSADMIN"))
    assert response.status_code == 200
    assert not User.objects.filter(username="tranthib").exists()


def test_member_add_refuses_a_unit_of_another_agency(kit: AgencyKit, other_kit: AgencyKit,
                                                      admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("member_add"), _member_form(kit, unit=other_kit.office.pk))  # type: ignore[arg-type]
    assert response.status_code == 200 and "unit" in response.context["form"].errors
    assert not User.objects.filter(username="tranthib").exists()


def test_member_add_refuses_mismatched_passwords(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("member_add"), _member_form(kit, password2="Khac-hoan-toan-2026"))
    assert response.status_code == 200 and "password2" in response.context["form"].errors


def test_member_roles_edit(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    page = admin_client_for_kit.get(url("member_roles", membership_id=membership.pk))
    assert page.context["form"].initial["roles"] == ["SPECIALIST"]
    response = admin_client_for_kit.post(url("member_roles", membership_id=membership.pk),
                                         {"roles": ["SPECIALIST", "UNIT_LEADER"]})
    assert response.status_code == 302
    assert set(membership.roles.values_list("code", flat=True)) == {"SPECIALIST", "UNIT_LEADER"}


def test_member_deactivate(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    membership = kit.specialist2.membership
    assert membership is not None
    assert admin_client_for_kit.post(url("member_deactivate", membership_id=membership.pk)).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False


def test_member_password_reset(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    response = admin_client_for_kit.post(url("member_password", membership_id=membership.pk),
                                         {"password1": "Mat-khau-moi-2026-xyz", "password2": "Mat-khau-moi-2026-xyz"})
    assert response.status_code == 302
    membership.user.refresh_from_db()
    assert membership.user.check_password("Mat-khau-moi-2026-xyz")


def test_member_list_shows_own_agency_and_search(kit: AgencyKit, other_kit: AgencyKit,
                                                 admin_client_for_kit: Client) -> None:
    body = admin_client_for_kit.get(url("member_list")).content.decode()
    assert kit.specialist.user.full_name in body
    assert other_kit.specialist.user.full_name not in body
    found = admin_client_for_kit.get(url("member_list"), {"q": "chuyenvien2"}).content.decode()
    assert kit.specialist2.user.username in found and kit.clerk.user.username not in found


def test_member_list_query_count_does_not_grow_with_members(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client_for_kit.get(url("member_list")).status_code == 200
        return len(ctx.captured_queries)

    baseline = count()
    for i in range(6):
        member_create(actor=kit.admin, agency=kit.agency, username=f"them{i}", full_name=f"Người thêm {i}",
                      password="Mat-khau-rat-dai-2026", roles=["SPECIALIST", "CLERK"], unit=kit.finance)
    assert count() == baseline
    assert baseline <= 15


def test_register_list_add_rename_and_default(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    response = admin_client_for_kit.post(url("register_add"),
                                         {"kind": RegisterKind.INCOMING, "name": "Sổ đến của Đảng ủy"})
    assert response.status_code == 302
    register = Register.objects.get(agency=kit.agency, name="Sổ đến của Đảng ủy")
    admin_client_for_kit.post(url("register_edit", register_id=register.pk), {"name": "Sổ đến Đảng ủy"})
    admin_client_for_kit.post(url("register_default", register_id=register.pk))
    register.refresh_from_db()
    assert register.name == "Sổ đến Đảng ủy" and register.is_default
    assert Register.objects.filter(agency=kit.agency, kind=RegisterKind.INCOMING, is_default=True).count() == 1
    assert "Sổ đến Đảng ủy" in admin_client_for_kit.get(url("register_list")).content.decode()


def test_sysadmin_without_agency_cannot_open_agency_screens(superuser: User) -> None:
    assert client_for(superuser).get(url("unit_list")).status_code == 403
