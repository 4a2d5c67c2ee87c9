"""The login guard counts failures per account and per address, whichever way the guesses are spread."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from tests.builders import AgencyKit

pytestmark = pytest.mark.django_db

PASSWORD = "Mat-khau-dai-123"
LIMIT = settings.AXES_FAILURE_LIMIT


def _login(username: str, password: str, *, peer: str = "127.0.0.1", **headers: str) -> Any:
    return Client(REMOTE_ADDR=peer).post(reverse("web:login"), {"username": username, "password": password},
                                         headers=headers)


def _logged_in(response: Any) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("web:home")


def _locked(response: Any) -> bool:
    return response.status_code == 429 and "web/locked_out.html" in [t.name for t in response.templates]


@override_settings(VANTHU_TRUSTED_PROXIES=["127.0.0.1"])
def test_guesses_from_ever_new_addresses_still_lock_the_account(kit: AgencyKit) -> None:
    username = kit.clerk.user.username
    for attempt in range(LIMIT):
        _login(username, "sai", x_forwarded_for=f"198.51.100.{attempt + 1}")
    assert _locked(_login(username, PASSWORD, x_forwarded_for="198.51.100.200"))


def test_guesses_at_many_accounts_from_one_address_lock_the_address(kit: AgencyKit) -> None:
    for attempt in range(LIMIT):
        _login(f"khong-co-{attempt}", "sai", peer="203.0.113.4")
    assert _locked(_login(kit.clerk.user.username, PASSWORD, peer="203.0.113.4"))


def test_a_locked_address_does_not_lock_the_account_elsewhere(kit: AgencyKit) -> None:
    for attempt in range(LIMIT):
        _login(f"khong-co-{attempt}", "sai", peer="203.0.113.4")
    assert _logged_in(_login(kit.clerk.user.username, PASSWORD, peer="203.0.113.5"))


def test_logging_in_to_ones_own_account_does_not_clear_the_failures_of_another(kit: AgencyKit) -> None:
    victim, insider = kit.leader.user.username, kit.specialist.user.username
    for _attempt in range(LIMIT - 1):
        _login(victim, "sai", peer="203.0.113.4")
    assert _logged_in(_login(insider, PASSWORD, peer="203.0.113.4"))
    _login(victim, "sai", peer="203.0.113.4")
    assert _locked(_login(victim, PASSWORD, peer="203.0.113.6"))


def test_a_successful_login_clears_the_accounts_own_failures(kit: AgencyKit) -> None:
    username = kit.clerk.user.username
    for _attempt in range(LIMIT - 1):
        _login(username, "sai", peer="203.0.113.4")
    assert _logged_in(_login(username, PASSWORD, peer="203.0.113.4"))
    for _attempt in range(LIMIT - 1):
        _login(username, "sai", peer="203.0.113.7")
    assert _logged_in(_login(username, PASSWORD, peer="203.0.113.7"))


def test_the_lockout_page_is_vietnamese_and_says_how_many_minutes(kit: AgencyKit) -> None:
    for _attempt in range(LIMIT):
        response = _login(kit.clerk.user.username, "sai")
    text = response.content.decode()
    assert "Tài khoản tạm thời bị khóa đăng nhập" in text
    assert f"Hãy thử lại sau {int(settings.AXES_COOLOFF_TIME * 60)} phút." in text
    assert "PT" not in text.split("Hãy thử lại sau", 1)[1][:20]  # not the ISO 8601 duration "PT15M"
