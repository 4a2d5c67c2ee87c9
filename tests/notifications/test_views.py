from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.builders import AgencyKit
from tests.notifications.helpers import emit
from vanthu.notifications.enums import NotificationKind
from vanthu.notifications.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db


def url(name: str, *args: Any) -> str:
    return reverse(f"web:notifications:{name}", args=args)


def _client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("method", "name", "args"), [
    ("get", "list", ()), ("get", "unread_count", ()), ("post", "mark_read", (1,)),
    ("post", "mark_all_read", ()), ("get", "settings", ()), ("post", "settings", ()),
])
def test_anonymous_is_sent_to_login(client: Client, method: str, name: str, args: tuple[int, ...]) -> None:
    response = getattr(client, method)(url(name, *args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_list_shows_only_my_notifications(kit: AgencyKit) -> None:
    emit(kit.specialist.user, key="a", title="Việc của chuyên viên")
    emit(kit.finance_head.user, key="a", title="Việc của trưởng phòng")
    response = _client_for(kit.specialist.user).get(url("list"))
    assert response.status_code == 200
    assert "Việc của chuyên viên" in response.text
    assert "Việc của trưởng phòng" not in response.text


def test_list_query_count_does_not_grow_with_notifications(kit: AgencyKit) -> None:
    client = _client_for(kit.specialist.user)
    for i in range(2):
        emit(kit.specialist.user, key=f"few:{i}")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url("list")).status_code == 200
    for i in range(30):
        emit(kit.specialist.user, key=f"many:{i}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("list"))
    assert response.context["page"].paginator.count == 32
    assert len(response.context["page"].object_list) == 20
    assert len(many) == len(few)


def test_cannot_mark_another_users_notification(kit: AgencyKit) -> None:
    [theirs] = emit(kit.finance_head.user)
    response = _client_for(kit.specialist.user).post(url("mark_read", theirs.pk))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_own_returns_json_count(kit: AgencyKit) -> None:
    [first] = emit(kit.specialist.user, key="a")
    emit(kit.specialist.user, key="b")
    response = _client_for(kit.specialist.user).post(url("mark_read", first.pk), HTTP_ACCEPT="application/json")
    assert response.json() == {"unread": 1}
    first.refresh_from_db()
    assert first.read_at is not None


def test_mark_read_ignores_an_offsite_next(kit: AgencyKit) -> None:
    [mine] = emit(kit.specialist.user)
    response = _client_for(kit.specialist.user).post(url("mark_read", mine.pk), {"next": "https://evil.example/"})
    assert response["Location"] == url("list")


def test_mark_all_read_leaves_others_unread(kit: AgencyKit) -> None:
    emit(kit.specialist.user, key="a")
    emit(kit.finance_head.user, key="a")
    response = _client_for(kit.specialist.user).post(url("mark_all_read"))
    assert response.status_code == 302
    assert list(Notification.objects.filter(read_at__isnull=True).values_list("user_id", flat=True)) == [
        kit.finance_head.user.pk]


def test_unread_count_counts_only_mine(kit: AgencyKit) -> None:
    emit(kit.specialist.user, key="a")
    emit(kit.finance_head.user, key="a")
    emit(kit.finance_head.user, key="b")
    assert _client_for(kit.specialist.user).get(url("unread_count")).json() == {"unread": 1}


def test_settings_page_stores_channel_choices(kit: AgencyKit) -> None:
    client = _client_for(kit.specialist.user)
    page = client.get(url("settings"))
    assert page.status_code == 200 and 'name="email_OVERDUE"' in page.text
    everything_on_but_overdue_email = {
        f"{channel}_{kind.value}": "on" for kind in NotificationKind for channel in ("in_app", "email")
    }
    del everything_on_but_overdue_email["email_OVERDUE"]
    response = client.post(url("settings"), everything_on_but_overdue_email)
    assert response.status_code == 302
    assert list(NotificationPreference.objects.filter(user=kit.specialist.user).values_list(
        "kind", "in_app", "email")) == [(NotificationKind.OVERDUE.value, True, False)]


def test_bell_renders_nothing_for_anonymous() -> None:
    request = RequestFactory().get("/")
    assert render_to_string("notifications/bell.html", {"actor": None}, request=request).strip() == ""


def test_bell_shows_unread_badge_and_latest_ten(kit: AgencyKit) -> None:
    for i in range(12):
        emit(kit.specialist.user, key=f"n{i}", title=f"Thông báo số {i}")
    request = RequestFactory().get("/")
    html = render_to_string("notifications/bell.html", {"actor": kit.specialist}, request=request)
    assert 'data-unread="12"' in html
    assert "Thông báo số 11" in html and "Thông báo số 2" in html
    assert "Thông báo số 1<" not in html and "Thông báo số 0" not in html
