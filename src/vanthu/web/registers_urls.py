from django.urls import path

from vanthu.web import registers

app_name = "registers"
urlpatterns = [
    path("", registers.register_view, name="register"),
    path("van-ban-di/", registers.outgoing_register_view, name="outgoing"),
]
