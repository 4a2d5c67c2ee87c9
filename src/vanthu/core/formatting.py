"""Vietnamese formatting of what people read: 40.770 and 98,93 % (thousands with ".", decimals with ","), dates
dd/mm/yyyy and times dd/mm/yyyy HH:MM in Vietnam time."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.utils import timezone

# Where the app computes days and months (statistics, signing times, dates on paper): Vietnam, whatever TIME_ZONE a
# deployment sets. The edXML wire format has its own fixed +07:00 (``vanthu.edxml.values.VIETNAM_TZ``), the same
# offset. Defined here, in a module that loads no model, so exports can be written before Django's apps are ready.
VIETNAM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DASH = "—"


def vn_int(value: int | None) -> str:
    if value is None:
        return DASH
    return f"{value:,}".replace(",", ".")


def vn_decimal(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return DASH
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: Decimal | None) -> str:
    """98,93 % — or "—" when there is no denominator (never 0 % or 100 % for an agency with no documents)."""
    return DASH if value is None else f"{vn_decimal(value)} %"


def local_naive(value: dt.datetime) -> dt.datetime:
    """``value`` as the wall-clock time in Vietnam, without a zone (what a spreadsheet cell can hold)."""
    if timezone.is_aware(value):
        value = timezone.localtime(value, VIETNAM)
    return value.replace(tzinfo=None)


def format_date(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy (a moment's day in Vietnam); empty for a missing date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_naive(value).date()
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Vietnam time; empty for a missing moment."""
    if value is None:
        return ""
    return local_naive(value).strftime("%d/%m/%Y %H:%M")
