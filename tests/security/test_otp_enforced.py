"""The TOTP second factor cannot be skipped: a session opened with the password alone (e.g. through the stock Django
admin login) by a user who has a confirmed device is refused on every entry point."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.builders import AgencyKit
from vanthu.config.asgi import application
from vanthu.notifications.consumers import CLOSE_UNAUTHENTICATED
from vanthu.organizations.models import Role, User

PASSWORD = "Mat-khau-dai-123"

# (name, path) of every kind of entry point: a web page, the REST API, the agency administration screens, the
# register books, the notifications and the Django admin.
ENTRY_POINTS = [
    ("web", "/"),
    ("api", "/api/v1/me"),
    ("quan_tri", "/quan-tri/"),
    ("so_van_ban", "/so-van-ban/"),
    ("thong_bao", "/thong-bao/"),
    ("admin", "/admin/"),
]


def _staff_admin(kit: AgencyKit) -> User:
    """The agency administrator, also a clerk (to read the register books) and staff (to open the Django admin),
    so that one user reaches every entry point once fully signed in."""
    user = kit.admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert kit.admin.membership is not None
    kit.admin.membership.roles.add(Role.objects.get(code="CLERK"))
    return user


def _device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Vanthu", confirmed=True)


def _current_token(device: TOTPDevice) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


def _password_only(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _through_both_steps(user: User, device: TOTPDevice) -> Client:
    client = Client()
    first = client.post(reverse("web:login"), {"username": user.username, "password": PASSWORD})
    assert first.status_code == 302 and reverse("web:login_otp") in first["Location"]
    second = client.post(reverse("web:login_otp"), {"token": _current_token(device)})
    assert second.status_code == 302, second.content.decode()[:500]
    return client


def _is_refused(response: Any) -> bool:
    if response.status_code in (401, 403):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and ("/dang-nhap/" in location or "/admin/login/" in location)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ENTRY_POINTS)
def test_password_only_session_of_a_device_owner_is_refused(kit: AgencyKit, name: str, path: str) -> None:
    user = _staff_admin(kit)
    _device(user)
    response = _password_only(user).get(path)
    assert _is_refused(response), (name, response.status_code, response.get("Location"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ENTRY_POINTS)
def test_session_that_passed_the_totp_step_gets_through(kit: AgencyKit, name: str, path: str) -> None:
    user = _staff_admin(kit)
    client = _through_both_steps(user, _device(user))
    response = client.get(path)
    assert response.status_code == 200, (name, response.status_code, response.get("Location"))


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), ENTRY_POINTS)
def test_user_without_a_device_is_not_affected(kit: AgencyKit, name: str, path: str) -> None:
    response = _password_only(_staff_admin(kit)).get(path)
    assert response.status_code == 200, (name, response.status_code, response.get("Location"))


@pytest.mark.django_db
def test_refused_web_session_is_ended_so_the_login_page_does_not_loop(kit: AgencyKit) -> None:
    user = _staff_admin(kit)
    _device(user)
    client = _password_only(user)
    assert _is_refused(client.get("/thong-bao/"))
    login_page = client.get(reverse("web:login") + "?next=/thong-bao/")
    assert login_page.status_code == 200  # the form, not a redirect back to /thong-bao/
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_login_page_sends_to_the_two_step_login(client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert "next=/admin/" in response["Location"]


@pytest.mark.django_db
def test_admin_login_form_cannot_open_a_password_only_session(kit: AgencyKit) -> None:
    user = _staff_admin(kit)
    _device(user)
    client = Client()
    client.post("/admin/login/", {"username": user.username, "password": PASSWORD, "next": "/admin/"})
    assert "_auth_user_id" not in client.session
    assert _is_refused(client.get("/admin/"))
    assert client.get("/api/v1/me").status_code == 401


def _socket_connects(client: Client) -> tuple[bool, Any]:
    headers = [(b"origin", b"http://127.0.0.1"), (b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode())]

    async def scenario() -> tuple[bool, Any]:
        communicator = WebsocketCommunicator(application, "/ws/thong-bao/", headers=headers)
        result: tuple[bool, Any] = await communicator.connect(timeout=5)
        if result[0]:
            await communicator.disconnect()
        return result

    return async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_notification_socket_refuses_a_password_only_session(kit: AgencyKit) -> None:
    user = kit.specialist.user
    _device(user)
    connected, code = _socket_connects(_password_only(user))
    assert connected is False
    assert code == CLOSE_UNAUTHENTICATED


@pytest.mark.django_db(transaction=True)
def test_notification_socket_accepts_a_verified_session(kit: AgencyKit) -> None:
    user = kit.specialist.user
    connected, _ = _socket_connects(_through_both_steps(user, _device(user)))
    assert connected is True
