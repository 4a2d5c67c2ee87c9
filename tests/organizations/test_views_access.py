"""Negative permission tests for every administration screen (docs/architecture.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit, registered_document
from tests.organizations.conftest import client_for
from vanthu.core.errors import NotFoundError
from vanthu.core.models import Holiday
from vanthu.documents.models import Register
from vanthu.documents.selectors import incoming_get_for_user

pytestmark = pytest.mark.django_db

Args = Callable[[AgencyKit], dict[str, Any]]


def _none(kit: AgencyKit) -> dict[str, Any]:
    return {}


def _unit(kit: AgencyKit) -> dict[str, Any]:
    return {"unit_id": kit.finance.pk}


def _membership(kit: AgencyKit) -> dict[str, Any]:
    assert kit.specialist.membership is not None
    return {"membership_id": kit.specialist.membership.pk}


def _register(kit: AgencyKit) -> dict[str, Any]:
    return {"register_id": Register.objects.filter(agency=kit.agency).order_by("id").first().pk}  # type: ignore[union-attr]


def _position(kit: AgencyKit) -> dict[str, Any]:
    from vanthu.organizations.services import position_create

    return {"position_id": position_create(actor=None, agency=kit.agency, name="Giám đốc").pk}


# name, kwargs, method
AGENCY_SCREENS: list[tuple[str, Args, str]] = [
    ("index", _none, "get"),
    ("unit_list", _none, "get"),
    ("unit_add", _none, "get"),
    ("unit_edit", _unit, "get"),
    ("unit_deactivate", _unit, "post"),
    ("position_list", _none, "get"),
    ("position_add", _none, "get"),
    ("position_edit", _position, "get"),
    ("member_list", _none, "get"),
    ("member_add", _none, "get"),
    ("member_roles", _membership, "get"),
    ("member_deactivate", _membership, "post"),
    ("member_password", _membership, "get"),
    ("register_list", _none, "get"),
    ("register_add", _none, "get"),
    ("register_edit", _register, "get"),
    ("register_default", _register, "post"),
]
OBJECT_SCREENS = [s for s in AGENCY_SCREENS if s[1] is not _none]
CALENDAR_EDITS: list[tuple[str, dict[str, Any]]] = [
    ("holiday_add", {}),
    ("working_weekend_add", {}),
    ("holidays_seed", {}),
    ("holiday_remove", {"holiday_id": 1}),
    ("working_weekend_remove", {"working_weekend_id": 1}),
]


def _call(client: Client, name: str, kwargs: dict[str, Any], method: str) -> Any:
    url = reverse(f"web:organizations:{name}", kwargs=kwargs)
    return client.post(url) if method == "post" else client.get(url)


@pytest.mark.parametrize(("name", "args", "method"), [*AGENCY_SCREENS, ("calendar", _none, "get")])
def test_anonymous_is_sent_to_login(kit: AgencyKit, client: Client, name: str, args: Args, method: str) -> None:
    response = _call(client, name, args(kit), method)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize(("name", "args", "method"), [*AGENCY_SCREENS, ("calendar", _none, "get")])
def test_specialist_is_forbidden(kit: AgencyKit, name: str, args: Args, method: str) -> None:
    response = _call(client_for(kit.specialist), name, args(kit), method)
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "args", "method"), [s for s in AGENCY_SCREENS if s[0] != "index"])
def test_clerk_is_forbidden(kit: AgencyKit, name: str, args: Args, method: str) -> None:
    assert _call(client_for(kit.clerk), name, args(kit), method).status_code == 403


@pytest.mark.parametrize(("name", "args", "method"), OBJECT_SCREENS)
def test_admin_of_another_agency_gets_not_found(
    kit: AgencyKit, other_kit: AgencyKit, name: str, args: Args, method: str
) -> None:
    response = _call(client_for(other_kit.admin), name, args(kit), method)
    assert response.status_code == 404


def test_foreign_deactivation_attempt_leaves_the_membership_active(kit: AgencyKit, other_kit: AgencyKit) -> None:
    _call(client_for(other_kit.admin), "member_deactivate", _membership(kit), "post")
    assert kit.specialist.membership is not None
    kit.specialist.membership.refresh_from_db()
    assert kit.specialist.membership.is_active


@pytest.mark.parametrize(("name", "kwargs"), CALENDAR_EDITS)
def test_agency_admin_cannot_edit_the_calendar(kit: AgencyKit, name: str, kwargs: dict[str, Any]) -> None:
    client = client_for(kit.admin)
    response = client.post(reverse(f"web:organizations:{name}", kwargs=kwargs),
                           {"holiday-date": "2026-11-24", "holiday-name": "Ngày lạ", "year": "2026"})
    assert response.status_code == 403
    assert not Holiday.objects.exists()


@pytest.mark.parametrize(("name", "kwargs"), CALENDAR_EDITS)
def test_anonymous_calendar_edit_is_sent_to_login(client: Client, name: str, kwargs: dict[str, Any]) -> None:
    response = client.post(reverse(f"web:organizations:{name}", kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_actions_refuse_get(kit: AgencyKit) -> None:
    client = client_for(kit.admin)
    assert _call(client, "unit_deactivate", _unit(kit), "get").status_code == 405
    kit.finance.refresh_from_db()
    assert kit.finance.is_active


def test_agency_admin_role_gives_no_access_to_document_content(kit: AgencyKit) -> None:
    document = registered_document(kit)
    with pytest.raises(NotFoundError):
        incoming_get_for_user(actor=kit.admin, document_id=document.pk)
