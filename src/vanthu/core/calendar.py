"""Working days: Monday–Friday, minus Vietnamese public holidays, plus làm-bù Saturdays (both editable)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from vanthu.core.formatting import VIETNAM as VIETNAM  # defined there: it loads no model
from vanthu.core.models import Holiday, WorkingWeekend


def month_of(moment: dt.datetime | dt.date) -> tuple[int, int]:
    """(year, month) of a moment as people in Vietnam read it; an aware datetime is converted first."""
    if isinstance(moment, dt.datetime):
        moment = moment.astimezone(VIETNAM).date() if moment.tzinfo is not None else moment.date()
    return moment.year, moment.month


# Solar dates of lunar 1/1 (Tết Nguyên đán) and lunar 10/3 (Giỗ Tổ Hùng Vương). Astronomical facts, used only to
# seed the editable holiday table; the government's yearly decision is entered by the administrator.
LUNAR_NEW_YEAR = {
    2024: dt.date(2024, 2, 10), 2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6), 2028: dt.date(2028, 1, 26), 2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}
HUNG_KINGS_DAY = {
    2024: dt.date(2024, 4, 18), 2025: dt.date(2025, 4, 7), 2026: dt.date(2026, 4, 26),
    2027: dt.date(2027, 4, 16), 2028: dt.date(2028, 4, 4), 2029: dt.date(2029, 4, 23),
    2030: dt.date(2030, 4, 12),
}


@dataclass(frozen=True)
class HolidaySpec:
    date: dt.date
    name: str


def default_holidays(year: int) -> list[HolidaySpec]:
    """Bộ luật Lao động 2019 Điều 112: the statutory holidays of a year, with nghỉ bù for weekend ones."""
    specs = [HolidaySpec(dt.date(year, 1, 1), "Tết Dương lịch")]
    tet = LUNAR_NEW_YEAR.get(year)
    if tet is not None:
        for offset in range(-1, 4):
            specs.append(HolidaySpec(tet + dt.timedelta(days=offset), "Tết Nguyên đán"))
    hung = HUNG_KINGS_DAY.get(year)
    if hung is not None:
        specs.append(HolidaySpec(hung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"))
    specs += [
        HolidaySpec(dt.date(year, 4, 30), "Ngày Chiến thắng (30/4)"),
        HolidaySpec(dt.date(year, 5, 1), "Ngày Quốc tế Lao động (1/5)"),
        HolidaySpec(dt.date(year, 9, 1), "Quốc khánh (nghỉ liền kề)"),
        HolidaySpec(dt.date(year, 9, 2), "Quốc khánh (2/9)"),
    ]
    taken = {s.date for s in specs}
    compensations: list[HolidaySpec] = []
    for spec in specs:
        if spec.date.weekday() >= 5:
            day = spec.date
            while day.weekday() >= 5 or day in taken:
                day += dt.timedelta(days=1)
            taken.add(day)
            compensations.append(HolidaySpec(day, f"Nghỉ bù {spec.name}"))
    return sorted(specs + compensations, key=lambda s: s.date)


class WorkCalendar:
    """Loads the exceptions of a date window once; answers working-day questions in memory."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start, self.end = start, end
        self.holidays = set(Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True))
        self.extra_days = set(
            WorkingWeekend.objects.filter(date__range=(start, end)).values_list("date", flat=True)
        )

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_days:
            return True
        return day.weekday() < 5 and day not in self.holidays


def _window(start: dt.date, days: int) -> WorkCalendar:
    # A generous window: n working days never span more than 2n + 30 calendar days, even around Tết.
    return WorkCalendar(start - dt.timedelta(days=abs(days) * 2 + 30), start + dt.timedelta(days=abs(days) * 2 + 30))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (a deadline of 5 working days from Monday is Monday+7)."""
    calendar = _window(start, days)
    step = 1 if days >= 0 else -1
    current, remaining = start, abs(days)
    while remaining:
        current += dt.timedelta(days=step)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end == start:
        return 0
    lo, hi = sorted((start, end))
    calendar = WorkCalendar(lo, hi)
    count = 0
    day = lo
    while day < hi:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            count += 1
    return count if end > start else -count


def is_working_day(day: dt.date) -> bool:
    return WorkCalendar(day, day).is_working_day(day)


def holidays_seed(*, years: list[int]) -> int:
    """Insert the default holidays of the given years that are not in the table yet."""
    created = 0
    for year in years:
        for spec in default_holidays(year):
            _, was_created = Holiday.objects.get_or_create(date=spec.date, defaults={"name": spec.name})
            created += int(was_created)
    return created


def today_local() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
