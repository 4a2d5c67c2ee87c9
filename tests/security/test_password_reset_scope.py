"""An agency administrator resets passwords only for accounts that live entirely in their agency."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit
from vanthu.api.models import ApiToken
from vanthu.api.services import api_token_create
from vanthu.core.errors import PermissionDeniedError
from vanthu.core.models import AuditEvent
from vanthu.organizations.actor import actor_for
from vanthu.organizations.models import Membership, User
from vanthu.organizations.services import membership_create, membership_deactivate, user_password_reset

pytestmark = pytest.mark.django_db

OLD_PASSWORD = "Mat-khau-dai-123"
NEW_PASSWORD = "Mat-khau-moi-rat-dai-2026"


def _membership_in(kit: AgencyKit, user: User) -> Membership:
    return Membership.objects.get(user=user, agency=kit.agency, is_active=True)


def _post_reset(client: Client, membership: Membership) -> int:
    url = reverse("web:organizations:member_password", args=[membership.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    return int(response.status_code)


def _admin_client(kit: AgencyKit) -> Client:
    client = Client()
    client.force_login(kit.admin.user)
    return client


@pytest.mark.parametrize("roles", [["AGENCY_ADMIN"], ["SPECIALIST"]])
def test_admin_cannot_reset_a_user_who_also_works_in_another_agency(
    kit: AgencyKit, other_kit: AgencyKit, roles: list[str]
) -> None:
    # The admin of B is also a specialist in A: the admin of A must not be able to take the account over.
    target = other_kit.admin.user if roles == ["AGENCY_ADMIN"] else other_kit.specialist.user
    local = membership_create(actor=None, user=target, agency=kit.agency, roles=["SPECIALIST"], unit=kit.finance)

    with pytest.raises(PermissionDeniedError):
        user_password_reset(actor=kit.admin, membership=local, password=NEW_PASSWORD)
    assert _post_reset(_admin_client(kit), local) in (403, 404)
    assert _admin_client(kit).get(
        reverse("web:organizations:member_password", args=[local.pk])
    ).status_code in (403, 404)

    target.refresh_from_db()
    assert target.check_password(OLD_PASSWORD) and not target.check_password(NEW_PASSWORD)
    assert not AuditEvent.objects.filter(event_type="user.password_reset", target_id=str(target.pk)).exists()


def test_admin_cannot_reset_a_former_member(kit: AgencyKit) -> None:
    target = kit.specialist.user
    membership = _membership_in(kit, target)
    membership_deactivate(actor=kit.admin, membership=membership)

    with pytest.raises(PermissionDeniedError) as info:
        user_password_reset(actor=kit.admin, membership=membership, password=NEW_PASSWORD)
    assert info.value.code == "membership_inactive"
    assert _post_reset(_admin_client(kit), membership) in (403, 404)
    target.refresh_from_db()
    assert target.check_password(OLD_PASSWORD)


def test_former_membership_elsewhere_does_not_block_the_reset(kit: AgencyKit, other_kit: AgencyKit) -> None:
    target = kit.specialist.user
    old = membership_create(actor=None, user=target, agency=other_kit.agency, roles=["SPECIALIST"])
    membership_deactivate(actor=other_kit.admin, membership=old)
    user_password_reset(actor=kit.admin, membership=_membership_in(kit, target), password=NEW_PASSWORD)
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)


def test_admin_resets_a_user_who_only_belongs_to_the_agency_and_tokens_are_revoked(kit: AgencyKit) -> None:
    target = kit.specialist.user
    token, _plain = api_token_create(actor=kit.specialist, name="kịch bản", expires_in_days=30)

    assert _post_reset(_admin_client(kit), _membership_in(kit, target)) == 302

    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.filter(user=target, revoked_at__isnull=True).exists()
    [event] = AuditEvent.objects.filter(event_type="user.password_reset", target_id=str(target.pk))
    [revoked] = AuditEvent.objects.filter(event_type="api_token.revoked", target_id=str(target.pk))
    assert revoked.data["tokens"] == [token.pk]
    assert NEW_PASSWORD not in str(event.data) and NEW_PASSWORD not in str(revoked.data)


def test_revoked_token_no_longer_opens_the_api(kit: AgencyKit, client: Client) -> None:
    _token, plain = api_token_create(actor=kit.specialist, name="kịch bản", expires_in_days=30)
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    user_password_reset(actor=kit.admin, membership=_membership_in(kit, kit.specialist.user), password=NEW_PASSWORD)
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401


def test_sysadmin_may_reset_a_user_of_several_agencies(kit: AgencyKit, other_kit: AgencyKit) -> None:
    target = other_kit.specialist.user
    local = membership_create(actor=None, user=target, agency=kit.agency, roles=["SPECIALIST"])
    root = User.objects.create_superuser(username="hethong", password=OLD_PASSWORD, full_name="Quản trị hệ thống")
    user_password_reset(actor=actor_for(root), membership=local, password=NEW_PASSWORD)
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)
