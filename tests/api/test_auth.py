"""Token auth, session auth and the 401 side of the error contract."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tests.api.conftest import assert_error, bearer
from tests.builders import AgencyKit
from vanthu.api.models import ApiToken
from vanthu.api.services import api_token_create, api_token_revoke
from vanthu.core.errors import NotFoundError
from vanthu.core.models import AuditEvent
from vanthu.organizations.services import membership_deactivate

pytestmark = pytest.mark.django_db


def test_token_is_stored_only_as_its_hash_and_creation_is_audited(kit: AgencyKit) -> None:
    token, plain = api_token_create(actor=kit.clerk, name="Phần mềm một cửa", expires_in_days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {stored.key_hash, stored.prefix, stored.name} and plain.startswith(stored.prefix)
    assert stored.membership_id == kit.clerk.membership.pk  # type: ignore[union-attr]
    event = AuditEvent.objects.get(event_type="api_token.created", target_id=str(token.pk))
    assert plain not in str(event.data) and event.data["prefix"] == stored.prefix


def test_bearer_token_authenticates_as_its_membership(client: Client, kit: AgencyKit) -> None:
    response = client.get("/api/v1/me", headers=bearer(kit.leader))
    assert response.status_code == 200
    assert response.json()["user"]["id"] == kit.leader.user.pk and response.json()["roles"] == ["LEADER"]
    assert ApiToken.objects.get(user=kit.leader.user).last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer ", "Bearer vt_khong-ton-tai", "Bearer abc", "Basic dXNlcjpwYXNz"])
def test_missing_or_unknown_credentials_get_401_in_the_contract(client: Client, kit: AgencyKit,
                                                                  header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    assert_error(client.get("/api/v1/me", headers=headers), 401)


def test_revoked_token_is_refused(client: Client, kit: AgencyKit) -> None:
    token, plain = api_token_create(actor=kit.clerk, name="cũ", expires_in_days=30)
    api_token_revoke(actor=kit.clerk, token_id=token.pk)
    body = assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}), 401, "token_revoked")
    assert body["message"] == "Token đã bị thu hồi."
    assert AuditEvent.objects.filter(event_type="api_token.revoked", target_id=str(token.pk)).count() == 1


def test_expired_token_is_refused(client: Client, kit: AgencyKit) -> None:
    token, plain = api_token_create(actor=kit.clerk, name="hết hạn", expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert_error(client.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}), 401, "token_expired")


def test_token_of_a_deactivated_membership_is_refused(client: Client, kit: AgencyKit) -> None:
    headers = bearer(kit.specialist)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    membership_deactivate(actor=kit.admin, membership=kit.specialist.membership)  # type: ignore[arg-type]
    assert_error(client.get("/api/v1/me", headers=headers), 401, "token_inactive")


def test_a_user_cannot_revoke_someone_elses_token(kit: AgencyKit) -> None:
    token, _plain = api_token_create(actor=kit.clerk, name="của văn thư", expires_in_days=30)
    with pytest.raises(NotFoundError):
        api_token_revoke(actor=kit.specialist, token_id=token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    api_token_revoke(actor=kit.admin, token_id=token.pk)  # the agency administrator may
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_token_lifetime_must_be_sensible(kit: AgencyKit, days: int) -> None:
    from vanthu.core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        api_token_create(actor=kit.clerk, name="x", expires_in_days=days)
    assert not ApiToken.objects.exists()


def test_management_command_creates_a_working_token_and_revokes_it(client: Client, kit: AgencyKit) -> None:
    out = StringIO()
    call_command("api_token", "create", "--user", kit.clerk.user.username, "--name", "Cổng dịch vụ công",
                 "--days", "7", stdout=out)
    plain = out.getvalue().strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).json()["user"]["username"] == kit.clerk.user.username
    token = ApiToken.objects.get(user=kit.clerk.user)
    listing = StringIO()
    call_command("api_token", "list", "--user", kit.clerk.user.username, stdout=listing)
    assert token.prefix in listing.getvalue() and plain not in listing.getvalue()
    call_command("api_token", "revoke", "--user", kit.clerk.user.username, "--id", str(token.pk), stdout=StringIO())
    assert_error(client.get("/api/v1/me", headers=headers), 401, "token_revoked")


def test_browser_session_works_and_writes_need_the_csrf_token(kit: AgencyKit) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(kit.clerk.user)
    assert browser.get("/api/v1/me").json()["user"]["id"] == kit.clerk.user.pk
    doc_response = browser.post("/api/v1/incoming/1/share", data={"user_id": 1}, content_type="application/json")
    assert_error(doc_response, 403, "csrf_failed")


def test_messages_follow_accept_language(client: Client, kit: AgencyKit) -> None:
    response = client.get("/api/v1/me", headers={"Accept-Language": "en"})
    assert_error(response, 401, "unauthenticated")
    assert response["Content-Language"] == "en"
    vietnamese = client.get("/api/v1/me")
    assert vietnamese["Content-Language"] == "vi" and "Chưa đăng nhập" in vietnamese.json()["message"]
