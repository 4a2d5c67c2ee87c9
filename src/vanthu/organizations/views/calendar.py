"""The work calendar: holidays and làm-bù days of a year. Deployment-wide, so only system administrators edit it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vanthu.core.calendar import today_local
from vanthu.core.errors import ApplicationError
from vanthu.core.models import Holiday, WorkingWeekend
from vanthu.core.services import (
    holiday_add,
    holiday_remove,
    holidays_seed_year,
    working_weekend_add,
    working_weekend_remove,
)
from vanthu.organizations.actor import Actor
from vanthu.organizations.forms import CalendarDayForm, SeedYearForm, year_from
from vanthu.organizations.views.base import calendar_edit_view, calendar_view, report_error


def _back(year: int) -> HttpResponse:
    return redirect(f"{reverse('web:organizations:calendar')}?nam={year}")


@calendar_view
def calendar(request: HttpRequest, actor: Actor) -> HttpResponse:
    year = year_from(request.GET.get("nam"), today_local().year)
    context = {
        "year": year,
        "previous_year": year - 1,
        "next_year": year + 1,
        "holidays": Holiday.objects.filter(date__year=year).order_by("date"),
        "working_weekends": WorkingWeekend.objects.filter(date__year=year).order_by("date"),
        "can_edit": actor.is_sysadmin,
        "holiday_form": CalendarDayForm(prefix="holiday"),
        "weekend_form": CalendarDayForm(prefix="weekend"),
        "seed_form": SeedYearForm(initial={"year": year}),
    }
    return render(request, "organizations/calendar.html", context)


def _add_day(request: HttpRequest, actor: Actor, *, prefix: str) -> HttpResponse:
    form = CalendarDayForm(request.POST, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _("Ngày hoặc tên không hợp lệ."))
        return _back(year_from(request.POST.get("nam"), today_local().year))
    day, name = form.cleaned_data["date"], form.cleaned_data["name"]
    try:
        if prefix == "holiday":
            holiday_add(actor=actor, date=day, name=name)
        else:
            working_weekend_add(actor=actor, date=day, name=name)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Đã thêm ngày %(date)s.") % {"date": f"{day:%d/%m/%Y}"})
    return _back(day.year)


@require_POST
@calendar_edit_view
def holiday_add_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _add_day(request, actor, prefix="holiday")


@require_POST
@calendar_edit_view
def working_weekend_add_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    return _add_day(request, actor, prefix="weekend")


@require_POST
@calendar_edit_view
def holiday_remove_view(request: HttpRequest, actor: Actor, holiday_id: int) -> HttpResponse:
    year = year_from(request.POST.get("nam"), today_local().year)
    try:
        holiday_remove(actor=actor, holiday_id=holiday_id)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Đã xóa ngày nghỉ."))
    return _back(year)


@require_POST
@calendar_edit_view
def working_weekend_remove_view(request: HttpRequest, actor: Actor, working_weekend_id: int) -> HttpResponse:
    year = year_from(request.POST.get("nam"), today_local().year)
    try:
        working_weekend_remove(actor=actor, working_weekend_id=working_weekend_id)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Đã xóa ngày làm bù."))
    return _back(year)


@require_POST
@calendar_edit_view
def holidays_seed_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = SeedYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Năm không hợp lệ."))
        return _back(today_local().year)
    year = form.cleaned_data["year"]
    try:
        created = holidays_seed_year(actor=actor, year=year)
    except ApplicationError as exc:
        report_error(request, exc)
    else:
        messages.success(request, _("Đã thêm %(n)s ngày nghỉ theo luật của năm %(year)s.") % {"n": created,
                                                                                              "year": year})
    return _back(year)
