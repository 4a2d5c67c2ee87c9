"""The statistics API: the same figures as the screens, within the caller's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.api.conftest import Call, call  # noqa: F401 -- the fixture
from tests.reports.test_views import province  # noqa: F401 -- the fixture
from vanthu.organizations.actor import actor_for

pytestmark = pytest.mark.django_db


def test_the_province_viewer_pulls_the_figures(call: Call, province: dict[str, Any]) -> None:  # noqa: F811
    today = timezone.localdate()
    viewer = actor_for(province["viewer"])
    response = call(viewer, "get", f"/api/v1/stats?kind=month&year={today.year}&month={today.month}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agency"]["id"] == province["root"].agency.pk
    assert body["agency"]["subtree"]["counts"]["sent"] == 3
    assert body["agency"]["subtree"]["personal_signature_rate"] == "100.00"
    assert {c["id"] for c in body["children"]} == {province["first"].agency.pk, province["second"].agency.pk}
    assert len(body["trend"]) == 12 and body["period"] == [f"{today.year}-{today.month:02d}"]


def test_outside_the_scope_is_404_and_without_a_role_403(call: Call, province: dict[str, Any]) -> None:  # noqa: F811
    first, second = province["first"], province["second"]
    response = call(first.leader, "get", f"/api/v1/stats/agencies/{second.agency.pk}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = call(first.specialist, "get", "/api/v1/stats")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_quarter_needs_its_number(call: Call, province: dict[str, Any]) -> None:  # noqa: F811
    response = call(actor_for(province["viewer"]), "get", "/api/v1/stats?kind=quarter&year=2026")
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
