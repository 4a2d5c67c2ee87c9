"""One period for register books and reports: the days first..last in Vietnam, labelled and named the same way."""

from __future__ import annotations

import datetime as dt

import pytest

from vanthu.core.formatting import VIETNAM
from vanthu.core.periods import Period


@pytest.mark.parametrize(("period", "label", "slug"), [
    (Period.month(2026, 11), "Tháng 11/2026", "2026-11"),
    (Period.quarter(2026, 4), "Quý IV năm 2026", "quy-4-2026"),
    (Period.year(2026), "Năm 2026", "nam-2026"),
    (Period.year(2026, up_to=dt.date(2026, 11, 5)), "Từ tháng 01/2026 đến tháng 11/2026", "2026-01-den-2026-11"),
    (Period(dt.date(2026, 11, 1), dt.date(2026, 11, 15)), "Từ ngày 01/11/2026 đến ngày 15/11/2026",
     "20261101-20261115"),
])
def test_a_period_reads_the_same_on_screen_on_paper_and_in_a_file_name(period: Period, label: str,
                                                                        slug: str) -> None:
    assert (period.label, period.slug) == (label, slug)


def test_a_month_ends_at_midnight_in_vietnam() -> None:
    november = Period.month(2026, 11)
    assert november.start == dt.datetime(2026, 11, 1, tzinfo=VIETNAM)
    assert november.end == dt.datetime(2026, 12, 1, tzinfo=VIETNAM)


def test_reports_take_whole_months_only() -> None:
    assert Period.quarter(2026, 1).months == ((2026, 1), (2026, 2), (2026, 3))
    with pytest.raises(ValueError, match="whole months"):
        _ = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 15)).months
