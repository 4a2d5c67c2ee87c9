"""Writes on the deployment-wide work calendar (ngày nghỉ lễ, ngày làm bù). Only system administrators edit it.

Holidays are the same for every agency (Bộ luật Lao động 2019 Điều 112 and the government's yearly decision), so an
agency administrator sees them read-only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from vanthu.core.audit import audit_record
from vanthu.core.calendar import LUNAR_NEW_YEAR, holidays_seed
from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.models import Holiday, WorkingWeekend

if TYPE_CHECKING:
    from vanthu.organizations.actor import Actor


def _require_sysadmin(actor: Actor) -> None:
    if not actor.is_sysadmin:
        raise PermissionDeniedError("forbidden", _("Chỉ quản trị hệ thống được sửa lịch làm việc."))


@transaction.atomic
def holiday_add(*, actor: Actor, date: dt.date, name: str) -> Holiday:
    _require_sysadmin(actor)
    name = name.strip()
    if not name:
        raise ApplicationError("invalid_input", _("Hãy nhập tên ngày nghỉ."))
    if Holiday.objects.filter(date=date).exists():
        raise ApplicationError("holiday_exists", _("Ngày %(date)s đã là ngày nghỉ.") % {"date": f"{date:%d/%m/%Y}"})
    if WorkingWeekend.objects.filter(date=date).exists():
        raise ApplicationError(
            "day_is_working_weekend", _("Ngày %(date)s đang là ngày làm bù.") % {"date": f"{date:%d/%m/%Y}"}
        )
    holiday = Holiday.objects.create(date=date, name=name)
    audit_record(actor=actor.user, event_type="holiday.added", target=holiday,
                 data={"date": date.isoformat(), "name": name})
    return holiday


@transaction.atomic
def holiday_remove(*, actor: Actor, holiday_id: int) -> None:
    _require_sysadmin(actor)
    holiday = Holiday.objects.select_for_update().filter(pk=holiday_id).first()
    if holiday is None:
        raise NotFoundError("not_found", _("Không tìm thấy ngày nghỉ."))
    data = {"date": holiday.date.isoformat(), "name": holiday.name}
    holiday.delete()
    audit_record(actor=actor.user, event_type="holiday.removed", target=("core.holiday", holiday_id), data=data)


@transaction.atomic
def working_weekend_add(*, actor: Actor, date: dt.date, name: str) -> WorkingWeekend:
    """A làm-bù day: only a Saturday or Sunday can be made a working day."""
    _require_sysadmin(actor)
    name = name.strip()
    if not name:
        raise ApplicationError("invalid_input", _("Hãy nhập lý do làm bù."))
    if date.weekday() < 5:
        raise ApplicationError("not_a_weekend", _("Ngày làm bù phải là thứ Bảy hoặc Chủ nhật."))
    if WorkingWeekend.objects.filter(date=date).exists():
        raise ApplicationError("working_weekend_exists",
                               _("Ngày %(date)s đã là ngày làm bù.") % {"date": f"{date:%d/%m/%Y}"})
    if Holiday.objects.filter(date=date).exists():
        raise ApplicationError("day_is_holiday", _("Ngày %(date)s đang là ngày nghỉ.") % {"date": f"{date:%d/%m/%Y}"})
    day = WorkingWeekend.objects.create(date=date, name=name)
    audit_record(actor=actor.user, event_type="working_weekend.added", target=day,
                 data={"date": date.isoformat(), "name": name})
    return day


@transaction.atomic
def working_weekend_remove(*, actor: Actor, working_weekend_id: int) -> None:
    _require_sysadmin(actor)
    day = WorkingWeekend.objects.select_for_update().filter(pk=working_weekend_id).first()
    if day is None:
        raise NotFoundError("not_found", _("Không tìm thấy ngày làm bù."))
    data = {"date": day.date.isoformat(), "name": day.name}
    day.delete()
    audit_record(actor=actor.user, event_type="working_weekend.removed",
                 target=("core.workingweekend", working_weekend_id), data=data)


@transaction.atomic
def holidays_seed_year(*, actor: Actor, year: int) -> int:
    """Insert the statutory holidays of ``year`` that are missing; returns how many were added.

    Refused for a year whose Tết date is unknown: seeding it would silently leave out the longest holiday.
    """
    _require_sysadmin(actor)
    if year not in LUNAR_NEW_YEAR:
        raise ApplicationError(
            "unknown_lunar_year",
            _("Chưa có ngày Tết Nguyên đán của năm %(year)s; hãy nhập các ngày nghỉ bằng tay.") % {"year": year},
        )
    created = holidays_seed(years=[year])
    audit_record(actor=actor.user, event_type="holiday.seeded", target=("core.holiday", f"year:{year}"),
                 data={"year": year, "created": created})
    return created
