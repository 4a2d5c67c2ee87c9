"""The Django admin for system administrators: Vietnamese titles, QCVN 102 validation, audit of admin edits."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit
from tests.organizations.conftest import client_for
from vanthu.core.models import AuditEvent, Holiday
from vanthu.organizations.models import Agency, AgencyLevel, Membership, User

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "organizations_agency", "organizations_agencylevel", "organizations_unit", "organizations_position",
    "organizations_user", "organizations_membership", "documents_documenttype", "documents_register",
    "core_holiday", "core_workingweekend", "core_auditevent",
]


@pytest.fixture
def root(superuser: User) -> Client:
    return client_for(superuser)


@pytest.mark.parametrize("name", CHANGELISTS)
def test_every_registered_changelist_opens(kit: AgencyKit, root: Client, name: str) -> None:
    assert root.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_index_title_is_vietnamese(root: Client) -> None:
    assert "Quản trị hệ thống Vanthu" in root.get(reverse("admin:index")).content.decode()


def test_agency_admin_role_does_not_open_the_django_admin(kit: AgencyKit) -> None:
    response = client_for(kit.admin).get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _agency_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {"name": "Sở Nội vụ", "abbreviation": "SNV", "kind": "STATE",
                               "level": AgencyLevel.objects.get(code="DEPARTMENT").pk, "organ_id": "000.00.05.H49",
                               "is_active": "on"}
    data.update(overrides)
    return data


def test_admin_refuses_a_state_agency_with_a_bad_code(root: Client) -> None:
    response = root.post(reverse("admin:organizations_agency_add"), _agency_form(organ_id="H37.DN.001"))
    assert response.status_code == 200
    assert "organ_id" in response.context["adminform"].form.errors
    assert not Agency.objects.filter(name="Sở Nội vụ").exists()


def test_admin_saves_a_good_agency_and_audits_it(root: Client, superuser: User) -> None:
    response = root.post(reverse("admin:organizations_agency_add"), _agency_form(organ_id="000.00.05.h49"))
    assert response.status_code == 302
    agency = Agency.objects.get(name="Sở Nội vụ")
    assert agency.organ_id == "000.00.05.H49"
    event = AuditEvent.objects.get(event_type="agency.admin_created", target_id=str(agency.pk))
    assert event.actor_id == superuser.pk and event.agency_id == agency.pk
    assert event.data["changed"]["organ_id"] == "000.00.05.H49"


def test_admin_warns_about_a_code_with_a_gap(root: Client) -> None:
    response = root.post(reverse("admin:organizations_agency_add"), _agency_form(organ_id="000.12.00.H53"),
                         follow=True)
    assert Agency.objects.filter(organ_id="000.12.00.H53").exists()
    assert "nhóm bằng 0" in response.content.decode()


def test_admin_accepts_a_press_agency_without_code(root: Client) -> None:
    response = root.post(reverse("admin:organizations_agency_add"),
                         _agency_form(kind="PRESS", organ_id="", name="Báo Quảng Ninh", level=""))
    assert response.status_code == 302
    assert Agency.objects.get(name="Báo Quảng Ninh").organ_id is None


def test_agency_parent_uses_autocomplete(root: Client) -> None:
    body = root.get(reverse("admin:organizations_agency_add")).content.decode()
    assert "admin-autocomplete" in body


def test_membership_roles_change_in_admin_is_audited_with_roles(kit: AgencyKit, root: Client) -> None:
    membership = kit.specialist.membership
    assert membership is not None
    response = root.post(
        reverse("admin:organizations_membership_change", args=[membership.pk]),
        {"user": membership.user_id, "agency": kit.agency.pk, "unit": kit.finance.pk, "position": "",
         "roles": ["SPECIALIST", "CLERK"], "is_active": "on"},
    )
    assert response.status_code == 302
    assert set(Membership.objects.get(pk=membership.pk).roles.values_list("code", flat=True)) == {"SPECIALIST",
                                                                                                   "CLERK"}
    event = AuditEvent.objects.get(event_type="membership.admin_changed", target_id=str(membership.pk))
    assert event.data["changed"]["roles"] == ["CLERK", "SPECIALIST"] and event.agency_id == kit.agency.pk


def test_unit_deleted_in_admin_is_audited(kit: AgencyKit, root: Client) -> None:
    from vanthu.organizations.models import Unit

    unit = Unit.objects.create(agency=kit.agency, name="Phòng tạm", abbreviation="PTAM")
    response = root.post(reverse("admin:organizations_unit_delete", args=[unit.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()
    assert AuditEvent.objects.filter(event_type="unit.admin_deleted", target_id=str(unit.pk)).exists()


def test_user_admin_creates_a_user_with_full_name(root: Client) -> None:
    response = root.post(reverse("admin:organizations_user_add"), {
        "username": "lethic", "full_name": "Lê Thị C", "email": "c@example.vn", "usable_password": "true",
        "password1": "Mat-khau-rat-dai-2026", "password2": "Mat-khau-rat-dai-2026",
    })
    assert response.status_code == 302
    assert User.objects.get(username="lethic").full_name == "Lê Thị C"


def test_user_change_page_shows_secret_clearance(kit: AgencyKit, root: Client) -> None:
    body = root.get(reverse("admin:organizations_user_change", args=[kit.clerk.user.pk])).content.decode()
    assert 'name="can_handle_secret"' in body and 'name="full_name"' in body


def test_holiday_added_in_admin_is_audited(root: Client) -> None:
    response = root.post(reverse("admin:core_holiday_add"), {"date": "24/11/2026", "name": "Ngày Văn hóa"})
    assert response.status_code == 302
    holiday = Holiday.objects.get()
    assert AuditEvent.objects.filter(event_type="holiday.admin_created", target_id=str(holiday.pk)).exists()


def test_audit_log_has_no_add_change_or_delete(kit: AgencyKit, root: Client) -> None:
    model_admin = admin.site._registry[AuditEvent]
    request = root.get(reverse("admin:index")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    assert root.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert root.post(reverse("admin:core_auditevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    root.post(reverse("admin:core_auditevent_change", args=[event.pk]), {"event_type": "forged"})
    event.refresh_from_db()
    assert event.event_type != "forged"


def test_audit_log_search_finds_events_by_type(kit: AgencyKit, root: Client) -> None:
    response = root.get(reverse("admin:core_auditevent_changelist"), {"q": "membership.created"})
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows and {row.event_type for row in rows} == {"membership.created"}
