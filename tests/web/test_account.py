from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.builders import AgencyKit
from tests.web.conftest import LoginAs
from vanthu.core.models import AuditEvent
from vanthu.organizations.actor import SESSION_KEY
from vanthu.organizations.services import membership_create

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-dai-123"


def _current_token(device: TOTPDevice) -> str:
    return str(TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()).zfill(device.digits)


def _confirmed_device(kit: AgencyKit) -> TOTPDevice:
    return TOTPDevice.objects.create(user=kit.clerk.user, name="Vanthu", confirmed=True)


def test_anonymous_visitor_is_sent_to_login_with_next(client: Client) -> None:
    response = client.get(reverse("web:incoming_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))
    assert "next=/van-ban-den/" in response["Location"]


def test_login_page_is_vietnamese(client: Client) -> None:
    body = client.get(reverse("web:login")).content.decode()
    assert "Đăng nhập" in body and "Mật khẩu" in body and 'lang="vi"' in body


def test_password_login_opens_the_home_page(client: Client, kit: AgencyKit) -> None:
    response = client.post(reverse("web:login"), {"username": kit.clerk.user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


def test_wrong_password_shows_a_vietnamese_error(client: Client, kit: AgencyKit) -> None:
    response = client.post(reverse("web:login"), {"username": kit.clerk.user.username, "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_login_with_a_vietnamese_page(client: Client, kit: AgencyKit) -> None:
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("web:login"), {"username": kit.clerk.user.username, "password": "sai"})
    assert "web/locked_out.html" in [t.name for t in response.templates]
    assert "tạm thời bị khóa" in response.content.decode()
    # Even the right password is refused while locked.
    response = client.post(reverse("web:login"), {"username": kit.clerk.user.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "tạm thời bị khóa" in response.content.decode()


def test_user_with_totp_device_must_pass_the_second_step(client: Client, kit: AgencyKit) -> None:
    device = _confirmed_device(kit)
    response = client.post(reverse("web:login"), {"username": kit.clerk.user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login_otp"))
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("web:home")).status_code == 302

    bad = "000000" if _current_token(device) != "000000" else "111111"
    wrong = client.post(reverse("web:login_otp"), {"token": bad})
    assert "Mã xác thực không đúng" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("web:login_otp"), {"token": _current_token(device)})
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 200


def test_otp_step_without_a_password_first_goes_back_to_login(client: Client) -> None:
    response = client.get(reverse("web:login_otp"))
    assert response.status_code == 302 and response["Location"] == reverse("web:login")


def test_session_without_the_second_step_is_logged_out(kit: AgencyKit, login_as: LoginAs) -> None:
    _confirmed_device(kit)
    client = login_as(kit.clerk)  # a password-only session (e.g. from before the device was added)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def test_totp_setup_shows_a_qr_code_and_confirms_with_a_code(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    page = client.get(reverse("web:otp_setup")).content.decode()
    assert "<svg" in page and 'id="otp-secret"' in page
    device = TOTPDevice.objects.get(user=kit.clerk.user, confirmed=False)
    response = client.post(reverse("web:otp_setup"), {"token": _current_token(device)}, follow=True)
    device.refresh_from_db()
    assert device.confirmed
    assert "Đã bật xác thực hai bước." in response.content.decode()
    assert AuditEvent.objects.filter(event_type="user.totp_enabled", target_id=str(kit.clerk.user.pk)).exists()
    # The session that proved the code stays signed in.
    assert client.get(reverse("web:home")).status_code == 200


def test_totp_setup_refuses_a_wrong_code(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    client.get(reverse("web:otp_setup"))
    device = TOTPDevice.objects.get(user=kit.clerk.user)
    bad = "123456" if _current_token(device) != "123456" else "654321"
    response = client.post(reverse("web:otp_setup"), {"token": bad})
    device.refresh_from_db()
    assert not device.confirmed
    assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()


def test_logout_needs_post(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.clerk)
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_user_switches_to_another_of_their_memberships(kit: AgencyKit, other_kit: AgencyKit, login_as: LoginAs) -> None:
    second = membership_create(actor=None, user=kit.specialist.user, agency=other_kit.agency, roles=["CLERK"],
                               unit=other_kit.office)
    client = login_as(kit.specialist)
    home = client.get(reverse("web:home")).content.decode()
    assert 'id="membership-switch"' in home
    response = client.post(reverse("web:membership_switch"), {"membership": second.pk, "next": "/van-ban-den/"})
    assert response.status_code == 302 and response["Location"] == "/van-ban-den/"
    assert client.session[SESSION_KEY] == second.pk
    assert other_kit.agency.abbreviation in client.get(reverse("web:home")).content.decode()


def test_user_cannot_switch_to_someone_elses_membership(kit: AgencyKit, login_as: LoginAs) -> None:
    client = login_as(kit.specialist)
    others = kit.clerk.membership
    assert others is not None
    response = client.post(reverse("web:membership_switch"), {"membership": others.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


def test_language_switch_to_english_is_offered(kit: AgencyKit, login_as: LoginAs) -> None:
    body = login_as(kit.clerk).get(reverse("web:home")).content.decode()
    assert 'id="language-switch"' in body and 'value="en"' in body and 'value="vi"' in body
