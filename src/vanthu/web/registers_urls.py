from django.urls import path

from vanthu.web import registers

app_name = "registers"
urlpatterns = [
    path("", registers.register_view, {"direction": registers.INCOMING}, name="register"),
    path("van-ban-di/", registers.register_view, {"direction": registers.OUTGOING}, name="outgoing"),
]
