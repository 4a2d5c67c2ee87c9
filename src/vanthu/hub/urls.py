"""``<endpoint>/<operation>``: every operation at the root, names case-insensitive, a trailing slash tolerated."""

from __future__ import annotations

from django.urls import re_path

from vanthu.hub.views import dispatch

app_name = "hub"
urlpatterns = [re_path(r"^(?P<operation>[A-Za-z0-9]+)/?$", dispatch, name="operation")]
