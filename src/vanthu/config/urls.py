from django.contrib import admin
from django.urls import include, path

from vanthu.organizations.otp import VerifiedAdminSite

# The stock admin site logs in with the password alone; under this class it sends visitors to /dang-nhap/ (which asks
# for the TOTP code) and refuses sessions that skipped the code. Set before ``admin.site.urls`` is read.
admin.site.__class__ = VerifiedAdminSite

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("vanthu.api.urls")),
    path("thong-ke/", include("vanthu.reports.urls")),
    path("", include("vanthu.web.urls")),
]
