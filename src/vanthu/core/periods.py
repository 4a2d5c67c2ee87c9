"""Periods: an inclusive range of dates in Vietnam time, for register books and statistics alike.

A register book is printed "from date to date" (or for a year) and a report covers a month, a quarter or a year:
both are the same thing, the days from ``first`` to ``last`` in Asia/Ho_Chi_Minh, and both are labelled, named in
file names and turned into [start, end) instants the same way. What differs is a constraint, not a meaning: the
statistics are read from monthly rollups, so a report accepts only a period made of whole months
(:meth:`Period.months` refuses any other); a register takes any range of days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from vanthu.core.formatting import VIETNAM, format_date

Month = tuple[int, int]
ROMAN_QUARTERS = ("I", "II", "III", "IV")


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """The days ``first``..``last`` (both included) in Vietnam time; [``start``, ``end``) as instants."""

    first: dt.date
    last: dt.date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"period ends before it starts: {self.first} > {self.last}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(dt.date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter))

    @classmethod
    def year(cls, year: int, up_to: dt.date | None = None) -> Period:
        """The calendar year; a year still running ends with the month of ``up_to`` (a report of the year so far)."""
        last_month = up_to.month if up_to is not None and up_to.year == year else 12
        return cls(dt.date(year, 1, 1), _month_end(year, last_month))

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=VIETNAM)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=VIETNAM)

    @property
    def as_of(self) -> dt.datetime:
        """When a snapshot of the period is taken: its end, or now for a period still running."""
        return min(self.end, timezone.now())

    @property
    def as_of_date(self) -> dt.date:
        """Deadlines before this date had passed when the snapshot was taken."""
        return min(self.last + dt.timedelta(days=1), timezone.localdate(timezone.now(), VIETNAM))

    @property
    def is_whole_months(self) -> bool:
        return self.first.day == 1 and self.last == _month_end(self.last.year, self.last.month)

    @property
    def months(self) -> tuple[Month, ...]:
        """The calendar months of a whole-month period, oldest first (what the monthly rollups are read by)."""
        if not self.is_whole_months:
            raise ValueError(f"not a period of whole months: {self.first}..{self.last}")
        year, month = self.first.year, self.first.month
        result = []
        while (year, month) <= (self.last.year, self.last.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(result)

    @property
    def last_month(self) -> Month:
        return (self.last.year, self.last.month)

    def _is_quarter(self) -> bool:
        return (self.is_whole_months and self.first.year == self.last.year and self.first.month % 3 == 1
                and self.last.month == self.first.month + 2)

    @property
    def label(self) -> str:
        """"Tháng 11/2026", "Quý IV năm 2026", "Năm 2026", "Từ tháng 01/2026 đến tháng 11/2026" or
        "Từ ngày 01/11/2026 đến ngày 15/11/2026"."""
        first, last = self.first, self.last
        if self.is_whole_months:
            if (first.year, first.month) == (last.year, last.month):
                return _("Tháng %(month)02d/%(year)d") % {"month": first.month, "year": first.year}
            if first.year == last.year and (first.month, last.month) == (1, 12):
                return _("Năm %(year)s") % {"year": first.year}
            if self._is_quarter():
                return _("Quý %(quarter)s năm %(year)d") % {"quarter": ROMAN_QUARTERS[last.month // 3 - 1],
                                                            "year": first.year}
            return _("Từ tháng %(m1)02d/%(y1)d đến tháng %(m2)02d/%(y2)d") % {
                "m1": first.month, "y1": first.year, "m2": last.month, "y2": last.year}
        return _("Từ ngày %(start)s đến ngày %(end)s") % {"start": format_date(first), "end": format_date(last)}

    @property
    def slug(self) -> str:
        """The period in a file name, ASCII: ``2026-11``, ``quy-4-2026``, ``nam-2026``, ``2026-01-den-2026-11``
        or ``20261101-20261115``."""
        first, last = self.first, self.last
        if self.is_whole_months:
            if (first.year, first.month) == (last.year, last.month):
                return f"{first.year}-{first.month:02d}"
            if first.year == last.year and (first.month, last.month) == (1, 12):
                return f"nam-{first.year}"
            if self._is_quarter():
                return f"quy-{last.month // 3}-{first.year}"
            return f"{first.year}-{first.month:02d}-den-{last.year}-{last.month:02d}"
        return f"{first:%Y%m%d}-{last:%Y%m%d}"
