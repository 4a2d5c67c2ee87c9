"""URLs of the exchange screens (included from vanthu.web.urls at /lien-thong/, namespace ``web``)."""

from django.urls import path

from vanthu.web.views import exchange

urlpatterns = [
    path("", exchange.monitor_view, name="exchange_monitor"),
    path("goi-tin/<int:pk>/", exchange.package_view, name="exchange_package"),
    path("goi-tin/<int:pk>/tai-ve/", exchange.package_download_view, name="exchange_package_download"),
    path("goi-tin/<int:pk>/gui-lai/", exchange.package_resend_view, name="exchange_package_resend"),
    path("danh-ba/", exchange.directory_view, name="exchange_directory"),
    path("danh-ba/cap-nhat/", exchange.directory_sync_view, name="exchange_directory_sync"),
]
