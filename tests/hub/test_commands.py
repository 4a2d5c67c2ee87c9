"""``vanthu hub system …`` and ``vanthu hub agency …`` (the secret is never printed)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from vanthu.cli import HUB_SETTINGS, main
from vanthu.hub.models import ConnectedSystem, HubAgency, HubEvent

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("hub", *args, stdout=out)
    return out.getvalue()


def test_system_add_takes_the_secret_from_the_environment_and_never_prints_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VANTHU_HUB_SYSTEM_SECRET", "s3cret-value")
    out = _run("system", "add", "--system-id", "SYS-Q", "--agency", "000.00.00.H22")
    system = ConnectedSystem.objects.get(system_id="SYS-Q")
    assert system.secret == "s3cret-value" and "s3cret-value" not in out
    assert HubAgency.objects.get(code="000.00.00.H22").system == system
    assert "s3cret-value" not in str(list(HubEvent.objects.values_list("data", flat=True)))
    assert "s3cret-value" not in _run("system", "list") and "SYS-Q" in _run("system", "list")


def test_system_add_again_rotates_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    _run("system", "add", "--system-id", "SYS-Q", "--secret", "one")
    monkeypatch.setenv("MY_SECRET", "two")
    _run("system", "add", "--system-id", "SYS-Q", "--secret-env", "MY_SECRET")
    assert ConnectedSystem.objects.get().secret == "two"


def test_system_add_without_a_secret_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VANTHU_HUB_SYSTEM_SECRET", raising=False)
    with pytest.raises(CommandError, match="khóa bí mật"):
        _run("system", "add", "--system-id", "SYS-Q")


def test_agency_add_list_and_delete() -> None:
    _run("system", "add", "--system-id", "SYS-Q", "--secret", "x")
    _run("agency", "add", "--code", "000.00.00.H22", "--name", "UBND tỉnh Khánh Hòa", "--system", "SYS-Q")
    _run("agency", "add", "--code", "000.00.05.H22", "--name", "Sở Tài chính", "--parent", "000.00.00.H22",
         "--system", "SYS-Q")
    listing = _run("agency", "list")
    assert "000.00.05.H22\tSở Tài chính\t000.00.00.H22\tSYS-Q\tv1" in listing
    _run("agency", "delete", "--code", "000.00.05.H22")
    assert "(đã xóa)" in _run("agency", "list")


def test_agency_add_moves_an_agency_between_systems_for_the_administrator() -> None:
    _run("system", "add", "--system-id", "SYS-Q", "--secret", "x", "--agency", "000.00.00.H22")
    _run("system", "add", "--system-id", "SYS-R", "--secret", "y")
    _run("agency", "add", "--code", "000.00.00.H22", "--name", "UBND", "--system", "SYS-R")
    agency = HubAgency.objects.get()
    assert agency.system.system_id == "SYS-R" and agency.version == 2
    assert HubEvent.objects.filter(event_type="agency.moved").exists()


def test_agency_add_for_an_unknown_system_or_with_a_bad_code_fails() -> None:
    with pytest.raises(CommandError, match="SYS-NONE"):
        _run("agency", "add", "--code", "000.00.00.H22", "--name", "X", "--system", "SYS-NONE")
    _run("system", "add", "--system-id", "SYS-Q", "--secret", "x")
    with pytest.raises(CommandError, match="không hợp lệ"):
        _run("agency", "add", "--code", "khong-phai-ma", "--name", "X", "--system", "SYS-Q")


def test_cli_selects_the_hub_settings_unless_hub_settings_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr("django.core.management.execute_from_command_line",
                        lambda argv: seen.append(__import__("os").environ["DJANGO_SETTINGS_MODULE"]))
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "vanthu.config.settings_test")
    main(["hub", "agency", "list"])
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "mysite.settings_hub_prod")
    main(["hub", "agency", "list"])
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", "vanthu.config.settings_test")
    main(["migrate"])
    assert seen == [HUB_SETTINGS, "mysite.settings_hub_prod", "vanthu.config.settings_test"]
