"""URLs of the statistics screens, at /thong-ke/ (namespace ``reports``)."""

from django.urls import path

from vanthu.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("co-quan/<int:agency_id>/", views.dashboard_view, name="agency"),
    path("co-quan/<int:agency_id>/van-ban/", views.documents_view, name="documents"),
    path("bao-cao/<str:kind>/<int:agency_id>/", views.report_view, name="report"),
    path("bao-cao-da-lap/", views.kept_reports_view, name="kept"),
    path("bao-cao-da-lap/<int:pk>/<str:fmt>/", views.kept_report_file_view, name="kept_file"),
    path("lap-bao-cao/", views.report_generate_view, name="generate"),
    path("cau-hinh/", views.settings_view, name="settings"),
]
