"""Working-day calendar (vanthu.core.calendar) and the audited calendar services (vanthu.core.services)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import AgencyKit
from vanthu.core.calendar import add_working_days, default_holidays, holidays_seed, working_days_between
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.models import AuditEvent, Holiday, WorkingWeekend
from vanthu.core.services import (
    holiday_add,
    holiday_remove,
    holidays_seed_year,
    working_weekend_add,
    working_weekend_remove,
)
from vanthu.organizations.actor import Actor

FRIDAY = dt.date(2026, 3, 6)


@pytest.mark.django_db
def test_one_working_day_after_friday_is_monday() -> None:
    assert add_working_days(FRIDAY, 1) == dt.date(2026, 3, 9)


@pytest.mark.django_db
def test_five_working_days_from_monday_end_on_next_monday() -> None:
    assert add_working_days(dt.date(2026, 3, 2), 5) == dt.date(2026, 3, 9)


@pytest.mark.django_db
def test_deadline_skips_tet_2026_once_holidays_are_seeded() -> None:
    before_tet = dt.date(2026, 2, 13)  # Friday before Tết Bính Ngọ (17/02/2026)
    assert add_working_days(before_tet, 1) == dt.date(2026, 2, 16)
    holidays_seed(years=[2026])
    assert add_working_days(before_tet, 1) == dt.date(2026, 2, 23)
    assert working_days_between(before_tet, dt.date(2026, 2, 23)) == 1


@pytest.mark.django_db
def test_lam_bu_saturday_counts_as_a_working_day() -> None:
    WorkingWeekend.objects.create(date=dt.date(2026, 3, 7), name="Làm bù")
    assert add_working_days(FRIDAY, 1) == dt.date(2026, 3, 7)


@pytest.mark.django_db
def test_negative_days_count_backwards_over_the_weekend() -> None:
    assert add_working_days(dt.date(2026, 3, 9), -1) == FRIDAY


def test_tet_2026_is_five_days_around_lunar_new_year() -> None:
    tet = [h.date for h in default_holidays(2026) if h.name == "Tết Nguyên đán"]
    assert tet == [dt.date(2026, 2, d) for d in range(16, 21)]


def test_weekend_victory_day_and_labour_day_get_nghi_bu_on_following_working_days() -> None:
    holidays = {h.date: h.name for h in default_holidays(2022)}  # 30/4/2022 Saturday, 1/5/2022 Sunday
    assert holidays[dt.date(2022, 5, 2)] == "Nghỉ bù Ngày Chiến thắng (30/4)"
    assert holidays[dt.date(2022, 5, 3)] == "Nghỉ bù Ngày Quốc tế Lao động (1/5)"


def test_national_day_on_saturday_gets_nghi_bu_on_monday() -> None:
    holidays = {h.date: h.name for h in default_holidays(2023)}  # 2/9/2023 Saturday
    assert holidays[dt.date(2023, 9, 4)] == "Nghỉ bù Quốc khánh (2/9)"
    assert dt.date(2023, 9, 1) in holidays


def test_weekday_holidays_get_no_nghi_bu() -> None:
    assert not [h for h in default_holidays(2026) if h.name.startswith("Nghỉ bù") and "30/4" in h.name]


@pytest.mark.django_db
def test_seeding_twice_adds_nothing_the_second_time() -> None:
    first = holidays_seed(years=[2026])
    assert first == len(default_holidays(2026))
    assert holidays_seed(years=[2026]) == 0


# The audited services: only a system administrator edits the deployment-wide calendar.


def test_sysadmin_adds_and_removes_a_holiday_with_audit(sysadmin_actor: Actor) -> None:
    holiday = holiday_add(actor=sysadmin_actor, date=dt.date(2026, 11, 24), name="Ngày Văn hóa Việt Nam")
    holiday_remove(actor=sysadmin_actor, holiday_id=holiday.pk)
    assert not Holiday.objects.filter(pk=holiday.pk).exists()
    events = list(AuditEvent.objects.filter(target_type="core.holiday", target_id=str(holiday.pk))
                  .values_list("event_type", flat=True).order_by("id"))
    assert events == ["holiday.added", "holiday.removed"]


def test_agency_admin_cannot_edit_holidays(kit: AgencyKit) -> None:
    with pytest.raises(PermissionDeniedError):
        holiday_add(actor=kit.admin, date=dt.date(2026, 11, 24), name="Ngày lạ")
    assert not Holiday.objects.exists()


def test_holiday_add_refuses_a_duplicate_date(sysadmin_actor: Actor) -> None:
    holiday_add(actor=sysadmin_actor, date=dt.date(2026, 1, 1), name="Tết Dương lịch")
    with pytest.raises(ApplicationError) as info:
        holiday_add(actor=sysadmin_actor, date=dt.date(2026, 1, 1), name="Trùng")
    assert info.value.code == "holiday_exists"
    assert "01/01/2026" in str(info.value.message)


def test_holiday_remove_of_a_missing_day_is_not_found(sysadmin_actor: Actor) -> None:
    with pytest.raises(NotFoundError):
        holiday_remove(actor=sysadmin_actor, holiday_id=987654)


def test_working_weekend_must_be_a_saturday_or_sunday(sysadmin_actor: Actor) -> None:
    with pytest.raises(ApplicationError) as info:
        working_weekend_add(actor=sysadmin_actor, date=FRIDAY, name="Làm bù")
    assert info.value.code == "not_a_weekend"


def test_working_weekend_add_and_remove_are_audited(sysadmin_actor: Actor) -> None:
    day = working_weekend_add(actor=sysadmin_actor, date=dt.date(2026, 3, 7), name="Làm bù cho 2/1")
    working_weekend_remove(actor=sysadmin_actor, working_weekend_id=day.pk)
    assert not WorkingWeekend.objects.exists()
    assert AuditEvent.objects.filter(event_type__startswith="working_weekend.").count() == 2


def test_seed_year_service_audits_how_many_days_were_added(sysadmin_actor: Actor) -> None:
    created = holidays_seed_year(actor=sysadmin_actor, year=2026)
    event = AuditEvent.objects.get(event_type="holiday.seeded")
    assert created == Holiday.objects.count() > 0
    assert event.data == {"year": 2026, "created": created}


def test_seed_year_refuses_a_year_without_a_known_tet_date(sysadmin_actor: Actor) -> None:
    with pytest.raises(ApplicationError) as info:
        holidays_seed_year(actor=sysadmin_actor, year=2040)
    assert info.value.code == "unknown_lunar_year"
    assert not Holiday.objects.exists()
