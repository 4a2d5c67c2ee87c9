"""Agency administration (quản trị cơ quan), included at ``/quan-tri/``."""

from django.urls import path

from vanthu.organizations.views import calendar, home, members, positions, units

app_name = "organizations"
urlpatterns = [
    path("", home.index, name="index"),
    path("don-vi/", units.unit_list, name="unit_list"),
    path("don-vi/them/", units.unit_add, name="unit_add"),
    path("don-vi/<int:unit_id>/sua/", units.unit_edit, name="unit_edit"),
    path("don-vi/<int:unit_id>/ngung/", units.unit_deactivate_view, name="unit_deactivate"),
    path("chuc-vu/", positions.position_list, name="position_list"),
    path("chuc-vu/them/", positions.position_add, name="position_add"),
    path("chuc-vu/<int:position_id>/sua/", positions.position_edit, name="position_edit"),
    path("nguoi-dung/", members.member_list, name="member_list"),
    path("nguoi-dung/them/", members.member_add, name="member_add"),
    path("nguoi-dung/<int:membership_id>/vai-tro/", members.member_roles, name="member_roles"),
    path("nguoi-dung/<int:membership_id>/ngung/", members.member_deactivate_view, name="member_deactivate"),
    path("nguoi-dung/<int:membership_id>/mat-khau/", members.member_password, name="member_password"),
    path("lich-lam-viec/", calendar.calendar, name="calendar"),
    path("lich-lam-viec/ngay-nghi/them/", calendar.holiday_add_view, name="holiday_add"),
    path("lich-lam-viec/ngay-nghi/<int:holiday_id>/xoa/", calendar.holiday_remove_view, name="holiday_remove"),
    path("lich-lam-viec/lam-bu/them/", calendar.working_weekend_add_view, name="working_weekend_add"),
    path("lich-lam-viec/lam-bu/<int:working_weekend_id>/xoa/", calendar.working_weekend_remove_view,
         name="working_weekend_remove"),
    path("lich-lam-viec/khoi-tao/", calendar.holidays_seed_view, name="holidays_seed"),
]
