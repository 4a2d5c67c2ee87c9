from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.builders import AgencyKit
from tests.organizations.conftest import client_for
from vanthu.core.calendar import holidays_seed, today_local
from vanthu.core.models import Holiday, WorkingWeekend
from vanthu.organizations.models import User

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: int) -> str:
    return reverse(f"web:organizations:{name}", kwargs=kwargs)


def test_agency_admin_sees_the_calendar_read_only(kit: AgencyKit, admin_client_for_kit: Client) -> None:
    holidays_seed(years=[2026])
    response = admin_client_for_kit.get(url("calendar"), {"nam": 2026})
    body = response.content.decode()
    assert response.status_code == 200
    assert "17/02/2026" in body and "Tết Nguyên đán" in body
    assert response.context["can_edit"] is False
    assert url("holiday_add") not in body


def test_sysadmin_sees_edit_forms(superuser: User) -> None:
    response = client_for(superuser).get(url("calendar"), {"nam": 2026})
    assert response.status_code == 200 and response.context["can_edit"] is True
    assert url("holidays_seed") in response.content.decode()


def test_calendar_year_falls_back_to_this_year_on_garbage(superuser: User) -> None:
    response = client_for(superuser).get(url("calendar"), {"nam": "abc"})
    assert response.context["year"] == today_local().year


def test_sysadmin_seeds_a_year(superuser: User) -> None:
    response = client_for(superuser).post(url("holidays_seed"), {"year": "2026"})
    assert response.status_code == 302 and response["Location"].endswith("?nam=2026")
    assert Holiday.objects.filter(date=dt.date(2026, 2, 17)).exists()


def test_sysadmin_adds_and_removes_a_holiday(superuser: User) -> None:
    client = client_for(superuser)
    client.post(url("holiday_add"), {"holiday-date": "24/11/2026", "holiday-name": "Ngày Văn hóa"})
    holiday = Holiday.objects.get(date=dt.date(2026, 11, 24))
    client.post(url("holiday_remove", holiday_id=holiday.pk), {"nam": "2026"})
    assert not Holiday.objects.exists()


def test_sysadmin_adds_a_lam_bu_saturday_and_a_weekday_is_refused(superuser: User) -> None:
    client = client_for(superuser)
    client.post(url("working_weekend_add"), {"weekend-date": "2026-03-07", "weekend-name": "Làm bù"})
    refused = client.post(url("working_weekend_add"), {"weekend-date": "2026-03-06", "weekend-name": "Làm bù"},
                          follow=True)
    assert list(WorkingWeekend.objects.values_list("date", flat=True)) == [dt.date(2026, 3, 7)]
    assert "thứ Bảy hoặc Chủ nhật" in refused.content.decode()
    day = WorkingWeekend.objects.get()
    client.post(url("working_weekend_remove", working_weekend_id=day.pk))
    assert not WorkingWeekend.objects.exists()
